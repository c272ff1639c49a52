package awsiam

import (
	"sort"
	"strings"
	"sync"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Baseline lists the actions every Lambda execution role may hold on "*"
// without a finding: the CloudWatch Logs permissions of
// AWSLambdaBasicExecutionRole and the network-interface permissions of
// AWSLambdaVPCAccessExecutionRole, which the Lambda service itself needs.
var Baseline = []string{
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
	ceiling := r.ceiling()
	var out []WildcardGrant
	for _, a := range r.allows {
		if w, ok := judgeWildcard(a, ceiling); ok {
			out = append(out, w)
		}
	}
	return out
}

// ceiling is the set of actions the boundary and the unconditional "*" Denies
// leave possible at all.
func (r *Role) ceiling() *catalog.AWSSet {
	set := catalog.AllAWS()
	if r.HasBoundary {
		b := catalog.NewAWSSet()
		for _, s := range r.boundary {
			b.UnionInPlace(s.actions)
		}
		set = set.Intersect(b)
	}
	for _, d := range r.denies {
		if !d.grant.Conditional() && contains(d.grant.Resources, "*") {
			set = set.Minus(d.actions)
		}
	}
	return set
}

var baselineSet = sync.OnceValue(func() *catalog.AWSSet {
	s := catalog.NewAWSSet()
	for _, a := range Baseline {
		s.UnionInPlace(catalog.ExpandAWSSet(a))
	}
	return s
})

func judgeWildcard(a *stmt, ceiling *catalog.AWSSet) (WildcardGrant, bool) {
	all := a.grant.AllResources()
	if len(a.serviceWide) == 0 && !all {
		return WildcardGrant{}, false // named actions on named resources
	}
	w := WildcardGrant{Grant: a.grant, ServiceWide: a.serviceWide}
	var set *catalog.AWSSet
	var sev audit.Severity
	if len(a.serviceWide) > 0 {
		sw := a.actions
		if a.grant.Statement.NotAction == nil && len(a.serviceWide) != len(a.grant.Statement.Action) {
			sw = catalog.NewAWSSet()
			for _, p := range a.serviceWide {
				sw.UnionInPlace(catalog.ExpandAWSSet(p))
			}
		}
		set = sw.Intersect(ceiling)
		if lvl, ok := set.MaxLevel(); ok {
			w.Level = lvl
			sev = levelSeverity(lvl)
			if !all {
				sev = lower(sev)
			}
		}
	}
	if sev == "" && all {
		scoped := []*catalog.AWSSet{ceiling, catalog.AWSResourceLevelSet()}
		pmSet := catalog.AWSLevelSet(catalog.PermissionsManagement)
		wrSet := catalog.AWSLevelSet(catalog.Write)
		not := []*catalog.AWSSet{baselineSet()}
		switch {
		case a.actions.CountWith(append(scoped, pmSet), not) > 0:
			rest := a.actions.Intersect(ceiling).Intersect(catalog.AWSResourceLevelSet()).Minus(baselineSet())
			set = rest.Intersect(pmSet).Union(rest.Intersect(wrSet))
			w.Level, sev = catalog.PermissionsManagement, audit.High
		case a.actions.CountWith(append(scoped, wrSet), not) > 0:
			set = a.actions.Intersect(ceiling).Intersect(catalog.AWSResourceLevelSet()).Minus(baselineSet()).Intersect(wrSet)
			w.Level, sev = catalog.Write, audit.Medium
		default:
			// A read-only wildcard pattern on "*".
			var read *catalog.AWSSet
			for _, p := range a.grant.Statement.Action {
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
			read = read.Intersect(ceiling)
			if lvl, ok := read.MaxLevel(); ok && (lvl == catalog.Read || lvl == catalog.List) {
				set, w.Level, sev = read, lvl, audit.Low
			}
		}
	}
	if sev == "" {
		return w, false
	}
	if a.grant.Conditional() {
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
	sort.SliceStable(all, func(i, j int) bool {
		ri, rj := rank(all[i]), rank(all[j])
		if ri != rj {
			return ri < rj
		}
		return len(all[i]) < len(all[j])
	})
	if len(all) > n {
		all = all[:n]
	}
	return all
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
