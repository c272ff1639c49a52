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

// AWSPrivilegeEscalation reports Lambda functions whose execution role can
// raise its own or another principal's privileges, naming every known method
// the role matches in one finding.
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

// awsEscalationResults judges a role once: the findings every function that
// runs as the role gets (they quote only the role's policies).
//
// A method that passes only named roles is dropped when every named role is in
// the inventory and this role can already do everything that role can: passing
// it gains nothing.
func awsEscalationResults(id *audit.Identity, r *awsiam.Role, lookup func(string) *audit.Identity) awsRoleResults {
	a := r.Admin()
	if a.Admin && !a.Conditional {
		// An administrator already holds every permission; FNA-AWS-003
		// reports it, and sixty escalation findings would add nothing.
		return awsRoleResults{}
	}
	escalations := r.Escalations()
	if len(escalations) == 0 {
		return awsRoleResults{problems: r.Problems}
	}
	// One finding per function, naming every method: a role that can escalate
	// one way usually can several ways, and one finding per method buries the
	// rest of the report (a PowerUser role matches twenty of them).
	var (
		names, details []string
		evidence       []audit.Evidence
		seen           = map[string]bool{}
		allConditional = true
	)
	for i := range escalations {
		e := &escalations[i]
		targets, named := e.PassRoleTargets()
		if named && awsCoversAll(r, targets, lookup) {
			continue
		}
		var steps []string
		for _, s := range e.Steps {
			steps = append(steps, s.Action+" via "+awsGrantNames(s.Grants))
		}
		d := fmt.Sprintf("%s: allows %s. %s (listed by %s.)", e.Method.Name(),
			strings.Join(steps, "; "), e.Method.Description, strings.Join(e.Method.Catalogues, " and "))
		if named {
			d += " Roles it can pass: " + strings.Join(targets, ", ") + "."
		}
		if e.Conditional {
			d += " Some of these grants carry conditions the audit cannot evaluate."
		} else {
			allConditional = false
		}
		names = append(names, e.Method.Name())
		details = append(details, d)
		for _, ev := range awsGrantEvidence(e.Grants()) {
			k := ev.Source.Ref + "\x00" + ev.Path + "\x00" + ev.Fragment
			if !seen[k] {
				seen[k] = true
				evidence = append(evidence, ev)
			}
		}
	}
	if len(names) == 0 {
		return awsRoleResults{problems: r.Problems}
	}
	res := audit.Result{
		Title:    "Lambda execution role can escalate privileges: " + names[0],
		Evidence: evidence,
		Detail: fmt.Sprintf("Execution role %s can escalate privileges by %d known method(s). %s",
			id.ID, len(names), strings.Join(details, " ")),
	}
	if len(names) > 1 {
		res.Title = fmt.Sprintf("Lambda execution role can escalate privileges: %s and %d more", names[0], len(names)-1)
	}
	if allConditional {
		res.Severity = audit.Medium
	}
	return awsRoleResults{results: []audit.Result{res}}
}

// awsCoversAll reports whether every target role is in the inventory and
// grants nothing the role r does not already have.
func awsCoversAll(r *awsiam.Role, targets []string, lookup func(string) *audit.Identity) bool {
	for _, t := range targets {
		if t == r.ID {
			continue
		}
		ident := lookup(t)
		if ident == nil || !r.Covers(awsiam.Analyze(ident)) {
			return false
		}
	}
	return true
}

func checkAWSPrivilegeEscalation(pass *audit.Pass) {
	for _, id := range awsExecutionRoles(pass) {
		awsReportRole(pass, id, func(id *audit.Identity, r *awsiam.Role) awsRoleResults {
			return awsEscalationResults(id, r, pass.Identity)
		})
	}
}
