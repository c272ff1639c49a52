package azurefunctions

import (
	"context"
	"strings"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
	"github.com/fnaudit/fnaudit/providers/providertest"
)

func collect(t *testing.T, fc *azuretest.Cloud, subs ...string) *audit.Inventory {
	t.Helper()
	c, err := New(context.Background(), Options{
		Subscriptions: subs,
		Credential:    &azfake.TokenCredential{},
		ClientOptions: fc.ClientOptions(),
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
	inv := collect(t, azuretest.Scenario())

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
	if hook.Azure.AuthLevel != "anonymous" || hook.Region != "westeurope" || hook.Runtime != "node|22" ||
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
		f.Runtime != "dotnet-isolated|8.0" || len(f.Identities) != 1 || f.Identities[0] != azuretest.PrincipalOrders {
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
		case azuretest.PrincipalPayments:
			if id.Kind != "azure-system-assigned" || len(id.Policies) != 1 || id.Policies[0].Name != "Owner" ||
				id.Policies[0].Scope != "/subscriptions/"+azuretest.SubProd || len(id.Policies[0].Grants) != 1 || id.Policies[0].Grants[0].Actions[0] != "*" {
				t.Errorf("payments identity: %+v", id)
			}
		case azuretest.PrincipalOrders:
			if id.Kind != "azure-user-assigned" || id.Name != "id-orders-shared" || len(id.Policies) != 2 {
				t.Errorf("orders identity: %+v", id)
			}
		case azuretest.PrincipalLedger:
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
		case g.Account == azuretest.SubDenied && g.API == apiSites && g.Reason == audit.GapAccessDenied && g.Data == audit.DataFunctions:
			deniedSub = true
		case g.Account == azuretest.SubProd && strings.HasSuffix(g.Resource, "/func-reports-legacy") && g.API == apiAppSettings &&
			g.Reason == audit.GapAccessDenied && g.Data == audit.DataEnvironment:
			deniedSettings = true
		default:
			t.Errorf("unexpected gap %+v", g)
		}
	}
	if !deniedSub || !deniedSettings {
		t.Errorf("gaps = %+v", inv.Gaps)
	}
	if len(inv.Accounts) != 1 || inv.Accounts[0].ID != azuretest.SubProd || inv.Accounts[0].OrgID == "" ||
		strings.Join(inv.Accounts[0].Regions, ",") != "northeurope,westeurope" {
		t.Errorf("accounts = %+v", inv.Accounts)
	}
}

func evidenceText(f audit.Finding) string {
	var b strings.Builder
	for _, e := range f.Evidence {
		b.WriteString(e.Source.API + " " + e.Source.Ref + " " + e.Path + " " + e.Fragment + "\n")
	}
	return b.String()
}

// TestRoleDefinitionsDenied: when role definitions cannot be read, built-in roles
// come from the catalog and custom roles leave a gap on their identity, so the
// identity rules report unknown for its functions instead of passing.
func TestRoleDefinitionsDenied(t *testing.T) {
	t.Parallel()
	fc := azuretest.Scenario()
	fc.DenyRoleDefinitions()
	inv := collect(t, fc)
	var owner bool
	for _, id := range inv.Identities {
		if id.ID == azuretest.PrincipalPayments && len(id.Policies) == 1 && id.Policies[0].Name == "Owner" && len(id.Policies[0].Grants) == 1 {
			owner = true
		}
	}
	if !owner {
		t.Errorf("Owner not resolved from the catalog: %+v", inv.Identities)
	}
	var gap bool
	for _, g := range inv.Gaps {
		if g.Resource == azuretest.PrincipalOrders && g.API == apiRoleDefinitions && g.Reason == audit.GapAccessDenied && g.Data == audit.DataIdentity {
			gap = true
		}
	}
	if !gap {
		t.Errorf("no gap for the custom role's identity: %+v", inv.Gaps)
	}
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	for _, f := range rep.Findings {
		if f.Function == "GetDashboard" && f.Rule == "FNA-AZ-004" && f.Status != audit.StatusUnknown {
			t.Errorf("GetDashboard escalation: status %s, want unknown", f.Status)
		}
	}
}

// TestNoSubscriptions: a credential that sees no subscription is an error, not an
// empty inventory.
func TestNoSubscriptions(t *testing.T) {
	t.Parallel()
	fc := azuretest.Scenario()
	fc.HideSubscriptions()
	c, err := New(context.Background(), Options{Credential: &azfake.TokenCredential{}, ClientOptions: fc.ClientOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Collect(context.Background()); err == nil || !strings.Contains(err.Error(), "no enabled subscription") {
		t.Errorf("Collect with no subscriptions: %v", err)
	}
	if _, err := New(context.Background(), Options{Subscriptions: []string{"/subscriptions/x"}, Credential: &azfake.TokenCredential{}}); err == nil {
		t.Error("a subscription path instead of an id must be rejected")
	}
}

// TestNoCredentials: when no token can be had for any subscription, Collect
// fails with the credential's reason instead of returning only gaps.
func TestNoCredentials(t *testing.T) {
	t.Parallel()
	cred := &azfake.TokenCredential{}
	cred.SetError(&azidentity.AuthenticationFailedError{})
	c, err := New(context.Background(), Options{Subscriptions: []string{azuretest.SubProd}, Credential: cred, ClientOptions: azuretest.Scenario().ClientOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Collect(context.Background()); err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("Collect without credentials: %v", err)
	}
}

// TestDeadline: a run whose deadline has passed reports timeout gaps, and an
// interrupted run interrupted gaps, not an error and not an empty clean
// inventory.
func TestDeadline(t *testing.T) {
	t.Parallel()
	for _, subs := range [][]string{nil, {azuretest.SubProd}} {
		c, err := New(context.Background(), Options{Subscriptions: subs, Credential: &azfake.TokenCredential{}, ClientOptions: azuretest.Scenario().ClientOptions()})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		inv, err := c.Collect(ctx)
		if err != nil {
			t.Fatalf("subscriptions %v: Collect: %v", subs, err)
		}
		if len(inv.Gaps) == 0 || inv.Gaps[0].Reason != audit.GapInterrupted {
			t.Errorf("subscriptions %v, interrupted: gaps = %+v", subs, inv.Gaps)
		}
		ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
		defer cancel()
		inv, err = c.Collect(ctx)
		if err != nil {
			t.Fatalf("subscriptions %v: Collect: %v", subs, err)
		}
		if len(inv.Gaps) == 0 || inv.Gaps[0].Reason != audit.GapTimeout {
			t.Errorf("subscriptions %v, deadline: gaps = %+v", subs, inv.Gaps)
		}
	}
}

// TestRegionsScope limits the audit to apps in the given locations.
func TestRegionsScope(t *testing.T) {
	t.Parallel()
	c, err := New(context.Background(), Options{Regions: []string{"North Europe"}, Credential: &azfake.TokenCredential{}, ClientOptions: azuretest.Scenario().ClientOptions()})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Functions) != 1 || inv.Functions[0].Name != "PostJournal" {
		t.Errorf("functions in northeurope: %+v", inv.Functions)
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
	inv := collect(t, azuretest.Scenario(), azuretest.SubProd, azuretest.SubDenied)
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
	want("StripeWebhook", "FNA-AZ-003", audit.StatusFail, `role "Owner"`, "subscription scope /subscriptions/"+azuretest.SubProd,
		"/subscriptions/"+azuretest.SubProd+"/providers/Microsoft.Authorization/roleAssignments/a1")
	none("GetDashboard", "FNA-AZ-003")
	none("PostJournal", "FNA-AZ-003")

	// The shared user-assigned identity's custom role: Microsoft.Web/sites/* on the
	// subscription changes other apps (escalation) and Microsoft.Storage/* is a
	// service-wide wildcard; both name the assignment a2 and its scope.
	want("GetDashboard", "FNA-AZ-004", audit.StatusFail, `role "Orders Platform Operator"`, "roleAssignments/a2", `"Microsoft.Web/sites/*" permits Microsoft.Web/sites/write`)
	want("GetDashboard", "FNA-AZ-005", audit.StatusFail, "Microsoft.Storage/*", "subscription scope /subscriptions/"+azuretest.SubProd)
	none("PostJournal", "FNA-AZ-004") // Key Vault Secrets User on one vault
	none("PostJournal", "FNA-AZ-005")

	// Plaintext secret with the setting named; Key Vault references pass.
	want("StripeWebhook", "FNA-AZ-007", audit.StatusFail, "properties.STRIPE_API_KEY", "Microsoft.Web/sites/config/list/action")
	if f, ok := got[key{"StripeWebhook", "FNA-AZ-007"}]; ok && (f.Key != "STRIPE_API_KEY" || strings.Contains(f.Detail+evidenceText(f), "51HxQ")) {
		t.Errorf("plaintext finding: key %q, or the value leaked: %s %s", f.Key, f.Detail, evidenceText(f))
	}
	// The reports app's settings were denied: runtime and secrets are unknown there.
	want("NightlyExport", "FNA-AZ-006", audit.StatusUnknown)
	want("NightlyExport", "FNA-AZ-007", audit.StatusUnknown)
	none("StripeWebhook", "FNA-AZ-006") // host ~4 on Node 22

	// The denied subscription is a gap in the report.
	var gap bool
	for _, g := range rep.Gaps {
		if g.Account == azuretest.SubDenied && g.Reason == audit.GapAccessDenied {
			gap = true
		}
	}
	if !gap {
		t.Errorf("report gaps lack the denied subscription: %+v", rep.Gaps)
	}
}

// TestProgress: the collector reports subscriptions, subscription-locations
// and functions to Options.Progress, ending with the run's totals; a denied
// subscription is done too.
func TestProgress(t *testing.T) {
	t.Parallel()
	var rec providertest.ProgressRecorder
	c, err := New(context.Background(), Options{
		Subscriptions: []string{azuretest.SubProd, azuretest.SubDenied},
		Credential:    &azfake.TokenCredential{},
		ClientOptions: azuretest.Scenario().ClientOptions(),
		Progress:      rec.Record,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	inv, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	locations := 0
	for _, a := range inv.Accounts {
		locations += len(a.Regions)
	}
	rec.Check(t, audit.Progress{Provider: audit.Azure, Scopes: 2, ScopesDone: 2, Regions: locations, RegionsDone: locations,
		Functions: len(inv.Functions), Done: true})
	if len(inv.Functions) == 0 || locations == 0 {
		t.Errorf("%d functions in %d locations; the test needs some", len(inv.Functions), locations)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
