package control

import (
	"sort"

	"github.com/fnaudit/fnaudit/audit"
)

// Controllers returns, per principal, what it can do to the functions and
// roles of the inventory's AWS accounts, in the provider-neutral form
// (audit.Controller): each power with the resource patterns its allow
// statements name (Targets, "NotResource x" for NotResource statements), the
// patterns unconditional Denies remove (Except), the conditions taken as
// satisfiable, and the statements. Pass-identity is listed as the iam:PassRole
// power on role patterns; it holds for a role only with the create and run
// actions, which Function checks. Controllers the inventory stores are
// appended as they are. Accounts come in id order, principals in index order.
func (a *Analysis) Controllers() []audit.Controller {
	ids := make([]string, 0, len(a.accounts))
	for id := range a.accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []audit.Controller
	for _, id := range ids {
		for _, e := range a.accounts[id].evals {
			if c, ok := e.controller(); ok {
				out = append(out, c)
			}
		}
	}
	return append(out, a.stored...)
}

func (e *evaluator) controller() (audit.Controller, bool) {
	var powers []audit.ControlPower
	for ai := 0; ai <= actPassRole; ai++ {
		g := &e.acts[ai]
		if len(g.allows) == 0 || (e.hasBoundary && len(g.bounds) == 0) {
			continue
		}
		var targets, except, conds []string
		for _, s := range g.allows {
			if judge(s.st, facts{passedTo: passedTo(ai)}) == fails {
				continue
			}
			targets = appendUnique(targets, resourceText(s.st)...)
			conds = appendUnique(conds, conditionTexts(s.st, facts{passedTo: passedTo(ai)})...)
		}
		if len(targets) == 0 {
			continue
		}
		for _, d := range g.denies {
			if len(d.st.Conditions) == 0 && d.st.NotResource == nil {
				except = appendUnique(except, d.st.Resource...)
			}
		}
		p := addPower(nil, actions[ai].kind, []string{actions[ai].name}, targets, conds, evidence(g.allows, actions[ai].name))
		p[0].Except = except
		powers = mergePowers(powers, p)
	}
	if len(powers) == 0 {
		return audit.Controller{}, false
	}
	return audit.Controller{Provider: audit.AWS, Principal: e.principal, Powers: powers}, true
}

// passedTo is the service a role is passed to for the action: Lambda for
// iam:PassRole, none otherwise.
func passedTo(ai int) string {
	if ai == actPassRole {
		return lambdaService
	}
	return ""
}
