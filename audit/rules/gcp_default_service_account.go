package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed gcp_default_service_account.md
var gcpDefaultServiceAccountDoc string

// GCPDefaultServiceAccount reports Cloud Functions that run as the project's
// default compute or App Engine service account.
var GCPDefaultServiceAccount = audit.Rule{
	ID:       "FNA-GCP-008",
	Slug:     "gcp-default-service-account",
	Category: audit.AdminAccess,
	Severity: audit.Medium,
	Provider: audit.GCP,
	Title:    "Cloud Function runs as a default service account",
	Doc:      gcpDefaultServiceAccountDoc,
	Remediation: "Create a user-managed service account for the function, grant it only the roles the function " +
		"needs, and redeploy with --service-account; then remove roles/editor from the default account " +
		"(or enforce the iam.automaticIamGrantsForDefaultServiceAccounts organization policy).",
	References: []string{
		"https://cloud.google.com/functions/docs/securing/function-identity",
		"https://cloud.google.com/iam/docs/service-account-types#default",
		"https://cloud.google.com/resource-manager/docs/organization-policy/restricting-service-accounts",
	},
	Check: checkGCPDefaultServiceAccount,
}

func checkGCPDefaultServiceAccount(pass *audit.Pass) {
	fn := pass.Function
	if fn.GCP == nil || fn.GCP.ServiceAccount == "" {
		return
	}
	ident := pass.Identity(fn.GCP.ServiceAccount)
	if !fn.GCP.DefaultServiceAccount && (ident == nil || !ident.Default) {
		return
	}
	kind := "default Compute Engine service account"
	if fn.GCP.Generation == "1" || gcpServiceAccountProject(fn.GCP.ServiceAccount) != "" {
		kind = "default App Engine service account"
	}
	ev := []audit.Evidence{{Source: fn.Source, Path: "serviceAccountEmail", Fragment: fn.GCP.ServiceAccount}}
	sev := audit.Medium
	detail := fmt.Sprintf("The function runs as %s, the project's %s, which every function and VM without an "+
		"explicit account shares", fn.GCP.ServiceAccount, kind)
	if ident != nil {
		for i := range ident.Policies {
			p := &ident.Policies[i]
			if p.Kind == audit.PolicyBinding && (p.Name == "roles/editor" || p.Name == "roles/owner") {
				sev = audit.High
				detail += fmt.Sprintf(" and which still holds %s on %s (granted to default accounts automatically)", p.Name, gcpScopeName(p.Scope))
				ev = append(ev, gcpBindingEvidence(ident, p))
				break
			}
		}
	}
	pass.Report(audit.Result{
		Key:      fn.GCP.ServiceAccount,
		Severity: sev,
		Detail:   detail + ".",
		Evidence: ev,
	})
}
