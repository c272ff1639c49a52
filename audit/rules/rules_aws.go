package rules

import "github.com/fnaudit/fnaudit/audit"

// awsRules lists the AWS rules in catalogue order: who can invoke the function,
// then what its execution role can do.
func awsRules() []audit.Rule {
	return append(awsInvokeRules(), awsIdentityRules()...)
}
