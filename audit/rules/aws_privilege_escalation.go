package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/awsiam"
)

//go:embed aws_privilege_escalation.md
var awsPrivilegeEscalationDoc string

// AWSPrivilegeEscalation reports, per known method, Lambda functions whose
// execution role can raise its own or another principal's privileges.
var AWSPrivilegeEscalation = audit.Rule{
	ID:       "FNA-AWS-004",
	Slug:     "aws-privilege-escalation",
	Category: audit.PrivilegeEscalation,
	Severity: audit.High,
	Provider: audit.AWS,
	Title:    "Lambda execution role can escalate privileges",
	Doc:      awsPrivilegeEscalationDoc,
	Remediation: "Remove the actions the method needs from the execution role, or scope them: iam:PassRole to the " +
		"specific roles the function must pass with an iam:PassedToService condition, IAM write actions to " +
		"nothing (deploy roles belong to the pipeline, not to running code), and update actions on functions, " +
		"stacks and projects to the function's own resources.",
	References: []string{
		"https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
		"https://pathfinding.cloud/",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkAWSPrivilegeEscalation,
}

type awsEscalationResult struct {
	admin       bool
	escalations []awsiam.Escalation
	problems    []string
}

func checkAWSPrivilegeEscalation(pass *audit.Pass) {
	for _, id := range awsExecutionRoles(pass) {
		res := awsRoleAnalysis(pass, id, func(r *awsiam.Role) any {
			a := r.Admin()
			out := awsEscalationResult{admin: a.Admin && !a.Conditional, problems: r.Problems}
			if !out.admin {
				out.escalations = r.Escalations()
			}
			return out
		}).(awsEscalationResult)
		if res.admin {
			// An administrator already holds every permission; FNA-AWS-003
			// reports it, and sixty escalation findings would add nothing.
			continue
		}
		if len(res.escalations) == 0 {
			awsRoleProblems(pass, id, res.problems)
			continue
		}
		for i := range res.escalations {
			e := &res.escalations[i]
			grants := e.Grants()
			r := audit.Result{
				Key:      e.Method.ID,
				Title:    "Lambda execution role can escalate privileges: " + e.Method.Name(),
				Evidence: awsGrantEvidence(grants),
			}
			var steps []string
			for _, s := range e.Steps {
				steps = append(steps, s.Action+" via "+awsGrantNames(s.Grants))
			}
			r.Detail = fmt.Sprintf("Execution role %s allows %s. %s (listed by %s.)", id.ID,
				strings.Join(steps, "; "), e.Method.Description, strings.Join(e.Method.Catalogues, " and "))
			if e.Conditional {
				r.Severity = audit.Medium
				r.Detail += " Some of these grants carry conditions the audit cannot evaluate."
			}
			pass.Report(r)
		}
	}
}
