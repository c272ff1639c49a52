package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Shared helpers of the GCP control rules (who can change a function): which
// controllers of the inventory reach a function, how powerful the function's
// service account is, and how to quote a power. Tested in gcp_control_test.go.

// gcpControlHit is one power of one controller that reaches a function.
type gcpControlHit struct {
	Controller *audit.Controller
	Power      *audit.ControlPower
}

// gcpControlIndex indexes the GCP controllers' powers by target.
type gcpControlIndex map[string][]gcpControlHit

func gcpBuildControlIndex(inv *audit.Inventory) gcpControlIndex {
	ix := gcpControlIndex{}
	for i := range inv.Controllers {
		c := &inv.Controllers[i]
		if c.Provider != audit.GCP {
			continue
		}
		for j := range c.Powers {
			p := &c.Powers[j]
			for _, t := range p.Targets {
				ix[t] = append(ix[t], gcpControlHit{c, p})
			}
		}
	}
	return ix
}

// gcpControls returns the powers that reach the function, whose conditions
// can hold at now: those targeting the function itself or its project, and
// the identity powers (act-as, token-creator) targeting its service account.
func gcpControls(pass *audit.Pass) []gcpControlHit {
	fn := pass.Function
	if fn.GCP == nil {
		return nil
	}
	ix := pass.Memo("gcp-control-index", func() any { return gcpBuildControlIndex(pass.Inventory) }).(gcpControlIndex)
	var out []gcpControlHit
	add := func(hits []gcpControlHit, identity bool) {
		for _, h := range hits {
			if gcpIdentityKind(h.Power.Kind) != identity || !gcpPowerHolds(h.Power, pass.Now) {
				continue
			}
			out = append(out, h)
		}
	}
	add(ix[fn.ID], false)
	add(ix["projects/"+fn.Account], false)
	if sa := fn.GCP.ServiceAccount; sa != "" {
		add(ix[sa], true)
	}
	return out
}

// gcpIdentityKind reports whether a power is about the service account.
func gcpIdentityKind(k audit.ControlKind) bool {
	return k == audit.ControlActAs || k == audit.ControlTokenCreator
}

// gcpPowerHolds reports whether a power can be used at now: false only when a
// condition's time bounds exclude now.
func gcpPowerHolds(p *audit.ControlPower, now time.Time) bool {
	for _, c := range p.Conditions {
		if !gcpGrantsNow(c, now) {
			return false
		}
	}
	return true
}

// gcpControlByPrincipal groups hits by controller, in principal id order.
func gcpControlByPrincipal(hits []gcpControlHit) [][]gcpControlHit {
	by := map[string][]gcpControlHit{}
	for _, h := range hits {
		by[h.Controller.Principal.ID] = append(by[h.Controller.Principal.ID], h)
	}
	ids := make([]string, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([][]gcpControlHit, 0, len(ids))
	for _, id := range ids {
		out = append(out, by[id])
	}
	return out
}

// gcpPrincipalRank is what a controller holds itself, as far as its control
// bindings show: 3 for roles/owner, 2 for roles/editor on a project, folder
// or organization, 0 otherwise (its other roles are not in view).
func gcpPrincipalRank(hits []gcpControlHit) int {
	rank := 0
	for _, h := range hits {
		for _, e := range h.Power.Evidence {
			if gcpScopeLevel(e.Source.Ref) == "resource" {
				continue
			}
			switch e.Policy {
			case "roles/owner":
				rank = max(rank, 3)
			case "roles/editor":
				rank = max(rank, 2)
			}
		}
	}
	return rank
}

// gcpIdentityPower ranks what the function's service account can do: 3 when
// it is an administrator (Owner, or a custom role that rewrites IAM policy), 2
// for Editor or an escalation method of the catalogue, 1 for any other write
// permission, 0 for read-only or unknown; with the reason and the binding.
func gcpIdentityPower(ident *audit.Identity, now time.Time) (rank int, why string, pol *audit.Policy) {
	if ident == nil {
		return 0, "", nil
	}
	for i := range ident.Policies {
		p := &ident.Policies[i]
		if !gcpGrantsNow(p.Condition, now) {
			continue
		}
		if r, _, ok := gcpAdminPolicy(p); ok {
			// Owner-level (rank 3): Owner, or a custom role that can rewrite
			// IAM policy and so grant itself Owner; Editor-level (2) otherwise.
			n := 2
			if _, basic := catalog.GCPAdminRoleFor(p.Name); p.Name == "roles/owner" || !basic {
				n = 3
			}
			if n > rank {
				rank, why, pol = n, fmt.Sprintf("%s on %s (%s)", p.Name, gcpScopeName(p.Scope), r), p
			}
			continue
		}
		if rank >= 2 {
			continue
		}
		for _, esc := range catalog.GCPEscalations() {
			if gcpScopeLevel(p.Scope) == "resource" && !strings.Contains(p.Scope, "/serviceAccounts/") {
				break
			}
			all := len(esc.Requires) > 0
			for _, perm := range esc.Requires {
				if !gcpGrantsPermission(p, perm) {
					all = false
					break
				}
			}
			if all {
				rank, why, pol = 2, fmt.Sprintf("%s on %s, which can %s", p.Name, gcpScopeName(p.Scope), esc.Summary), p
				break
			}
		}
		if rank >= 1 {
			continue
		}
		for _, g := range p.Grants {
			if g.Effect != audit.Allow {
				continue
			}
			for _, a := range g.Actions {
				if !catalog.GCPReadPermission(a) {
					rank, why, pol = 1, fmt.Sprintf("%s on %s (%s)", p.Name, gcpScopeName(p.Scope), a), p
					break
				}
			}
			if rank >= 1 {
				break
			}
		}
	}
	return rank, why, pol
}

// gcpRankSeverity is the severity of a path into an identity of the rank.
func gcpRankSeverity(rank int) audit.Severity {
	switch rank {
	case 3:
		return audit.Critical
	case 2:
		return audit.High
	}
	return audit.Medium
}

// gcpPowerPhrase says what one power lets its holder do, with the binding.
func gcpPowerPhrase(p *audit.ControlPower) string {
	var what string
	switch p.Kind {
	case audit.ControlUpdateFunction:
		what = "update the function"
	case audit.ControlUpdateService:
		what = "update its Cloud Run service"
	case audit.ControlSetIAMPolicy:
		what = "set its IAM policy"
	case audit.ControlActAs:
		what = "act as its service account"
	case audit.ControlTokenCreator:
		what = "mint tokens for its service account"
	default:
		what = string(p.Kind)
	}
	var via []string
	for _, e := range p.Evidence {
		via = append(via, e.Policy+" in the "+e.Via)
	}
	s := fmt.Sprintf("%s (%s, through %s)", what, strings.Join(p.Actions, ", "), strings.Join(via, "; "))
	if len(p.Conditions) > 0 {
		s += " if " + strings.Join(p.Conditions, " && ")
	}
	return s
}

// gcpControlEvidence quotes each binding behind the hits of one principal.
func gcpControlEvidence(hits []gcpControlHit) []audit.Evidence {
	var out []audit.Evidence
	for _, h := range hits {
		for _, e := range h.Power.Evidence {
			frag := fmt.Sprintf("role=%s member=%s permissions=%s", e.Policy, h.Controller.Principal.ID, strings.Join(e.Actions, ","))
			if len(h.Power.Conditions) > 0 {
				frag += " condition=" + strings.Join(h.Power.Conditions, " && ")
			}
			ev := audit.Evidence{Source: e.Source, Path: "bindings[role=" + e.Policy + "].members", Fragment: frag}
			if !slices.Contains(out, ev) {
				out = append(out, ev)
			}
		}
	}
	return out
}

// gcpNameList names up to n principals and counts the rest.
func gcpNameList(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:n], ", "), len(ids)-n)
}
