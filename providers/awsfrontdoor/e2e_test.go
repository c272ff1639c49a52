package awsfrontdoor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/internal/awstest"
	"github.com/fnaudit/fnaudit/providers/awsfrontdoor"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// TestCollectorJoinsFrontDoors runs the Lambda collector with its front-door
// hook and the rules: a SAM-style route without authorization reaches the
// function its policy admits and is reported with its address; the route
// behind an ALB with authenticate-oidc is not; a member account that denies
// API Gateway reads has a named front-doors gap, not "no front doors".
func TestCollectorJoinsFrontDoors(t *testing.T) {
	const (
		mgmt, member = "111111111111", "222222222222"
		region       = "eu-west-1"
	)
	s := awstest.New(t)
	a := s.AddAccount(mgmt)
	a.Roles = []*awstest.Role{{Name: "app", Inline: map[string]string{"none": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}`}}}
	ordersARN := a.FunctionARN(region, "orders")
	webARN := a.FunctionARN(region, "web")
	tg := "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/web/1"
	a.AddRegion(region).Functions = []*awstest.Function{
		{Name: "orders", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("app"),
			Policy: `{"Version":"2012-10-17","Statement":[{"Sid":"api","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + ordersARN + `","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:eu-west-1:111111111111:sam111/*"}}}]}`},
		{Name: "web", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("app"),
			Policy: `{"Version":"2012-10-17","Statement":[{"Sid":"alb","Effect":"Allow","Principal":{"Service":"elasticloadbalancing.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + webARN + `","Condition":{"ArnLike":{"AWS:SourceArn":"` + tg + `"}}}]}`},
	}
	m := s.AddAccount(member)
	m.Roles = []*awstest.Role{{Name: "fnaudit-reader", AssumableBy: []string{mgmt}}}
	m.AddRegion(region)
	m.Deny = []string{"apigateway:*"}

	fd := s.FrontDoors().Region(mgmt, region)
	api := &awstest.RestAPI{ID: "sam111", Name: "sam-app", EndpointType: "EDGE", Resources: []*awstest.APIResource{{ID: "r1", Path: "/orders",
		Methods: map[string]awstest.APIMethod{"GET": {AuthorizationType: "NONE", IntegrationType: "AWS_PROXY",
			IntegrationURI: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + ordersARN + "/invocations"}}}}}
	api.Deploy("Prod", nil)
	fd.RestAPIs = []*awstest.RestAPI{api}
	fd.GraphQLAPIs = []*awstest.GraphQLAPI{{ID: "gql1", Name: "shop", AuthType: "API_KEY",
		DataSources: []awstest.AppSyncDataSource{{Name: "ordersDS", Type: "AWS_LAMBDA", FunctionARN: ordersARN, ServiceRoleARN: "arn:aws:iam::111111111111:role/appsync"}},
		Types:       []string{"Query"}, Resolvers: []awstest.AppSyncResolver{{Type: "Query", Field: "order", DataSource: "ordersDS"}}}}
	lb := "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1"
	fd.LoadBalancers = []*awstest.LoadBalancer{{ARN: lb, Name: "web", DNSName: "web-1.eu-west-1.elb.amazonaws.com", Scheme: "internet-facing", SecurityGroups: []string{"sg-1"},
		Listeners: []*awstest.Listener{{ARN: lb + "/l", Port: 443, Protocol: "HTTPS", DefaultActions: []awstest.LBAction{
			{Type: "authenticate-oidc", Order: 1, Issuer: "https://idp.example.com"}, {Type: "forward", Order: 2, TargetGroupARN: tg}}}}}}
	fd.TargetGroups = []*awstest.TargetGroup{{ARN: tg, TargetType: "lambda", LoadBalancerARNs: []string{lb}, Targets: []string{webARN}}}
	fd.SecurityGroups = []*awstest.SecurityGroup{{ID: "sg-1", Ingress: []awstest.SGRule{{Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}}}}}

	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	c, err := awslambda.New(context.Background(), awslambda.Options{
		Regions: []string{region}, Accounts: []string{mgmt, member}, OrgRole: "fnaudit-reader",
		Quotas:     awslambda.Quotas{LambdaGetPolicy: 500, LambdaControl: 500, IAM: 500},
		FrontDoors: awsfrontdoor.Options{Quotas: awsfrontdoor.Quotas{APIGatewayGetResources: 500, APIGatewayTotal: 500, ELBv2: 500, EC2: 500, CloudFront: 500, AppSync: 500}},
		Now:        func() time.Time { return now },
		ConfigOptions: []func(*config.LoadOptions) error{config.WithRegion(region), config.WithBaseEndpoint(s.URL),
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKey(mgmt), "secret", ""))},
	})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.Validate(); err != nil {
		t.Fatalf("the collected inventory does not validate: %v", err)
	}
	if len(inv.FrontDoors) != 3 {
		t.Fatalf("front doors = %+v, want the REST method, the GraphQL data source and the ALB rule", inv.FrontDoors)
	}
	for _, fn := range inv.Functions {
		if want := map[string]int{"orders": 2, "web": 1}[fn.Name]; len(fn.FrontDoors) != want {
			t.Errorf("%s lists doors %v, want %d", fn.Name, fn.FrontDoors, want)
		}
	}
	var denied bool
	for _, g := range inv.Gaps {
		if g.Account == member && g.Data == audit.DataFrontDoors && g.Reason == audit.GapAccessDenied &&
			strings.HasPrefix(g.Message, "front doors of eu-west-1 not read: AccessDeniedException on apigateway:GET") {
			denied = true
		}
		if g.Account == mgmt {
			t.Errorf("gap in the readable account: %+v", g)
		}
	}
	if !denied {
		t.Errorf("no named front-doors gap for the denying account: %+v", inv.Gaps)
	}

	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: now})
	var open, keyOnly, web bool
	for _, f := range rep.Findings {
		if f.Rule != "FNA-AWS-008" || f.Status != audit.StatusFail {
			continue
		}
		switch {
		case f.Function == "orders" && f.FrontDoor != nil && f.FrontDoor.Kind == audit.DoorRESTMethod:
			open = strings.Contains(f.Title+f.Detail, "https://sam111.execute-api.eu-west-1.amazonaws.com/Prod/orders")
		case f.Function == "orders" && f.FrontDoor != nil && f.FrontDoor.Kind == audit.DoorGraphQLAPI:
			keyOnly = f.Severity == audit.High
		case f.Function == "web":
			web = true
		}
	}
	if !open {
		t.Errorf("the open SAM route is not reported with its address")
	}
	if !keyOnly {
		t.Errorf("the GraphQL API behind an API key only is not reported as high")
	}
	if web {
		t.Errorf("the ALB behind authenticate-oidc is reported open")
	}
}
