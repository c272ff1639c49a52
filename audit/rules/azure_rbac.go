package rules

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// azureAssignment is one role assignment held by one of a function's managed
// identities.
type azureAssignment struct {
	Identity *audit.Identity
	Policy   *audit.Policy
	Level    catalog.AzureScopeLevel
}

// azureAssignments returns the role assignments of the function's identities and
// the ids of identities the inventory does not describe.
func azureAssignments(pass *audit.Pass) (out []azureAssignment, missing []string) {
	for _, id := range pass.Function.Identities {
		ident := pass.Identity(id)
		if ident == nil {
			missing = append(missing, id)
			continue
		}
		for i := range ident.Policies {
			p := &ident.Policies[i]
			if p.Kind != audit.PolicyRoleAssignment {
				continue
			}
			out = append(out, azureAssignment{Identity: ident, Policy: p, Level: catalog.AzureScopeOf(p.Scope)})
		}
	}
	return out, missing
}

// reportMissingAzureIdentities reports unknown when an identity of the function
// is absent from the inventory, and says whether it did.
func reportMissingAzureIdentities(pass *audit.Pass, missing []string) bool {
	if len(missing) == 0 {
		return false
	}
	pass.Report(audit.Result{
		Key:    "identities-unread",
		Status: audit.StatusUnknown,
		Title:  "not checked: " + pass.Rule.Title,
		Detail: "the role assignments of managed identit(ies) " + strings.Join(missing, ", ") + " are not in the inventory",
	})
	return true
}

// azureIdentityLabel names an identity for a finding's detail.
func azureIdentityLabel(ident *audit.Identity) string {
	kind := "managed identity"
	switch ident.Kind {
	case "azure-system-assigned":
		kind = "system-assigned managed identity"
	case "azure-user-assigned":
		kind = "user-assigned managed identity"
	}
	name := ident.Name
	if name == "" {
		name = ident.ID
	}
	return fmt.Sprintf("%s %s", kind, name)
}

// azureAssignmentKey identifies a finding about one assignment.
func azureAssignmentKey(a azureAssignment, suffix string) string {
	k := fmt.Sprintf("%s:%s@%s", a.Identity.ID, a.Policy.Name, a.Policy.Scope)
	if suffix != "" {
		k += "#" + suffix
	}
	return k
}

// azureAssignmentEvidence quotes the role assignment: role, definition id, scope
// and condition.
func azureAssignmentEvidence(a azureAssignment, extra string) audit.Evidence {
	frag := fmt.Sprintf("role %q (%s) at %s scope %s", a.Policy.Name, a.Policy.ID, a.Level, a.Policy.Scope)
	if a.Policy.Condition != "" {
		frag += " with condition " + a.Policy.Condition
	}
	if extra != "" {
		frag += "; " + extra
	}
	return audit.Evidence{
		Source:   a.Policy.Source,
		Path:     "roleAssignments[principalId=" + a.Identity.ID + "]",
		Fragment: frag,
	}
}

// azureAdminScope reports whether an administrative role at level is full
// control in the sense of admin-access: a subscription, a management group or
// the root. At resource-group or resource scope the same role is judged by what
// it can do there (privilege-escalation, wildcard-permission). An unclassified
// scope stays with admin-access, its scope quoted, rather than vanish.
func azureAdminScope(l catalog.AzureScopeLevel) bool {
	return l >= catalog.AzureScopeSubscription || l == catalog.AzureScopeUnknown
}

// azureReportedAsAdmin reports whether FNA-AZ-003 reports the assignment, so the
// other identity rules leave it to that finding.
func azureReportedAsAdmin(a azureAssignment) bool {
	if !azureAdminScope(a.Level) {
		return false
	}
	_, admin := azureAdminReason(a.Policy)
	return admin
}
