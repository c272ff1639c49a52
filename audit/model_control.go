package audit

import (
	"encoding/json"
	"sort"
	"strings"
)

// Who can change a function: the principals that can rewrite its code or
// settings, change who may invoke it, or obtain its identity without touching
// it. The model has two halves:
//
//   - the provider-neutral verdict, Controller: a principal and its powers
//     (what it can do, to which resources, through which statements). A
//     collector that judges control at collection time stores them in
//     Inventory.Controllers; audit/control derives them for AWS from the
//     account's authorization details, so analyze recomputes them from the
//     inventory alone;
//   - the provider facts the derivation needs: for AWS, Account.AWS
//     (AWSAccount: users, groups, roles and managed policy documents as
//     iam:GetAccountAuthorizationDetails returns them, each managed
//     document stored once and referenced by ARN).

// Controller is one principal that can control functions, with its powers.
type Controller struct {
	Provider  Provider         `json:"provider"`
	Principal ControlPrincipal `json:"principal"`
	// Powers are what the principal can do, each with the resources it
	// reaches and the statements that allow it.
	Powers []ControlPower `json:"powers"`
}

// ControlPrincipal names who controls: a user, the members of a group, a role,
// a service account, another account, anyone.
type ControlPrincipal struct {
	Kind ControllerKind `json:"kind"`
	// ID is the provider-native principal: a user / role / group ARN, an
	// account id, "*", "serviceAccount:x@p.iam.gserviceaccount.com", an
	// Entra object id.
	ID string `json:"id"`
	// Name is a display name (the user, role or group name).
	Name string `json:"name,omitempty"`
	// Account is the AWS account, GCP project or Azure tenant the principal
	// belongs to, when known; a principal of another account than the
	// function's is a cross-account controller.
	Account string `json:"account,omitempty"`
	// Members lists, for a group-member controller, the members that hold the
	// powers through the group (their ids), and MemberCount how many there are
	// (MemberCount may exceed len(Members) when a collector truncates).
	Members     []string `json:"members,omitempty"`
	MemberCount int      `json:"memberCount,omitempty"`
}

// ControlPower is one kind of control a principal holds.
type ControlPower struct {
	Kind ControlKind `json:"kind"`
	// Actions are the exact provider-native actions that make up the power,
	// e.g. ["lambda:UpdateFunctionCode"] or ["iam:PassRole",
	// "lambda:CreateFunction", "lambda:InvokeFunction"].
	Actions []string `json:"actions"`
	// Targets are the resources the power reaches: ARN patterns (AWS, with
	// IAM wildcards), resource names or scopes (GCP, Azure: a scope covers
	// every resource under it). For identity kinds (assume-identity,
	// pass-identity) the targets are identities (role ARNs, service accounts).
	Targets []string `json:"targets,omitempty"`
	// Except are resources carved out of Targets: NotResource patterns and
	// unconditional Deny statements.
	Except []string `json:"except,omitempty"`
	// Conditions are the conditions the audit took as satisfiable, rendered
	// provider-natively (`StringEquals aws:RequestedRegion=[eu-west-1]`, a
	// CEL expression); empty when the power is unconditional.
	Conditions []string `json:"conditions,omitempty"`
	// Evidence are the statements, bindings or assignments that grant it.
	Evidence []ControlEvidence `json:"evidence,omitempty"`
}

// ControlEvidence is one statement (binding, assignment) behind a power.
type ControlEvidence struct {
	// Policy is the policy, role or role definition name; PolicyID its ARN or id.
	Policy   string     `json:"policy"`
	PolicyID string     `json:"policyId,omitempty"`
	Kind     PolicyKind `json:"kind,omitempty"`
	// Via names how the principal holds the policy when not directly, e.g.
	// "group developers", "trust policy", "function policy".
	Via string `json:"via,omitempty"`
	// Statement names the statement inside the policy: "Sid=X" or its
	// index "2"; the binding's role or the assignment id elsewhere.
	Statement string   `json:"statement,omitempty"`
	Actions   []string `json:"actions,omitempty"`
	Source    Source   `json:"source"`
}

// AWSAccount holds an AWS account's authorization details: what audit/control
// needs to say who can change the account's functions. Secrets (access keys,
// passwords, login profiles) are never read.
type AWSAccount struct {
	Users  []AWSPrincipal `json:"users,omitempty"`
	Groups []AWSPrincipal `json:"groups,omitempty"`
	Roles  []AWSPrincipal `json:"roles,omitempty"`
	// Policies are the managed policies attached anywhere in the account,
	// each once, with the document of its default version; principals refer
	// to them by ARN.
	Policies []Policy `json:"policies,omitempty"`
	Source   Source   `json:"source"`
}

// AWSPrincipal is an IAM user, group or role of an account.
type AWSPrincipal struct {
	ARN  string `json:"arn"`
	Name string `json:"name,omitempty"`
	// Inline are the principal's inline policies, with their documents.
	Inline []Policy `json:"inline,omitempty"`
	// Attached are the ARNs of its attached managed policies (documents in
	// AWSAccount.Policies).
	Attached []string `json:"attached,omitempty"`
	// Boundary is the ARN of its permissions boundary, if any (users, roles).
	Boundary string `json:"boundary,omitempty"`
	// Groups are the names of the groups a user belongs to.
	Groups []string `json:"groups,omitempty"`
	// Trust is a role's trust policy document.
	Trust json.RawMessage `json:"trust,omitempty"`
	// ServiceLinked marks a service-linked role (path /aws-service-role/):
	// only its service can assume it.
	ServiceLinked bool   `json:"serviceLinked,omitempty"`
	Source        Source `json:"source"`
}

// SCPNotApplied is the report warning given when control paths were judged
// from an account's authorization details: organization policies are not
// readable from a member account, so every path is an upper bound.
const SCPNotApplied = "who can change a function was judged without service control policies and resource control policies (not readable from a member account): control paths are upper bounds"

// controlWarnings returns the report warnings about control verdicts: that
// organization policies were not applied, and which AWS accounts with
// functions have no authorization details (so who can change their
// functions was not judged).
func controlWarnings(inv *Inventory) []string {
	var out []string
	withDetails := map[string]bool{}
	for i := range inv.Accounts {
		if a := &inv.Accounts[i]; a.Provider == AWS && a.AWS != nil {
			withDetails[a.ID] = true
		}
	}
	if len(withDetails) > 0 {
		out = append(out, SCPNotApplied)
	}
	missing := map[string]bool{}
	for i := range inv.Functions {
		if fn := &inv.Functions[i]; fn.Provider == AWS && !withDetails[fn.Account] {
			missing[fn.Account] = true
		}
	}
	if len(missing) > 0 {
		ids := make([]string, 0, len(missing))
		for id := range missing {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		out = append(out, unjudgedWarning(ids))
	}
	return out
}

const (
	unjudgedPrefix = "who can change a function was not judged in AWS account(s) "
	unjudgedSuffix = ": the inventory holds no IAM authorization details for them (an older collection, or iam:GetAccountAuthorizationDetails failed; see the gaps)"
)

// unjudgedWarning is the warning naming the AWS accounts (sorted ids) whose
// functions' control was not judged.
func unjudgedWarning(ids []string) string {
	return unjudgedPrefix + strings.Join(ids, ", ") + unjudgedSuffix
}

// unjudgedAccounts returns the account ids an unjudgedWarning names, and
// whether w is one.
func unjudgedAccounts(w string) ([]string, bool) {
	ids, ok := strings.CutPrefix(w, unjudgedPrefix)
	if !ok {
		return nil, false
	}
	if ids, ok = strings.CutSuffix(ids, unjudgedSuffix); !ok || ids == "" {
		return nil, false
	}
	return strings.Split(ids, ", "), true
}

// FunctionControl says, in a report, who can change one function: the
// principals that can change its code, configuration or invoke policy, or take
// its identity (computed by audit/control from the inventory).
type FunctionControl struct {
	// Function is the function's id (ARN, resource name, ARM id).
	Function string   `json:"function"`
	Name     string   `json:"name"`
	Provider Provider `json:"provider"`
	Account  string   `json:"account"`
	Region   string   `json:"region,omitempty"`
	// Judged is false when the inventory lacks what the verdict needs (AWS
	// authorization details, GCP / Azure controllers): then an empty list
	// means "not read", not "nobody".
	Judged      bool                 `json:"judged"`
	Controllers []FunctionController `json:"controllers,omitempty"`
}

// FunctionController is one principal that can change a function, with the
// kinds of control it holds.
type FunctionController struct {
	Principal ControlPrincipal `json:"principal"`
	Kinds     []ControlKind    `json:"kinds"`
	// Conditional is set when some power holds only under conditions the
	// audit took as satisfiable.
	Conditional bool `json:"conditional,omitempty"`
}
