package awstest_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

func sdkConfig(t *testing.T, s *awstest.Server, acct, region string) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithBaseEndpoint(s.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKey(acct), "secret", "")),
		config.WithRetryMaxAttempts(1),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func estate(t *testing.T) *awstest.Server {
	s := awstest.New(t)
	a := s.AddAccount("123456789012")
	reg := a.AddRegion("us-east-1")
	for i := 0; i < 120; i++ {
		reg.Functions = append(reg.Functions, &awstest.Function{Name: "fn-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Runtime: "python3.12"})
	}
	reg.Functions[0].Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl"}]}`
	reg.Functions[0].URL = "NONE"
	reg.Functions[0].Aliases = []*awstest.Alias{{Name: "live", Version: "3", URL: "AWS_IAM"}}
	a.Roles = append(a.Roles, &awstest.Role{Name: "app", Inline: map[string]string{"p": `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
		Attached: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}})
	a.AWSPolicies = append(a.AWSPolicies, &awstest.ManagedPolicy{Name: "ReadOnlyAccess", ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess", Document: `{"Statement":[]}`})
	b := s.AddAccount("210987654321")
	b.InOrg = true
	b.Roles = append(b.Roles, &awstest.Role{Name: "audit", AssumableBy: []string{"123456789012"}, ExternalID: "x1"})
	s.SetOrganization("o-abc123", "123456789012")
	return s
}

func TestLambdaWire(t *testing.T) {
	s := estate(t)
	ctx := context.Background()
	cl := lambda.NewFromConfig(sdkConfig(t, s, "123456789012", "us-east-1"))
	n := 0
	for p := lambda.NewListFunctionsPaginator(cl, &lambda.ListFunctionsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Functions)
	}
	if n != 120 || s.Calls("lambda:ListFunctions") != 3 {
		t.Fatalf("listed %d functions in %d calls", n, s.Calls("lambda:ListFunctions"))
	}
	pol, err := cl.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("fn-a")})
	if err != nil || !strings.Contains(*pol.Policy, "InvokeFunctionUrl") {
		t.Fatalf("GetPolicy = %v, %v", pol, err)
	}
	_, err = cl.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("fn-b")})
	var nf interface{ ErrorCode() string }
	if !errors.As(err, &nf) || nf.ErrorCode() != "ResourceNotFoundException" {
		t.Fatalf("GetPolicy without policy: %v", err)
	}
	urls, err := cl.ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("fn-a")})
	if err != nil || len(urls.FunctionUrlConfigs) != 2 {
		t.Fatalf("ListFunctionUrlConfigs = %v, %v", urls, err)
	}
	al, err := cl.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: aws.String("fn-a")})
	if err != nil || len(al.Aliases) != 1 || *al.Aliases[0].Name != "live" {
		t.Fatalf("ListAliases = %v, %v", al, err)
	}
	if _, err := cl.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{}); err != nil {
		t.Fatal(err)
	}

	s.Inject(awstest.Fault{Op: "lambda:GetPolicy", Status: 429, Code: "TooManyRequestsException", RetryAfter: "1", Times: 1})
	_, err = cl.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("fn-a")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "TooManyRequestsException" || s.Throttled("lambda:GetPolicy") != 1 {
		t.Fatalf("throttled GetPolicy: %v", err)
	}

	west := lambda.NewFromConfig(sdkConfig(t, s, "123456789012", "eu-west-3"))
	_, err = west.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnrecognizedClientException" {
		t.Fatalf("opted-out region: %v", err)
	}
}

func TestIAMSTSOrgWire(t *testing.T) {
	s := estate(t)
	ctx := context.Background()
	cfg := sdkConfig(t, s, "123456789012", "us-east-1")
	ic := iam.NewFromConfig(cfg)
	var roles []iamtypes.RoleDetail
	var pols []iamtypes.ManagedPolicyDetail
	pages := 0
	for p := iam.NewGetAccountAuthorizationDetailsPaginator(ic, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1)}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		roles = append(roles, out.RoleDetailList...)
		pols = append(pols, out.Policies...)
	}
	if pages != 2 || len(roles) != 1 || len(pols) != 1 {
		t.Fatalf("pages %d roles %d policies %d", pages, len(roles), len(pols))
	}
	doc, err := url.QueryUnescape(*roles[0].RolePolicyList[0].PolicyDocument)
	if err != nil || !strings.Contains(doc, `"s3:*"`) {
		t.Fatalf("inline document %q: %v", doc, err)
	}

	sc := sts.NewFromConfig(cfg)
	id, err := sc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Account != "123456789012" {
		t.Fatalf("GetCallerIdentity = %v, %v", id, err)
	}
	ar, err := sc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::210987654321:role/audit"), RoleSessionName: aws.String("t"), ExternalId: aws.String("x1")})
	if err != nil {
		t.Fatal(err)
	}
	cfg2 := cfg.Copy()
	cfg2.Credentials = credentials.NewStaticCredentialsProvider(*ar.Credentials.AccessKeyId, *ar.Credentials.SecretAccessKey, *ar.Credentials.SessionToken)
	id2, err := sts.NewFromConfig(cfg2).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id2.Account != "210987654321" {
		t.Fatalf("assumed GetCallerIdentity = %v, %v", id2, err)
	}
	if _, err := sc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::210987654321:role/audit"), RoleSessionName: aws.String("t")}); err == nil {
		t.Fatal("AssumeRole without external id succeeded")
	}

	oc := organizations.NewFromConfig(cfg)
	accts, err := oc.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(accts.Accounts) != 2 {
		t.Fatalf("ListAccounts = %v, %v", accts, err)
	}
	org, err := organizations.NewFromConfig(cfg2).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || *org.Organization.Id != "o-abc123" {
		t.Fatalf("DescribeOrganization = %v, %v", org, err)
	}
	regs, err := account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault}})
	if err != nil || len(regs.Regions) != 1 || *regs.Regions[0].RegionName != "us-east-1" {
		t.Fatalf("ListRegions = %v, %v", regs, err)
	}
}

func TestEmulatorSwitches(t *testing.T) {
	s := awstest.New(t)
	a := s.AddAccount("123456789012")
	a.AddRegion("us-east-1")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a+b%c"}]}`
	a.Roles = []*awstest.Role{{Name: "r", Inline: map[string]string{"p": doc}}}
	a.Policies = []*awstest.ManagedPolicy{{Name: "m", Document: doc, DefaultVersionID: "v9"}}
	cfg := sdkConfig(t, s, "123456789012", "us-east-1")
	ctx := context.Background()

	s.SetRawIAMDocuments(true)
	out, err := iam.NewFromConfig(cfg).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.RoleDetailList[0].RolePolicyList[0].PolicyDocument); got != doc {
		t.Errorf("raw document = %s", got)
	}
	p := out.Policies[0]
	if aws.ToString(p.DefaultVersionId) != "v9" {
		t.Errorf("default version = %s", aws.ToString(p.DefaultVersionId))
	}
	for _, v := range p.PolicyVersionList {
		if v.IsDefaultVersion || aws.ToString(v.VersionId) == "v9" {
			t.Errorf("version %s is marked default or is v9", aws.ToString(v.VersionId))
		}
	}

	s.Inject(awstest.Fault{Op: "lambda:ListFunctions", Status: 200, ContentType: "application/json", Times: 1,
		Body: `{"Functions":[{"FunctionName":"canned"}],"NextMarker":"m"}`})
	lc := lambda.NewFromConfig(cfg)
	page, err := lc.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(page.Functions) != 1 || aws.ToString(page.Functions[0].FunctionName) != "canned" ||
		aws.ToString(page.NextMarker) != "m" {
		t.Fatalf("canned page = %+v, %v", page, err)
	}
	s.Inject(awstest.Fault{Op: "lambda:ListFunctions", Status: 404, Body: "<html>no</html>", Times: 1})
	_, err = lc.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	var ae smithy.APIError
	if err == nil || errors.As(err, &ae) {
		t.Errorf("an HTML 404 became %v, want an error that is no AWS API error", err)
	}
}
