package audit

// The front door enums follow the model's other enums: string types whose JSON
// decoding rejects values outside their documented set.

// FrontDoorKind says what kind of entry point a front door is.
type FrontDoorKind string

// Front door kinds.
const (
	// DoorRESTMethod: an API Gateway REST API method (resource path + HTTP method).
	DoorRESTMethod FrontDoorKind = "rest-api-method"
	// DoorHTTPRoute: an API Gateway HTTP API route.
	DoorHTTPRoute FrontDoorKind = "http-api-route"
	// DoorWebSocketRoute: an API Gateway WebSocket API route.
	DoorWebSocketRoute FrontDoorKind = "websocket-route"
	// DoorLoadBalancerRule: a load balancer listener rule forwarding to a
	// function target group (ALB).
	DoorLoadBalancerRule FrontDoorKind = "load-balancer-rule"
	// DoorCDNOrigin: a CDN distribution origin that is a function (CloudFront
	// in front of a function URL).
	DoorCDNOrigin FrontDoorKind = "cdn-origin"
	// DoorGraphQLAPI: a GraphQL API with the function as a data source (AppSync).
	DoorGraphQLAPI FrontDoorKind = "graphql-api"
	// DoorServerlessNEG: a GCP serverless network endpoint group behind an
	// external (or internal) HTTP(S) load balancer.
	DoorServerlessNEG FrontDoorKind = "serverless-neg"
	// DoorAPIGatewayPath: a GCP API Gateway path (an OpenAPI operation of an API config).
	DoorAPIGatewayPath FrontDoorKind = "api-gateway-path"
	// DoorCloudRunIngress: a GCP function's own run.app / cloudfunctions.net
	// endpoint, governed by its ingress setting.
	DoorCloudRunIngress FrontDoorKind = "cloud-run-ingress"
	// DoorAPIMOperation: an Azure API Management operation.
	DoorAPIMOperation FrontDoorKind = "apim-operation"
	// DoorFrontDoorRoute: an Azure Front Door route.
	DoorFrontDoorRoute FrontDoorKind = "front-door-route"
	// DoorAppEndpoint: an Azure Function App's own HTTP endpoint for a function.
	DoorAppEndpoint FrontDoorKind = "app-endpoint"
)

// FrontDoorKinds lists every front door kind.
var FrontDoorKinds = []FrontDoorKind{DoorRESTMethod, DoorHTTPRoute, DoorWebSocketRoute,
	DoorLoadBalancerRule, DoorCDNOrigin, DoorGraphQLAPI, DoorServerlessNEG, DoorAPIGatewayPath,
	DoorCloudRunIngress, DoorAPIMOperation, DoorFrontDoorRoute, DoorAppEndpoint}

// String returns the kind's name.
func (k FrontDoorKind) String() string { return string(k) }

// UnmarshalJSON accepts only known front door kinds.
func (k *FrontDoorKind) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "front door kind", FrontDoorKinds, k)
}

// DoorState says whether a front door answers now.
type DoorState string

// Door states.
const (
	// DoorDeployed: deployed (in a stage) and enabled; callers reach it now.
	DoorDeployed DoorState = "deployed"
	// DoorNotDeployed: defined but in no stage / deployment; nothing answers.
	DoorNotDeployed DoorState = "not-deployed"
	// DoorDisabled: deployed but switched off (a disabled distribution, a
	// stopped app, a disabled function or listener).
	DoorDisabled DoorState = "disabled"
	// DoorStateUnknown: the collector could not tell.
	DoorStateUnknown DoorState = "unknown"
)

// DoorStates lists every door state.
var DoorStates = []DoorState{DoorDeployed, DoorNotDeployed, DoorDisabled, DoorStateUnknown}

// String returns the state's name.
func (s DoorState) String() string { return string(s) }

// UnmarshalJSON accepts only known door states.
func (s *DoorState) UnmarshalJSON(b []byte) error { return decodeEnum(b, "door state", DoorStates, s) }

// NetworkScope says from where a front door can be reached.
type NetworkScope string

// Network scopes, from widest to narrowest.
const (
	// ScopeInternet: any address on the internet (an EDGE / REGIONAL API, an
	// internet-facing load balancer, a CDN, an app with public network access).
	ScopeInternet NetworkScope = "internet"
	// ScopePrivateVPC: only through a private link into a virtual network (a
	// PRIVATE API through interface VPC endpoints, a private endpoint, an
	// internal-mode APIM).
	ScopePrivateVPC NetworkScope = "private-vpc-only"
	// ScopeInternal: only from inside the owner's network (an internal load
	// balancer, ALLOW_INTERNAL_ONLY ingress).
	ScopeInternal NetworkScope = "internal"
	// ScopeUnknown: the collector could not tell.
	ScopeUnknown NetworkScope = "unknown"
)

// NetworkScopes lists every network scope.
var NetworkScopes = []NetworkScope{ScopeInternet, ScopePrivateVPC, ScopeInternal, ScopeUnknown}

// String returns the scope's name.
func (s NetworkScope) String() string { return string(s) }

// UnmarshalJSON accepts only known network scopes.
func (s *NetworkScope) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "network scope", NetworkScopes, s)
}

// DoorAuthType is how a front door authenticates callers before the function runs.
type DoorAuthType string

// Door authentication types.
const (
	// DoorAuthNone: no authentication (API Gateway NONE, an ALB rule without
	// an authenticate action, authLevel anonymous).
	DoorAuthNone DoorAuthType = "none"
	// DoorAuthAPIKey: a shared API key / subscription key only. Usage-plan keys
	// identify callers for throttling; AWS says not to use them for authorization.
	DoorAuthAPIKey DoorAuthType = "api-key"
	// DoorAuthIAM: the cloud's IAM (SigV4 AWS_IAM, Google identity tokens,
	// Entra ID tokens validated by the platform against IAM).
	DoorAuthIAM DoorAuthType = "iam"
	// DoorAuthJWT: a JWT authorizer validating issuer and audience.
	DoorAuthJWT DoorAuthType = "jwt"
	// DoorAuthCognito: a Cognito user pool authorizer or authenticate-cognito.
	DoorAuthCognito DoorAuthType = "cognito"
	// DoorAuthOIDC: an OpenID Connect login (ALB authenticate-oidc, APIM
	// validate-jwt with an OpenID configuration).
	DoorAuthOIDC DoorAuthType = "oidc"
	// DoorAuthCustom: custom authorizer code (a Lambda authorizer); its logic
	// is not judged.
	DoorAuthCustom DoorAuthType = "custom-authorizer"
	// DoorAuthSignedURL: signed URLs or cookies (CloudFront trusted key groups).
	DoorAuthSignedURL DoorAuthType = "signed-url"
	// DoorAuthFunctionKey: an Azure function or host key (authLevel function / admin).
	DoorAuthFunctionKey DoorAuthType = "function-key"
	// DoorAuthPlatform: the platform's login in front of the app (Azure App
	// Service Authentication "Easy Auth", Google Identity-Aware Proxy).
	DoorAuthPlatform DoorAuthType = "platform-auth"
	// DoorAuthMutualTLS: mutual TLS with a client certificate trust store.
	DoorAuthMutualTLS DoorAuthType = "mutual-tls"
	// DoorAuthUnknown: the collector saw authentication it could not classify.
	DoorAuthUnknown DoorAuthType = "unknown"
)

// DoorAuthTypes lists every door authentication type.
var DoorAuthTypes = []DoorAuthType{DoorAuthNone, DoorAuthAPIKey, DoorAuthIAM, DoorAuthJWT,
	DoorAuthCognito, DoorAuthOIDC, DoorAuthCustom, DoorAuthSignedURL, DoorAuthFunctionKey,
	DoorAuthPlatform, DoorAuthMutualTLS, DoorAuthUnknown}

// String returns the type's name.
func (t DoorAuthType) String() string { return string(t) }

// Authenticates reports whether the type establishes who the caller is. None,
// API keys (shared secrets that identify a client, not a caller) and unknown do
// not.
func (t DoorAuthType) Authenticates() bool {
	switch t {
	case DoorAuthNone, DoorAuthAPIKey, DoorAuthUnknown, "":
		return false
	}
	return true
}

// UnmarshalJSON accepts only known door authentication types.
func (t *DoorAuthType) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "door auth type", DoorAuthTypes, t)
}

// RestrictionKind classifies a network restriction in front of a door.
type RestrictionKind string

// Restriction kinds.
const (
	RestrictIPAllow       RestrictionKind = "ip-allow"       // only these CIDRs may connect
	RestrictIPDeny        RestrictionKind = "ip-deny"        // these CIDRs may not connect
	RestrictVPCEndpoint   RestrictionKind = "vpc-endpoint"   // only through these VPC endpoints / private endpoints
	RestrictVPC           RestrictionKind = "vpc"            // only from these VPCs / subnets
	RestrictSecurityGroup RestrictionKind = "security-group" // a security group's ingress on the listener port
	RestrictServiceTag    RestrictionKind = "service-tag"    // only from a provider service tag (AzureFrontDoor.Backend)
	RestrictOther         RestrictionKind = "other"          // a control the model does not classify (see Detail)
)

// RestrictionKinds lists every restriction kind.
var RestrictionKinds = []RestrictionKind{RestrictIPAllow, RestrictIPDeny, RestrictVPCEndpoint,
	RestrictVPC, RestrictSecurityGroup, RestrictServiceTag, RestrictOther}

// String returns the kind's name.
func (k RestrictionKind) String() string { return string(k) }

// UnmarshalJSON accepts only known restriction kinds.
func (k *RestrictionKind) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "restriction kind", RestrictionKinds, k)
}

// TargetResolution says why a door target does not name a function of the inventory.
type TargetResolution string

// Target resolutions.
const (
	// TargetOutsideScope: the function exists in an account or region that
	// was not collected.
	TargetOutsideScope TargetResolution = "outside-scope"
	// TargetNotFound: the integration names a function that no longer exists
	// (a leftover integration; calls fail).
	TargetNotFound TargetResolution = "not-found"
	// TargetUnresolved: the target could not be resolved to one function (a
	// stage variable in the integration URI, an unparsable URI); Function may be empty.
	TargetUnresolved TargetResolution = "unresolved"
)

// TargetResolutions lists every target resolution.
var TargetResolutions = []TargetResolution{TargetOutsideScope, TargetNotFound, TargetUnresolved}

// String returns the resolution's name.
func (r TargetResolution) String() string { return string(r) }

// UnmarshalJSON accepts only known target resolutions.
func (r *TargetResolution) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "target resolution", TargetResolutions, r)
}
