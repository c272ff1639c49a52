package audit

import "encoding/json"

// FrontDoor is one path from a network to a function through a managed entry
// point: an API Gateway method or route, a load balancer listener rule, a CDN
// origin, a GraphQL data source, an API Management operation, a Cloud Run
// ingress, or the app's own HTTP endpoint. It records what a caller must pass on
// the way in (authentication, network restrictions, a resource policy) and the
// functions it reaches, so a rule can answer "who can reach this function from
// where" without knowing the provider's API.
//
// Doors are described, not judged: the collector fills what the configuration
// says and keeps the source of every fact; rules decide what it means.
type FrontDoor struct {
	Kind     FrontDoorKind `json:"kind"`
	Provider Provider      `json:"provider"`
	// Account is the AWS account id, GCP project id or Azure subscription id
	// that owns the door (it can differ from the function's).
	Account string `json:"account"`
	Region  string `json:"region,omitempty"`
	// ID is the door's stable id, ARN-like: the method / route / listener rule /
	// origin / operation that forwards to the function, e.g.
	// "arn:aws:apigateway:eu-west-1::/restapis/abc123/resources/r1/methods/GET",
	// a listener rule ARN, "arn:aws:cloudfront::123456789012:distribution/E1/origin/fn-url",
	// a backend service resource name or an APIM operation's ARM id.
	ID string `json:"id"`
	// Name is a short human name: "GET /users/{id}", a route key, a rule priority.
	Name string `json:"name,omitempty"`
	// Parent is the id of the API, load balancer, distribution, URL map, API
	// Management service or app the door belongs to; ParentName its name.
	Parent     string `json:"parent,omitempty"`
	ParentName string `json:"parentName,omitempty"`
	// Stage is the stage / deployment / slot the door is served from, when the
	// provider has one ("prod", "$default").
	Stage string `json:"stage,omitempty"`
	// Addresses are the public (or private) addresses a caller uses, one per
	// host name (the provider's default endpoint and each custom domain).
	Addresses []DoorAddress `json:"addresses,omitempty"`
	// State says whether the door is reachable now: deployed and enabled.
	State DoorState `json:"state"`
	// Scope is where the door can be reached from.
	Scope NetworkScope `json:"scope"`
	// Auth lists the authentication applied before the function runs. Every
	// entry must pass (an API key and an authorizer are two entries); an empty
	// list means unknown, a single "none" entry means anyone.
	Auth []DoorAuth `json:"auth,omitempty"`
	// Restrictions are the network restrictions in front of the door outside its
	// resource policy: IP allow and deny lists, VPC endpoint and VPC
	// conditions, security groups on the listener, service tags.
	Restrictions []NetworkRestriction `json:"restrictions,omitempty"`
	// Policy is the door's resource policy document, when it has one (an API
	// Gateway REST API policy for execute-api:Invoke), kept whole for the
	// policy engine; PolicySource is where it was read.
	Policy       json.RawMessage `json:"policy,omitempty"`
	PolicySource Source          `json:"policySource,omitzero"`
	// Targets are the functions the door forwards to.
	Targets []DoorTarget `json:"targets"`

	// Provider-specific descriptive facts; at most the one matching Provider.
	AWS   *AWSFrontDoor   `json:"aws,omitempty"`
	GCP   *GCPFrontDoor   `json:"gcp,omitempty"`
	Azure *AzureFrontDoor `json:"azure,omitempty"`

	// Source is the call that returned the door itself (the method, route,
	// rule, origin); StateSource the call that said it is deployed / enabled
	// (the stage, the listener, the distribution's status).
	Source      Source `json:"source"`
	StateSource Source `json:"stateSource,omitzero"`
}

// DoorAddress is one address of a front door: an HTTP method and URL.
type DoorAddress struct {
	// Method is the HTTP method (GET, POST, ANY) or, for a WebSocket route, the
	// route key ($connect, $default, sendMessage); empty when every method is
	// forwarded.
	Method string `json:"method,omitempty"`
	// URL is the full URL with path template, e.g.
	// "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/users/{id}".
	URL string `json:"url"`
	// CustomDomain is true for an address on the owner's own domain name (API
	// Gateway custom domain and base path mapping, a CDN alias).
	CustomDomain bool `json:"customDomain,omitempty"`
	// Disabled is true when this address does not answer although the door is
	// deployed (API Gateway's disableExecuteApiEndpoint on the default
	// endpoint).
	Disabled bool   `json:"disabled,omitempty"`
	Source   Source `json:"source,omitzero"`
}

// String returns "METHOD URL", or the URL alone when every method is forwarded.
func (a DoorAddress) String() string {
	if a.Method == "" {
		return a.URL
	}
	return a.Method + " " + a.URL
}

// DoorAuth is one authentication step a caller passes before the function runs.
type DoorAuth struct {
	Type DoorAuthType `json:"type"`
	// AuthorizerID and AuthorizerName name the authorizer, user pool, identity
	// provider or key, when the provider has one.
	AuthorizerID   string `json:"authorizerId,omitempty"`
	AuthorizerName string `json:"authorizerName,omitempty"`
	// Issuer is the token issuer (JWT / OIDC / Cognito user pool URL).
	Issuer string `json:"issuer,omitempty"`
	// Audiences and Scopes narrow which tokens pass.
	Audiences []string `json:"audiences,omitempty"`
	Scopes    []string `json:"scopes,omitempty"`
	// Route is the route whose authentication applies when it is not the door's
	// own: a WebSocket API authenticates on "$connect" only, so every route of
	// the API carries $connect's authentication with Route "$connect".
	Route string `json:"route,omitempty"`
	// Detail is a provider-native note: "authLevel=function",
	// "unauthenticatedAction=Return401", "usage plan keys".
	Detail string `json:"detail,omitempty"`
	Source Source `json:"source,omitzero"`
}

// NetworkRestriction is one network control in front of a door.
type NetworkRestriction struct {
	Kind RestrictionKind `json:"kind"`
	// ID names the control: a security group id, an access restriction's name,
	// a Cloud Armor policy, a WAF web ACL.
	ID string `json:"id,omitempty"`
	// Values are what the control admits or denies: CIDRs, VPC endpoint ids,
	// VPC ids, service tags.
	Values []string `json:"values,omitempty"`
	// Port is the listener port a security group rule was read for.
	Port int `json:"port,omitempty"`
	// Detail is a provider-native note ("priority 100", "default action Deny").
	Detail string `json:"detail,omitempty"`
	Source Source `json:"source,omitzero"`
}

// DoorTarget is one function a door forwards to.
type DoorTarget struct {
	// Function is the target function's id (Function.ID); empty only when the
	// target could not be resolved (Resolution "unresolved").
	Function string `json:"function,omitempty"`
	// Qualifier is the alias or version the door invokes, empty for the
	// unqualified function.
	Qualifier string `json:"qualifier,omitempty"`
	// Integration is the provider-native integration type: AWS_PROXY, AWS,
	// lambda (target group), origin, serverless-neg, backend.
	Integration string `json:"integration,omitempty"`
	// URI is the raw integration target as the provider states it (an API
	// Gateway integration URI, possibly with a stage variable; a target group
	// ARN; an origin domain).
	URI string `json:"uri,omitempty"`
	// Via is the intermediate resource the door reaches the function through,
	// when there is one: a target group ARN, a serverless NEG, an APIM backend.
	Via string `json:"via,omitempty"`
	// Role is the role the door assumes to invoke the function (an API Gateway
	// integration's credentials); the function's resource policy is then not
	// what admits the door, the role's permissions are.
	Role string `json:"role,omitempty"`
	// Resolution is empty when Function names a function of the inventory;
	// otherwise it says why it does not.
	Resolution TargetResolution `json:"resolution,omitempty"`
	Source     Source           `json:"source,omitzero"`
}

// AWSFrontDoor holds AWS facts about a door that the neutral fields do not carry.
type AWSFrontDoor struct {
	// SourceARN is the ARN the service presents as aws:SourceArn when the door
	// invokes the function, which the function's resource policy must admit:
	// the method's execute-api ARN
	// ("arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/users/{id}"),
	// the target group ARN, the distribution ARN.
	SourceARN string `json:"sourceArn,omitempty"`
	// EndpointType is an API's EDGE, REGIONAL or PRIVATE endpoint type.
	EndpointType string `json:"endpointType,omitempty"`
	// DisableExecuteAPIEndpoint mirrors the API's setting (the addresses
	// already carry it as Disabled).
	DisableExecuteAPIEndpoint bool `json:"disableExecuteApiEndpoint,omitempty"`
	// Scheme is a load balancer's internet-facing or internal scheme.
	Scheme string `json:"scheme,omitempty"`
	// Listener is the listener ARN and ListenerPort its port.
	Listener     string `json:"listener,omitempty"`
	ListenerPort int    `json:"listenerPort,omitempty"`
	// Priority is a listener rule's priority ("default" rules have none).
	Priority int `json:"priority,omitempty"`
	// Conditions are a listener rule's conditions, provider-native
	// ("path-pattern=/api/*", "host-header=api.example.com").
	Conditions []string `json:"conditions,omitempty"`
	// SecurityGroups are the load balancer's security group ids.
	SecurityGroups []string `json:"securityGroups,omitempty"`
	// WebACL is the WAF web ACL associated with the stage / load balancer /
	// distribution; its rules are not judged.
	WebACL string `json:"webAcl,omitempty"`
	// DeploymentID is the stage's deployment.
	DeploymentID string `json:"deploymentId,omitempty"`
}

// GCPFrontDoor holds Google Cloud facts about a door.
type GCPFrontDoor struct {
	// LoadBalancingScheme is EXTERNAL, EXTERNAL_MANAGED, INTERNAL_MANAGED ...
	LoadBalancingScheme string `json:"loadBalancingScheme,omitempty"`
	// URLMap, BackendService and NEG name the chain from the forwarding rule to
	// the serverless network endpoint group.
	ForwardingRule string `json:"forwardingRule,omitempty"`
	URLMap         string `json:"urlMap,omitempty"`
	BackendService string `json:"backendService,omitempty"`
	NEG            string `json:"neg,omitempty"`
	// SecurityPolicy is the Cloud Armor policy on the backend service.
	SecurityPolicy string `json:"securityPolicy,omitempty"`
	// IAP is true when Identity-Aware Proxy guards the backend service (also
	// listed in Auth as platform-auth).
	IAP bool `json:"iap,omitempty"`
	// Ingress is the Cloud Run / Cloud Functions ingress setting of the target
	// (ALLOW_ALL, ALLOW_INTERNAL_ONLY, ALLOW_INTERNAL_AND_GCLB).
	Ingress string `json:"ingress,omitempty"`
	// APIConfig is an API Gateway config (with its OpenAPI security).
	APIConfig string `json:"apiConfig,omitempty"`
}

// AzureFrontDoor holds Azure facts about a door.
type AzureFrontDoor struct {
	// Service is the API Management service / Front Door profile / app id.
	Service string `json:"service,omitempty"`
	// API and Product name an APIM operation's API and products.
	API      string   `json:"api,omitempty"`
	Products []string `json:"products,omitempty"`
	// SubscriptionRequired is an APIM API's subscriptionRequired (a key, listed
	// in Auth as api-key).
	SubscriptionRequired bool `json:"subscriptionRequired,omitempty"`
	// AuthLevel is the HTTP trigger's authLevel for an app endpoint.
	AuthLevel string `json:"authLevel,omitempty"`
	// PublicNetworkAccess is the app's / service's setting (Enabled, Disabled).
	PublicNetworkAccess string `json:"publicNetworkAccess,omitempty"`
	// VirtualNetworkType is an APIM service's None, External or Internal.
	VirtualNetworkType string `json:"virtualNetworkType,omitempty"`
}

// LinkFrontDoors sets every function's FrontDoors to the ids of the doors whose
// targets name it (in door order), the back-references Validate requires.
// Collectors call it after filling Inventory.FrontDoors; Merge calls it on its
// result.
func LinkFrontDoors(inv *Inventory) {
	byFn := map[string][]string{}
	for _, d := range inv.FrontDoors {
		seen := map[string]bool{}
		for _, t := range d.Targets {
			if t.Resolution != "" || t.Function == "" || seen[t.Function] {
				continue
			}
			seen[t.Function] = true
			byFn[t.Function] = append(byFn[t.Function], d.ID)
		}
	}
	for i := range inv.Functions {
		inv.Functions[i].FrontDoors = byFn[inv.Functions[i].ID]
	}
}

// DoorsOf returns the front doors that reach fn, in inventory order.
func (inv *Inventory) DoorsOf(fn *Function) []*FrontDoor {
	var out []*FrontDoor
	for i := range inv.FrontDoors {
		d := &inv.FrontDoors[i]
		for _, t := range d.Targets {
			if t.Resolution == "" && t.Function == fn.ID {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// Reachable reports whether the door answers now: deployed and with at least
// one enabled address (a door without recorded addresses counts by its state).
func (d *FrontDoor) Reachable() bool {
	if d.State != DoorDeployed {
		return false
	}
	if len(d.Addresses) == 0 {
		return true
	}
	for _, a := range d.Addresses {
		if !a.Disabled {
			return true
		}
	}
	return false
}

// Address returns the door's first enabled address as "METHOD URL" (the
// provider's default endpoint when enabled, else the first custom domain), or
// the door's id when it has none.
func (d *FrontDoor) Address() string {
	for _, a := range d.Addresses {
		if !a.Disabled {
			return a.String()
		}
	}
	if len(d.Addresses) > 0 {
		return d.Addresses[0].String()
	}
	return d.ID
}
