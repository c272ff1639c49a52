package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed gcp_wildcard_permission.md
var gcpWildcardPermissionDoc string

// GCPWildcardPermission reports Cloud Functions whose service account holds a
// service-wide role on a whole project, folder or organization: one whose
// permissions cover most of what a service can change (catalog.GCPServiceWide),
// or the basic Viewer role.
var GCPWildcardPermission = audit.Rule{
	ID:       "FNA-GCP-005",
	Slug:     "gcp-wildcard-permission",
	Category: audit.WildcardPermission,
	Severity: audit.Medium,
	Provider: audit.GCP,
	Title:    "Cloud Function's service account holds a service-wide role on the whole project",
	Doc:      gcpWildcardPermissionDoc,
	Remediation: "Replace the project-level admin role with a narrower predefined role (objectViewer instead of " +
		"storage.admin, publisher instead of pubsub.editor) and bind it on the specific bucket, topic, secret " +
		"or dataset the function uses rather than on the project.",
	References: []string{
		"https://cloud.google.com/iam/docs/using-iam-securely#least_privilege",
		"https://cloud.google.com/iam/docs/understanding-roles",
	},
	Needs: []audit.DataKind{audit.DataIdentity},
	Check: checkGCPWildcardPermission,
}

func checkGCPWildcardPermission(pass *audit.Pass) {
	for _, ident := range pass.Identities() {
		for i := range ident.Policies {
			p := &ident.Policies[i]
			if p.Kind != audit.PolicyBinding || !gcpGrantsNow(p.Condition, pass.Now) {
				continue
			}
			reason, ok := gcpBroadRoleReason(p)
			if !ok {
				continue
			}
			var sev audit.Severity
			switch gcpScopeLevel(p.Scope) {
			case "organization", "folder":
				sev = audit.High
			case "project":
				sev = audit.Medium
			default:
				// Bound on a single resource: that is what least privilege asks for.
				continue
			}
			pass.Report(audit.Result{
				Key:      ident.ID + "|" + p.Name + "|" + p.Scope,
				Severity: sev,
				Title:    fmt.Sprintf("Cloud Function's service account holds %s on %s", p.Name, p.Scope),
				Detail: fmt.Sprintf("Service account %s is bound to %s on the whole of %s (%s).%s",
					ident.ID, p.Name, p.Scope, reason, gcpConditionNote(p.Condition, pass.Now)),
				Evidence: []audit.Evidence{gcpBindingEvidence(ident, p)},
			})
		}
	}
}

// gcpBroadRoleReason decides from a binding's permissions (the role's
// permissions as collected, and for a predefined role its published ones)
// whether the role is service-wide, and says why with the numbers.
func gcpBroadRoleReason(p *audit.Policy) (string, bool) {
	if why, ok := catalog.GCPBasicViewer(p.Name); ok {
		return why, true
	}
	var perms []string
	for _, g := range p.Grants {
		if g.Effect == audit.Allow {
			perms = append(perms, g.Actions...)
		}
	}
	w, ok := catalog.GCPServiceWide(p.Name, perms)
	if !ok {
		return "", false
	}
	return w.Reason(), true
}
