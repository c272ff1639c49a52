package awslambda_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/fnaudit/fnaudit/internal/awstest"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// Collect the functions of one account from a local AWS endpoint. Against real
// AWS, leave ConfigOptions out: New uses the SDK's default chain.
func Example() {
	srv := awstest.NewServer()
	defer srv.Close()
	acct := srv.AddAccount("123456789012")
	acct.Roles = []*awstest.Role{{Name: "orders-role", Inline: map[string]string{
		"read": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}`}}}
	acct.AddRegion("eu-west-1").Functions = []*awstest.Function{{
		Name: "orders", Runtime: "python3.12", Role: acct.RoleARN("orders-role"),
		Env: map[string]string{"DB_PASSWORD": "hunter2-but-longer-9f8e7d"},
	}}

	ctx := context.Background()
	c, err := awslambda.New(ctx, awslambda.Options{
		Regions: []string{"eu-west-1"},
		ConfigOptions: []func(*config.LoadOptions) error{
			config.WithRegion("eu-west-1"),
			config.WithBaseEndpoint(srv.URL), // or AWS_ENDPOINT_URL
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(srv.AccessKey("123456789012"), "secret", "")),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	inv, err := c.Collect(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, fn := range inv.Functions {
		fmt.Println(fn.ID, fn.Runtime, fn.Identities)
		for _, ev := range fn.Environment {
			fmt.Println(" ", ev.Name, ev.Verdict)
		}
	}
	fmt.Println("identities:", len(inv.Identities), "gaps:", len(inv.Gaps))
	// Output:
	// arn:aws:lambda:eu-west-1:123456789012:function:orders python3.12 [arn:aws:iam::123456789012:role/orders-role]
	//   DB_PASSWORD secret
	// identities: 1 gaps: 0
}
