package awstest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The front-door services: API Gateway (REST APIs over /restapis, HTTP and
// WebSocket APIs over /v2, both signed "apigateway"), Elastic Load Balancing
// v2, EC2's DescribeSecurityGroups, CloudFront and AppSync. They share one estate,
// FrontDoorEstate, which a test reaches with Server.FrontDoors.
func init() {
	mounts = append(mounts, func(s *Server) {
		fd := &FrontDoorEstate{s: s, regions: map[string]*RegionDoors{}, global: map[string]*GlobalDoors{}, buckets: map[string]*bucket{}}
		s.Mount("apigateway", apigwService{fd})
		s.Mount("elasticloadbalancing", elbv2Service{fd})
		s.Mount("ec2", ec2Service{fd})
		s.Mount("cloudfront", cloudfrontService{fd})
		s.Mount("appsync", appsyncService{fd})
	})
}

// FrontDoorEstate holds every account's front doors.
type FrontDoorEstate struct {
	s *Server

	mu      sync.Mutex
	regions map[string]*RegionDoors // account/region
	global  map[string]*GlobalDoors // account (CloudFront)
	quotas  FrontDoorQuotas
	buckets map[string]*bucket
}

// FrontDoors returns the server's front-door estate.
func (s *Server) FrontDoors() *FrontDoorEstate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services["apigateway"].(apigwService).fd
}

// Region returns (creating) the front doors of an account-region. Build it
// before the code under test runs; the handlers only read it.
func (e *FrontDoorEstate) Region(account, region string) *RegionDoors {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := account + "/" + region
	if e.regions[k] == nil {
		e.regions[k] = &RegionDoors{}
	}
	return e.regions[k]
}

// Global returns (creating) an account's CloudFront estate.
func (e *FrontDoorEstate) Global(account string) *GlobalDoors {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.global[account] == nil {
		e.global[account] = &GlobalDoors{}
	}
	return e.global[account]
}

func (e *FrontDoorEstate) lookup(account, region string) *RegionDoors {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d := e.regions[account+"/"+region]; d != nil {
		return d
	}
	return &RegionDoors{}
}

func (e *FrontDoorEstate) lookupGlobal(account string) *GlobalDoors {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d := e.global[account]; d != nil {
		return d
	}
	return &GlobalDoors{}
}

// RegionDoors are one account-region's API Gateway APIs, load balancers and
// security groups.
type RegionDoors struct {
	RestAPIs       []*RestAPI
	DomainNames    []*DomainName // custom domains (v1 and v2)
	HTTPAPIs       []*HTTPAPI    // HTTP and WebSocket APIs
	GraphQLAPIs    []*GraphQLAPI // AppSync
	LoadBalancers  []*LoadBalancer
	TargetGroups   []*TargetGroup
	SecurityGroups []*SecurityGroup
}

// GlobalDoors are an account's CloudFront distributions and origin access controls.
type GlobalDoors struct {
	Distributions []*Distribution
	OACs          []*OriginAccessControl
}

// FrontDoorQuotas are the rates (requests per second per account-region) the
// server enforces on the front-door services; zero is unlimited. A bucket
// holds Burst tokens (one second's worth when zero).
type FrontDoorQuotas struct {
	// APIGatewayGetResources limits apigateway:GetResources (5 requests every
	// 2 seconds: rate 2.5, burst 5).
	APIGatewayGetResources, APIGatewayGetResourcesBurst float64
	// APIGatewayTotal limits every API Gateway management call, v1 and v2,
	// GetResources included (10 per second, burst 40).
	APIGatewayTotal, APIGatewayTotalBurst float64
	// ELBv2Describe limits Elastic Load Balancing v2 Describe* calls
	// (refill 10 per second, bucket 40).
	ELBv2Describe, ELBv2DescribeBurst float64
	// EC2Describe limits EC2 non-mutating calls (refill 20, bucket 100).
	EC2Describe, EC2DescribeBurst float64
	// CloudFront limits CloudFront calls per account (no published rate).
	CloudFront, CloudFrontBurst float64
	// AppSync limits AppSync management calls (no published rate).
	AppSync, AppSyncBurst float64
}

// DocumentedFrontDoorQuotas are AWS's published rates: API Gateway's
// "quotas for creating, deploying and managing an API" (GetResources 5 per 2
// seconds, total 10 per second with a burst of 40), the ELB API's rate-based
// throttling for non-mutating actions (bucket 40, refill 10 per second) and
// EC2's for non-mutating actions (bucket 100, refill 20). CloudFront and
// AppSync publish no control-plane request rate, so they are left unlimited.
var DocumentedFrontDoorQuotas = FrontDoorQuotas{
	APIGatewayGetResources: 2.5, APIGatewayGetResourcesBurst: 5,
	APIGatewayTotal: 10, APIGatewayTotalBurst: 40,
	ELBv2Describe: 10, ELBv2DescribeBurst: 40,
	EC2Describe: 20, EC2DescribeBurst: 100,
}

// SetQuotas makes the front-door services throttle calls beyond q.
func (e *FrontDoorEstate) SetQuotas(q FrontDoorQuotas) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.quotas = q
	e.buckets = map[string]*bucket{}
}

// take reports whether every bucket that limits op for the caller has a token
// (and takes one from each when they all do).
func (e *FrontDoorEstate) take(op string, c CallerInfo) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	type limit struct {
		key         string
		rate, burst float64
	}
	var ls []limit
	q := e.quotas
	ar := c.Account + "/" + c.Region
	switch {
	case strings.HasPrefix(op, "apigateway:"):
		if op == "apigateway:GetResources" {
			ls = append(ls, limit{"apigw-resources/" + ar, q.APIGatewayGetResources, q.APIGatewayGetResourcesBurst})
		}
		ls = append(ls, limit{"apigw/" + ar, q.APIGatewayTotal, q.APIGatewayTotalBurst})
	case strings.HasPrefix(op, "elasticloadbalancing:"):
		ls = append(ls, limit{"elbv2/" + ar, q.ELBv2Describe, q.ELBv2DescribeBurst})
	case strings.HasPrefix(op, "ec2:"):
		ls = append(ls, limit{"ec2/" + op + "/" + ar, q.EC2Describe, q.EC2DescribeBurst})
	case strings.HasPrefix(op, "appsync:"):
		ls = append(ls, limit{"appsync/" + ar, q.AppSync, q.AppSyncBurst})
	case strings.HasPrefix(op, "cloudfront:"):
		ls = append(ls, limit{"cloudfront/" + c.Account, q.CloudFront, q.CloudFrontBurst})
	}
	now := time.Now()
	var bs []*bucket
	for _, l := range ls {
		if l.rate <= 0 {
			continue
		}
		b := e.buckets[l.key]
		if b == nil {
			burst := l.burst
			if burst <= 0 {
				burst = l.rate
			}
			b = &bucket{rate: l.rate, capacity: burst, tokens: burst, last: now}
			e.buckets[l.key] = b
		}
		b.tokens += now.Sub(b.last).Seconds() * b.rate
		if b.tokens > b.capacity {
			b.tokens = b.capacity
		}
		b.last = now
		if b.tokens < 1 {
			return false
		}
		bs = append(bs, b)
	}
	for _, b := range bs {
		b.tokens--
	}
	return true
}

// errorShape writes an error in one front-door service's own wire shape.
type errorShape func(w http.ResponseWriter, status int, code, message, retryAfter string)

// admit is Server.Admit for the front-door services: it counts the call,
// applies latency and injected faults (rewritten into the service's error
// shape, since EC2 and CloudFront wrap errors differently from the shapes
// WriteError knows) and then the front-door quotas.
func (e *FrontDoorEstate) admit(w http.ResponseWriter, r *http.Request, shape errorShape, throttleStatus int, throttleCode, op string, resource ...string) bool {
	rec := httptest.NewRecorder()
	if !e.s.Admit(rec, r, RESTJSON, op, resource...) {
		res := rec.Result()
		var body struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if res.StatusCode < 300 || res.Header.Get("Content-Type") != "application/json" || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
			// A canned body (a proxy's page, an emulator's answer): verbatim.
			for k, v := range res.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(res.StatusCode)
			_, _ = w.Write(rec.Body.Bytes())
			return false
		}
		shape(w, res.StatusCode, body.Type, body.Message, res.Header.Get("Retry-After"))
		return false
	}
	if e.s.checkDenied(rec, r, RESTJSON, op) {
		// The account denies the call: AccessDenied in the service's shape.
		code := "AccessDenied"
		switch {
		case strings.HasPrefix(op, "apigateway:"):
			code = "AccessDeniedException"
		case strings.HasPrefix(op, "ec2:"):
			code = "UnauthorizedOperation"
		}
		var body struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		shape(w, http.StatusForbidden, code, body.Message, "")
		return false
	}
	if !e.take(op, Caller(r)) {
		e.s.mu.Lock()
		e.s.throttled[op]++
		e.s.mu.Unlock()
		shape(w, throttleStatus, throttleCode, "Rate exceeded", "1")
		return false
	}
	return true
}

// intParam reads a positive integer query parameter, or def.
func intParam(r *http.Request, name string, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get(name)); err == nil && n > 0 {
		return n
	}
	return def
}
