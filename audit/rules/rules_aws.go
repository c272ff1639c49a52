package rules

import "github.com/fnaudit/fnaudit/audit"

// awsRules lists the AWS rules in catalogue order.
func awsRules() []audit.Rule {
	return []audit.Rule{}
}
