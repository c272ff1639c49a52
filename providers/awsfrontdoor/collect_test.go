package awsfrontdoor

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

const (
	acct   = "111111111111"
	region = "eu-west-1"
	fnARN  = "arn:aws:lambda:eu-west-1:111111111111:function:"
)

func lambdaPath(fn string) string {
	return "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fn + "/invocations"
}

func testConfig(t testing.TB, s *awstest.Server) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(region), config.WithBaseEndpoint(s.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKey(acct), "secret", "")))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// fast pacing: pacing at the real quotas is the benchmark's subject.
var fast = Options{Quotas: Quotas{APIGatewayGetResources: 1000, APIGatewayTotal: 1000, ELBv2: 1000, EC2: 1000, CloudFront: 1000, AppSync: 1000}}

const ipPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}`
const vpcePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}`

// estate builds one account-region with every case of the issue.
func estate(s *awstest.Server) {
	s.AddAccount(acct).AddRegion(region)
	fd := s.FrontDoors()
	d := fd.Region(acct, region)
	proxy := func(auth, authorizer string, key bool, fn string) awstest.APIMethod {
		return awstest.APIMethod{AuthorizationType: auth, AuthorizerID: authorizer, APIKeyRequired: key, IntegrationType: "AWS_PROXY", IntegrationURI: lambdaPath(fn)}
	}
	// SAM's implicit API: NONE unless an authorizer is set; /admin has one.
	sam := &awstest.RestAPI{ID: "sam111", Name: "sam-app", EndpointType: "EDGE",
		Authorizers: []awstest.APIAuthorizer{{ID: "az1", Name: "TokenAuth", Type: "TOKEN", AuthorizerURI: lambdaPath(fnARN + "authz")}},
		Resources: []*awstest.APIResource{
			{ID: "root", Path: "/"},
			{ID: "r1", Path: "/orders", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", false, fnARN+"orders")}},
			{ID: "r2", Path: "/admin", Methods: map[string]awstest.APIMethod{"POST": proxy("CUSTOM", "az1", false, fnARN+"admin")}},
			{ID: "r3", Path: "/keyed", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", true, fnARN+"orders")}},
			{ID: "r4", Path: "/mock", Methods: map[string]awstest.APIMethod{"GET": {AuthorizationType: "NONE", IntegrationType: "MOCK"}}},
			{ID: "r5", Path: "/live", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", false, fnARN+"orders:${stageVariables.alias}")}},
		}}
	sam.Deploy("Prod", map[string]string{"alias": "live"})
	// The working copy changes after the deployment: the stage still serves NONE.
	sam.Resources[1].Methods["GET"] = proxy("AWS_IAM", "", false, fnARN+"orders")
	private := &awstest.RestAPI{ID: "priv111", Name: "private", EndpointType: "PRIVATE", VPCEndpointIDs: []string{"vpce-0abc"}, Policy: vpcePolicy,
		Resources: []*awstest.APIResource{{ID: "p1", Path: "/x", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", false, fnARN+"private")}}}}
	private.Deploy("v1", nil)
	ipOnly := &awstest.RestAPI{ID: "ip111", Name: "ip-allow", EndpointType: "REGIONAL", Policy: ipPolicy,
		Resources: []*awstest.APIResource{{ID: "i1", Path: "/y", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", false, fnARN+"ip")}}}}
	ipOnly.Deploy("prod", nil)
	ipOnly.Stages[0].WebACLArn = "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/api/1"
	undeployed := &awstest.RestAPI{ID: "und111", Name: "draft", EndpointType: "REGIONAL",
		Resources: []*awstest.APIResource{{ID: "u1", Path: "/z", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", false, fnARN+"draft")}}}}
	noDefault := &awstest.RestAPI{ID: "dom111", Name: "custom-domain-only", EndpointType: "REGIONAL", DisableExecuteAPIEndpoint: true,
		Resources: []*awstest.APIResource{{ID: "d1", Path: "/w", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", false, fnARN+"dom")}}}}
	noDefault.Deploy("prod", nil)
	closed := &awstest.RestAPI{ID: "off111", Name: "closed", EndpointType: "REGIONAL", DisableExecuteAPIEndpoint: true,
		Resources: []*awstest.APIResource{{ID: "o1", Path: "/v", Methods: map[string]awstest.APIMethod{"GET": proxy("NONE", "", false, fnARN+"off")}}}}
	closed.Deploy("prod", nil)
	d.RestAPIs = []*awstest.RestAPI{sam, private, ipOnly, undeployed, noDefault, closed}
	d.DomainNames = []*awstest.DomainName{{Name: "api.example.com", EndpointType: "REGIONAL", Mappings: []awstest.DomainMapping{
		{Key: "", APIID: "dom111", Stage: "prod"}, {Key: "v2", APIID: "http111", Stage: "$default"}}}}

	d.HTTPAPIs = []*awstest.HTTPAPI{
		{ID: "http111", Name: "http", ProtocolType: "HTTP",
			Routes: []awstest.V2Route{
				{ID: "h1", RouteKey: "GET /public", AuthorizationType: "NONE", Target: "integrations/i1"},
				{ID: "h2", RouteKey: "POST /orders", AuthorizationType: "JWT", AuthorizerID: "jwt1", Target: "integrations/i2"},
			},
			Integrations: []awstest.V2Integration{{ID: "i1", Type: "AWS_PROXY", URI: fnARN + "public"}, {ID: "i2", Type: "AWS_PROXY", URI: fnARN + "orders:live"}},
			Authorizers:  []awstest.V2Authorizer{{ID: "jwt1", Name: "cognito", Type: "JWT", Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", Audience: []string{"client1"}}},
			Stages:       []awstest.V2Stage{{Name: "$default", AutoDeploy: true}}},
		{ID: "ws111", Name: "chat", ProtocolType: "WEBSOCKET",
			Routes: []awstest.V2Route{
				{ID: "w1", RouteKey: "$connect", AuthorizationType: "CUSTOM", AuthorizerID: "la1", Target: "integrations/wi"},
				{ID: "w2", RouteKey: "sendMessage", AuthorizationType: "NONE", Target: "integrations/wi"},
			},
			Integrations: []awstest.V2Integration{{ID: "wi", Type: "AWS_PROXY", URI: lambdaPath(fnARN + "chat")}},
			Authorizers:  []awstest.V2Authorizer{{ID: "la1", Name: "connect-auth", Type: "REQUEST", AuthorizerURI: lambdaPath(fnARN + "authz")}},
			Stages:       []awstest.V2Stage{{Name: "prod", DeploymentID: "dep1"}}},
		{ID: "httpdraft", Name: "draft", ProtocolType: "HTTP",
			Routes:       []awstest.V2Route{{ID: "d1", RouteKey: "GET /draft", AuthorizationType: "NONE", Target: "integrations/di"}},
			Integrations: []awstest.V2Integration{{ID: "di", Type: "AWS_PROXY", URI: fnARN + "draft"}}},
		{ID: "wsopen", Name: "open-chat", ProtocolType: "WEBSOCKET",
			Routes: []awstest.V2Route{
				{ID: "x1", RouteKey: "$connect", AuthorizationType: "NONE", Target: "integrations/xi"},
				{ID: "x2", RouteKey: "$default", AuthorizationType: "NONE", Target: "integrations/xi"},
			},
			Integrations: []awstest.V2Integration{{ID: "xi", Type: "AWS_PROXY", URI: lambdaPath(fnARN + "chat")}},
			Stages:       []awstest.V2Stage{{Name: "prod", DeploymentID: "dep1"}}},
	}

	d.GraphQLAPIs = []*awstest.GraphQLAPI{
		{ID: "gql111", Name: "shop", AuthType: "API_KEY", Additional: []awstest.AppSyncAuth{{Type: "AMAZON_COGNITO_USER_POOLS", UserPool: "eu-west-1_abc"}},
			DataSources: []awstest.AppSyncDataSource{
				{Name: "ordersDS", Type: "AWS_LAMBDA", FunctionARN: fnARN + "orders:live", ServiceRoleARN: "arn:aws:iam::111111111111:role/appsync-orders"},
				{Name: "unusedDS", Type: "AWS_LAMBDA", FunctionARN: fnARN + "draft", ServiceRoleARN: "arn:aws:iam::111111111111:role/appsync-draft"},
				{Name: "tableDS", Type: "AMAZON_DYNAMODB"}},
			Types:     []string{"Query", "Order"},
			Resolvers: []awstest.AppSyncResolver{{Type: "Query", Field: "getOrder", DataSource: "ordersDS"}, {Type: "Order", Field: "items", Functions: []string{"f1"}}, {Type: "Query", Field: "table", DataSource: "tableDS"}},
			Functions: []awstest.AppSyncFunction{{ID: "f1", DataSource: "ordersDS"}}},
		{ID: "gqlpriv", Name: "internal", AuthType: "AWS_IAM", Visibility: "PRIVATE",
			DataSources: []awstest.AppSyncDataSource{{Name: "privDS", Type: "AWS_LAMBDA", FunctionARN: fnARN + "private", ServiceRoleARN: "arn:aws:iam::111111111111:role/appsync-priv"}},
			Types:       []string{"Mutation"},
			Resolvers:   []awstest.AppSyncResolver{{Type: "Mutation", Field: "put", DataSource: "privDS"}}},
	}

	lbARN := func(n string) string {
		return "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/" + n + "/1"
	}
	tgARN := func(n string) string {
		return "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/" + n + "/1"
	}
	fwd := func(tg string) awstest.LBAction { return awstest.LBAction{Type: "forward", TargetGroupARN: tgARN(tg)} }
	d.LoadBalancers = []*awstest.LoadBalancer{
		{ARN: lbARN("open"), Name: "open", DNSName: "open-1.eu-west-1.elb.amazonaws.com", Scheme: "internet-facing", SecurityGroups: []string{"sg-open"},
			Listeners: []*awstest.Listener{{ARN: lbARN("open") + "/l443", Port: 443, Protocol: "HTTPS",
				DefaultActions: []awstest.LBAction{fwd("tg-open")},
				Rules: []awstest.LBRule{{ARN: lbARN("open") + "/rule-sso", Priority: "10",
					Conditions: []awstest.LBCondition{{Field: "path-pattern", Values: []string{"/admin/*"}}},
					Actions:    []awstest.LBAction{{Type: "authenticate-oidc", Order: 1, Issuer: "https://idp.example.com"}, {Type: "forward", Order: 2, TargetGroupARN: tgARN("tg-open")}}},
					{ARN: lbARN("open") + "/rule-office", Priority: "20",
						Conditions: []awstest.LBCondition{{Field: "source-ip", Values: []string{"203.0.113.0/24"}}},
						Actions:    []awstest.LBAction{fwd("tg-open")}},
					{ARN: lbARN("open") + "/rule-optional", Priority: "30",
						Conditions: []awstest.LBCondition{{Field: "host-header", Values: []string{"app.example.com"}}},
						Actions: []awstest.LBAction{{Type: "authenticate-cognito", Order: 1, UserPoolARN: "arn:aws:cognito-idp:eu-west-1:111111111111:userpool/eu-west-1_abc", OnUnauthenticatedRequest: "allow"},
							{Type: "forward", Order: 2, TargetGroupARN: tgARN("tg-open")}}},
					{ARN: lbARN("open") + "/rule-fixed", Priority: "5", Actions: []awstest.LBAction{{Type: "fixed-response"}}}}}}},
		{ARN: lbARN("corp"), Name: "corp", DNSName: "corp-1.eu-west-1.elb.amazonaws.com", Scheme: "internet-facing", SecurityGroups: []string{"sg-corp"},
			Listeners: []*awstest.Listener{{ARN: lbARN("corp") + "/l443", Port: 443, Protocol: "HTTPS", DefaultActions: []awstest.LBAction{fwd("tg-corp")}}}},
		{ARN: lbARN("inner"), Name: "inner", DNSName: "internal-inner-1.eu-west-1.elb.amazonaws.com", Scheme: "internal", SecurityGroups: []string{"sg-open"},
			Listeners: []*awstest.Listener{{ARN: lbARN("inner") + "/l80", Port: 80, Protocol: "HTTP", DefaultActions: []awstest.LBAction{fwd("tg-inner")}}}},
	}
	d.TargetGroups = []*awstest.TargetGroup{
		{ARN: tgARN("tg-open"), Name: "tg-open", TargetType: "lambda", LoadBalancerARNs: []string{lbARN("open")}, Targets: []string{fnARN + "web"}},
		{ARN: tgARN("tg-corp"), Name: "tg-corp", TargetType: "lambda", LoadBalancerARNs: []string{lbARN("corp")}, Targets: []string{fnARN + "corp:prod"}},
		{ARN: tgARN("tg-inner"), Name: "tg-inner", TargetType: "lambda", LoadBalancerARNs: []string{lbARN("inner")}, Targets: []string{fnARN + "inner"}},
		{ARN: tgARN("tg-ip"), Name: "tg-ip", TargetType: "ip"},
	}
	d.SecurityGroups = []*awstest.SecurityGroup{
		{ID: "sg-open", Name: "open", Ingress: []awstest.SGRule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}, IPv6CIDRs: []string{"::/0"}}, {Protocol: "tcp", FromPort: 80, ToPort: 80, CIDRs: []string{"10.0.0.0/8"}}}},
		{ID: "sg-corp", Name: "corp", Ingress: []awstest.SGRule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"198.51.100.0/24"}}}},
		{ID: "sg-other", Name: "other"},
	}

	g := fd.Global(acct)
	g.OACs = []*awstest.OriginAccessControl{{ID: "oac1", Name: "fn-url", OriginType: "lambda"}}
	g.Distributions = []*awstest.Distribution{
		{ID: "EOPEN", DomainName: "d111.cloudfront.net", Enabled: true, Aliases: []string{"www.example.com"},
			Origins: []awstest.CFOrigin{{ID: "fnurl", DomainName: "abc123.lambda-url.eu-west-1.on.aws", OACID: "oac1"}, {ID: "s3", DomainName: "bucket.s3.amazonaws.com"}},
			Default: awstest.CFBehavior{TargetOriginID: "fnurl"},
			Behaviors: []awstest.CFBehavior{{PathPattern: "/private/*", TargetOriginID: "fnurl", TrustedKeyGroups: []string{"kg1"}},
				{PathPattern: "/static/*", TargetOriginID: "s3"}}},
		{ID: "ES3", DomainName: "d222.cloudfront.net", Enabled: true, Origins: []awstest.CFOrigin{{ID: "s3", DomainName: "bucket.s3.amazonaws.com"}}, Default: awstest.CFBehavior{TargetOriginID: "s3"}},
	}
}

func byID(t *testing.T, r Result, suffix string) audit.FrontDoor {
	t.Helper()
	var found []audit.FrontDoor
	for _, d := range r.Doors {
		if strings.HasSuffix(d.ID, suffix) {
			found = append(found, d)
		}
	}
	if len(found) != 1 {
		var ids []string
		for _, d := range r.Doors {
			ids = append(ids, d.ID)
		}
		t.Fatalf("want one door ending %q, got %d; doors:\n%s", suffix, len(found), strings.Join(ids, "\n"))
	}
	return found[0]
}

func authTypes(d audit.FrontDoor) string {
	var out []string
	for _, a := range d.Auth {
		s := string(a.Type)
		if a.Route != "" {
			s += "@" + a.Route
		}
		out = append(out, s)
	}
	return strings.Join(out, "+")
}

func collectAll(t *testing.T, s *awstest.Server, o Options) (Result, Result) {
	t.Helper()
	cfg := testConfig(t, s)
	return CollectRegion(context.Background(), cfg, acct, region, o), CollectCloudFront(context.Background(), cfg, acct, o)
}

func TestCollectFrontDoors(t *testing.T) {
	s := awstest.New(t)
	estate(s)
	// Small pages everywhere, so every listing pages.
	for _, svc := range []string{"apigateway", "elasticloadbalancing", "ec2", "cloudfront"} {
		s.SetPageSize(svc, 1)
	}
	reg, cf := collectAll(t, s, fast)
	if len(reg.Gaps)+len(cf.Gaps) > 0 {
		t.Fatalf("unexpected gaps: %+v %+v", reg.Gaps, cf.Gaps)
	}
	for _, d := range append(append([]audit.FrontDoor{}, reg.Doors...), cf.Doors...) {
		if d.Source.API == "" || len(d.Targets) == 0 || d.State == "" || d.Scope == "" || len(d.Auth) == 0 {
			t.Errorf("door %s lacks a source, target, state, scope or auth: %+v", d.ID, d)
		}
	}

	cases := []struct {
		name, id   string
		auth       string
		scope      audit.NetworkScope
		state      audit.DoorState
		reachable  bool
		fn, qual   string
		unresolved bool
	}{
		{"SAM implicit API route NONE (deployed, though the working copy is now AWS_IAM)", "sam111/stages/Prod/resources/r1/methods/GET", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "orders", "", false},
		{"Lambda authorizer", "sam111/stages/Prod/resources/r2/methods/POST", "custom-authorizer", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "admin", "", false},
		{"API key only", "sam111/stages/Prod/resources/r3/methods/GET", "api-key", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "orders", "", false},
		{"stage variable names an alias", "sam111/stages/Prod/resources/r5/methods/GET", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "orders", "live", false},
		{"PRIVATE API", "priv111/stages/v1/resources/p1/methods/GET", "none", audit.ScopePrivateVPC, audit.DoorDeployed, true, fnARN + "private", "", false},
		{"IP allow-list policy", "ip111/stages/prod/resources/i1/methods/GET", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "ip", "", false},
		{"undeployed API", "und111/resources/u1/methods/GET", "none", audit.ScopeInternet, audit.DoorNotDeployed, false, fnARN + "draft", "", false},
		{"default endpoint disabled, custom domain", "dom111/stages/prod/resources/d1/methods/GET", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "dom", "", false},
		{"default endpoint disabled, no custom domain", "off111/stages/prod/resources/o1/methods/GET", "none", audit.ScopeInternet, audit.DoorDeployed, false, fnARN + "off", "", false},
		{"HTTP API route without JWT", "http111/stages/$default/routes/h1", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "public", "", false},
		{"HTTP API route with JWT, to an alias", "http111/stages/$default/routes/h2", "jwt", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "orders", "live", false},
		{"WebSocket $connect with an authorizer", "ws111/stages/prod/routes/w1", "custom-authorizer", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "chat", "", false},
		{"WebSocket route behind an authorized $connect", "ws111/stages/prod/routes/w2", "custom-authorizer@$connect", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "chat", "", false},
		{"WebSocket route behind an open $connect", "wsopen/stages/prod/routes/x2", "none@$connect", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "chat", "", false},
		{"internet-facing ALB without authentication", "open/1/l443/default", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "web", "", false},
		{"internet-facing ALB with authenticate-oidc", "open/1/rule-sso", "oidc", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "web", "", false},
		{"ALB behind a corporate-range security group, to an alias", "corp/1/l443/default", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "corp", "prod", false},
		{"ALB rule limited to an office range by source-ip", "open/1/rule-office", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "web", "", false},
		{"ALB authenticate-cognito that lets unauthenticated requests through", "open/1/rule-optional", "none", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "web", "", false},
		{"HTTP API without a stage", "httpdraft/routes/d1", "none", audit.ScopeInternet, audit.DoorNotDeployed, false, fnARN + "draft", "", false},
		{"internal ALB", "inner/1/l80/default", "none", audit.ScopeInternal, audit.DoorDeployed, true, fnARN + "inner", "", false},
		{"AppSync API key only", "gql111/datasources/ordersDS/auth/API_KEY", "api-key", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "orders", "live", false},
		{"AppSync Cognito provider", "gql111/datasources/ordersDS/auth/AMAZON_COGNITO_USER_POOLS", "cognito", audit.ScopeInternet, audit.DoorDeployed, true, fnARN + "orders", "live", false},
		{"AppSync data source no resolver uses", "gql111/datasources/unusedDS/auth/API_KEY", "api-key", audit.ScopeInternet, audit.DoorNotDeployed, false, fnARN + "draft", "", false},
		{"AppSync PRIVATE API", "gqlpriv/datasources/privDS/auth/AWS_IAM", "iam", audit.ScopePrivateVPC, audit.DoorDeployed, true, fnARN + "private", "", false},
		{"CloudFront + OAC function URL, open", "EOPEN/origin/fnurl/behavior/*", "none", audit.ScopeInternet, audit.DoorDeployed, true, "", "", true},
		{"CloudFront + OAC function URL, trusted key groups", "EOPEN/origin/fnurl/behavior//private/*", "signed-url", audit.ScopeInternet, audit.DoorDeployed, true, "", "", true},
	}
	all := Result{Doors: append(append([]audit.FrontDoor{}, reg.Doors...), cf.Doors...)}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := byID(t, all, tc.id)
			if got := authTypes(d); got != tc.auth {
				t.Errorf("auth = %s, want %s", got, tc.auth)
			}
			if d.Scope != tc.scope || d.State != tc.state || d.Reachable() != tc.reachable {
				t.Errorf("scope/state/reachable = %s/%s/%v, want %s/%s/%v", d.Scope, d.State, d.Reachable(), tc.scope, tc.state, tc.reachable)
			}
			tg := d.Targets[0]
			if tg.Function != tc.fn || tg.Qualifier != tc.qual || (tg.Resolution == audit.TargetUnresolved) != tc.unresolved {
				t.Errorf("target = %+v, want %s:%s unresolved=%v", tg, tc.fn, tc.qual, tc.unresolved)
			}
		})
	}

	// Details the rules rely on.
	sam := byID(t, all, "sam111/stages/Prod/resources/r1/methods/GET")
	if sam.Addresses[0].String() != "GET https://sam111.execute-api.eu-west-1.amazonaws.com/Prod/orders" || sam.AWS.SourceARN != "arn:aws:execute-api:eu-west-1:111111111111:sam111/Prod/GET/orders" {
		t.Errorf("SAM door address/source ARN: %v %s", sam.Addresses, sam.AWS.SourceARN)
	}
	for _, id := range []string{"priv111/stages/v1/resources/p1/methods/GET", "ip111/stages/prod/resources/i1/methods/GET"} {
		d := byID(t, all, id)
		var doc map[string]any
		if err := json.Unmarshal(d.Policy, &doc); err != nil || d.PolicySource.API != "apigateway:GetRestApis" {
			t.Errorf("%s: policy not kept as JSON: %v %s", id, err, d.Policy)
		}
	}
	if ip := byID(t, all, "ip111/stages/prod/resources/i1/methods/GET"); !strings.Contains(string(ip.Policy), `"aws:SourceIp":["203.0.113.0/24"]`) || ip.AWS.WebACL == "" {
		t.Errorf("IP allow-list policy not unescaped: %s", ip.Policy)
	}
	if p := byID(t, all, "priv111/stages/v1/resources/p1/methods/GET"); len(p.Restrictions) != 1 || p.Restrictions[0].Kind != audit.RestrictVPCEndpoint {
		t.Errorf("private API restrictions: %+v", p.Restrictions)
	}
	dom := byID(t, all, "dom111/stages/prod/resources/d1/methods/GET")
	if len(dom.Addresses) != 2 || !dom.Addresses[0].Disabled || dom.Address() != "GET https://api.example.com/w" {
		t.Errorf("custom-domain-only API addresses: %+v", dom.Addresses)
	}
	h := byID(t, all, "http111/stages/$default/routes/h2")
	if h.Auth[0].Issuer == "" || len(h.Auth[0].Audiences) != 1 || h.Addresses[0].URL != "https://http111.execute-api.eu-west-1.amazonaws.com/orders" || len(h.Addresses) != 2 || h.Addresses[1].URL != "https://api.example.com/v2/orders" {
		t.Errorf("JWT route: %+v %+v", h.Auth, h.Addresses)
	}
	corp := byID(t, all, "corp/1/l443/default")
	if len(corp.Restrictions) != 1 || corp.Restrictions[0].Kind != audit.RestrictSecurityGroup || strings.Join(corp.Restrictions[0].Values, ",") != "198.51.100.0/24" || corp.Restrictions[0].Port != 443 {
		t.Errorf("corporate security group: %+v", corp.Restrictions)
	}
	open := byID(t, all, "open/1/l443/default")
	if len(open.Restrictions) != 1 || strings.Join(open.Restrictions[0].Values, ",") != "0.0.0.0/0,::/0" || open.Targets[0].Via == "" {
		t.Errorf("open security group on 443: %+v", open.Restrictions)
	}
	office := byID(t, all, "open/1/rule-office")
	if len(office.Restrictions) != 2 || office.Restrictions[0].Kind != audit.RestrictIPAllow || office.Restrictions[0].Values[0] != "203.0.113.0/24" {
		t.Errorf("source-ip rule restrictions: %+v", office.Restrictions)
	}
	if opt := byID(t, all, "open/1/rule-optional"); opt.Auth[0].Detail == "" || opt.Addresses[0].URL != "https://app.example.com/*" {
		t.Errorf("optional cognito rule: %+v %+v", opt.Auth, opt.Addresses)
	}
	gql := byID(t, all, "gql111/datasources/ordersDS/auth/API_KEY")
	if strings.Join(gql.AWS.Conditions, " ") != "field=Order.items field=Query.getOrder" || gql.Targets[0].Role == "" ||
		gql.Addresses[0].String() != "POST https://gql111.appsync-api.eu-west-1.amazonaws.com/graphql" {
		t.Errorf("AppSync door: %+v %+v %+v", gql.AWS.Conditions, gql.Targets, gql.Addresses)
	}
	if c := byID(t, all, "gql111/datasources/ordersDS/auth/AMAZON_COGNITO_USER_POOLS"); c.Auth[0].Issuer != "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc" {
		t.Errorf("AppSync Cognito issuer: %+v", c.Auth)
	}
	cdn := byID(t, all, "EOPEN/origin/fnurl/behavior/*")
	if cdn.Targets[0].Integration != "origin-access-control" || len(cdn.Addresses) != 2 || cdn.Addresses[1].URL != "https://www.example.com/*" {
		t.Errorf("CloudFront door: %+v %+v", cdn.Targets, cdn.Addresses)
	}
	// MOCK integrations and the S3-only distribution are no doors.
	for _, d := range all.Doors {
		if strings.Contains(d.ID, "/r4/") || strings.Contains(d.ID, "ES3") {
			t.Errorf("door without a function: %s", d.ID)
		}
	}
}

func TestResolveTargets(t *testing.T) {
	s := awstest.New(t)
	estate(s)
	reg, cf := collectAll(t, s, fast)
	inv := audit.NewInventory(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	inv.Accounts = []audit.Account{{Provider: audit.AWS, ID: acct, Regions: []string{region}}}
	inv.Functions = []audit.Function{
		{Provider: audit.AWS, Account: acct, Region: region, ID: fnARN + "orders", Name: "orders"},
		{Provider: audit.AWS, Account: acct, Region: region, ID: fnARN + "web", Name: "web", Triggers: []audit.Trigger{{Kind: audit.TriggerHTTPURL, SourceID: "https://abc123.lambda-url.eu-west-1.on.aws/"}}}}
	inv.FrontDoors = append(reg.Doors, cf.Doors...)
	Resolve(inv)
	audit.LinkFrontDoors(inv)
	// Every kind of door the collector makes passes the inventory's JSON Schema
	// and its reference checks.
	data, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.ParseInventory(data); err != nil {
		t.Fatalf("the inventory with every door does not load: %v", err)
	}
	all := Result{Doors: inv.FrontDoors}
	if d := byID(t, all, "EOPEN/origin/fnurl/behavior/*"); d.Targets[0].Function != fnARN+"web" || d.Targets[0].Resolution != "" {
		t.Errorf("function URL origin not matched to its function: %+v", d.Targets[0])
	}
	if d := byID(t, all, "ip111/stages/prod/resources/i1/methods/GET"); d.Targets[0].Resolution != audit.TargetNotFound {
		t.Errorf("missing function in a collected region: %+v", d.Targets[0])
	}
	if len(inv.Functions[0].FrontDoors) == 0 || len(inv.Functions[1].FrontDoors) == 0 {
		t.Errorf("functions do not list their doors: %v / %v", inv.Functions[0].FrontDoors, inv.Functions[1].FrontDoors)
	}
}

func TestGapsNeverEmptyAnswers(t *testing.T) {
	cases := []struct {
		name  string
		fault awstest.Fault
		api   string
		msg   string
	}{
		{"REST APIs denied", awstest.Fault{Op: "apigateway:GetRestApis", Status: 403, Code: "AccessDeniedException", Message: "not allowed"}, "apigateway:GetRestApis",
			"front doors of eu-west-1 not read: AccessDeniedException on apigateway:GET (GetRestApis)"},
		{"load balancers denied", awstest.Fault{Op: "elasticloadbalancing:DescribeTargetGroups", Status: 403, Code: "AccessDenied"}, "elasticloadbalancing:DescribeTargetGroups",
			"front doors of eu-west-1 not read: AccessDenied on elasticloadbalancing:DescribeTargetGroups"},
		{"security groups denied", awstest.Fault{Op: "ec2:DescribeSecurityGroups", Status: 403, Code: "UnauthorizedOperation"}, "ec2:DescribeSecurityGroups",
			"security groups of the load balancers in eu-west-1 not read: UnauthorizedOperation on ec2:DescribeSecurityGroups"},
		{"a stage list 404s", awstest.Fault{Op: "apigateway:GetStages", Status: 404, Code: "NotFoundException", Times: 1}, "apigateway:GetStages", "not read: NotFoundException"},
		{"throttled past every retry", awstest.Fault{Op: "apigateway:GetApis", Status: 429, Code: "TooManyRequestsException", RetryAfter: "0"}, "apigateway:GetApis", "TooManyRequestsException"},
		{"a repeated page token", awstest.Fault{Op: "apigateway:GetRestApis", Status: 200, ContentType: "application/json",
			Body: `{"item":[{"id":"sam111","name":"sam-app"}],"position":"p1"}`}, "apigateway:GetRestApis",
			"front doors of eu-west-1 not read: a repeated page token on apigateway:GET (GetRestApis)"},
		{"AppSync denied", awstest.Fault{Op: "appsync:ListGraphqlApis", Status: 401, Code: "UnauthorizedException"}, "appsync:ListGraphqlApis",
			"front doors of eu-west-1 not read: UnauthorizedException on appsync:ListGraphqlApis"},
		{"AppSync resolvers throttled past every retry", awstest.Fault{Op: "appsync:ListResolvers", Status: 429, Code: "LimitExceededException"}, "appsync:ListResolvers",
			"in eu-west-1 not read: LimitExceededException on appsync:ListResolvers"},
		{"CloudFront denied", awstest.Fault{Op: "cloudfront:ListDistributions", Status: 403, Code: "AccessDenied"}, "cloudfront:ListDistributions",
			"CloudFront front doors of account 111111111111 not read: AccessDenied on cloudfront:ListDistributions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := awstest.New(t)
			estate(s)
			s.Inject(tc.fault)
			o := fast
			o.MaxAttempts = 3
			reg, cf := collectAll(t, s, o)
			gaps := append(reg.Gaps, cf.Gaps...)
			var hit *audit.Gap
			for i := range gaps {
				if gaps[i].API == tc.api {
					hit = &gaps[i]
				}
			}
			if hit == nil {
				t.Fatalf("no gap for %s: %+v", tc.api, gaps)
			}
			if hit.Data != audit.DataFrontDoors || !strings.Contains(hit.Message, tc.msg) {
				t.Errorf("gap = %+v, want front-doors data and message containing %q", *hit, tc.msg)
			}
			if tc.name == "a repeated page token" {
				// The page read before the repeat is kept.
				if hit.Reason != audit.GapInvalidData {
					t.Errorf("reason = %s, want invalid-data", hit.Reason)
				}
				byID(t, reg, "sam111/stages/Prod/resources/r1/methods/GET")
			}
		})
	}
}

func TestThrottlingRetried(t *testing.T) {
	s := awstest.New(t)
	estate(s)
	s.Inject(awstest.Fault{Op: "apigateway:GetResources", Status: 429, Code: "TooManyRequestsException", RetryAfter: "0", Times: 3})
	s.Inject(awstest.Fault{Op: "elasticloadbalancing:DescribeRules", Status: 400, Code: "ThrottlingException", Times: 2})
	s.Inject(awstest.Fault{Op: "ec2:DescribeSecurityGroups", Status: 503, Code: "RequestLimitExceeded", Times: 1})
	stats := &Stats{}
	o := fast
	o.Stats = stats
	reg, _ := collectAll(t, s, o)
	if len(reg.Gaps) > 0 {
		t.Fatalf("throttling became gaps: %+v", reg.Gaps)
	}
	byID(t, reg, "sam111/stages/Prod/resources/r1/methods/GET")
	byID(t, reg, "corp/1/l443/default")
	th := stats.Throttled()
	if th["apigateway:GetResources"] != 3 || th["elasticloadbalancing:DescribeRules"] != 2 || th["ec2:DescribeSecurityGroups"] != 1 {
		t.Errorf("throttled counts = %v", th)
	}
	if got, want := stats.Calls()["apigateway:GetResources"], s.Calls("apigateway:GetResources"); got != want {
		t.Errorf("client counted %d GetResources attempts, server %d", got, want)
	}
}

func TestServerQuotasThrottle(t *testing.T) {
	// Unpaced calls beyond the documented GetResources quota are throttled by
	// the server and retried by the client until they pass.
	s := awstest.New(t)
	estate(s)
	s.FrontDoors().SetQuotas(awstest.FrontDoorQuotas{APIGatewayGetResources: 50, APIGatewayGetResourcesBurst: 1})
	o := fast
	o.Workers = 8
	reg, _ := collectAll(t, s, o)
	if len(reg.Gaps) > 0 {
		t.Fatalf("gaps: %+v", reg.Gaps)
	}
	if s.Throttled("apigateway:GetResources") == 0 {
		t.Errorf("the server never throttled GetResources")
	}
}

func TestActions(t *testing.T) {
	want := "apigateway:GET appsync:ListDataSources appsync:ListFunctions appsync:ListGraphqlApis appsync:ListResolvers appsync:ListTypes cloudfront:ListDistributions cloudfront:ListOriginAccessControls ec2:DescribeSecurityGroups elasticloadbalancing:DescribeListeners elasticloadbalancing:DescribeLoadBalancers elasticloadbalancing:DescribeRules elasticloadbalancing:DescribeTargetGroups elasticloadbalancing:DescribeTargetHealth"
	if got := strings.Join(Actions(), " "); got != want {
		t.Errorf("Actions() = %s", got)
	}
}

func TestPolicyJSON(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{`{"Version":"2012-10-17"}`, `{"Version":"2012-10-17"}`, true},
		{`{\"Version\":\"2012-10-17\",\"Cidr\":\"10.0.0.0\/8\"}`, `{"Version":"2012-10-17","Cidr":"10.0.0.0/8"}`, true},
		{`not a policy`, "", false},
	} {
		got, ok := policyJSON(tc.in)
		if string(got) != tc.want || ok != tc.ok {
			t.Errorf("policyJSON(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPolicyNotJSONIsAGap(t *testing.T) {
	s := awstest.New(t)
	estate(s)
	d := s.FrontDoors().Region(acct, region)
	d.RestAPIs[2].Policy = "{not json"
	reg, _ := collectAll(t, s, fast)
	door := byID(t, reg, "ip111/stages/prod/resources/i1/methods/GET")
	if door.Policy != nil {
		t.Errorf("an unreadable policy was kept: %s", door.Policy)
	}
	if len(reg.Gaps) != 1 || reg.Gaps[0].Reason != audit.GapInvalidData || !strings.Contains(reg.Gaps[0].Message, "ip111") {
		t.Errorf("gaps = %+v, want one invalid-data gap naming the API", reg.Gaps)
	}
}
