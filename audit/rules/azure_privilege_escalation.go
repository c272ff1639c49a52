package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed azure_privilege_escalation.md
var azurePrivilegeEscalationDoc string

// AzurePrivilegeEscalation reports Azure functions whose managed identity can
// raise its own or another principal's privileges: write role assignments or
// role definitions, attach identities to compute it deploys, add federated
// credentials, change other apps, run commands on VMs, or read Key Vault secrets
// at broad scope. The paths are data in audit/catalog (AzureEscalations).
var AzurePrivilegeEscalation = audit.Rule{
	ID:       "FNA-AZ-004",
	Slug:     "azure-privilege-escalation",
	Category: audit.PrivilegeEscalation,
	Severity: audit.High,
	Provider: audit.Azure,
	Title:    "Azure function's managed identity can escalate privileges",
	Doc:      azurePrivilegeEscalationDoc,
	Remediation: "Remove the permissions listed in the evidence from the identity's roles, or narrow the " +
		"assignment's scope to the single resource the function needs.",
	References: []string{
		"https://learn.microsoft.com/azure/role-based-access-control/permissions/",
		"https://learn.microsoft.com/azure/role-based-access-control/delegate-role-assignments-overview",
		"https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkAzurePrivilegeEscalation,
}

func checkAzurePrivilegeEscalation(pass *audit.Pass) {
	assignments, missing := azureAssignments(pass)
	reportMissingAzureIdentities(pass, missing)
	// Administrative assignments over a subscription or broader are reported
	// once, by FNA-AZ-003; at resource-group or resource scope they are judged
	// here by what they allow.
	var rest []azureAssignment
	for _, a := range assignments {
		if !azureReportedAsAdmin(a) {
			rest = append(rest, a)
		}
	}
	app := ""
	if pass.Function.Azure != nil {
		app = pass.Function.Azure.App
	}
	for _, esc := range catalog.AzureEscalations() {
		ev, broadest, ok := azureEscalationPath(esc, rest, app)
		if !ok {
			continue
		}
		sev := audit.High
		if broadest == catalog.AzureScopeResource {
			sev = audit.Medium
		}
		pass.Report(audit.Result{
			Key:      esc.ID,
			Severity: sev,
			Title:    "Azure function's managed identity " + esc.Title,
			Detail:   fmt.Sprintf("The function's managed identity %s: %s.", esc.Title, esc.Why),
			Evidence: ev,
		})
	}
}

// azureEscalationPath reports whether the assignments satisfy every action group
// of esc at its minimum scope, with one evidence entry per group and the
// broadest scope involved.
func azureEscalationPath(esc catalog.AzureEscalation, assignments []azureAssignment, app string) ([]audit.Evidence, catalog.AzureScopeLevel, bool) {
	var ev []audit.Evidence
	broadest := catalog.AzureScopeUnknown
	for _, g := range esc.AllOf {
		found := false
		for _, a := range assignments {
			if a.Level == catalog.AzureScopeUnknown || a.Level < esc.MinScope {
				continue
			}
			if esc.BeyondOwnApp && a.Level == catalog.AzureScopeResource && app != "" && catalog.AzureScopeCovers(app, a.Policy.Scope) {
				continue // only its own app (or something under it)
			}
			pat, action, ok := azurePolicyPermits(a.Policy, g)
			if !ok {
				continue
			}
			ev = append(ev, azureAssignmentEvidence(a, fmt.Sprintf("%q permits %s", pat, action)))
			if a.Level > broadest {
				broadest = a.Level
			}
			found = true
			break
		}
		if !found {
			return nil, 0, false
		}
	}
	return ev, broadest, true
}

// azurePolicyPermits finds an action of g that a grant of p permits at p's scope,
// honouring notActions / notDataActions; on a single resource only that
// resource type's actions count.
func azurePolicyPermits(p *audit.Policy, g catalog.AzureActionGroup) (pattern, action string, ok bool) {
	for _, gr := range p.Grants {
		if gr.Effect == audit.Deny {
			continue
		}
		for _, act := range g.Actions {
			if !catalog.AzureActionAppliesAt(act, p.Scope) {
				continue // e.g. Microsoft.Web/sites/write granted on one key vault
			}
			allow, deny := gr.Actions, gr.NotActions
			if g.Data {
				allow, deny = gr.DataActions, gr.NotDataActions
			}
			if pat, ok := catalog.AzurePermits(allow, deny, act); ok {
				return pat, act, true
			}
		}
	}
	return "", "", false
}

// azureWildcards returns the action and data-action patterns of p that contain
// "*" and can match more than reads.
func azureWildcards(p *audit.Policy) []string {
	var out []string
	seen := map[string]bool{}
	for _, gr := range p.Grants {
		if gr.Effect == audit.Deny {
			continue
		}
		for _, set := range [][]string{gr.Actions, gr.DataActions} {
			for _, a := range set {
				if strings.Contains(a, "*") && !catalog.AzureReadOnlyPattern(a) && !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
	}
	return out
}
