package azurefunctions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/google/go-cmp/cmp"
)

const testApp = "/subscriptions/3f2a8c1e-6d4b-4e7a-9b2c-1a5d7e9f0b12/resourceGroups/rg-payments-prod/providers/Microsoft.Web/sites/func-payments-prod"

func TestTriggerOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config any
		want   binding
		ok     bool
	}{
		{"http anonymous", map[string]any{"bindings": []any{
			map[string]any{"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "route": "orders/{id}", "methods": []any{"get"}},
			map[string]any{"type": "http", "direction": "out", "name": "$return"},
		}}, binding{Type: "httpTrigger", Direction: "in", Name: "req", AuthLevel: "anonymous", Route: "orders/{id}", Methods: []string{"get"}}, true},
		{"service bus", map[string]any{"bindings": []any{
			map[string]any{"type": "serviceBusTrigger", "direction": "in", "name": "msg", "queueName": "orders"},
		}}, binding{Type: "serviceBusTrigger", Direction: "in", Name: "msg", QueueName: "orders"}, true},
		{"no trigger", map[string]any{"bindings": []any{map[string]any{"type": "blob", "direction": "out"}}}, binding{}, false},
		{"not an object", "garbage", binding{}, false},
		{"nil", nil, binding{}, false},
	} {
		got, ok := triggerOf(tc.config)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: triggerOf = %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFunctionRecord(t *testing.T) {
	t.Parallel()
	app := appFacts{
		site: &armappservice.Site{}, id: testApp, name: "func-payments-prod", rg: "rg-payments-prod", region: "westeurope",
		azure:    audit.AzureFunction{App: testApp, LinuxFxVersion: "Python|3.11", Auth: &audit.AzureAuth{Enabled: true}},
		disabled: map[string]bool{"oldhook": true},
		idents:   []audit.Identity{{ID: "p1"}, {ID: "p2"}},
	}
	fe := func(name string, bindings ...map[string]any) *armappservice.FunctionEnvelope {
		bs := make([]any, len(bindings))
		for i, b := range bindings {
			bs[i] = b
		}
		return &armappservice.FunctionEnvelope{ID: to.Ptr(testApp + "/functions/" + name), Name: to.Ptr("func-payments-prod/" + name),
			Properties: &armappservice.FunctionEnvelopeProperties{Config: map[string]any{"bindings": bs}}}
	}
	src := audit.Source{API: apiFunctions, Ref: testApp + "/functions/Hook"}

	got := functionRecord(fe("Hook", map[string]any{"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "Anonymous"}), &app, "sub")
	if got.Name != "Hook" || got.Runtime != "python|3.11" || got.Azure.AuthLevel != "anonymous" || got.Azure.Auth == app.azure.Auth ||
		!cmp.Equal(got.Identities, []string{"p1", "p2"}) {
		t.Errorf("Hook: %+v", got)
	}
	wantAccess := []audit.Access{{Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "*"}, Effect: audit.Allow,
		Actions: []string{"http:anonymous"}, Auth: audit.AuthNone, Source: src}}
	if diff := cmp.Diff(wantAccess, got.Access); diff != "" {
		t.Errorf("Hook access (-want +got):\n%s", diff)
	}

	got = functionRecord(fe("Admin", map[string]any{"type": "httpTrigger", "direction": "in", "authLevel": "admin"}), &app, "sub")
	if got.Access[0].Principal.Kind != audit.PrincipalKeyHolder || got.Access[0].Principal.ID != "admin-key" || got.Triggers[0].Auth != audit.AuthKey {
		t.Errorf("Admin: %+v", got.Access)
	}
	got = functionRecord(fe("OldHook", map[string]any{"type": "httpTrigger", "direction": "in", "authLevel": "anonymous"}), &app, "sub")
	if !got.Azure.Disabled {
		t.Error("OldHook is disabled by its AzureWebJobs.OldHook.Disabled setting")
	}
	got = functionRecord(fe("Tick", map[string]any{"type": "timerTrigger", "direction": "in", "schedule": "0 */5 * * * *"}), &app, "sub")
	if len(got.Access) != 0 || got.Triggers[0].Kind != audit.TriggerSchedule || got.Triggers[0].SourceID != "0 */5 * * * *" || got.Azure.AuthLevel != "" {
		t.Errorf("Tick: %+v %+v", got.Triggers, got.Azure)
	}
	got = functionRecord(fe("Odd", map[string]any{"type": "someNewTrigger", "direction": "in"}), &app, "sub")
	if got.Triggers[0].Kind != audit.TriggerOther {
		t.Errorf("unknown trigger type: %+v", got.Triggers)
	}
}

func TestRuntimeOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		az       audit.AzureFunction
		stack    string
		cfgStack string
		want     string
	}{
		{audit.AzureFunction{LinuxFxVersion: "Node|22"}, "", "", "node|22"},
		{audit.AzureFunction{LinuxFxVersion: "DOCKER|acme.azurecr.io/fn:1", WorkerRuntime: "python"}, "", "", "python"},
		{audit.AzureFunction{WorkerRuntime: "dotnet-isolated", NetFrameworkVersion: "v8.0"}, "", "", "dotnet-isolated|8.0"},
		{audit.AzureFunction{WorkerRuntime: "node"}, "node|20", "", "node|20"},
		{audit.AzureFunction{WorkerRuntime: "powershell"}, "", "powershell|7.4", "powershell|7.4"},
		{audit.AzureFunction{WorkerRuntime: "java"}, "", "java|17", "java|17"},
		{audit.AzureFunction{}, "python|3.12", "", "python|3.12"},
	} {
		app := &appFacts{azure: tc.az, stack: tc.stack, cfgStack: tc.cfgStack}
		if got := runtimeOf(app); got != tc.want {
			t.Errorf("runtimeOf(%+v) = %q, want %q", tc.az, got, tc.want)
		}
	}
}

func TestSettingsFactsDropValues(t *testing.T) {
	t.Parallel()
	app := appFacts{disabled: map[string]bool{}}
	secret := "DefaultEndpointsProtocol=https;AccountName=stpayments;AccountKey=q83vEXAMPLEkeyq83vEXAMPLEkeyq83vEXAMPLEkey0Q==;EndpointSuffix=core.windows.net"
	settingsFacts(&app, map[string]*string{
		"FUNCTIONS_EXTENSION_VERSION":        to.Ptr("~3"),
		"FUNCTIONS_WORKER_RUNTIME":           to.Ptr("Node"),
		"WEBSITE_NODE_DEFAULT_VERSION":       to.Ptr("~18"),
		"AzureWebJobsStorage":                to.Ptr(secret),
		"DB_PASSWORD":                        to.Ptr("@Microsoft.KeyVault(VaultName=kv;SecretName=db)"),
		"AzureWebJobs.ProcessOrder.Disabled": to.Ptr("true"),
		"EMPTY":                              nil,
	})
	if app.azure.ExtensionVersion != "~3" || app.azure.WorkerRuntime != "node" || app.stack != "node|18" || !app.disabled["processorder"] {
		t.Errorf("facts: %+v stack=%q disabled=%v", app.azure, app.stack, app.disabled)
	}
	verdicts := map[string]audit.ValueVerdict{}
	for _, e := range app.env {
		verdicts[e.Name] = e.Verdict
		if strings.Contains(fmt.Sprintf("%+v", e), "q83v") {
			t.Errorf("%s: the value leaked into the model: %+v", e.Name, e)
		}
	}
	if verdicts["AzureWebJobsStorage"] != audit.ValueSecret || verdicts["DB_PASSWORD"] != audit.ValueReference || verdicts["EMPTY"] != audit.ValueEmpty {
		t.Errorf("verdicts = %v", verdicts)
	}
}

func TestAuthFacts(t *testing.T) {
	t.Parallel()
	if got := authFacts(nil, "ref"); got.Enabled || got.Source.Ref != "ref" {
		t.Errorf("nil settings: %+v", got)
	}
	got := authFacts(&armappservice.SiteAuthSettingsV2Properties{
		Platform: &armappservice.AuthPlatform{Enabled: to.Ptr(true)},
		GlobalValidation: &armappservice.GlobalValidation{RequireAuthentication: to.Ptr(true), ExcludedPaths: []*string{to.Ptr("/api/health")},
			UnauthenticatedClientAction: to.Ptr(armappservice.UnauthenticatedClientActionV2RedirectToLoginPage)},
		IdentityProviders: &armappservice.IdentityProviders{
			AzureActiveDirectory: &armappservice.AzureActiveDirectory{Enabled: to.Ptr(true),
				Registration: &armappservice.AzureActiveDirectoryRegistration{OpenIDIssuer: to.Ptr("https://login.microsoftonline.com/common/v2.0")},
				Validation: &armappservice.AzureActiveDirectoryValidation{
					DefaultAuthorizationPolicy: &armappservice.DefaultAuthorizationPolicy{AllowedApplications: []*string{to.Ptr("app-1")},
						AllowedPrincipals: &armappservice.AllowedPrincipals{Identities: []*string{to.Ptr("oid-1")}}},
					JwtClaimChecks: &armappservice.JwtClaimChecks{AllowedGroups: []*string{to.Ptr("grp-1")}}}},
			Google:                       &armappservice.Google{Enabled: to.Ptr(false)},
			GitHub:                       &armappservice.GitHub{},
			CustomOpenIDConnectProviders: map[string]*armappservice.CustomOpenIDConnectProvider{"okta": {Enabled: to.Ptr(true)}},
		},
	}, "ref")
	want := &audit.AzureAuth{Enabled: true, RequireAuthentication: true, UnauthenticatedAction: "RedirectToLoginPage",
		ExcludedPaths: []string{"/api/health"}, IdentityProviders: []string{"azureActiveDirectory", "gitHub", "customOpenIdConnect:okta"},
		EntraIssuer: "https://login.microsoftonline.com/common/v2.0", AllowedApplications: []string{"app-1"},
		AllowedIdentities: []string{"oid-1"}, AllowedGroups: []string{"grp-1"}, Source: audit.Source{API: apiAuthSettings, Ref: "ref"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("authFacts (-want +got):\n%s", diff)
	}
}

func TestSiteFacts(t *testing.T) {
	t.Parallel()
	uai := "/subscriptions/other-sub/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shared"
	f := siteFacts(&armappservice.Site{
		ID: to.Ptr(testApp), Name: to.Ptr("func-payments-prod"), Location: to.Ptr("West Europe"), Kind: to.Ptr("functionapp,linux"),
		Identity: &armappservice.ManagedServiceIdentity{PrincipalID: to.Ptr("sys-pid"),
			UserAssignedIdentities: map[string]*armappservice.UserAssignedIdentity{uai: {PrincipalID: to.Ptr("uai-pid")}}},
		Properties: &armappservice.SiteProperties{HTTPSOnly: to.Ptr(true), PublicNetworkAccess: to.Ptr("Disabled"), State: to.Ptr("Running"),
			FunctionAppConfig: &armappservice.FunctionAppConfig{Runtime: &armappservice.FunctionsRuntime{
				Name: to.Ptr(armappservice.RuntimeNamePython), Version: to.Ptr("3.12")}}},
	}, "3f2a8c1e-6d4b-4e7a-9b2c-1a5d7e9f0b12")
	if f.region != "westeurope" || f.rg != "rg-payments-prod" || !f.azure.HTTPSOnly || f.azure.PublicNetworkAccess != "Disabled" ||
		f.stack != "python|3.12" || f.azure.SiteSource.API != apiSites {
		t.Errorf("siteFacts: %+v", f)
	}
	if len(f.idents) != 2 || f.idents[0].Kind != "azure-system-assigned" || f.idents[1].Kind != "azure-user-assigned" ||
		f.idents[1].Name != "id-shared" || f.idents[1].Account != "other-sub" {
		t.Errorf("identities: %+v", f.idents)
	}
}

func TestIPRestrictions(t *testing.T) {
	t.Parallel()
	got := ipRestrictions([]*armappservice.IPSecurityRestriction{
		{Name: to.Ptr("office"), IPAddress: to.Ptr("203.0.113.0/24"), Priority: to.Ptr[int32](100)},
		nil,
		{Name: to.Ptr("front door"), Action: to.Ptr("Allow"), IPAddress: to.Ptr("AzureFrontDoor.Backend"), Tag: to.Ptr(armappservice.IPFilterTagServiceTag)},
		{Name: to.Ptr("deny all"), Action: to.Ptr("Deny"), IPAddress: to.Ptr("Any"), Priority: to.Ptr[int32](2147483647)},
	})
	want := []audit.IPRestriction{
		{Name: "office", Action: "Allow", Priority: 100, IPAddress: "203.0.113.0/24"},
		{Name: "front door", Action: "Allow", IPAddress: "AzureFrontDoor.Backend", Tag: "ServiceTag"},
		{Name: "deny all", Action: "Deny", Priority: 2147483647, IPAddress: "Any"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ipRestrictions (-want +got):\n%s", diff)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	re := func(status int, code string) error {
		return fmt.Errorf("wrapped: %w", &azcore.ResponseError{StatusCode: status, ErrorCode: code})
	}
	for _, tc := range []struct {
		err  error
		want audit.GapReason
	}{
		{re(http.StatusForbidden, "AuthorizationFailed"), audit.GapAccessDenied},
		{re(http.StatusForbidden, "LinkedAuthorizationFailed"), audit.GapAccessDenied},
		{re(http.StatusUnauthorized, "InvalidAuthenticationToken"), audit.GapAccessDenied},
		{re(http.StatusNotFound, "SubscriptionNotFound"), audit.GapNotFound},
		{re(http.StatusNotFound, "ResourceNotFound"), audit.GapNotFound},
		{re(http.StatusConflict, "MissingSubscriptionRegistration"), audit.GapNotEnabled},
		{re(http.StatusConflict, "ReadOnlyDisabledSubscription"), audit.GapNotEnabled},
		{re(http.StatusTooManyRequests, "TooManyRequests"), audit.GapThrottled},
		{re(http.StatusInternalServerError, "InternalServerError"), audit.GapError},
		{context.DeadlineExceeded, audit.GapTimeout},
		{errors.New("dial tcp: connection refused"), audit.GapError},
	} {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("classify(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
	if msg := gapMessage(re(http.StatusForbidden, "AuthorizationFailed")); msg != "AuthorizationFailed (HTTP 403)" {
		t.Errorf("gapMessage = %q", msg)
	}
}

// TestPermissionsMatchInterfaces keeps the documented permission list in step
// with the SDK calls the collector can make.
func TestPermissionsMatchInterfaces(t *testing.T) {
	t.Parallel()
	calls := map[string]bool{}
	for _, p := range permissionCalls {
		calls[p.Call] = true
		if !strings.HasPrefix(p.Action, "Microsoft.") {
			t.Errorf("%s: %q is not an RBAC action", p.Call, p.Action)
		}
	}
	for name, typ := range map[string]reflect.Type{
		"armsubscriptions.Client":                reflect.TypeOf((*subscriptionsAPI)(nil)).Elem(),
		"armappservice.WebAppsClient":            reflect.TypeOf((*webAppsAPI)(nil)).Elem(),
		"armauthorization.RoleAssignmentsClient": reflect.TypeOf((*roleAssignmentsAPI)(nil)).Elem(),
		"armauthorization.RoleDefinitionsClient": reflect.TypeOf((*roleDefinitionsAPI)(nil)).Elem(),
	} {
		for i := 0; i < typ.NumMethod(); i++ {
			call := name + "." + typ.Method(i).Name
			if !calls[call] {
				t.Errorf("%s has no entry in Permissions", call)
			}
			delete(calls, call)
		}
	}
	for call := range calls {
		t.Errorf("Permissions lists %s, which no interface declares", call)
	}
}

// TestPermissionsList: the exported list is the distinct actions of the
// per-call table, sorted, and a new slice on every call.
func TestPermissionsList(t *testing.T) {
	t.Parallel()
	got := Permissions()
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("Permissions() = %q, want sorted and distinct", got)
	}
	for _, p := range permissionCalls {
		if !slices.Contains(got, p.Action) {
			t.Errorf("Permissions() lacks %s (needed by %s)", p.Action, p.Call)
		}
	}
	got[0] = "changed"
	if Permissions()[0] == "changed" {
		t.Error("Permissions() returned the package's own slice")
	}
}
