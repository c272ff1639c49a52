package rules

import "github.com/fnaudit/fnaudit/audit"

// awsIdentityRules lists the AWS rules about the function itself and its
// execution role: admin access, escalation, wildcards, runtime, secrets.
func awsIdentityRules() []audit.Rule {
	return []audit.Rule{}
}
