package rules

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed gcp_privilege_escalation.md
var gcpPrivilegeEscalationDoc string

// GCPPrivilegeEscalation reports Cloud Functions whose service account holds a
// set of permissions that lets it act as other service accounts or rewrite IAM
// policy (the methods in catalog.GCPEscalations).
var GCPPrivilegeEscalation = audit.Rule{
	ID:       "FNA-GCP-004",
	Slug:     "gcp-privilege-escalation",
	Category: audit.PrivilegeEscalation,
	Severity: audit.High,
	Provider: audit.GCP,
	Title:    "Cloud Function's service account can escalate privileges",
	Doc:      gcpPrivilegeEscalationDoc,
	Remediation: "Remove the binding that grants the escalation permissions at project, folder or organization " +
		"level; where the function must act as one other account, grant roles/iam.serviceAccountUser or " +
		"roles/iam.serviceAccountTokenCreator on that one service account instead of on the project.",
	References: []string{
		"https://cloud.google.com/iam/docs/service-account-permissions",
		"https://cloud.google.com/iam/docs/best-practices-service-accounts",
		"https://cloud.google.com/iam/docs/service-accounts-actas",
	},
	// DataImpersonation: grants made on other service accounts (their own IAM
	// policies); a denied read of one leaves this verdict unknown only.
	Needs: []audit.DataKind{audit.DataIdentity, audit.DataImpersonation},
	Check: checkGCPPrivilegeEscalation,
}

// gcpEscalationHit is one escalation method an identity can use.
type gcpEscalationHit struct {
	method   catalog.GCPEscalation
	evidence []audit.Evidence
	// conditional is true when every binding supplying a required permission
	// carries a condition.
	conditional bool
	conditions  []string
}

// gcpEscalations finds the escalation methods an identity's bindings allow.
// Bindings that already make the identity an administrator (FNA-GCP-003) are
// left out: the admin finding says more than any one method would.
func gcpEscalations(ident *audit.Identity, now time.Time) []gcpEscalationHit {
	grantedBy := map[string][]*audit.Policy{}
	for i := range ident.Policies {
		p := &ident.Policies[i]
		if _, _, admin := gcpAdminPolicy(p); admin {
			continue
		}
		if !gcpGrantsNow(p.Condition, now) {
			continue // an expired time-bound binding grants nothing
		}
		sa := gcpScopeServiceAccount(p.Scope)
		if sa != "" && strings.EqualFold(sa, ident.ID) {
			// Token Creator, Service Account User or key creation on the
			// function's own service account lets it act as itself: nothing
			// it does not already have (https://cloud.google.com/iam/docs/service-account-permissions).
			continue
		}
		for _, g := range p.Grants {
			if g.Effect != audit.Allow {
				continue
			}
			for _, a := range g.Actions {
				if sa != "" && !gcpServiceAccountPermission(a) {
					// A role bound on one service account acts on that account
					// only: its other permissions (functions.update, ...) have
					// nothing to act on there.
					continue
				}
				grantedBy[a] = append(grantedBy[a], p)
			}
		}
	}
	var hits []gcpEscalationHit
	usedActAs := false
	for _, m := range catalog.GCPEscalations() {
		ok := true
		for _, perm := range m.Requires {
			if len(grantedBy[perm]) == 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		hits = append(hits, gcpHit(ident, m, grantedBy))
		for _, perm := range m.Requires {
			if perm == "iam.serviceAccounts.actAs" {
				usedActAs = true
			}
		}
	}
	if !usedActAs && len(grantedBy["iam.serviceAccounts.actAs"]) > 0 {
		hits = append(hits, gcpHit(ident, catalog.GCPEscalationActAsAlone(), grantedBy))
	}
	return hits
}

func gcpHit(ident *audit.Identity, m catalog.GCPEscalation, grantedBy map[string][]*audit.Policy) gcpEscalationHit {
	h := gcpEscalationHit{method: m, conditional: true}
	for _, perm := range m.Requires {
		// Prefer an unconditional binding as the evidence.
		p := grantedBy[perm][0]
		for _, q := range grantedBy[perm] {
			if q.Condition == "" {
				p = q
				break
			}
		}
		if p.Condition == "" {
			h.conditional = false
		} else {
			h.conditions = append(h.conditions, p.Condition)
		}
		ev := gcpBindingEvidence(ident, p)
		ev.Fragment += " grants " + perm
		h.evidence = append(h.evidence, ev)
	}
	return h
}

// gcpEscalationGroup is the methods enabled by the same set of bindings,
// reported as one finding so one role (e.g. Token Creator) gives one finding.
type gcpEscalationGroup struct {
	ids       []string
	severity  audit.Severity
	perms     []string
	summaries []string
	evidence  []audit.Evidence
	note      string
}

// gcpGroupEscalations merges hits whose evidence quotes the same bindings.
func gcpGroupEscalations(hits []gcpEscalationHit) []gcpEscalationGroup {
	var groups []gcpEscalationGroup
	index := map[string]int{}
	for _, h := range hits {
		var refs []string
		for _, ev := range h.evidence {
			refs = append(refs, ev.Path+"@"+ev.Source.Ref)
		}
		sort.Strings(refs)
		k := strings.Join(refs, "\x00")
		sev, err := audit.ParseSeverity(h.method.Severity)
		if err != nil {
			sev = audit.High
		}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, gcpEscalationGroup{severity: sev})
			if h.conditional {
				groups[i].note = fmt.Sprintf(" Every binding supplying these permissions is conditional (%s); "+
					"the escalation works whenever the condition holds.", strings.Join(h.conditions, "; "))
			}
		}
		g := &groups[i]
		g.ids = append(g.ids, h.method.ID)
		if sev.Rank() > g.severity.Rank() {
			g.severity = sev
		}
		g.summaries = append(g.summaries, h.method.Summary)
		for j, perm := range h.method.Requires {
			if !slices.Contains(g.perms, perm) {
				g.perms = append(g.perms, perm)
				g.evidence = append(g.evidence, h.evidence[j])
			}
		}
	}
	return groups
}

func checkGCPPrivilegeEscalation(pass *audit.Pass) {
	for _, ident := range pass.Identities() {
		groups := pass.Memo(ident.ID, func() any { return gcpGroupEscalations(gcpEscalations(ident, pass.Now)) }).([]gcpEscalationGroup)
		for _, g := range groups {
			pass.Report(audit.Result{
				Key:      ident.ID + "|" + strings.Join(g.ids, "+"),
				Severity: g.severity,
				Title:    fmt.Sprintf("Cloud Function's service account can escalate privileges (%s)", strings.Join(g.ids, ", ")),
				Detail: fmt.Sprintf("Service account %s holds %s, so code running in the function can %s.%s",
					ident.ID, strings.Join(g.perms, ", "), strings.Join(g.summaries, "; and "), g.note),
				Evidence: g.evidence,
			})
		}
	}
}
