package policy

import (
	"unicode"
	"unicode/utf8"
)

// Deny statements are looked up once per grant, so a policy of n statements
// would cost n × (number of Deny statements) if every lookup walked the
// document. denyIndex answers each lookup from tables built in one pass over
// the Deny statements per caller class and action, so the whole verdict stays
// linear (up to a logarithm) in the size of the document, whatever an
// untrusted inventory holds.

// denyKey is everything a Deny's conditions depend on: the caller class, the
// action, and whether the caller's account is the function's own or in its
// organization (a negated pin on the own account or organization does not
// hold for such a caller).
type denyKey struct {
	cl     class
	action string
	own    bool
}

// denyIndex holds, for one denyKey, the Deny statements that cover the action
// and the function and whose conditions surely hold.
type denyIndex struct {
	// anyone is the first such Deny whose Principal is everyone, or -1.
	anyone int
	// named maps a principal token (see tokens) to the first such Deny
	// whose Principal names it.
	named map[string]int
	// notP lists, in document order, such Denies with a NotPrincipal that
	// does not name everyone: each covers every caller it does not name.
	notP []int
	// runs maps a token to the positions in notP of the Denies whose
	// NotPrincipal names it, each to the first position after its run of
	// consecutive such positions.
	runs map[string]map[int]int
	memo map[party]int
}

// tokens are the names under which a Principal element can name the caller:
// its ARN, its account (as an id or root ARN), or its service principal
// (compared without case).
func (who party) tokens() []string {
	switch {
	case who.service != "":
		return []string{"s:" + foldKey(who.service)}
	case who.principal != "":
		return []string{"a:" + who.principal, "a:" + who.account, "a:arn:aws:iam::" + who.account + ":root"}
	}
	return nil
}

// principalTokens are the tokens a Principal element names.
func principalTokens(p *Principals) []string {
	out := make([]string, 0, len(p.AWS)+len(p.Service))
	for _, a := range p.AWS {
		out = append(out, "a:"+a)
	}
	for _, s := range p.Service {
		out = append(out, "s:"+foldKey(s))
	}
	return out
}

// foldKey maps s to a key that is equal for two strings exactly when
// strings.EqualFold holds for them: every rune becomes the smallest rune of
// its case-folding orbit.
func foldKey(s string) string {
	b := make([]rune, 0, len(s))
	for _, r := range s {
		if r == utf8.RuneError {
			b = append(b, r)
			continue
		}
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < m {
				m = f
			}
		}
		b = append(b, m)
	}
	return string(b)
}

// denyIndexFor builds (once) the index for a key.
func (e *evaluator) denyIndexFor(k denyKey) *denyIndex {
	if ix, ok := e.denies[k]; ok {
		return ix
	}
	ix := &denyIndex{anyone: -1}
	var positions map[string][]int
	for _, i := range e.denyStmts {
		d := &e.doc.Statements[i]
		if !d.MatchesAction(k.action) || !e.resourceApplies(d) {
			continue
		}
		holds := true
		for c := range d.Conditions {
			if !e.conditionHolds(&d.Conditions[c], k.cl, k.action, k.own) {
				holds = false
				break
			}
		}
		if !holds {
			continue
		}
		switch {
		case d.Principal != nil && d.Principal.Anyone():
			if ix.anyone < 0 {
				ix.anyone = i
			}
		case d.Principal != nil:
			if ix.named == nil {
				ix.named = map[string]int{}
			}
			for _, t := range principalTokens(d.Principal) {
				if _, ok := ix.named[t]; !ok {
					ix.named[t] = i
				}
			}
		case d.NotPrincipal != nil && !d.NotPrincipal.Anyone():
			pos := len(ix.notP)
			ix.notP = append(ix.notP, i)
			if positions == nil {
				positions = map[string][]int{}
			}
			for _, t := range principalTokens(d.NotPrincipal) {
				if l := positions[t]; len(l) == 0 || l[len(l)-1] != pos {
					positions[t] = append(l, pos)
				}
			}
		}
	}
	if len(positions) > 0 {
		ix.runs = make(map[string]map[int]int, len(positions))
		ix.memo = map[party]int{}
	}
	for t, l := range positions {
		m := make(map[int]int, len(l))
		end := 0
		for j := len(l) - 1; j >= 0; j-- {
			if j == len(l)-1 || l[j+1] != l[j]+1 {
				end = l[j] + 1
			}
			m[l[j]] = end
		}
		ix.runs[t] = m
	}
	if e.denies == nil {
		e.denies = map[denyKey]*denyIndex{}
	}
	e.denies[k] = ix
	return ix
}

// first returns the index of the first Deny of the index that covers who, or -1.
func (ix *denyIndex) first(who party) int {
	if len(ix.named) == 0 && len(ix.notP) == 0 {
		return ix.anyone
	}
	if d, ok := ix.memo[who]; ok {
		return d
	}
	best := ix.anyone
	better := func(i int) {
		if best < 0 || i < best {
			best = i
		}
	}
	toks := who.tokens()
	for _, t := range toks {
		if i, ok := ix.named[t]; ok {
			better(i)
		}
	}
	// The first NotPrincipal Deny that does not name the caller: skip the
	// runs of Denies that name one of its tokens. Every jump passes a whole
	// run, so a lookup costs the number of runs before the answer.
	pos := 0
	for moved := true; moved && pos < len(ix.notP); {
		moved = false
		for _, t := range toks {
			if end, ok := ix.runs[t][pos]; ok {
				pos, moved = end, true
			}
		}
	}
	if pos < len(ix.notP) {
		better(ix.notP[pos])
	}
	if ix.memo != nil {
		ix.memo[who] = best
	}
	return best
}
