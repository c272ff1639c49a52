package gcpfunctions

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/functions/apiv2/functionspb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

func TestGapReasonOfRunEndAndConnection(t *testing.T) {
	t.Parallel()
	refused := status.Error(codes.Unavailable, `connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"`)
	for _, tc := range []struct {
		err    error
		reason audit.GapReason
		msg    string
	}{
		{fmt.Errorf("list: %w", context.Canceled), audit.GapInterrupted, "the run was interrupted before the call finished"},
		{status.Error(codes.Canceled, "context canceled"), audit.GapInterrupted, "the run was interrupted before the call finished"},
		{fmt.Errorf("list: %w", context.DeadlineExceeded), audit.GapTimeout, "the run's deadline passed before the call finished"},
		{refused, audit.GapUnreachable, "endpoint unreachable (connection refused)"},
		{status.Error(codes.Unavailable, "The service is currently unavailable."), audit.GapError, "Unavailable: The service is currently unavailable."},
		{&unreachableError{api: "cloudfunctions", cause: "connection refused", attempts: 3}, audit.GapUnreachable,
			"cloudfunctions endpoint unreachable (connection refused) after 3 attempts"},
		{&missingError{call: apiListFunctions, field: "function name"}, audit.GapInvalidData,
			"the answer of cloudfunctions.functions.list has no function name, which the API always returns; the answer was not used"},
	} {
		if got := gapReason(tc.err); got != tc.reason {
			t.Errorf("gapReason(%v) = %s, want %s", tc.err, got, tc.reason)
		}
		if got := gapMessage(tc.err); got != tc.msg {
			t.Errorf("gapMessage(%v) = %q, want %q", tc.err, got, tc.msg)
		}
	}
}

func TestBreakersOpenPerAPI(t *testing.T) {
	t.Parallel()
	refused := status.Error(codes.Unavailable, "connection error: desc = \"transport: Error while dialing: dial tcp: connect: connection refused\"")
	b := newBreakers(3)
	for _, err := range []error{refused, refused, status.Error(codes.Unavailable, "busy"), refused, refused, context.Canceled} {
		b.after("run", err)
	}
	if len(b.opened()) != 0 {
		t.Fatalf("open after 2 consecutive failures: %v", b.opened())
	}
	b.after("run", refused)
	open := b.opened()
	if len(open) != 1 || open[0].Error() != "run endpoint unreachable (connection refused) after 3 attempts" {
		t.Errorf("open = %v", open)
	}
	if _, ok := (&boundedRetryer{inner: retryerFor(RetryPolicy{}), left: 3}).Retry(open[0]); ok {
		t.Error("an open breaker's error is retried")
	}
}

// TestDeadEndpoint points every client at a port that refuses connections:
// every gap says so, none says timeout, and the breakers leave one gap per
// project and kind of data instead of one per call.
func TestDeadEndpoint(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	col, err := New(context.Background(), Options{
		Projects: []string{"p-one", "p-two"},
		ClientOptions: []option.ClientOption{option.WithEndpoint(dead), option.WithoutAuthentication(),
			option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials()))},
		Retry: RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond},
		Now:   func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer col.Close()
	inv := collect(t, col)
	if len(inv.Gaps) == 0 {
		t.Fatal("no gaps")
	}
	listed := map[string]bool{}
	for _, g := range inv.Gaps {
		if g.Reason != audit.GapUnreachable || !strings.Contains(g.Message, "connection refused") {
			t.Errorf("gap %s %s %s: %s %s", g.Account, g.API, g.Data, g.Reason, g.Message)
		}
		if g.API == apiListFunctions && g.Data == audit.DataFunctions {
			listed[g.Account] = true
		}
	}
	if !listed["p-one"] || !listed["p-two"] {
		t.Errorf("the function listing of each project is not under a gap: %v", listed)
	}
	if len(col.brk.opened()) == 0 {
		t.Error("no breaker opened")
	}
}

// TestRunEndGaps: a run that ends before its calls are made reports each
// project under gaps that say how it ended.
func TestRunEndGaps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		ctx    func() (context.Context, context.CancelFunc)
		reason audit.GapReason
	}{
		{"interrupt", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, audit.GapInterrupted},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Unix(0, 0))
		}, audit.GapTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			col, _ := startCollector(t, testEstate(), prodProject)
			ctx, cancel := tc.ctx()
			defer cancel()
			inv, err := col.Collect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Gaps) == 0 {
				t.Fatal("no gaps")
			}
			for _, g := range inv.Gaps {
				if g.Reason != tc.reason {
					t.Errorf("gap %s %s: %s %s", g.API, g.Resource, g.Reason, g.Message)
				}
			}
		})
	}
}

// TestNamelessFunctionIsAGap: a listed function without a resource name
// cannot be identified or read further; a gap says it was skipped. The
// nameless entry is added to the decoded answer of the v2 listing.
func TestNamelessFunctionIsAGap(t *testing.T) {
	t.Parallel()
	srv, err := gcpfake.Start(testEstate())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	addNameless := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		err := invoker(ctx, method, req, reply, cc, opts...)
		if r, ok := reply.(*functionspb.ListFunctionsResponse); ok && err == nil {
			r.Functions = append(r.Functions, &functionspb.Function{Description: "no name"})
		}
		return err
	}
	col, err := New(context.Background(), Options{
		Projects:      []string{prodProject},
		ClientOptions: append(srv.ClientOptions(), option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(addNameless))),
		Now:           func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { col.Close() })
	inv := collect(t, col)
	var found bool
	for _, g := range inv.Gaps {
		if g.API == apiListFunctions && g.Data == audit.DataFunctions && g.Reason == audit.GapInvalidData &&
			strings.Contains(g.Message, "has no function name") {
			found = true
		}
	}
	if !found {
		t.Errorf("no gap for the nameless function: %+v", inv.Gaps)
	}
	for _, fn := range inv.Functions {
		if fn.ID == "" {
			t.Error("a nameless function is in the inventory")
		}
	}
}

func TestConnectionFailuresAreCappedPerCall(t *testing.T) {
	t.Parallel()
	refused := status.Error(codes.Unavailable, "connection error: desc = \"transport: Error while dialing: dial tcp: connect: connection refused\"")
	rt := &boundedRetryer{inner: retryerFor(RetryPolicy{Initial: time.Second, Max: 30 * time.Second}), left: 9}
	for i := 1; i < connAttempts; i++ {
		d, ok := rt.Retry(refused)
		if !ok || d > connMaxDelay {
			t.Fatalf("retry %d: %v, %v; want a retry within %v", i, d, ok, connMaxDelay)
		}
	}
	if _, ok := rt.Retry(refused); ok {
		t.Errorf("retried after %d failed connection attempts", connAttempts)
	}
}
