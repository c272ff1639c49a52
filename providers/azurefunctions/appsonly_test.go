package azurefunctions

import (
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
)

// TestFunctionlessApp: an app whose function listing is empty still has a
// runtime, app settings and an identity. It gets one app-level record, through
// the real armappservice client against the fake, and the runtime, secret and
// identity rules judge it, naming the app; nothing invokes it.
func TestFunctionlessApp(t *testing.T) {
	inv := collect(t, azuretest.Scenario().WithFunctionlessApp())
	f := fnByName(inv, azuretest.FunctionlessApp)
	if f == nil {
		t.Fatal("no record for the function-less app")
	}
	if f.ID != azuretest.FunctionlessAppID() || f.Azure == nil || !f.Azure.AppOnly || f.Azure.App != f.ID {
		t.Errorf("record = id %s, azure %+v; want the app's id and appOnly", f.ID, f.Azure)
	}
	if len(f.Triggers) != 0 || len(f.Access) != 0 {
		t.Errorf("an app with no functions has no triggers or access, got %v / %v", f.Triggers, f.Access)
	}
	if f.Runtime != "dotnet" || f.Azure.WorkerRuntime != "dotnet" {
		t.Errorf("runtime = %q, worker %q", f.Runtime, f.Azure.WorkerRuntime)
	}
	if len(f.Identities) != 1 || f.Identities[0] != azuretest.PrincipalStaging {
		t.Errorf("identities = %v", f.Identities)
	}
	// Apps with functions keep their per-function records only.
	if fnByName(inv, "func-payments-prod") != nil {
		t.Error("an app with functions got an app-level record too")
	}

	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // after the in-process model's end
	rep := audit.Analyze(inv, []audit.Rule{rules.AzureDeprecatedRuntime, rules.AzurePlaintextSecret,
		rules.AzureAdminAccess, rules.AzurePublicInvoke, rules.AzureCrossTenantInvoke}, audit.Config{Now: now})
	got := map[string]string{}
	for _, fd := range rep.Findings {
		if fd.Resource != azuretest.FunctionlessAppID() {
			continue
		}
		if fd.Function != azuretest.FunctionlessApp {
			t.Errorf("%s names %q, want the app", fd.Rule, fd.Function)
		}
		got[fd.Rule] = fd.Key
	}
	for _, id := range []string{rules.AzureDeprecatedRuntime.ID, rules.AzurePlaintextSecret.ID, rules.AzureAdminAccess.ID} {
		if _, ok := got[id]; !ok {
			t.Errorf("%s did not judge the function-less app (findings for it: %v)", id, got)
		}
	}
	for _, id := range []string{rules.AzurePublicInvoke.ID, rules.AzureCrossTenantInvoke.ID} {
		if k, ok := got[id]; ok {
			t.Errorf("%s reported %q for an app with no functions", id, k)
		}
	}
}
