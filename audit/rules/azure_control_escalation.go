package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed azure_control_escalation.md
var azureControlEscalationDoc string

// AzureControlEscalation reports principals that hold less than a Function
// App's managed identity but can rewrite the app, its slots or settings, read
// its publishing credentials or assign roles on it.
var AzureControlEscalation = audit.Rule{
	ID:       "FNA-AZ-008",
	Slug:     "azure-control-escalation",
	Category: audit.PrivilegeEscalation,
	Severity: audit.High,
	Provider: audit.Azure,
	Title:    "Principals with less power than the app's managed identity can change the Function App",
	Doc:      azureControlEscalationDoc,
	Remediation: "Remove Contributor, Website Contributor and custom roles with Microsoft.Web/sites/write, " +
		"sites/config/write, sites/slots/write, publishxml or config/list from principals that should not hold the " +
		"app's identity's permissions, or narrow the identity's role assignments so that changing the app gains nothing.",
	References: []string{
		"https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/web-and-mobile#website-contributor",
		"https://learn.microsoft.com/azure/app-service/overview-managed-identity",
		"https://learn.microsoft.com/azure/role-based-access-control/role-assignments-list-rest",
	},
	Needs: []audit.DataKind{audit.DataControl, audit.DataIdentity},
	Check: checkAzureControlEscalation,
}

func checkAzureControlEscalation(pass *audit.Pass) {
	fn := pass.Function
	if fn.Azure == nil {
		return
	}
	rank, why := azureIdentityPower(pass)
	if rank == 0 {
		return // the app's identities can do nothing worth taking
	}
	var names, phrases []string
	var ev []audit.Evidence
	for _, hits := range azureControlByPrincipal(fn, azureControls(pass)) {
		var runs []azureControlHit
		for _, h := range hits {
			if azureRunsAs(h.Power.Kind) {
				runs = append(runs, h)
			}
		}
		if len(runs) == 0 || azurePrincipalRank(hits) >= rank {
			continue
		}
		p := hits[0].Controller.Principal
		label := fmt.Sprintf("%s %s", p.Kind, p.ID)
		if p.Name != "" {
			label += " (" + p.Name + ")"
		}
		names = append(names, p.ID)
		var what []string
		for _, h := range runs {
			what = append(what, azurePowerPhrase(h))
		}
		phrases = append(phrases, label+" can "+strings.Join(what, "; "))
		ev = append(ev, azureControlEvidence(runs)...)
	}
	if len(names) == 0 {
		return
	}
	shown, more := phrases, ""
	if len(shown) > 5 {
		more = fmt.Sprintf(" (and %d more principals)", len(shown)-5)
		shown = shown[:5]
	}
	sev := audit.Medium
	switch rank {
	case 3:
		sev = audit.Critical
	case 2:
		sev = audit.High
	}
	pass.Report(audit.Result{
		Key:      "control",
		Severity: sev,
		Title:    fmt.Sprintf("%d principal(s) with less power than the app's identity can change the Function App", len(names)),
		Detail: fmt.Sprintf("The app's identity holds %s. These principals hold less but can deploy code or settings "+
			"that run as that identity: %s%s.", why, strings.Join(shown, ". "), more),
		Evidence: ev,
	})
}
