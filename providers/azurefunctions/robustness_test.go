package azurefunctions

import (
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
)

// The tests below cover shapes the ARM API and independent implementations of it
// may answer with that the scenario does not: untyped function.json fields of
// unexpected types, every model pointer nil, and subscription states.

// TestTriggerOfLenient: a binding field of an unexpected type must not hide the
// trigger (the whole document used to be decoded into a typed struct, so one
// odd field dropped the HTTP trigger and with it the function's exposure).
func TestTriggerOfLenient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config any
		level  string
		method []string
	}{
		{"methods as one string", map[string]any{"bindings": []any{
			map[string]any{"type": "httpTrigger", "name": "req", "authLevel": "anonymous", "methods": "get, post"}}},
			"anonymous", []string{"get", "post"}},
		{"numeric authLevel (AuthorizationLevel enum)", map[string]any{"bindings": []any{
			map[string]any{"type": "httpTrigger", "name": "req", "authLevel": float64(0), "direction": float64(1)}}},
			"anonymous", nil},
		{"non-string extras and capitalised keys", map[string]any{"Bindings": []any{
			map[string]any{"Type": "httpTrigger", "AuthLevel": "Function", "methods": []any{"GET", nil, 3.0}, "route": nil, "isSessionsEnabled": true}}},
			"Function", []string{"GET", "3"}},
		{"config as a JSON string", `{"bindings":[{"type":"httpTrigger","authLevel":"admin","methods":["get"]}]}`,
			"admin", []string{"get"}},
		{"typed map", map[string][]map[string]string{"bindings": {{"type": "httpTrigger", "authLevel": "anonymous"}}},
			"anonymous", nil},
	} {
		b, ok := triggerOf(tc.config)
		if !ok || b.Type != "httpTrigger" || b.AuthLevel != tc.level || !equalStrings(b.Methods, tc.method) {
			t.Errorf("%s: triggerOf = %+v, %v; want httpTrigger authLevel %q methods %v", tc.name, b, ok, tc.level, tc.method)
		}
	}
	if _, ok := triggerOf(map[string]any{"bindings": "not a list"}); ok {
		t.Error("bindings that are not a list must find no trigger")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFunctionRecordOddAuthLevel: a padded, capitalised anonymous level is still
// anonymous, and a missing one is the host default, function.
func TestFunctionRecordOddAuthLevel(t *testing.T) {
	t.Parallel()
	app := siteFacts(&armappservice.Site{ID: to.Ptr(testApp)}, "sub")
	for level, want := range map[string]audit.AuthKind{" Anonymous ": audit.AuthNone, "": audit.AuthKey} {
		b := map[string]any{"type": "httpTrigger", "name": "req"}
		if level != "" {
			b["authLevel"] = level
		}
		fe := &armappservice.FunctionEnvelope{ID: to.Ptr(testApp + "/functions/f"), Name: to.Ptr("app/f"),
			Properties: &armappservice.FunctionEnvelopeProperties{Config: map[string]any{"bindings": []any{b}}}}
		fn := functionRecord(fe, &app, "sub")
		if len(fn.Triggers) != 1 || fn.Triggers[0].Auth != want {
			t.Errorf("authLevel %q: triggers %+v, want auth %s", level, fn.Triggers, want)
		}
	}
}

// TestNilModels: the SDK models make every field a pointer; a site, config,
// function envelope, auth settings, role assignment or definition with all of
// them nil maps without a panic.
func TestNilModels(t *testing.T) {
	t.Parallel()
	app := siteFacts(&armappservice.Site{}, "sub")
	app = siteFacts(&armappservice.Site{Properties: &armappservice.SiteProperties{SiteConfig: &armappservice.SiteConfig{},
		FunctionAppConfig: &armappservice.FunctionAppConfig{Runtime: &armappservice.FunctionsRuntime{}}},
		Identity: &armappservice.ManagedServiceIdentity{UserAssignedIdentities: map[string]*armappservice.UserAssignedIdentity{"x": nil, "y": {}}}}, "sub")
	applySiteConfig(&app.azure, &armappservice.SiteConfig{IPSecurityRestrictions: []*armappservice.IPSecurityRestriction{nil, {}}})
	_ = stackFromConfig(&armappservice.SiteConfig{})
	settingsFacts(&app, map[string]*string{"A": nil, "AzureWebJobs.X.Disabled": nil})
	_ = authFacts(&armappservice.SiteAuthSettingsV2Properties{GlobalValidation: &armappservice.GlobalValidation{},
		IdentityProviders: &armappservice.IdentityProviders{AzureActiveDirectory: &armappservice.AzureActiveDirectory{
			Validation: &armappservice.AzureActiveDirectoryValidation{DefaultAuthorizationPolicy: &armappservice.DefaultAuthorizationPolicy{}}}},
	}, "ref")
	for _, fe := range []*armappservice.FunctionEnvelope{{}, {Properties: &armappservice.FunctionEnvelopeProperties{}}} {
		_ = functionRecord(fe, &app, "sub")
	}
	_ = rolePolicy(&armauthorization.RoleAssignment{Properties: &armauthorization.RoleAssignmentProperties{}}, roleDefFrom(nil))
	_ = roleDefFrom(&armauthorization.RoleDefinition{Properties: &armauthorization.RoleDefinitionProperties{
		Permissions: []*armauthorization.Permission{nil, {}}}})
	if got := app.azure.IPRestrictions; len(got) != 1 || got[0].Action != "Allow" {
		t.Errorf("an empty restriction should map to one Allow rule: %+v", got)
	}
}

// TestSubscriptionStates: a listed subscription that is Disabled is skipped with
// a not-enabled gap, a Warned one and one whose state comes in another case are
// read, and a Disabled subscription named explicitly is skipped the same way.
func TestSubscriptionStates(t *testing.T) {
	t.Parallel()
	stateGap := func(inv *audit.Inventory, sub string) bool {
		for _, g := range inv.Gaps {
			if g.Account == sub && g.API == apiSubscriptions && g.Reason == audit.GapNotEnabled {
				return true
			}
		}
		return false
	}
	read := func(inv *audit.Inventory, sub string) bool {
		for _, a := range inv.Accounts {
			if a.ID == sub {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		state    string
		explicit bool
		skipped  bool
	}{
		{"Disabled", false, true},
		{"Disabled", true, true},
		{"Deleted", false, true},
		{"Warned", false, false},
		{"enabled", false, false},
		{"PastDue", true, false},
	} {
		fc := azuretest.Scenario()
		fc.SetSubscriptionState(azuretest.SubProd, tc.state)
		var subs []string
		if tc.explicit {
			subs = []string{azuretest.SubProd}
		}
		inv := collect(t, fc, subs...)
		if got := stateGap(inv, azuretest.SubProd); got != tc.skipped {
			t.Errorf("state %s (explicit %t): state gap %t, want %t", tc.state, tc.explicit, got, tc.skipped)
		}
		if got := read(inv, azuretest.SubProd); got == tc.skipped {
			t.Errorf("state %s (explicit %t): subscription read %t, want %t", tc.state, tc.explicit, got, !tc.skipped)
		}
	}
}

// TestSparseAnswers: an implementation that leaves out optional fields (site
// properties, function ids) and sends function.json as a JSON string still
// yields every function with its trigger and the anonymous one as public.
func TestSparseAnswers(t *testing.T) {
	t.Parallel()
	fc := azuretest.Scenario()
	fc.Sparse()
	inv := collect(t, fc)
	var names []string
	for _, f := range inv.Functions {
		names = append(names, f.Name)
	}
	want := "CapturePayment ExportNow GetDashboard LegacyCallback NightlyExport PostJournal RefundPayment SettlementQueue StripeWebhook"
	if got := strings.Join(sortedCopy(names), " "); got != want {
		t.Errorf("functions = %s\nwant        %s", got, want)
	}
	fn := fnByName(inv, "StripeWebhook")
	if fn == nil {
		t.Fatal("StripeWebhook missing")
	}
	if !strings.HasSuffix(fn.ID, "/sites/func-payments-prod/functions/StripeWebhook") {
		t.Errorf("synthesised id = %q", fn.ID)
	}
	if len(fn.Triggers) != 1 || fn.Triggers[0].Auth != audit.AuthNone {
		t.Errorf("StripeWebhook triggers = %+v, want one anonymous HTTP trigger", fn.Triggers)
	}
	if f := fnByName(inv, "CapturePayment"); f == nil || len(f.Triggers) != 1 || f.Triggers[0].Auth != audit.AuthKey {
		t.Errorf("CapturePayment (authLevel unset) = %+v, want a function-key trigger", f)
	}
}

// TestAssignedToFilterIgnored: an implementation that ignores the assignedTo()
// filter returns every principal's assignments; those made to other service
// principals must not become the identity's permissions.
func TestAssignedToFilterIgnored(t *testing.T) {
	t.Parallel()
	policies := func(inv *audit.Inventory) map[string]string {
		out := map[string]string{}
		for _, id := range inv.Identities {
			var refs []string
			for _, p := range id.Policies {
				refs = append(refs, p.Source.Ref)
			}
			out[id.ID] = strings.Join(refs, " ")
		}
		return out
	}
	want := policies(collect(t, azuretest.Scenario()))
	fc := azuretest.Scenario()
	fc.IgnoreAssignedToFilter()
	got := policies(collect(t, fc))
	for id, w := range want {
		if got[id] != w {
			t.Errorf("identity %s: policies %q, want %q", id, got[id], w)
		}
	}
	if want[azuretest.PrincipalLedger] == "" || strings.Contains(want[azuretest.PrincipalLedger], "/a1") {
		t.Errorf("scenario changed: ledger policies %q", want[azuretest.PrincipalLedger])
	}
	if !assignedTo(&armauthorization.RoleAssignmentProperties{PrincipalID: to.Ptr("group-1"),
		PrincipalType: to.Ptr(armauthorization.PrincipalTypeGroup)}, azuretest.PrincipalLedger) {
		t.Error("a group assignment must be kept: the identity may be a member")
	}
}

// TestIdentityWithoutPrincipal: a site that declares managed identities but
// whose response leaves out their principal ids gets an identity gap, so its
// functions' identity checks read unknown instead of passing for lack of an
// identity. The type is matched however it is spelled.
func TestIdentityWithoutPrincipal(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"SystemAssigned, UserAssigned", "systemassigned,userassigned", " SystemAssigned "} {
		mt := armappservice.ManagedServiceIdentityType(typ)
		if !identityTypeHas(&mt, "SystemAssigned") {
			t.Errorf("identityTypeHas(%q, SystemAssigned) = false", typ)
		}
	}
	if mt := armappservice.ManagedServiceIdentityTypeNone; identityTypeHas(&mt, "SystemAssigned") {
		t.Error("None has no system-assigned identity")
	}
	fc := azuretest.Scenario()
	fc.HideIdentityPrincipals()
	inv := collect(t, fc)
	if len(inv.Identities) != 0 {
		t.Errorf("identities without principal ids: %+v", inv.Identities)
	}
	gaps := map[string]string{}
	for _, g := range inv.Gaps {
		if g.API == apiSites && g.Data == audit.DataIdentity && g.Reason == audit.GapInvalidData {
			gaps[g.Resource] = g.Message
		}
	}
	for _, name := range []string{"StripeWebhook", "PostJournal"} {
		fn := fnByName(inv, name)
		if fn == nil {
			t.Fatalf("%s missing", name)
		}
		if _, ok := gaps[fn.Azure.App]; !ok {
			t.Errorf("%s: no identity gap on its app %s (gaps %v)", name, fn.Azure.App, gaps)
		}
	}
}

// TestIPRestrictionShapes: a multi-source rule (comma-separated ranges or
// service tags) becomes one entry per source, so an all-addresses range among
// them is seen; an address with a separate subnetMask becomes CIDR, so
// 0.0.0.0 with mask 0.0.0.0 reads as 0.0.0.0/0.
func TestIPRestrictionShapes(t *testing.T) {
	t.Parallel()
	got := ipRestrictions([]*armappservice.IPSecurityRestriction{
		{Name: to.Ptr("partners"), IPAddress: to.Ptr("203.0.113.0/24, 0.0.0.0/0"), Priority: to.Ptr[int32](100)},
		{Name: to.Ptr("masked"), IPAddress: to.Ptr("0.0.0.0"), SubnetMask: to.Ptr("0.0.0.0"), Priority: to.Ptr[int32](200)},
		{Name: to.Ptr("office"), IPAddress: to.Ptr("198.51.100.7"), SubnetMask: to.Ptr("255.255.255.0")},
		{Name: to.Ptr("tags"), IPAddress: to.Ptr("AzureFrontDoor.Backend,AzureCloud"), Tag: to.Ptr(armappservice.IPFilterTagServiceTag)},
		{Name: to.Ptr("subnet"), VnetSubnetResourceID: to.Ptr("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a")},
	})
	var addrs []string
	for _, r := range got {
		addrs = append(addrs, r.Name+"="+r.IPAddress)
	}
	want := "partners=203.0.113.0/24 partners=0.0.0.0/0 masked=0.0.0.0/0 office=198.51.100.0/24 tags=AzureFrontDoor.Backend tags=AzureCloud subnet="
	if s := strings.Join(addrs, " "); s != want {
		t.Errorf("restrictions = %s\nwant           %s", s, want)
	}
	if got[1].Priority != 100 || got[1].Action != "Allow" {
		t.Errorf("split entry lost the rule's priority or action: %+v", got[1])
	}
}
