package policy

import (
	"math/rand"
	"strings"
	"testing"
)

// covers reports whether a Deny's principal element includes the caller.
func covers(d *Statement, who party) bool {
	names := func(p *Principals) bool {
		if p.Anyone() {
			return true
		}
		if who.service != "" {
			return containsFold(p.Service, who.service)
		}
		if who.principal != "" {
			for _, a := range p.AWS {
				if a == who.principal || a == who.account || a == "arn:aws:iam::"+who.account+":root" {
					return true
				}
			}
		}
		return false
	}
	switch {
	case d.Principal != nil:
		return names(d.Principal)
	case d.NotPrincipal != nil:
		return !names(d.NotPrincipal)
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// deniedScan is the reference for denied: the first Deny, in document order,
// that covers the caller, the action and the function and whose conditions
// all surely hold.
func (e *evaluator) deniedScan(cl class, action string, who party) int {
	own := who.account != "" && (who.account == e.ctx.Account || e.inOrg(who.account))
	for i := range e.doc.Statements {
		d := &e.doc.Statements[i]
		if d.Effect != EffectDeny || !d.MatchesAction(action) || !e.resourceApplies(d) || !covers(d, who) {
			continue
		}
		holds := true
		for k := range d.Conditions {
			if !e.conditionHolds(&d.Conditions[k], cl, action, own) {
				holds = false
				break
			}
		}
		if holds {
			return i
		}
	}
	return -1
}

// restrictedScan is the reference for restrictedParty: the first Deny for
// everyone, covering the action and the function, whose conditions all
// surely hold but one negated comparison that holds for the caller's known
// value of its key (or because the caller lacks the key).
func (e *evaluator) restrictedScan(cl class, action string, who party) int {
	if who == (party{}) || (who.account != "" && (who.account == e.ctx.Account || e.inOrg(who.account))) {
		return -1
	}
	for i := range e.doc.Statements {
		d := &e.doc.Statements[i]
		if d.Effect != EffectDeny || d.Principal == nil || !d.Principal.Anyone() || !d.MatchesAction(action) || !e.resourceApplies(d) {
			continue
		}
		var neg *Condition
		ok := true
		for k := range d.Conditions {
			c := &d.Conditions[k]
			if e.conditionHolds(c, cl, action, false) {
				continue
			}
			if neg != nil || !restrictable(c) {
				ok = false
				break
			}
			neg = c
		}
		if !ok || neg == nil {
			continue
		}
		key := neg.lowerKey()
		if presenceOf(key, cl) == absent {
			if neg.Set != ForAnyValue {
				return i
			}
			continue
		}
		v, known := e.partyValue(key, who)
		if !known {
			continue
		}
		if holds, certain := e.evalKnown(neg, key, cl, true, []string{v}); holds && certain {
			return i
		}
	}
	return -1
}

// TestDenyIndexMatchesScan checks the Deny index against the document scan
// for generated policies with many Deny statements (named, wildcard and
// NotPrincipal, with and without conditions), every caller class, both
// actions and every caller the policies name.
func TestDenyIndexMatchesScan(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(11))
	notPrincipals := [][]string{{"arn:aws:iam::" + genOther + ":role/partner"}, {genOther},
		{"arn:aws:iam::" + genOther + ":root"}, {"arn:aws:iam::" + testAccount + ":root", genOther}}
	callers := []party{{}, {service: "s3.amazonaws.com"}, {service: "S3.AmazonAWS.com"}, {service: "sns.amazonaws.com"},
		{principal: "arn:aws:iam::" + genOther + ":role/partner", account: genOther},
		{principal: "arn:aws:iam::" + genOther + ":role/other", account: genOther},
		{principal: genOther, account: genOther},
		{principal: "arn:aws:iam::210987654321:role/x", account: "210987654321"},
		{principal: "arn:aws:iam::" + testAccount + ":role/ops", account: testAccount}}
	compared := 0
	for n := 0; n < 1500; n++ {
		p := gPolicy{}
		for i := r.Intn(12) + 1; i > 0; i-- {
			s := genStatement(r, len(p.stmts))
			if r.Intn(2) == 0 {
				s.effect = EffectDeny
				if r.Intn(3) == 0 {
					s.principal, s.notPrincipal = "", true
					s.principals = map[string][]string{"AWS": pick(r, notPrincipals)}
				}
			}
			p.stmts = append(p.stmts, s)
		}
		d, err := Parse(p.render(renderOpts{}))
		if err != nil {
			t.Fatal(err)
		}
		for _, qual := range []string{"", "live"} {
			ctx := testContext()
			ctx.Qualifier = qual
			e := &evaluator{doc: d, ctx: ctx, now: ctx.Now}
			for _, cl := range []class{classAPI, classURLAnon, classURLIAM, classService} {
				for _, action := range []string{ActionInvokeFunction, ActionInvokeFunctionURL} {
					for _, who := range callers {
						want := e.deniedScan(cl, action, who)
						if r := e.restrictedScan(cl, action, who); r >= 0 && (want < 0 || r < want) {
							want = r
						}
						if got := e.denied(cl, action, who); got != want {
							t.Fatalf("denied(%v, %s, %+v) = %d, scan says %d\n%s", cl, action, who, got, want, p.render(renderOpts{}))
						}
						if want >= 0 {
							compared++
						}
					}
				}
			}
		}
	}
	if compared < 1000 {
		t.Errorf("only %d lookups found a Deny", compared)
	}
}

// TestDenyIndexRuns checks the NotPrincipal skips when the Denies that name
// the caller by ARN and by account alternate.
func TestDenyIndexRuns(t *testing.T) {
	t.Parallel()
	role := "arn:aws:iam::" + genOther + ":role/partner"
	var stmts []string
	for i := 0; i < 9; i++ {
		np := genOther
		if i%2 == 0 {
			np = role
		}
		if i == 7 {
			np = "arn:aws:iam::" + genOther + ":root"
		}
		stmts = append(stmts, `{"Effect":"Deny","NotPrincipal":{"AWS":"`+np+`"},"Action":"lambda:InvokeFunction","Resource":"*"}`)
	}
	stmts = append(stmts, `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"lambda:InvokeFunction","Resource":"*"}`)
	d, err := Parse([]byte(stmt(strings.Join(stmts, ","))))
	if err != nil {
		t.Fatal(err)
	}
	e := &evaluator{doc: d, ctx: testContext()}
	for _, who := range []party{{principal: role, account: genOther}, {principal: genOther, account: genOther},
		{principal: "arn:aws:iam::111111111111:role/x", account: "111111111111"}, {}} {
		want := e.deniedScan(classAPI, ActionInvokeFunction, who)
		if got := e.denied(classAPI, ActionInvokeFunction, who); got != want {
			t.Errorf("denied(%+v) = %d, scan says %d", who, got, want)
		}
	}
}
