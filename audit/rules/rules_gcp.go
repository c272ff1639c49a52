package rules

import "github.com/fnaudit/fnaudit/audit"

// gcpRules lists the GCP rules in catalogue order.
func gcpRules() []audit.Rule {
	return []audit.Rule{
		GCPPublicInvoke,
		GCPAdminAccess,
	}
}
