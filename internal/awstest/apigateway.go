package awstest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// RestAPI is an API Gateway REST API: its working copy (resources and
// methods), its authorizers, and stages that point at deployments, which are
// snapshots of the working copy taken by Deploy.
type RestAPI struct {
	ID, Name string
	// EndpointType is EDGE, REGIONAL or PRIVATE.
	EndpointType   string
	VPCEndpointIDs []string
	// Policy is the resource policy, a JSON document.
	Policy                    string
	DisableExecuteAPIEndpoint bool
	Resources                 []*APIResource
	Authorizers               []APIAuthorizer
	Stages                    []APIStage

	deployments map[string]map[string]map[string]methodSnapshot
}

// APIResource is a REST API resource (a path) and its methods by HTTP verb.
type APIResource struct {
	ID, Path string
	Methods  map[string]APIMethod
}

// APIMethod is a method with its authorization and its integration.
type APIMethod struct {
	// AuthorizationType is NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS.
	AuthorizationType, AuthorizerID string
	APIKeyRequired                  bool
	// IntegrationType is AWS_PROXY, AWS, HTTP, MOCK...; IntegrationURI for a
	// Lambda integration is arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations.
	IntegrationType, IntegrationURI string
}

// APIAuthorizer is a REST API authorizer: TOKEN, REQUEST or COGNITO_USER_POOLS.
type APIAuthorizer struct {
	ID, Name, Type string
	ProviderARNs   []string
	AuthorizerURI  string
}

// APIStage is a stage: a name, the deployment it serves and its variables.
type APIStage struct {
	Name, DeploymentID string
	Variables          map[string]string
	// WebACLArn is the WAF web ACL associated with the stage.
	WebACLArn string
}

type methodSnapshot struct {
	AuthorizationType string `json:"authorizationType,omitempty"`
	APIKeyRequired    bool   `json:"apiKeyRequired"`
}

// Deploy snapshots the working copy into a new deployment and points stage at
// it (adding the stage with vars when it is new). It returns the deployment id.
func (a *RestAPI) Deploy(stage string, vars map[string]string) string {
	if a.deployments == nil {
		a.deployments = map[string]map[string]map[string]methodSnapshot{}
	}
	id := fmt.Sprintf("dep%d", len(a.deployments)+1)
	snap := map[string]map[string]methodSnapshot{}
	for _, res := range a.Resources {
		for verb, m := range res.Methods {
			if snap[res.Path] == nil {
				snap[res.Path] = map[string]methodSnapshot{}
			}
			snap[res.Path][verb] = methodSnapshot{AuthorizationType: m.AuthorizationType, APIKeyRequired: m.APIKeyRequired}
		}
	}
	a.deployments[id] = snap
	for i := range a.Stages {
		if a.Stages[i].Name == stage {
			a.Stages[i].DeploymentID = id
			return id
		}
	}
	a.Stages = append(a.Stages, APIStage{Name: stage, DeploymentID: id, Variables: vars})
	return id
}

// HTTPAPI is an API Gateway v2 API: ProtocolType HTTP or WEBSOCKET.
type HTTPAPI struct {
	ID, Name, ProtocolType    string
	DisableExecuteAPIEndpoint bool
	Routes                    []V2Route
	Integrations              []V2Integration
	Authorizers               []V2Authorizer
	Stages                    []V2Stage
}

// V2Route is a route ("GET /items", "$default", "$connect"); Target is
// "integrations/ID".
type V2Route struct {
	ID, RouteKey string
	// AuthorizationType is NONE, AWS_IAM, JWT or CUSTOM.
	AuthorizationType, AuthorizerID, Target string
	APIKeyRequired                          bool
}

// V2Integration is an integration; a Lambda proxy integration has type
// AWS_PROXY and the function ARN (or the apigateway lambda path) as URI.
type V2Integration struct {
	ID, Type, URI string
}

// V2Authorizer is a JWT or REQUEST (Lambda) authorizer.
type V2Authorizer struct {
	ID, Name, Type string
	Issuer         string
	Audience       []string
	AuthorizerURI  string
}

// V2Stage is a stage; "$default" with AutoDeploy is what SAM and the console create.
type V2Stage struct {
	Name, DeploymentID string
	AutoDeploy         bool
	Variables          map[string]string
}

// DomainName is an API Gateway custom domain with its API mappings (shared by
// the v1 and v2 APIs, as in API Gateway: v1 reads them as base path mappings).
type DomainName struct {
	Name         string
	EndpointType string // EDGE or REGIONAL
	Mappings     []DomainMapping
}

// DomainMapping maps a base path ("" for the root) to an API's stage.
type DomainMapping struct {
	ID, Key, APIID, Stage string
}

type apigwService struct{ fd *FrontDoorEstate }

var policyEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `/`, `\/`)

func apigwError(w http.ResponseWriter, status int, code, message, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	WriteError(w, RESTJSON, status, code, message)
}

func (h apigwService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := Caller(r)
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	op := apigwOperation(r.Method, parts)
	if op == "" {
		apigwError(w, http.StatusNotFound, "NotFoundException", "Invalid API path "+r.URL.Path, "")
		return
	}
	if !h.fd.admit(w, r, apigwError, http.StatusTooManyRequests, "TooManyRequestsException", "apigateway:"+op) {
		return
	}
	d := h.fd.lookup(c.Account, c.Region)
	if parts[0] == "v2" {
		h.serveV2(w, r, d, op, parts[1:])
		return
	}
	h.serveV1(w, r, d, op, parts)
}

// apigwOperation names the operation of a request path, or "".
func apigwOperation(method string, p []string) string {
	if method != http.MethodGet {
		return ""
	}
	v2 := len(p) > 0 && p[0] == "v2"
	if v2 {
		p = p[1:]
	}
	switch {
	case !v2 && len(p) == 1 && p[0] == "restapis":
		return "GetRestApis"
	case !v2 && len(p) == 3 && p[0] == "restapis" && p[2] == "resources":
		return "GetResources"
	case !v2 && len(p) == 3 && p[0] == "restapis" && p[2] == "stages":
		return "GetStages"
	case !v2 && len(p) == 3 && p[0] == "restapis" && p[2] == "authorizers":
		return "GetAuthorizers"
	case !v2 && len(p) == 4 && p[0] == "restapis" && p[2] == "deployments":
		return "GetDeployment"
	case !v2 && len(p) == 1 && p[0] == "domainnames":
		return "GetDomainNames"
	case !v2 && len(p) == 3 && p[0] == "domainnames" && p[2] == "basepathmappings":
		return "GetBasePathMappings"
	case v2 && len(p) == 1 && p[0] == "apis":
		return "GetApis"
	case v2 && len(p) == 3 && p[0] == "apis" && p[2] == "routes":
		return "GetRoutes"
	case v2 && len(p) == 3 && p[0] == "apis" && p[2] == "integrations":
		return "GetIntegrations"
	case v2 && len(p) == 3 && p[0] == "apis" && p[2] == "stages":
		return "GetStages"
	case v2 && len(p) == 3 && p[0] == "apis" && p[2] == "authorizers":
		return "GetAuthorizers"
	case v2 && len(p) == 1 && p[0] == "domainnames":
		return "GetDomainNames"
	case v2 && len(p) == 3 && p[0] == "domainnames" && p[2] == "apimappings":
		return "GetApiMappings"
	}
	return ""
}

func notFound(w http.ResponseWriter, what string) {
	apigwError(w, http.StatusNotFound, "NotFoundException", "Invalid "+what+" identifier specified", "")
}

// v1Page returns one page of items for API Gateway v1's position/limit paging
// (default 25, at most 500).
func v1Page[T any](h apigwService, r *http.Request, items []T) ([]T, string) {
	limit := intParam(r, "limit", 25)
	if limit > 500 {
		limit = 500
	}
	limit = h.fd.s.pageSize("apigateway", limit)
	return pageOf(items, r.URL.Query().Get("position"), limit)
}

func v1List[T any](w http.ResponseWriter, items []T, position string) {
	body := map[string]any{"item": items}
	if position != "" {
		body["position"] = position
	}
	writeJSON(w, "application/json", body)
}

func (d *RegionDoors) restAPI(id string) *RestAPI {
	for _, a := range d.RestAPIs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (h apigwService) serveV1(w http.ResponseWriter, r *http.Request, d *RegionDoors, op string, p []string) {
	switch op {
	case "GetRestApis":
		type endpointConfig struct {
			Types          []string `json:"types"`
			VPCEndpointIDs []string `json:"vpcEndpointIds,omitempty"`
		}
		type restAPI struct {
			ID                        string         `json:"id"`
			Name                      string         `json:"name"`
			EndpointConfiguration     endpointConfig `json:"endpointConfiguration"`
			Policy                    string         `json:"policy,omitempty"`
			DisableExecuteAPIEndpoint bool           `json:"disableExecuteApiEndpoint"`
			RootResourceID            string         `json:"rootResourceId,omitempty"`
		}
		var items []restAPI
		for _, a := range d.RestAPIs {
			t := a.EndpointType
			if t == "" {
				t = "EDGE"
			}
			// API Gateway returns the policy escaped once more, as the body of
			// a JSON string: quotes as \" and slashes as \/.
			items = append(items, restAPI{ID: a.ID, Name: a.Name, EndpointConfiguration: endpointConfig{Types: []string{t}, VPCEndpointIDs: a.VPCEndpointIDs},
				Policy: policyEscaper.Replace(a.Policy), DisableExecuteAPIEndpoint: a.DisableExecuteAPIEndpoint})
		}
		page, next := v1Page(h, r, items)
		v1List(w, page, next)
	case "GetResources":
		a := d.restAPI(p[1])
		if a == nil {
			notFound(w, "API")
			return
		}
		embed := strings.Contains(r.URL.Query().Get("embed"), "methods")
		type integration struct {
			Type       string `json:"type"`
			URI        string `json:"uri,omitempty"`
			HTTPMethod string `json:"httpMethod,omitempty"`
		}
		type method struct {
			HTTPMethod        string       `json:"httpMethod"`
			AuthorizationType string       `json:"authorizationType"`
			AuthorizerID      string       `json:"authorizerId,omitempty"`
			APIKeyRequired    bool         `json:"apiKeyRequired"`
			Integration       *integration `json:"methodIntegration,omitempty"`
		}
		type resource struct {
			ID       string             `json:"id"`
			ParentID string             `json:"parentId,omitempty"`
			PathPart string             `json:"pathPart,omitempty"`
			Path     string             `json:"path"`
			Methods  map[string]*method `json:"resourceMethods,omitempty"`
		}
		var items []resource
		for i, res := range a.Resources {
			id := res.ID
			if id == "" {
				id = fmt.Sprintf("r%d", i)
			}
			out := resource{ID: id, Path: res.Path, PathPart: res.Path[strings.LastIndex(res.Path, "/")+1:]}
			if len(res.Methods) > 0 {
				out.Methods = map[string]*method{}
				for verb, m := range res.Methods {
					if !embed {
						// Without embed=methods API Gateway lists the verbs only.
						out.Methods[verb] = &method{}
						continue
					}
					mm := &method{HTTPMethod: verb, AuthorizationType: m.AuthorizationType, AuthorizerID: m.AuthorizerID, APIKeyRequired: m.APIKeyRequired}
					if m.IntegrationType != "" {
						mm.Integration = &integration{Type: m.IntegrationType, URI: m.IntegrationURI, HTTPMethod: "POST"}
					}
					out.Methods[verb] = mm
				}
			}
			items = append(items, out)
		}
		page, next := v1Page(h, r, items)
		v1List(w, page, next)
	case "GetStages":
		a := d.restAPI(p[1])
		if a == nil {
			notFound(w, "API")
			return
		}
		type stage struct {
			StageName    string            `json:"stageName"`
			DeploymentID string            `json:"deploymentId,omitempty"`
			Variables    map[string]string `json:"variables,omitempty"`
			WebACLArn    string            `json:"webAclArn,omitempty"`
		}
		items := []stage{}
		for _, s := range a.Stages {
			items = append(items, stage{s.Name, s.DeploymentID, s.Variables, s.WebACLArn})
		}
		writeJSON(w, "application/json", map[string]any{"item": items})
	case "GetAuthorizers":
		a := d.restAPI(p[1])
		if a == nil {
			notFound(w, "API")
			return
		}
		type authorizer struct {
			ID            string   `json:"id"`
			Name          string   `json:"name"`
			Type          string   `json:"type"`
			ProviderARNs  []string `json:"providerARNs,omitempty"`
			AuthorizerURI string   `json:"authorizerUri,omitempty"`
		}
		var items []authorizer
		for _, z := range a.Authorizers {
			items = append(items, authorizer(z))
		}
		page, next := v1Page(h, r, items)
		v1List(w, page, next)
	case "GetDeployment":
		a := d.restAPI(p[1])
		if a == nil || a.deployments[p[3]] == nil {
			notFound(w, "deployment")
			return
		}
		body := map[string]any{"id": p[3], "createdDate": 1.7e9}
		if strings.Contains(r.URL.Query().Get("embed"), "apisummary") {
			body["apiSummary"] = a.deployments[p[3]]
		}
		writeJSON(w, "application/json", body)
	case "GetDomainNames":
		type domain struct {
			DomainName            string              `json:"domainName"`
			EndpointConfiguration map[string][]string `json:"endpointConfiguration"`
		}
		var items []domain
		for _, dn := range d.DomainNames {
			items = append(items, domain{dn.Name, map[string][]string{"types": {dn.EndpointType}}})
		}
		page, next := v1Page(h, r, items)
		v1List(w, page, next)
	case "GetBasePathMappings":
		dn := d.domain(p[1])
		if dn == nil {
			notFound(w, "domain name")
			return
		}
		type mapping struct {
			BasePath  string `json:"basePath"`
			RestAPIID string `json:"restApiId"`
			Stage     string `json:"stage,omitempty"`
		}
		var items []mapping
		for _, m := range dn.Mappings {
			bp := m.Key
			if bp == "" {
				bp = "(none)"
			}
			items = append(items, mapping{bp, m.APIID, m.Stage})
		}
		page, next := v1Page(h, r, items)
		v1List(w, page, next)
	}
}

func (d *RegionDoors) domain(name string) *DomainName {
	for _, dn := range d.DomainNames {
		if dn.Name == name {
			return dn
		}
	}
	return nil
}

func (d *RegionDoors) httpAPI(id string) *HTTPAPI {
	for _, a := range d.HTTPAPIs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// v2List writes one page of an API Gateway v2 listing (maxResults/nextToken;
// the service's page size is 25 unless maxResults asks for another).
func v2List[T any](h apigwService, w http.ResponseWriter, r *http.Request, items []T) {
	size := h.fd.s.pageSize("apigateway", intParam(r, "maxResults", 25))
	token := r.URL.Query().Get("nextToken")
	if token != "" {
		if n, err := strconv.Atoi(strings.TrimPrefix(token, "tok-")); err != nil || n > len(items) {
			apigwError(w, http.StatusBadRequest, "BadRequestException", "Invalid nextToken", "")
			return
		}
	}
	page, next := pageOf(items, strings.TrimPrefix(token, "tok-"), size)
	body := map[string]any{"items": page}
	if next != "" {
		body["nextToken"] = "tok-" + next
	}
	writeJSON(w, "application/json", body)
}

func (h apigwService) serveV2(w http.ResponseWriter, r *http.Request, d *RegionDoors, op string, p []string) {
	c := Caller(r)
	var a *HTTPAPI
	if p[0] == "apis" && len(p) > 1 {
		if a = d.httpAPI(p[1]); a == nil {
			notFound(w, "API")
			return
		}
	}
	switch op {
	case "GetApis":
		type api struct {
			APIID                     string `json:"apiId"`
			Name                      string `json:"name"`
			ProtocolType              string `json:"protocolType"`
			APIEndpoint               string `json:"apiEndpoint"`
			DisableExecuteAPIEndpoint bool   `json:"disableExecuteApiEndpoint"`
			RouteSelectionExpression  string `json:"routeSelectionExpression"`
		}
		var items []api
		for _, x := range d.HTTPAPIs {
			scheme, sel := "https", "${request.method} ${request.path}"
			if x.ProtocolType == "WEBSOCKET" {
				scheme, sel = "wss", "$request.body.action"
			}
			items = append(items, api{x.ID, x.Name, x.ProtocolType, fmt.Sprintf("%s://%s.execute-api.%s.amazonaws.com", scheme, x.ID, c.Region), x.DisableExecuteAPIEndpoint, sel})
		}
		v2List(h, w, r, items)
	case "GetRoutes":
		type route struct {
			RouteID           string `json:"routeId"`
			RouteKey          string `json:"routeKey"`
			AuthorizationType string `json:"authorizationType,omitempty"`
			AuthorizerID      string `json:"authorizerId,omitempty"`
			Target            string `json:"target,omitempty"`
			APIKeyRequired    bool   `json:"apiKeyRequired"`
		}
		var items []route
		for i, x := range a.Routes {
			id := x.ID
			if id == "" {
				id = fmt.Sprintf("rt%d", i)
			}
			items = append(items, route{id, x.RouteKey, x.AuthorizationType, x.AuthorizerID, x.Target, x.APIKeyRequired})
		}
		v2List(h, w, r, items)
	case "GetIntegrations":
		type integration struct {
			IntegrationID        string `json:"integrationId"`
			IntegrationType      string `json:"integrationType"`
			IntegrationURI       string `json:"integrationUri,omitempty"`
			PayloadFormatVersion string `json:"payloadFormatVersion,omitempty"`
		}
		var items []integration
		for _, x := range a.Integrations {
			items = append(items, integration{x.ID, x.Type, x.URI, "2.0"})
		}
		v2List(h, w, r, items)
	case "GetStages":
		type stage struct {
			StageName      string            `json:"stageName"`
			DeploymentID   string            `json:"deploymentId,omitempty"`
			AutoDeploy     bool              `json:"autoDeploy"`
			StageVariables map[string]string `json:"stageVariables,omitempty"`
		}
		var items []stage
		for _, x := range a.Stages {
			items = append(items, stage{x.Name, x.DeploymentID, x.AutoDeploy, x.Variables})
		}
		v2List(h, w, r, items)
	case "GetAuthorizers":
		type jwt struct {
			Audience []string `json:"audience,omitempty"`
			Issuer   string   `json:"issuer,omitempty"`
		}
		type authorizer struct {
			AuthorizerID   string `json:"authorizerId"`
			Name           string `json:"name"`
			AuthorizerType string `json:"authorizerType"`
			AuthorizerURI  string `json:"authorizerUri,omitempty"`
			JWT            *jwt   `json:"jwtConfiguration,omitempty"`
		}
		var items []authorizer
		for _, x := range a.Authorizers {
			z := authorizer{AuthorizerID: x.ID, Name: x.Name, AuthorizerType: x.Type, AuthorizerURI: x.AuthorizerURI}
			if x.Type == "JWT" {
				z.JWT = &jwt{x.Audience, x.Issuer}
			}
			items = append(items, z)
		}
		v2List(h, w, r, items)
	case "GetDomainNames":
		type config struct {
			APIGatewayDomainName string `json:"apiGatewayDomainName"`
			EndpointType         string `json:"endpointType"`
		}
		type domain struct {
			DomainName               string   `json:"domainName"`
			DomainNameConfigurations []config `json:"domainNameConfigurations"`
		}
		var items []domain
		for _, dn := range d.DomainNames {
			t := dn.EndpointType
			if t == "" {
				t = "REGIONAL"
			}
			items = append(items, domain{dn.Name, []config{{"d-" + strings.ReplaceAll(dn.Name, ".", "-") + ".execute-api." + c.Region + ".amazonaws.com", t}}})
		}
		v2List(h, w, r, items)
	case "GetApiMappings":
		dn := d.domain(p[1])
		if dn == nil {
			notFound(w, "domain name")
			return
		}
		type mapping struct {
			APIMappingID  string `json:"apiMappingId"`
			APIMappingKey string `json:"apiMappingKey"`
			APIID         string `json:"apiId"`
			Stage         string `json:"stage"`
		}
		var items []mapping
		for i, m := range dn.Mappings {
			items = append(items, mapping{fmt.Sprintf("m%d", i), m.Key, m.APIID, m.Stage})
		}
		v2List(h, w, r, items)
	}
}
