package awsiam

import (
	"slices"
	"strings"
	"sync"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// Baseline lists the actions every Lambda execution role may hold on "*"
// without a finding: the CloudWatch Logs permissions of
// AWSLambdaBasicExecutionRole and the network-interface permissions of
// AWSLambdaVPCAccessExecutionRole, which the Lambda service itself needs.
func Baseline() []string {
	return slices.Clone(baseline)
}

var baseline = []string{
	"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
	"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface",
	"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
}

// WildcardGrant is one statement that grants broadly.
type WildcardGrant struct {
	Grant Grant
	// ServiceWide lists the statement's service-wide patterns ("*", "s3:*"),
	// or "NotAction" for a NotAction statement; empty for a finding about
	// Resource "*" alone.
	ServiceWide []string
	// Level is the most privileged access level among the actions that make
	// the finding.
	Level catalog.AccessLevel
	// Actions counts those actions; Examples names up to five of the most
	// privileged, Services up to ten of their services.
	Actions  int
	Examples []string
	Services []string
	Severity audit.Severity
}

// Wildcards returns the role's broad grants, one per statement, in policy
// order:
//
//   - a service-wide wildcard ("*", "s3:*", NotAction): severity by the most
//     privileged level it covers — permissions management high, write medium,
//     read, list or tagging low — one step lower when the statement names its
//     resources instead of "*";
//   - Resource "*" on write or permissions-management actions that support
//     resource-level permissions (high for permissions management, medium for
//     write), except the Baseline actions every function needs;
//   - a wildcard pattern such as "s3:Get*" on Resource "*" that covers only
//     read and list actions: low.
//
// Tagging-only grants on "*" and actions that can only be granted on "*" are
// not findings. A conditional statement's severity is one step lower. Actions
// the boundary does not allow, or that an unconditional Deny removes on every
// resource, do not count.
func (r *Role) Wildcards() []WildcardGrant {
	denied := r.denyCeiling()
	var out []WildcardGrant
	for _, a := range r.allows {
		if len(a.serviceWide) == 0 && !a.grant.AllResources() && !r.HasBoundary {
			continue // named actions on named resources
		}
		var best WildcardGrant
		found := false
		for _, in := range r.wildcardInputs(a, denied) {
			if w, ok := judgeWildcard(in); ok && (!found || w.Severity.Rank() > best.Severity.Rank()) {
				best, found = w, true
			}
		}
		if found {
			out = append(out, best)
		}
	}
	return out
}

// denyCeiling is the set of actions the unconditional Denies on "*" leave
// possible.
func (r *Role) denyCeiling() *catalog.AWSSet {
	set := catalog.AllAWS()
	for _, d := range r.denies {
		if !d.grant.Conditional() && contains(d.grant.Resources, "*") {
			set = set.Minus(d.actions)
		}
	}
	return set
}

// within returns set ∩ ceiling, without copying when the ceiling is every action.
func within(set, ceiling *catalog.AWSSet) *catalog.AWSSet {
	if ceiling == catalog.AllAWS() {
		return set
	}
	return set.Intersect(ceiling)
}

// wildcardInput is one effective grant to judge: an Allow statement, or its
// intersection with one statement of the permissions boundary.
type wildcardInput struct {
	grant Grant
	// actions are the effective actions; serviceWide the effective
	// service-wide patterns ("*", "s3:*", "NotAction"), whose actions are wide.
	actions     *catalog.AWSSet
	serviceWide []string
	wide        *catalog.AWSSet
	// patterns are the statement's Action patterns (for read-only wildcards).
	patterns []string
	all      bool
}

// wildcardInputs returns the effective grants of an Allow statement: the
// statement itself without a boundary, else its intersection with each
// boundary statement. Through a boundary a wildcard stays service-wide only
// for the services the boundary also allows whole, and stays on "*" only
// where the boundary allows "*".
func (r *Role) wildcardInputs(a *stmt, denied *catalog.AWSSet) []wildcardInput {
	if !r.HasBoundary {
		in := wildcardInput{grant: a.grant, actions: within(a.actions, denied), serviceWide: a.serviceWide,
			patterns: a.grant.Statement.Action, all: a.grant.AllResources()}
		if len(a.serviceWide) > 0 {
			wide := a.actions
			if a.grant.Statement.NotAction == nil && len(a.serviceWide) != len(a.grant.Statement.Action) {
				wide = catalog.NewAWSSet()
				for _, p := range a.serviceWide {
					wide.UnionInPlace(catalog.ExpandAWSSet(p))
				}
			}
			in.wide = within(wide, denied)
		}
		return []wildcardInput{in}
	}
	var out []wildcardInput
	for _, b := range r.boundary {
		res := intersect(a.grant.Resources, a.grant.NotResources, b.grant.Resources, b.grant.NotResources)
		if len(res) == 0 {
			continue
		}
		if len(a.serviceWide) == 0 && !(len(res) == 1 && res[0] == "*") {
			continue // named actions on named resources: nothing to judge
		}
		if a.actions.CountWith([]*catalog.AWSSet{b.actions, denied}, nil) == 0 {
			continue
		}
		pair := within(a.actions.Intersect(b.actions), denied)
		g := a.grant
		g.Resources = res
		if !(len(res) == 1 && res[0] == "*") {
			g.NotResources = nil
		}
		if len(b.grant.Conditions) > 0 {
			g.Conditions = append(append([]policy.Condition(nil), a.grant.Conditions...), b.grant.Conditions...)
		}
		in := wildcardInput{grant: g, actions: pair, patterns: a.grant.Statement.Action, all: g.AllResources()}
		if len(a.serviceWide) > 0 {
			var wide *catalog.AWSSet
			for _, svc := range pair.Services() {
				if !pair.CoversService(svc) || !a.widensService(svc) {
					continue
				}
				if wide == nil {
					wide = catalog.NewAWSSet()
				}
				wide.UnionInPlace(catalog.ExpandAWSSet(svc + ":*"))
				in.serviceWide = append(in.serviceWide, svc+":*")
			}
			if wide != nil {
				in.wide = wide.Intersect(pair)
			}
		}
		out = append(out, in)
	}
	return out
}

// widensService reports whether one of the statement's service-wide patterns
// covers the service.
func (s *stmt) widensService(svc string) bool {
	for _, p := range s.serviceWide {
		if p == "*" || p == "NotAction" {
			return true
		}
		if sp, _, ok := strings.Cut(p, ":"); ok && policy.MatchPattern(sp, svc) {
			return true
		}
	}
	return false
}

var baselineSet = sync.OnceValue(func() *catalog.AWSSet {
	s := catalog.NewAWSSet()
	for _, a := range baseline {
		s.UnionInPlace(catalog.ExpandAWSSet(a))
	}
	return s
})

func judgeWildcard(in wildcardInput) (WildcardGrant, bool) {
	w := WildcardGrant{Grant: in.grant, ServiceWide: in.serviceWide}
	var set *catalog.AWSSet
	var sev audit.Severity
	if in.wide != nil {
		set = in.wide.Minus(baselineSet())
		if lvl, ok := set.MaxLevel(); ok {
			w.Level = lvl
			sev = levelSeverity(lvl)
			if !in.all {
				sev = lower(sev)
			}
		}
	}
	if sev == "" {
		w.ServiceWide = nil
	}
	if sev == "" && in.all {
		scoped := []*catalog.AWSSet{catalog.AWSResourceLevelSet()}
		pmSet := catalog.AWSLevelSet(catalog.PermissionsManagement)
		wrSet := catalog.AWSLevelSet(catalog.Write)
		not := []*catalog.AWSSet{baselineSet()}
		switch {
		case in.actions.CountWith(append(scoped, pmSet), not) > 0:
			rest := in.actions.Intersect(catalog.AWSResourceLevelSet()).Minus(baselineSet())
			set = rest.Intersect(pmSet).Union(rest.Intersect(wrSet))
			w.Level, sev = catalog.PermissionsManagement, audit.High
		case in.actions.CountWith(append(scoped, wrSet), not) > 0:
			set = in.actions.Intersect(catalog.AWSResourceLevelSet()).Minus(baselineSet()).Intersect(wrSet)
			w.Level, sev = catalog.Write, audit.Medium
		default:
			// A read-only wildcard pattern on "*".
			var read *catalog.AWSSet
			for _, p := range in.patterns {
				if strings.ContainsAny(p, "*?") {
					if read == nil {
						read = catalog.NewAWSSet()
					}
					read.UnionInPlace(catalog.ExpandAWSSet(p))
				}
			}
			if read == nil {
				break
			}
			read = read.Intersect(in.actions)
			if lvl, ok := read.MaxLevel(); ok && (lvl == catalog.Read || lvl == catalog.List) {
				set, w.Level, sev = read, lvl, audit.Low
			}
		}
	}
	if sev == "" {
		return w, false
	}
	if in.grant.Conditional() {
		sev = lower(sev)
	}
	w.Severity = sev
	w.Actions = set.Len()
	w.Examples = examples(set.Intersect(catalog.AWSLevelSet(w.Level)), 5, w.Level)
	svcs := set.Services()
	if len(svcs) > 10 {
		svcs = svcs[:10]
	}
	w.Services = svcs
	return w, true
}

// examples picks up to n actions of a set: for write and permissions
// management the ones a reviewer recognises as dangerous first (policies,
// permissions, ACLs, role passing), then the shortest names, which are the
// service's core actions.
func examples(set *catalog.AWSSet, n int, level catalog.AccessLevel) []string {
	all := set.Actions()
	rank := func(a string) int {
		_, name, _ := strings.Cut(a, ":")
		switch {
		case level == catalog.Read || level == catalog.List:
			return 0
		case strings.Contains(name, "Policy"):
			return 0
		case strings.Contains(name, "Permission"), strings.Contains(name, "Acl"), name == "PassRole":
			return 1
		case strings.HasPrefix(name, "Delete"):
			return 2
		case strings.HasPrefix(name, "Put"), strings.HasPrefix(name, "Create"), strings.HasPrefix(name, "Update"):
			return 3
		case strings.HasPrefix(name, "Get"), strings.HasPrefix(name, "List"):
			return 4
		}
		return 5
	}
	// Keep the n best by (rank, length, name) in one pass: the set can hold
	// thousands of actions and only five are shown.
	type ranked struct {
		name string
		rank int
	}
	less := func(a, b ranked) bool {
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if len(a.name) != len(b.name) {
			return len(a.name) < len(b.name)
		}
		return a.name < b.name
	}
	var top []ranked
	for _, name := range all {
		a := ranked{name, rank(name)}
		i := len(top)
		for i > 0 && less(a, top[i-1]) {
			i--
		}
		if i >= n {
			continue
		}
		top = append(top, ranked{})
		copy(top[i+1:], top[i:])
		top[i] = a
		if len(top) > n {
			top = top[:n]
		}
	}
	out := make([]string, len(top))
	for i, t := range top {
		out[i] = t.name
	}
	return out
}

// levelSeverity maps an access level to a finding severity.
func levelSeverity(l catalog.AccessLevel) audit.Severity {
	switch l {
	case catalog.PermissionsManagement:
		return audit.High
	case catalog.Write:
		return audit.Medium
	}
	return audit.Low
}

// lower returns the next lower severity, never below low.
func lower(s audit.Severity) audit.Severity {
	switch s {
	case audit.Critical:
		return audit.High
	case audit.High:
		return audit.Medium
	}
	return audit.Low
}
