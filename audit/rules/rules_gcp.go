package rules

import "github.com/fnaudit/fnaudit/audit"

// gcpRules lists the GCP rules in catalogue order: who can invoke the function,
// then what its service account can do, then the function's own configuration.
func gcpRules() []audit.Rule {
	return []audit.Rule{
		GCPPublicInvoke,
		GCPCrossProjectInvoke,
		GCPAdminAccess,
		GCPPrivilegeEscalation,
		GCPWildcardPermission,
		GCPDeprecatedRuntime,
		GCPPlaintextSecret,
		GCPDefaultServiceAccount,
		GCPControlEscalation,
		GCPExternalControl,
		GCPProjectWideActAs,
	}
}
