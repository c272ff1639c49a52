package awsfrontdoor

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Quotas are the request rates (per second, per account-region) the collector
// paces itself to. Zero fields take DefaultQuotas.
type Quotas struct {
	// APIGatewayGetResources is GetResources' quota: 5 requests every 2 seconds.
	APIGatewayGetResources float64
	// APIGatewayTotal is the quota of all API Gateway management calls (v1 and
	// v2 share it), GetResources included: 10 per second.
	APIGatewayTotal float64
	// ELBv2 is the refill rate of ELB's non-mutating (Describe*) bucket: 10.
	ELBv2 float64
	// EC2 is the refill rate of EC2's DescribeSecurityGroups bucket: 20.
	EC2 float64
	// CloudFront has no published control-plane rate; 5 per second is a
	// conservative pace (CloudFront is global: per account).
	CloudFront float64
	// AppSync has no published control-plane rate either: 5 per second.
	AppSync float64
}

// DefaultQuotas are AWS's documented rates (CloudFront: a chosen pace).
var DefaultQuotas = Quotas{APIGatewayGetResources: 2.5, APIGatewayTotal: 10, ELBv2: 10, EC2: 20, CloudFront: 5, AppSync: 5}

func (q Quotas) withDefaults() Quotas {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&q.APIGatewayGetResources, DefaultQuotas.APIGatewayGetResources)
	def(&q.APIGatewayTotal, DefaultQuotas.APIGatewayTotal)
	def(&q.ELBv2, DefaultQuotas.ELBv2)
	def(&q.EC2, DefaultQuotas.EC2)
	def(&q.CloudFront, DefaultQuotas.CloudFront)
	def(&q.AppSync, DefaultQuotas.AppSync)
	return q
}

// limiters pace one account-region. A burst of one spreads calls evenly, so
// the service's bucket never sees more than its refill rate.
type limiters struct {
	resources, apigw, elb, ec2, cdn, appsync *rate.Limiter
}

func newLimiters(q Quotas) *limiters {
	q = q.withDefaults()
	return &limiters{
		resources: rate.NewLimiter(rate.Limit(q.APIGatewayGetResources), 1),
		apigw:     rate.NewLimiter(rate.Limit(q.APIGatewayTotal), 1),
		elb:       rate.NewLimiter(rate.Limit(q.ELBv2), 1),
		ec2:       rate.NewLimiter(rate.Limit(q.EC2), 1),
		cdn:       rate.NewLimiter(rate.Limit(q.CloudFront), 1),
		appsync:   rate.NewLimiter(rate.Limit(q.AppSync), 1),
	}
}

// Stats counts the calls (attempts, retries included) and the throttled
// answers per operation ("apigateway:GetResources"). Safe for concurrent use.
type Stats struct {
	mu        sync.Mutex
	calls     map[string]int
	throttled map[string]int
}

// Calls returns a copy of the per-operation attempt counts.
func (s *Stats) Calls() map[string]int { return s.copy(func() map[string]int { return s.calls }) }

// Throttled returns a copy of the per-operation throttled-answer counts.
func (s *Stats) Throttled() map[string]int {
	return s.copy(func() map[string]int { return s.throttled })
}

func (s *Stats) copy(m func() map[string]int) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range m() {
		out[k] = v
	}
	return out
}

func (s *Stats) add(op string, throttled bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls, s.throttled = map[string]int{}, map[string]int{}
	}
	s.calls[op]++
	if throttled {
		s.throttled[op]++
	}
}

// paceMiddleware waits for every limiter of an operation before each attempt
// (retries included) and counts the attempt in stats.
func paceMiddleware(service string, byOperation func(op string) []*rate.Limiter, stats *Stats) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("fnauditFrontDoorPace",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				op := awsmiddleware.GetOperationName(ctx)
				for _, l := range byOperation(op) {
					if err := l.Wait(ctx); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
				}
				out, md, err := next.HandleFinalize(ctx, in)
				stats.add(service+":"+op, err != nil && reasonOf(err) == reasonThrottled)
				return out, md, err
			}), middleware.After)
	}
}

// newRetryer retries throttling patiently: up to maxAttempts attempts, waiting
// what Retry-After asks (API Gateway sends it), without the SDK's client-wide
// retry quota, which runs dry during a fan-out and turns throttles into gaps;
// the limiters above already bound the request rate, retries included.
func newRetryer(maxAttempts int) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = 20 * time.Second
			o.RateLimiter = ratelimit.None
			o.Backoff = retryAfterBackoff{fallback: retry.NewExponentialJitterBackoff(o.MaxBackoff), max: o.MaxBackoff}
		})
	}
}

type retryAfterBackoff struct {
	fallback retry.BackoffDelayer
	max      time.Duration
}

func (b retryAfterBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil {
		if d, ok := parseRetryAfter(re.Response.Header.Get("Retry-After"), time.Now()); ok {
			d = min(d, b.max)
			return d + time.Duration(rand.Int64N(int64(250*time.Millisecond))), nil
		}
	}
	return b.fallback.BackoffDelay(attempt, err)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
