package gcpfunctions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/iam/apiv1/iampb"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/type/expr"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

// controlEstate extends the scenario with the bindings that let principals
// control its functions: a developer group that may update functions in the
// project, an external user with Service Account User on webhook@, a Token
// Creator on orders@ from a partner domain, a setIamPolicy grant on the
// webhook-stripe service, a Cloud Functions developer on the 2nd-gen function's
// own policy and near misses (Service Account User on another account, a
// viewer role on the function).
func controlEstate() *gcpfake.Estate {
	e := gcpfake.Scenario()
	webhook, orders := gcpfake.SA("webhook"), gcpfake.SA("orders")
	for _, p := range e.Projects {
		if p.ID != gcpfake.ProdProject {
			continue
		}
		p.Policy.Bindings = append(p.Policy.Bindings,
			&iampb.Binding{Role: "roles/cloudfunctions.developer", Members: []string{"group:developers@acme.example"}})
		p.ServiceAccounts = []string{gcpfake.SA("deployer"), orders, webhook}
		p.ServiceAccountPolicies = map[string]*iampb.Policy{
			webhook: {Version: 3, Bindings: []*iampb.Binding{
				{Role: "roles/iam.serviceAccountUser", Members: []string{"user:mallory@contractor.example"}},
				{Role: "roles/iam.serviceAccountTokenCreator", Members: []string{"user:temp@acme.example"},
					Condition: &expr.Expr{Expression: `request.time < timestamp("2020-01-01T00:00:00Z")`}},
			}},
			gcpfake.SA("deployer"): {Version: 3, Bindings: []*iampb.Binding{
				{Role: "roles/iam.serviceAccountUser", Members: []string{"user:bob@acme.example"}},
			}},
			orders: {Version: 3, Bindings: []*iampb.Binding{
				{Role: "roles/iam.serviceAccountTokenCreator", Members: []string{"user:eve@partner.example"}},
			}},
		}
		svc := "projects/" + gcpfake.ProdProject + "/locations/us-central1/services/webhook-stripe"
		p.ServicePolicies[svc].Bindings = append(p.ServicePolicies[svc].Bindings,
			&iampb.Binding{Role: "roles/run.admin", Members: []string{"user:ops@acme.example"}})
		p.FunctionPolicies[gcpfake.FunctionName("us-central1", "webhook-stripe")] = &iampb.Policy{Bindings: []*iampb.Binding{
			{Role: "roles/cloudfunctions.developer", Members: []string{"user:dev@acme.example"}},
			{Role: "roles/cloudfunctions.viewer", Members: []string{"user:viewer@acme.example"}},
		}}
	}
	e.Roles["roles/cloudfunctions.developer"] = []string{"cloudfunctions.functions.get", "cloudfunctions.functions.update", "cloudfunctions.functions.invoke"}
	e.Roles["roles/cloudfunctions.viewer"] = []string{"cloudfunctions.functions.get", "cloudfunctions.functions.list"}
	e.Roles["roles/run.admin"] = []string{"run.services.get", "run.services.update", "run.services.setIamPolicy", "run.routes.invoke"}
	e.Roles["roles/iam.serviceAccountUser"] = []string{"iam.serviceAccounts.actAs", "iam.serviceAccounts.get"}
	return e
}

// runControls collects like Collect and returns the control pass's result.
func runControls(t *testing.T, col *Collector, projects ...string) (*controlResult, []audit.Gap) {
	t.Helper()
	ctx := context.Background()
	var results []*projectResult
	var fns []audit.Function
	for _, p := range projects {
		r := col.collectProject(ctx, p)
		results = append(results, r)
		fns = append(fns, r.functions...)
	}
	_, idGaps := col.identities(ctx, fns, results)
	return col.controls(ctx, results, idGaps)
}

func controlLines(cs []gcpControl) []string {
	var out []string
	for _, c := range cs {
		s := fmt.Sprintf("%s %s@%s %s", c.Member, c.Role, c.Scope, strings.Join(c.Permissions, ","))
		if c.Condition != "" {
			s += " if " + c.Condition
		}
		out = append(out, s)
	}
	return out
}

// TestControls: the real Cloud Functions, Cloud Run, Resource Manager and IAM
// clients read every policy that covers a function, and the control pass names
// each member with the binding and the exact control permissions.
func TestControls(t *testing.T) {
	col, srv := startCollector(t, controlEstate(), gcpfake.ProdProject)
	ctls, gaps := runControls(t, col, gcpfake.ProdProject)
	webhook := gcpfake.SA("webhook")
	fn := gcpfake.FunctionName("us-central1", "webhook-stripe")
	svc := "projects/" + gcpfake.ProdProject + "/locations/us-central1/services/webhook-stripe"
	proj := "projects/" + gcpfake.ProdProject
	saRes := "projects/" + gcpfake.ProdProject + "/serviceAccounts/" + webhook
	want := []string{
		"group:developers@acme.example roles/cloudfunctions.developer@" + proj + " cloudfunctions.functions.update",
		"serviceAccount:" + gcpfake.ProdNumber + "-compute@developer.gserviceaccount.com roles/editor@" + proj + " cloudfunctions.functions.update",
		"serviceAccount:" + gcpfake.ProdNumber + "-compute@developer.gserviceaccount.com roles/editor@" + proj + " iam.serviceAccounts.actAs",
		"serviceAccount:" + gcpfake.ProdProject + "@appspot.gserviceaccount.com roles/editor@" + proj + " cloudfunctions.functions.update",
		"serviceAccount:" + gcpfake.ProdProject + "@appspot.gserviceaccount.com roles/editor@" + proj + " iam.serviceAccounts.actAs",
		// Token Creator on the whole project reaches every account in it.
		"serviceAccount:" + gcpfake.SA("images") + " roles/iam.serviceAccountTokenCreator@" + proj + " iam.serviceAccounts.getAccessToken,iam.serviceAccounts.implicitDelegation,iam.serviceAccounts.signBlob,iam.serviceAccounts.signJwt" +
			` if request.time.getDayOfWeek("Europe/Berlin") < 5`,
		"user:dev@acme.example roles/cloudfunctions.developer@" + fn + " cloudfunctions.functions.update",
		"user:mallory@contractor.example roles/iam.serviceAccountUser@" + saRes + " iam.serviceAccounts.actAs",
		"user:ops@acme.example roles/run.admin@" + svc + " run.services.setIamPolicy,run.services.update",
		"user:temp@acme.example roles/iam.serviceAccountTokenCreator@" + saRes + " iam.serviceAccounts.getAccessToken,iam.serviceAccounts.implicitDelegation,iam.serviceAccounts.signBlob,iam.serviceAccounts.signJwt" +
			` if request.time < timestamp("2020-01-01T00:00:00Z")`,
	}
	got := controlLines(ctls.forFunction(fn))
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("controllers of webhook-stripe:\n got %q\nwant %q", got, want)
	}
	if n := srv.Calls("GetIamPolicy"); n == 0 {
		t.Error("no IAM policy read")
	}
	// The 1st-gen billing-sync runs as billing@: the folder's projectIamAdmin
	// carries no control permission, the project's editors can update it.
	billing := controlLines(ctls.forFunction(gcpfake.FunctionName("us-east1", "billing-sync")))
	if !slices.Contains(billing, "group:developers@acme.example roles/cloudfunctions.developer@"+proj+" cloudfunctions.functions.update") {
		t.Errorf("billing-sync controllers = %q, want the developers group", billing)
	}
	for _, l := range billing {
		if strings.Contains(l, "run.services") {
			t.Errorf("1st-gen billing-sync controlled through a Cloud Run permission: %s", l)
		}
	}
	// The organization's policy is unreadable: a control gap naming the
	// organization, which does not make every function's verdict unknown.
	var orgGap bool
	for _, g := range gaps {
		if g.Data != audit.DataControl {
			t.Errorf("gap of data %s from the control pass: %+v", g.Data, g)
		}
		if g.API == apiOrganizationIAM && g.Account == gcpfake.ProdProject && g.Resource == "organizations/999" && g.Reason == audit.GapAccessDenied {
			orgGap = true
		}
	}
	if !orgGap {
		t.Errorf("no control gap for the unreadable organization policy: %+v", gaps)
	}
}

// TestControlsDeniedReads: a denied service-account policy and a denied
// project policy become control gaps naming what is unknown.
func TestControlsDeniedReads(t *testing.T) {
	e := controlEstate()
	for _, p := range e.Projects {
		if p.ID == gcpfake.ProdProject {
			p.DeniedServiceAccounts = []string{gcpfake.SA("webhook")}
		}
	}
	col, _ := startCollector(t, e, gcpfake.ProdProject)
	ctls, gaps := runControls(t, col, gcpfake.ProdProject)
	var saGap bool
	for _, g := range gaps {
		if g.API == apiServiceAccountIAM && g.Resource == gcpfake.SA("webhook") && g.Reason == audit.GapAccessDenied {
			saGap = true
		}
		if g.API == apiServiceAccountIAM && g.Resource != gcpfake.SA("webhook") {
			t.Errorf("gap on another account's control from webhook@'s denied policy: %+v", g)
		}
	}
	if !saGap {
		t.Errorf("no control gap for webhook@'s denied policy: %+v", gaps)
	}
	for _, l := range controlLines(ctls.forFunction(gcpfake.FunctionName("us-central1", "webhook-stripe"))) {
		if strings.Contains(l, "mallory") {
			t.Errorf("a binding of the denied policy was reported: %s", l)
		}
	}
}

// TestCollectControllers: Collect records the control bindings as the
// model's controllers, one per member, one power per kind and binding, with
// the functions, projects or service accounts each reaches.
func TestCollectControllers(t *testing.T) {
	col, _ := startCollector(t, controlEstate(), gcpfake.ProdProject)
	inv := collect(t, col)
	if err := inv.Validate(); err != nil {
		t.Fatal(err)
	}
	byID := map[string]audit.Controller{}
	for _, c := range inv.Controllers {
		byID[c.Principal.ID] = c
	}
	webhook := gcpfake.SA("webhook")
	m, ok := byID["user:mallory@contractor.example"]
	if !ok {
		t.Fatal("mallory is not a controller")
	}
	want := audit.Controller{Provider: audit.GCP,
		Principal: audit.ControlPrincipal{Kind: audit.ControllerUser, ID: "user:mallory@contractor.example", Name: "mallory@contractor.example"},
		Powers: []audit.ControlPower{{Kind: audit.ControlActAs, Actions: []string{"iam.serviceAccounts.actAs"}, Targets: []string{webhook},
			Evidence: []audit.ControlEvidence{{Policy: "roles/iam.serviceAccountUser", PolicyID: "roles/iam.serviceAccountUser",
				Kind: audit.PolicyBinding, Via: "service account policy projects/" + gcpfake.ProdProject + "/serviceAccounts/" + webhook,
				Statement: "roles/iam.serviceAccountUser", Actions: []string{"iam.serviceAccounts.actAs"},
				Source: audit.Source{API: apiServiceAccountIAM, Ref: "projects/" + gcpfake.ProdProject + "/serviceAccounts/" + webhook}}}}}}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("mallory (-want +got):\n%s", diff)
	}
	g, ok := byID["group:developers@acme.example"]
	if !ok || g.Principal.Kind != audit.ControllerGroupMember || len(g.Powers) != 1 ||
		g.Powers[0].Kind != audit.ControlUpdateFunction || !slices.Equal(g.Powers[0].Targets, []string{"projects/" + gcpfake.ProdProject}) {
		t.Errorf("developers group = %+v, want update-function on projects/%s", g, gcpfake.ProdProject)
	}
	ops := byID["user:ops@acme.example"]
	var kinds []string
	for _, p := range ops.Powers {
		kinds = append(kinds, string(p.Kind)+"->"+strings.Join(p.Targets, ","))
	}
	fn := gcpfake.FunctionName("us-central1", "webhook-stripe")
	if !slices.Equal(kinds, []string{"set-iam-policy->" + fn, "update-service->" + fn}) {
		t.Errorf("ops powers = %q", kinds)
	}

	// The rules judge the collected controllers: the contractor outside
	// acme.example is reported (the unreadable organization policy is a
	// gap that does not hide it), and so is the escalation into webhook@.
	rep := audit.Analyze(inv, []audit.Rule{rules.GCPExternalControl, rules.GCPControlEscalation}, audit.Config{Now: testNow})
	var got []string
	for _, f := range rep.Findings {
		if f.Function == "webhook-stripe" {
			got = append(got, f.Rule+" "+string(f.Status)+" "+f.Key)
		}
	}
	slices.Sort(got)
	wantF := []string{"FNA-GCP-009 fail " + webhook, "FNA-GCP-010 fail user:mallory@contractor.example"}
	if !slices.Equal(got, wantF) {
		t.Errorf("webhook-stripe control findings = %q, want %q", got, wantF)
	}
}

// TestControlsOutsideProject: a function running as a service account of a
// project outside the scan: that project's IAM policy (and its ancestors') is
// read once for the control pass, and a denied read is a control gap on the
// account.
func TestControlsOutsideProject(t *testing.T) {
	shared := "runner@acme-shared-999.iam.gserviceaccount.com"
	build := func(denied bool) *gcpfake.Estate {
		e := controlEstate()
		for _, p := range e.Projects {
			if p.ID == gcpfake.ProdProject {
				for _, f := range p.FunctionsV2 {
					if f.GetName() == gcpfake.FunctionName("us-central1", "orders-api") {
						f.ServiceConfig.ServiceAccountEmail = shared
					}
				}
			}
		}
		e.Projects = append(e.Projects, &gcpfake.Project{ID: "acme-shared-999", Number: "999999999999", Parent: "folders/111", Denied: denied,
			Policy: &iampb.Policy{Bindings: []*iampb.Binding{{Role: "roles/iam.serviceAccountUser", Members: []string{"group:sre@acme.example"}}}}})
		return e
	}
	fn := gcpfake.FunctionName("us-central1", "orders-api")

	col, srv := startCollector(t, build(false), gcpfake.ProdProject)
	ctls, _ := runControls(t, col, gcpfake.ProdProject)
	want := "group:sre@acme.example roles/iam.serviceAccountUser@projects/acme-shared-999 iam.serviceAccounts.actAs"
	if got := controlLines(ctls.forFunction(fn)); !slices.Contains(got, want) {
		t.Errorf("orders-api controllers = %q, want %q", got, want)
	}
	if n := srv.Calls("GetProject"); n != 2 {
		t.Errorf("GetProject called %d times, want 2 (the audited project and the account's)", n)
	}

	col, _ = startCollector(t, build(true), gcpfake.ProdProject)
	_, gaps := runControls(t, col, gcpfake.ProdProject)
	var found bool
	for _, g := range gaps {
		if g.API == apiProjectIAM && g.Resource == shared && g.Account == gcpfake.ProdProject && g.Reason == audit.GapAccessDenied {
			found = true
		}
	}
	if !found {
		t.Errorf("no control gap for the denied policy of the account's project: %+v", gaps)
	}
}

func TestControllerPrincipal(t *testing.T) {
	t.Parallel()
	for member, want := range map[string]audit.ControllerKind{
		"allUsers":                                   audit.ControllerAnyPrincipal,
		"allAuthenticatedUsers":                      audit.ControllerAnyPrincipal,
		"user:a@acme.example":                        audit.ControllerUser,
		"group:g@acme.example":                       audit.ControllerGroupMember,
		"domain:acme.example":                        audit.ControllerOrganization,
		"serviceAccount:x@p.iam.gserviceaccount.com": audit.ControllerServiceAccount,
		"serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com":        audit.ControllerService,
		"principalSet://iam.googleapis.com/locations/global/workforcePools/p/*": audit.ControllerFederated,
		"projectEditor:acme-prod-123":                                           audit.ControllerAccount,
		"deleted:user:old@acme.example?uid=1234":                                audit.ControllerUser,
	} {
		if got := controllerPrincipal(member); got.Kind != want || got.ID != member {
			t.Errorf("%s: %+v, want kind %s", member, got, want)
		}
	}
	if p := controllerPrincipal("serviceAccount:x@p.iam.gserviceaccount.com"); p.Account != "p" {
		t.Errorf("service account's project = %q, want p", p.Account)
	}
}
