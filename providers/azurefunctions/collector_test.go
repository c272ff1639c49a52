package azurefunctions

import (
	"context"
	"strings"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
)

const (
	subProd   = "3f2a8c1e-6d4b-4e7a-9b2c-1a5d7e9f0b12"
	subDenied = "9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"

	pidPayments = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f" // system-assigned, Owner on the subscription
	pidOrders   = "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e" // user-assigned, custom role
	pidLedger   = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" // system-assigned, data roles only

	customRoleGUID = "6a1f3c2e-9b8d-4e7f-a6c5-3d2e1f0a9b8c"
)

// estate is the scenario of issue 7: paging, an anonymous trigger behind
// EasyAuth, one without, one behind a private endpoint only, a function-key
// trigger, Owner at subscription scope, a user-assigned identity with a custom
// role, and AuthorizationFailed on one subscription.
func estate() *fakeCloud {
	uaiID := "/subscriptions/" + subProd + "/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders-shared"
	defs := builtinDefs()
	defs[customRoleGUID] = roleDefinition(customRoleGUID, "Orders Platform Operator", "CustomRole",
		[]string{"Microsoft.Web/sites/*", "Microsoft.Storage/*", "Microsoft.Resources/subscriptions/resourceGroups/read"}, nil, nil, nil)
	return &fakeCloud{
		subs:     []string{subProd, subDenied},
		denied:   map[string]bool{subDenied: true},
		pageSize: 2,
		roleDefs: defs,
		apps: []*fakeApp{
			{
				sub: subProd, rg: "rg-payments-prod", name: "func-payments-prod", location: "West Europe", kind: "functionapp,linux",
				pna: to.Ptr("Enabled"), linuxFx: "Node|20", systemPrincipal: pidPayments,
				auth: &armappservice.SiteAuthSettingsV2Properties{Platform: &armappservice.AuthPlatform{Enabled: to.Ptr(false)}},
				settings: map[string]string{
					"FUNCTIONS_EXTENSION_VERSION":          "~4",
					"FUNCTIONS_WORKER_RUNTIME":             "node",
					"STRIPE_API_KEY":                       "sk_live_51HxQ2aLkdIEXAMPLE0nq8ZfT3xY7vB2mW9rK4pL6sD1",
					"PAYMENTS_DB_PASSWORD":                 "@Microsoft.KeyVault(SecretUri=https://kv-payments-prod.vault.azure.net/secrets/db-password/)",
					"AzureWebJobs.LegacyCallback.Disabled": "true",
				},
				functions: []fakeFn{
					{name: "StripeWebhook", bindings: httpTrigger("anonymous")},
					{name: "RefundPayment", bindings: httpTrigger("function")},
					{name: "CapturePayment", bindings: httpTrigger("")},
					{name: "LegacyCallback", bindings: httpTrigger("anonymous")},
					{name: "SettlementQueue", bindings: eventTrigger("queueTrigger", map[string]any{"queueName": "settlements", "connection": "AzureWebJobsStorage"})},
				},
			},
			{
				sub: subProd, rg: "rg-portal-prod", name: "func-portal-prod", location: "West Europe", kind: "functionapp",
				netFx: "v8.0", userAssigned: map[string]string{uaiID: pidOrders},
				auth: &armappservice.SiteAuthSettingsV2Properties{
					Platform: &armappservice.AuthPlatform{Enabled: to.Ptr(true)},
					GlobalValidation: &armappservice.GlobalValidation{RequireAuthentication: to.Ptr(true),
						UnauthenticatedClientAction: to.Ptr(armappservice.UnauthenticatedClientActionV2Return401)},
					IdentityProviders: &armappservice.IdentityProviders{AzureActiveDirectory: &armappservice.AzureActiveDirectory{
						Enabled: to.Ptr(true), Registration: &armappservice.AzureActiveDirectoryRegistration{
							OpenIDIssuer: to.Ptr("https://sts.windows.net/5d3c2b1a-0f9e-4d8c-b7a6-958473625140/v2.0"), ClientID: to.Ptr("portal-client")}}},
				},
				settings:  map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~4", "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated"},
				functions: []fakeFn{{name: "GetDashboard", bindings: httpTrigger("anonymous")}},
			},
			{
				sub: subProd, rg: "rg-ledger-prod", name: "func-ledger-internal", location: "North Europe", kind: "functionapp,linux",
				linuxFx: "Python|3.11", privateEndpoints: []string{"Approved", "Rejected"}, systemPrincipal: pidLedger,
				auth:      nil, // never configured: the API answers 404
				settings:  map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~4", "FUNCTIONS_WORKER_RUNTIME": "python"},
				functions: []fakeFn{{name: "PostJournal", bindings: httpTrigger("anonymous")}},
			},
			{
				sub: subProd, rg: "rg-reports", name: "func-reports-legacy", location: "West Europe", kind: "functionapp",
				netFx: "v4.0", pna: to.Ptr("Enabled"), userAssigned: map[string]string{uaiID: pidOrders},
				restrictions:   []*armappservice.IPSecurityRestriction{{Name: to.Ptr("office"), Action: to.Ptr("Allow"), IPAddress: to.Ptr("203.0.113.0/24"), Priority: to.Ptr[int32](100)}},
				auth:           &armappservice.SiteAuthSettingsV2Properties{},
				settings:       map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~3", "FUNCTIONS_WORKER_RUNTIME": "dotnet"},
				settingsStatus: 403,
				functions: []fakeFn{
					{name: "NightlyExport", bindings: eventTrigger("timerTrigger", map[string]any{"schedule": "0 0 2 * * *"})},
					{name: "ExportNow", bindings: httpTrigger("anonymous")},
				},
			},
		},
		assignments: []fakeAssignment{
			{name: "a1", principal: pidPayments, roleGUID: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", scope: "/subscriptions/" + subProd},
			{name: "a2", principal: pidOrders, roleGUID: customRoleGUID, scope: "/subscriptions/" + subProd},
			{name: "a3", principal: pidLedger, roleGUID: "4633458b-17de-408a-b874-0445c86b69e6",
				scope: "/subscriptions/" + subProd + "/resourceGroups/rg-ledger-prod/providers/Microsoft.KeyVault/vaults/kv-ledger"},
			{name: "a4", principal: pidOrders, roleGUID: "acdd72a7-3385-48ef-bd42-f606fba81ae7", scope: "/providers/Microsoft.Management/managementGroups/mg-acme"},
		},
	}
}

func collect(t *testing.T, fc *fakeCloud, subs ...string) *audit.Inventory {
	t.Helper()
	c, err := New(Options{
		Subscriptions: subs,
		Credential:    &azfake.TokenCredential{},
		ClientOptions: fc.clientOptions(),
		Now:           func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inv, err := c.Collect(ctx)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if err := inv.Validate(); err != nil {
		t.Fatalf("inventory does not validate: %v", err)
	}
	return inv
}

func fnByName(inv *audit.Inventory, name string) *audit.Function {
	for i := range inv.Functions {
		if inv.Functions[i].Name == name {
			return &inv.Functions[i]
		}
	}
	return nil
}

func TestCollectInventory(t *testing.T) {
	t.Parallel()
	inv := collect(t, estate())

	var names []string
	for _, f := range inv.Functions {
		names = append(names, f.Name)
	}
	want := "CapturePayment ExportNow GetDashboard LegacyCallback NightlyExport PostJournal RefundPayment SettlementQueue StripeWebhook"
	if got := strings.Join(sortedCopy(names), " "); got != want {
		t.Errorf("functions = %s\nwant        %s", got, want)
	}

	hook := fnByName(inv, "StripeWebhook")
	if hook == nil || hook.Azure == nil {
		t.Fatal("StripeWebhook missing")
	}
	if hook.Azure.AuthLevel != "anonymous" || hook.Region != "westeurope" || hook.Runtime != "node|20" ||
		hook.Azure.ExtensionVersion != "~4" || hook.Azure.PublicNetworkAccess != "Enabled" || hook.Azure.Auth == nil || hook.Azure.Auth.Enabled {
		t.Errorf("StripeWebhook facts: %+v", hook.Azure)
	}
	if len(hook.Access) != 1 || hook.Access[0].Principal.Kind != audit.PrincipalPublic {
		t.Errorf("StripeWebhook access = %+v", hook.Access)
	}
	var secret, ref bool
	for _, e := range hook.Environment {
		if e.Name == "STRIPE_API_KEY" && e.Verdict == audit.ValueSecret {
			secret = true
			if strings.Contains(e.Hint, "51HxQ") {
				t.Errorf("hint leaks the value: %q", e.Hint)
			}
		}
		if e.Name == "PAYMENTS_DB_PASSWORD" && e.Verdict == audit.ValueReference {
			ref = true
		}
	}
	if !secret || !ref {
		t.Errorf("environment verdicts: %+v", hook.Environment)
	}

	if f := fnByName(inv, "RefundPayment"); f == nil || f.Azure.AuthLevel != "function" || f.Access[0].Principal.Kind != audit.PrincipalKeyHolder || f.Access[0].Auth != audit.AuthKey {
		t.Errorf("RefundPayment: %+v", f)
	}
	if f := fnByName(inv, "CapturePayment"); f == nil || f.Azure.AuthLevel != "function" {
		t.Errorf("CapturePayment: authLevel defaults to function, got %+v", f.Azure)
	}
	if f := fnByName(inv, "LegacyCallback"); f == nil || !f.Azure.Disabled {
		t.Errorf("LegacyCallback must be disabled by its AzureWebJobs setting")
	}
	if f := fnByName(inv, "SettlementQueue"); f == nil || len(f.Triggers) != 1 || f.Triggers[0].Kind != audit.TriggerQueue || f.Triggers[0].SourceID != "settlements" {
		t.Errorf("SettlementQueue triggers: %+v", f.Triggers)
	}
	if f := fnByName(inv, "PostJournal"); f == nil || f.Azure.PrivateEndpoints != 1 || f.Azure.PublicNetworkAccess != "" || f.Azure.Auth == nil {
		t.Errorf("PostJournal: want 1 approved private endpoint, null PNA, auth read as absent: %+v", f.Azure)
	}
	if f := fnByName(inv, "GetDashboard"); f == nil || !f.Azure.Auth.Enabled || !f.Azure.Auth.RequireAuthentication ||
		f.Runtime != "dotnet-isolated|8.0" || len(f.Identities) != 1 || f.Identities[0] != pidOrders {
		t.Errorf("GetDashboard: %+v %+v", f, f.Azure.Auth)
	}
	if f := fnByName(inv, "NightlyExport"); f == nil || f.Azure.ExtensionVersion != "" || len(f.Azure.IPRestrictions) != 1 {
		t.Errorf("NightlyExport: settings were denied, so no extension version; restrictions read: %+v", f.Azure)
	}

	// Identities: the system-assigned Owner, the shared user-assigned identity with
	// its custom role and a management-group Reader, the ledger's data role.
	if len(inv.Identities) != 3 {
		t.Fatalf("identities = %d, want 3: %+v", len(inv.Identities), inv.Identities)
	}
	for _, id := range inv.Identities {
		switch id.ID {
		case pidPayments:
			if id.Kind != "azure-system-assigned" || len(id.Policies) != 1 || id.Policies[0].Name != "Owner" ||
				id.Policies[0].Scope != "/subscriptions/"+subProd || len(id.Policies[0].Grants) != 1 || id.Policies[0].Grants[0].Actions[0] != "*" {
				t.Errorf("payments identity: %+v", id)
			}
		case pidOrders:
			if id.Kind != "azure-user-assigned" || id.Name != "id-orders-shared" || len(id.Policies) != 2 {
				t.Errorf("orders identity: %+v", id)
			}
		case pidLedger:
			if len(id.Policies) != 1 || id.Policies[0].Grants[0].DataActions == nil {
				t.Errorf("ledger identity: %+v", id)
			}
		default:
			t.Errorf("unexpected identity %s", id.ID)
		}
	}

	// Gaps: the denied subscription, and the reports app's settings.
	var deniedSub, deniedSettings bool
	for _, g := range inv.Gaps {
		switch {
		case g.Account == subDenied && g.API == apiSites && g.Reason == audit.GapAccessDenied && g.Data == audit.DataFunctions:
			deniedSub = true
		case g.Account == subProd && strings.HasSuffix(g.Resource, "/func-reports-legacy") && g.API == apiAppSettings &&
			g.Reason == audit.GapAccessDenied && g.Data == audit.DataEnvironment:
			deniedSettings = true
		default:
			t.Errorf("unexpected gap %+v", g)
		}
	}
	if !deniedSub || !deniedSettings {
		t.Errorf("gaps = %+v", inv.Gaps)
	}
	if len(inv.Accounts) != 1 || inv.Accounts[0].ID != subProd || inv.Accounts[0].OrgID == "" ||
		strings.Join(inv.Accounts[0].Regions, ",") != "northeurope,westeurope" {
		t.Errorf("accounts = %+v", inv.Accounts)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestScanFindings runs the collector, every rule and the analyzer over the fake
// estate and checks the planted findings and their evidence.
func TestScanFindings(t *testing.T) {
	t.Parallel()
	inv := collect(t, estate(), subProd, subDenied)
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})

	type key struct{ fn, rule string }
	got := map[key]audit.Finding{}
	for _, f := range rep.Findings {
		if f.Provider == audit.Azure {
			got[key{f.Function, f.Rule}] = f
		}
	}
	want := func(fn, rule string, status audit.Status, evidence ...string) {
		t.Helper()
		f, ok := got[key{fn, rule}]
		if !ok {
			t.Errorf("%s: no %s finding", fn, rule)
			return
		}
		if f.Status != status {
			t.Errorf("%s %s: status %s, want %s", fn, rule, f.Status, status)
		}
		var all strings.Builder
		for _, e := range f.Evidence {
			all.WriteString(e.Source.API + " " + e.Source.Ref + " " + e.Path + " " + e.Fragment + "\n")
		}
		for _, s := range evidence {
			if !strings.Contains(all.String(), s) {
				t.Errorf("%s %s: evidence lacks %q:\n%s", fn, rule, s, all.String())
			}
		}
	}
	none := func(fn, rule string) {
		t.Helper()
		if f, ok := got[key{fn, rule}]; ok {
			t.Errorf("%s: unexpected %s finding: %s (%s)", fn, rule, f.Title, f.Detail)
		}
	}

	// Public invoke: only the anonymous trigger without EasyAuth, restriction or private endpoint.
	want("StripeWebhook", "FNA-AZ-001", audit.StatusFail, "authLevel=anonymous", "publicNetworkAccess=Enabled", "platform.enabled=false")
	none("GetDashboard", "FNA-AZ-001")   // behind App Service Authentication
	none("PostJournal", "FNA-AZ-001")    // private endpoint only
	none("RefundPayment", "FNA-AZ-001")  // function key
	none("LegacyCallback", "FNA-AZ-001") // disabled
	none("ExportNow", "FNA-AZ-001")      // access restrictions

	// Admin access: Owner at subscription scope, naming the assignment and scope.
	want("StripeWebhook", "FNA-AZ-003", audit.StatusFail, `role "Owner"`, "subscription scope /subscriptions/"+subProd,
		"/subscriptions/"+subProd+"/providers/Microsoft.Authorization/roleAssignments/a1")
	none("GetDashboard", "FNA-AZ-003")
	none("PostJournal", "FNA-AZ-003")

	// The denied subscription is a gap in the report.
	var gap bool
	for _, g := range rep.Gaps {
		if g.Account == subDenied && g.Reason == audit.GapAccessDenied {
			gap = true
		}
	}
	if !gap {
		t.Errorf("report gaps lack the denied subscription: %+v", rep.Gaps)
	}
}
