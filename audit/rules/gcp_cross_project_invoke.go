package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed gcp_cross_project_invoke.md
var gcpCrossProjectInvokeDoc string

// GCPCrossProjectInvoke reports Cloud Functions that principals of another
// project may invoke: service accounts created in another project and
// projectOwner/Editor/Viewer members naming another project.
var GCPCrossProjectInvoke = audit.Rule{
	ID:       "FNA-GCP-002",
	Slug:     "gcp-cross-project-invoke",
	Category: audit.CrossAccountInvoke,
	Severity: audit.Medium,
	Provider: audit.GCP,
	Title:    "Cloud Function can be invoked from another project",
	Doc:      gcpCrossProjectInvokeDoc,
	Remediation: "Confirm the other project is yours and the caller needs the function; otherwise remove the " +
		"member from the invoker binding. List trusted projects with --trusted-accounts to silence known callers.",
	References: []string{
		"https://cloud.google.com/functions/docs/securing/managing-access-iam",
		"https://cloud.google.com/iam/docs/principal-identifiers",
	},
	Needs: []audit.DataKind{audit.DataAccess},
	Check: checkGCPCrossProjectInvoke,
}

// gcpPrincipalProject returns the project an invoker belongs to when the member
// names one: a user-managed or App Engine service account, or a projectOwner /
// projectEditor / projectViewer convenience member.
func gcpPrincipalProject(member string) string {
	if email, ok := strings.CutPrefix(member, "serviceAccount:"); ok {
		return gcpServiceAccountProject(email)
	}
	for _, prefix := range []string{"projectOwner:", "projectEditor:", "projectViewer:"} {
		if p, ok := strings.CutPrefix(member, prefix); ok {
			return p
		}
	}
	return ""
}

func checkGCPCrossProjectInvoke(pass *audit.Pass) {
	fn := pass.Function
	for i := range fn.Access {
		a := &fn.Access[i]
		if a.Effect != audit.Allow || a.Role == "" {
			continue
		}
		if a.Principal.Kind != audit.PrincipalSpecific && a.Principal.Kind != audit.PrincipalAccount {
			continue
		}
		other := gcpPrincipalProject(a.Principal.ID)
		if other == "" || other == fn.Account || pass.Trusted(other) {
			continue
		}
		pass.Report(audit.Result{
			Key:   a.Role + "|" + a.Principal.ID,
			Title: fmt.Sprintf("Cloud Function can be invoked by %s from project %s", a.Principal.ID, other),
			Detail: fmt.Sprintf("The function's IAM policy binds %s to %s, a principal of project %s; anyone who "+
				"controls that principal can invoke the function from outside project %s.%s",
				a.Role, a.Principal.ID, other, fn.Account, gcpConditionNote(a.Condition)),
			Evidence: []audit.Evidence{gcpAccessEvidence(a)},
		})
	}
}
