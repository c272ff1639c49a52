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
// per family, and that a negative rate does not pace.
func TestRateLimiterPaces(t *testing.T) {
	t.Parallel()
	call := func(l *rateLimiter, method string, n int) time.Duration {
		ic := l.interceptor()
		noop := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
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
	// Another family has its own budget.
	if d := call(l, "/google.iam.admin.v1.IAM/GetRole", defaultBurst); d > 50*time.Millisecond {
		t.Errorf("a fresh family waited %v", d)
	}
	if d := call(newRateLimiter(-1), "/google.cloud.run.v2.Services/GetService", 1000); d > 100*time.Millisecond {
		t.Errorf("unpaced calls took %v", d)
	}
	// A cancelled context stops the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := newRateLimiter(0.001)
	for i := 0; i < defaultBurst; i++ {
		_ = slow.interceptor()(context.Background(), "/x", nil, nil, nil, func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil })
	}
	if err := slow.interceptor()(ctx, "/x", nil, nil, nil, func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }); err == nil {
		t.Error("a cancelled wait returned no error")
	}
}
