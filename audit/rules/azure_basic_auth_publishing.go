package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed azure_basic_auth_publishing.md
var azureBasicAuthPublishingDoc string

// AzureBasicAuthPublishing reports Function Apps that accept basic-auth (user
// name and password) publishing on their SCM or FTP endpoint.
var AzureBasicAuthPublishing = audit.Rule{
	ID:       "FNA-AZ-009",
	Slug:     "azure-basic-auth-publishing",
	Category: audit.PrivilegeEscalation,
	Severity: audit.Medium,
	Provider: audit.Azure,
	Title:    "Function App accepts basic-auth publishing credentials",
	Doc:      azureBasicAuthPublishingDoc,
	Remediation: "Disable basic authentication for SCM and FTP: az resource update --resource-group RG --name scm " +
		"--namespace Microsoft.Web --resource-type basicPublishingCredentialsPolicies --parent sites/APP " +
		"--set properties.allow=false (and the same for ftp), and deploy with Microsoft Entra ID (az functionapp " +
		"deployment, GitHub Actions OIDC).",
	References: []string{
		"https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable",
		"https://learn.microsoft.com/rest/api/appservice/web-apps/get-scm-allowed",
	},
	Needs: []audit.DataKind{audit.DataControl},
	Check: checkAzureBasicAuthPublishing,
}

func checkAzureBasicAuthPublishing(pass *audit.Pass) {
	fn := pass.Function
	if fn.Azure == nil {
		return
	}
	bp := fn.Azure.BasicPublishing
	if bp == nil || (bp.SCM == nil && bp.FTP == nil) {
		pass.Report(audit.Result{
			Key:    "basic-publishing-unread",
			Status: audit.StatusUnknown,
			Title:  "not checked: " + pass.Rule.Title,
			Detail: "the app's basic-auth publishing policies (basicPublishingCredentialsPolicies) are not in the inventory",
		})
		return
	}
	var on []string
	var frags []string
	if bp.SCM != nil && *bp.SCM {
		on = append(on, "SCM (Kudu, zip deploy, Git)")
		frags = append(frags, "scm allow=true")
	}
	if bp.FTP != nil && *bp.FTP {
		on = append(on, "FTP")
		frags = append(frags, "ftp allow=true")
	}
	if len(on) == 0 {
		return
	}
	sev := audit.Medium
	if bp.SCM != nil && *bp.SCM {
		// SCM publishing replaces the code with one HTTPS request.
		if rank, _ := azureIdentityPower(pass); rank >= 3 {
			sev = audit.High
		}
	}
	pass.Report(audit.Result{
		Key:      "basic-publishing",
		Severity: sev,
		Detail: fmt.Sprintf("The app accepts its publishing user name and password on %s. Anyone who obtains them "+
			"(a downloaded publish profile, a CI secret, anyone with Microsoft.Web/sites/publishxml/action) can "+
			"deploy code that runs as the app's identity, without Microsoft Entra ID sign-in, conditional access or "+
			"an Azure activity log entry naming them.", strings.Join(on, " and ")),
		Evidence: []audit.Evidence{{Source: bp.Source, Path: "basicPublishingCredentialsPolicies", Fragment: strings.Join(frags, "; ")}},
	})
}
