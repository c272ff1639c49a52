package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed azure_external_control.md
var azureExternalControlDoc string

// AzureExternalControl reports principals of another tenant that can change a
// Function App.
var AzureExternalControl = audit.Rule{
	ID:       "FNA-AZ-010",
	Slug:     "azure-external-control",
	Category: audit.CrossAccountInvoke,
	Severity: audit.High,
	Provider: audit.Azure,
	Title:    "Principals of another tenant can change the Function App",
	Doc:      azureExternalControlDoc,
	Remediation: "Remove the role assignment of the foreign principal on the app, its resource group or " +
		"subscription; if a partner must deploy, invite its users as guests governed by your tenant's " +
		"conditional access, or give it a deployment pipeline you own.",
	References: []string{
		"https://learn.microsoft.com/rest/api/authorization/role-assignments/list-for-scope",
		"https://learn.microsoft.com/entra/external-id/what-is-b2b",
	},
	Needs: []audit.DataKind{audit.DataControl},
	Check: checkAzureExternalControl,
}

func checkAzureExternalControl(pass *audit.Pass) {
	fn := pass.Function
	if fn.Azure == nil {
		return
	}
	tenant := ""
	if a := pass.Account(fn.Account); a != nil {
		tenant = a.OrgID
	}
	for _, hits := range azureControlByPrincipal(fn, azureControls(pass)) {
		p := hits[0].Controller.Principal
		foreign := strings.Contains(p.Name, "another tenant") ||
			(p.Account != "" && tenant != "" && !strings.EqualFold(p.Account, tenant))
		if !foreign || pass.Trusted(p.Account) {
			continue
		}
		var what []string
		for _, h := range hits {
			what = append(what, azurePowerPhrase(h))
		}
		who := "a principal of another tenant"
		if p.Account != "" {
			who = "a principal of tenant " + p.Account
		}
		pass.Report(audit.Result{
			Key:      p.ID,
			Title:    fmt.Sprintf("%s (%s) can change the Function App", p.ID, who),
			Detail:   fmt.Sprintf("%s %s is %s; it can %s.", p.Kind, p.ID, who, strings.Join(what, "; ")),
			Evidence: azureControlEvidence(hits),
		})
	}
}
