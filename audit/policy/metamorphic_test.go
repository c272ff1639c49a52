package policy

import (
	"math/rand"
	"testing"
)

// Metamorphic properties of InvokeAccess: rewrites of a policy that IAM
// evaluates identically must give the same verdict (exposure kinds, paths,
// principals, accounts and missing permissions). Reordering statements is
// checked in TestPropertySpellingNeverMatters.

// unrelatedDeny returns a Deny that cannot touch an invocation: it covers a
// non-invoke action, or the invoke actions on another function.
func unrelatedDeny(r *rand.Rand, i int) gStmt {
	d := genStatement(r, i)
	d.effect = EffectDeny
	d.notAction = false
	if r.Intn(2) == 0 {
		d.actions = pick(r, [][]string{{"lambda:GetFunction"}, {"lambda:DeleteFunction", "lambda:UpdateFunctionCode"}, {"s3:*"}})
	} else {
		d.actions = pick(r, genActions)
		d.resources = []string{"arn:aws:lambda:us-east-1:123456789012:function:another-function"}
	}
	return d
}

func TestMetamorphicUnrelatedDeny(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(11))
	for n := 0; n < propertyCases; n++ {
		p := genPolicy(r)
		want := signature(judge(t, p, renderOpts{}))
		q := p.clone()
		at := r.Intn(len(q.stmts) + 1)
		d := unrelatedDeny(r, len(q.stmts))
		q.stmts = append(q.stmts[:at], append([]gStmt{d}, q.stmts[at:]...)...)
		if got := signature(judge(t, q, renderOpts{})); got != want {
			t.Fatalf("an unrelated Deny changed the verdict:\nbefore %s\nafter  %s\nwant %s\ngot  %s",
				p.render(renderOpts{}), q.render(renderOpts{}), want, got)
		}
	}
}

// splitActions splits statement i's action list into one statement per
// action (same principal, resources and conditions).
func splitActions(p gPolicy, i int) (gPolicy, bool) {
	s := p.stmts[i]
	if s.notAction || len(s.actions) < 2 {
		return p, false
	}
	q := p.clone()
	var parts []gStmt
	for k, a := range s.actions {
		c := q.stmts[i]
		c.sid = s.sid + "a" + string(rune('0'+k))
		c.actions = []string{a}
		c.conds = append([]gCond(nil), q.stmts[i].conds...)
		parts = append(parts, c)
	}
	q.stmts = append(q.stmts[:i], append(parts, q.stmts[i+1:]...)...)
	return q, true
}

// splitPrincipals splits statement i's Principal element into one statement
// per principal. NotPrincipal cannot be split (it is a conjunction).
func splitPrincipals(p gPolicy, i int) (gPolicy, bool) {
	s := p.stmts[i]
	if s.notPrincipal || s.principal == "*" {
		return p, false
	}
	var each []map[string][]string
	for _, kind := range []string{"AWS", "Service"} {
		for _, v := range s.principals[kind] {
			each = append(each, map[string][]string{kind: {v}})
		}
	}
	if len(each) < 2 {
		return p, false
	}
	q := p.clone()
	var parts []gStmt
	for k, pr := range each {
		c := q.stmts[i]
		c.sid = s.sid + "p" + string(rune('0'+k))
		c.principals = pr
		c.conds = append([]gCond(nil), q.stmts[i].conds...)
		parts = append(parts, c)
	}
	q.stmts = append(q.stmts[:i], append(parts, q.stmts[i+1:]...)...)
	return q, true
}

func TestMetamorphicSplitActionList(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(12))
	checked := 0
	for n := 0; n < propertyCases; n++ {
		p := genPolicy(r)
		i := r.Intn(len(p.stmts))
		p.stmts[i].notAction = false
		p.stmts[i].actions = pick(r, [][]string{{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl"}, {"lambda:InvokeFunctionUrl", "lambda:GetFunction", "lambda:InvokeFunction"}})
		q, ok := splitActions(p, i)
		if !ok {
			continue
		}
		checked++
		want, got := signature(judge(t, p, renderOpts{})), signature(judge(t, q, renderOpts{}))
		if got != want {
			t.Fatalf("splitting an Action list changed the verdict:\nbefore %s\nafter  %s\nwant %s\ngot  %s",
				p.render(renderOpts{}), q.render(renderOpts{}), want, got)
		}
	}
	if checked < propertyCases/2 {
		t.Errorf("only %d policies exercised the property", checked)
	}
}

func TestMetamorphicSplitPrincipalList(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(13))
	checked := 0
	for n := 0; n < propertyCases; n++ {
		p := genPolicy(r)
		i := r.Intn(len(p.stmts))
		s := &p.stmts[i]
		if s.notPrincipal || s.principal == "*" {
			continue
		}
		// Join two or three principals of the generator into one element.
		merged := map[string][]string{}
		for k := r.Intn(2) + 2; k > 0; k-- {
			for kind, vs := range pick(r, genPrincipals) {
				if kind == "AWS" && vs[0] == "*" {
					continue
				}
				merged[kind] = appendNew(merged[kind], vs...)
			}
		}
		s.principals = merged
		q, ok := splitPrincipals(p, i)
		if !ok {
			continue
		}
		checked++
		want, got := signature(judge(t, p, renderOpts{})), signature(judge(t, q, renderOpts{}))
		if got != want {
			t.Fatalf("splitting a Principal list changed the verdict:\nbefore %s\nafter  %s\nwant %s\ngot  %s",
				p.render(renderOpts{}), q.render(renderOpts{}), want, got)
		}
	}
	if checked < propertyCases/4 {
		t.Errorf("only %d policies exercised the property", checked)
	}
}

func appendNew(s []string, vs ...string) []string {
	for _, v := range vs {
		dup := false
		for _, o := range s {
			dup = dup || o == v
		}
		if !dup {
			s = append(s, v)
		}
	}
	return s
}
