package awsfrontdoor

import (
	"context"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/appsync"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"golang.org/x/time/rate"

	"github.com/fnaudit/fnaudit/audit"
)

// Options tune the collector; the zero value is the documented quotas.
type Options struct {
	Quotas Quotas
	// MaxAttempts is how often a throttled call is tried (default 10).
	MaxAttempts int
	// Workers is how many APIs / load balancers of a region are read at once
	// (default 4); the limiters set the pace.
	Workers int
	// Stats, when set, counts calls and throttled answers.
	Stats *Stats
}

func (o Options) maxAttempts() int {
	if o.MaxAttempts > 0 {
		return o.MaxAttempts
	}
	return 10
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return 4
}

// Result is what one collection found: the doors and the gaps.
type Result struct {
	Doors []audit.FrontDoor
	Gaps  []audit.Gap
}

// collector accumulates one scope's result.
type collector struct {
	account, region string
	mu              sync.Mutex
	res             Result
}

func (c *collector) door(d audit.FrontDoor) {
	c.mu.Lock()
	c.res.Doors = append(c.res.Doors, d)
	c.mu.Unlock()
}

func (c *collector) gap(resource, op, what string, err error) {
	g := gap(c.account, c.region, resource, op, what, err)
	c.mu.Lock()
	c.res.Gaps = append(c.res.Gaps, g)
	c.mu.Unlock()
}

func (c *collector) result() Result {
	sort.SliceStable(c.res.Doors, func(i, j int) bool { return c.res.Doors[i].ID < c.res.Doors[j].ID })
	return c.res
}

// CollectRegion reads the API Gateway APIs, AppSync GraphQL APIs and
// Application Load Balancers of one account-region with cfg's credentials, paced by its own limiters.
func CollectRegion(ctx context.Context, cfg aws.Config, account, region string, opts Options) Result {
	lim := newLimiters(opts.Quotas)
	apigwOps := func(op string) []*rate.Limiter {
		if op == "GetResources" {
			return []*rate.Limiter{lim.resources, lim.apigw}
		}
		return []*rate.Limiter{lim.apigw}
	}
	retryer := newRetryer(opts.maxAttempts())
	v1 := apigateway.NewFromConfig(cfg, func(o *apigateway.Options) {
		o.Region, o.Retryer = region, retryer()
		o.APIOptions = append(o.APIOptions, paceMiddleware("apigateway", apigwOps, opts.Stats))
	})
	v2 := apigatewayv2.NewFromConfig(cfg, func(o *apigatewayv2.Options) {
		o.Region, o.Retryer = region, retryer()
		o.APIOptions = append(o.APIOptions, paceMiddleware("apigateway", apigwOps, opts.Stats))
	})
	elb := elbv2.NewFromConfig(cfg, func(o *elbv2.Options) {
		o.Region, o.Retryer = region, retryer()
		o.APIOptions = append(o.APIOptions, paceMiddleware("elasticloadbalancing", func(string) []*rate.Limiter { return []*rate.Limiter{lim.elb} }, opts.Stats))
	})
	ec := ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		o.Region, o.Retryer = region, retryer()
		o.APIOptions = append(o.APIOptions, paceMiddleware("ec2", func(string) []*rate.Limiter { return []*rate.Limiter{lim.ec2} }, opts.Stats))
	})
	gql := appsync.NewFromConfig(cfg, func(o *appsync.Options) {
		o.Region, o.Retryer = region, retryer()
		o.APIOptions = append(o.APIOptions, paceMiddleware("appsync", func(string) []*rate.Limiter { return []*rate.Limiter{lim.appsync} }, opts.Stats))
	})
	return collectRegion(ctx, apis{v1: v1, v2: v2, elb: elb, ec2: ec, gql: gql}, account, region, opts)
}

type apis struct {
	v1  restAPI
	v2  httpAPI
	elb elbAPI
	ec2 ec2API
	gql graphqlAPI
}

func collectRegion(ctx context.Context, a apis, account, region string, opts Options) Result {
	c := &collector{account: account, region: region}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		collectAppSync(ctx, c, a.gql, opts.workers())
	}()
	go func() {
		defer wg.Done()
		domains := readDomains(ctx, c, a.v2)
		var inner sync.WaitGroup
		inner.Add(2)
		go func() { defer inner.Done(); collectREST(ctx, c, a.v1, domains, opts.workers()) }()
		go func() { defer inner.Done(); collectHTTP(ctx, c, a.v2, domains, opts.workers()) }()
		inner.Wait()
	}()
	go func() {
		defer wg.Done()
		collectALB(ctx, c, a.elb, a.ec2, opts.workers())
	}()
	wg.Wait()
	return c.result()
}

// CollectCloudFront reads an account's CloudFront distributions (a global
// service: call it once per account).
func CollectCloudFront(ctx context.Context, cfg aws.Config, account string, opts Options) Result {
	lim := newLimiters(opts.Quotas)
	cf := cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) {
		o.Region, o.Retryer = "us-east-1", newRetryer(opts.maxAttempts())()
		o.APIOptions = append(o.APIOptions, paceMiddleware("cloudfront", func(string) []*rate.Limiter { return []*rate.Limiter{lim.cdn} }, opts.Stats))
	})
	c := &collector{account: account}
	collectCDN(ctx, c, cf)
	return c.result()
}

// forEach runs f over items with n workers.
func forEach[T any](items []T, n int, f func(T)) {
	ch := make(chan T)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := range ch {
				f(x)
			}
		}()
	}
	for _, x := range items {
		ch <- x
	}
	close(ch)
	wg.Wait()
}

// unique drops the items whose key an earlier item had (a page served twice
// by a service that ignored its token).
func unique[T any](items []T, key func(T) string) []T {
	seen := map[string]bool{}
	out := items[:0:0]
	for _, x := range items {
		if k := key(x); !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}
