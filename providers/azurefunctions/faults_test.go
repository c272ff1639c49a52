package azurefunctions

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
)

// The fault-injection suite for ARM: each call's answer replaced by an empty
// 200, a 200 without its list or properties, or a refused connection. Every
// function of the scenario is then in the inventory or under a gap that
// covers it, a function that differs from the fault-free run has a gap, and
// the gaps give the fault's reason.

// faultyTransport answers requests matching path with a fault instead of the
// fake cloud's answer.
type faultyTransport struct {
	inner  policy.Transporter
	method string
	path   *regexp.Regexp
	fault  string
}

func (f faultyTransport) Do(req *http.Request) (*http.Response, error) {
	if req.Method != f.method || !f.path.MatchString(req.URL.Path) {
		return f.inner.Do(req)
	}
	body := ""
	switch f.fault {
	case "refused":
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	case "no member":
		body = "{}"
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Request: req, ContentLength: int64(len(body)),
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewBufferString(body))}, nil
}

// azureCalls are the ARM calls of a collection, by method and path.
var azureCalls = []struct {
	name, method, path string
}{
	{"sites", "GET", `/providers/Microsoft\.Web/sites$`},
	{"config", "GET", `/config/web$`},
	{"appsettings", "POST", `/config/appsettings/list$`},
	{"authsettingsV2", "GET", `/config/authsettingsV2$`},
	{"private endpoints", "GET", `/privateEndpointConnections$`},
	{"functions", "GET", `/functions$`},
	{"role assignments", "GET", `/roleAssignments$`},
	{"role definitions", "GET", `/roleDefinitions/[^/]+$`},
}

// newCollector is the one place the fault suite builds a collector.
func newCollector(t *testing.T, o Options) *Collector {
	t.Helper()
	c, err := New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func faultCollect(t *testing.T, wrap func(policy.Transporter) policy.Transporter) (*audit.Inventory, error) {
	t.Helper()
	co := azuretest.Scenario().ClientOptions()
	if wrap != nil {
		co.Transport = wrap(co.Transport)
	}
	c := newCollector(t, Options{Credential: &fake.TokenCredential{}, ClientOptions: co,
		Now: func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }})
	return c.Collect(context.Background())
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	base, err := faultCollect(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, fault := range []string{"empty 200", "no member", "refused"} {
		want := audit.GapInvalidData
		if fault == "refused" {
			want = audit.GapUnreachable
		}
		for _, call := range azureCalls {
			t.Run(fault+"/"+call.name, func(t *testing.T) {
				t.Parallel()
				inv, err := faultCollect(t, func(inner policy.Transporter) policy.Transporter {
					return faultyTransport{inner: inner, method: call.method, path: regexp.MustCompile(call.path), fault: fault}
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(inv.Gaps) == 0 && call.name != "role definitions" {
					// A built-in role whose definition is unreadable is
					// taken from the catalog, without a gap.
					t.Fatalf("no gap")
				}
				for _, g := range inv.Gaps {
					if !slices.Contains(append(reasonsOf(base), want), g.Reason) {
						t.Errorf("gap %s %s %s: %s %s", g.Account, g.Resource, g.API, g.Reason, g.Message)
					}
				}
				checkAgainst(t, base, inv)
			})
		}
	}
}

// TestSubscriptionListingFaults: without the subscription list there is no
// scope, and Collect says why instead of returning an empty inventory.
func TestSubscriptionListingFaults(t *testing.T) {
	t.Parallel()
	for _, fault := range []string{"empty 200", "no member", "refused"} {
		_, err := faultCollect(t, func(inner policy.Transporter) policy.Transporter {
			return faultyTransport{inner: inner, method: "GET", path: regexp.MustCompile(`^/subscriptions$`), fault: fault}
		})
		want := `has no "value"`
		if fault == "refused" {
			want = "connection refused"
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Collect error = %v, want one that says %q", fault, err, want)
		}
	}
}

func reasonsOf(inv *audit.Inventory) []audit.GapReason {
	var out []audit.GapReason
	for _, g := range inv.Gaps {
		out = append(out, g.Reason)
	}
	return out
}

// checkAgainst wants every function of base in inv or under a functions gap,
// and every function that differs from base under some gap.
func checkAgainst(t *testing.T, base, inv *audit.Inventory) {
	t.Helper()
	got := map[string]*audit.Function{}
	for i := range inv.Functions {
		got[inv.Functions[i].ID] = &inv.Functions[i]
	}
	for i := range base.Functions {
		want := &base.Functions[i]
		fn := got[want.ID]
		if fn == nil {
			if !coveredBy(inv.Gaps, want, audit.DataFunctions) {
				t.Errorf("function %s is neither in the inventory nor under a gap", want.ID)
			}
			continue
		}
		if asJSON(want) != asJSON(fn) && !coveredBy(inv.Gaps, fn, "") {
			t.Errorf("function %s differs from the fault-free run without a gap:\nwant %s\ngot  %s", fn.ID, asJSON(want), asJSON(fn))
		}
	}
	for _, id := range base.Identities {
		var now *audit.Identity
		for i := range inv.Identities {
			if inv.Identities[i].ID == id.ID {
				now = &inv.Identities[i]
			}
		}
		used := false
		for _, fn := range inv.Functions {
			used = used || slices.Contains(fn.Identities, id.ID)
		}
		if !used {
			// No function of the run uses it: nothing is judged by it.
			continue
		}
		if now == nil || asJSON(now) != asJSON(&id) {
			found := false
			for _, g := range inv.Gaps {
				if g.Data == audit.DataIdentity && (g.Resource == id.ID || g.Resource == "" || strings.Contains(strings.ToLower(id.ID), strings.ToLower(g.Resource))) {
					found = true
				}
			}
			if !found {
				t.Errorf("identity %s differs without an identity gap", id.ID)
			}
		}
	}
}

// coveredBy reports whether a gap (of data, or of any kind when data is "")
// covers fn: its subscription, region and resource empty or matching; an
// app's gap covers the app's functions.
func coveredBy(gaps []audit.Gap, fn *audit.Function, data audit.DataKind) bool {
	for _, g := range gaps {
		if data != "" && g.Data != data {
			continue
		}
		if g.Account != "" && g.Account != fn.Account {
			continue
		}
		if g.Region != "" && g.Region != fn.Region {
			continue
		}
		if g.Resource == "" || g.Resource == fn.ID || strings.HasPrefix(strings.ToLower(fn.ID), strings.ToLower(g.Resource)+"/") {
			return true
		}
		for _, id := range fn.Identities {
			if g.Resource == id {
				return true
			}
		}
	}
	return false
}

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// countingRefusal refuses every request whose path matches and counts them.
type countingRefusal struct {
	inner policy.Transporter
	path  *regexp.Regexp
	n     *atomic.Int64
}

func (c countingRefusal) Do(req *http.Request) (*http.Response, error) {
	if !c.path.MatchString(req.URL.Path) {
		return c.inner.Do(req)
	}
	c.n.Add(1)
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

// TestDeadEndpointMidScan: ARM answers the subscription and app listings and
// then refuses every connection. The breaker stops the calls after a few
// attempts, and one gap per subscription and kind of data says what was lost.
func TestDeadEndpointMidScan(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	inv, err := faultCollect(t, func(inner policy.Transporter) policy.Transporter {
		return countingRefusal{inner: inner, path: regexp.MustCompile(`/sites/[^/]+/|/roleAssignments$|/roleDefinitions/`), n: &n}
	})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		sub  string
		data audit.DataKind
	}
	seen := map[key]int{}
	for _, g := range inv.Gaps {
		if g.Reason == audit.GapUnreachable && g.Resource == "" &&
			// Which call meets the open breaker first depends on scheduling:
			// the folded gap may or may not count what it stopped.
			strings.HasPrefix(g.Message, "management.azure.com: endpoint unreachable (connection refused) after 3 attempts") {
			seen[key{g.Account, g.Data}]++
			continue
		}
		if g.Reason != audit.GapUnreachable {
			continue // the scenario's own gaps (a denied subscription)
		}
		if g.Data == audit.DataIdentity {
			// Role assignment gaps name the identity and carry no subscription.
			continue
		}
		t.Errorf("gap %s %s %s %s: %s", g.Account, g.Resource, g.Data, g.Reason, g.Message)
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("%d gaps for %v, want one", c, k)
		}
	}
	if len(seen) == 0 {
		t.Error("no folded gap")
	}
	// Without the breaker: 5 calls per app and 4 attempts each.
	if got := n.Load(); got > 3+4 {
		t.Errorf("%d refused requests; the breaker did not stop them", got)
	}
}
