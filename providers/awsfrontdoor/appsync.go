package awsfrontdoor

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appsync"
	astypes "github.com/aws/aws-sdk-go-v2/service/appsync/types"

	"github.com/fnaudit/fnaudit/audit"
)

// collectAppSync reads the region's AppSync GraphQL APIs and emits one door
// per (Lambda data source, authorization provider): any one of an API's
// providers admits a caller.
func collectAppSync(ctx context.Context, c *collector, api graphqlAPI, workers int) {
	max := int32(25)
	list, err := pages(ctx, func(ctx context.Context, tok *string) ([]astypes.GraphqlApi, *string, error) {
		o, err := api.ListGraphqlApis(ctx, &appsync.ListGraphqlApisInput{MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.GraphqlApis, o.NextToken, nil
	})
	if err != nil {
		c.gap("", "appsync:ListGraphqlApis", doorsWhat, err)
	}
	list = unique(list, func(a astypes.GraphqlApi) string { return aws.ToString(a.ApiId) })
	forEach(list, workers, func(a astypes.GraphqlApi) { readGraphQLAPI(ctx, c, api, a) })
}

func readGraphQLAPI(ctx context.Context, c *collector, api graphqlAPI, a astypes.GraphqlApi) {
	id := aws.ToString(a.ApiId)
	arn := aws.ToString(a.Arn)
	if arn == "" {
		arn = fmt.Sprintf("arn:aws:appsync:%s:%s:apis/%s", c.region, c.account, id)
	}
	what := "front doors of GraphQL API " + id
	max := int32(25)
	sources, err := pages(ctx, func(ctx context.Context, tok *string) ([]astypes.DataSource, *string, error) {
		o, err := api.ListDataSources(ctx, &appsync.ListDataSourcesInput{ApiId: a.ApiId, MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.DataSources, o.NextToken, nil
	})
	if err != nil {
		c.gap(arn, "appsync:ListDataSources", what, err)
		return
	}
	var lambdas []astypes.DataSource
	for _, ds := range sources {
		if ds.Type == astypes.DataSourceTypeAwsLambda && ds.LambdaConfig != nil {
			lambdas = append(lambdas, ds)
		}
	}
	if len(lambdas) == 0 {
		return
	}
	// Which fields reach each data source: unit resolvers name it, pipeline
	// resolvers through their functions.
	functions, err := pages(ctx, func(ctx context.Context, tok *string) ([]astypes.FunctionConfiguration, *string, error) {
		o, err := api.ListFunctions(ctx, &appsync.ListFunctionsInput{ApiId: a.ApiId, MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Functions, o.NextToken, nil
	})
	if err != nil {
		c.gap(arn, "appsync:ListFunctions", what, err)
		return
	}
	fnSource := map[string]string{}
	for _, f := range functions {
		fnSource[aws.ToString(f.FunctionId)] = aws.ToString(f.DataSourceName)
	}
	types, err := pages(ctx, func(ctx context.Context, tok *string) ([]astypes.Type, *string, error) {
		o, err := api.ListTypes(ctx, &appsync.ListTypesInput{ApiId: a.ApiId, Format: astypes.TypeDefinitionFormatSdl, MaxResults: max, NextToken: tok})
		if err != nil {
			return nil, nil, err
		}
		return o.Types, o.NextToken, nil
	})
	if err != nil {
		c.gap(arn, "appsync:ListTypes", what, err)
		return
	}
	fields := map[string][]string{} // data source name -> "Type.field"
	for _, t := range types {
		// Resolvers attach to fields of object types only.
		if !strings.HasPrefix(strings.TrimSpace(aws.ToString(t.Definition)), "type ") {
			continue
		}
		resolvers, err := pages(ctx, func(ctx context.Context, tok *string) ([]astypes.Resolver, *string, error) {
			o, err := api.ListResolvers(ctx, &appsync.ListResolversInput{ApiId: a.ApiId, TypeName: t.Name, MaxResults: max, NextToken: tok})
			if err != nil {
				return nil, nil, err
			}
			return o.Resolvers, o.NextToken, nil
		})
		if err != nil {
			c.gap(arn, "appsync:ListResolvers", what, err)
			return
		}
		for _, r := range resolvers {
			field := aws.ToString(r.TypeName) + "." + aws.ToString(r.FieldName)
			if ds := aws.ToString(r.DataSourceName); ds != "" {
				fields[ds] = append(fields[ds], field)
			}
			if r.PipelineConfig != nil {
				for _, f := range r.PipelineConfig.Functions {
					if ds := fnSource[f]; ds != "" {
						fields[ds] = append(fields[ds], field)
					}
				}
			}
		}
	}
	providers := []astypes.AdditionalAuthenticationProvider{{AuthenticationType: a.AuthenticationType,
		OpenIDConnectConfig: a.OpenIDConnectConfig, LambdaAuthorizerConfig: a.LambdaAuthorizerConfig}}
	if a.UserPoolConfig != nil {
		providers[0].UserPoolConfig = &astypes.CognitoUserPoolConfig{UserPoolId: a.UserPoolConfig.UserPoolId, AwsRegion: a.UserPoolConfig.AwsRegion}
	}
	providers = append(providers, a.AdditionalAuthenticationProviders...)
	scope := audit.ScopeInternet
	if a.Visibility == astypes.GraphQLApiVisibilityPrivate {
		scope = audit.ScopePrivateVPC
	}
	src := audit.Source{API: "appsync:ListGraphqlApis", Ref: arn}
	for _, ds := range lambdas {
		dsARN := aws.ToString(ds.DataSourceArn)
		dsSrc := audit.Source{API: "appsync:ListDataSources", Ref: dsARN}
		t := audit.DoorTarget{Integration: "AWS_LAMBDA", URI: aws.ToString(ds.LambdaConfig.LambdaFunctionArn), Via: dsARN,
			Role: aws.ToString(ds.ServiceRoleArn), Source: dsSrc}
		if fn, q, ok := splitFunctionARN(t.URI); ok {
			t.Function, t.Qualifier = fn, q
		} else {
			t.Resolution = audit.TargetUnresolved
		}
		fs := fields[aws.ToString(ds.Name)]
		sort.Strings(fs)
		fs = uniq(fs)
		state, stateSrc := audit.DoorDeployed, audit.Source{API: "appsync:ListResolvers", Ref: arn}
		if len(fs) == 0 {
			state = audit.DoorNotDeployed // no resolver uses the data source
		}
		for _, p := range providers {
			auth := appsyncAuth(p, c.region, src)
			var conds []string
			for _, f := range fs {
				conds = append(conds, "field="+f)
			}
			addr := []audit.DoorAddress{}
			if u := a.Uris["GRAPHQL"]; u != "" {
				addr = append(addr, audit.DoorAddress{Method: "POST", URL: u, Source: src})
			}
			c.door(audit.FrontDoor{
				Kind: audit.DoorGraphQLAPI, Provider: audit.AWS, Account: c.account, Region: c.region,
				ID: dsARN + "/auth/" + string(p.AuthenticationType), Name: aws.ToString(ds.Name) + " (" + string(p.AuthenticationType) + ")",
				Parent: arn, ParentName: aws.ToString(a.Name), Addresses: addr, State: state, Scope: scope,
				Auth: []audit.DoorAuth{auth}, Targets: []audit.DoorTarget{t},
				AWS:    &audit.AWSFrontDoor{SourceARN: arn, WebACL: aws.ToString(a.WafWebAclArn), Conditions: conds},
				Source: dsSrc, StateSource: stateSrc,
			})
		}
	}
}

// appsyncAuth maps an AppSync authorization provider.
func appsyncAuth(p astypes.AdditionalAuthenticationProvider, region string, src audit.Source) audit.DoorAuth {
	switch p.AuthenticationType {
	case astypes.AuthenticationTypeApiKey:
		return audit.DoorAuth{Type: audit.DoorAuthAPIKey, Detail: "AppSync API key", Source: src}
	case astypes.AuthenticationTypeAwsIam:
		return audit.DoorAuth{Type: audit.DoorAuthIAM, Detail: "SigV4 (AWS_IAM)", Source: src}
	case astypes.AuthenticationTypeAmazonCognitoUserPools:
		a := audit.DoorAuth{Type: audit.DoorAuthCognito, Source: src}
		if p.UserPoolConfig != nil {
			r := aws.ToString(p.UserPoolConfig.AwsRegion)
			if r == "" {
				r = region
			}
			a.Issuer = "https://cognito-idp." + r + ".amazonaws.com/" + aws.ToString(p.UserPoolConfig.UserPoolId)
		}
		return a
	case astypes.AuthenticationTypeOpenidConnect:
		a := audit.DoorAuth{Type: audit.DoorAuthOIDC, Source: src}
		if p.OpenIDConnectConfig != nil {
			a.Issuer = aws.ToString(p.OpenIDConnectConfig.Issuer)
		}
		return a
	case astypes.AuthenticationTypeAwsLambda:
		a := audit.DoorAuth{Type: audit.DoorAuthCustom, Detail: "Lambda authorizer; its logic is not checked", Source: src}
		if p.LambdaAuthorizerConfig != nil {
			a.AuthorizerID = aws.ToString(p.LambdaAuthorizerConfig.AuthorizerUri)
		}
		return a
	}
	return audit.DoorAuth{Type: audit.DoorAuthUnknown, Detail: "authenticationType " + string(p.AuthenticationType), Source: src}
}
