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
// project may invoke — service accounts created in another project and
// projectOwner/Editor/Viewer members naming another project — and, when the
// organization's domain is known, users, groups and domains of other domains.
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

// gcpMemberDomain returns the e-mail or domain of a user:, group: or domain:
// member, lower-cased; "" for other members.
func gcpMemberDomain(member string) string {
	for _, prefix := range []string{"user:", "group:"} {
		if email, ok := strings.CutPrefix(member, prefix); ok {
			if at := strings.LastIndexByte(email, '@'); at >= 0 {
				return strings.ToLower(email[at+1:])
			}
			return ""
		}
	}
	if d, ok := strings.CutPrefix(member, "domain:"); ok {
		return strings.ToLower(d)
	}
	return ""
}

// gcpSameDomain reports whether domain is the organization's domain or one of
// its subdomains.
func gcpSameDomain(domain, org string) bool {
	org = strings.ToLower(org)
	return domain == org || strings.HasSuffix(domain, "."+org)
}

func checkGCPCrossProjectInvoke(pass *audit.Pass) {
	fn := pass.Function
	orgDomain := ""
	if fn.GCP != nil {
		orgDomain = fn.GCP.OrganizationDomain
	}
	for i := range fn.Access {
		a := &fn.Access[i]
		if a.Effect != audit.Allow || a.Role == "" || !gcpGrantsNow(a.Condition, pass.Now) {
			continue // an expired time-bound binding grants nothing
		}
		if d := gcpMemberDomain(a.Principal.ID); d != "" {
			if orgDomain == "" || gcpSameDomain(d, orgDomain) || pass.Trusted(d) {
				continue
			}
			pass.Report(audit.Result{
				Key:   a.Role + "|" + a.Principal.ID,
				Title: fmt.Sprintf("Cloud Function can be invoked by %s from outside %s", a.Principal.ID, orgDomain),
				Detail: fmt.Sprintf("The function's IAM policy binds %s to %s, whose domain %s is not the organization's "+
					"domain %s; that identity is managed outside your organization.%s",
					a.Role, a.Principal.ID, d, orgDomain, gcpConditionNote(a.Condition, pass.Now)),
				Evidence: []audit.Evidence{gcpAccessEvidence(a)},
			})
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
				a.Role, a.Principal.ID, other, fn.Account, gcpConditionNote(a.Condition, pass.Now)),
			Evidence: []audit.Evidence{gcpAccessEvidence(a)},
		})
	}
}
