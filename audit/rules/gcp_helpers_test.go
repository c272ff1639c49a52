package rules

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

func TestGCPPublicSeverity(t *testing.T) {
	for _, tc := range []struct {
		kind    audit.PrincipalKind
		ingress string
		want    audit.Severity
	}{
		{audit.PrincipalPublic, "ALLOW_ALL", audit.Critical},
		{audit.PrincipalPublic, "", audit.Critical},
		{audit.PrincipalPublic, "ALLOW_INTERNAL_AND_GCLB", audit.High},
		{audit.PrincipalPublic, "ALLOW_INTERNAL_ONLY", audit.Medium},
		// Anyone can create a Google account: allAuthenticatedUsers is as
		// public as allUsers (docs/rules.md, Severity).
		{audit.PrincipalAnyAuthenticated, "ALLOW_ALL", audit.Critical},
		{audit.PrincipalAnyAuthenticated, "ALLOW_INTERNAL_AND_GCLB", audit.High},
		{audit.PrincipalAnyAuthenticated, "ALLOW_INTERNAL_ONLY", audit.Medium},
	} {
		fn := &audit.Function{GCP: &audit.GCPFunction{Ingress: tc.ingress}}
		if got := gcpPublicSeverity(tc.kind, gcpIngressOf(fn)); got != tc.want {
			t.Errorf("%s with %q: got %s, want %s", tc.kind, tc.ingress, got, tc.want)
		}
	}
}

func TestGCPAdminPolicy(t *testing.T) {
	grant := func(perms ...string) []audit.Grant { return []audit.Grant{{Effect: audit.Allow, Actions: perms}} }
	for _, tc := range []struct {
		name   string
		policy audit.Policy
		want   audit.Severity
	}{
		// Administrative power is high, not critical: it is not exploitable
		// from outside by itself (docs/rules.md, Severity).
		{"owner", audit.Policy{Kind: audit.PolicyBinding, Name: "roles/owner"}, audit.High},
		{"editor", audit.Policy{Kind: audit.PolicyBinding, Name: "roles/editor"}, audit.High},
		{"custom setIamPolicy", audit.Policy{Kind: audit.PolicyBinding, Name: "projects/p/roles/x",
			Grants: grant("resourcemanager.projects.setIamPolicy")}, audit.High},
		{"custom org setIamPolicy", audit.Policy{Kind: audit.PolicyBinding, Name: "organizations/1/roles/x",
			Grants: grant("resourcemanager.organizations.setIamPolicy")}, audit.High},
		{"custom read only", audit.Policy{Kind: audit.PolicyBinding, Name: "projects/p/roles/x",
			Grants: grant("resourcemanager.projects.getIamPolicy")}, ""},
		{"predefined iam admin is escalation, not admin", audit.Policy{Kind: audit.PolicyBinding,
			Name: "roles/resourcemanager.projectIamAdmin", Grants: grant("resourcemanager.projects.setIamPolicy")}, ""},
		{"not a binding", audit.Policy{Kind: audit.PolicyInline, Name: "roles/owner"}, ""},
	} {
		_, got, _ := gcpAdminPolicy(&tc.policy)
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestGCPPrincipalProject(t *testing.T) {
	for member, want := range map[string]string{
		"serviceAccount:batch@acme-shared-999.iam.gserviceaccount.com":   "acme-shared-999",
		"serviceAccount:acme-prod-123@appspot.gserviceaccount.com":       "acme-prod-123",
		"serviceAccount:123-compute@developer.gserviceaccount.com":       "",
		"serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com": "",
		"projectViewer:partner-42":                                       "partner-42",
		"user:alice@example.com":                                         "",
		"domain:example.com":                                             "",
	} {
		if got := gcpPrincipalProject(member); got != want {
			t.Errorf("gcpPrincipalProject(%q) = %q, want %q", member, got, want)
		}
	}
}

func TestGCPScopeLevel(t *testing.T) {
	for scope, want := range map[string]string{
		"organizations/1":              "organization",
		"folders/2":                    "folder",
		"projects/p":                   "project",
		"projects/_/buckets/b":         "resource",
		"projects/p/serviceAccounts/x": "resource",
		"":                             "resource",
	} {
		if got := gcpScopeLevel(scope); got != want {
			t.Errorf("gcpScopeLevel(%q) = %q, want %q", scope, got, want)
		}
	}
}
