package control

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// The actions through which a trust policy lets a principal take the role.
var assumeActions = []string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"}

// functionServices are the service principals that run a function with its
// execution role: trusting them is what an execution role is for.
var functionServices = map[string]bool{"lambda.amazonaws.com": true, "edgelambda.amazonaws.com": true}

// grantee is a principal that a trust or resource policy names, with the
// statement that names it.
type grantee struct {
	principal audit.ControlPrincipal
	actions   []string
	conds     []string
	ev        audit.ControlEvidence
}

// trustVerdict is what a role's trust policy lets others do.
type trustVerdict struct {
	// grantees are the principals other than the function service and the
	// role's own account that may assume the role.
	grantees []grantee
	// delegated is true when the trust names the role's own account: its
	// principals whose identity policies allow sts:AssumeRole on the role
	// may assume it; delegation holds the statement.
	delegated  bool
	delegation audit.ControlEvidence
	problem    string
}

// judgeTrust reads a role's trust policy.
func judgeTrust(role *audit.AWSPrincipal, acct string) *trustVerdict {
	v := &trustVerdict{}
	if len(role.Trust) == 0 {
		v.problem = "role " + role.ARN + " has no trust policy in the inventory"
		return v
	}
	doc, err := policy.Parse(role.Trust)
	if err != nil {
		v.problem = fmt.Sprintf("trust policy of %s: %v", role.ARN, err)
		return v
	}
	src := audit.Source{API: role.Source.API, Ref: role.ARN}
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.Effect != policy.EffectAllow {
			continue
		}
		var acts []string
		for _, a := range assumeActions {
			if st.MatchesAction(a) {
				acts = append(acts, a)
			}
		}
		if len(acts) == 0 {
			continue
		}
		ev := audit.ControlEvidence{Policy: "trust policy", PolicyID: role.ARN, Via: "trust policy",
			Statement: statementName(st), Actions: acts, Source: src}
		for _, g := range grantees(st, acct, ev, acts) {
			if g.principal.Kind == audit.ControllerService && functionServices[g.principal.ID] {
				continue
			}
			if g.principal.Kind == audit.ControllerAccount && g.principal.ID == acct {
				v.delegated, v.delegation = true, ev
				continue
			}
			v.grantees = append(v.grantees, g)
		}
	}
	return v
}

// grantees lists the principals an Allow statement of a trust or resource
// policy names. A wildcard pinned to one account or organization by
// aws:PrincipalAccount / aws:PrincipalOrgID becomes that account or
// organization.
func grantees(st *policy.Statement, acct string, ev audit.ControlEvidence, acts []string) []grantee {
	conds := conditionTexts(st, facts{})
	mk := func(p audit.ControlPrincipal) grantee {
		return grantee{principal: p, actions: acts, conds: conds, ev: ev}
	}
	if st.NotPrincipal != nil {
		return []grantee{mk(pinned(st, audit.ControlPrincipal{Kind: audit.ControllerAnyPrincipal, ID: "*", Name: "NotPrincipal"}))}
	}
	p := st.Principal
	if p == nil {
		return nil
	}
	var out []grantee
	if p.Anyone() {
		out = append(out, mk(pinned(st, audit.ControlPrincipal{Kind: audit.ControllerAnyPrincipal, ID: "*"})))
	}
	for _, a := range p.AWS {
		if a == "*" {
			continue
		}
		out = append(out, mk(awsPrincipal(a, st)))
	}
	for _, s := range p.Service {
		out = append(out, mk(audit.ControlPrincipal{Kind: audit.ControllerService, ID: s, Name: s}))
	}
	for _, f := range p.Federated {
		out = append(out, mk(audit.ControlPrincipal{Kind: audit.ControllerFederated, ID: f, Name: f, Account: arnAccount(f)}))
	}
	return out
}

// pinned narrows "*" to the account or organization a condition pins it to.
func pinned(st *policy.Statement, any audit.ControlPrincipal) audit.ControlPrincipal {
	for _, c := range st.Conditions {
		if c.Op != policy.StringEquals || len(c.Values) != 1 || strings.ContainsAny(c.Values[0], "*?$") {
			continue
		}
		switch {
		case c.KeyIs("aws:PrincipalAccount"):
			return audit.ControlPrincipal{Kind: audit.ControllerAccount, ID: c.Values[0], Account: c.Values[0]}
		case c.KeyIs("aws:PrincipalOrgID"):
			return audit.ControlPrincipal{Kind: audit.ControllerOrganization, ID: c.Values[0]}
		}
	}
	return any
}

// awsPrincipal classifies an AWS principal element: an account id or root
// ARN, a user, a role, or a wildcard pattern.
func awsPrincipal(a string, st *policy.Statement) audit.ControlPrincipal {
	if strings.ContainsAny(a, "*?") {
		return pinned(st, audit.ControlPrincipal{Kind: audit.ControllerAnyPrincipal, ID: a})
	}
	if len(a) == 12 && isDigits(a) {
		return audit.ControlPrincipal{Kind: audit.ControllerAccount, ID: a, Account: a}
	}
	acct := arnAccount(a)
	res := a[strings.LastIndex(a, ":")+1:]
	switch {
	case res == "root":
		return audit.ControlPrincipal{Kind: audit.ControllerAccount, ID: acct, Account: acct}
	case strings.HasPrefix(res, "user/"):
		return audit.ControlPrincipal{Kind: audit.ControllerUser, ID: a, Name: lastSegment(res), Account: acct}
	case strings.HasPrefix(res, "role/"), strings.HasPrefix(res, "assumed-role/"):
		return audit.ControlPrincipal{Kind: audit.ControllerRole, ID: a, Name: lastSegment(res), Account: acct}
	}
	// A principal id (AROA..., AIDA...) left after its role was deleted, or
	// another form: name it as written.
	return audit.ControlPrincipal{Kind: audit.ControllerRole, ID: a, Name: a, Account: acct}
}

func lastSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }

// arnAccount returns the account field of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// crossAccountActions are the management actions a Lambda function policy
// can grant to another account (Lambda honours function policies for these
// operations on an existing function; AddPermission, PutResourcePolicy and
// UpdateFunctionConfiguration are not among them).
var crossAccountActions = map[string]bool{
	"lambda:UpdateFunctionCode": true, "lambda:CreateAlias": true, "lambda:UpdateAlias": true,
}

// resourceGrantees returns the principals a function's resource policies
// let control it: Allow statements covering a control action on the
// function. Principals of other accounts count only for the actions Lambda
// honours across accounts; AWS services only for the function's own actions.
func resourceGrantees(fn *audit.Function) (out []grantee, problems []string) {
	if fn.AWS == nil {
		return nil, nil
	}
	for _, rp := range fn.AWS.Policies {
		doc, err := policy.Parse(rp.Document)
		if err != nil {
			problems = append(problems, fmt.Sprintf("function policy of %s: %v", fn.ID, err))
			continue
		}
		src := rp.Source
		if src.Ref == "" {
			src.Ref = fn.ID
		}
		for i := range doc.Statements {
			st := &doc.Statements[i]
			if st.Effect != policy.EffectAllow {
				continue
			}
			var acts []string
			for _, a := range actions[:nFunctionActs] {
				if st.MatchesAction(a.name) {
					acts = append(acts, a.name)
				}
			}
			if len(acts) == 0 {
				continue
			}
			ev := audit.ControlEvidence{Policy: "function policy", PolicyID: fn.ID, Via: "function policy",
				Statement: statementName(st), Source: src}
			if rp.Qualifier != "" {
				ev.Policy = "function policy (" + rp.Qualifier + ")"
			}
			for _, g := range grantees(st, fn.Account, ev, acts) {
				var kept []string
				for _, a := range acts {
					if g.principal.Account == fn.Account || crossAccountActions[a] {
						kept = append(kept, a)
					}
				}
				if len(kept) == 0 {
					continue
				}
				g.actions = kept
				g.ev.Actions = kept
				out = append(out, g)
			}
		}
	}
	return out, problems
}
