package rules

import (
	_ "embed"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed azure_public_invoke.md
var azurePublicInvokeDoc string

// AzurePublicInvoke reports Azure functions that anyone on the internet can call
// without credentials: an anonymous HTTP trigger on an app that is reachable,
// unrestricted by access restrictions and not guarded by App Service Authentication.
var AzurePublicInvoke = audit.Rule{
	ID:       "FNA-AZ-001",
	Slug:     "azure-public-invoke",
	Category: audit.PublicInvoke,
	Severity: audit.Critical,
	Provider: audit.Azure,
	Title:    "Azure function callable anonymously from the internet",
	Doc:      azurePublicInvokeDoc,
	Remediation: "Set the HTTP trigger's authLevel to function (or put the app behind API Management), " +
		"or require login with App Service Authentication, or limit callers with access restrictions " +
		"or a private endpoint with public network access disabled.",
	References: []string{
		"https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#http-auth",
		"https://learn.microsoft.com/azure/app-service/overview-authentication-authorization",
		"https://learn.microsoft.com/azure/app-service/overview-access-restrictions",
		"https://learn.microsoft.com/azure/app-service/overview-private-endpoint",
	},
	Needs: []audit.DataKind{audit.DataFunctions, audit.DataAccess, audit.DataTriggers, audit.DataConfig},
	Check: checkAzurePublicInvoke,
}

func checkAzurePublicInvoke(pass *audit.Pass) {
	v := judgeAzureExposure(pass.Function)
	switch {
	case v.Unknown != "":
		if pass.Function.Azure != nil && strings.EqualFold(pass.Function.Azure.AuthLevel, "anonymous") {
			pass.Report(audit.Result{
				Status: audit.StatusUnknown,
				Title:  "not checked: " + pass.Rule.Title,
				Detail: "the HTTP trigger is anonymous but " + v.Unknown,
			})
		}
	case v.Public:
		pass.Report(audit.Result{
			Detail: "The HTTP trigger is anonymous, the app is reachable from the internet, access restrictions " +
				"let every address in and App Service Authentication does not require a login, so anyone who " +
				"knows the URL can invoke " + pass.Function.Name + ".",
			Evidence: v.Evidence,
		})
	}
}
