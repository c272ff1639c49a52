package azurefunctions_test

import (
	"context"
	"fmt"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/azurefunctions"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
)

// Collect Function Apps and analyze them. In real use leave Credential and
// ClientOptions unset: DefaultAzureCredential and the public cloud are used.
// Here they point the SDK clients at the SDK's fake servers.
func ExampleNew() {
	cloud := azuretest.Scenario()
	ctx := context.Background()
	c, err := azurefunctions.New(ctx, azurefunctions.Options{
		Subscriptions: []string{azuretest.SubProd, azuretest.SubDenied},
		Credential:    &azfake.TokenCredential{},
		ClientOptions: cloud.ClientOptions(),
		Now:           func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
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
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: inv.GeneratedAt})
	fmt.Printf("%d functions, %d identities, %d gaps\n", len(inv.Functions), len(inv.Identities), len(inv.Gaps))
	for _, f := range rep.Findings {
		if f.Rule == "FNA-AZ-001" && f.Status == audit.StatusFail {
			fmt.Println("public:", f.Function)
		}
	}
	// Output:
	// 9 functions, 3 identities, 2 gaps
	// public: StripeWebhook
}
