package rules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// TestAzureControls: a power reaches an app through the app, its resource
// group, its subscription or a management group, never through a sibling; the
// app's own identities are left out.
func TestAzureControls(t *testing.T) {
	t.Parallel()
	sub := "/subscriptions/s1"
	rg := sub + "/resourceGroups/rg1"
	app := rg + "/providers/Microsoft.Web/sites/app1"
	fn := audit.Function{Provider: audit.Azure, Account: "s1", ID: app + "/functions/f", Identities: []string{"self"},
		Azure: &audit.AzureFunction{App: app}}
	ctl := func(id, target string) audit.Controller {
		return audit.Controller{Provider: audit.Azure, Principal: audit.ControlPrincipal{Kind: audit.ControllerUser, ID: id},
			Powers: []audit.ControlPower{{Kind: audit.ControlWriteApp, Targets: []string{target}}}}
	}
	inv := &audit.Inventory{Functions: []audit.Function{fn}, Controllers: []audit.Controller{
		ctl("app", strings.ToUpper(app)),
		ctl("rg", rg),
		ctl("sub", sub),
		ctl("mg", "/providers/Microsoft.Management/managementGroups/mg1"),
		ctl("sibling-app", rg+"/providers/Microsoft.Web/sites/app10"),
		ctl("sibling-rg", sub+"/resourceGroups/rg10"),
		ctl("other-sub", "/subscriptions/s2"),
		ctl("self", sub),
	}}
	var got []string
	rule := audit.Rule{ID: "T", Slug: "t", Provider: audit.Azure, Category: audit.PrivilegeEscalation, Severity: audit.Low,
		Check: func(pass *audit.Pass) {
			for _, hits := range azureControlByPrincipal(pass.Function, azureControls(pass)) {
				got = append(got, hits[0].Controller.Principal.ID)
			}
		}}
	audit.Analyze(inv, []audit.Rule{rule}, audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	slices.Sort(got)
	if s := strings.Join(got, " "); s != "app mg rg sub" {
		t.Errorf("controllers = %s, want app mg rg sub", s)
	}
}

func TestAzurePrincipalRank(t *testing.T) {
	t.Parallel()
	hit := func(role, id, target string) azureControlHit {
		return azureControlHit{Target: target, Power: &audit.ControlPower{Evidence: []audit.ControlEvidence{{Policy: role, PolicyID: id}}}}
	}
	owner := "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	contrib := "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"
	for _, tc := range []struct {
		name string
		hit  azureControlHit
		want int
	}{
		{"owner on the subscription", hit("Owner", owner, "/subscriptions/s1"), 3},
		{"owner on a resource group", hit("Owner", owner, "/subscriptions/s1/resourceGroups/rg"), 2},
		{"contributor on the subscription", hit("Contributor", contrib, "/subscriptions/s1"), 2},
		{"contributor on the app", hit("Contributor", contrib, "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/a"), 0},
	} {
		if got := azurePrincipalRank([]azureControlHit{tc.hit}); got != tc.want {
			t.Errorf("%s: rank %d, want %d", tc.name, got, tc.want)
		}
	}
}
