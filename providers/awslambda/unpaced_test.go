package awslambda

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestUnpacedFanOutLosesCalls shows why the collector paces itself: 100
// concurrent GetPolicy calls through one client with the SDK's default retryer
// against a per-second quota lose a large share of the calls, while the paced
// collector (TestPacingKeepsToQuota, BenchmarkCollect) loses none. The quota
// here is one call a second, not Lambda's 15, so that the outcome does not
// depend on how fast this machine sends: the SDK gives up after three
// attempts within seconds, in which only a handful of the 100 calls can pass.
func TestUnpacedFanOutLosesCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds")
	}
	t.Parallel()
	const n = 100
	s := paceEstate(t, n, 20*time.Millisecond)
	s.SetQuotas(awstest.Quotas{LambdaGetPolicy: 1, LambdaControl: 1, IAM: 1, Burst: 1})
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(s.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKey(mgmtAcct), "test-secret", "")),
	)
	if err != nil {
		t.Fatal(err)
	}
	api := lambda.NewFromConfig(cfg)
	var lost atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := api.GetPolicy(context.Background(), &lambda.GetPolicyInput{FunctionName: aws.String(fmt.Sprintf("svc-%04d", i))})
			if err != nil && !isNotFound(err) {
				lost.Add(1)
			}
		}(i)
	}
	wg.Wait()
	t.Logf("unpaced fan-out: %d of %d GetPolicy calls failed after the SDK's default retries (%d throttled responses)",
		lost.Load(), n, s.Throttled("lambda:GetPolicy"))
	if lost.Load() < n/5 {
		t.Errorf("only %d of %d calls lost; the demonstration no longer holds", lost.Load(), n)
	}
}
