package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Shared helpers of the Azure control rules (who can change a function app):
// which controllers' powers cover the app, and how powerful the app's
// identities and the controllers are. Tested in azure_control_test.go.

// azureControlHit is one power of one controller that covers an app.
type azureControlHit struct {
	Controller *audit.Controller
	Power      *audit.ControlPower
	Target     string // the scope that covers the app
}

// azureControlIndex indexes the Azure controllers' powers by lower-case
// target scope; wide holds those at management-group or root scope, which
// cover every app.
type azureControlIndex struct {
	byScope map[string][]azureControlHit
	wide    []azureControlHit
}

func azureBuildControlIndex(inv *audit.Inventory) *azureControlIndex {
	ix := &azureControlIndex{byScope: map[string][]azureControlHit{}}
	for i := range inv.Controllers {
		c := &inv.Controllers[i]
		if c.Provider != audit.Azure {
			continue
		}
		for j := range c.Powers {
			p := &c.Powers[j]
			for _, t := range p.Targets {
				h := azureControlHit{c, p, t}
				switch catalog.AzureScopeOf(t) {
				case catalog.AzureScopeRoot, catalog.AzureScopeManagementGroup:
					ix.wide = append(ix.wide, h)
				default:
					k := strings.ToLower(strings.TrimRight(t, "/"))
					ix.byScope[k] = append(ix.byScope[k], h)
				}
			}
		}
	}
	return ix
}

// azureControls returns the powers whose scope covers the function's app.
func azureControls(pass *audit.Pass) []azureControlHit {
	fn := pass.Function
	if fn.Azure == nil || fn.Azure.App == "" {
		return nil
	}
	ix := pass.Memo("azure-control-index", func() any { return azureBuildControlIndex(pass.Inventory) }).(*azureControlIndex)
	out := append([]azureControlHit(nil), ix.wide...)
	// The app, its resource group and its subscription: every prefix of its
	// id that ends a segment.
	app := strings.ToLower(strings.TrimRight(fn.Azure.App, "/"))
	for i := len(app); i > 0; i = strings.LastIndexByte(app[:i], '/') {
		out = append(out, ix.byScope[app[:i]]...)
	}
	return out
}

// azureControlByPrincipal groups hits by controller, in principal id order,
// leaving out the function's own identities.
func azureControlByPrincipal(fn *audit.Function, hits []azureControlHit) [][]azureControlHit {
	by := map[string][]azureControlHit{}
	for _, h := range hits {
		id := h.Controller.Principal.ID
		own := false
		for _, i := range fn.Identities {
			if strings.EqualFold(i, id) {
				own = true
			}
		}
		if !own {
			by[id] = append(by[id], h)
		}
	}
	ids := make([]string, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([][]azureControlHit, 0, len(ids))
	for _, id := range ids {
		out = append(out, by[id])
	}
	return out
}

// azureIdentityPower ranks what the app's identities can do: 3 for an
// administrative role that can assign roles (Owner, User Access
// Administrator, ...) on a subscription or above, 2 for Contributor there, an
// administrative role on a resource group or resource, or a role writing every
// resource type ("*") on a subscription or above, 1 for any other write or data action, 0 otherwise.
func azureIdentityPower(pass *audit.Pass) (rank int, why string) {
	assigned, _ := azureAssignments(pass)
	for _, a := range assigned {
		if reason, admin := azureAdminReason(a.Policy); admin {
			n := 2
			if azureAdminScope(a.Level) && !azureContributor(a.Policy.ID, a.Policy.Name) {
				n = 3
			}
			if n > rank {
				rank, why = n, fmt.Sprintf("%s on %s (%s), through %s", a.Policy.Name, a.Policy.Scope, reason, azureIdentityLabel(a.Identity))
			}
			continue
		}
		for _, g := range a.Policy.Grants {
			if g.Effect != audit.Allow {
				continue
			}
			for _, act := range g.Actions {
				n := 0
				switch {
				case act == "*" && azureAdminScope(a.Level):
					n = 2
				case !catalog.AzureReadOnlyPattern(act):
					n = 1
				}
				if n > rank {
					rank, why = n, fmt.Sprintf("%s on %s (%q), through %s", a.Policy.Name, a.Policy.Scope, act, azureIdentityLabel(a.Identity))
				}
			}
			if len(g.DataActions) > 0 && rank < 1 {
				rank, why = 1, fmt.Sprintf("%s on %s (data actions), through %s", a.Policy.Name, a.Policy.Scope, azureIdentityLabel(a.Identity))
			}
		}
	}
	return rank, why
}

// azurePrincipalRank is what a controller holds itself on the app, as far as
// its control assignments show: 3 for an administrative role that can assign
// roles on a subscription or above, 2 for Contributor there or an
// administrative role lower down, 0 otherwise.
func azurePrincipalRank(hits []azureControlHit) int {
	rank := 0
	for _, h := range hits {
		wide := azureAdminScope(catalog.AzureScopeOf(h.Target))
		for _, e := range h.Power.Evidence {
			if _, admin := catalog.AzureAdminRole(e.PolicyID, e.Policy); admin && !azureContributor(e.PolicyID, e.Policy) {
				if wide {
					rank = max(rank, 3)
				} else {
					rank = max(rank, 2)
				}
				continue
			}
			if azureContributor(e.PolicyID, e.Policy) && wide {
				rank = max(rank, 2)
			}
		}
	}
	return rank
}

// azureContributor reports whether a role is the built-in Contributor: full
// control of resources, but no role assignments, so less than Owner.
func azureContributor(id, name string) bool {
	if g := catalog.AzureRoleGUID(id); g != "" {
		return strings.EqualFold(g, "b24988ac-6180-42a0-ab88-20f7382dd24c")
	}
	return strings.EqualFold(name, "Contributor")
}

// azureRunsAs reports whether a power lets its holder run code as the app's
// identities.
func azureRunsAs(k audit.ControlKind) bool {
	switch k {
	case audit.ControlWriteApp, audit.ControlWriteSlot, audit.ControlWriteSettings,
		audit.ControlPublishingCredentials, audit.ControlAssignRoles:
		return true
	}
	return false
}

// azurePowerPhrase says what one power lets its holder do and through which
// assignment.
func azurePowerPhrase(h azureControlHit) string {
	var what string
	switch h.Power.Kind {
	case audit.ControlWriteApp:
		what = "write the app"
	case audit.ControlWriteSlot:
		what = "write its deployment slots"
	case audit.ControlWriteSettings:
		what = "write its settings"
	case audit.ControlPublishingCredentials:
		what = "read its publishing credentials"
	case audit.ControlAssignRoles:
		what = "assign roles on it"
	default:
		what = string(h.Power.Kind)
	}
	role := ""
	if len(h.Power.Evidence) > 0 {
		role = h.Power.Evidence[0].Policy + " at "
	}
	s := fmt.Sprintf("%s (%s, through %s%s)", what, strings.Join(h.Power.Actions, ", "), role, h.Target)
	if len(h.Power.Conditions) > 0 {
		s += " if " + strings.Join(h.Power.Conditions, " && ")
	}
	return s
}

// azureControlEvidence quotes each assignment behind the hits, once.
func azureControlEvidence(hits []azureControlHit) []audit.Evidence {
	var out []audit.Evidence
	seen := map[string]bool{}
	for _, h := range hits {
		for _, e := range h.Power.Evidence {
			if seen[e.Statement] {
				continue
			}
			seen[e.Statement] = true
			frag := fmt.Sprintf("principal %s (%s) role %q (%s) at scope %s", h.Controller.Principal.ID,
				h.Controller.Principal.Kind, e.Policy, e.PolicyID, h.Target)
			if len(h.Power.Conditions) > 0 {
				frag += " with condition " + strings.Join(h.Power.Conditions, " && ")
			}
			out = append(out, audit.Evidence{Source: e.Source, Path: "roleAssignments[" + e.Statement + "]", Fragment: frag})
		}
	}
	return out
}
