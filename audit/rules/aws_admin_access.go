package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/awsiam"
)

//go:embed aws_admin_access.md
var awsAdminAccessDoc string

// AWSAdminAccess reports Lambda functions whose execution role can perform
// every action on every resource.
var AWSAdminAccess = audit.Rule{
	ID:       "FNA-AWS-003",
	Slug:     "aws-admin-access",
	Category: audit.AdminAccess,
	Severity: audit.High,
	Provider: audit.AWS,
	Title:    "Lambda execution role has full administrative access",
	Doc:      awsAdminAccessDoc,
	Remediation: "Replace AdministratorAccess (or the Action \"*\" / NotAction statement) on the execution role " +
		"with a policy listing only the actions and resources the function uses; IAM Access Analyzer can " +
		"generate one from CloudTrail activity. Until then, attach a permissions boundary that excludes IAM.",
	References: []string{
		"https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkAWSAdminAccess,
}

// awsAdminResults judges a role once for every function that runs as it.
func awsAdminResults(id *audit.Identity, r *awsiam.Role) awsRoleResults {
	v := r.Admin()
	if !v.Admin {
		return awsRoleResults{problems: r.Problems}
	}
	res := audit.Result{Evidence: awsGrantEvidence(v.Grants)}
	scope := "every action on every resource"
	if v.Missing > 0 {
		scope = fmt.Sprintf("every action on every resource except %d of %d (in %s)", v.Missing, v.Total,
			strings.Join(v.MissingServices, ", "))
	}
	res.Detail = fmt.Sprintf("Execution role %s can perform %s, through %s. Code running in the function, "+
		"or anyone who can change its code, controls the whole account.", id.ID, scope, awsGrantNames(v.Grants))
	if v.Conditional {
		res.Severity = audit.High
		res.Title = "Lambda execution role has administrative access under conditions"
		res.Detail += " The grant carries conditions the audit cannot evaluate; it is administrative whenever they hold."
	}
	return awsRoleResults{results: []audit.Result{res}}
}

func checkAWSAdminAccess(pass *audit.Pass) {
	for _, id := range awsExecutionRoles(pass) {
		awsReportRole(pass, id, awsAdminResults)
	}
}
