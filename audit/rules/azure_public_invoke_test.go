package rules

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

func TestAzurePublicInvoke(t *testing.T) {
	failing, passing := runFixtures(t, AzurePublicInvoke)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}

func TestAzurePathExcluded(t *testing.T) {
	for _, tc := range []struct {
		excluded, path string
		want           bool
	}{
		{"/api/stripe-webhook", "/api/stripe-webhook", true},
		{"/API/Stripe-Webhook/", "/api/stripe-webhook", true},
		{"/api/*", "/api/orders", true},
		{"/api", "/api/orders", true},
		{"/api/orders", "/api/orders/{id}", true},
		{"/api/orders/42", "/api/orders/{id}", true},
		{"/api/order", "/api/orders", false},
		{"/health", "/api/orders", false},
		{"", "/api/orders", false},
	} {
		if got := azurePathExcluded(tc.excluded, tc.path); got != tc.want {
			t.Errorf("azurePathExcluded(%q, %q) = %v, want %v", tc.excluded, tc.path, got, tc.want)
		}
	}
}

func TestAzureRestrictionsLimit(t *testing.T) {
	allow := func(ip string) audit.IPRestriction { return audit.IPRestriction{Action: "Allow", IPAddress: ip} }
	for _, tc := range []struct {
		name string
		az   audit.AzureFunction
		want bool
	}{
		{"none", audit.AzureFunction{}, false},
		{"default deny, no rules", audit.AzureFunction{IPRestrictionsDefaultAction: "Deny"}, true},
		{"implicit deny with allow rule", audit.AzureFunction{IPRestrictions: []audit.IPRestriction{allow("10.0.0.0/8")}}, true},
		{"explicit allow default with allow rule", audit.AzureFunction{IPRestrictionsDefaultAction: "Allow", IPRestrictions: []audit.IPRestriction{allow("10.0.0.0/8")}}, false},
		{"allow any", audit.AzureFunction{IPRestrictionsDefaultAction: "Deny", IPRestrictions: []audit.IPRestriction{allow("Any")}}, false},
		{"allow 0.0.0.0/0", audit.AzureFunction{IPRestrictions: []audit.IPRestriction{allow("0.0.0.0/0")}}, false},
		{"service tag", audit.AzureFunction{IPRestrictions: []audit.IPRestriction{{Action: "Allow", IPAddress: "AzureFrontDoor.Backend", Tag: "ServiceTag"}}}, true},
		{"deny rules only", audit.AzureFunction{IPRestrictions: []audit.IPRestriction{{Action: "Deny", IPAddress: "198.51.100.0/24"}}}, false},
	} {
		if got, why := azureRestrictionsLimit(&tc.az); got != tc.want {
			t.Errorf("%s: limited = %v (%s), want %v", tc.name, got, why, tc.want)
		}
	}
}

func TestAzureAuthGuards(t *testing.T) {
	for _, tc := range []struct {
		name string
		auth audit.AzureAuth
		path string
		want bool
	}{
		{"disabled", audit.AzureAuth{}, "/api/x", false},
		{"enabled, not required", audit.AzureAuth{Enabled: true, UnauthenticatedAction: "Return401"}, "/api/x", false},
		{"required, redirect", audit.AzureAuth{Enabled: true, RequireAuthentication: true, UnauthenticatedAction: "RedirectToLoginPage"}, "/api/x", true},
		{"required, no action", audit.AzureAuth{Enabled: true, RequireAuthentication: true}, "/api/x", true},
		{"required but AllowAnonymous", audit.AzureAuth{Enabled: true, RequireAuthentication: true, UnauthenticatedAction: "AllowAnonymous"}, "/api/x", false},
		{"required, path excluded", audit.AzureAuth{Enabled: true, RequireAuthentication: true, UnauthenticatedAction: "Return403", ExcludedPaths: []string{"/api/x"}}, "/api/x", false},
		{"required, other path excluded", audit.AzureAuth{Enabled: true, RequireAuthentication: true, ExcludedPaths: []string{"/api/health"}}, "/api/x", true},
	} {
		if got, why := azureAuthGuards(&tc.auth, tc.path); got != tc.want {
			t.Errorf("%s: guarded = %v (%s), want %v", tc.name, got, why, tc.want)
		}
	}
}

func TestAzureMultiTenantIssuer(t *testing.T) {
	for issuer, want := range map[string]bool{
		"https://login.microsoftonline.com/common/v2.0":                               true,
		"https://login.microsoftonline.com/organizations/v2.0":                        true,
		"https://login.microsoftonline.com/consumers":                                 true,
		"https://login.microsoftonline.com/5d3c2b1a-0f9e-4d8c-b7a6-958473625140/v2.0": false,
		"https://sts.windows.net/5d3c2b1a-0f9e-4d8c-b7a6-958473625140/":               false,
		"": false,
	} {
		if got := azureMultiTenantIssuer(issuer); got != want {
			t.Errorf("azureMultiTenantIssuer(%q) = %v, want %v", issuer, got, want)
		}
	}
}
