package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed azure_cross_tenant_invoke.md
var azureCrossTenantInvokeDoc string

// AzureCrossTenantInvoke reports anonymous HTTP functions that App Service
// Authentication guards, but with a login that admits accounts from any tenant:
// a multi-tenant Microsoft Entra issuer (common / organizations / consumers) or a
// social provider, without allowed applications, identities, groups or tenants.
var AzureCrossTenantInvoke = audit.Rule{
	ID:       "FNA-AZ-002",
	Slug:     "azure-cross-tenant-invoke",
	Category: audit.CrossAccountInvoke,
	Severity: audit.Critical,
	Provider: audit.Azure,
	Title:    "Azure function callable by accounts of any tenant",
	Doc:      azureCrossTenantInvokeDoc,
	Remediation: "Use a single-tenant Entra issuer (https://login.microsoftonline.com/<tenant>/v2.0), or restrict " +
		"callers with allowed applications, identities or groups in the Entra provider's authorization policy.",
	References: []string{
		"https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad#use-a-built-in-authorization-policy",
		"https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant",
	},
	Needs: []audit.DataKind{audit.DataFunctions, audit.DataAccess, audit.DataTriggers, audit.DataConfig},
	Check: checkAzureCrossTenantInvoke,
}

// azureSocialProviders admit any account of a consumer identity provider.
var azureSocialProviders = map[string]bool{"apple": true, "facebook": true, "gitHub": true, "google": true,
	"twitter": true, "legacyMicrosoftAccount": true}

func checkAzureCrossTenantInvoke(pass *audit.Pass) {
	fn := pass.Function
	az := fn.Azure
	if az == nil || !strings.EqualFold(az.AuthLevel, "anonymous") || az.Disabled || az.Auth == nil {
		return
	}
	// Only functions that login alone protects: reachable, unrestricted, and
	// guarded by App Service Authentication (otherwise FNA-AZ-001 applies).
	if strings.EqualFold(az.PublicNetworkAccess, "Disabled") || (az.PublicNetworkAccess == "" && az.PrivateEndpoints > 0) {
		return
	}
	if limited, _ := azureRestrictionsLimit(az); limited {
		return
	}
	if guarded, _ := azureAuthGuards(az.Auth, azureRoutePath(fn)); !guarded {
		return
	}
	a := az.Auth
	restricted := len(a.AllowedApplications)+len(a.AllowedIdentities)+len(a.AllowedGroups)+len(a.AllowedTenants) > 0
	var open []string
	for _, p := range a.IdentityProviders {
		switch {
		case p == "azureActiveDirectory":
			if azureMultiTenantIssuer(a.EntraIssuer) && !restricted {
				open = append(open, fmt.Sprintf("Microsoft Entra with multi-tenant issuer %s", a.EntraIssuer))
			}
		case azureSocialProviders[p]:
			open = append(open, p+" (any account of that provider)")
		}
		// Custom OpenID Connect providers are not judged: their audience is unknown.
	}
	if len(open) == 0 {
		return
	}
	pass.Report(audit.Result{
		Detail: fmt.Sprintf("The HTTP trigger is anonymous and App Service Authentication is the only guard, but it admits %s, "+
			"so accounts outside your tenant can sign in and invoke %s.", strings.Join(open, "; "), fn.Name),
		Evidence: []audit.Evidence{
			{Source: azureTriggerSource(fn), Path: "properties.config.bindings[type=httpTrigger].authLevel", Fragment: "authLevel=anonymous"},
			{Source: a.Source, Path: "properties.identityProviders", Fragment: strings.Join(open, "; ") + "; no allowed applications, identities, groups or tenants"},
		},
	})
}

// azureMultiTenantIssuer reports whether an Entra issuer URL accepts tokens from
// any tenant.
func azureMultiTenantIssuer(issuer string) bool {
	i := strings.ToLower(issuer)
	for _, t := range []string{"/common", "/organizations", "/consumers"} {
		if strings.Contains(i, t+"/") || strings.HasSuffix(i, t) {
			return true
		}
	}
	return false
}
