package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
)

//go:embed aws_control_escalation.md
var awsControlEscalationDoc string

// AWSControlEscalation reports Lambda functions that principals of the
// function's account who hold less than its execution role can control:
// replace its code or configuration, or pass or assume its role. Each such
// principal can raise itself to the role's permissions.
var AWSControlEscalation = audit.Rule{
	ID:       "FNA-AWS-010",
	Slug:     "aws-control-escalation",
	Category: audit.PrivilegeEscalation,
	Severity: audit.High,
	Provider: audit.AWS,
	Title:    "Principals with less than the Lambda function's role can take its permissions",
	Doc:      awsControlEscalationDoc,
	Remediation: "Scope lambda:UpdateFunctionCode, lambda:UpdateFunctionConfiguration and iam:PassRole to the functions " +
		"and roles each principal owns (Resource with the function ARN or a team prefix, iam:PassedToService), " +
		"keep deployment rights on powerful functions to the pipeline role, and give powerful execution roles " +
		"only the permissions the code needs.",
	References: []string{
		"https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
		"https://pathfinding.cloud/",
		"https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
	},
	Needs: []audit.DataKind{audit.DataIdentity, audit.DataControl},
	Check: checkAWSControlEscalation,
}

func checkAWSControlEscalation(pass *audit.Pass) {
	cs, an, ok := awsControls(pass)
	if !ok {
		return
	}
	power, role := awsRolePower(pass, an)
	var esc []control.Control
	for _, c := range cs {
		switch c.Principal.Kind {
		case audit.ControllerService, audit.ControllerFederated, audit.ControllerAnyPrincipal, audit.ControllerOrganization:
			continue // the trust policy's grantees: FNA-AWS-011 and FNA-AWS-012
		}
		if out, _ := outsidePrincipal(pass, c.Principal); out {
			continue // FNA-AWS-011
		}
		var powers []audit.ControlPower
		for _, p := range c.Powers {
			if p.Kind.RunsAsIdentity() && !onlyTrust(p) {
				powers = append(powers, p)
			}
		}
		if len(powers) == 0 {
			continue
		}
		if role != nil && an.Holds(c.Principal, role) {
			continue // it already holds everything the role can do
		}
		esc = append(esc, control.Control{Principal: c.Principal, Powers: powers})
	}
	if len(esc) == 0 {
		return
	}
	sev, what := audit.Medium, "its execution role"
	switch power {
	case "administrator":
		sev, what = audit.Critical, "its administrator execution role"
	case "escalation":
		sev, what = audit.High, "its execution role, which can escalate further"
	case "unknown":
		what = "its execution role (not in the inventory, so every controller is listed)"
	}
	title := fmt.Sprintf("%s can take the permissions of the Lambda function's role", principalText(esc[0].Principal, pass.Function.Account))
	if len(esc) > 1 {
		title = fmt.Sprintf("%d principals can take the permissions of the Lambda function's role", len(esc))
	}
	var ev []audit.Evidence
	for _, c := range esc {
		ev = append(ev, controlEvidence(c.Principal, pass.Function.Account, c.Powers)...)
	}
	who := "These principals"
	if len(esc) == 1 {
		who = "This principal"
	}
	pass.Report(audit.Result{
		Severity: sev,
		Title:    title,
		Detail: fmt.Sprintf("%s can run code as %s without holding its permissions: %s. "+
			"Organization policies (SCPs) were not applied.", who, what, listPrincipals(esc, pass.Function.Account)),
		Evidence: ev,
	})
}

// onlyTrust reports whether a power rests on the role's trust policy alone
// (its grantees are FNA-AWS-012's subject).
func onlyTrust(p audit.ControlPower) bool {
	for _, e := range p.Evidence {
		if e.Via != "trust policy" {
			return false
		}
	}
	return len(p.Evidence) > 0
}
