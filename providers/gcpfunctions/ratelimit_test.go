package gcpfunctions

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
)

func TestAPIFamily(t *testing.T) {
	for method, want := range map[string]string{
		"/google.cloud.functions.v2.FunctionService/ListFunctions":      "cloudfunctions",
		"/google.cloud.functions.v1.CloudFunctionsService/GetIamPolicy": "cloudfunctions",
		"/google.iam.v1.IAMPolicy/GetIamPolicy":                         "cloudfunctions",
		"/google.cloud.run.v2.Services/GetService":                      "run",
		"/google.cloud.resourcemanager.v3.Projects/GetIamPolicy":        "cloudresourcemanager",
		"/google.iam.admin.v1.IAM/GetRole":                              "iam",
		"/google.longrunning.Operations/GetOperation":                   "other",
	} {
		if got := apiFamily(method); got != want {
			t.Errorf("apiFamily(%q) = %q, want %q", method, got, want)
		}
	}
}

// TestRateLimiterPaces checks that calls beyond the burst wait for the rate,
// per family, and that a negative rate does not pace. Only lower bounds of
// time are asserted (a limiter never lets calls through early); what must not
// wait is shown by the limiters' own token counts, not by a stopwatch.
func TestRateLimiterPaces(t *testing.T) {
	t.Parallel()
	noop := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	call := func(l *rateLimiter, method string, n int) time.Duration {
		ic := l.interceptor()
		start := time.Now()
		for i := 0; i < n; i++ {
			if err := ic(context.Background(), method, nil, nil, nil, noop); err != nil {
				t.Fatal(err)
			}
		}
		return time.Since(start)
	}
	l := newRateLimiter(100)
	// 20 pass in the burst, 10 more need 100ms at 100/s.
	if d := call(l, "/google.cloud.run.v2.Services/GetService", defaultBurst+10); d < 80*time.Millisecond {
		t.Errorf("30 calls at 100/s took %v; want about 100ms", d)
	}
	// Another family has its own budget: its bucket is still full.
	if got := l.families["iam"].Tokens(); got != defaultBurst {
		t.Errorf("the iam family has %v tokens after run calls, want its full burst %d", got, defaultBurst)
	}
	// Unpaced calls never wait: the invoker runs even under a cancelled
	// context, which a paced wait refuses.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	invoked := 0
	count := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error {
		invoked++
		return nil
	}
	if newRateLimiter(-1) != nil {
		t.Error("a negative rate built a limiter")
	}
	for i := 0; i < 1000; i++ {
		if err := newRateLimiter(-1).interceptor()(ctx, "/google.cloud.run.v2.Services/GetService", nil, nil, nil, count); err != nil {
			t.Fatalf("unpaced call: %v", err)
		}
	}
	if invoked != 1000 {
		t.Errorf("unpaced calls invoked %d times, want 1000", invoked)
	}
	// A cancelled context stops the wait.
	slow := newRateLimiter(0.001)
	for i := 0; i < defaultBurst; i++ {
		_ = slow.interceptor()(context.Background(), "/x", nil, nil, nil, noop)
	}
	if err := slow.interceptor()(ctx, "/x", nil, nil, nil, noop); err == nil {
		t.Error("a cancelled wait returned no error")
	}
}
