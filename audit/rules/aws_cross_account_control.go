package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed aws_cross_account_control.md
var awsCrossAccountControlDoc string

// AWSCrossAccountControl reports principals outside the function's account
// (and organization, when known) that can change the function or obtain its
// execution role: through the function's resource policy, the role's trust
// policy, or identity policies of another account the inventory holds.
var AWSCrossAccountControl = audit.Rule{
	ID:       "FNA-AWS-011",
	Slug:     "aws-cross-account-control",
	Category: audit.CrossAccountInvoke,
	Severity: audit.High,
	Provider: audit.AWS,
	Title:    "Another account can change the Lambda function or take its role",
	Doc:      awsCrossAccountControlDoc,
	Remediation: "Remove management actions (lambda:UpdateFunctionCode, lambda:*) granted to other accounts in the " +
		"function's policy (aws lambda remove-permission), and remove other accounts from the execution role's " +
		"trust policy; deploy across accounts through a pipeline role in the function's own account. List intended " +
		"partner accounts as trusted.",
	References: []string{
		"https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html",
		"https://pathfinding.cloud/",
	},
	Needs: []audit.DataKind{audit.DataAccess, audit.DataIdentity, audit.DataControl},
	Check: checkAWSCrossAccountControl,
}

func checkAWSCrossAccountControl(pass *audit.Pass) {
	cs, an, ok := awsControls(pass)
	if !ok {
		return
	}
	power, _ := awsRolePower(pass, an)
	for _, c := range cs {
		out, inOrg := outsidePrincipal(pass, c.Principal)
		if !out {
			continue
		}
		runs := c.RunsAsIdentity()
		sev := audit.Medium
		switch {
		case c.Principal.Kind == audit.ControllerAnyPrincipal:
			sev = audit.Critical
		case inOrg:
			sev = audit.Medium
		case runs && power == "administrator":
			sev = audit.Critical
		case runs:
			sev = audit.High
		}
		who := principalText(c.Principal, pass.Function.Account)
		title := who + " can change the Lambda function"
		if !runs {
			title = who + " can change who may invoke the Lambda function"
		}
		for _, p := range c.Powers {
			if p.Kind == audit.ControlAssumeIdentity {
				title = who + " can assume the Lambda function's execution role"
				break
			}
		}
		where := "outside the function's account"
		if inOrg {
			where = "in the function's organization but outside its account"
		} else if c.Principal.Kind != audit.ControllerAnyPrincipal {
			where = "outside the function's account and organization"
		}
		pass.Report(audit.Result{
			Key:      string(c.Principal.Kind) + "/" + c.Principal.ID,
			Severity: sev,
			Title:    title,
			Detail: fmt.Sprintf("%s, %s, can: %s. List the account as trusted if this is intended.",
				who, where, powerText(c.Powers)),
			Evidence: controlEvidence(c.Principal, pass.Function.Account, c.Powers),
		})
	}
}
