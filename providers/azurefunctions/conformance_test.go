package azurefunctions

import (
	"context"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
	"github.com/fnaudit/fnaudit/providers/providertest"
)

// TestConformance runs the provider conformance suite against the collector
// wired to the Azure SDK's fake servers.
func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Target{
		Provider: audit.Azure,
		New: func(t *testing.T, e providertest.Estate) audit.Collector {
			cloud := azuretest.FromEstate(e)
			subs := []string{e.Account}
			if e.DeniedAccount != "" {
				subs = append(subs, e.DeniedAccount)
			}
			c, err := New(context.Background(), Options{
				Subscriptions: subs,
				Credential:    &azfake.TokenCredential{},
				ClientOptions: cloud.ClientOptions(),
				Now:           func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
	})
}
