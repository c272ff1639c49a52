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
}
