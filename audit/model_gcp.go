package audit

// GCPFunction holds the Google Cloud Functions facts the rules judge.
type GCPFunction struct {
	// Generation is "1" (Cloud Functions v1 API) or "2" (v2 API, backed by Cloud Run).
	Generation string `json:"generation"`
	// ServiceAccount is the runtime service account email (also in Function.Identities).
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// DefaultServiceAccount is true when no service account was set and the default
	// compute (2nd gen) or App Engine (1st gen) account runs the function.
	DefaultServiceAccount bool `json:"defaultServiceAccount,omitempty"`
	// Ingress is ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB.
	Ingress string `json:"ingress,omitempty"`
	// SecurityLevel is a 1st-gen HTTPS trigger's SECURE_ALWAYS / SECURE_OPTIONAL.
	SecurityLevel string `json:"securityLevel,omitempty"`
	// RunService is the backing Cloud Run service of a 2nd-gen function.
	RunService string `json:"runService,omitempty"`
	// InvokerIAMDisabled is true when the Cloud Run service skips the invoker IAM check.
	InvokerIAMDisabled bool `json:"invokerIamDisabled,omitempty"`
	// State is the function's state (ACTIVE, FAILED, ...).
	State string `json:"state,omitempty"`
	// ProjectNumber is the numeric id of the function's project, when known.
	ProjectNumber string `json:"projectNumber,omitempty"`
	// OrganizationDomain is the primary domain of the project's organization
	// (the organization's display name), when readable; rules use it to tell
	// members of other domains from the organization's own.
	OrganizationDomain string `json:"organizationDomain,omitempty"`
	// RuntimeSupport is the runtime's support status as the Cloud Functions
	// runtimes list API reported it for the function's location; nil when the
	// API was not read or does not list the runtime (rules then fall back to the
	// embedded table in audit/catalog).
	RuntimeSupport *GCPRuntimeSupport `json:"runtimeSupport,omitempty"`
}

// GCPRuntimeSupport is one runtime's lifecycle as the runtimes list API states it.
type GCPRuntimeSupport struct {
	// Runtime is the runtime id, e.g. "python312".
	Runtime string `json:"runtime"`
	// Stage is GA, BETA, ALPHA, DEPRECATED, DECOMMISSIONED, ...
	Stage string `json:"stage,omitempty"`
	// DeprecationDate and DecommissionDate are YYYY-MM-DD, empty when not announced.
	DeprecationDate  string `json:"deprecationDate,omitempty"`
	DecommissionDate string `json:"decommissionDate,omitempty"`
	Source           Source `json:"source"`
}
