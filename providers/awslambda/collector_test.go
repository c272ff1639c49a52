package awslambda

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

const (
	mgmtAcct   = "123456789012"
	memberAcct = "210987654321"
	lockedAcct = "333333333333"
	org        = "o-a1b2c3d4e5"
	auditRole  = "fnaudit-reader"
)

var fixedNow = time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)

// testOptions points the collector at the server with the credentials of acct,
// the way AWS_ENDPOINT_URL would (TestEndpointFromEnvironment covers that path).
func testOptions(s *awstest.Server, acct string, o Options) Options {
	o.ConfigOptions = append(o.ConfigOptions,
		config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(s.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKey(acct), "test-secret", "")),
	)
	o.Now = func() time.Time { return fixedNow }
	if o.Quotas == (Quotas{}) {
		// Pacing at the real quotas is BenchmarkCollect's subject; here it
		// would only make the tests slow.
		o.Quotas = Quotas{LambdaGetPolicy: 500, LambdaControl: 500, IAM: 500}
	}
	return o
}

func collect(t testing.TB, s *awstest.Server, acct string, o Options) *audit.Inventory {
	t.Helper()
	c, err := New(context.Background(), testOptions(s, acct, o))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	inv, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Id":"default","Statement":[` + strings.Join(statements, ",") + `]}`
}

const (
	publicURLStmt = `{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:public-webhook","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`
	s3Stmt        = `{"Sid":"s3-invoke","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:thumbnailer","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::acme-uploads"}}}`
	adminPolicy   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	readPolicy    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::acme-uploads/*"}]}`
)

// seedEstate builds an organization of three accounts: the management account
// (two regions, 120 functions across pages, a public URL function with an
// alias, an S3-invoked function, an SQS mapping, admin and scoped roles), a
// member reached through the org role (us-east-1 only: eu-west-1 is opted
// out), and a member whose role cannot be assumed.
func seedEstate(t testing.TB) *awstest.Server {
	s := awstest.New(t)
	mgmt := s.AddAccount(mgmtAcct)
	mgmt.Name = "acme-management"
	member := s.AddAccount(memberAcct)
	member.Name, member.InOrg = "acme-prod", true
	locked := s.AddAccount(lockedAcct)
	locked.Name, locked.InOrg = "acme-legacy", true
	s.SetOrganization(org, mgmtAcct)
	s.SetPageSize("iam", 2)
	s.SetPageSize("organizations", 2)

	mgmt.Roles = []*awstest.Role{
		{Name: "webhook-role", Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"},
			Boundary: "arn:aws:iam::123456789012:policy/dev-boundary"},
		{Name: "thumbnailer-role", Inline: map[string]string{"read-uploads": readPolicy}},
		{Name: "batch-role", Attached: []string{"arn:aws:iam::123456789012:policy/batch"}},
		{Name: "unused-role", Inline: map[string]string{"x": adminPolicy}},
	}
	mgmt.Policies = []*awstest.ManagedPolicy{
		{Name: "dev-boundary", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}`},
		{Name: "batch", Document: readPolicy},
	}
	mgmt.AWSPolicies = []*awstest.ManagedPolicy{
		{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Document: adminPolicy},
	}
	east := mgmt.AddRegion("us-east-1")
	east.Functions = append(east.Functions,
		&awstest.Function{Name: "public-webhook", Runtime: "nodejs20.x", Handler: "index.handler",
			Role: mgmt.RoleARN("webhook-role"), Policy: doc(publicURLStmt), URL: "NONE",
			Env:     map[string]string{"STRIPE_KEY": "sk_live_51HxyzABCDEFGHIJKLMNOPQRSTUV", "LOG_LEVEL": "info"},
			Aliases: []*awstest.Alias{{Name: "live", Version: "7", URL: "AWS_IAM"}}},
		&awstest.Function{Name: "thumbnailer", Runtime: "python3.12", Handler: "app.handler",
			Role: mgmt.RoleARN("thumbnailer-role"), Policy: doc(s3Stmt), URL: "AWS_IAM"},
		&awstest.Function{Name: "denied-policy", Runtime: "python3.12", Handler: "app.handler",
			Role: mgmt.RoleARN("batch-role")},
	)
	for i := 0; i < 117; i++ {
		east.Functions = append(east.Functions, &awstest.Function{Name: fmt.Sprintf("batch-%03d", i),
			Runtime: "java21", Handler: "Main", Role: mgmt.RoleARN("batch-role")})
	}
	east.EventSourceMappings = []*awstest.EventSourceMapping{
		{UUID: "6d9bf5c1-0000-4000-8000-000000000001", EventSourceArn: "arn:aws:sqs:us-east-1:123456789012:thumb-jobs",
			Function: "thumbnailer:live"},
	}
	west := mgmt.AddRegion("eu-west-1")
	west.Functions = []*awstest.Function{{Name: "eu-reporter", Runtime: "go1.x", Handler: "main",
		Role: "arn:aws:iam::123456789012:role/deleted-role"}}

	member.Roles = []*awstest.Role{{Name: auditRole, AssumableBy: []string{mgmtAcct}, ExternalID: "acme-audit"},
		{Name: "orders-role", Inline: map[string]string{"rw": readPolicy}}}
	member.AddRegion("us-east-1").Functions = []*awstest.Function{{Name: "orders", Runtime: "python3.13",
		Handler: "app.handler", Role: member.RoleARN("orders-role")}}
	locked.Roles = []*awstest.Role{{Name: auditRole, AssumableBy: []string{"999999999999"}}}

	// One function's policy read is denied, GetPolicy and IAM are throttled once
	// each (the collector must retry, honouring Retry-After).
	s.Inject(awstest.Fault{Op: "lambda:GetPolicy", Resource: "denied-policy", Status: 403,
		Code: "AccessDeniedException", Message: "User is not authorized to perform: lambda:GetPolicy"})
	s.Inject(awstest.Fault{Op: "lambda:GetPolicy", Status: 429, Code: "TooManyRequestsException",
		RetryAfter: "1", Times: 2})
	s.Inject(awstest.Fault{Op: "iam:GetAccountAuthorizationDetails", Status: 400, Code: "Throttling", Times: 1})
	return s
}

func TestCollectOrganization(t *testing.T) {
	t.Parallel()
	s := seedEstate(t)
	inv := collect(t, s, mgmtAcct, Options{
		Regions: []string{"us-east-1", "eu-west-1"}, OrgRole: auditRole, ExternalID: "acme-audit"})

	if err := inv.Validate(); err != nil {
		t.Errorf("inventory does not validate: %v", err)
	}
	if raw, err := json.Marshal(inv); err != nil {
		t.Error(err)
	} else if _, err := audit.ParseInventory(raw); err != nil {
		t.Errorf("inventory does not load back: %v", err)
	}
	wantAccounts := []audit.Account{
		{Provider: audit.AWS, ID: mgmtAcct, Name: "acme-management", OrgID: org, Regions: []string{"eu-west-1", "us-east-1"}},
		{Provider: audit.AWS, ID: memberAcct, Name: "acme-prod", OrgID: org, Regions: []string{"eu-west-1", "us-east-1"}},
		{Provider: audit.AWS, ID: lockedAcct, Name: "acme-legacy", OrgID: org},
	}
	sortAccounts(wantAccounts)
	// The accounts' authorization details are authorization_test.go's subject.
	if diff := cmp.Diff(wantAccounts, inv.Accounts, cmpopts.IgnoreFields(audit.Account{}, "AWS")); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if got := len(inv.Functions); got != 122 {
		t.Errorf("collected %d functions, want 122", got)
	}

	wantGaps := []audit.Gap{
		{Provider: audit.AWS, Account: mgmtAcct, Resource: "arn:aws:iam::123456789012:role/deleted-role",
			API: "iam:GetAccountAuthorizationDetails", Data: audit.DataIdentity, Reason: audit.GapNotFound,
			Message: "execution role arn:aws:iam::123456789012:role/deleted-role is not a role of account 123456789012"},
		{Provider: audit.AWS, Account: mgmtAcct, Region: "us-east-1",
			Resource: "arn:aws:lambda:us-east-1:123456789012:function:denied-policy", API: "lambda:GetPolicy",
			Data: audit.DataAccess, Reason: audit.GapAccessDenied,
			Message: "AccessDeniedException: User is not authorized to perform: lambda:GetPolicy"},
		{Provider: audit.AWS, Account: memberAcct, Region: "eu-west-1", API: "lambda:ListFunctions",
			Data: audit.DataFunctions, Reason: audit.GapNotEnabled,
			Message: "UnrecognizedClientException: The security token included in the request is invalid."},
		{Provider: audit.AWS, Account: lockedAcct, API: "sts:AssumeRole", Data: audit.DataFunctions,
			Reason: audit.GapAssumeRole, Message: "AccessDenied: User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/fnaudit-reader"},
	}
	if diff := cmp.Diff(wantGaps, inv.Gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}

	webhook := findFunction(t, inv, "public-webhook")
	want := audit.Function{
		Provider: audit.AWS, Account: mgmtAcct, Region: "us-east-1", Name: "public-webhook",
		ID:      "arn:aws:lambda:us-east-1:123456789012:function:public-webhook",
		Runtime: "nodejs20.x", PackageType: "Zip",
		URL: "https://public-webhook.lambda-url.test.on.aws/",
		Environment: []audit.EnvVar{
			{Name: "LOG_LEVEL", Verdict: audit.ValuePlain},
			webhook.Environment[len(webhook.Environment)-1], // the detector's own verdict, checked below
		},
		Triggers: []audit.Trigger{
			{Kind: audit.TriggerHTTPURL, Service: "lambda-url", SourceID: "https://public-webhook.lambda-url.test.on.aws/",
				Auth: audit.AuthNone, Source: audit.Source{API: "lambda:ListFunctionUrlConfigs", Ref: "arn:aws:lambda:us-east-1:123456789012:function:public-webhook"}},
			{Kind: audit.TriggerHTTPURL, Service: "lambda-url", SourceID: "https://public-webhook-live.lambda-url.test.on.aws/",
				Auth: audit.AuthIAM, Name: "live", Source: audit.Source{API: "lambda:ListFunctionUrlConfigs", Ref: "arn:aws:lambda:us-east-1:123456789012:function:public-webhook:live"}},
		},
		Access: []audit.Access{{
			Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "*"}, Effect: audit.Allow,
			Actions: []string{"lambda:InvokeFunctionUrl"}, Condition: `{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}`,
			Auth: audit.AuthNone, Source: audit.Source{API: "lambda:GetPolicy", Ref: "arn:aws:lambda:us-east-1:123456789012:function:public-webhook"},
		}},
		Identities: []string{"arn:aws:iam::123456789012:role/webhook-role"},
		AWS: &audit.AWSFunction{
			Role: "arn:aws:iam::123456789012:role/webhook-role", Architectures: []string{"x86_64"},
			Policies: []audit.ResourcePolicy{{Document: json.RawMessage(doc(publicURLStmt)),
				Source: audit.Source{API: "lambda:GetPolicy", Ref: "arn:aws:lambda:us-east-1:123456789012:function:public-webhook"}}},
			URLs: []audit.FunctionURL{
				{URL: "https://public-webhook.lambda-url.test.on.aws/", AuthType: "NONE", InvokeMode: "BUFFERED",
					Source: audit.Source{API: "lambda:ListFunctionUrlConfigs", Ref: "arn:aws:lambda:us-east-1:123456789012:function:public-webhook"}},
				{Qualifier: "live", URL: "https://public-webhook-live.lambda-url.test.on.aws/", AuthType: "AWS_IAM", InvokeMode: "BUFFERED",
					Source: audit.Source{API: "lambda:ListFunctionUrlConfigs", Ref: "arn:aws:lambda:us-east-1:123456789012:function:public-webhook:live"}},
			},
			Aliases:     []string{"live"},
			URLsChecked: true,
		},
		Source: audit.Source{API: "lambda:ListFunctions", Ref: "arn:aws:lambda:us-east-1:123456789012:function:public-webhook"},
	}
	if diff := cmp.Diff(want, *webhook); diff != "" {
		t.Errorf("public-webhook (-want +got):\n%s", diff)
	}
	stripe := webhook.Environment[1]
	if stripe.Name != "STRIPE_KEY" || stripe.Verdict != audit.ValueSecret || strings.Contains(stripe.Hint, "ABCDEFGH") {
		t.Errorf("STRIPE_KEY = %+v, want a secret verdict with a masked hint", stripe)
	}
	raw, _ := json.Marshal(inv)
	if strings.Contains(string(raw), "sk_live_51HxyzABCDEFGHIJKLMNOPQRSTUV") {
		t.Error("an environment value leaked into the inventory")
	}

	thumb := findFunction(t, inv, "thumbnailer")
	wantTriggers := []audit.Trigger{
		{Kind: audit.TriggerStorage, Service: "s3.amazonaws.com", SourceID: "arn:aws:s3:::acme-uploads", Auth: audit.AuthService,
			Name: "s3-invoke", Source: audit.Source{API: "lambda:GetPolicy", Ref: "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer"}},
		{Kind: audit.TriggerQueue, Service: "sqs.amazonaws.com", SourceID: "arn:aws:sqs:us-east-1:123456789012:thumb-jobs",
			Auth: audit.AuthService, Name: "6d9bf5c1-0000-4000-8000-000000000001",
			Source: audit.Source{API: "lambda:ListEventSourceMappings", Ref: "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:6d9bf5c1-0000-4000-8000-000000000001"}},
	}
	if diff := cmp.Diff(wantTriggers, thumb.Triggers); diff != "" {
		t.Errorf("thumbnailer triggers (-want +got):\n%s", diff)
	}
	// Its policy allows only lambda:InvokeFunction to S3, so its AWS_IAM URL
	// cannot change a verdict and was not read.
	if thumb.URL != "" || len(thumb.AWS.URLs) != 0 || !thumb.AWS.URLsChecked {
		t.Errorf("thumbnailer URL = %q, URLs %v, checked %v; want none read, checked", thumb.URL, thumb.AWS.URLs, thumb.AWS.URLsChecked)
	}

	denied := findFunction(t, inv, "denied-policy")
	// Its policy is unknown (the gap above), so its URL configuration was read.
	if len(denied.AWS.Policies) != 0 || !denied.AWS.URLsChecked {
		t.Errorf("denied-policy: policies %v, URLsChecked %v; want no policy recorded and URLs read",
			denied.AWS.Policies, denied.AWS.URLsChecked)
	}

	ident := findIdentity(t, inv, "arn:aws:iam::123456789012:role/webhook-role")
	wantIdent := audit.Identity{
		Provider: audit.AWS, Account: mgmtAcct, ID: "arn:aws:iam::123456789012:role/webhook-role", Name: "webhook-role",
		Kind: "aws-role",
		Policies: []audit.Policy{{Kind: audit.PolicyAWSManaged, Name: "AdministratorAccess",
			ID: "arn:aws:iam::aws:policy/AdministratorAccess", Document: json.RawMessage(adminPolicy),
			Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: "arn:aws:iam::aws:policy/AdministratorAccess"}}},
		Boundary: &audit.Policy{Kind: audit.PolicyBoundary, Name: "dev-boundary", ID: "arn:aws:iam::123456789012:policy/dev-boundary",
			Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}`),
			Source:   audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: "arn:aws:iam::123456789012:policy/dev-boundary"}},
		Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: "arn:aws:iam::123456789012:role/webhook-role"},
	}
	if diff := cmp.Diff(wantIdent, *ident); diff != "" {
		t.Errorf("webhook-role (-want +got):\n%s", diff)
	}
	var idents []string
	for _, id := range inv.Identities {
		idents = append(idents, id.ID)
	}
	wantIdents := []string{"arn:aws:iam::123456789012:role/batch-role", "arn:aws:iam::123456789012:role/thumbnailer-role",
		"arn:aws:iam::123456789012:role/webhook-role", "arn:aws:iam::210987654321:role/orders-role"}
	if diff := cmp.Diff(wantIdents, idents); diff != "" {
		t.Errorf("identities are the execution roles in use (-want +got):\n%s", diff)
	}

	// Retries happened and were not recorded as gaps; URL configurations were
	// read for the one function whose policy allows lambda:InvokeFunctionUrl,
	// plus the one whose policy could not be read.
	if got := s.Throttled("lambda:GetPolicy"); got != 2 {
		t.Errorf("throttled GetPolicy calls = %d, want 2", got)
	}
	if got := s.Calls("lambda:ListFunctionUrlConfigs"); got != 2 {
		t.Errorf("ListFunctionUrlConfigs calls = %d, want 2", got)
	}
	if got := s.Calls("lambda:ListFunctions"); got != 3+1+1+1 {
		t.Errorf("ListFunctions calls = %d, want 6 (3 pages in us-east-1, 1 in eu-west-1, member's 2 regions)", got)
	}
	if got := s.Calls("organizations:ListAccounts"); got != 2 {
		t.Errorf("ListAccounts calls = %d, want 2 pages", got)
	}
	if got := s.Calls("iam:GetAccountAuthorizationDetails"); got < 4 {
		t.Errorf("GetAccountAuthorizationDetails calls = %d, want several pages", got)
	}
}

func sortAccounts(a []audit.Account) {
	for i := range a {
		for j := i + 1; j < len(a); j++ {
			if a[j].ID < a[i].ID {
				a[i], a[j] = a[j], a[i]
			}
		}
	}
}

func findFunction(t testing.TB, inv *audit.Inventory, name string) *audit.Function {
	t.Helper()
	for i := range inv.Functions {
		if inv.Functions[i].Name == name {
			return &inv.Functions[i]
		}
	}
	t.Fatalf("function %s not collected", name)
	return nil
}

func findIdentity(t testing.TB, inv *audit.Inventory, id string) *audit.Identity {
	t.Helper()
	for i := range inv.Identities {
		if inv.Identities[i].ID == id {
			return &inv.Identities[i]
		}
	}
	t.Fatalf("identity %s not collected", id)
	return nil
}
