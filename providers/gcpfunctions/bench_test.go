package gcpfunctions

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/run/apiv2/runpb"

	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

// BenchmarkCollect collects a project of 200 2nd-gen functions (50 service
// accounts) from a fake that adds 2ms to every call, the way a remote API does;
// it reports the time per function.
func BenchmarkCollect(b *testing.B) {
	const n, accounts = 200, 50
	p := &gcpfake.Project{ID: "bench-project", Number: "900000000009", ServicePolicies: map[string]*iampb.Policy{},
		Policy: &iampb.Policy{}}
	for i := 0; i < n; i++ {
		base := "projects/bench-project/locations/us-central1"
		sa := fmt.Sprintf("fn-%02d@bench-project.iam.gserviceaccount.com", i%accounts)
		svc := fmt.Sprintf("%s/services/fn-%03d", base, i)
		p.FunctionsV2 = append(p.FunctionsV2, &functionspb.Function{
			Name: fmt.Sprintf("%s/functions/fn-%03d", base, i), Environment: functionspb.Environment_GEN_2,
			BuildConfig:   &functionspb.BuildConfig{Runtime: "python312"},
			ServiceConfig: &functionspb.ServiceConfig{Service: svc, ServiceAccountEmail: sa, Uri: "https://x.run.app"},
		})
		p.Services = append(p.Services, &runpb.Service{Name: svc})
		p.ServicePolicies[svc] = &iampb.Policy{Bindings: []*iampb.Binding{{Role: "roles/run.invoker", Members: []string{"serviceAccount:" + sa}}}}
		if i < accounts {
			p.Policy.Bindings = append(p.Policy.Bindings, &iampb.Binding{Role: "roles/datastore.user", Members: []string{"serviceAccount:" + sa}})
		}
	}
	srv, err := gcpfake.Start(&gcpfake.Estate{Projects: []*gcpfake.Project{p}, PageSize: 50, Latency: 2 * time.Millisecond,
		Roles: map[string][]string{"roles/run.invoker": {"run.routes.invoke"}, "roles/datastore.user": {"datastore.entities.get"}}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	col, err := New(context.Background(), Options{Projects: []string{"bench-project"}, ClientOptions: srv.ClientOptions(),
		CallsPerSecond: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer col.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		col.init(col.c) // a fresh role cache per run
		inv, err := col.Collect(context.Background())
		if err != nil || len(inv.Functions) != n || len(inv.Gaps) != 0 {
			b.Fatalf("collect: %v, %d functions, gaps %+v", err, len(inv.Functions), inv.Gaps)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/function")
}
