// Package awslambda collects AWS Lambda functions, their triggers and their
// execution roles into an audit.Inventory with aws-sdk-go-v2.
//
// New loads the SDK's standard configuration (environment, shared config and
// profiles including SSO, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>);
// Collect then audits the caller's account, or every active account of the
// organization through an assumed role, in every enabled region or the
// configured ones.
//
// Per account and region the collector lists functions (lambda:ListFunctions,
// whose pages already carry role, runtime, package type, environment and
// layers), reads each function's and alias's resource policy
// (lambda:ListAliases, lambda:GetPolicy), the region's event source mappings
// once (lambda:ListEventSourceMappings), and the URL configurations
// (lambda:ListFunctionUrlConfigs, one call for $LATEST and every alias) only
// for functions whose policies can allow lambda:InvokeFunctionUrl. Per account
// it reads every role and managed policy in one paginated
// iam:GetAccountAuthorizationDetails listing.
//
// Calls are paced per account-region at Lambda's documented quotas (15
// GetPolicy and 15 other control-plane requests per second) and per account
// at about 20 IAM requests per second; account-regions run in parallel;
// throttled calls are retried honouring Retry-After. Anything that cannot be
// read becomes an audit.Gap naming the account, region, API call and reason;
// a denied GetPolicy is never mistaken for "no policy".
//
// Per run the collector reads the caller's organization once
// (organizations:DescribeOrganization and ListAccounts) for the membership
// record; a program that runs many collections for one audit reads it once
// with ReadOrganization and passes it in Options.Organization instead.
//
// The collector describes and never judges: resource policies are kept whole
// as evidence in AWSFunction.Policies for the rules to evaluate.
//
// The exact calls are the methods of the narrow interfaces in api.go; the
// auditor's own least-privilege IAM policy, auditor-policy.json, grants those
// and nothing else. docs/aws.md describes permissions, quotas and the URL
// reasoning in full.
package awslambda
