package gcpfunctions

import (
	"context"
	"fmt"
	"testing"

	"cloud.google.com/go/iam/apiv1/iampb"

	"github.com/fnaudit/fnaudit/audit"
)

// BenchmarkControls measures the control pass and its mapping to the model,
// without I/O: 5,000 1st-gen functions in 10 projects, 250 runtime accounts,
// project policies of 60 bindings (20 roles, 3 members each, half of them
// with control permissions), one binding on each function and each account.
// Roles are already expanded, as they are after the identities pass.
func BenchmarkControls(b *testing.B) {
	col := &Collector{}
	col.init(clients{})
	roles := map[string][]string{}
	for i := range 20 {
		perms := []string{fmt.Sprintf("storage.objects.p%d", i), "storage.buckets.get"}
		if i%2 == 0 {
			perms = append(perms, "cloudfunctions.functions.update", "iam.serviceAccounts.actAs")
		}
		roles[fmt.Sprintf("roles/r%d", i)] = perms
	}
	roles["roles/cloudfunctions.developer"] = []string{"cloudfunctions.functions.update"}
	roles["roles/iam.serviceAccountUser"] = []string{"iam.serviceAccounts.actAs"}
	for r, p := range roles {
		e := &roleEntry{perms: p}
		e.once.Do(func() {})
		col.roleCache[r] = e
	}
	var results []*projectResult
	for p := range 10 {
		project := fmt.Sprintf("proj-%d", p)
		pol := &iampb.Policy{}
		for i := range 20 {
			pol.Bindings = append(pol.Bindings, &iampb.Binding{Role: fmt.Sprintf("roles/r%d", i),
				Members: []string{fmt.Sprintf("user:u%d-a@acme.example", i), fmt.Sprintf("group:g%d@acme.example", i), fmt.Sprintf("serviceAccount:s%d@%s.iam.gserviceaccount.com", i, project)}})
		}
		r := &projectResult{project: project,
			bindings: []map[string][]memberBinding{bindingsByMember(pol, "projects/"+project, audit.Source{API: apiProjectIAM, Ref: "projects/" + project})}}
		for f := range 500 {
			sa := fmt.Sprintf("sa%d@%s.iam.gserviceaccount.com", f%25, project)
			id := fmt.Sprintf("projects/%s/locations/us-central1/functions/f%d", project, f)
			r.functions = append(r.functions, audit.Function{Provider: audit.GCP, Account: project, ID: id, Identities: []string{sa},
				GCP: &audit.GCPFunction{Generation: "1", ServiceAccount: sa}})
			col.keepFunctionPolicy(id, &iampb.Policy{Bindings: []*iampb.Binding{{Role: "roles/cloudfunctions.developer", Members: []string{"user:dev@acme.example"}}}},
				audit.Source{API: apiFunctionIAM, Ref: id})
			col.keepServiceAccountPolicy(sa, &iampb.Policy{Bindings: []*iampb.Binding{{Role: "roles/iam.serviceAccountUser", Members: []string{"user:deployer@acme.example"}}}},
				audit.Source{API: apiServiceAccountIAM, Ref: "projects/" + project + "/serviceAccounts/" + sa})
		}
		results = append(results, r)
	}
	var fns []audit.Function
	for _, r := range results {
		fns = append(fns, r.functions...)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ctls, gaps := col.controls(ctx, results, nil)
		out := controllers(fns, ctls)
		if len(out) == 0 || len(gaps) != 0 {
			b.Fatalf("%d controllers, gaps %v", len(out), gaps)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(fns)), "ns/function")
}
