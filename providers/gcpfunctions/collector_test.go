package gcpfunctions

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
	"github.com/fnaudit/fnaudit/providers/providertest"
)

var testNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// startCollector serves e and returns a collector pointed at it.
func startCollector(t *testing.T, e *gcpfake.Estate, projects ...string) (*Collector, *gcpfake.Server) {
	t.Helper()
	srv, err := gcpfake.Start(e)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	col, err := New(context.Background(), Options{
		Projects:      projects,
		ClientOptions: srv.ClientOptions(),
		Retry:         RetryPolicy{Initial: time.Millisecond, Max: 5 * time.Millisecond},
		Now:           func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { col.Close() })
	return col, srv
}

func collect(t *testing.T, col *Collector) *audit.Inventory {
	t.Helper()
	inv, err := col.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GCP_DUMP") != "" {
		b, _ := json.MarshalIndent(inv, "", "  ")
		os.WriteFile(os.Getenv("GCP_DUMP"), b, 0o644)
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

// TestCollectEstate collects the test estate and checks the inventory: both
// generations without duplicates across several pages, access, identities with
// expanded roles, and gaps for the denied project and the disabled API.
func TestCollectEstate(t *testing.T) {
	t.Parallel()
	col, srv := startCollector(t, testEstate(), prodProject, denied, devProject)
	inv := collect(t, col)

	var names []string
	for _, f := range inv.Functions {
		names = append(names, f.Name+"/gen"+f.GCP.Generation)
	}
	want := []string{"report-export/gen2", "image-resize/gen2", "legacy-upload/gen1", "orders-api/gen2", "webhook-stripe/gen2", "billing-sync/gen1"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("functions (-want +got):\n%s", diff)
	}
	if n := srv.Calls("ListFunctions"); n < 4 {
		t.Errorf("ListFunctions called %d times; want several pages per API", n)
	}

	legacy := fnByName(inv, "legacy-upload")
	if legacy.GCP.SecurityLevel != "SECURE_OPTIONAL" || !legacy.GCP.DefaultServiceAccount ||
		legacy.GCP.ServiceAccount != prodProject+"@appspot.gserviceaccount.com" {
		t.Errorf("legacy-upload gcp facts: %+v", legacy.GCP)
	}
	for _, e := range legacy.Environment {
		if e.Name == "AWS_ACCESS_KEY_ID" && (e.Verdict != audit.ValueSecret || strings.Contains(e.Hint, "EXAMPL")) {
			t.Errorf("AWS_ACCESS_KEY_ID: %+v", e)
		}
	}
	orders := fnByName(inv, "orders-api")
	var cond string
	var group bool
	for _, a := range orders.Access {
		if a.Condition != "" {
			cond = a.Condition
		}
		if a.Principal.ID == "group:partners@example.org" {
			group = true // custom role carrying run.routes.invoke
		}
	}
	if cond == "" || !group {
		t.Errorf("orders-api access: conditional=%q custom-role member=%v: %+v", cond, group, orders.Access)
	}
	var folderInvoker bool
	for _, a := range fnByName(inv, "billing-sync").Access {
		if a.Principal.ID == "group:auditors@acme.example" && a.Source.Ref == "folders/111" && a.Source.API == apiFolderIAM {
			folderInvoker = true
		}
	}
	if !folderInvoker {
		t.Errorf("billing-sync: the folder's invoker grant is missing: %+v", fnByName(inv, "billing-sync").Access)
	}
	if orders.GCP.OrganizationDomain != "acme.example" {
		t.Errorf("orders-api organization domain = %q", orders.GCP.OrganizationDomain)
	}
	if img := fnByName(inv, "image-resize"); !img.GCP.InvokerIAMDisabled {
		t.Errorf("image-resize: invoker IAM disabled not recorded")
	}
	if r := fnByName(inv, "report-export"); r.GCP.RuntimeSupport == nil || r.GCP.RuntimeSupport.DecommissionDate != "2025-10-14" {
		t.Errorf("report-export runtime support: %+v", r.GCP.RuntimeSupport)
	}

	var billing *audit.Identity
	for i := range inv.Identities {
		if inv.Identities[i].ID == saOf("billing") {
			billing = &inv.Identities[i]
		}
	}
	if billing == nil || len(billing.Policies) != 2 || billing.Policies[0].Scope != "folders/111" ||
		len(billing.Policies[0].Grants) != 1 || len(billing.Policies[0].Grants[0].Actions) != 2 {
		t.Errorf("billing identity: %+v", billing)
	}
	// Roles are read once per run however many bindings use them.
	if n := srv.Calls("GetRole"); n > 10 {
		t.Errorf("GetRole called %d times for 9 distinct roles", n)
	}

	gaps := map[string]audit.GapReason{}
	for _, g := range inv.Gaps {
		gaps[g.Account+" "+g.API+" "+g.Resource] = g.Reason
	}
	for k, reason := range map[string]audit.GapReason{
		denied + " cloudfunctions.functions.list ":                                    audit.GapAccessDenied,
		denied + " resourcemanager.projects.getIamPolicy ":                            audit.GapAccessDenied,
		devProject + " cloudfunctions.functions.list ":                                audit.GapNotEnabled,
		prodProject + " resourcemanager.organizations.getIamPolicy organizations/999": audit.GapAccessDenied,
	} {
		if gaps[k] != reason {
			t.Errorf("gap %q: reason %q, want %q (gaps: %v)", k, gaps[k], reason, gaps)
		}
	}
	if err := inv.Validate(); err != nil {
		t.Errorf("inventory does not validate: %v", err)
	}
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"sk_live_51H8aQ2J", "AKIAIOSFODNN7EXAMPLQ"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("inventory contains the secret value %q", secret)
		}
	}
	if _, err := audit.ParseInventory(b); err != nil {
		t.Errorf("inventory does not load back: %v", err)
	}
}

// TestCollectAnalyze runs the collector, every rule and the analyzer against the
// fake and checks the planted findings with the evidence naming binding, role
// and member, and the denied project as a gap.
func TestCollectAnalyze(t *testing.T) {
	t.Parallel()
	col, _ := startCollector(t, testEstate(), prodProject, denied, devProject)
	inv := collect(t, col)
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: testNow})

	type want struct {
		rule, function string
		severity       audit.Severity
		evidence       string // a substring of some evidence's path and fragment
	}
	for _, w := range []want{
		{"FNA-GCP-001", "webhook-stripe", audit.Critical, "role=roles/run.invoker member=allUsers"},
		{"FNA-GCP-001", "report-export", audit.Critical, "role=roles/run.invoker member=allAuthenticatedUsers"},
		{"FNA-GCP-001", "image-resize", audit.Critical, "true"},
		{"FNA-GCP-001", "legacy-upload", audit.Critical, "role=roles/cloudfunctions.invoker member=allUsers"},
		{"FNA-GCP-002", "orders-api", audit.Medium, "member=serviceAccount:batch@acme-shared-999.iam.gserviceaccount.com condition="},
		{"FNA-GCP-002", "orders-api", audit.Medium, "role=projects/" + prodProject + "/roles/apiCaller member=group:partners@example.org"},
		// A project-wide invoker grant reaches every 2nd-gen function.
		{"FNA-GCP-002", "webhook-stripe", audit.Medium, "role=roles/run.invoker member=serviceAccount:scheduler@acme-ops-777.iam.gserviceaccount.com"},
		{"FNA-GCP-003", "report-export", audit.High, "role=roles/editor member=serviceAccount:" + prodNumber + "-compute@developer.gserviceaccount.com"},
		{"FNA-GCP-003", "orders-api", audit.High, "role=projects/" + prodProject + "/roles/accessProvisioner member=serviceAccount:" + saOf("orders")},
		{"FNA-GCP-004", "image-resize", audit.High, "role=roles/iam.serviceAccountTokenCreator"},
		{"FNA-GCP-004", "billing-sync", audit.High, "role=roles/resourcemanager.projectIamAdmin member=serviceAccount:" + saOf("billing") + " scope=folders/111"},
		{"FNA-GCP-005", "webhook-stripe", audit.Medium, "role=roles/storage.admin"},
		{"FNA-GCP-006", "report-export", audit.High, "stage=DEPRECATED"},
		{"FNA-GCP-006", "legacy-upload", audit.High, "decommission=2025-01-30"},
		{"FNA-GCP-007", "webhook-stripe", audit.Medium, "environmentVariables.STRIPE_SECRET_KEY"},
		{"FNA-GCP-007", "legacy-upload", audit.High, "environmentVariables.AWS_ACCESS_KEY_ID"},
		{"FNA-GCP-008", "legacy-upload", audit.High, "role=roles/editor"},
	} {
		var found bool
		for _, f := range rep.Findings {
			if f.Rule != w.rule || f.Function != w.function || f.Status != audit.StatusFail {
				continue
			}
			for _, ev := range f.Evidence {
				if strings.Contains(ev.Path+" "+ev.Fragment, w.evidence) {
					found = true
					if f.Severity != w.severity {
						t.Errorf("%s %s: severity %s, want %s", w.rule, w.function, f.Severity, w.severity)
					}
				}
			}
		}
		if !found {
			t.Errorf("no %s finding for %s with evidence %q", w.rule, w.function, w.evidence)
		}
	}
	// Nothing public, cross-project or admin about the functions that are fine.
	for _, f := range rep.Findings {
		if f.Provider != audit.GCP || f.Status != audit.StatusFail {
			continue
		}
		switch {
		case f.Function == "billing-sync" && f.Category == audit.PublicInvoke,
			f.Function == "orders-api" && f.Category == audit.PublicInvoke,
			f.Function == "webhook-stripe" && f.Rule == "FNA-GCP-006":
			t.Errorf("unexpected finding %s on %s: %s", f.Rule, f.Function, f.Detail)
		}
	}
	var deniedGap bool
	for _, g := range rep.Gaps {
		if g.Account == denied && g.Reason == audit.GapAccessDenied && g.API == apiListFunctions {
			deniedGap = true
		}
	}
	if !deniedGap {
		t.Errorf("report has no access-denied gap for %s: %+v", denied, rep.Gaps)
	}
}

// TestThrottledCallsAreRetried throttles the first calls and expects the same
// inventory with no gaps from the throttling.
func TestThrottledCallsAreRetried(t *testing.T) {
	t.Parallel()
	e := testEstate()
	e.ThrottleFirst = 3
	col, srv := startCollector(t, e, prodProject)
	inv := collect(t, col)
	if len(inv.Functions) != 6 {
		t.Errorf("got %d functions, want 6", len(inv.Functions))
	}
	for _, g := range inv.Gaps {
		if g.Reason == audit.GapThrottled {
			t.Errorf("throttled call not retried: %+v", g)
		}
	}
	_ = srv
}

// TestThrottlingExhaustsRetries makes every call throttle: the result is gaps
// with reason throttled, never an empty clean inventory.
func TestThrottlingExhaustsRetries(t *testing.T) {
	t.Parallel()
	e := testEstate()
	e.ThrottleFirst = 1 << 30
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	if len(inv.Functions) != 0 {
		t.Errorf("got functions while every call was throttled")
	}
	var throttled int
	for _, g := range inv.Gaps {
		if g.Reason == audit.GapThrottled && g.API == apiListFunctions {
			throttled++
		}
	}
	if throttled != 2 {
		t.Errorf("want two throttled list gaps (v1 and v2), got %d: %+v", throttled, inv.Gaps)
	}
}

// TestV1FailureFallsBackToV2 denies the v1 listing: 1st-gen functions then
// come from the v2 listing (environment GEN_1), their invokers from the v2 IAM
// mixin, and only their HTTPS security level is reported missing.
func TestV1FailureFallsBackToV2(t *testing.T) {
	t.Parallel()
	e := testEstate()
	e.Projects[0].V1Denied = true
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	if len(inv.Functions) != 6 {
		t.Fatalf("got %d functions, want 6", len(inv.Functions))
	}
	legacy := fnByName(inv, "legacy-upload")
	if legacy.GCP.Generation != "1" || len(legacy.Access) == 0 || legacy.Access[0].Principal.ID != "allUsers" ||
		legacy.Access[0].Source.API != apiFunctionIAM {
		t.Errorf("legacy-upload from v2: %+v access %+v", legacy.GCP, legacy.Access)
	}
	var configGaps []string
	for _, g := range inv.Gaps {
		if g.Data == audit.DataConfig && g.API == apiListFunctions {
			configGaps = append(configGaps, g.Resource)
		}
		if g.Data == audit.DataFunctions {
			t.Errorf("functions gap although v2 listed everything: %+v", g)
		}
	}
	if diff := cmp.Diff([]string{fnName("us-central1", "legacy-upload"), fnName("us-east1", "billing-sync")}, configGaps); diff != "" {
		t.Errorf("config gaps (-want +got):\n%s", diff)
	}
}

// TestV1ListingStopsMidway fails the v1 listing after its first page: the
// function from that page keeps its v1 facts, the other comes from v2 with a
// config gap, and neither is listed twice.
func TestV1ListingStopsMidway(t *testing.T) {
	t.Parallel()
	e := testEstate()
	e.PageSize = 1
	e.Projects[0].V1FailAfterFirstPage = true
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	if len(inv.Functions) != 6 {
		t.Fatalf("got %d functions, want 6", len(inv.Functions))
	}
	if l := fnByName(inv, "legacy-upload"); l.GCP.SecurityLevel != "SECURE_OPTIONAL" {
		t.Errorf("legacy-upload lost its v1 facts: %+v", l.GCP)
	}
	var gaps []string
	for _, g := range inv.Gaps {
		if g.API == apiListFunctions {
			gaps = append(gaps, string(g.Data)+" "+g.Resource)
		}
	}
	if diff := cmp.Diff([]string{"config " + fnName("us-east1", "billing-sync")}, gaps); diff != "" {
		t.Errorf("listing gaps (-want +got):\n%s", diff)
	}
}

// TestRegionsFilter keeps only the functions of the given locations.
func TestRegionsFilter(t *testing.T) {
	t.Parallel()
	col, _ := startCollector(t, testEstate(), prodProject)
	col.opts.Regions = []string{"europe-west1"}
	inv := collect(t, col)
	if len(inv.Functions) != 1 || inv.Functions[0].Name != "report-export" {
		t.Errorf("regions filter: got %d functions", len(inv.Functions))
	}
}

// TestSearchProjects finds the projects when none are given.
func TestSearchProjects(t *testing.T) {
	t.Parallel()
	col, _ := startCollector(t, testEstate())
	inv := collect(t, col)
	var ids []string
	for _, a := range inv.Accounts {
		ids = append(ids, a.ID)
	}
	if diff := cmp.Diff([]string{devProject, prodProject}, ids); diff != "" {
		t.Errorf("searched projects (-want +got):\n%s", diff)
	}
}

// TestPermissionsListCoversCalls keeps Permissions in step with the API names
// the collector records.
func TestPermissionsListCoversCalls(t *testing.T) {
	for _, api := range []string{apiListFunctions, apiFunctionIAM, apiListRuntimes, apiRunGetService, apiRunServiceIAM,
		apiGetProject, apiProjectIAM, apiGetFolder, apiFolderIAM, apiOrganizationIAM, apiGetOrganization, apiGetRole} {
		if !slices.Contains(Permissions(), api) {
			t.Errorf("Permissions lacks %s", api)
		}
	}
	if !slices.IsSorted(Permissions()) {
		t.Errorf("Permissions is not sorted")
	}
	got := Permissions()
	got[0] = "changed"
	if Permissions()[0] == "changed" {
		t.Error("Permissions() returned the package's own slice")
	}
}

// TestProgress: the collector reports projects, project-locations and
// functions to Options.Progress, ending with the run's totals.
func TestProgress(t *testing.T) {
	t.Parallel()
	col, _ := startCollector(t, testEstate(), prodProject, denied, devProject)
	var rec providertest.ProgressRecorder
	col.opts.Progress = rec.Record
	inv := collect(t, col)
	locations := map[string]bool{}
	for _, f := range inv.Functions {
		locations[f.Account+"/"+f.Region] = true
	}
	rec.Check(t, audit.Progress{Provider: audit.GCP, Scopes: 3, ScopesDone: 3, Regions: len(locations), RegionsDone: len(locations),
		Functions: len(inv.Functions), Done: true})
	if len(inv.Functions) == 0 || len(locations) < 2 {
		t.Errorf("the estate has %d functions in %d project-locations; the test needs several", len(inv.Functions), len(locations))
	}
}
