package awsiam

import (
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Admin thresholds: a role is an administrator when it can perform, on every
// resource, all but a sliver of the catalog's actions and all but a handful of
// IAM's. "Every action except iam:DeleteAccountPasswordPolicy" is still
// administrator; PowerUserAccess (everything except IAM, Organizations and
// Account) is not, because it cannot change permissions.
const (
	adminMinShare      = 0.98
	adminMaxMissingIAM = 3
)

// AdminVerdict says whether a role has full administrative access.
type AdminVerdict struct {
	// Admin is true when the role can perform (nearly) every action on every
	// resource.
	Admin bool
	// Conditional is true when the role is an administrator only through grants
	// that carry conditions.
	Conditional bool
	// Missing counts the catalog actions the role cannot perform on every
	// resource; MissingServices names the services they belong to (at most 10).
	Missing         int
	MissingServices []string
	// Total is the number of actions in the catalog.
	Total int
	// Grants are the statements that confer the broad access.
	Grants []Grant
}

// Admin decides whether the role can perform every action on every resource:
// Action "*" on Resource "*", NotAction with a few exclusions, or an
// equivalent union of statements, after the boundary and unconditional Denies.
func (r *Role) Admin() AdminVerdict {
	all := catalog.AllAWS()
	iam := catalog.ExpandAWSSet("iam:*")
	v := AdminVerdict{Total: all.Len()}
	judge := func(set *catalog.AWSSet) bool {
		missing := v.Total - set.Len()
		missingIAM := iam.Len() - set.CountIntersect(iam)
		return missing <= int((1-adminMinShare)*float64(v.Total)) && missingIAM <= adminMaxMissingIAM
	}
	// Quick rejection: the all-resource statements together are too small.
	sum := 0
	for _, a := range r.allows {
		if a.grant.AllResources() {
			sum += a.actions.Len()
		}
	}
	if sum < v.Total-int((1-adminMinShare)*float64(v.Total)) {
		return v
	}
	set := r.allowedSet(true)
	switch {
	case judge(set):
		v.Admin = true
	default:
		if cond := r.allowedSet(false); judge(cond) {
			v.Admin, v.Conditional = true, true
			set = cond
		}
	}
	if !v.Admin {
		return v
	}
	v.Missing = v.Total - set.Len()
	if v.Missing > 0 {
		svcs := set.Complement().Services()
		if len(svcs) > 10 {
			svcs = svcs[:10]
		}
		v.MissingServices = svcs
	}
	half := v.Total / 2
	for _, a := range r.allows {
		if !a.grant.AllResources() || (!v.Conditional && a.grant.Conditional()) {
			continue
		}
		if a.actions.Len() >= half {
			v.Grants = append(v.Grants, a.grant)
		}
	}
	if len(v.Grants) == 0 {
		// Administrator through many narrower statements: quote them all.
		for _, a := range r.allows {
			if a.grant.AllResources() && (v.Conditional || !a.grant.Conditional()) {
				v.Grants = append(v.Grants, a.grant)
			}
		}
	}
	return v
}
