package rules

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/awsiam"
)

// awsIdentityRules lists the AWS rules about the function itself and its
// execution role: admin access, escalation, wildcards, runtime, secrets.
func awsIdentityRules() []audit.Rule {
	return []audit.Rule{AWSAdminAccess, AWSPrivilegeEscalation, AWSWildcardPermission,
		AWSDeprecatedRuntime, AWSPlaintextSecret}
}

// awsExecutionRoles returns the function's execution roles found in the
// inventory. A role the function names but the inventory lacks cannot be
// judged: it is reported as unknown, never as a pass.
func awsExecutionRoles(pass *audit.Pass) []*audit.Identity {
	fn := pass.Function
	names := fn.Identities
	if len(names) == 0 && fn.AWS != nil && fn.AWS.Role != "" {
		names = []string{fn.AWS.Role}
	}
	var out []*audit.Identity
	for _, name := range names {
		id := pass.Identity(name)
		if id == nil {
			pass.Report(audit.Result{
				Key:      "role",
				Status:   audit.StatusUnknown,
				Title:    "execution role could not be judged",
				Detail:   fmt.Sprintf("The function runs as %s, but the inventory has no permissions for that role.", name),
				Evidence: []audit.Evidence{{Source: fn.Source, Path: "Role", Fragment: name}},
			})
			continue
		}
		out = append(out, id)
	}
	return out
}

// awsRoleResults is a rule's verdict on one role: the results every function
// running as the role reports (they quote only the role's policies), or the
// problems that leave the verdict open.
type awsRoleResults struct {
	results  []audit.Result
	problems []string
}

// awsReportRole judges a role once per rule and analysis (the analyzer's memo),
// however many functions share it, and reports the verdict for the function
// under check. A role whose policies could not all be read and that shows no
// finding with the rest is reported as unknown: the verdict might change.
func awsReportRole(pass *audit.Pass, id *audit.Identity, judge func(*audit.Identity, *awsiam.Role) awsRoleResults) {
	v := pass.Memo(id.ID, func() any { return judge(id, awsiam.Analyze(id)) }).(awsRoleResults)
	for _, r := range v.results {
		pass.Report(r)
	}
	if len(v.results) == 0 && len(v.problems) > 0 {
		pass.Report(audit.Result{
			Key:      "policies",
			Status:   audit.StatusUnknown,
			Title:    "execution role policies could not all be judged",
			Detail:   fmt.Sprintf("Role %s: %s.", id.ID, strings.Join(v.problems, "; ")),
			Evidence: []audit.Evidence{{Source: id.Source, Path: "Policies"}},
		})
	}
}

// awsGrantEvidence quotes grants, each statement once.
func awsGrantEvidence(grants []awsiam.Grant) []audit.Evidence {
	out := make([]audit.Evidence, 0, len(grants))
	seen := map[string]bool{}
	for i := range grants {
		ev := grants[i].Evidence()
		k := ev.Source.Ref + "\x00" + ev.Path
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, ev)
	}
	return out
}

// awsGrantNames names grants for a detail: "AdministratorAccess Statement[0]".
func awsGrantNames(grants []awsiam.Grant) string {
	var names []string
	seen := map[string]bool{}
	for i := range grants {
		n := grants[i].Name()
		if c := grants[i].ConditionText(); c != "" {
			n += " (if " + c + ")"
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}
