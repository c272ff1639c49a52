package azurefunctions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
)

const paymentsApp = "/subscriptions/" + azuretest.SubProd + "/resourceGroups/rg-payments-prod/providers/Microsoft.Web/sites/func-payments-prod"

// controlRun collects the fake cloud's production subscription with the real
// SDK clients and returns the run.
func controlRun(t *testing.T, fc *azuretest.Cloud) *run {
	t.Helper()
	c, err := New(context.Background(), Options{Credential: &azfake.TokenCredential{}, ClientOptions: fc.ClientOptions(),
		Subscriptions: []string{azuretest.SubProd}, Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func azureControlLines(cs []azureControl) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s@%s %s", c.PrincipalType, c.PrincipalID, c.Role, c.Scope, strings.Join(c.Actions, ",")))
	}
	return out
}

// TestControls: the role assignments at and above an app (atScope()) are
// listed with the real armauthorization client, each role expanded, and only
// those allowing a control action are kept, with the exact actions; the
// basic-auth publishing policies are read with the real armappservice client.
func TestControls(t *testing.T) {
	t.Parallel()
	r := controlRun(t, azuretest.Scenario())
	ac := r.controls[strings.ToLower(paymentsApp)]
	if ac == nil || !ac.read {
		t.Fatalf("no control read for func-payments-prod: %+v", ac)
	}
	sub := "/subscriptions/" + azuretest.SubProd
	got := azureControlLines(ac.controls)
	slices.Sort(got)
	all := "Microsoft.Web/sites/write,Microsoft.Web/sites/slots/write,Microsoft.Web/sites/config/write,Microsoft.Web/sites/publishxml/action,Microsoft.Web/sites/config/list/action"
	want := []string{
		"ServicePrincipal " + azuretest.PrincipalOrders + " Orders Platform Operator@" + sub + " " + all,
		"ServicePrincipal " + azuretest.PrincipalPayments + " Owner@" + sub + " " + all + ",Microsoft.Authorization/roleAssignments/write",
		"User " + azuretest.UserContributor + " Contributor@" + paymentsApp + " " + all,
		"User " + azuretest.UserWebsite + " Website Contributor@" + sub + "/resourceGroups/rg-payments-prod " + all,
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("controllers of func-payments-prod:\n got %q\nwant %q", got, want)
	}
	for _, l := range got {
		if strings.Contains(l, azuretest.UserReader) {
			t.Errorf("Reader on the app reported as a controller: %s", l)
		}
	}
	var hook *audit.Function
	for i := range r.inv.Functions {
		if r.inv.Functions[i].Name == "StripeWebhook" {
			hook = &r.inv.Functions[i]
		}
	}
	bp := hook.Azure.BasicPublishing
	if bp == nil || bp.SCM == nil || !*bp.SCM || bp.FTP == nil || *bp.FTP {
		t.Errorf("StripeWebhook basic publishing = %+v, want SCM on, FTP off", bp)
	}
}

// TestControlsDenied: a denied assignment listing and denied publishing
// policies are control gaps on the app; nothing is claimed for it.
func TestControlsDenied(t *testing.T) {
	t.Parallel()
	fc := azuretest.Scenario()
	fc.DenyAssignmentsAt(paymentsApp)
	fc.DenyPublishingPolicies("func-payments-prod")
	r := controlRun(t, fc)
	if ac := r.controls[strings.ToLower(paymentsApp)]; ac == nil || ac.read {
		t.Errorf("denied listing reported as read: %+v", ac)
	}
	var apis []string
	for _, g := range r.inv.Gaps {
		if g.Data == audit.DataControl && strings.EqualFold(g.Resource, paymentsApp) && g.Reason == audit.GapAccessDenied {
			apis = append(apis, g.API)
		}
	}
	slices.Sort(apis)
	want := []string{apiControlAssignments, apiBasicPublishing, apiBasicPublishing}
	if !slices.Equal(apis, want) {
		t.Errorf("control gaps on func-payments-prod = %q, want %q (gaps: %+v)", apis, want, r.inv.Gaps)
	}
	for _, f := range r.inv.Functions {
		if f.Azure.App == paymentsApp && f.Azure.BasicPublishing != nil {
			t.Errorf("%s: basic publishing %+v after denied reads", f.Name, f.Azure.BasicPublishing)
		}
	}
}

// TestControllersModel: the control assignments become one Controller per
// principal with a power per kind and assignment, targeted at the scope.
func TestControllersModel(t *testing.T) {
	t.Parallel()
	r := controlRun(t, azuretest.Scenario())
	var got *audit.Controller
	for i := range r.inv.Controllers {
		if r.inv.Controllers[i].Principal.ID == azuretest.UserWebsite {
			got = &r.inv.Controllers[i]
		}
	}
	if got == nil {
		t.Fatal("Website Contributor user is not a controller")
	}
	rg := "/subscriptions/" + azuretest.SubProd + "/resourceGroups/rg-payments-prod"
	var kinds []string
	for _, p := range got.Powers {
		kinds = append(kinds, string(p.Kind))
		if !slices.Equal(p.Targets, []string{rg}) || p.Evidence[0].Policy != "Website Contributor" {
			t.Errorf("power %s: targets %q, evidence %+v", p.Kind, p.Targets, p.Evidence)
		}
	}
	want := []string{"publishing-credentials", "write-app", "write-settings", "write-slot"}
	if got.Principal.Kind != audit.ControllerUser || !slices.Equal(kinds, want) {
		t.Errorf("controller %+v kinds %q, want user with %q", got.Principal, kinds, want)
	}
	for _, c := range r.inv.Controllers {
		if c.Principal.ID == azuretest.UserReader {
			t.Errorf("Reader is a controller: %+v", c)
		}
	}
}

// TestControlsRoleDefinitionsDenied: with role definition reads denied,
// built-in roles come from the catalogue and still make controllers; a custom
// role assigned above the app is a control gap on it.
func TestControlsRoleDefinitionsDenied(t *testing.T) {
	t.Parallel()
	fc := azuretest.Scenario()
	fc.DenyRoleDefinitions()
	r := controlRun(t, fc)
	got := azureControlLines(r.controls[strings.ToLower(paymentsApp)].controls)
	var contributor bool
	for _, l := range got {
		if strings.Contains(l, azuretest.UserContributor+" Contributor@") {
			contributor = true
		}
		if strings.Contains(l, azuretest.PrincipalOrders) {
			t.Errorf("controller from an unread custom role: %s", l)
		}
	}
	if !contributor {
		t.Errorf("Contributor (built-in, from the catalogue) missing: %q", got)
	}
	var gapped bool
	for _, g := range r.inv.Gaps {
		if g.Data == audit.DataControl && strings.EqualFold(g.Resource, paymentsApp) && g.API == apiRoleDefinitions &&
			strings.Contains(g.Message, azuretest.CustomRoleGUID) {
			gapped = true
		}
	}
	if !gapped {
		t.Errorf("no control gap for the unread custom role: %+v", r.inv.Gaps)
	}
}

// TestControlRulesOnCollection: the control rules judge what the collector
// read: the Contributor and Website Contributor users hold less than the
// payments app's Owner identity (critical), and its SCM basic auth is on.
func TestControlRulesOnCollection(t *testing.T) {
	t.Parallel()
	inv := collect(t, azuretest.Scenario(), azuretest.SubProd)
	rep := audit.Analyze(inv, []audit.Rule{rules.AzureControlEscalation, rules.AzureBasicAuthPublishing}, audit.Config{})
	var got []string
	for _, f := range rep.Findings {
		if f.Function == "StripeWebhook" {
			got = append(got, fmt.Sprintf("%s %s %s", f.Rule, f.Status, f.Severity))
		}
	}
	slices.Sort(got)
	want := []string{"FNA-AZ-008 fail critical", "FNA-AZ-009 fail high"}
	if !slices.Equal(got, want) {
		t.Errorf("StripeWebhook control findings = %q, want %q", got, want)
	}
}

func TestAzureControllerPrincipal(t *testing.T) {
	t.Parallel()
	tenant := "5d3c2b1a-0f9e-4d8c-b7a6-958473625140"
	for typ, want := range map[string]audit.ControlPrincipal{
		"User":             {Kind: audit.ControllerUser, ID: "p", Account: tenant},
		"Group":            {Kind: audit.ControllerGroupMember, ID: "p", Account: tenant, Name: "group (members not expanded)"},
		"ForeignGroup":     {Kind: audit.ControllerGroupMember, ID: "p", Name: "foreign group of another tenant (members not expanded)"},
		"ServicePrincipal": {Kind: audit.ControllerManagedIdentity, ID: "p", Account: tenant},
		"":                 {Kind: audit.ControllerManagedIdentity, ID: "p", Account: tenant},
	} {
		if got := azureControllerPrincipal(azureControl{PrincipalID: "p", PrincipalType: typ}, tenant); got.Kind != want.Kind ||
			got.Account != want.Account || got.Name != want.Name || got.ID != want.ID {
			t.Errorf("%q: %+v, want %+v", typ, got, want)
		}
	}
	for action, want := range map[string]audit.ControlKind{
		"Microsoft.Web/sites/write":                     audit.ControlWriteApp,
		"Microsoft.Web/sites/slots/write":               audit.ControlWriteSlot,
		"Microsoft.Web/sites/config/write":              audit.ControlWriteSettings,
		"Microsoft.Web/sites/publishxml/action":         audit.ControlPublishingCredentials,
		"Microsoft.Web/sites/config/list/action":        audit.ControlPublishingCredentials,
		"Microsoft.Authorization/roleAssignments/write": audit.ControlAssignRoles,
	} {
		if got := azureControlKind(action); got != want {
			t.Errorf("%s: kind %s, want %s", action, got, want)
		}
	}
}
