package awslambda

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Quotas are the request rates (per second) the collector paces itself to.
// Zero fields take the documented AWS values.
type Quotas struct {
	// LambdaGetPolicy is Lambda's GetPolicy quota per account and region (15).
	LambdaGetPolicy float64
	// LambdaControl is the quota of the other Lambda control-plane calls per
	// account and region (15).
	LambdaControl float64
	// IAM is the IAM request rate per account (about 20).
	IAM float64
}

// DefaultQuotas returns AWS's documented rates, the values zero fields take.
func DefaultQuotas() Quotas { return Quotas{LambdaGetPolicy: 15, LambdaControl: 15, IAM: 20} }

func (q Quotas) withDefaults() Quotas {
	d := DefaultQuotas()
	if q.LambdaGetPolicy <= 0 {
		q.LambdaGetPolicy = d.LambdaGetPolicy
	}
	if q.LambdaControl <= 0 {
		q.LambdaControl = d.LambdaControl
	}
	if q.IAM <= 0 {
		q.IAM = d.IAM
	}
	return q
}

// paceMiddleware waits for a token before every attempt of a call, retries
// included, so an account-region never sends faster than its quota.
// byOperation picks the limiter for an operation name.
func paceMiddleware(byOperation func(op string) *rate.Limiter) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("fnauditPace",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if l := byOperation(awsmiddleware.GetOperationName(ctx)); l != nil {
					if err := l.Wait(ctx); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, paceError(ctx, err)
					}
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
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

// lambdaLimiters pace one account-region's Lambda calls: GetPolicy has its own
// quota, every other control-plane call shares the second.
type lambdaLimiters struct {
	policy, control *rate.Limiter
}

func newLambdaLimiters(q Quotas) *lambdaLimiters {
	// A burst of one spreads calls evenly: the server-side bucket never sees more
	// than the rate, so nothing waits on a throttle + Retry-After round trip.
	return &lambdaLimiters{
		policy:  rate.NewLimiter(rate.Limit(q.LambdaGetPolicy), 1),
		control: rate.NewLimiter(rate.Limit(q.LambdaControl), 1),
	}
}

func (l *lambdaLimiters) forOperation(op string) *rate.Limiter {
	if op == "GetPolicy" {
		return l.policy
	}
	return l.control
}

// newRetryer is the retryer of every client the collector builds.
//
// Pacing keeps throttling rare, but other callers share the same quotas, so a
// throttle must still be retried, patiently: up to maxAttempts attempts, waiting
// what the service's Retry-After header asks for (the SDK honours only
// x-amz-retry-after, and Lambda sends Retry-After).
//
// The SDK's retry quota is switched off (ratelimit.None). That quota (500 tokens,
// 5 per throttled retry) protects a service from retry storms by a client
// that does not pace itself; shared by all goroutines of a client it runs dry
// during a fan-out, after which every throttle fails at once without a retry —
// exactly the gaps this collector exists to avoid. The client-side limiters
// above bound the request rate, retries included, which is the protection the
// quota was approximating.
//
// A connection failure (refused, reset, DNS, TLS) is retried after a short
// delay (connBackoff), at most connAttempts attempts in all: it is no sign of
// load, and the breakers (breaker.go) stop calling an endpoint that keeps
// failing, so waiting longer gains nothing. An open breaker's error is never retried. delay, when set, replaces
// every delay (tests retry without waiting).
func newRetryer(maxAttempts int, delay func(attempt int, err error) time.Duration) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = 20 * time.Second
			o.RateLimiter = ratelimit.None
			o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(notWhenUnreachable)}, o.Retryables...)
			o.Backoff = retryAfterBackoff{fallback: retry.NewExponentialJitterBackoff(o.MaxBackoff), max: o.MaxBackoff, delay: delay}
		})
	}
}

// notWhenUnreachable stops retries of a call whose service's breaker is open.
func notWhenUnreachable(err error) aws.Ternary {
	var ue *unreachableError
	if errors.As(err, &ue) {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}

// connAttempts caps the attempts of one call that fail to connect, whatever
// MaxAttempts allows: a call the endpoint keeps resetting (while other calls
// to it succeed, so its breaker stays closed) gives up after this many.
const connAttempts = 3

// connBackoff is the delay before retrying a connection failure: 100ms after
// the first, 200ms after the second, at most 500ms.
func connBackoff(attempt int) time.Duration {
	d := time.Duration(attempt) * 100 * time.Millisecond
	if d > 500*time.Millisecond {
		d = 500 * time.Millisecond
	}
	return d
}

// retryAfterBackoff waits what a Retry-After header asks (seconds or an HTTP
// date, plus up to 250ms of jitter so waiting callers do not return in a
// herd), else the SDK's exponential jitter backoff.
type retryAfterBackoff struct {
	fallback retry.BackoffDelayer
	max      time.Duration
	delay    func(attempt int, err error) time.Duration
}

func (b retryAfterBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	if _, ok := connFailure(err); ok && attempt >= connAttempts {
		// Returning the error ends the call's retries with it.
		return 0, err
	}
	if b.delay != nil {
		return b.delay(attempt, err), nil
	}
	if _, ok := connFailure(err); ok {
		return connBackoff(attempt), nil
	}
	if d, ok := retryAfter(err, time.Now()); ok {
		if d > b.max {
			d = b.max
		}
		return d + time.Duration(rand.Int64N(int64(250*time.Millisecond))), nil
	}
	return b.fallback.BackoffDelay(attempt, err)
}

// retryAfter reads the Retry-After header of the HTTP response behind err.
func retryAfter(err error, now time.Time) (time.Duration, bool) {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil || re.Response.Response == nil {
		return 0, false
	}
	return parseRetryAfter(re.Response.Header.Get("Retry-After"), now)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}
