package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed azure_admin_access.md
var azureAdminAccessDoc string

// AzureAdminAccess reports Azure functions whose managed identity holds an
// administrative role (Owner, Contributor, User Access Administrator, Role Based
// Access Control Administrator, or a custom role granting every action or the
// right to write role assignments) over a whole subscription, management group
// or the root.
var AzureAdminAccess = audit.Rule{
	ID:       "FNA-AZ-003",
	Slug:     "azure-admin-access",
	Category: audit.AdminAccess,
	Severity: audit.High,
	Provider: audit.Azure,
	Title:    "Azure function's managed identity has administrative access",
	Doc:      azureAdminAccessDoc,
	Remediation: "Replace the administrative role assignment with narrowly scoped data-plane roles " +
		"(for example Storage Blob Data Reader on one storage account) at the smallest scope that works.",
	References: []string{
		"https://learn.microsoft.com/azure/role-based-access-control/built-in-roles",
		"https://learn.microsoft.com/azure/role-based-access-control/best-practices",
		"https://learn.microsoft.com/azure/role-based-access-control/role-assignments-steps#step-4-identify-the-needed-scope",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkAzureAdminAccess,
}

func checkAzureAdminAccess(pass *audit.Pass) {
	assignments, missing := azureAssignments(pass)
	reportMissingAzureIdentities(pass, missing)
	for _, a := range assignments {
		if !azureAdminScope(a.Level) {
			// Owner, Contributor or role-assignment rights on a resource group or
			// one resource do not control the subscription: FNA-AZ-004 and
			// FNA-AZ-005 report what they allow there.
			continue
		}
		why, ok := azureAdminReason(a.Policy)
		if !ok {
			continue
		}
		sev := azureAdminSeverity(a.Level)
		detail := fmt.Sprintf("The %s holds %s at %s scope %s: %s.", azureIdentityLabel(a.Identity),
			a.Policy.Name, a.Level, a.Policy.Scope, why)
		if a.Policy.Condition != "" && sev.Rank() > audit.Medium.Rank() {
			// An ABAC condition (for example constraining which roles may be
			// assigned) narrows the power; it is quoted, and the severity lowered one step.
			sev = azureLowerSeverity(sev)
			detail += " A condition narrows the assignment: " + a.Policy.Condition + "."
		}
		pass.Report(audit.Result{
			Key:      azureAssignmentKey(a, ""),
			Severity: sev,
			Detail:   detail,
			Evidence: []audit.Evidence{azureAssignmentEvidence(a, why)},
		})
	}
}

// azureAdminReason says why a role assignment is administrative: a built-in admin
// role (by definition id, or name when no id is known), or a custom role whose
// permissions include "*" or writing role assignments.
func azureAdminReason(p *audit.Policy) (string, bool) {
	if why, ok := catalog.AzureAdminRole(p.ID, p.Name); ok {
		return why, true
	}
	for _, g := range p.Grants {
		if g.Effect == audit.Deny {
			continue
		}
		for _, a := range g.Actions {
			if a == "*" {
				return "custom role granting every action (\"*\")", true
			}
		}
		if pat, ok := catalog.AzurePermits(g.Actions, g.NotActions, "Microsoft.Authorization/roleAssignments/write"); ok {
			return fmt.Sprintf("custom role that can write role assignments (%q), so it can grant itself Owner", pat), true
		}
	}
	return "", false
}

// azureAdminSeverity grades administrative power by the breadth of its scope:
// high over a subscription, management group or the root, and when the
// scope could not be classified.
func azureAdminSeverity(l catalog.AzureScopeLevel) audit.Severity {
	switch l {
	case catalog.AzureScopeRoot, catalog.AzureScopeManagementGroup, catalog.AzureScopeSubscription:
		return audit.High
	}
	return audit.High
}

// azureLowerSeverity returns the next lower severity (info stays info).
func azureLowerSeverity(s audit.Severity) audit.Severity {
	switch s {
	case audit.Critical:
		return audit.High
	case audit.High:
		return audit.Medium
	case audit.Medium:
		return audit.Low
	}
	return audit.Info
}
