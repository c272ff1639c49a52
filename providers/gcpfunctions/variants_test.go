package gcpfunctions

import (
	"strings"
	"testing"

	functionsv1pb "cloud.google.com/go/functions/apiv1/functionspb"
	"cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"google.golang.org/genproto/googleapis/type/expr"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

// The tests below cover answers the real APIs (or independent implementations of
// them) may give that the scenario does not.

// findV2 returns the scenario's v2 function of that short name in the project.
func findV2(t *testing.T, p *gcpfake.Project, name string) *functionspb.Function {
	t.Helper()
	for _, f := range p.FunctionsV2 {
		if shortName(f.GetName()) == name {
			return f
		}
	}
	t.Fatalf("no v2 function %s", name)
	return nil
}

func gapsFor(inv *audit.Inventory, resource, api string) []audit.Gap {
	var out []audit.Gap
	for _, g := range inv.Gaps {
		// Control gaps repeat a failed read for the control verdict; they
		// are tested in control_test.go.
		if (resource == "" || g.Resource == resource) && g.API == api && g.Data != audit.DataControl {
			out = append(out, g)
		}
	}
	return out
}

// TestUnimplementedAPIs: an endpoint without the v1 API or the runtimes list
// answers UNIMPLEMENTED; the collection continues with the v2 listing's 1st-gen
// functions and the embedded runtime table, and the gaps say not-enabled.
func TestUnimplementedAPIs(t *testing.T) {
	t.Parallel()
	e := testEstate()
	e.Unimplemented = []string{"ListRuntimes", "google.cloud.functions.v1.CloudFunctionsService/ListFunctions"}
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	for _, name := range []string{"legacy-upload", "billing-sync", "webhook-stripe"} {
		if fnByName(inv, name) == nil {
			t.Errorf("%s missing when the v1 API and the runtimes list are unimplemented", name)
		}
	}
	rt := gapsFor(inv, "", apiListRuntimes)
	if len(rt) == 0 {
		t.Fatal("no gap for the unimplemented runtimes list")
	}
	for _, g := range append(rt, gapsFor(inv, "", apiListFunctions)...) {
		if g.Reason != audit.GapNotEnabled {
			t.Errorf("gap %+v: reason %s, want not-enabled", g, g.Reason)
		}
	}
}

// TestShortRunServiceName: a serviceConfig.service given as a bare service id is
// qualified with the function's project and location, so the service and its
// policy are still read.
func TestShortRunServiceName(t *testing.T) {
	t.Parallel()
	e := testEstate()
	findV2(t, e.Projects[0], "webhook-stripe").ServiceConfig.Service = "webhook-stripe"
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	fn := fnByName(inv, "webhook-stripe")
	if want := "projects/" + prodProject + "/locations/us-central1/services/webhook-stripe"; fn.GCP.RunService != want {
		t.Errorf("run service = %q, want %q", fn.GCP.RunService, want)
	}
	if g := append(gapsFor(inv, fn.ID, apiRunGetService), gapsFor(inv, fn.ID, apiRunServiceIAM)...); len(g) > 0 {
		t.Errorf("gaps reading the service by its short name: %+v", g)
	}
	public := false
	for _, a := range fn.Access {
		public = public || a.Principal.Kind == audit.PrincipalPublic
	}
	if !public {
		t.Errorf("allUsers on the service was not read: %+v", fn.Access)
	}
}

// TestDeletedRunService: a 2nd-gen function whose Cloud Run service is gone
// (deleted after the listing, or by hand) yields one not-found gap, keeps the
// invokers inherited from the project, and does not fail the run.
func TestDeletedRunService(t *testing.T) {
	t.Parallel()
	e := testEstate()
	p := e.Projects[0]
	svc := findV2(t, p, "orders-api").GetServiceConfig().GetService()
	kept := p.Services[:0]
	for _, s := range p.Services {
		if s.GetName() != svc {
			kept = append(kept, s)
		}
	}
	p.Services = kept
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	fn := fnByName(inv, "orders-api")
	got := gapsFor(inv, fn.ID, apiRunGetService)
	if len(got) != 1 || got[0].Reason != audit.GapNotFound || !strings.Contains(got[0].Message, "not found") {
		t.Errorf("run.services.get gaps = %+v, want one not-found", got)
	}
	if g := gapsFor(inv, fn.ID, apiRunServiceIAM); len(g) != 0 {
		t.Errorf("the deleted service's policy was read anyway: %+v", g)
	}
	inherited := false
	for _, a := range fn.Access {
		inherited = inherited || a.Source.API == apiProjectIAM
	}
	if !inherited {
		t.Errorf("project-wide invokers lost: %+v", fn.Access)
	}
}

// TestSparseFunctions: functions with their sub-messages absent, an empty
// service account, no URL, a name without a location, an unknown ingress
// value and IAM policies with only an etag or odd members are mapped without a
// panic, and the unknown ingress is kept rather than read as unset.
func TestSparseFunctions(t *testing.T) {
	t.Parallel()
	e := testEstate()
	p := e.Projects[0]
	bare := &functionspb.Function{Name: "projects/" + prodProject + "/locations/us-central1/functions/bare"}
	noLoc := &functionspb.Function{Name: "projects/" + prodProject + "/functions/noloc", BuildConfig: &functionspb.BuildConfig{Runtime: "go122"},
		ServiceConfig: &functionspb.ServiceConfig{IngressSettings: functionspb.ServiceConfig_IngressSettings(42)}}
	gen1Bare := &functionsv1pb.CloudFunction{Name: "projects/" + prodProject + "/locations/us-central1/functions/gen1-bare"}
	p.FunctionsV2 = append(p.FunctionsV2, bare)
	p.FunctionsV1 = append(p.FunctionsV1, gen1Bare)
	p.FunctionPolicies[gen1Bare.Name] = &iampb.Policy{Etag: []byte("BwX")}
	p.ServicePolicies[findV2(t, p, "webhook-stripe").ServiceConfig.Service].Bindings = append(
		p.ServicePolicies[findV2(t, p, "webhook-stripe").ServiceConfig.Service].Bindings,
		&iampb.Binding{Role: "roles/run.invoker", Members: []string{
			"deleted:serviceAccount:gone@" + prodProject + ".iam.gserviceaccount.com?uid=123",
			"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:acme/x",
			"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/*",
		}, Condition: &expr.Expr{Expression: "true"}})
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	for _, name := range []string{"bare", "gen1-bare"} {
		if fnByName(inv, name) == nil {
			t.Errorf("%s missing", name)
		}
	}
	// A name without a location (the fake's listing, like the real one,
	// never returns it, so it is mapped directly): region unknown, the
	// unknown ingress kept, and no runtimes list asked for an empty location.
	fn := mapFunctionV2(noLoc, prodProject, gcpfake.ProdNumber)
	if fn.Region != "" || fn.GCP.Ingress == "" || fn.GCP.Ingress == "ALLOW_INTERNAL_ONLY" {
		t.Errorf("noloc: region %q ingress %q", fn.Region, fn.GCP.Ingress)
	}
	col2, srv2 := startCollector(t, testEstate(), prodProject)
	if g := col2.attachRuntimes(t.Context(), prodProject, []audit.Function{fn}); len(g) != 0 || srv2.Calls("ListRuntimes") != 0 {
		t.Errorf("runtimes read for an empty location: gaps %+v, calls %d", g, srv2.Calls("ListRuntimes"))
	}
	members := map[audit.PrincipalKind]int{}
	for _, a := range fnByName(inv, "webhook-stripe").Access {
		members[a.Principal.Kind]++
	}
	if members[audit.PrincipalSpecific] < 2 || members[audit.PrincipalOrganization] < 1 {
		t.Errorf("federated and deleted members not classified: %v", members)
	}
}

// TestUnknownRuntimeAccount: a 2nd-gen function that names no service account
// runs as the default compute account, whose address needs the project number.
// When the project's metadata cannot be read the number is taken from the
// build's name; failing that, the function gets an identity gap instead of
// silently passing the default-account checks.
func TestUnknownRuntimeAccount(t *testing.T) {
	t.Parallel()
	e := testEstate()
	p := e.Projects[0]
	p.MetadataDenied = true
	findV2(t, p, "webhook-stripe").ServiceConfig.ServiceAccountEmail = ""
	orders := findV2(t, p, "orders-api")
	orders.ServiceConfig.ServiceAccountEmail = ""
	orders.BuildConfig.Build = "projects/" + gcpfake.ProdNumber + "/locations/us-central1/builds/b-1"
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)

	webhook := fnByName(inv, "webhook-stripe")
	if webhook.GCP.ServiceAccount != "" {
		t.Errorf("webhook-stripe account = %q, want unknown", webhook.GCP.ServiceAccount)
	}
	var idGaps []audit.Gap
	for _, g := range gapsFor(inv, webhook.ID, apiGetProject) {
		if g.Data == audit.DataIdentity && g.Reason == audit.GapAccessDenied {
			idGaps = append(idGaps, g)
		}
	}
	if len(idGaps) != 1 {
		t.Errorf("webhook-stripe identity gaps = %+v, want one", gapsFor(inv, webhook.ID, apiGetProject))
	}

	o := fnByName(inv, "orders-api")
	if want := gcpfake.ProdNumber + "-compute@developer.gserviceaccount.com"; o.GCP.ServiceAccount != want || !o.GCP.DefaultServiceAccount {
		t.Errorf("orders-api account = %q (default %t), want %s from the build name", o.GCP.ServiceAccount, o.GCP.DefaultServiceAccount, want)
	}
	if g := gapsFor(inv, o.ID, apiGetProject); len(g) != 0 {
		t.Errorf("orders-api has identity gaps though its account is known: %+v", g)
	}
}

// TestSearchSkipsDeletedProjects: the project search asks for state:ACTIVE, but
// a project being deleted that comes back anyway is not audited.
func TestSearchSkipsDeletedProjects(t *testing.T) {
	t.Parallel()
	e := testEstate()
	e.Projects = append(e.Projects, &gcpfake.Project{ID: "acme-old-000", Number: "444444444444", DeleteRequested: true, Policy: &iampb.Policy{}})
	col, _ := startCollector(t, e)
	inv := collect(t, col)
	seen := map[string]bool{}
	for _, a := range inv.Accounts {
		seen[a.ID] = true
	}
	if seen["acme-old-000"] || !seen[prodProject] {
		t.Errorf("accounts %v: want %s and not the project being deleted", inv.Accounts, prodProject)
	}
}

// TestUnreadableInvokerRole: a custom role bound on a function's service whose
// definition cannot be read used to drop its members from access silently; the
// function now carries an access gap naming the role.
func TestUnreadableInvokerRole(t *testing.T) {
	t.Parallel()
	e := testEstate()
	role := "projects/" + prodProject + "/roles/apiCaller"
	delete(e.Roles, role)
	col, _ := startCollector(t, e, prodProject)
	inv := collect(t, col)
	fn := fnByName(inv, "orders-api")
	var got []audit.Gap
	for _, g := range gapsFor(inv, fn.ID, apiGetRole) {
		if g.Data == audit.DataAccess && strings.Contains(g.Message, role) {
			got = append(got, g)
		}
	}
	if len(got) != 1 || got[0].Reason != audit.GapNotFound {
		t.Errorf("gaps for the unreadable role = %+v, want one not-found access gap", gapsFor(inv, fn.ID, apiGetRole))
	}
	if g := gapsFor(inv, fnByName(inv, "webhook-stripe").ID, apiGetRole); len(g) != 0 {
		t.Errorf("a function without that role got gaps: %+v", g)
	}
}
