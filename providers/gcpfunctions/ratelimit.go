package gcpfunctions

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/time/rate"
	"google.golang.org/grpc"
)

// defaultCallsPerSecond paces each API family (Cloud Functions, Cloud Run,
// Resource Manager, IAM) below the default read quotas of the consumer project,
// which are counted per minute per API; bursts of up to defaultBurst calls pass
// at once.
const (
	defaultCallsPerSecond = 10
	defaultBurst          = 20
)

// apiFamily maps a gRPC method ("/google.cloud.run.v2.Services/GetService") to
// the API whose quota it counts against. The IAM policy mixin served on the
// Cloud Functions endpoint counts as Cloud Functions.
func apiFamily(method string) string {
	switch {
	case strings.HasPrefix(method, "/google.cloud.functions."), strings.HasPrefix(method, "/google.iam.v1.IAMPolicy/"):
		return "cloudfunctions"
	case strings.HasPrefix(method, "/google.cloud.run."):
		return "run"
	case strings.HasPrefix(method, "/google.cloud.resourcemanager."):
		return "cloudresourcemanager"
	case strings.HasPrefix(method, "/google.iam.admin."):
		return "iam"
	}
	return "other"
}

// rateLimiter paces calls per API family. A nil *rateLimiter does not pace.
type rateLimiter struct {
	families map[string]*rate.Limiter
}

func newRateLimiter(perSecond float64) *rateLimiter {
	if perSecond < 0 {
		return nil
	}
	if perSecond == 0 {
		perSecond = defaultCallsPerSecond
	}
	l := &rateLimiter{families: map[string]*rate.Limiter{}}
	for _, f := range []string{"cloudfunctions", "run", "cloudresourcemanager", "iam", "other"} {
		l.families[f] = rate.NewLimiter(rate.Limit(perSecond), defaultBurst)
	}
	return l
}

// interceptor waits for the call's family before every call, retries included.
func (l *rateLimiter) interceptor() grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if l != nil {
			if err := l.families[apiFamily(method)].Wait(ctx); err != nil {
				return paceError(ctx, err)
			}
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
}

// paceError is the error of a limiter that would not give a token: the
// context's own error when it has ended, and otherwise (the limiter refuses
// up front when the next token comes after the deadline) a deadline error, so
// the call's gap is a timeout like any other call the deadline cut short.
func paceError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, ok := ctx.Deadline(); ok {
		return fmt.Errorf("%w: the next request slot comes after the run's deadline", context.DeadlineExceeded)
	}
	return err
}
