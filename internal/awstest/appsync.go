package awstest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// GraphQLAPI is an AppSync GraphQL API with its data sources, types,
// resolvers and pipeline functions.
type GraphQLAPI struct {
	ID, Name string
	// AuthType is the default authorization: API_KEY, AWS_IAM,
	// AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT or AWS_LAMBDA.
	AuthType   string
	Additional []AppSyncAuth
	// Issuer is the OIDC issuer, UserPool the Cognito user pool id and
	// AuthorizerURI the Lambda authorizer of the default authorization.
	Issuer, UserPool, AuthorizerURI string
	// Visibility is GLOBAL (default) or PRIVATE.
	Visibility, WAFWebACLArn string
	DataSources              []AppSyncDataSource
	// Types are object type names; each gets an SDL definition.
	Types     []string
	Resolvers []AppSyncResolver
	Functions []AppSyncFunction
}

// AppSyncAuth is an additional authorization provider.
type AppSyncAuth struct {
	Type, Issuer, UserPool, AuthorizerURI string
}

// AppSyncDataSource is a data source; type AWS_LAMBDA has a function ARN.
type AppSyncDataSource struct {
	Name, Type, FunctionARN, ServiceRoleARN string
}

// AppSyncResolver attaches a field to a data source (UNIT) or to pipeline
// functions (PIPELINE, Functions are function ids).
type AppSyncResolver struct {
	Type, Field, DataSource string
	Functions               []string
}

// AppSyncFunction is a pipeline function over a data source.
type AppSyncFunction struct {
	ID, DataSource string
}

type appsyncService struct{ fd *FrontDoorEstate }

func (d *RegionDoors) graphqlAPI(id string) *GraphQLAPI {
	for _, a := range d.GraphQLAPIs {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// appsyncList writes one page of an AppSync listing (nextToken, maxResults up
// to 25, the service's limit).
func appsyncList[T any](h appsyncService, w http.ResponseWriter, r *http.Request, field string, items []T) {
	size := h.fd.s.pageSize("appsync", min(intParam(r, "maxResults", 25), 25))
	token := r.URL.Query().Get("nextToken")
	if token != "" {
		if n, err := strconv.Atoi(strings.TrimPrefix(token, "as-")); err != nil || n > len(items) {
			apigwError(w, http.StatusBadRequest, "BadRequestException", "Invalid nextToken", "")
			return
		}
	}
	page, next := pageOf(items, strings.TrimPrefix(token, "as-"), size)
	body := map[string]any{field: page}
	if next != "" {
		body["nextToken"] = "as-" + next
	}
	writeJSON(w, "application/json", body)
}

func (h appsyncService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var op string
	switch {
	case r.Method != http.MethodGet || len(p) < 2 || p[0] != "v1" || p[1] != "apis":
	case len(p) == 2:
		op = "ListGraphqlApis"
	case len(p) == 4 && p[3] == "datasources":
		op = "ListDataSources"
	case len(p) == 4 && p[3] == "types":
		op = "ListTypes"
	case len(p) == 4 && p[3] == "functions":
		op = "ListFunctions"
	case len(p) == 6 && p[3] == "types" && p[5] == "resolvers":
		op = "ListResolvers"
	}
	if op == "" {
		apigwError(w, http.StatusNotFound, "NotFoundException", "no such path "+r.URL.Path, "")
		return
	}
	if !h.fd.admit(w, r, apigwError, http.StatusTooManyRequests, "LimitExceededException", "appsync:"+op) {
		return
	}
	c := Caller(r)
	d := h.fd.lookup(c.Account, c.Region)
	var a *GraphQLAPI
	if len(p) > 2 {
		if a = d.graphqlAPI(p[2]); a == nil {
			apigwError(w, http.StatusNotFound, "NotFoundException", "GraphQL API "+p[2]+" not found.", "")
			return
		}
	}
	switch op {
	case "ListGraphqlApis":
		type oidc struct {
			Issuer string `json:"issuer"`
		}
		type pool struct {
			UserPoolID string `json:"userPoolId"`
			AWSRegion  string `json:"awsRegion"`
		}
		type lambdaAuth struct {
			AuthorizerURI string `json:"authorizerUri"`
		}
		type provider struct {
			AuthenticationType string      `json:"authenticationType"`
			OIDC               *oidc       `json:"openIDConnectConfig,omitempty"`
			UserPool           *pool       `json:"userPoolConfig,omitempty"`
			Lambda             *lambdaAuth `json:"lambdaAuthorizerConfig,omitempty"`
		}
		mk := func(t, issuer, userPool, uri string) provider {
			pr := provider{AuthenticationType: t}
			switch t {
			case "OPENID_CONNECT":
				pr.OIDC = &oidc{issuer}
			case "AMAZON_COGNITO_USER_POOLS":
				pr.UserPool = &pool{userPool, c.Region}
			case "AWS_LAMBDA":
				pr.Lambda = &lambdaAuth{uri}
			}
			return pr
		}
		type api struct {
			provider
			APIID      string            `json:"apiId"`
			Name       string            `json:"name"`
			ARN        string            `json:"arn"`
			URIs       map[string]string `json:"uris"`
			Visibility string            `json:"visibility"`
			WAF        string            `json:"wafWebAclArn,omitempty"`
			Additional []provider        `json:"additionalAuthenticationProviders,omitempty"`
		}
		var items []api
		for _, x := range d.GraphQLAPIs {
			v := x.Visibility
			if v == "" {
				v = "GLOBAL"
			}
			it := api{provider: mk(x.AuthType, x.Issuer, x.UserPool, x.AuthorizerURI), APIID: x.ID, Name: x.Name,
				ARN:  fmt.Sprintf("arn:aws:appsync:%s:%s:apis/%s", c.Region, c.Account, x.ID),
				URIs: map[string]string{"GRAPHQL": fmt.Sprintf("https://%s.appsync-api.%s.amazonaws.com/graphql", x.ID, c.Region)}, Visibility: v, WAF: x.WAFWebACLArn}
			for _, ad := range x.Additional {
				it.Additional = append(it.Additional, mk(ad.Type, ad.Issuer, ad.UserPool, ad.AuthorizerURI))
			}
			items = append(items, it)
		}
		appsyncList(h, w, r, "graphqlApis", items)
	case "ListDataSources":
		type lambdaConfig struct {
			FunctionARN string `json:"lambdaFunctionArn"`
		}
		type ds struct {
			Name        string        `json:"name"`
			Type        string        `json:"type"`
			ARN         string        `json:"dataSourceArn"`
			ServiceRole string        `json:"serviceRoleArn,omitempty"`
			Lambda      *lambdaConfig `json:"lambdaConfig,omitempty"`
		}
		var items []ds
		for _, x := range a.DataSources {
			it := ds{Name: x.Name, Type: x.Type, ServiceRole: x.ServiceRoleARN,
				ARN: fmt.Sprintf("arn:aws:appsync:%s:%s:apis/%s/datasources/%s", c.Region, c.Account, a.ID, x.Name)}
			if x.Type == "AWS_LAMBDA" {
				it.Lambda = &lambdaConfig{x.FunctionARN}
			}
			items = append(items, it)
		}
		appsyncList(h, w, r, "dataSources", items)
	case "ListTypes":
		if f := r.URL.Query().Get("format"); f != "SDL" && f != "JSON" {
			apigwError(w, http.StatusBadRequest, "BadRequestException", "format must be SDL or JSON", "")
			return
		}
		type typ struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
			Format     string `json:"format"`
		}
		var items []typ
		for _, t := range a.Types {
			items = append(items, typ{t, "type " + t + " {\n  id: ID\n}", r.URL.Query().Get("format")})
		}
		appsyncList(h, w, r, "types", items)
	case "ListResolvers":
		type pipeline struct {
			Functions []string `json:"functions"`
		}
		type resolver struct {
			TypeName   string    `json:"typeName"`
			FieldName  string    `json:"fieldName"`
			DataSource string    `json:"dataSourceName,omitempty"`
			Kind       string    `json:"kind"`
			Pipeline   *pipeline `json:"pipelineConfig,omitempty"`
		}
		var items []resolver
		for _, x := range a.Resolvers {
			if x.Type != p[4] {
				continue
			}
			it := resolver{TypeName: x.Type, FieldName: x.Field, DataSource: x.DataSource, Kind: "UNIT"}
			if len(x.Functions) > 0 {
				it.Kind, it.Pipeline = "PIPELINE", &pipeline{x.Functions}
			}
			items = append(items, it)
		}
		appsyncList(h, w, r, "resolvers", items)
	case "ListFunctions":
		type function struct {
			FunctionID string `json:"functionId"`
			DataSource string `json:"dataSourceName"`
		}
		var items []function
		for _, x := range a.Functions {
			items = append(items, function{x.ID, x.DataSource})
		}
		appsyncList(h, w, r, "functions", items)
	}
}
