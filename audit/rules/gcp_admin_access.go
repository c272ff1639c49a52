package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed gcp_admin_access.md
var gcpAdminAccessDoc string

// GCPAdminAccess reports Cloud Functions whose service account holds roles/owner,
// roles/editor, or a custom role that can rewrite a project, folder or
// organization IAM policy.
var GCPAdminAccess = audit.Rule{
	ID:       "FNA-GCP-003",
	Slug:     "gcp-admin-access",
	Category: audit.AdminAccess,
	Severity: audit.High,
	Provider: audit.GCP,
	Title:    "Cloud Function's service account has administrative access",
	Doc:      gcpAdminAccessDoc,
	Remediation: "Run the function as a dedicated service account and replace the Owner / Editor / IAM-admin " +
		"binding with predefined roles limited to the resources the function uses " +
		"(gcloud projects remove-iam-policy-binding PROJECT --member=serviceAccount:SA --role=ROLE); " +
		"use IAM Recommender to find the permissions it actually exercised.",
	References: []string{
		"https://cloud.google.com/iam/docs/roles-overview#basic",
		"https://cloud.google.com/functions/docs/securing/function-identity",
		"https://cloud.google.com/iam/docs/recommender-overview",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkGCPAdminAccess,
}

func checkGCPAdminAccess(pass *audit.Pass) {
	for _, ident := range pass.Identities() {
		for i := range ident.Policies {
			p := &ident.Policies[i]
			reason, sev, ok := gcpAdminPolicy(p)
			if !ok || !gcpGrantsNow(p.Condition, pass.Now) {
				continue
			}
			pass.Report(audit.Result{
				Key:      ident.ID + "|" + p.Name + "|" + p.Scope,
				Severity: sev,
				Title:    fmt.Sprintf("Cloud Function's service account holds %s on %s", p.Name, gcpScopeName(p.Scope)),
				Detail: fmt.Sprintf("Service account %s is bound to %s on %s (%s). Code running in the function, "+
					"or anyone who can change it, can administer everything in that scope.%s",
					ident.ID, p.Name, gcpScopeName(p.Scope), reason, gcpConditionNote(p.Condition, pass.Now)),
				Evidence: []audit.Evidence{gcpBindingEvidence(ident, p)},
			})
		}
	}
}
