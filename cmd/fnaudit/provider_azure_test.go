package main

import (
	"encoding/json"
	"strings"
	"testing"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/azurefunctions"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
)

// TestScanAzure drives `fnaudit scan --provider azure` against the Azure SDK's
// fake servers: the planted findings come out with evidence naming the setting,
// the role assignment and its scope, and the denied subscription is a gap (exit 3).
func TestScanAzure(t *testing.T) {
	cloud := azuretest.Scenario()
	azureOptionsHook = func(o *azurefunctions.Options) {
		o.Credential = &azfake.TokenCredential{}
		o.ClientOptions = cloud.ClientOptions()
	}
	t.Cleanup(func() { azureOptionsHook = nil })

	r := runCmd(t, "", "scan", "--provider", "azure", "--subscriptions",
		azuretest.SubProd+","+azuretest.SubDenied, "--format", "json", "--now", now)
	if r.code != exitGaps {
		t.Fatalf("scan azure: exit %d (want %d, gaps): %s", r.code, exitGaps, r.stderr)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	find := func(fn, rule string) *audit.Finding {
		for i := range rep.Findings {
			if rep.Findings[i].Function == fn && rep.Findings[i].Rule == rule && rep.Findings[i].Status == audit.StatusFail {
				return &rep.Findings[i]
			}
		}
		return nil
	}
	evidence := func(f *audit.Finding) string {
		var b strings.Builder
		for _, e := range f.Evidence {
			b.WriteString(e.Source.API + " " + e.Source.Ref + " " + e.Path + " " + e.Fragment + "\n")
		}
		return b.String()
	}

	pub := find("StripeWebhook", "FNA-AZ-001")
	if pub == nil {
		t.Fatalf("no public-invoke finding for StripeWebhook; findings: %+v", rep.Findings)
	}
	for _, want := range []string{"authLevel=anonymous", "properties.publicNetworkAccess", "publicNetworkAccess=Enabled",
		"properties.ipSecurityRestrictions", "platform.enabled=false"} {
		if !strings.Contains(evidence(pub), want) {
			t.Errorf("public-invoke evidence lacks %q:\n%s", want, evidence(pub))
		}
	}
	for _, fn := range []string{"GetDashboard", "PostJournal", "RefundPayment"} {
		if find(fn, "FNA-AZ-001") != nil {
			t.Errorf("%s reported public", fn)
		}
	}

	admin := find("StripeWebhook", "FNA-AZ-003")
	if admin == nil {
		t.Fatal("no admin-access finding for the Owner identity")
	}
	if admin.Severity != audit.High {
		t.Errorf("Owner at subscription scope: severity %s, want high", admin.Severity)
	}
	for _, want := range []string{`role "Owner"`, "subscription scope /subscriptions/" + azuretest.SubProd,
		"/subscriptions/" + azuretest.SubProd + "/providers/Microsoft.Authorization/roleAssignments/a1"} {
		if !strings.Contains(evidence(admin), want) {
			t.Errorf("admin-access evidence lacks %q:\n%s", want, evidence(admin))
		}
	}

	var denied bool
	for _, g := range rep.Gaps {
		if g.Provider == audit.Azure && g.Account == azuretest.SubDenied && g.Reason == audit.GapAccessDenied {
			denied = true
		}
	}
	if !denied {
		t.Errorf("report gaps lack the denied subscription: %+v", rep.Gaps)
	}
}
