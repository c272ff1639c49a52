package rules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

func gcpTestBinding(role, scope, cond string, perms ...string) audit.Policy {
	return audit.Policy{Kind: audit.PolicyBinding, Name: role, ID: role, Scope: scope, Condition: cond,
		Grants: []audit.Grant{{Effect: audit.Allow, Actions: perms, Scope: scope}}}
}

func TestGCPIdentityPower(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		pols []audit.Policy
		want int
	}{
		{"owner", []audit.Policy{gcpTestBinding("roles/owner", "projects/p", "", "resourcemanager.projects.setIamPolicy")}, 3},
		{"editor", []audit.Policy{gcpTestBinding("roles/editor", "projects/p", "", "storage.buckets.delete")}, 2},
		{"token creator on the project", []audit.Policy{gcpTestBinding("roles/iam.serviceAccountTokenCreator", "projects/p", "", "iam.serviceAccounts.getAccessToken")}, 2},
		{"storage admin", []audit.Policy{gcpTestBinding("roles/storage.admin", "projects/p", "", "storage.buckets.create")}, 1},
		{"viewer", []audit.Policy{gcpTestBinding("roles/viewer", "projects/p", "", "storage.buckets.get", "cloudfunctions.functions.list")}, 0},
		{"expired owner", []audit.Policy{gcpTestBinding("roles/owner", "projects/p", `request.time < timestamp("2026-01-01T00:00:00Z")`, "resourcemanager.projects.setIamPolicy")}, 0},
		{"owner of one bucket is not project power", []audit.Policy{gcpTestBinding("roles/owner", "projects/_/buckets/b", "", "storage.objects.get")}, 0},
	} {
		got, _, _ := gcpIdentityPower(&audit.Identity{Policies: tc.pols}, now)
		if got != tc.want {
			t.Errorf("%s: rank %d, want %d", tc.name, got, tc.want)
		}
	}
	if r, _, _ := gcpIdentityPower(nil, now); r != 0 {
		t.Errorf("nil identity: rank %d", r)
	}
}

func TestGCPPrincipalRank(t *testing.T) {
	t.Parallel()
	hit := func(role, ref string) gcpControlHit {
		return gcpControlHit{Power: &audit.ControlPower{Evidence: []audit.ControlEvidence{{Policy: role, Source: audit.Source{Ref: ref}}}}}
	}
	for _, tc := range []struct {
		name string
		hits []gcpControlHit
		want int
	}{
		{"project owner", []gcpControlHit{hit("roles/owner", "projects/p")}, 3},
		{"folder editor", []gcpControlHit{hit("roles/editor", "folders/1")}, 2},
		{"owner of the service account only", []gcpControlHit{hit("roles/owner", "projects/p/serviceAccounts/a@p.iam.gserviceaccount.com")}, 0},
		{"developer", []gcpControlHit{hit("roles/cloudfunctions.developer", "projects/p")}, 0},
	} {
		if got := gcpPrincipalRank(tc.hits); got != tc.want {
			t.Errorf("%s: rank %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestGCPControls: powers reach a function through its id, its project or
// (identity kinds only) its service account; ended time bounds drop a power.
func TestGCPControls(t *testing.T) {
	t.Parallel()
	fn := audit.Function{Provider: audit.GCP, Account: "p", ID: "projects/p/locations/l/functions/f",
		GCP: &audit.GCPFunction{Generation: "2", ServiceAccount: "sa@p.iam.gserviceaccount.com"}}
	ctl := func(id string, kind audit.ControlKind, target string, cond ...string) audit.Controller {
		return audit.Controller{Provider: audit.GCP, Principal: audit.ControlPrincipal{Kind: audit.ControllerUser, ID: id},
			Powers: []audit.ControlPower{{Kind: kind, Targets: []string{target}, Conditions: cond}}}
	}
	inv := &audit.Inventory{Functions: []audit.Function{fn}, Controllers: []audit.Controller{
		ctl("user:a", audit.ControlUpdateFunction, fn.ID),
		ctl("user:b", audit.ControlUpdateFunction, "projects/p"),
		ctl("user:c", audit.ControlActAs, "sa@p.iam.gserviceaccount.com"),
		ctl("user:d", audit.ControlUpdateFunction, "projects/other"),
		ctl("user:e", audit.ControlActAs, "other@p.iam.gserviceaccount.com"),
		ctl("user:f", audit.ControlTokenCreator, "sa@p.iam.gserviceaccount.com", `request.time < timestamp("2020-01-01T00:00:00Z")`),
		ctl("user:g", audit.ControlUpdateFunction, "sa@p.iam.gserviceaccount.com"), // not an identity kind
		{Provider: audit.Azure, Principal: audit.ControlPrincipal{ID: "user:h"}, Powers: []audit.ControlPower{{Kind: audit.ControlWriteApp, Targets: []string{"projects/p"}}}},
	}}
	var got []string
	rule := audit.Rule{ID: "T", Slug: "t", Provider: audit.GCP, Category: audit.PrivilegeEscalation, Severity: audit.Low,
		Check: func(pass *audit.Pass) {
			for _, h := range gcpControls(pass) {
				got = append(got, h.Controller.Principal.ID)
			}
		}}
	audit.Analyze(inv, []audit.Rule{rule}, audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	want := "user:a user:b user:c"
	slices.Sort(got)
	if s := strings.Join(got, " "); s != want {
		t.Errorf("controls = %s, want %s", s, want)
	}
}
