package rules

import "github.com/fnaudit/fnaudit/audit"

// awsControlRules lists the AWS rules about who can change a function or take
// its execution role (audit/control).
func awsControlRules() []audit.Rule {
	return []audit.Rule{AWSControlEscalation, AWSCrossAccountControl, AWSRoleTrust}
}
