package gcpfunctions

import (
	"sort"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// From the control bindings to the model's controllers: pure mapping, tested in
// control_test.go.

// controlKindOf names the model's control kind of a control permission.
func controlKindOf(perm string) audit.ControlKind {
	switch perm {
	case "cloudfunctions.functions.update":
		return audit.ControlUpdateFunction
	case "run.services.update":
		return audit.ControlUpdateService
	case "cloudfunctions.functions.setIamPolicy", "run.services.setIamPolicy":
		return audit.ControlSetIAMPolicy
	case "iam.serviceAccounts.actAs":
		return audit.ControlActAs
	}
	return audit.ControlTokenCreator // getAccessToken, signBlob, signJwt, implicitDelegation, keys.create
}

// controllerPrincipal classifies a policy member as a controller. Groups are
// not expanded (their members live in Google Workspace or Cloud Identity,
// which the audit does not read).
func controllerPrincipal(member string) audit.ControlPrincipal {
	p := audit.ControlPrincipal{ID: member}
	m := strings.TrimPrefix(member, "deleted:")
	kind, rest, _ := strings.Cut(m, ":")
	switch {
	case member == "allUsers", member == "allAuthenticatedUsers", member == "principalSet://goog/public:all":
		p.Kind = audit.ControllerAnyPrincipal
	case strings.HasPrefix(m, "principalSet://"), strings.HasPrefix(m, "principal://"):
		p.Kind = audit.ControllerFederated
	case kind == "user":
		p.Kind = audit.ControllerUser
		p.Name = rest
	case kind == "group":
		p.Kind = audit.ControllerGroupMember
		p.Name = rest + " (group members not expanded)"
	case kind == "domain":
		p.Kind = audit.ControllerOrganization
		p.Name = rest
	case kind == "projectOwner", kind == "projectEditor", kind == "projectViewer":
		p.Kind = audit.ControllerAccount
		p.Account = rest
	case kind == "serviceAccount":
		p.Name = rest
		if principalOf(member).Kind == audit.PrincipalService {
			p.Kind = audit.ControllerService
		} else {
			p.Kind = audit.ControllerServiceAccount
		}
		if proj := saProject(rest, ""); proj != "" {
			p.Account = proj
		}
	default:
		p.Kind = audit.ControllerUser
	}
	return p
}

// controllers folds the control bindings into one Controller per member, one
// power per kind and binding. A power's targets are the functions it reaches:
// the function itself for a binding on the function or its service,
// projects/P for a binding on the project or above (it covers every function
// of P), and the runtime service account's e-mail for the identity kinds.
// Shared lists are folded once, not once per function.
func controllers(fns []audit.Function, cr *controlResult) []audit.Controller {
	type powerKey struct {
		kind                   audit.ControlKind
		role, scope, condition string
	}
	type acc struct {
		principal audit.ControlPrincipal
		powers    map[powerKey]*audit.ControlPower
	}
	byMember := map[string]*acc{}
	fold := func(cs []gcpControl, target string) {
		for _, c := range cs {
			a, ok := byMember[c.Member]
			if !ok {
				a = &acc{principal: controllerPrincipal(c.Member), powers: map[powerKey]*audit.ControlPower{}}
				byMember[c.Member] = a
			}
			for _, perm := range c.Permissions {
				k := controlKindOf(perm)
				key := powerKey{k, c.Role, c.Scope, c.Condition}
				pw, ok := a.powers[key]
				if !ok {
					pw = &audit.ControlPower{Kind: k}
					if c.Condition != "" {
						pw.Conditions = []string{c.Condition}
					}
					pw.Evidence = []audit.ControlEvidence{{
						Policy: c.Role, PolicyID: c.Role, Kind: audit.PolicyBinding,
						Via: viaOf(c), Statement: c.Role, Source: c.Source,
					}}
					a.powers[key] = pw
				}
				if !containsString(pw.Actions, perm) {
					pw.Actions = append(pw.Actions, perm)
					pw.Evidence[0].Actions = pw.Actions
				}
				if !containsString(pw.Targets, target) {
					pw.Targets = append(pw.Targets, target)
				}
			}
		}
	}
	projects := map[string]bool{}
	accounts := map[string]bool{}
	for i := range fns {
		fn := &fns[i]
		ref, ok := cr.fns[fn.ID]
		if !ok {
			continue
		}
		fold(cr.own[fn.ID], fn.ID)
		if !projects[ref.project] {
			projects[ref.project] = true
			fold(cr.project[ref.project], "projects/"+fn.Account)
		}
		if ref.account != "" && !accounts[ref.account] {
			accounts[ref.account] = true
			fold(cr.account[ref.account], ref.account)
		}
	}
	members := make([]string, 0, len(byMember))
	for m := range byMember {
		members = append(members, m)
	}
	sort.Strings(members)
	out := make([]audit.Controller, 0, len(members))
	for _, m := range members {
		a := byMember[m]
		keys := make([]powerKey, 0, len(a.powers))
		for k := range a.powers {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			x, y := keys[i], keys[j]
			if x.kind != y.kind {
				return x.kind < y.kind
			}
			if x.scope != y.scope {
				return x.scope < y.scope
			}
			if x.role != y.role {
				return x.role < y.role
			}
			return x.condition < y.condition
		})
		c := audit.Controller{Provider: audit.GCP, Principal: a.principal}
		for _, k := range keys {
			pw := a.powers[k]
			sort.Strings(pw.Targets)
			sort.Strings(pw.Actions)
			pw.Evidence[0].Actions = append([]string(nil), pw.Actions...)
			c.Powers = append(c.Powers, *pw)
		}
		out = append(out, c)
	}
	return out
}

// viaOf says where a binding was found.
func viaOf(c gcpControl) string {
	switch {
	case strings.Contains(c.Scope, "/serviceAccounts/"):
		return "service account policy " + c.Scope
	case strings.Contains(c.Scope, "/services/"):
		return "Cloud Run service policy " + c.Scope
	case strings.Contains(c.Scope, "/functions/"):
		return "function policy " + c.Scope
	case strings.HasPrefix(c.Scope, "folders/"):
		return "folder policy " + c.Scope
	case strings.HasPrefix(c.Scope, "organizations/"):
		return "organization policy " + c.Scope
	}
	return "project policy " + c.Scope
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
