package awsiam

import (
	"strings"
	"sync"

	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// Escalation is a method the role can use, with the grants that enable each of
// its required actions.
type Escalation struct {
	Method Method
	// Steps has one entry per required action, in Method.Requires order.
	Steps []Access
	// Conditional is true when some required action is allowed only under
	// conditions the audit cannot evaluate.
	Conditional bool
}

// Grants returns every grant of every step, without duplicates, in step order.
func (e *Escalation) Grants() []Grant {
	type key struct {
		stmt   *policy.Statement
		policy string
	}
	var out []Grant
	seen := map[key]bool{}
	for _, s := range e.Steps {
		for _, g := range s.Grants {
			k := key{g.Statement, g.PolicyID + "\x00" + g.Policy}
			if !seen[k] {
				seen[k] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// Escalations returns the escalation methods of Methods that the role can use,
// in table order. A method matches when every required action is allowed
// (through wildcards and NotAction too), with these refinements:
//
//   - iam:PassRole must reach some role other than this one: passing itself
//     gains nothing;
//   - an iam:PassedToService condition must admit the method's service;
//   - an action listed in Method.Broad must be granted on a wildcard resource.
func (r *Role) Escalations() []Escalation {
	var out []Escalation
	tab := methodActions()
	cache := make([]Access, len(tab.actions))
	seen := make([]bool, len(tab.actions))
	for mi, m := range methods {
		e := Escalation{Method: m}
		ok := true
		for ai, action := range m.Requires {
			u := tab.index[mi][ai]
			if !seen[u] {
				id := tab.ids[u]
				cache[u] = r.allowed(action, id, id >= 0)
				seen[u] = true
			}
			acc := r.refine(cache[u], &m)
			if !acc.Allowed() {
				ok = false
				break
			}
			if !acc.Unconditional() {
				e.Conditional = true
			}
			e.Steps = append(e.Steps, acc)
		}
		if ok {
			e.Method = m.clone() // the caller's to keep; the table stays unshared
			out = append(out, e)
		}
	}
	return out
}

// methodTable numbers the distinct actions of Methods once, with their
// catalog ids (-1 for an action the catalog lacks).
type methodTable struct {
	actions []string
	ids     []int
	index   [][]int // Methods[i].Requires[j] -> position in actions
}

var methodActions = sync.OnceValue(func() methodTable {
	t := methodTable{index: make([][]int, len(methods))}
	pos := map[string]int{}
	for i, m := range methods {
		t.index[i] = make([]int, len(m.Requires))
		for j, a := range m.Requires {
			u, ok := pos[a]
			if !ok {
				u = len(t.actions)
				pos[a] = u
				id, known := catalog.AWSActionID(a)
				if !known {
					id = -1
				}
				t.actions = append(t.actions, a)
				t.ids = append(t.ids, id)
			}
			t.index[i][j] = u
		}
	}
	return t
})

// refine drops the grants of a step that do not serve the method, and strips
// an iam:PassedToService condition that the method satisfies.
func (r *Role) refine(acc Access, m *Method) Access {
	passRole := strings.EqualFold(acc.Action, "iam:PassRole")
	broad := false
	for _, b := range m.Broad {
		if strings.EqualFold(b, acc.Action) {
			broad = true
		}
	}
	if !passRole && !broad {
		return acc
	}
	out := Access{Action: acc.Action, ConditionalDenies: acc.ConditionalDenies}
	for _, g := range acc.Grants {
		if broad && !wildcardResource(&g) {
			continue
		}
		if passRole {
			if r.onlySelf(&g) {
				continue
			}
			var keep bool
			if g, keep = passedToService(g, m.PassTo); !keep {
				continue
			}
		}
		out.Grants = append(out.Grants, g)
	}
	return out
}

// wildcardResource reports whether a grant reaches resources by wildcard
// rather than naming them.
func wildcardResource(g *Grant) bool {
	if g.AllResources() {
		return true
	}
	for _, r := range g.Resources {
		if strings.ContainsAny(r, "*?") {
			return true
		}
	}
	return false
}

// onlySelf reports whether a PassRole grant names only this role.
func (r *Role) onlySelf(g *Grant) bool {
	if g.AllResources() || len(g.Resources) == 0 {
		return false
	}
	for _, res := range g.Resources {
		if res != r.ID {
			return false
		}
	}
	return true
}

// passedToService applies a grant's iam:PassedToService conditions to the
// method's service: keep is false when they exclude it; a satisfied condition
// is removed so that it does not make the step look conditional.
func passedToService(g Grant, service string) (Grant, bool) {
	var rest []policy.Condition
	changed := false
	for _, c := range g.Conditions {
		if !c.KeyIs("iam:PassedToService") {
			rest = append(rest, c)
			continue
		}
		changed = true
		if service == "" {
			// The method passes no role to a service; the condition still
			// limits where the role goes, so keep it as a condition.
			rest = append(rest, c)
			continue
		}
		match := false
		for _, v := range c.Values {
			if policy.MatchPattern(v, service) {
				match = true
				break
			}
		}
		switch c.Op {
		case policy.StringEquals, policy.StringEqualsIgnoreCase, policy.StringLike:
			if !match {
				return g, false
			}
		case policy.StringNotEquals, policy.StringNotEqualsIgnoreCase, policy.StringNotLike:
			if match {
				return g, false
			}
		default:
			rest = append(rest, c)
		}
	}
	if changed {
		g.Conditions = rest
	}
	return g, true
}

// PassRoleTargets returns the roles the method's iam:PassRole grants name.
// ok is false when the method passes no role or when some grant reaches roles
// by wildcard (or "*"), so the targets cannot be listed.
func (e *Escalation) PassRoleTargets() (roles []string, ok bool) {
	for _, s := range e.Steps {
		if !strings.EqualFold(s.Action, "iam:PassRole") {
			continue
		}
		ok = true
		for _, g := range s.Grants {
			if g.AllResources() {
				return nil, false
			}
			for _, r := range g.Resources {
				if strings.ContainsAny(r, "*?") {
					return nil, false
				}
				roles = appendUnique(roles, r)
			}
		}
	}
	return roles, ok && len(roles) > 0
}

// Covers reports whether r can already do everything other can: every Allow
// statement of other (through its boundary) is matched by an unconditional
// Allow statement of r whose actions include it and whose resources cover its
// resources. Passing a role that r covers gains nothing. The check is
// conservative: when in doubt it answers false.
func (r *Role) Covers(other *Role) bool {
	if len(other.Problems) > 0 || len(r.Problems) > 0 {
		return false
	}
	for _, t := range other.allows {
		actions := t.actions
		if other.HasBoundary {
			b := catalog.NewAWSSet()
			for _, s := range other.boundary {
				b.UnionInPlace(s.actions)
			}
			actions = actions.Intersect(b)
		}
		if actions.Empty() {
			continue
		}
		for _, d := range r.denies {
			if d.actions.CountIntersect(actions) > 0 {
				return false // r's own Denies may withhold some of it
			}
		}
		covered := false
		for _, s := range r.allows {
			if s.grant.Conditional() || !s.actions.Covers(actions) {
				continue
			}
			if r.HasBoundary {
				// r's own boundary may withhold what it seems to allow.
				b := catalog.NewAWSSet()
				for _, x := range r.boundary {
					if !x.grant.Conditional() && contains(x.grant.Resources, "*") {
						b.UnionInPlace(x.actions)
					}
				}
				if !b.Covers(actions) {
					continue
				}
			}
			if coversResources(s.grant.Resources, s.grant.NotResources, t.grant.Resources, t.grant.NotResources) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
		// Actions the catalog does not know cannot be compared.
		for _, p := range t.grant.Statement.Action {
			if !strings.ContainsAny(p, "*?") {
				if _, known := catalog.AWSActionID(p); !known {
					return false
				}
			}
		}
	}
	return true
}
