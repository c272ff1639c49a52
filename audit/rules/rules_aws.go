package rules

import "github.com/fnaudit/fnaudit/audit"

// awsRules lists the AWS rules in catalogue order: who can invoke the function,
// then what its execution role can do, then who can change it.
func awsRules() []audit.Rule {
	return append(append(awsInvokeRules(), awsIdentityRules()...), awsControlRules()...)
}
