package azurefunctions

import (
	"context"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
)

// BenchmarkCollect collects 40 apps × 3 functions (10 identities) from the fake
// cloud with 5 ms added to every request, at the default concurrency.
func BenchmarkCollect(b *testing.B) {
	fc := azuretest.Generated(40, 3)
	fc.SetLatency(5 * time.Millisecond)
	opts := fc.ClientOptions()
	for b.Loop() {
		c, err := New(context.Background(), Options{Credential: &azfake.TokenCredential{}, ClientOptions: opts})
		if err != nil {
			b.Fatal(err)
		}
		inv, err := c.Collect(context.Background())
		if err != nil || len(inv.Functions) != 120 || len(inv.Gaps) != 0 {
			b.Fatalf("collect: %v, %d functions, gaps %+v", err, len(inv.Functions), inv.Gaps)
		}
	}
	b.ReportMetric(float64(fc.Calls())/float64(b.N), "requests/op")
}
