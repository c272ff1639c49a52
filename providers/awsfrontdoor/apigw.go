package awsfrontdoor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	v2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"github.com/fnaudit/fnaudit/audit"
)

const doorsWhat = "front doors"

// domainMapping is a custom domain's mapping of a base path to an API stage.
type domainMapping struct {
	domain, key, stage string
	src                audit.Source
}

// readDomains reads the region's API Gateway custom domains and their API
// mappings (v2's view covers REST, HTTP and WebSocket APIs), by API id.
func readDomains(ctx context.Context, c *collector, api httpAPI) map[string][]domainMapping {
	out := map[string][]domainMapping{}
	max := aws.String("100")
	domains, err := pages(ctx, func(ctx context.Context, tok *string) ([]v2types.DomainName, *string, error) {
		o, err := api.GetDomainNames(ctx, &apigatewayv2.GetDomainNamesInput{MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.NextToken, nil
	})
	if err != nil {
		c.gap("", "apigateway:GetDomainNames", "custom domains", err)
	}
	for _, d := range domains {
		name := aws.ToString(d.DomainName)
		ms, err := pages(ctx, func(ctx context.Context, tok *string) ([]v2types.ApiMapping, *string, error) {
			o, err := api.GetApiMappings(ctx, &apigatewayv2.GetApiMappingsInput{DomainName: d.DomainName, MaxResults: max, NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return o.Items, o.NextToken, nil
		})
		if err != nil {
			c.gap("arn:aws:apigateway:"+c.region+"::/domainnames/"+name, "apigateway:GetApiMappings", "API mappings", err)
		}
		for _, m := range ms {
			out[aws.ToString(m.ApiId)] = append(out[aws.ToString(m.ApiId)], domainMapping{
				domain: name, key: aws.ToString(m.ApiMappingKey), stage: aws.ToString(m.Stage),
				src: audit.Source{API: "apigateway:GetApiMappings", Ref: "arn:aws:apigateway:" + c.region + "::/domainnames/" + name},
			})
		}
	}
	return out
}

// customAddresses returns the custom-domain URLs of an API stage for a path.
func customAddresses(ms []domainMapping, stage, method, path string) []audit.DoorAddress {
	var out []audit.DoorAddress
	for _, m := range ms {
		if m.stage != stage {
			continue
		}
		base := "https://" + m.domain
		if m.key != "" && m.key != "(none)" {
			base += "/" + m.key
		}
		out = append(out, audit.DoorAddress{Method: method, URL: base + path, CustomDomain: true, Source: m.src})
	}
	return out
}

// policyJSON returns an API's resource policy as JSON. API Gateway returns
// the document escaped once more, as the body of a JSON string (quotes as
// \", slashes as \/); a plain document is accepted too.
func policyJSON(s string) (json.RawMessage, bool) {
	if s == "" {
		return nil, true
	}
	object := func(d string) bool {
		d = strings.TrimSpace(d)
		return strings.HasPrefix(d, "{") && json.Valid([]byte(d))
	}
	if object(s) {
		return json.RawMessage(s), true
	}
	var doc string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &doc); err == nil && object(doc) {
		return json.RawMessage(doc), true
	}
	return nil, false
}

// collectREST reads every REST API of the region and emits one door per
// deployed (method, stage) with a Lambda integration, and one not-deployed
// door per Lambda method in no stage.
func collectREST(ctx context.Context, c *collector, api restAPI, domains map[string][]domainMapping, workers int) {
	apisList, err := pages(ctx, func(ctx context.Context, pos *string) ([]agtypes.RestApi, *string, error) {
		o, err := api.GetRestApis(ctx, &apigateway.GetRestApisInput{Limit: aws.Int32(500), Position: pos})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.Position, nil
	})
	if err != nil {
		// The APIs listed before the failure are still read.
		c.gap("", "apigateway:GetRestApis", doorsWhat, err)
	}
	apisList = unique(apisList, func(a agtypes.RestApi) string { return aws.ToString(a.Id) })
	forEach(apisList, workers, func(a agtypes.RestApi) { readRESTAPI(ctx, c, api, a, domains[aws.ToString(a.Id)]) })
}

func readRESTAPI(ctx context.Context, c *collector, api restAPI, a agtypes.RestApi, domains []domainMapping) {
	id := aws.ToString(a.Id)
	apiRef := "arn:aws:apigateway:" + c.region + "::/restapis/" + id
	what := "front doors of REST API " + id
	resources, err := pages(ctx, func(ctx context.Context, pos *string) ([]agtypes.Resource, *string, error) {
		o, err := api.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: a.Id, Embed: []string{"methods"}, Limit: aws.Int32(500), Position: pos})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.Position, nil
	})
	if err != nil {
		c.gap(apiRef, "apigateway:GetResources", what, err)
		return
	}
	resources = unique(resources, func(r agtypes.Resource) string { return aws.ToString(r.Id) })
	// Only APIs with a Lambda integration matter; skip their other reads.
	hasLambda := false
	for _, r := range resources {
		for _, m := range r.ResourceMethods {
			if m.MethodIntegration != nil && strings.Contains(aws.ToString(m.MethodIntegration.Uri), ":lambda:") {
				hasLambda = true
			}
		}
	}
	if !hasLambda {
		return
	}
	authorizers := map[string]agtypes.Authorizer{}
	zs, err := pages(ctx, func(ctx context.Context, pos *string) ([]agtypes.Authorizer, *string, error) {
		o, err := api.GetAuthorizers(ctx, &apigateway.GetAuthorizersInput{RestApiId: a.Id, Limit: aws.Int32(500), Position: pos})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.Position, nil
	})
	if err != nil {
		c.gap(apiRef, "apigateway:GetAuthorizers", what, err)
		return
	}
	for _, z := range zs {
		authorizers[aws.ToString(z.Id)] = z
	}
	stages, err := api.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: a.Id})
	if err != nil {
		c.gap(apiRef, "apigateway:GetStages", what, err)
		return
	}
	// What a stage serves is its deployment's snapshot: the methods and their
	// authorization as they were when deployed.
	snapshots := map[string]map[string]map[string]agtypes.MethodSnapshot{}
	for _, s := range stages.Item {
		dep := aws.ToString(s.DeploymentId)
		if dep == "" || snapshots[dep] != nil {
			continue
		}
		d, err := api.GetDeployment(ctx, &apigateway.GetDeploymentInput{RestApiId: a.Id, DeploymentId: s.DeploymentId, Embed: []string{"apisummary"}})
		if err != nil {
			c.gap(apiRef, "apigateway:GetDeployment", what, err)
			return
		}
		snapshots[dep] = d.ApiSummary
		if snapshots[dep] == nil {
			snapshots[dep] = map[string]map[string]agtypes.MethodSnapshot{}
		}
	}
	policy, ok := policyJSON(aws.ToString(a.Policy))
	if !ok {
		c.mu.Lock()
		c.res.Gaps = append(c.res.Gaps, audit.Gap{Provider: audit.AWS, Account: c.account, Region: c.region, Resource: apiRef,
			API: "apigateway:GetRestApis", Data: audit.DataFrontDoors, Reason: audit.GapInvalidData,
			Message: "the resource policy of REST API " + id + " is not JSON; its doors are kept without it"})
		c.mu.Unlock()
	}
	endpointType := "EDGE"
	var vpces []string
	if a.EndpointConfiguration != nil {
		if len(a.EndpointConfiguration.Types) > 0 {
			endpointType = string(a.EndpointConfiguration.Types[0])
		}
		vpces = a.EndpointConfiguration.VpcEndpointIds
	}
	scope := audit.ScopeInternet
	var restrictions []audit.NetworkRestriction
	if endpointType == "PRIVATE" {
		scope = audit.ScopePrivateVPC
		if len(vpces) > 0 {
			restrictions = append(restrictions, audit.NetworkRestriction{Kind: audit.RestrictVPCEndpoint, Values: vpces,
				Detail: "VPC endpoints associated with the private API", Source: audit.Source{API: "apigateway:GetRestApis", Ref: apiRef}})
		}
	}
	sort.Slice(resources, func(i, j int) bool { return aws.ToString(resources[i].Path) < aws.ToString(resources[j].Path) })
	for _, r := range resources {
		path := aws.ToString(r.Path)
		verbs := make([]string, 0, len(r.ResourceMethods))
		for v := range r.ResourceMethods {
			verbs = append(verbs, v)
		}
		sort.Strings(verbs)
		for _, verb := range verbs {
			m := r.ResourceMethods[verb]
			if m.MethodIntegration == nil {
				continue
			}
			uri := aws.ToString(m.MethodIntegration.Uri)
			methodRef := apiRef + "/resources/" + aws.ToString(r.Id) + "/methods/" + verb
			src := audit.Source{API: "apigateway:GetResources", Ref: methodRef}
			if _, ok := lambdaTarget("", uri, nil, src); !ok {
				continue
			}
			deployed := false
			for _, s := range stages.Item {
				snap, ok := snapshots[aws.ToString(s.DeploymentId)][path][verb]
				if !ok {
					continue
				}
				deployed = true
				stage := aws.ToString(s.StageName)
				t, _ := lambdaTarget(string(m.MethodIntegration.Type), uri, s.Variables, src)
				t.Role = aws.ToString(m.MethodIntegration.Credentials)
				d := restDoor(c, a, r, verb, stage, aws.ToString(s.DeploymentId), endpointType, scope, restrictions, policy, methodRef)
				d.Auth = restAuth(aws.ToString(snap.AuthorizationType), snap.ApiKeyRequired, m, authorizers, methodRef)
				d.Addresses = append(d.Addresses, customAddresses(domains, stage, verb, path)...)
				d.Targets = []audit.DoorTarget{t}
				d.State = audit.DoorDeployed
				d.StateSource = audit.Source{API: "apigateway:GetDeployment", Ref: apiRef + "/deployments/" + aws.ToString(s.DeploymentId)}
				d.AWS.WebACL = aws.ToString(s.WebAclArn)
				c.door(d)
			}
			if !deployed {
				t, _ := lambdaTarget(string(m.MethodIntegration.Type), uri, nil, src)
				t.Role = aws.ToString(m.MethodIntegration.Credentials)
				d := restDoor(c, a, r, verb, "", "", endpointType, scope, restrictions, policy, methodRef)
				d.Auth = restAuth(aws.ToString(m.AuthorizationType), aws.ToBool(m.ApiKeyRequired), m, authorizers, methodRef)
				d.Targets = []audit.DoorTarget{t}
				d.State = audit.DoorNotDeployed
				d.StateSource = audit.Source{API: "apigateway:GetStages", Ref: apiRef}
				c.door(d)
			}
		}
	}
}

func restDoor(c *collector, a agtypes.RestApi, r agtypes.Resource, verb, stage, deployment, endpointType string, scope audit.NetworkScope, restrictions []audit.NetworkRestriction, policy json.RawMessage, methodRef string) audit.FrontDoor {
	id := aws.ToString(a.Id)
	apiRef := "arn:aws:apigateway:" + c.region + "::/restapis/" + id
	path := aws.ToString(r.Path)
	d := audit.FrontDoor{
		Kind: audit.DoorRESTMethod, Provider: audit.AWS, Account: c.account, Region: c.region,
		ID: methodRef, Name: verb + " " + path, Parent: apiRef, ParentName: aws.ToString(a.Name), Stage: stage,
		Scope: scope, Restrictions: restrictions, Policy: policy,
		AWS:    &audit.AWSFrontDoor{EndpointType: endpointType, DisableExecuteAPIEndpoint: a.DisableExecuteApiEndpoint, DeploymentID: deployment},
		Source: audit.Source{API: "apigateway:GetResources", Ref: methodRef},
	}
	if policy != nil {
		d.PolicySource = audit.Source{API: "apigateway:GetRestApis", Ref: apiRef}
	}
	if stage != "" {
		d.ID = apiRef + "/stages/" + stage + "/resources/" + aws.ToString(r.Id) + "/methods/" + verb
		d.Addresses = []audit.DoorAddress{{Method: verb, URL: fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com/%s%s", id, c.region, stage, path),
			Disabled: a.DisableExecuteApiEndpoint, Source: audit.Source{API: "apigateway:GetStages", Ref: apiRef + "/stages/" + stage}}}
		arnVerb := verb
		if verb == "ANY" {
			arnVerb = "*"
		}
		d.AWS.SourceARN = fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s%s", c.region, c.account, id, stage, arnVerb, path)
	}
	return d
}

// restAuth lists a REST method's authentication: its authorization type (as
// deployed) with the authorizer, and the API key when one is required.
func restAuth(authType string, apiKey bool, m agtypes.Method, authorizers map[string]agtypes.Authorizer, ref string) []audit.DoorAuth {
	src := audit.Source{API: "apigateway:GetResources", Ref: ref}
	var out []audit.DoorAuth
	switch authType {
	case "NONE", "":
		if !apiKey {
			out = append(out, audit.DoorAuth{Type: audit.DoorAuthNone, Source: src})
		}
	case "AWS_IAM":
		out = append(out, audit.DoorAuth{Type: audit.DoorAuthIAM, Detail: "SigV4 (AWS_IAM)", Source: src})
	case "CUSTOM", "COGNITO_USER_POOLS":
		z := authorizers[aws.ToString(m.AuthorizerId)]
		a := audit.DoorAuth{Type: audit.DoorAuthCustom, AuthorizerID: aws.ToString(m.AuthorizerId), AuthorizerName: aws.ToString(z.Name),
			Scopes: m.AuthorizationScopes, Source: audit.Source{API: "apigateway:GetAuthorizers", Ref: ref}}
		if authType == "COGNITO_USER_POOLS" || z.Type == agtypes.AuthorizerTypeCognitoUserPools {
			a.Type = audit.DoorAuthCognito
			if len(z.ProviderARNs) > 0 {
				a.Issuer = z.ProviderARNs[0]
			}
		} else {
			a.Detail = "Lambda authorizer (" + string(z.Type) + "); its logic is not checked"
		}
		out = append(out, a)
	default:
		out = append(out, audit.DoorAuth{Type: audit.DoorAuthUnknown, Detail: "authorizationType " + authType, Source: src})
	}
	if apiKey {
		out = append(out, audit.DoorAuth{Type: audit.DoorAuthAPIKey, Detail: "usage plan API key (apiKeyRequired)", Source: src})
	}
	return out
}

// collectHTTP reads every HTTP and WebSocket API of the region.
func collectHTTP(ctx context.Context, c *collector, api httpAPI, domains map[string][]domainMapping, workers int) {
	list, err := pages(ctx, func(ctx context.Context, tok *string) ([]v2types.Api, *string, error) {
		o, err := api.GetApis(ctx, &apigatewayv2.GetApisInput{MaxResults: aws.String("100"), NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.NextToken, nil
	})
	if err != nil {
		c.gap("", "apigateway:GetApis", doorsWhat, err)
	}
	list = unique(list, func(a v2types.Api) string { return aws.ToString(a.ApiId) })
	forEach(list, workers, func(a v2types.Api) { readHTTPAPI(ctx, c, api, a, domains[aws.ToString(a.ApiId)]) })
}

// errRepeatedToken is a listing whose next-page token repeats an earlier one:
// following it would loop, stopping would read a truncated list as complete.
var errRepeatedToken = errors.New("the service repeated a page token; the listing is incomplete")

// pages drains a listing that pages with a token (position, NextToken,
// Marker, NextMarker): get returns a page and the next token, empty on the
// last page.
func pages[T any](ctx context.Context, get func(ctx context.Context, token *string) ([]T, *string, error)) ([]T, error) {
	var out []T
	var token *string
	seen := map[string]bool{}
	for {
		items, next, err := get(ctx, token)
		if err != nil {
			return out, err
		}
		out = append(out, items...)
		if aws.ToString(next) == "" {
			return out, nil
		}
		if seen[*next] {
			return out, errRepeatedToken
		}
		seen[*next] = true
		token = next
	}
}

func readHTTPAPI(ctx context.Context, c *collector, api httpAPI, a v2types.Api, domains []domainMapping) {
	id := aws.ToString(a.ApiId)
	disabled := aws.ToBool(a.DisableExecuteApiEndpoint)
	apiRef := "arn:aws:apigateway:" + c.region + "::/apis/" + id
	what := "front doors of API " + id
	max := aws.String("100")
	integrations, err := pages(ctx, func(ctx context.Context, tok *string) ([]v2types.Integration, *string, error) {
		o, err := api.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: a.ApiId, MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.NextToken, nil
	})
	if err != nil {
		c.gap(apiRef, "apigateway:GetIntegrations", what, err)
		return
	}
	byID := map[string]v2types.Integration{}
	for _, in := range integrations {
		if strings.Contains(aws.ToString(in.IntegrationUri), ":lambda:") {
			byID[aws.ToString(in.IntegrationId)] = in
		}
	}
	if len(byID) == 0 {
		return
	}
	routes, err := pages(ctx, func(ctx context.Context, tok *string) ([]v2types.Route, *string, error) {
		o, err := api.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: a.ApiId, MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.NextToken, nil
	})
	if err != nil {
		c.gap(apiRef, "apigateway:GetRoutes", what, err)
		return
	}
	auths, err := pages(ctx, func(ctx context.Context, tok *string) ([]v2types.Authorizer, *string, error) {
		o, err := api.GetAuthorizers(ctx, &apigatewayv2.GetAuthorizersInput{ApiId: a.ApiId, MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.NextToken, nil
	})
	if err != nil {
		c.gap(apiRef, "apigateway:GetAuthorizers", what, err)
		return
	}
	authorizers := map[string]v2types.Authorizer{}
	for _, z := range auths {
		authorizers[aws.ToString(z.AuthorizerId)] = z
	}
	stages, err := pages(ctx, func(ctx context.Context, tok *string) ([]v2types.Stage, *string, error) {
		o, err := api.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: a.ApiId, MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Items, o.NextToken, nil
	})
	if err != nil {
		c.gap(apiRef, "apigateway:GetStages", what, err)
		return
	}
	ws := a.ProtocolType == v2types.ProtocolTypeWebsocket
	kind := audit.DoorHTTPRoute
	if ws {
		kind = audit.DoorWebSocketRoute
	}
	// A WebSocket API authenticates once, on $connect; every route carries it.
	var connect *v2types.Route
	for i := range routes {
		if aws.ToString(routes[i].RouteKey) == "$connect" {
			connect = &routes[i]
		}
	}
	sort.Slice(routes, func(i, j int) bool { return aws.ToString(routes[i].RouteKey) < aws.ToString(routes[j].RouteKey) })
	for _, rt := range routes {
		in, ok := byID[strings.TrimPrefix(aws.ToString(rt.Target), "integrations/")]
		if !ok {
			continue
		}
		key := aws.ToString(rt.RouteKey)
		routeRef := apiRef + "/routes/" + aws.ToString(rt.RouteId)
		src := audit.Source{API: "apigateway:GetRoutes", Ref: routeRef}
		auth := httpAuth(rt, authorizers, routeRef, "")
		if ws && key != "$connect" {
			if connect != nil {
				auth = httpAuth(*connect, authorizers, apiRef+"/routes/"+aws.ToString(connect.RouteId), "$connect")
			} else {
				auth = []audit.DoorAuth{{Type: audit.DoorAuthNone, Route: "$connect", Detail: "the API has no $connect route", Source: src}}
			}
		}
		method, path := "", "/"
		if ws {
			method = key
		} else if f := strings.Fields(key); len(f) == 2 {
			method, path = f[0], f[1]
		}
		emitted := false
		for _, s := range stages {
			if !aws.ToBool(s.AutoDeploy) && aws.ToString(s.DeploymentId) == "" {
				continue
			}
			emitted = true
			stage := aws.ToString(s.StageName)
			t, _ := lambdaTarget(string(in.IntegrationType), aws.ToString(in.IntegrationUri), s.StageVariables,
				audit.Source{API: "apigateway:GetIntegrations", Ref: apiRef + "/integrations/" + aws.ToString(in.IntegrationId)})
			t.Role = aws.ToString(in.CredentialsArn)
			base := aws.ToString(a.ApiEndpoint)
			if stage != "$default" {
				base += "/" + stage
			}
			url := base
			if !ws {
				url += path
			}
			d := audit.FrontDoor{Kind: kind, Provider: audit.AWS, Account: c.account, Region: c.region,
				ID: apiRef + "/stages/" + stage + "/routes/" + aws.ToString(rt.RouteId), Name: key, Parent: apiRef, ParentName: aws.ToString(a.Name),
				Stage: stage, State: audit.DoorDeployed, Scope: audit.ScopeInternet, Auth: auth,
				Addresses: []audit.DoorAddress{{Method: method, URL: url, Disabled: disabled,
					Source: audit.Source{API: "apigateway:GetApis", Ref: apiRef}}},
				Targets: []audit.DoorTarget{t},
				AWS: &audit.AWSFrontDoor{EndpointType: "REGIONAL", DisableExecuteAPIEndpoint: disabled,
					DeploymentID: aws.ToString(s.DeploymentId), SourceARN: v2SourceARN(c, id, stage, key, ws)},
				Source: src, StateSource: audit.Source{API: "apigateway:GetStages", Ref: apiRef + "/stages/" + stage},
			}
			for _, cd := range customAddresses(domains, stage, method, path) {
				if ws {
					cd.URL = strings.Replace(strings.TrimSuffix(cd.URL, path), "https://", "wss://", 1)
				}
				d.Addresses = append(d.Addresses, cd)
			}
			c.door(d)
		}
		if !emitted {
			t, _ := lambdaTarget(string(in.IntegrationType), aws.ToString(in.IntegrationUri), nil,
				audit.Source{API: "apigateway:GetIntegrations", Ref: apiRef + "/integrations/" + aws.ToString(in.IntegrationId)})
			c.door(audit.FrontDoor{Kind: kind, Provider: audit.AWS, Account: c.account, Region: c.region,
				ID: routeRef, Name: key, Parent: apiRef, ParentName: aws.ToString(a.Name), State: audit.DoorNotDeployed,
				Scope: audit.ScopeInternet, Auth: auth, Targets: []audit.DoorTarget{t},
				AWS:    &audit.AWSFrontDoor{EndpointType: "REGIONAL", DisableExecuteAPIEndpoint: disabled},
				Source: src, StateSource: audit.Source{API: "apigateway:GetStages", Ref: apiRef}})
		}
	}
}

func v2SourceARN(c *collector, id, stage, key string, ws bool) string {
	if ws || key == "$default" {
		return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s", c.region, c.account, id, stage, key)
	}
	f := strings.Fields(key)
	if len(f) != 2 {
		return ""
	}
	verb := f[0]
	if verb == "ANY" {
		verb = "*"
	}
	return fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s%s", c.region, c.account, id, stage, verb, f[1])
}

// httpAuth lists a v2 route's authentication. route names the route whose
// authentication it is when not the door's own ($connect).
func httpAuth(rt v2types.Route, authorizers map[string]v2types.Authorizer, ref, route string) []audit.DoorAuth {
	src := audit.Source{API: "apigateway:GetRoutes", Ref: ref}
	var out []audit.DoorAuth
	switch rt.AuthorizationType {
	case v2types.AuthorizationTypeNone, "":
		if !aws.ToBool(rt.ApiKeyRequired) {
			out = append(out, audit.DoorAuth{Type: audit.DoorAuthNone, Route: route, Source: src})
		}
	case v2types.AuthorizationTypeAwsIam:
		out = append(out, audit.DoorAuth{Type: audit.DoorAuthIAM, Route: route, Detail: "SigV4 (AWS_IAM)", Source: src})
	case v2types.AuthorizationTypeJwt:
		z := authorizers[aws.ToString(rt.AuthorizerId)]
		a := audit.DoorAuth{Type: audit.DoorAuthJWT, Route: route, AuthorizerID: aws.ToString(rt.AuthorizerId), AuthorizerName: aws.ToString(z.Name),
			Scopes: rt.AuthorizationScopes, Source: audit.Source{API: "apigateway:GetAuthorizers", Ref: ref}}
		if z.JwtConfiguration != nil {
			a.Issuer, a.Audiences = aws.ToString(z.JwtConfiguration.Issuer), z.JwtConfiguration.Audience
		}
		out = append(out, a)
	case v2types.AuthorizationTypeCustom:
		z := authorizers[aws.ToString(rt.AuthorizerId)]
		out = append(out, audit.DoorAuth{Type: audit.DoorAuthCustom, Route: route, AuthorizerID: aws.ToString(rt.AuthorizerId),
			AuthorizerName: aws.ToString(z.Name), Detail: "Lambda authorizer; its logic is not checked",
			Source: audit.Source{API: "apigateway:GetAuthorizers", Ref: ref}})
	default:
		out = append(out, audit.DoorAuth{Type: audit.DoorAuthUnknown, Route: route, Detail: "authorizationType " + string(rt.AuthorizationType), Source: src})
	}
	if aws.ToBool(rt.ApiKeyRequired) {
		out = append(out, audit.DoorAuth{Type: audit.DoorAuthAPIKey, Route: route, Detail: "API key (apiKeyRequired)", Source: src})
	}
	return out
}
