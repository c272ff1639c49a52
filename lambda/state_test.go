package main

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

const acctBranch = "444455556666" // an account whose role is denied on the second run

// inAccount moves an estate function to another account.
func inAccount(f audit.Function, acct string) audit.Function {
	data, _ := json.Marshal(f)
	var out audit.Function
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(data), acctProd, acct)), &out); err != nil {
		panic(err)
	}
	return out
}

func publicFunction(region, name string) audit.Function {
	f := awsFunction(region, name, "python3.13", "orders-api-role")
	f.AWS.Policies = []audit.ResourcePolicy{publicURLPolicy(region, name)}
	f.AWS.URLs = []audit.FunctionURL{publicURL(region, name)}
	f.URL = f.AWS.URLs[0].URL
	return f
}

// yesterday: findingsEstate plus a public function in the branch account.
func yesterdayEstate() *audit.Inventory {
	inv := findingsEstate()
	inv.Accounts = append(inv.Accounts, audit.Account{Provider: audit.AWS, ID: acctBranch, Regions: []string{"us-east-1"}})
	inv.Functions = append(inv.Functions, inAccount(publicFunction("us-east-1", "branch-kiosk"), acctBranch))
	return inv
}

// today: public-status is fixed, new-hook was made public, and the branch
// account could not be audited (its function is missing, not resolved).
func todayEstate() *audit.Inventory {
	inv := findingsEstate()
	for i := range inv.Functions {
		if inv.Functions[i].Name == "public-status" {
			inv.Functions[i] = awsFunction("us-east-1", "public-status", "python3.13", "orders-api-role")
		}
	}
	inv.Functions = append(inv.Functions, publicFunction("us-east-1", "new-hook"))
	inv.Accounts = append(inv.Accounts, audit.Account{Provider: audit.AWS, ID: acctBranch})
	inv.Gaps = append(inv.Gaps, audit.Gap{Provider: audit.AWS, Account: acctBranch, API: "sts:AssumeRole",
		Data: audit.DataFunctions, Reason: audit.GapAssumeRole, Message: "AccessDenied: not authorized to perform sts:AssumeRole"})
	return inv
}

// estateSwitch is a collector factory whose inventory a test replaces between runs.
type estateSwitch struct {
	mu  sync.Mutex
	inv *audit.Inventory
}

func (e *estateSwitch) set(inv *audit.Inventory) { e.mu.Lock(); e.inv = inv; e.mu.Unlock() }

func (e *estateSwitch) factory(context.Context, Scope) ([]audit.Collector, []audit.Gap) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return []audit.Collector{staticCollector{provider: audit.AWS, inv: e.inv}}, nil
}

// Consecutive runs against the local S3 and SNS: the first has no baseline,
// the second says what is new and resolved (not the functions of an account
// that could not be audited), and with FNAUDIT_NOTIFY=new a third run with
// nothing new sends nothing.
func TestConsecutiveRuns(t *testing.T) {
	t.Parallel()
	est := &estateSwitch{inv: yesterdayEstate()}
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit", envNotify: "new"}, est.factory)
	clock := estateTime
	hs.h.now = func() time.Time { return clock }
	run := func() *Result {
		t.Helper()
		res, err := hs.invoke(t, context.Background(), []byte("{}"))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	// Day 1: no baseline, mailed even though FNAUDIT_NOTIFY=new.
	first := run()
	msgs := hs.srv.SNS().Messages()
	if len(msgs) != 1 || first.MessageID == "" {
		t.Fatalf("first run: %d messages, result %+v", len(msgs), first)
	}
	if !strings.HasPrefix(msgs[0].Subject, "fnaudit: no baseline; ") || !strings.Contains(msgs[0].Body("default"), "No baseline: no earlier report was found") {
		t.Errorf("first run: subject %q\n%s", msgs[0].Subject, msgs[0].Body("default"))
	}
	ptr, ok := hs.srv.S3().Object("acme-fnaudit", stateKey)
	if !ok || !strings.Contains(string(ptr), `"report":"fnaudit/reports/2026/11/28/060000Z.json"`) {
		t.Fatalf("state pointer after the first run: %s", ptr)
	}

	// Day 2.
	clock = clock.Add(24 * time.Hour)
	est.set(todayEstate())
	second := run()
	msgs = hs.srv.SNS().Messages()
	if len(msgs) != 2 {
		t.Fatalf("second run: %d messages, want 2", len(msgs))
	}
	m := msgs[1]
	if !strings.HasPrefix(m.Subject, "fnaudit: 1 new, 1 resolved; ") || second.New != 1 || second.Resolved != 1 {
		t.Errorf("second run: subject %q, result new %d resolved %d", m.Subject, second.New, second.Resolved)
	}
	body := m.Body("default")
	order := []string{
		"Changes since the last run",
		"Compared with the run of 2026-11-28 06:00 UTC: 1 new, 1 resolved,",
		"New (marked NEW below):", "- [CRITICAL] new-hook (aws " + acctProd + " us-east-1)",
		"Resolved (no longer found, where this run read everything):", "- [CRITICAL] public-status (aws " + acctProd + " us-east-1)",
		"Not re-checked, so not counted as resolved: 1 finding open last time in places this run could not read (see the coverage gaps): aws account " + acctBranch + " (1).",
		"Still open from the last run: 5 (listed below).",
		"Worst functions first", "1. new-hook", "NEW [CRITICAL] Lambda function URL is callable by anyone without credentials",
	}
	at := 0
	for _, s := range order {
		i := strings.Index(body[at:], s)
		if i < 0 {
			t.Fatalf("second digest lacks %q after offset %d:\n%s", s, at, body)
		}
		at += i + len(s)
	}
	resolved := body[strings.Index(body, "Resolved (no longer found"):]
	resolved = resolved[:strings.Index(resolved, "\n\n")]
	if strings.Contains(resolved, "branch-kiosk") || !strings.Contains(resolved, "public-status") {
		t.Errorf("resolved section:\n%s\nwant public-status only, not the gap account's branch-kiosk", resolved)
	}
	ptr, _ = hs.srv.S3().Object("acme-fnaudit", stateKey)
	if !strings.Contains(string(ptr), `"report":"fnaudit/reports/2026/11/29/060000Z.json"`) {
		t.Errorf("state pointer after the second run: %s", ptr)
	}

	// Day 3: the same estate. Nothing is new: quiet.
	clock = clock.Add(24 * time.Hour)
	third := run()
	if n := len(hs.srv.SNS().Messages()); n != 2 || third.MessageID != "" ||
		third.Skipped != "nothing new since the last run and FNAUDIT_NOTIFY=new" {
		t.Errorf("third run: %d messages, result %+v", n, third)
	}
	if third.New != 0 || third.Resolved != 0 || third.Subject == "" || !strings.HasPrefix(third.Subject, "fnaudit: nothing new; ") {
		t.Errorf("third run result: %+v", third)
	}
	// Its report is kept and becomes the baseline all the same.
	ptr, _ = hs.srv.S3().Object("acme-fnaudit", stateKey)
	if !strings.Contains(string(ptr), `"report":"fnaudit/reports/2026/11/30/060000Z.json"`) {
		t.Errorf("state pointer after the third run: %s", ptr)
	}
}

// FNAUDIT_NOTIFY=always (the default) mails every run; a narrowed run neither
// compares nor replaces the baseline.
func TestAlwaysNotifyAndNarrowedRuns(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(findingsEstate()))
	clock := estateTime
	hs.h.now = func() time.Time { return clock }
	for range 2 {
		if _, err := hs.invoke(t, context.Background(), []byte("{}")); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Hour)
	}
	msgs := hs.srv.SNS().Messages()
	if len(msgs) != 2 || !strings.HasPrefix(msgs[1].Subject, "fnaudit: nothing new; ") {
		t.Fatalf("%d messages; second subject %q", len(msgs), msgs[len(msgs)-1].Subject)
	}
	before, _ := hs.srv.S3().Object("acme-fnaudit", stateKey)
	res, err := hs.invoke(t, context.Background(), []byte(`{"regions":["us-east-1"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(res.Subject, "new") || strings.Contains(res.Subject, "baseline") {
		t.Errorf("narrowed run subject %q, want no comparison", res.Subject)
	}
	after, _ := hs.srv.S3().Object("acme-fnaudit", stateKey)
	if string(before) != string(after) {
		t.Errorf("a narrowed run replaced the baseline:\n%s\n%s", before, after)
	}
}

// A pointer that is not ours is ignored with a warning (no baseline), and the
// run replaces it.
func TestBadStatePointer(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(findingsEstate()))
	hs.srv.S3().PutObject("acme-fnaudit", stateKey, []byte(`{"schema":"fnaudit.state/v1","report":"../../etc/passwd"}`))
	if _, err := hs.invoke(t, context.Background(), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	m := hs.published(t)
	if !strings.Contains(m.Body("default"), "state: s3://acme-fnaudit/fnaudit/state/latest.json is not a fnaudit.state/v1 pointer") ||
		!strings.HasPrefix(m.Subject, "fnaudit: no baseline; ") {
		t.Errorf("subject %q\n%s", m.Subject, m.Body("default"))
	}
	ptr, _ := hs.srv.S3().Object("acme-fnaudit", stateKey)
	if !strings.Contains(string(ptr), `"report":"fnaudit/reports/`) {
		t.Errorf("pointer not replaced: %s", ptr)
	}
}
