package audit

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The model's small enums are string types whose JSON decoding rejects any value
// outside their documented set, so a malformed inventory fails loudly at load time
// instead of being analyzed with a silently wrong meaning.

func decodeEnum[T ~string](data []byte, kind string, valid []T, out *T) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%s must be a string, got %s", kind, abbreviate(data))
	}
	for _, v := range valid {
		if string(v) == s {
			*out = v
			return nil
		}
	}
	names := make([]string, len(valid))
	for i, v := range valid {
		names[i] = string(v)
	}
	return fmt.Errorf("unknown %s %q (want one of %s)", kind, s, strings.Join(names, ", "))
}

func abbreviate(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

// Provider names the cloud a function runs in.
type Provider string

// The providers fnaudit knows.
const (
	AWS   Provider = "aws"
	GCP   Provider = "gcp"
	Azure Provider = "azure"
)

// Providers lists every provider in report order.
func Providers() []Provider {
	return slices.Clone(allProviders)
}

var allProviders = []Provider{AWS, GCP, Azure}

// String returns the provider's name.
func (p Provider) String() string { return string(p) }

// UnmarshalJSON accepts only known providers.
func (p *Provider) UnmarshalJSON(b []byte) error { return decodeEnum(b, "provider", allProviders, p) }

// ParseProvider returns the provider named s.
func ParseProvider(s string) (Provider, error) {
	for _, p := range allProviders {
		if string(p) == strings.ToLower(strings.TrimSpace(s)) {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown provider %q (want aws, gcp or azure)", s)
}

// Severity ranks a finding. The zero value is not a valid severity.
type Severity string

// Severities from most to least severe.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity, most severe first.
func Severities() []Severity {
	return slices.Clone(allSeverities)
}

var allSeverities = []Severity{Critical, High, Medium, Low, Info}

// String returns the severity's name.
func (s Severity) String() string { return string(s) }

// Rank orders severities: critical is 4, info is 0, an invalid value -1.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	case Info:
		return 0
	}
	return -1
}

// AtLeast reports whether s is as severe as min or more.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() >= min.Rank() }

// UnmarshalJSON accepts only known severities.
func (s *Severity) UnmarshalJSON(b []byte) error { return decodeEnum(b, "severity", allSeverities, s) }

// ParseSeverity returns the severity named s (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	for _, v := range allSeverities {
		if string(v) == strings.ToLower(strings.TrimSpace(s)) {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
}

// Category is the kind of risk a finding reports; the seven categories are the
// product's contract (see DESIGN.md).
type Category string

// The finding categories.
const (
	PublicInvoke        Category = "public-invoke"
	CrossAccountInvoke  Category = "cross-account-invoke"
	AdminAccess         Category = "admin-access"
	PrivilegeEscalation Category = "privilege-escalation"
	WildcardPermission  Category = "wildcard-permission"
	DeprecatedRuntime   Category = "deprecated-runtime"
	PlaintextSecret     Category = "plaintext-secret"
)

// Categories lists every category in report order.
func Categories() []Category {
	return slices.Clone(allCategories)
}

var allCategories = []Category{PublicInvoke, CrossAccountInvoke, AdminAccess, PrivilegeEscalation,
	WildcardPermission, DeprecatedRuntime, PlaintextSecret}

// String returns the category's name.
func (c Category) String() string { return string(c) }

// UnmarshalJSON accepts only known categories.
func (c *Category) UnmarshalJSON(b []byte) error { return decodeEnum(b, "category", allCategories, c) }

// Status is the outcome of a finding.
type Status string

// Finding statuses.
const (
	// StatusFail: the rule found the risk.
	StatusFail Status = "fail"
	// StatusSuppressed: the rule found the risk and a suppression entry accepts it.
	StatusSuppressed Status = "suppressed"
	// StatusUnknown: the rule could not decide because data it needs is missing (a Gap).
	StatusUnknown Status = "unknown"
	// StatusError: the rule itself failed (for example it panicked).
	StatusError Status = "error"
)

// Statuses lists every status.
func Statuses() []Status {
	return slices.Clone(allStatuses)
}

var allStatuses = []Status{StatusFail, StatusSuppressed, StatusUnknown, StatusError}

// String returns the status's name.
func (s Status) String() string { return string(s) }

// UnmarshalJSON accepts only known statuses.
func (s *Status) UnmarshalJSON(b []byte) error { return decodeEnum(b, "status", allStatuses, s) }

// PrincipalKind classifies who an access entry lets in.
type PrincipalKind string

// Principal classes, from widest to narrowest.
const (
	// PrincipalPublic: anyone, without authentication (AWS "*", GCP allUsers,
	// an anonymous Azure HTTP trigger).
	PrincipalPublic PrincipalKind = "public"
	// PrincipalAnyAuthenticated: any authenticated identity of the provider
	// (GCP allAuthenticatedUsers).
	PrincipalAnyAuthenticated PrincipalKind = "any-authenticated"
	// PrincipalAccount: a whole account, project or subscription.
	PrincipalAccount PrincipalKind = "account"
	// PrincipalOrganization: a whole organization, domain or tenant.
	PrincipalOrganization PrincipalKind = "organization"
	// PrincipalService: a cloud service acting on someone's behalf.
	PrincipalService PrincipalKind = "service"
	// PrincipalSpecific: one named user, role, group or service account.
	PrincipalSpecific PrincipalKind = "specific"
	// PrincipalKeyHolder: whoever holds a shared key (Azure function keys).
	PrincipalKeyHolder PrincipalKind = "key-holder"
)

// PrincipalKinds lists every principal kind.
func PrincipalKinds() []PrincipalKind {
	return slices.Clone(allPrincipalKinds)
}

var allPrincipalKinds = []PrincipalKind{PrincipalPublic, PrincipalAnyAuthenticated, PrincipalAccount,
	PrincipalOrganization, PrincipalService, PrincipalSpecific, PrincipalKeyHolder}

// String returns the kind's name.
func (k PrincipalKind) String() string { return string(k) }

// UnmarshalJSON accepts only known principal kinds.
func (k *PrincipalKind) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "principal kind", allPrincipalKinds, k)
}

// TriggerKind classifies what invokes a function.
type TriggerKind string

// Trigger kinds.
const (
	TriggerHTTPURL    TriggerKind = "http-url"    // a built-in function URL / HTTPS endpoint
	TriggerAPIGateway TriggerKind = "api-gateway" // API Gateway, Apigee, API Management
	TriggerQueue      TriggerKind = "queue"       // SQS, Service Bus queue, Storage queue
	TriggerStream     TriggerKind = "stream"      // Kinesis, DynamoDB streams, Kafka, Event Hubs
	TriggerStorage    TriggerKind = "storage"     // S3, Cloud Storage, Blob storage
	TriggerPubSub     TriggerKind = "pubsub"      // SNS, Pub/Sub, Event Grid topics
	TriggerSchedule   TriggerKind = "schedule"    // EventBridge schedules, Cloud Scheduler, timer
	TriggerEvent      TriggerKind = "event"       // EventBridge rules, Eventarc, Firestore, other events
	TriggerService    TriggerKind = "service"     // another service invoking directly
	TriggerOther      TriggerKind = "other"
)

// TriggerKinds lists every trigger kind.
func TriggerKinds() []TriggerKind {
	return slices.Clone(allTriggerKinds)
}

var allTriggerKinds = []TriggerKind{TriggerHTTPURL, TriggerAPIGateway, TriggerQueue, TriggerStream,
	TriggerStorage, TriggerPubSub, TriggerSchedule, TriggerEvent, TriggerService, TriggerOther}

// String returns the kind's name.
func (k TriggerKind) String() string { return string(k) }

// UnmarshalJSON accepts only known trigger kinds.
func (k *TriggerKind) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "trigger kind", allTriggerKinds, k)
}

// AuthKind says how callers of an entry point authenticate.
type AuthKind string

// Authentication kinds.
const (
	AuthNone       AuthKind = "none"       // no authentication
	AuthIAM        AuthKind = "iam"        // cloud IAM (SigV4, Google identity token, Entra ID)
	AuthKey        AuthKind = "key"        // a shared key (function / host key, API key)
	AuthJWT        AuthKind = "jwt"        // a JWT / OIDC authorizer or platform login
	AuthAuthorizer AuthKind = "authorizer" // custom authorizer code
	AuthService    AuthKind = "service"    // only the source service can invoke
	AuthUnknown    AuthKind = "unknown"
)

// AuthKinds lists every auth kind.
func AuthKinds() []AuthKind {
	return slices.Clone(allAuthKinds)
}

var allAuthKinds = []AuthKind{AuthNone, AuthIAM, AuthKey, AuthJWT, AuthAuthorizer, AuthService, AuthUnknown}

// String returns the kind's name.
func (k AuthKind) String() string { return string(k) }

// UnmarshalJSON accepts only known auth kinds.
func (k *AuthKind) UnmarshalJSON(b []byte) error { return decodeEnum(b, "auth kind", allAuthKinds, k) }

// Effect is Allow or Deny.
type Effect string

// Effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Effects lists both effects.
func Effects() []Effect {
	return slices.Clone(allEffects)
}

var allEffects = []Effect{Allow, Deny}

// String returns the effect's name.
func (e Effect) String() string { return string(e) }

// UnmarshalJSON accepts only Allow and Deny.
func (e *Effect) UnmarshalJSON(b []byte) error { return decodeEnum(b, "effect", allEffects, e) }

// DataKind names a part of the inventory a provider collects; a Gap says which part
// it is missing and a Rule says which parts it needs.
type DataKind string

// Data kinds.
const (
	DataFunctions   DataKind = "functions"   // the function list itself
	DataAccess      DataKind = "access"      // who may invoke: resource policies, IAM bindings, URL / HTTP auth
	DataTriggers    DataKind = "triggers"    // event sources
	DataIdentity    DataKind = "identity"    // the execution identity's permissions
	DataEnvironment DataKind = "environment" // environment variables / app settings
	DataConfig      DataKind = "config"      // runtime and platform configuration
	// DataImpersonation is what the execution identity may do to other
	// identities through grants made on them (GCP service-account IAM
	// policies): only the privilege-escalation verdict needs it.
	DataImpersonation DataKind = "impersonation"
	DataFrontDoors    DataKind = "front-doors" // API gateways, load balancers, CDNs in front of functions
	// DataControl is who can change functions or take their identity: IAM
	// users, groups, roles and policies (AWS), IAM policies up the resource
	// hierarchy (GCP), role assignments and publishing settings (Azure).
	DataControl DataKind = "control"
)

// DataKinds lists every data kind.
func DataKinds() []DataKind {
	return slices.Clone(allDataKinds)
}

var allDataKinds = []DataKind{DataFunctions, DataAccess, DataTriggers, DataIdentity, DataEnvironment, DataConfig,
	DataImpersonation, DataFrontDoors, DataControl}

// String returns the kind's name.
func (k DataKind) String() string { return string(k) }

// UnmarshalJSON accepts only known data kinds.
func (k *DataKind) UnmarshalJSON(b []byte) error { return decodeEnum(b, "data kind", allDataKinds, k) }

// GapReason classifies why data is missing.
type GapReason string

// Gap reasons.
const (
	GapAccessDenied GapReason = "access-denied"
	GapThrottled    GapReason = "throttled"
	GapNotEnabled   GapReason = "not-enabled"   // API / service not enabled, region opted out
	GapAssumeRole   GapReason = "assume-role"   // could not get credentials for the account
	GapNotFound     GapReason = "not-found"     // the scope itself does not exist
	GapTimeout      GapReason = "timeout"       // the run's deadline came first
	GapInterrupted  GapReason = "interrupted"   // the run was interrupted (a signal, a cancelled context)
	GapUnreachable  GapReason = "unreachable"   // the endpoint could not be reached (refused, reset, DNS, TLS)
	GapNotAvailable GapReason = "not-available" // provider not built / not configured
	GapInvalidData  GapReason = "invalid-data"  // the API answered something we could not parse
	GapError        GapReason = "error"         // any other failure
)

// GapReasons lists every gap reason.
func GapReasons() []GapReason {
	return slices.Clone(allGapReasons)
}

var allGapReasons = []GapReason{GapAccessDenied, GapThrottled, GapNotEnabled, GapAssumeRole, GapNotFound,
	GapTimeout, GapInterrupted, GapUnreachable, GapNotAvailable, GapInvalidData, GapError}

// String returns the reason's name.
func (r GapReason) String() string { return string(r) }

// UnmarshalJSON accepts only known reasons.
func (r *GapReason) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "gap reason", allGapReasons, r)
}

// ValueVerdict is what the collector's secret detector concluded about an
// environment value it saw and then dropped.
type ValueVerdict string

// Value verdicts.
const (
	ValueUnknown   ValueVerdict = "unknown"   // the value was not inspected
	ValueEmpty     ValueVerdict = "empty"     // empty value
	ValuePlain     ValueVerdict = "plain"     // an ordinary, non-secret value
	ValueReference ValueVerdict = "reference" // a reference to a secret store (ARN, Key Vault reference, ...)
	ValueSecret    ValueVerdict = "secret"    // looks like a secret in plain text
)

// ValueVerdicts lists every verdict.
func ValueVerdicts() []ValueVerdict {
	return slices.Clone(allValueVerdicts)
}

var allValueVerdicts = []ValueVerdict{ValueUnknown, ValueEmpty, ValuePlain, ValueReference, ValueSecret}

// String returns the verdict's name.
func (v ValueVerdict) String() string { return string(v) }

// UnmarshalJSON accepts only known verdicts.
func (v *ValueVerdict) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "value verdict", allValueVerdicts, v)
}
