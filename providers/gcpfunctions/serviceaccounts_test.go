package gcpfunctions

import (
	"slices"
	"testing"

	"cloud.google.com/go/iam/apiv1/iampb"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

// withServiceAccounts adds service accounts and their IAM policies to the
// scenario's production project: webhook@ holds Service Account User on
// deployer@ (another account) and Token Creator on itself.
func withServiceAccounts(denied ...string) *gcpfake.Estate {
	e := gcpfake.Scenario()
	webhook, deployer := gcpfake.SA("webhook"), gcpfake.SA("deployer")
	for _, p := range e.Projects {
		if p.ID != gcpfake.ProdProject {
			continue
		}
		p.ServiceAccounts = []string{deployer, gcpfake.SA("images"), webhook}
		p.ServiceAccountPolicies = map[string]*iampb.Policy{
			deployer: {Version: 3, Bindings: []*iampb.Binding{{Role: "roles/iam.serviceAccountUser", Members: []string{"serviceAccount:" + webhook}}}},
			webhook:  {Version: 3, Bindings: []*iampb.Binding{{Role: "roles/iam.serviceAccountTokenCreator", Members: []string{"serviceAccount:" + webhook}}}},
		}
		p.DeniedServiceAccounts = denied
	}
	e.Roles["roles/iam.serviceAccountUser"] = []string{"iam.serviceAccounts.actAs", "iam.serviceAccounts.get", "iam.serviceAccounts.list"}
	return e
}

// TestServiceAccountPolicies: grants made on a service account's own IAM policy
// reach the identity they name, through the real IAM admin client against the
// fake's google.iam.admin.v1.IAM service; the escalation rule reports the grant
// on another account and not the one on the function's own account.
func TestServiceAccountPolicies(t *testing.T) {
	col, srv := startCollector(t, withServiceAccounts(), gcpfake.ProdProject)
	inv := collect(t, col)
	if srv.Calls("ListServiceAccounts") < 2 {
		t.Errorf("ListServiceAccounts called %d times, want every page (3 accounts, pages of 2)", srv.Calls("ListServiceAccounts"))
	}
	var ident *audit.Identity
	for i := range inv.Identities {
		if inv.Identities[i].ID == gcpfake.SA("webhook") {
			ident = &inv.Identities[i]
		}
	}
	if ident == nil {
		t.Fatal("webhook identity missing")
	}
	var scopes []string
	for _, p := range ident.Policies {
		if p.Source.API == apiServiceAccountIAM {
			scopes = append(scopes, p.Name+"@"+p.Scope)
			if len(p.Grants) == 0 {
				t.Errorf("%s: role not expanded", p.Name)
			}
		}
	}
	want := []string{
		"roles/iam.serviceAccountTokenCreator@projects/" + gcpfake.ProdProject + "/serviceAccounts/" + gcpfake.SA("webhook"),
		"roles/iam.serviceAccountUser@projects/" + gcpfake.ProdProject + "/serviceAccounts/" + gcpfake.SA("deployer"),
	}
	slices.Sort(scopes)
	if !slices.Equal(scopes, want) {
		t.Errorf("service-account bindings = %v, want %v", scopes, want)
	}
	rep := audit.Analyze(inv, []audit.Rule{rules.GCPPrivilegeEscalation}, audit.Config{Now: testNow})
	var keys []string
	for _, f := range rep.Findings {
		if f.Function == "webhook-stripe" {
			keys = append(keys, f.Key)
		}
	}
	if !slices.Equal(keys, []string{gcpfake.SA("webhook") + "|sa-actas"}) {
		t.Errorf("webhook-stripe escalation findings = %v, want only sa-actas (on deployer@; Token Creator on itself is not escalation)", keys)
	}
}

// TestServiceAccountPolicyDenied: a denied getIamPolicy on a service account is a
// gap for the escalation verdict of the identities whose grants it could hold,
// never "no grants"; the other identity verdicts stand.
func TestServiceAccountPolicyDenied(t *testing.T) {
	col, _ := startCollector(t, withServiceAccounts(gcpfake.SA("deployer")), gcpfake.ProdProject)
	inv := collect(t, col)
	found := false
	for _, g := range inv.Gaps {
		if g.API == apiServiceAccountIAM && g.Resource == gcpfake.SA("webhook") && g.Data == audit.DataImpersonation && g.Reason == audit.GapAccessDenied {
			found = true
		}
	}
	if !found {
		t.Errorf("no access-denied identity gap for webhook@ naming %s; gaps: %+v", apiServiceAccountIAM, inv.Gaps)
	}
	rep := audit.Analyze(inv, []audit.Rule{rules.GCPPrivilegeEscalation, rules.GCPWildcardPermission}, audit.Config{Now: testNow})
	wildcard := false
	for _, f := range rep.Findings {
		if f.Function != "webhook-stripe" {
			continue
		}
		switch f.Rule {
		case rules.GCPPrivilegeEscalation.ID:
			if f.Status != audit.StatusUnknown {
				t.Errorf("webhook-stripe escalation: %s %s, want unknown", f.Status, f.Key)
			}
		case rules.GCPWildcardPermission.ID:
			wildcard = wildcard || f.Status == audit.StatusFail // storage.admin on the project
		}
	}
	if !wildcard {
		t.Error("the wildcard verdict must not be lost to the service-account gap")
	}
}

// TestServiceAccountPermissionsListed: the service-account calls are in the
// auditor's permission list.
func TestServiceAccountPermissionsListed(t *testing.T) {
	for _, api := range []string{apiListServiceAccounts, apiServiceAccountIAM} {
		if !slices.Contains(Permissions(), api) {
			t.Errorf("Permissions lacks %s", api)
		}
	}
}
