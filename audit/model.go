package audit

import (
	"encoding/json"
	"slices"
	"time"
)

// InventorySchema is the value of Inventory.Schema for this version of the model.
// Inventories are always written with it.
const InventorySchema = "fnaudit.inventory/v2"

// InventorySchemaV1 is the previous version, still read: a v1 inventory is a v2
// inventory without front doors, and reading one upgrades its Schema to v2.
const InventorySchemaV1 = "fnaudit.inventory/v1"

// Inventory is everything a collection saw: functions, their execution identities,
// and what could not be read. It is plain data: it round-trips through JSON, so one
// can collect once and analyze many times, or merge inventories collected in parallel.
type Inventory struct {
	Schema      string     `json:"schema"`
	GeneratedAt time.Time  `json:"generatedAt"`
	Accounts    []Account  `json:"accounts,omitempty"`
	Functions   []Function `json:"functions"`
	Identities  []Identity `json:"identities,omitempty"`
	// FrontDoors are the entry points that forward to functions (v2).
	FrontDoors []FrontDoor `json:"frontDoors,omitempty"`
	// Controllers are the principals that can change functions or take their
	// identity, as judged by a collector (v2, optional; see model_control.go).
	Controllers []Controller `json:"controllers,omitempty"`
	Gaps        []Gap        `json:"gaps,omitempty"`
}

// Account is one audited scope: an AWS account, a GCP project or an Azure subscription.
type Account struct {
	Provider Provider `json:"provider"`
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	// OrgID is the AWS organization id (o-...), GCP organization (organizations/N) or
	// Azure tenant id the account belongs to, when known.
	OrgID string `json:"orgId,omitempty"`
	// Regions lists the regions / locations that were audited.
	Regions []string `json:"regions,omitempty"`
	// AWS holds the account's IAM authorization details (users, groups,
	// roles, managed policies) when they were read (v2, optional).
	AWS *AWSAccount `json:"aws,omitempty"`
}

// Source says where an element of the model came from, so a finding can quote it.
type Source struct {
	// API is the call that returned the data, e.g. "lambda:GetPolicy",
	// "run.services.getIamPolicy", "Microsoft.Web/sites/config/read".
	API string `json:"api,omitempty"`
	// Ref is the ARN / resource name / ARM id of the object read.
	Ref string `json:"ref,omitempty"`
}

// Function is one serverless function (an AWS Lambda function, a GCP Cloud Function,
// or one function of an Azure Function App).
type Function struct {
	Provider Provider `json:"provider"`
	// Account is the AWS account id, GCP project id or Azure subscription id.
	Account string `json:"account"`
	Region  string `json:"region"`
	Name    string `json:"name"`
	// ID is the function's stable id: ARN, full resource name or ARM id.
	ID string `json:"id"`
	// Runtime is the provider's runtime identifier (python3.12, nodejs20, node|20 ...);
	// empty for container images.
	Runtime string `json:"runtime,omitempty"`
	// PackageType is Zip or Image (AWS), source or container elsewhere.
	PackageType string `json:"packageType,omitempty"`
	// URL is the function's HTTPS endpoint, when it has one.
	URL         string            `json:"url,omitempty"`
	Description string            `json:"description,omitempty"`
	Environment []EnvVar          `json:"environment,omitempty"`
	Triggers    []Trigger         `json:"triggers,omitempty"`
	Access      []Access          `json:"access,omitempty"`
	Identities  []string          `json:"identities,omitempty"` // Identity.ID values
	Tags        map[string]string `json:"tags,omitempty"`
	// FrontDoors are the ids of the front doors that forward to the function
	// (FrontDoor.ID values; v2), kept in step by LinkFrontDoors.
	FrontDoors []string `json:"frontDoors,omitempty"`

	// Provider-specific facts the rules need; exactly the one matching Provider
	// may be set.
	AWS   *AWSFunction   `json:"aws,omitempty"`
	GCP   *GCPFunction   `json:"gcp,omitempty"`
	Azure *AzureFunction `json:"azure,omitempty"`

	Source Source `json:"source"`
}

// EnvVar is an environment variable (app setting) by name. Its value is never
// stored: the collector inspects it and records only its verdict and, for a
// suspected secret, a masked hint (see Hint).
type EnvVar struct {
	Name    string       `json:"name"`
	Verdict ValueVerdict `json:"verdict"`
	// Detector names what matched, e.g. "aws-access-key", "private-key",
	// "secretsmanager-arn", "keyvault-reference".
	Detector string `json:"detector,omitempty"`
	// Hint says what kind of secret was found, how long it is and, when it
	// starts with a public type marker (AKIA, ghp_, xoxb-, a PEM header),
	// that marker; nothing else of the value, e.g. "AKIA**** (cloud-key,
	// 20 characters)" or "**** (password, 15 characters)". Inventories
	// written by older versions hold the first four characters; the rules
	// show such hints through secrets.SafeHint.
	Hint string `json:"hint,omitempty"`
}

// Trigger is something that invokes the function.
type Trigger struct {
	Kind TriggerKind `json:"kind"`
	// Service names the invoking service, e.g. "s3.amazonaws.com", "pubsub", "timer".
	Service string `json:"service,omitempty"`
	// SourceID is the ARN / resource name of the source (bucket, topic, queue, API).
	SourceID string `json:"sourceId,omitempty"`
	// Auth says how callers of this entry point authenticate.
	Auth AuthKind `json:"auth,omitempty"`
	// Name is the trigger's own name where it has one (an Azure function binding,
	// an event source mapping UUID).
	Name   string `json:"name,omitempty"`
	Source Source `json:"source"`
}

// Principal is who an access entry lets in.
type Principal struct {
	Kind PrincipalKind `json:"kind"`
	// ID is the provider-native principal: "*", an account id, an ARN,
	// "allUsers", "serviceAccount:x@p.iam.gserviceaccount.com", a service principal
	// like "s3.amazonaws.com", an IP range.
	ID string `json:"id"`
}

// Access is one normalized way in: an IAM binding on the function, an Azure HTTP
// trigger's auth level, a 1st-gen HTTPS trigger. AWS resource-policy statements are
// kept whole in AWSFunction.Policies because their verdict needs the full policy
// semantics; the AWS adapter still lists each statement's principals here for
// display.
type Access struct {
	Principal Principal `json:"principal"`
	Effect    Effect    `json:"effect"`
	// Actions are provider-native: "lambda:InvokeFunction", "roles/run.invoker",
	// "http:anonymous".
	Actions []string `json:"actions,omitempty"`
	// Role is the IAM role granting the access (GCP), if any.
	Role string `json:"role,omitempty"`
	// Condition is a provider-native condition on the entry (a GCP IAM condition
	// expression, an AWS condition block in JSON).
	Condition string   `json:"condition,omitempty"`
	Auth      AuthKind `json:"auth,omitempty"`
	Source    Source   `json:"source"`
}

// Identity is an execution identity: an AWS IAM role, a GCP service account or an
// Azure managed identity, with everything it is allowed to do.
type Identity struct {
	Provider Provider `json:"provider"`
	Account  string   `json:"account"`
	// ID is the role ARN, service account email or managed identity principal id.
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Kind is "aws-role", "gcp-service-account", "azure-system-assigned" or
	// "azure-user-assigned".
	Kind string `json:"kind,omitempty"`
	// Default marks a provider default identity (the GCP default compute service
	// account, the App Engine default service account).
	Default  bool     `json:"default,omitempty"`
	Policies []Policy `json:"policies,omitempty"`
	// Boundary is an AWS permissions boundary, when the role has one.
	Boundary *Policy `json:"boundary,omitempty"`
	Source   Source  `json:"source"`
}

// PolicyKind says how a policy is attached to an identity.
type PolicyKind string

// Policy kinds.
const (
	PolicyInline         PolicyKind = "inline"          // AWS inline role policy
	PolicyManaged        PolicyKind = "managed"         // AWS customer-managed policy
	PolicyAWSManaged     PolicyKind = "aws-managed"     // AWS managed policy (arn:aws:iam::aws:policy/...)
	PolicyBoundary       PolicyKind = "boundary"        // AWS permissions boundary
	PolicyBinding        PolicyKind = "binding"         // GCP IAM binding of a role to the identity
	PolicyRoleAssignment PolicyKind = "role-assignment" // Azure role assignment
)

// PolicyKinds lists every policy kind.
func PolicyKinds() []PolicyKind {
	return slices.Clone(allPolicyKinds)
}

var allPolicyKinds = []PolicyKind{PolicyInline, PolicyManaged, PolicyAWSManaged, PolicyBoundary,
	PolicyBinding, PolicyRoleAssignment}

// UnmarshalJSON accepts only known policy kinds.
func (k *PolicyKind) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "policy kind", allPolicyKinds, k)
}

// Policy is one grant of permissions to an identity: an AWS policy document, a GCP
// role binding or an Azure role assignment.
type Policy struct {
	Kind PolicyKind `json:"kind"`
	// Name is the policy name, GCP role (roles/editor) or Azure role name (Owner).
	Name string `json:"name"`
	// ID is the policy ARN, role resource name or role definition id.
	ID string `json:"id,omitempty"`
	// Scope is where a GCP binding / Azure assignment applies: "projects/p",
	// "folders/1", "organizations/1", "/subscriptions/s/resourceGroups/rg", ...
	Scope string `json:"scope,omitempty"`
	// Condition is a GCP conditional binding's CEL expression or an Azure ABAC condition.
	Condition string `json:"condition,omitempty"`
	// Document is the AWS policy document as JSON (decoded from IAM's URL encoding).
	Document json.RawMessage `json:"document,omitempty"`
	// Grants are the permissions of a GCP role / Azure role definition, expanded by
	// the adapter. AWS documents are judged from Document.
	Grants []Grant `json:"grants,omitempty"`
	Source Source  `json:"source"`
}

// Grant is a normalized permission statement. Actions stay provider-native strings
// ("s3:GetObject", "iam.serviceAccounts.actAs",
// "Microsoft.Authorization/roleAssignments/write").
type Grant struct {
	Effect         Effect   `json:"effect"`
	Actions        []string `json:"actions,omitempty"`
	NotActions     []string `json:"notActions,omitempty"`
	DataActions    []string `json:"dataActions,omitempty"`
	NotDataActions []string `json:"notDataActions,omitempty"`
	Resources      []string `json:"resources,omitempty"`
	NotResources   []string `json:"notResources,omitempty"`
	Condition      string   `json:"condition,omitempty"`
	// Scope is where the grant applies (GCP / Azure); empty for AWS.
	Scope string `json:"scope,omitempty"`
}

// Gap is something the collection could not read. A report lists every gap, and a
// rule that needs the missing data reports unknown instead of passing.
type Gap struct {
	Provider Provider `json:"provider"`
	Account  string   `json:"account,omitempty"`
	Region   string   `json:"region,omitempty"`
	// Resource is the function / identity id the gap is about; empty when the gap
	// covers the whole account or region.
	Resource string `json:"resource,omitempty"`
	// API is the call that failed, e.g. "lambda:GetPolicy".
	API string `json:"api"`
	// Data says which part of the inventory is missing.
	Data    DataKind  `json:"data"`
	Reason  GapReason `json:"reason"`
	Message string    `json:"message,omitempty"`
}
