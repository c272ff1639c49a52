package rules

import "github.com/fnaudit/fnaudit/audit"

// awsInvokeRules lists the AWS invocation rules (resource policies, function URLs).
func awsInvokeRules() []audit.Rule {
	return []audit.Rule{}
}
