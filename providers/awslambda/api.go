package awslambda

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The interfaces below list exactly the AWS calls the collector makes. They are
// all read-only, and auditor-policy.json grants exactly these actions (a test
// keeps the two in step). sts:AssumeRole is made through stscreds with the sts
// client, so it appears in stsAPI too.

// lambdaAPI is the Lambda control plane, per account and region.
type lambdaAPI interface {
	ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
	// GetFunctionConfiguration reads one named function (Options.Functions).
	GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
	GetPolicy(context.Context, *lambda.GetPolicyInput, ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
	ListAliases(context.Context, *lambda.ListAliasesInput, ...func(*lambda.Options)) (*lambda.ListAliasesOutput, error)
	ListFunctionUrlConfigs(context.Context, *lambda.ListFunctionUrlConfigsInput, ...func(*lambda.Options)) (*lambda.ListFunctionUrlConfigsOutput, error)
	ListEventSourceMappings(context.Context, *lambda.ListEventSourceMappingsInput, ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error)
}

// iamAPI reads every role and managed policy of an account in one paginated call.
type iamAPI interface {
	GetAccountAuthorizationDetails(context.Context, *iam.GetAccountAuthorizationDetailsInput, ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error)
}

// stsAPI finds the caller's account and reaches the organization's accounts.
type stsAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// OrganizationsAPI lists the organization's accounts and names the
// organization: the calls of Collect and ReadOrganization.
// *organizations.Client implements it.
type OrganizationsAPI interface {
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
}

// orgAPI is OrganizationsAPI under the name the other narrow interfaces follow.
type orgAPI = OrganizationsAPI

// accountAPI lists the regions enabled for an account.
type accountAPI interface {
	ListRegions(context.Context, *account.ListRegionsInput, ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

var (
	_ lambdaAPI  = (*lambda.Client)(nil)
	_ iamAPI     = (*iam.Client)(nil)
	_ stsAPI     = (*sts.Client)(nil)
	_ orgAPI     = (*organizations.Client)(nil)
	_ accountAPI = (*account.Client)(nil)
)
