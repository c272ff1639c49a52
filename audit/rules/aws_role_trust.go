package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed aws_role_trust.md
var awsRoleTrustDoc string

// AWSRoleTrust reports Lambda execution roles whose trust policy lets
// something other than the Lambda service assume them: another AWS service,
// an identity provider's users, or a user or role of the function's account.
// Principals outside the account are FNA-AWS-011's.
var AWSRoleTrust = audit.Rule{
	ID:       "FNA-AWS-012",
	Slug:     "aws-role-trust",
	Category: audit.PrivilegeEscalation,
	Severity: audit.Medium,
	Provider: audit.AWS,
	Title:    "Lambda execution role can be assumed by more than Lambda",
	Doc:      awsRoleTrustDoc,
	Remediation: "Give the function a role of its own whose trust policy names only lambda.amazonaws.com " +
		"(with aws:SourceAccount); give the other service, identity provider or principal its own role.",
	References: []string{
		"https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/roles-managingrole-editing-console.html#roles-managingrole_edit-trust-policy",
	},
	Needs: []audit.DataKind{audit.DataIdentity, audit.DataControl},
	Check: checkAWSRoleTrust,
}

func checkAWSRoleTrust(pass *audit.Pass) {
	cs, an, ok := awsControls(pass)
	if !ok {
		return
	}
	if p := an.TrustProblem(pass.Function); p != "" {
		pass.Report(audit.Result{Key: "trust", Status: audit.StatusUnknown,
			Title:  "execution role trust policy could not be judged",
			Detail: p + "."})
		return
	}
	power, _ := awsRolePower(pass, an)
	for _, c := range cs {
		if out, _ := outsidePrincipal(pass, c.Principal); out {
			continue // FNA-AWS-011
		}
		for _, p := range c.Powers {
			if p.Kind != audit.ControlAssumeIdentity || !onlyTrust(p) {
				continue
			}
			sev := audit.Medium
			if power == "administrator" || power == "escalation" {
				sev = audit.High
			}
			who := principalText(c.Principal, pass.Function.Account)
			detail := fmt.Sprintf("The trust policy of %s lets %s assume it (%s), so it holds the function's permissions "+
				"without changing the function.", pass.Function.AWS.Role, who, strings.Join(p.Actions, ", "))
			if len(p.Conditions) > 0 {
				detail += " Conditions, taken as satisfiable: " + strings.Join(p.Conditions, "; ") + "."
			}
			if power == "administrator" {
				detail += " The role is an administrator."
			}
			pass.Report(audit.Result{
				Key:      string(c.Principal.Kind) + "/" + c.Principal.ID,
				Severity: sev,
				Title:    "Lambda execution role can be assumed by " + who,
				Detail:   detail,
				Evidence: controlEvidence(c.Principal, pass.Function.Account, []audit.ControlPower{p}),
			})
		}
	}
}
