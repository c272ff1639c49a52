package rules

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed azure_wildcard_permission.md
var azureWildcardPermissionDoc string

// AzureWildcardPermission reports Azure functions whose managed identity holds a
// role with wildcard actions ("Microsoft.Storage/*", data actions like
// ".../blobs/*") assigned at resource-group scope or broader, or every action
// ("*") on a single resource; Owner and Contributor below subscription scope are
// reported here rather than as admin-access.
var AzureWildcardPermission = audit.Rule{
	ID:       "FNA-AZ-005",
	Slug:     "azure-wildcard-permission",
	Category: audit.WildcardPermission,
	Severity: audit.Medium,
	Provider: audit.Azure,
	Title:    "Azure function's managed identity has wildcard permissions at broad scope",
	Doc:      azureWildcardPermissionDoc,
	Remediation: "Replace wildcard actions with the specific operations the function performs, and assign the " +
		"role on the individual resources it uses rather than a resource group or subscription.",
	References: []string{
		"https://learn.microsoft.com/azure/role-based-access-control/role-definitions#actions",
		"https://learn.microsoft.com/azure/role-based-access-control/best-practices#only-grant-the-access-users-need",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkAzureWildcardPermission,
}

func checkAzureWildcardPermission(pass *audit.Pass) {
	assignments, missing := azureAssignments(pass)
	reportMissingAzureIdentities(pass, missing)
	for _, a := range assignments {
		if a.Level == catalog.AzureScopeUnknown || azureReportedAsAdmin(a) {
			continue // unknown scope, or reported by FNA-AZ-003
		}
		wild := azureWildcards(a.Policy)
		if len(wild) == 0 {
			continue
		}
		sev := audit.Medium
		switch {
		case a.Level >= catalog.AzureScopeSubscription:
			sev = audit.High
		case a.Level == catalog.AzureScopeResource:
			// On one resource only every action ("*", Owner or Contributor
			// there) is reported, low: that resource is all it reaches.
			if !slices.Contains(wild, "*") {
				continue
			}
			wild = []string{"*"}
			sev = audit.Low
		}
		pass.Report(audit.Result{
			Key:      azureAssignmentKey(a, ""),
			Severity: sev,
			Detail: fmt.Sprintf("The %s holds %s at %s scope %s, whose permissions include %s: every matching operation on every resource in the scope.",
				azureIdentityLabel(a.Identity), a.Policy.Name, a.Level, a.Policy.Scope, strings.Join(wild, ", ")),
			Evidence: []audit.Evidence{azureAssignmentEvidence(a, "wildcards "+strings.Join(wild, ", "))},
		})
	}
}
