package policy

import (
	"fmt"
	"strings"
)

// Deny statements with a negated operator over a list (IAM User Guide,
// "IAM JSON policy elements: Condition operators",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
// and "Creating a condition with multiple keys or values",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
//
//   - StringNotEquals / StringNotEqualsIgnoreCase / StringNotLike /
//     ArnNotEquals / ArnNotLike / NotIpAddress with several values hold when
//     the request's key matches none of them (a negated operator over a list
//     is a NOR).
//   - When the key is absent from the request, a negated operator holds, with
//     or without IfExists ("...IfExists: if the key is not present, the
//     condition evaluates to true"; a negated operator on an absent key
//     evaluates to true). ForAnyValue over an absent key is false.
//   - An explicit Deny overrides every Allow ("Policy evaluation logic",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
//
// So a Deny for everyone whose conditions surely hold except one such
// negated comparison denies every caller whose key matches none of the
// values, including every caller that lacks the key: an AWS service acting
// for a resource carries no aws:PrincipalAccount or aws:PrincipalOrgID, an
// AWS principal calling Invoke carries no aws:SourceArn. An Allow survives it
// only for callers whose key matches one of the values: the Deny acts on the
// Allow as the positive comparison with the same values would (StringEquals
// for StringNotEquals, and so on). restriction holds that positive form.

// restrictKey is what the restrictions depend on: the caller class and action.
type restrictKey struct {
	cl     class
	action string
}

// restriction is the positive form of the negated condition of one or more
// Deny statements (those on the same key with the same operator, their value
// lists intersected when the values are literal).
type restriction struct {
	cond Condition
	// stmts are the Deny statements behind it, in document order.
	stmts []int
	// lead, for a group of literal StringEquals(IgnoreCase) values (folded
	// for IgnoreCase), says how many of the group's leading Denies list each
	// value: a caller whose value v has lead[v] < len(stmts) is denied by
	// stmts[lead[v]]. nil for patterns and values with variables.
	lead map[string]int
}

// restrictions holds, for one restrictKey, the restrictions and their
// combined outcome for a caller of the class whose identity is not known.
type restrictions struct {
	list    []restriction
	outcome outcome
	// memo caches the verdict for a named caller.
	memo map[party]int
}

// positiveOf maps a negated String, Arn or IP operator to its positive form.
func positiveOf(op Operator) (Operator, bool) {
	switch op {
	case StringNotEquals:
		return StringEquals, true
	case StringNotEqualsIgnoreCase:
		return StringEqualsIgnoreCase, true
	case StringNotLike:
		return StringLike, true
	case ArnNotEquals:
		return ArnEquals, true
	case ArnNotLike:
		return ArnLike, true
	case NotIPAddress:
		return IPAddress, true
	}
	return "", false
}

// restrictable reports whether c is a negated comparison a restriction can
// be made of: a String, Arn or IP negation of a pinning or network key.
func restrictable(c *Condition) bool {
	if _, ok := positiveOf(c.Op); !ok {
		return false
	}
	key := c.lowerKey()
	if c.Op == NotIPAddress {
		return ipKeys[key]
	}
	return pinningKeys[key] && c.Op.Family() != FamilyNumeric && c.Op.Family() != FamilyDate
}

// restrictionsFor builds (once) the restrictions for a caller class and action.
func (e *evaluator) restrictionsFor(cl class, action string) *restrictions {
	k := restrictKey{cl, action}
	if r, ok := e.restricts[k]; ok {
		return r
	}
	e.loadDenies()
	rs := &restrictions{outcome: outcome{res: resOpen}}
	type group struct {
		key    string
		op     Operator
		ifEx   bool
		values bool // a group of literal values (intersected)
	}
	at := map[group]int{}
	for _, i := range e.denyStmts {
		d := &e.doc.Statements[i]
		if d.Principal == nil || !d.Principal.Anyone() || !d.MatchesAction(action) || !e.resourceApplies(d) {
			continue
		}
		neg := -1
		for c := range d.Conditions {
			if e.conditionHolds(&d.Conditions[c], cl, action, false) {
				continue
			}
			if neg >= 0 || !restrictable(&d.Conditions[c]) {
				neg = -2
				break
			}
			neg = c
		}
		if neg < 0 {
			continue // no negation left over (an index Deny), or more than one condition in doubt
		}
		src := &d.Conditions[neg]
		pos, _ := positiveOf(src.Op)
		c := Condition{Operator: fmt.Sprintf("Statement[%d] denies unless %s", i, pos), Op: pos,
			Key: src.Key, Values: src.Values}
		// ForAnyValue over an absent key is false: the Deny spares callers
		// without the key. Every other form denies them.
		c.IfExists = src.Set == ForAnyValue
		literal := (pos == StringEquals || pos == StringEqualsIgnoreCase) && !anyVariable(src.Values)
		g := group{strings.ToLower(src.Key), pos, c.IfExists, literal}
		if !literal {
			rs.list = append(rs.list, restriction{cond: c, stmts: []int{i}})
			continue
		}
		j, ok := at[g]
		if !ok {
			j = len(rs.list)
			at[g] = j
			rs.list = append(rs.list, restriction{cond: c, lead: map[string]int{}})
		}
		// Every Deny of the group must be survived: a value survives when
		// each of them lists it.
		r := &rs.list[j]
		n := len(r.stmts)
		for _, v := range src.Values {
			if f := foldIf(pos, v); r.lead[f] == n {
				r.lead[f] = n + 1
			}
		}
		r.stmts = append(r.stmts, i)
	}
	// Pattern fences cannot be intersected; each costs a comparison per
	// named caller and per Allow. Past maxPatternFences they are all left
	// out, which can only report more, never hide an exposure.
	patterns := 0
	for j := range rs.list {
		if rs.list[j].lead == nil {
			patterns++
		}
	}
	if patterns > maxPatternFences {
		kept := rs.list[:0]
		for _, r := range rs.list {
			if r.lead != nil {
				kept = append(kept, r)
			}
		}
		rs.list = kept
		rs.outcome.reasons = append(rs.outcome.reasons, fmt.Sprintf(
			"%d Deny statements fence callers with pattern lists; more than %d are not applied (judged as if absent)", patterns, maxPatternFences))
	}
	var parts []outcome
	for j := range rs.list {
		r := &rs.list[j]
		if r.lead != nil {
			kept := r.cond.Values[:0:0]
			for _, v := range r.cond.Values {
				if f := foldIf(r.cond.Op, v); r.lead[f] == len(r.stmts) {
					kept = append(kept, v)
					r.lead[f]++ // keep each value once
				}
			}
			for k := range r.lead {
				if r.lead[k] > len(r.stmts) {
					r.lead[k] = len(r.stmts)
				}
			}
			r.cond.Values = kept
		}
		if len(r.cond.Values) == 0 {
			parts = append(parts, outcome{res: resNever, reasons: []string{fmt.Sprintf("%s together deny every value of %s", stmtList(r.stmts), r.cond.Key)}})
			break
		}
		o := e.condition(&r.cond, cl, action)
		if len(r.stmts) > 1 {
			for k := range o.reasons {
				o.reasons[k] += " (with " + stmtList(r.stmts[1:]) + ")"
			}
		}
		parts = append(parts, o)
		if o.res == resNever {
			break
		}
	}
	rs.outcome = combineAll(rs.outcome, parts)
	if e.restricts == nil {
		e.restricts = map[restrictKey]*restrictions{}
	}
	e.restricts[k] = rs
	return rs
}

func anyVariable(vs []string) bool {
	for _, v := range vs {
		if hasVariable(v) {
			return true
		}
	}
	return false
}

func foldIf(op Operator, v string) string {
	if op == StringEqualsIgnoreCase {
		return foldKey(v)
	}
	return v
}

// restricted applies the restrictions of the class and action to the
// outcome of an Allow statement for a caller whose identity is not known.
func (e *evaluator) restricted(o outcome, cl class, action string) outcome {
	if o.res == resNever || !e.hasDenies() {
		return o
	}
	rs := e.restrictionsFor(cl, action)
	if len(rs.list) == 0 {
		return o
	}
	// The restrictions' outcome is shared, not copied: an Allow costs the
	// length of its own outcome, whatever the Denies hold. When both pin,
	// the Allow's pin is kept (the two hold together, so the callers are
	// among the Allow's; keeping its list can only report more) and the
	// fence adds whether it admits only the function's own.
	r := rs.outcome
	switch {
	case r.res == resNever:
		return r
	case r.res == resOpen:
		o.reasons = joinReasons(o.reasons, r.reasons)
		o.uncertain = o.uncertain || r.uncertain
		return o
	case o.res == resOpen:
		out := r
		out.reasons = joinReasons(o.reasons, r.reasons)
		out.uncertain = o.uncertain || r.uncertain
		return out
	}
	o.own = o.own || r.own
	o.reasons = joinReasons(o.reasons, r.reasons)
	return o
}

// maxPatternFences is how many Deny fences with pattern lists (StringNotLike,
// ArnNotLike, ArnNotEquals, NotIpAddress, or values with variables) one
// caller class and action applies.
const maxPatternFences = 32

func joinReasons(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// combineAll folds the outcomes of conditions that must all hold, in one
// pass: the first never decides; pins join their owners.
func combineAll(base outcome, parts []outcome) outcome {
	out := base
	var pins []outcome
	for _, p := range parts {
		switch p.res {
		case resNever:
			return p
		case resPin:
			pins = append(pins, p)
		default:
			out.reasons = append(out.reasons, p.reasons...)
			out.uncertain = out.uncertain || p.uncertain
		}
	}
	if len(pins) == 0 {
		return out
	}
	p := outcome{res: resPin, reasons: out.reasons, uncertain: out.uncertain}
	for _, c := range pins {
		p.own = p.own || c.own
		p.reasons = append(p.reasons, c.reasons...)
		p.accounts = append(p.accounts, c.accounts...)
		p.orgs = append(p.orgs, c.orgs...)
		p.unknown = p.unknown || c.unknown
		p.bucket = p.bucket || c.bucket
		p.buckets = append(p.buckets, c.buckets...)
	}
	if p.own || len(p.accounts) > 0 || len(p.orgs) > 0 {
		p.bucket, p.buckets = false, nil
	}
	return p
}

// restrictedParty returns the first Deny statement whose negated condition
// surely holds for a named caller (its key matches none of the values, or it
// lacks the key), or -1.
func (e *evaluator) restrictedParty(cl class, action string, who party) int {
	if who == (party{}) || !e.hasDenies() {
		return -1
	}
	if who.account != "" && (who.account == e.ctx.Account || e.inOrg(who.account)) {
		// The restrictions were built for callers outside the account and
		// organization (a negated pin on those holds only outside them).
		return -1
	}
	rs := e.restrictionsFor(cl, action)
	if len(rs.list) == 0 {
		return -1
	}
	if d, ok := rs.memo[who]; ok {
		return d
	}
	best := -1
	for j := range rs.list {
		r := &rs.list[j]
		key := r.cond.lowerKey()
		d := r.stmts[0]
		if presenceOf(key, cl) == absent {
			if r.cond.IfExists {
				continue
			}
			// The caller lacks the key: the first Deny holds.
		} else {
			v, known := e.partyValue(key, who)
			if !known {
				continue
			}
			if r.lead != nil {
				k := r.lead[foldIf(r.cond.Op, v)]
				if k >= len(r.stmts) {
					continue
				}
				d = r.stmts[k]
			} else if holds, certain := e.evalKnown(&r.cond, key, cl, true, []string{v}); holds || !certain {
				continue
			}
		}
		if best < 0 || d < best {
			best = d
		}
	}
	if rs.memo == nil {
		rs.memo = map[party]int{}
	}
	rs.memo[who] = best
	return best
}

// partyValue is the value of a principal key for a named caller, when the
// policy tells it: the account of a named principal, the ARN of a named role
// or user, the function's organization for an account known to be in it.
func (e *evaluator) partyValue(key string, who party) (string, bool) {
	if who.account == "" {
		return "", false
	}
	switch key {
	case "aws:principalaccount":
		return who.account, true
	case "aws:principalarn":
		p := who.principal
		if p == who.account || strings.HasSuffix(p, ":root") || hasWildcard(p) {
			return "", false // any principal of the account
		}
		return p, true
	case "aws:principalorgid":
		if who.account == e.ctx.Account || e.inOrg(who.account) {
			if e.ctx.OrgID != "" {
				return e.ctx.OrgID, true
			}
		}
	}
	return "", false
}
