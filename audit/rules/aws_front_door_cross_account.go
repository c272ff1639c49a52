package rules

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

//go:embed aws_front_door_cross_account.md
var awsFrontDoorCrossAccountDoc string

// AWSFrontDoorCrossAccount reports Lambda functions that principals of other
// accounts can call through an IAM-authorized API Gateway method whose
// resource policy lets them in.
var AWSFrontDoorCrossAccount = audit.Rule{
	ID:       "FNA-AWS-009",
	Slug:     "aws-front-door-cross-account",
	Category: audit.CrossAccountInvoke,
	Severity: audit.Medium,
	Provider: audit.AWS,
	Title:    "Lambda function reachable from another account through a front door",
	Doc:      awsFrontDoorCrossAccountDoc,
	Remediation: "Remove the other accounts from the API's resource policy (execute-api:Invoke) if the access is not " +
		"intended, narrow it to the roles that need it, or pin it with aws:PrincipalOrgID; list intended partner " +
		"accounts as trusted. Redeploy the API for a REST policy change to take effect.",
	References: []string{
		"https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html",
		"https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html",
	},
	Needs: []audit.DataKind{audit.DataAccess, audit.DataFrontDoors},
	Check: checkAWSFrontDoorCrossAccount,
}

func checkAWSFrontDoorCrossAccount(pass *audit.Pass) {
	fn := pass.Function
	org := ""
	if a := pass.Account(fn.Account); a != nil {
		org = a.OrgID
	}
	for _, j := range awsDoorJudgements(pass) {
		d := j.door
		if !j.admitted || d.State != audit.DoorDeployed || !d.Reachable() || len(d.Policy) == 0 {
			continue
		}
		if auth, _, _ := awsDoorAuth(d); !awsHasIAM(auth) {
			continue // only IAM authentication establishes an AWS principal
		}
		doc, err := policy.Parse(d.Policy)
		if err != nil {
			awsDoorUnknown(pass, &j, fmt.Sprintf("its resource policy could not be parsed: %v", err))
			continue
		}
		sourceARN := ""
		if d.AWS != nil {
			sourceARN = d.AWS.SourceARN
		}
		byAccount := map[string][]audit.Evidence{}
		for k := range doc.Statements {
			st := &doc.Statements[k]
			if st.Effect != policy.EffectAllow || st.Principal == nil || !awsStatementCoversDoor(st, sourceARN) {
				continue
			}
			for _, acct := range awsOutsideAccounts(pass, st, d.Account, fn.Account, org) {
				byAccount[acct] = append(byAccount[acct], awsStatementQuote(d.PolicySource, st))
			}
		}
		accts := make([]string, 0, len(byAccount))
		for a := range byAccount {
			accts = append(accts, a)
		}
		sort.Strings(accts)
		for _, acct := range accts {
			pass.Report(audit.Result{
				Key:   d.ID + "/" + acct,
				Title: awsDoorLabel(&j, fn) + " for principals of account " + acct,
				Detail: fmt.Sprintf("%s with IAM authentication (%s), and the API's resource policy lets principals of account %s call it. List the account as trusted if this access is intended.",
					awsDoorLabel(&j, fn), awsDoorWhat(d), acct),
				Evidence:  append(awsDoorEvidence(&j), byAccount[acct]...),
				FrontDoor: d.Ref(),
			})
		}
	}
}

// awsOutsideAccounts returns the accounts outside the door's and function's
// accounts (and organization, when known) whose principals a statement names,
// directly or as "*" pinned by aws:PrincipalAccount. Trusted accounts are left out.
func awsOutsideAccounts(pass *audit.Pass, st *policy.Statement, doorAcct, fnAcct, org string) []string {
	var named []string
	for _, p := range st.Principal.AWS {
		if p == "*" {
			continue
		}
		named = append(named, policy.PrincipalAccount(p))
	}
	if st.Principal.Anyone() {
		for i := range st.Conditions {
			c := &st.Conditions[i]
			if c.KeyIs("aws:PrincipalAccount") && !c.Op.Negated() {
				named = append(named, c.Values...)
			}
		}
	}
	var out []string
	for _, a := range named {
		if a == "" || strings.ContainsAny(a, "*?") || a == doorAcct || a == fnAcct || pass.Trusted(a) {
			continue
		}
		if acct := pass.Account(a); org != "" && acct != nil && acct.OrgID == org {
			continue
		}
		out = append(out, a)
	}
	return dedupe(out)
}
