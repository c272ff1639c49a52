package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Shared helpers of the GCP rules. They are pure functions over the model and are
// tested in gcp_helpers_test.go.

// gcpIngress classifies a function's ingress setting. An empty or unknown value is
// treated as ALLOW_ALL, the platform default.
type gcpIngress int

const (
	gcpIngressAll gcpIngress = iota
	gcpIngressInternalAndLB
	gcpIngressInternal
)

func gcpIngressOf(fn *audit.Function) gcpIngress {
	if fn.GCP == nil {
		return gcpIngressAll
	}
	switch strings.ToUpper(fn.GCP.Ingress) {
	case "ALLOW_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_ONLY":
		return gcpIngressInternal
	case "ALLOW_INTERNAL_AND_GCLB", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER":
		return gcpIngressInternalAndLB
	}
	return gcpIngressAll
}

// gcpLower lowers a severity by n steps, never below low.
func gcpLower(s audit.Severity, n int) audit.Severity {
	order := []audit.Severity{audit.Critical, audit.High, audit.Medium, audit.Low}
	for i, v := range order {
		if v == s {
			j := i + n
			if j >= len(order) {
				j = len(order) - 1
			}
			return order[j]
		}
	}
	return s
}

// gcpPublicSeverity is the severity of a function any caller of the given kind
// can invoke, given its ingress: anyone on the internet and any Google account
// (allAuthenticatedUsers: anyone can create one, as anyone can open the AWS
// account FNA-AWS-001 rates critical) are critical alike; an
// internal-and-load-balancer ingress lowers it one step and an internal-only
// ingress two steps (the caller must already be inside the project's networks
// or VPC Service Controls perimeter, but needs no identity). The kind no
// longer changes the result; callers still name it.
func gcpPublicSeverity(_ audit.PrincipalKind, ingress gcpIngress) audit.Severity {
	sev := audit.Critical
	switch ingress {
	case gcpIngressInternalAndLB:
		sev = gcpLower(sev, 1)
	case gcpIngressInternal:
		sev = gcpLower(sev, 2)
	}
	return sev
}

func gcpIngressPhrase(fn *audit.Function) string {
	switch gcpIngressOf(fn) {
	case gcpIngressInternal:
		return "ingress is internal-only, so callers must come from the project's VPC networks or perimeter"
	case gcpIngressInternalAndLB:
		return "ingress allows internal traffic and Cloud Load Balancing, so exposure depends on the load balancer"
	}
	return "ingress allows all traffic, so the call can come from anywhere on the internet"
}

// gcpIngressEvidence quotes the function's ingress setting.
func gcpIngressEvidence(fn *audit.Function) audit.Evidence {
	v := ""
	if fn.GCP != nil {
		v = fn.GCP.Ingress
	}
	if v == "" {
		v = "ALLOW_ALL (default)"
	}
	return audit.Evidence{Source: fn.Source, Path: "ingressSettings", Fragment: v}
}

// gcpAccessEvidence quotes an IAM binding member of the function's policy.
func gcpAccessEvidence(a *audit.Access) audit.Evidence {
	frag := fmt.Sprintf("role=%s member=%s", a.Role, a.Principal.ID)
	if a.Condition != "" {
		frag += " condition=" + a.Condition
	}
	return audit.Evidence{Source: a.Source, Path: "bindings[role=" + a.Role + "].members", Fragment: frag}
}

// gcpBindingEvidence quotes a role binding of a service account.
func gcpBindingEvidence(ident *audit.Identity, p *audit.Policy) audit.Evidence {
	frag := fmt.Sprintf("role=%s member=serviceAccount:%s", p.Name, ident.ID)
	if p.Scope != "" {
		frag += " scope=" + p.Scope
	}
	if p.Condition != "" {
		frag += " condition=" + p.Condition
	}
	return audit.Evidence{Source: p.Source, Path: "bindings[role=" + p.Name + "]", Fragment: frag}
}

// gcpScopeName is a readable name of a binding scope.
func gcpScopeName(scope string) string {
	if scope == "" {
		return "an unknown scope"
	}
	return scope
}

// gcpAdminPolicy reports whether a role binding at project, folder or
// organization level (or an unrecorded scope) gives full administrative power
// and why: the basic Owner (critical) or Editor (high) role, or a custom role
// that can rewrite a project, folder or organization IAM policy (critical).
func gcpAdminPolicy(p *audit.Policy) (reason string, sev audit.Severity, ok bool) {
	if p.Kind != audit.PolicyBinding {
		return "", "", false
	}
	if p.Scope != "" && gcpScopeLevel(p.Scope) == "resource" {
		// Owner on one service account or bucket administers that resource,
		// not the project: FNA-GCP-004 judges what it allows there.
		return "", "", false
	}
	if r, ok := catalog.GCPAdminRoleFor(p.Name); ok {
		return r.Reason, audit.High, true
	}
	if !catalog.IsGCPCustomRole(p.Name) && !catalog.IsGCPCustomRole(p.ID) {
		return "", "", false
	}
	for _, perm := range catalog.GCPIAMAdminPermissions() {
		if gcpGrantsPermission(p, perm) {
			return "custom role with " + perm + ": can grant itself any role", audit.High, true
		}
	}
	return "", "", false
}

// gcpGrantsPermission reports whether an Allow grant of p lists perm.
func gcpGrantsPermission(p *audit.Policy, perm string) bool {
	for _, g := range p.Grants {
		if g.Effect != audit.Allow {
			continue
		}
		for _, a := range g.Actions {
			if a == perm {
				return true
			}
		}
	}
	return false
}

// gcpConditionNote describes a binding condition for a finding's detail, with
// its time bounds evaluated at now (gcpConditionAt).
func gcpConditionNote(cond string, now time.Time) string {
	switch st, why := gcpConditionAt(cond, now); st {
	case gcpCondNone:
		return ""
	case gcpCondHolds:
		return " The binding is conditional (" + cond + "); " + why + ", so it applies now."
	case gcpCondNever:
		return " The binding is conditional (" + cond + "); " + why + ", so it grants nothing now."
	}
	return " The binding is conditional (" + cond + "); the condition may be satisfiable, and the binding applies whenever it holds."
}

// gcpServiceAccountProject returns the project id embedded in a user-managed
// service account email (name@PROJECT.iam.gserviceaccount.com) or the App Engine
// default account (PROJECT@appspot.gserviceaccount.com); "" when the email has
// neither form (Google-managed service agents, default compute accounts).
func gcpServiceAccountProject(email string) string {
	at := strings.LastIndex(email, "@")
	if at < 0 {
		return ""
	}
	local, domain := email[:at], email[at+1:]
	if p, ok := strings.CutSuffix(domain, ".iam.gserviceaccount.com"); ok {
		if strings.HasPrefix(p, "gcp-sa-") {
			return "" // a Google-managed service agent, not a project
		}
		return p
	}
	if domain == "appspot.gserviceaccount.com" {
		return local
	}
	return ""
}

// gcpScopeLevel classifies a binding scope: "organization" (organizations/N),
// "folder" (folders/N), "project" (projects/P) or "resource" (anything longer,
// such as projects/_/buckets/B or a service account).
func gcpScopeLevel(scope string) string {
	parts := strings.Split(scope, "/")
	if len(parts) != 2 || parts[1] == "" {
		return "resource"
	}
	switch parts[0] {
	case "organizations":
		return "organization"
	case "folders":
		return "folder"
	case "projects":
		return "project"
	}
	return "resource"
}

// gcpScopeServiceAccount returns the service account email of a binding made on
// a service account resource (projects/P/serviceAccounts/EMAIL, P may be "-"),
// "" for any other scope.
func gcpScopeServiceAccount(scope string) string {
	i := strings.Index(scope, "/serviceAccounts/")
	if i < 0 || !strings.HasPrefix(scope, "projects/") {
		return ""
	}
	sa := scope[i+len("/serviceAccounts/"):]
	if sa == "" || strings.Contains(sa, "/") {
		return ""
	}
	return sa
}

// gcpServiceAccountPermission reports whether a permission acts on a service
// account or its keys, the only ones a binding on a service account can use.
func gcpServiceAccountPermission(perm string) bool {
	return strings.HasPrefix(perm, "iam.serviceAccounts.") || strings.HasPrefix(perm, "iam.serviceAccountKeys.")
}

// gcpHasHTTPTrigger reports whether the function has an HTTPS entry point.
func gcpHasHTTPTrigger(fn *audit.Function) bool {
	for _, t := range fn.Triggers {
		if t.Kind == audit.TriggerHTTPURL {
			return true
		}
	}
	return false
}
