package gcpfunctions

import (
	"context"
	"sort"
	"sync"

	"cloud.google.com/go/iam/admin/apiv1/adminpb"

	"github.com/fnaudit/fnaudit/audit"
)

// roleEntry caches one role definition for the run.
type roleEntry struct {
	once  sync.Once
	perms []string
	err   error
}

// rolePermissions returns the permissions of a predefined or custom role, read
// once per run through the IAM roles API.
func (col *Collector) rolePermissions(ctx context.Context, role string) ([]string, error) {
	col.roleMu.Lock()
	e, ok := col.roleCache[role]
	if !ok {
		e = &roleEntry{}
		col.roleCache[role] = e
	}
	col.roleMu.Unlock()
	e.once.Do(func() {
		r, err := col.c.roles.GetRole(ctx, &adminpb.GetRoleRequest{Name: role}, col.call...)
		if err != nil {
			e.err = err
			return
		}
		e.perms = append([]string{}, r.GetIncludedPermissions()...)
	})
	return e.perms, e.err
}

// identities builds one Identity per service account that runs a function, with
// every binding of that account in every audited project and their ancestors,
// each role expanded to its permissions.
func (col *Collector) identities(ctx context.Context, fns []audit.Function, results []*projectResult) ([]audit.Identity, []audit.Gap) {
	type use struct {
		project  string
		projects map[string]bool
		def      bool
	}
	users := map[string]*use{}
	for i := range fns {
		f := &fns[i]
		if f.GCP == nil || f.GCP.ServiceAccount == "" {
			continue
		}
		u, ok := users[f.GCP.ServiceAccount]
		if !ok {
			u = &use{project: f.Account, projects: map[string]bool{}}
			users[f.GCP.ServiceAccount] = u
		}
		u.projects[f.Account] = true
		u.def = u.def || f.GCP.DefaultServiceAccount
	}
	var out []audit.Identity
	saBindings, gaps := col.serviceAccountBindings(ctx, fns, results)
	for _, sa := range sortedKeys(users) {
		u := users[sa]
		member := "serviceAccount:" + sa
		ident := audit.Identity{
			Provider: audit.GCP,
			Account:  u.project,
			ID:       sa,
			Name:     sa,
			Kind:     "gcp-service-account",
			Default:  u.def,
			Source:   audit.Source{API: apiProjectIAM, Ref: "serviceAccount:" + sa},
		}
		seen := map[memberBinding]bool{}
		var bindings []memberBinding
		for _, b := range saBindings[member] {
			if !seen[b] {
				seen[b] = true
				bindings = append(bindings, b)
			}
		}
		for _, r := range results {
			for _, m := range r.bindings {
				for _, b := range m[member] {
					if !seen[b] {
						seen[b] = true
						bindings = append(bindings, b)
					}
				}
			}
		}
		sort.Slice(bindings, func(i, j int) bool {
			a, b := bindings[i], bindings[j]
			if a.Scope != b.Scope {
				return a.Scope < b.Scope
			}
			if a.Role != b.Role {
				return a.Role < b.Role
			}
			return a.Condition < b.Condition
		})
		for _, b := range bindings {
			perms, err := col.rolePermissions(ctx, b.Role)
			if err != nil {
				// One gap per project whose functions run as the account, so
				// each of them reports its identity checks as unknown.
				for _, p := range sortedKeys(u.projects) {
					gaps = append(gaps, gap(p, "", sa, apiGetRole, audit.DataIdentity, err, "role "+b.Role))
				}
				perms = nil
			}
			ident.Policies = append(ident.Policies, bindingPolicy(b, perms))
		}
		out = append(out, ident)
	}
	return out, gaps
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
