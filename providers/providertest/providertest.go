package providertest

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
)

// Estate is a provider-neutral description of what a fake cloud must serve.
type Estate struct {
	// Account is the account / project / subscription whose reads succeed.
	Account string
	// DeniedAccount, when set, is a second account in scope whose reads are all
	// denied (AccessDenied / PermissionDenied / AuthorizationFailed).
	DeniedAccount string
	// Region is the region / location of every function.
	Region string
	// PageSize is how many functions the fake returns per list page; the suite
	// always seeds more functions than one page.
	PageSize int
	// ThrottleFirst makes the fake answer the first N calls of the function list
	// with the provider's throttling error; a correct adapter retries them.
	ThrottleFirst int
	Functions     []Fn
}

// Fn is one function of an Estate.
type Fn struct {
	Name string
	// Public: anyone may invoke it without authentication (AWS: resource policy
	// Principal "*" on lambda:InvokeFunction; GCP: allUsers holds the invoker
	// role; Azure: anonymous HTTP trigger with no platform auth or restriction).
	Public bool
	// ServicePinned: a cloud service invokes it, pinned to a source in Account
	// (AWS: s3.amazonaws.com with aws:SourceAccount and aws:SourceArn; GCP: a
	// Pub/Sub event trigger invoked by a service account of the same project;
	// Azure: a queue trigger). Neither public nor cross-account.
	ServicePinned bool
	// WildcardIdentity: the function's identity may do everything (AWS: Action
	// "*" on Resource "*"; GCP: roles/owner on the project; Azure: Owner on the
	// subscription).
	WildcardIdentity bool
}

// Target is an adapter under test.
type Target struct {
	Provider audit.Provider
	// New seeds e into a fake of the provider's API and returns a collector
	// configured to read it (both e.Account and, when set, e.DeniedAccount).
	New func(t *testing.T, e Estate) audit.Collector
}

const (
	defaultAccount = "111122223333"
	deniedAccount  = "444455556666"
	defaultRegion  = "us-east-1"
	pageSize       = 3
)

// Run runs the conformance suite against target. Targets may override the ids
// by wrapping: the suite only requires that the collector reports the estate's
// account ids back unchanged in Function.Account and Gap.Account.
func Run(t *testing.T, target Target) {
	t.Helper()
	run := func(name string, e Estate, check func(t *testing.T, e Estate, inv *audit.Inventory, rep *audit.Report)) {
		t.Run(name, func(t *testing.T) {
			if e.Account == "" {
				e.Account = defaultAccount
			}
			if e.Region == "" {
				e.Region = defaultRegion
			}
			if e.PageSize == 0 {
				e.PageSize = pageSize
			}
			c := target.New(t, e)
			if c.Provider() != target.Provider {
				t.Fatalf("collector provider = %s, want %s", c.Provider(), target.Provider)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			inv, err := c.Collect(ctx)
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			checkShape(t, target.Provider, e, inv)
			rep := audit.Analyze(inv, rules.All(), audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
			check(t, e, inv, rep)
		})
	}

	plain := func(prefix string, n int) []Fn {
		fns := make([]Fn, n)
		for i := range fns {
			fns[i] = Fn{Name: fmt.Sprintf("%s-%02d", prefix, i)}
		}
		return fns
	}

	run("functions-across-pages", Estate{Functions: plain("orders", 2*pageSize+1)},
		func(t *testing.T, e Estate, inv *audit.Inventory, rep *audit.Report) {
			wantNames(t, e, inv)
			if len(inv.Gaps) != 0 {
				t.Errorf("unexpected gaps: %+v", inv.Gaps)
			}
		})

	run("public-function", Estate{Functions: append(plain("internal", pageSize), Fn{Name: "public-webhook", Public: true})},
		func(t *testing.T, e Estate, inv *audit.Inventory, rep *audit.Report) {
			wantNames(t, e, inv)
			wantCategory(t, inv, rep, "public-webhook", audit.PublicInvoke, true)
			wantCategory(t, inv, rep, "internal-00", audit.PublicInvoke, false)
		})

	run("service-principal-pinned", Estate{Functions: append(plain("plain", pageSize), Fn{Name: "thumbnailer", ServicePinned: true})},
		func(t *testing.T, e Estate, inv *audit.Inventory, rep *audit.Report) {
			wantNames(t, e, inv)
			wantCategory(t, inv, rep, "thumbnailer", audit.PublicInvoke, false)
			wantCategory(t, inv, rep, "thumbnailer", audit.CrossAccountInvoke, false)
			fn := byName(inv, "thumbnailer")
			if fn != nil && len(fn.Triggers) == 0 && !hasServiceAccess(fn) {
				t.Errorf("thumbnailer: no trigger or service access recorded for a service-invoked function")
			}
		})

	run("wildcard-identity", Estate{Functions: append(plain("scoped", pageSize), Fn{Name: "ops-runner", WildcardIdentity: true})},
		func(t *testing.T, e Estate, inv *audit.Inventory, rep *audit.Report) {
			wantNames(t, e, inv)
			wantCategory(t, inv, rep, "ops-runner", audit.AdminAccess, true)
			wantCategory(t, inv, rep, "scoped-00", audit.AdminAccess, false)
			fn := byName(inv, "ops-runner")
			if fn != nil && len(fn.Identities) == 0 {
				t.Errorf("ops-runner: no identity recorded")
			}
		})

	run("denied-read-is-a-gap", Estate{DeniedAccount: deniedAccount, Functions: plain("billing", pageSize+1)},
		func(t *testing.T, e Estate, inv *audit.Inventory, rep *audit.Report) {
			wantNames(t, e, inv)
			var found bool
			for _, g := range inv.Gaps {
				if g.Account == e.DeniedAccount && g.Reason == audit.GapAccessDenied {
					found = true
					if g.API == "" {
						t.Errorf("gap for %s names no API call: %+v", e.DeniedAccount, g)
					}
				}
				if g.Account == e.Account {
					t.Errorf("gap for the readable account %s: %+v", e.Account, g)
				}
			}
			if !found {
				t.Errorf("no access-denied gap for account %s; gaps: %+v", e.DeniedAccount, inv.Gaps)
			}
			if len(rep.Gaps) == 0 {
				t.Errorf("report lists no gaps")
			}
		})

	run("throttled-call-is-retried", Estate{ThrottleFirst: 2, Functions: plain("retry", pageSize+1)},
		func(t *testing.T, e Estate, inv *audit.Inventory, rep *audit.Report) {
			wantNames(t, e, inv)
			if len(inv.Gaps) != 0 {
				t.Errorf("throttled calls were not retried; gaps: %+v", inv.Gaps)
			}
		})
}

// checkShape checks what every collected inventory must satisfy.
func checkShape(t *testing.T, p audit.Provider, e Estate, inv *audit.Inventory) {
	t.Helper()
	if inv == nil {
		t.Fatal("Collect returned a nil inventory")
	}
	if inv.Schema != audit.InventorySchema {
		t.Errorf("inventory schema = %q, want %q", inv.Schema, audit.InventorySchema)
	}
	if err := inv.Validate(); err != nil {
		t.Errorf("inventory does not validate: %v", err)
	}
	ids := map[string]bool{}
	for i := range inv.Functions {
		fn := &inv.Functions[i]
		if fn.Provider != p || fn.Account != e.Account || fn.ID == "" || fn.Name == "" || fn.Region == "" {
			t.Errorf("function %d incomplete: provider=%s account=%q region=%q id=%q name=%q",
				i, fn.Provider, fn.Account, fn.Region, fn.ID, fn.Name)
		}
		if ids[fn.ID] {
			t.Errorf("function %s listed twice", fn.ID)
		}
		ids[fn.ID] = true
	}
	for _, g := range inv.Gaps {
		if g.Provider != p || g.API == "" || g.Reason == "" || g.Data == "" {
			t.Errorf("gap incomplete: %+v", g)
		}
	}
}

func wantNames(t *testing.T, e Estate, inv *audit.Inventory) {
	t.Helper()
	var want, got []string
	for _, f := range e.Functions {
		want = append(want, f.Name)
	}
	for i := range inv.Functions {
		got = append(got, inv.Functions[i].Name)
	}
	sort.Strings(want)
	sort.Strings(got)
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Errorf("functions collected:\n got %v\nwant %v", got, want)
	}
}

func byName(inv *audit.Inventory, name string) *audit.Function {
	for i := range inv.Functions {
		if inv.Functions[i].Name == name {
			return &inv.Functions[i]
		}
	}
	return nil
}

func hasServiceAccess(fn *audit.Function) bool {
	for _, a := range fn.Access {
		if a.Principal.Kind == audit.PrincipalService {
			return true
		}
	}
	return false
}

// wantCategory checks that the function named name has (or has not) an open
// finding of category c.
func wantCategory(t *testing.T, inv *audit.Inventory, rep *audit.Report, name string, c audit.Category, want bool) {
	t.Helper()
	fn := byName(inv, name)
	if fn == nil {
		t.Errorf("function %s not collected", name)
		return
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Resource == fn.ID && f.Category == c {
			if f.Status == audit.StatusFail {
				got = append(got, f.Rule+": "+f.Title)
			} else if want {
				t.Errorf("%s: %s finding has status %s: %s", name, c, f.Status, f.Detail)
			}
		}
	}
	if want && len(got) == 0 {
		t.Errorf("%s: no %s finding", name, c)
	}
	if !want && len(got) > 0 {
		t.Errorf("%s: unexpected %s findings: %v", name, c, got)
	}
}
