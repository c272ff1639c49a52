package awslambda

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// The fault-injection suite: every operation the collector calls, broken in
// every way a local AWS, a proxy or the network can break it. Whatever the
// fault, every function of the estate is in the inventory or under a gap that
// covers it, nothing the fault-free run read is missing without a gap that
// says so, and the gaps give the fault's reason.

const (
	faultMember = "210987654321"
	htmlPage502 = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)

// faultEstate is an organization of two accounts. The management account has
// a public function with a policy, an alias with its own policy and a URL, a
// function with an SQS mapping, and a plain one; the member, reached through
// the org role, has one function. Lambda listings come one function a page.
func faultEstate(t testing.TB) *awstest.Server {
	s := awstest.New(t)
	mgmt := s.AddAccount(mgmtAcct)
	member := s.AddAccount(faultMember)
	member.InOrg = true
	s.SetOrganization(org, mgmtAcct)
	s.SetPageSize("lambda", 1)

	mgmt.Roles = []*awstest.Role{{Name: "app", Inline: map[string]string{"read": readPolicy}}}
	east := mgmt.AddRegion("us-east-1")
	pub := strings.ReplaceAll(publicURLStmt, "public-webhook", "pub")
	east.Functions = []*awstest.Function{
		{Name: "pub", Runtime: "nodejs20.x", Role: mgmt.RoleARN("app"), Policy: doc(pub), URL: "NONE",
			Aliases: []*awstest.Alias{{Name: "live", Version: "1", Policy: doc(pub), URL: "NONE"}}},
		{Name: "worker", Runtime: "python3.12", Role: mgmt.RoleARN("app")},
		{Name: "plain", Runtime: "python3.12", Role: mgmt.RoleARN("app")},
	}
	east.EventSourceMappings = []*awstest.EventSourceMapping{{UUID: "6d9bf5c1-0000-4000-8000-0000000000aa",
		EventSourceArn: "arn:aws:sqs:us-east-1:123456789012:jobs", Function: "worker"}}

	member.Roles = []*awstest.Role{{Name: auditRole, AssumableBy: []string{mgmtAcct}},
		{Name: "orders-role", Inline: map[string]string{"rw": readPolicy}}}
	member.AddRegion("us-east-1").Functions = []*awstest.Function{{Name: "orders", Runtime: "python3.13",
		Role: member.RoleARN("orders-role")}}
	return s
}

// faultOptions audit the organization in every enabled region (so ListRegions
// is called), retrying at once.
func faultOptions() Options {
	return Options{OrgRole: auditRole, MaxAttempts: 3, RetryDelay: func(int, error) time.Duration { return 0 }}
}

type faultCase struct {
	name string
	// fault returns the fault for op (Op is set by the table).
	fault func(op string) awstest.Fault
	// reason is the gap reason the fault must produce.
	reason audit.GapReason
	// errorReason, when set, is the reason when the broken answer was an
	// error (a truncated ResourceNotFoundException): an error without a
	// readable code is an error.
	errorReason audit.GapReason
}

// emptyAnswer is a 200 whose valid document holds none of the operation's
// members.
func emptyAnswer(op string) awstest.Fault {
	switch {
	case strings.HasPrefix(op, "iam:"), strings.HasPrefix(op, "sts:"):
		action := strings.SplitN(op, ":", 2)[1]
		return awstest.Fault{Status: 200, ContentType: "text/xml", Body: "<" + action + "Response><" + action +
			"Result></" + action + "Result></" + action + "Response>"}
	case strings.HasPrefix(op, "organizations:"):
		return awstest.Fault{Status: 200, ContentType: "application/x-amz-json-1.1", Body: "{}"}
	}
	return awstest.Fault{Status: 200, ContentType: "application/json", Body: "{}"}
}

var faultCases = []faultCase{
	{"empty 200", func(string) awstest.Fault { return awstest.Fault{Kind: awstest.EmptyBody} }, audit.GapInvalidData, ""},
	{"200 without the member", emptyAnswer, audit.GapInvalidData, ""},
	{"truncated body", func(string) awstest.Fault { return awstest.Fault{Kind: awstest.Truncate} }, audit.GapInvalidData, audit.GapError},
	{"html 502", func(string) awstest.Fault { return awstest.Fault{Status: 502, Body: htmlPage502} }, audit.GapError, ""},
	{"connection reset", func(string) awstest.Fault { return awstest.Fault{Kind: awstest.Reset} }, audit.GapUnreachable, ""},
}

// faultOps are the operations of a collection, in the order it makes them.
var faultOps = []string{
	"organizations:DescribeOrganization", "organizations:ListAccounts", "sts:AssumeRole", "account:ListRegions", "iam:GetAccountAuthorizationDetails",
	"lambda:ListFunctions", "lambda:ListEventSourceMappings", "lambda:GetPolicy", "lambda:ListAliases",
	"lambda:ListFunctionUrlConfigs",
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	base := collect(t, faultEstate(t), mgmtAcct, faultOptions())
	if len(base.Gaps) != 0 || len(base.Functions) != 4 {
		t.Fatalf("fault-free run: %d functions, gaps %v", len(base.Functions), gapSummaries(base))
	}
	for _, fc := range faultCases {
		for _, op := range faultOps {
			t.Run(fc.name+"/"+op, func(t *testing.T) {
				t.Parallel()
				s := faultEstate(t)
				f := fc.fault(op)
				f.Op = op
				s.Inject(f)
				inv := collect(t, s, mgmtAcct, faultOptions())
				want := []audit.GapReason{fc.reason}
				if fc.errorReason != "" {
					want = append(want, fc.errorReason)
				}
				if op == apiAssumeRole && fc.reason != audit.GapUnreachable {
					// A role that cannot be assumed is an assume-role gap whatever
					// the answer looked like.
					want = []audit.GapReason{audit.GapAssumeRole}
				}
				checkFaulted(t, base, inv, want...)
			})
		}
	}
}

// TestCallerIdentityFaults: without the caller's account nothing can be
// read, so every fault of sts:GetCallerIdentity fails the collection with an
// error instead of giving an inventory.
func TestCallerIdentityFaults(t *testing.T) {
	t.Parallel()
	for _, fc := range faultCases {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			s := faultEstate(t)
			f := fc.fault("sts:GetCallerIdentity")
			f.Op = "sts:GetCallerIdentity"
			s.Inject(f)
			c, err := New(context.Background(), testOptions(s, mgmtAcct, faultOptions()))
			if err != nil {
				t.Fatal(err)
			}
			if inv, err := c.Collect(context.Background()); err == nil {
				t.Errorf("Collect gave %d functions and %d gaps, want an error", len(inv.Functions), len(inv.Gaps))
			}
		})
	}
}

// TestEmptyListsAreNotMissing: an empty list the service sends ([] in JSON,
// an empty element in XML) is an empty estate, not a missing member.
func TestEmptyListsAreNotMissing(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount(mgmtAcct).AddRegion("us-east-1")
	inv := collect(t, s, mgmtAcct, Options{})
	if len(inv.Gaps) != 0 || len(inv.Functions) != 0 {
		t.Errorf("functions %d, gaps %v; want none of either", len(inv.Functions), gapSummaries(inv))
	}
}

// TestRefusedService points one service at a port that refuses connections
// (AWS_ENDPOINT_URL_<SERVICE>, as a user would) while the others answer.
func TestRefusedService(t *testing.T) {
	base := collect(t, faultEstate(t), mgmtAcct, faultOptions())
	collectEnv := func(t *testing.T, dead string) (*audit.Inventory, error) {
		isolateAWSEnv(t)
		s := faultEstate(t)
		t.Setenv("AWS_ENDPOINT_URL", s.URL)
		t.Setenv("AWS_ENDPOINT_URL_"+dead, awstest.DeadURL(t))
		t.Setenv("AWS_ACCESS_KEY_ID", s.AccessKey(mgmtAcct))
		t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
		t.Setenv("AWS_REGION", "us-east-1")
		o := faultOptions()
		o.Quotas = Quotas{LambdaGetPolicy: 500, LambdaControl: 500, IAM: 500}
		c, err := New(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		return c.Collect(context.Background())
	}
	for _, svc := range []string{"LAMBDA", "IAM", "ACCOUNT", "ORGANIZATIONS"} {
		t.Run(svc, func(t *testing.T) {
			inv, err := collectEnv(t, svc)
			if err != nil {
				t.Fatal(err)
			}
			checkFaulted(t, base, inv, audit.GapUnreachable)
			for _, g := range inv.Gaps {
				if !strings.Contains(g.Message, "connection refused") {
					t.Errorf("gap %q does not say the connection was refused", g.Message)
				}
			}
		})
	}
	t.Run("STS", func(t *testing.T) {
		_, err := collectEnv(t, "STS")
		if err == nil || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("Collect error = %v, want one that says the connection was refused", err)
		}
	})
}

// checkFaulted holds a faulted collection to the suite's promise against the
// fault-free one, and wants at least one gap and every gap with one of reasons.
func checkFaulted(t *testing.T, base, inv *audit.Inventory, reasons ...audit.GapReason) {
	t.Helper()
	if len(inv.Gaps) == 0 {
		t.Fatalf("no gap; functions %d", len(inv.Functions))
	}
	for _, g := range inv.Gaps {
		if !slices.Contains(reasons, g.Reason) {
			t.Errorf("gap reason %s, want %v: %s %s/%s %s: %s", g.Reason, reasons, g.API, g.Account, g.Region, g.Resource, g.Message)
		}
	}
	got := map[string]*audit.Function{}
	for i := range inv.Functions {
		got[inv.Functions[i].ID] = &inv.Functions[i]
	}
	for i := range base.Functions {
		want := &base.Functions[i]
		fn := got[want.ID]
		if fn == nil {
			if !covered(inv.Gaps, want, audit.DataFunctions, "") {
				t.Errorf("function %s is neither in the inventory nor under a gap", want.ID)
			}
			continue
		}
		for _, data := range []audit.DataKind{audit.DataAccess, audit.DataTriggers} {
			if project(want, data) != project(fn, data) && !covered(inv.Gaps, fn, data, "") {
				t.Errorf("function %s lost %s data without a gap:\nwant %s\ngot  %s", fn.ID, data, project(want, data), project(fn, data))
			}
		}
		for _, id := range want.Identities {
			if identity(base, id) != identity(inv, id) && !covered(inv.Gaps, fn, audit.DataIdentity, id) {
				t.Errorf("identity %s of %s changed without a gap", id, fn.ID)
			}
		}
	}
}

// covered reports whether a gap leaves data of fn (or of its identity id)
// unread, the way the analysis matches gaps to functions. The organization
// listing's gap says that only the caller's account was audited: it covers
// every other account.
func covered(gaps []audit.Gap, fn *audit.Function, data audit.DataKind, identity string) bool {
	for _, g := range gaps {
		if g.API == apiListAccounts && g.Account != fn.Account && data == audit.DataFunctions {
			return true
		}
		if g.Data != data || (g.Account != "" && g.Account != fn.Account) || (g.Region != "" && g.Region != fn.Region) {
			continue
		}
		if g.Resource == "" || g.Resource == fn.ID || (identity != "" && g.Resource == identity) {
			return true
		}
	}
	return false
}

// project is what a function holds of one kind of data: for access its
// policies, access entries, aliases, URLs and the triggers they imply; for
// triggers those of event source mappings.
func project(fn *audit.Function, data audit.DataKind) string {
	var v any
	switch data {
	case audit.DataAccess:
		var trig []audit.Trigger
		for _, tr := range fn.Triggers {
			if tr.Source.API != apiListESMs {
				trig = append(trig, tr)
			}
		}
		v = []any{fn.Access, fn.URL, fn.AWS.Policies, fn.AWS.Aliases, fn.AWS.URLs, fn.AWS.URLsChecked, trig}
	case audit.DataTriggers:
		var trig []audit.Trigger
		for _, tr := range fn.Triggers {
			if tr.Source.API == apiListESMs {
				trig = append(trig, tr)
			}
		}
		v = trig
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func identity(inv *audit.Inventory, id string) string {
	for i := range inv.Identities {
		if inv.Identities[i].ID == id {
			b, _ := json.Marshal(inv.Identities[i])
			return string(b)
		}
	}
	return ""
}

// TestDeadEndpointMidScan: Lambda answers the function listing and then
// resets every connection. The breaker stops the calls after a few attempts
// and one gap per kind of data says what was lost.
func TestDeadEndpointMidScan(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	a.Roles = []*awstest.Role{{Name: "app", Inline: map[string]string{"read": readPolicy}}}
	reg := a.AddRegion("us-east-1")
	const n = 40
	for i := 0; i < n; i++ {
		reg.Functions = append(reg.Functions, &awstest.Function{Name: fmt.Sprintf("fn-%02d", i), Runtime: "python3.12",
			Role: a.RoleARN("app")})
	}
	s.Inject(awstest.Fault{Op: "lambda:*", Kind: awstest.Reset, After: 1})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"},
		RetryDelay: func(int, error) time.Duration { return 0 }})
	if len(inv.Functions) != n {
		t.Errorf("functions = %d, want the %d listed", len(inv.Functions), n)
	}
	prefix := "lambda in " + mgmtAcct + "/us-east-1: endpoint unreachable (connection "
	var access, triggers int
	for _, g := range inv.Gaps {
		if g.Reason != audit.GapUnreachable || g.Resource != "" || g.Region != "us-east-1" || !strings.HasPrefix(g.Message, prefix) {
			t.Errorf("gap %s %s %s: %s", g.Reason, g.Resource, g.Data, g.Message)
		}
		switch g.Data {
		case audit.DataAccess:
			access++
			if !strings.HasSuffix(g.Message, fmt.Sprintf("; %d functions' policies, aliases or URL configurations not read", n)) {
				t.Errorf("access gap: %s", g.Message)
			}
		case audit.DataTriggers:
			triggers++
		}
	}
	if access != 1 || triggers != 1 || len(inv.Gaps) != 2 {
		t.Errorf("gaps = %v, want one for access and one for triggers", gapSummaries(inv))
	}
	// Without the breaker: 2 calls a function and the mapping listing, 10
	// attempts each (over 800 calls). With it: the few attempts in flight
	// when it opened — how many depends on scheduling (8 workers, and the
	// HTTP transport may resend a request on a reused connection), so the
	// bound is one call per function, an order of magnitude below.
	if calls := s.Calls("lambda:*"); calls > n {
		t.Errorf("lambda calls = %d after the endpoint died; the breaker did not stop them: %v", calls, s.CallCounts())
	}
}

// TestRunEndGaps: gaps of calls the run's end cut short say timeout for the
// deadline and interrupted for a cancel, never a transport error.
func TestRunEndGaps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		end    error
		reason audit.GapReason
		msg    string
	}{
		{"deadline", context.DeadlineExceeded, audit.GapTimeout, "the run's deadline passed before the call finished"},
		{"interrupt", context.Canceled, audit.GapInterrupted, "the run was interrupted before the call finished"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, _ := oneRegion(t, "a", "b", "c")
			ctx := newEndingContext(tc.end)
			// The run ends when the first policy is asked for.
			o := testOptions(s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
			o.ConfigOptions = append(o.ConfigOptions, config.WithAPIOptions([]func(*middleware.Stack) error{endOn(ctx, "GetPolicy")}))
			c, err := New(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			inv, err := c.Collect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Gaps) == 0 {
				t.Fatal("no gap")
			}
			for _, g := range inv.Gaps {
				if g.Data == audit.DataFrontDoors {
					// Front-door gaps say what was not read before why.
					if g.Reason != tc.reason || !strings.HasSuffix(g.Message, tc.msg+" on "+g.API) && !strings.Contains(g.Message, tc.msg) {
						t.Errorf("gap %s %s: %s %q, want %s ending %q", g.API, g.Resource, g.Reason, g.Message, tc.reason, tc.msg)
					}
					continue
				}
				if g.Reason != tc.reason || g.Message != tc.msg {
					t.Errorf("gap %s %s: %s %q, want %s %q", g.API, g.Resource, g.Reason, g.Message, tc.reason, tc.msg)
				}
			}
		})
	}
}

// endingContext is a context that ends, with the given error, when end is
// called: a deadline or an interrupt at a moment the test chooses, without a
// clock.
type endingContext struct {
	context.Context
	err  error
	done chan struct{}
}

func newEndingContext(err error) *endingContext {
	return &endingContext{Context: context.Background(), err: err, done: make(chan struct{})}
}

func (c *endingContext) end() {
	select {
	case <-c.done:
	default:
		close(c.done)
	}
}

func (c *endingContext) Done() <-chan struct{} { return c.done }

func (c *endingContext) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// endOn ends ctx as a call of op starts, so the run ends at a moment the
// test chooses.
func endOn(ctx *endingContext, op string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("endRun",
			func(c context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if awsmiddleware.GetOperationName(c) == op {
					ctx.end()
				}
				return next.HandleInitialize(c, in)
			}), middleware.Before)
	}
}

func TestPaceErrorIsADeadline(t *testing.T) {
	t.Parallel()
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	lim.Allow()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := paceError(ctx, lim.Wait(ctx))
	if classify(err) != audit.GapTimeout || errorMessage(err) != "the run's deadline passed before the call finished" {
		t.Errorf("pace error %v: reason %s, message %q", err, classify(err), errorMessage(err))
	}
}

// TestConnectionFailuresAreCappedPerCall: one function's GetPolicy is reset
// every time while every other call succeeds (so no breaker opens): the call
// gives up after connAttempts attempts, not MaxAttempts.
func TestConnectionFailuresAreCappedPerCall(t *testing.T) {
	t.Parallel()
	s, a, _ := oneRegion(t, "flaky", "fine")
	s.Inject(awstest.Fault{Op: "lambda:GetPolicy", Resource: "flaky", Kind: awstest.Reset})
	// A new connection per request, so the transport never resends one on
	// its own and the server counts the SDK's attempts.
	fresh := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.DisableKeepAlives = true })
	// The breaker is out of the way (it would open after three consecutive
	// failures, which with one failing call depends on how the other calls
	// interleave): this test is about the per-call cap.
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, MaxAttempts: 10, UnreachableAfter: 1000,
		RetryDelay:    func(int, error) time.Duration { return 0 },
		ConfigOptions: []func(*config.LoadOptions) error{config.WithHTTPClient(fresh)}})
	want := []string{"us-east-1 " + a.FunctionARN("us-east-1", "flaky") + " lambda:GetPolicy access unreachable endpoint unreachable (connection reset)"}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	if got := s.Calls("lambda:GetPolicy") - 1; got != connAttempts {
		t.Errorf("GetPolicy calls for flaky = %d, want %d", got, connAttempts)
	}
}
