package gcpfunctions

import (
	"context"
	"testing"
	"time"

	"cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/run/apiv2/runpb"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
	"github.com/fnaudit/fnaudit/providers/providertest"
)

// TestConformance runs the provider-neutral conformance suite against the real
// Google Cloud clients talking to gcpfake.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Target{Provider: audit.GCP, New: newConformanceCollector})
}

// conformanceEstate seeds a providertest estate into the fake: each function is
// a 2nd-gen function with its own service account and backing Cloud Run service.
func conformanceEstate(e providertest.Estate) *gcpfake.Estate {
	p := &gcpfake.Project{ID: e.Account, Number: "900000000001", DisplayName: "conformance",
		ServicePolicies: map[string]*iampb.Policy{}, Policy: &iampb.Policy{}}
	for _, f := range e.Functions {
		base := "projects/" + e.Account + "/locations/" + e.Region
		sa := "fn-" + f.Name + "@" + e.Account + ".iam.gserviceaccount.com"
		fn := &functionspb.Function{
			Name:        base + "/functions/" + f.Name,
			Environment: functionspb.Environment_GEN_2,
			State:       functionspb.Function_ACTIVE,
			BuildConfig: &functionspb.BuildConfig{Runtime: "python312"},
			ServiceConfig: &functionspb.ServiceConfig{
				Service: base + "/services/" + f.Name, Uri: "https://" + f.Name + ".run.app",
				ServiceAccountEmail: sa, IngressSettings: functionspb.ServiceConfig_ALLOW_ALL,
			},
		}
		pol := &iampb.Policy{}
		if f.Public {
			pol.Bindings = append(pol.Bindings, &iampb.Binding{Role: "roles/run.invoker", Members: []string{"allUsers"}})
		}
		if f.ServicePinned {
			invoker := "pubsub-invoker@" + e.Account + ".iam.gserviceaccount.com"
			fn.EventTrigger = &functionspb.EventTrigger{
				EventType:           "google.cloud.pubsub.topic.v1.messagePublished",
				PubsubTopic:         "projects/" + e.Account + "/topics/uploads",
				ServiceAccountEmail: invoker,
			}
			pol.Bindings = append(pol.Bindings, &iampb.Binding{Role: "roles/run.invoker", Members: []string{"serviceAccount:" + invoker}})
		}
		if f.WildcardIdentity {
			p.Policy.Bindings = append(p.Policy.Bindings, &iampb.Binding{Role: "roles/owner", Members: []string{"serviceAccount:" + sa}})
		}
		p.FunctionsV2 = append(p.FunctionsV2, fn)
		p.Services = append(p.Services, &runpb.Service{Name: fn.ServiceConfig.Service})
		p.ServicePolicies[fn.ServiceConfig.Service] = pol
	}
	est := &gcpfake.Estate{
		PageSize:      e.PageSize,
		ThrottleFirst: e.ThrottleFirst,
		Projects:      []*gcpfake.Project{p},
		Roles: map[string][]string{
			"roles/run.invoker": {"run.routes.invoke"},
			"roles/owner":       {"resourcemanager.projects.setIamPolicy", "run.routes.invoke", "iam.serviceAccounts.actAs"},
		},
	}
	if e.DeniedAccount != "" {
		est.Projects = append(est.Projects, &gcpfake.Project{ID: e.DeniedAccount, Number: "900000000002", Denied: true})
	}
	return est
}

func newConformanceCollector(t *testing.T, e providertest.Estate) audit.Collector {
	srv, err := gcpfake.Start(conformanceEstate(e))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	projects := []string{e.Account}
	if e.DeniedAccount != "" {
		projects = append(projects, e.DeniedAccount)
	}
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
	return col
}
