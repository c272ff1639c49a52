package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/awsiam"
)

//go:embed aws_wildcard_permission.md
var awsWildcardPermissionDoc string

// AWSWildcardPermission reports Lambda functions whose execution role grants
// service-wide wildcards, or write / permissions-management actions on "*".
var AWSWildcardPermission = audit.Rule{
	ID:       "FNA-AWS-005",
	Slug:     "aws-wildcard-permission",
	Category: audit.WildcardPermission,
	Severity: audit.Medium,
	Provider: audit.AWS,
	Title:    "Lambda execution role grants wildcard permissions",
	Doc:      awsWildcardPermissionDoc,
	Remediation: "List the actions the function calls instead of \"service:*\", and name its tables, buckets, " +
		"queues and keys in Resource instead of \"*\"; IAM Access Analyzer policy generation shows what is used.",
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
		"https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkAWSWildcardPermission,
}

// awsWildcardResults judges a role once for every function that runs as it.
func awsWildcardResults(id *audit.Identity, r *awsiam.Role) awsRoleResults {
	grants := r.Wildcards()
	if len(grants) == 0 {
		return awsRoleResults{problems: r.Problems}
	}
	sev := audit.Low
	var parts []string
	var ev []audit.Evidence
	for i := range grants {
		w := &grants[i]
		if w.Severity.Rank() > sev.Rank() {
			sev = w.Severity
		}
		parts = append(parts, awsDescribeWildcard(w))
		ev = append(ev, w.Grant.Evidence())
	}
	return awsRoleResults{results: []audit.Result{{
		Severity: sev,
		Detail:   fmt.Sprintf("Execution role %s grants broadly: %s.", id.ID, strings.Join(parts, "; ")),
		Evidence: ev,
	}}}
}

func checkAWSWildcardPermission(pass *audit.Pass) {
	for _, id := range awsExecutionRoles(pass) {
		awsReportRole(pass, id, awsWildcardResults)
	}
}

func awsDescribeWildcard(w *awsiam.WildcardGrant) string {
	what := "Resource \"*\""
	if len(w.ServiceWide) > 0 {
		what = "service-wide " + strings.Join(w.ServiceWide, ", ")
		if w.Grant.AllResources() {
			what += " on Resource \"*\""
		} else {
			what += " on named resources"
		}
	}
	s := fmt.Sprintf("%s %s covers %d action(s) in %s, up to %s (e.g. %s)", w.Grant.Name(), what, w.Actions,
		strings.Join(w.Services, ", "), strings.ToLower(string(w.Level)), strings.Join(w.Examples, ", "))
	if c := w.Grant.ConditionText(); c != "" {
		s += " if " + c
	}
	return s + " [" + string(w.Severity) + "]"
}
