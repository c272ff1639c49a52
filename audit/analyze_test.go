package audit

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// publicRule fails every AWS function whose name starts with "pub".
var publicRule = Rule{
	ID: "T-001", Slug: "test-public", Category: PublicInvoke, Severity: Critical, Provider: AWS,
	Title: "public", Remediation: "fix it", Needs: []DataKind{DataAccess},
	Check: func(p *Pass) {
		if strings.HasPrefix(p.Function.Name, "pub") {
			p.Report(Result{Detail: "anyone can call " + p.Function.Name})
		}
	},
}

func testInventory() *Inventory {
	inv := NewInventory(testNow)
	for _, name := range []string{"pub-b", "priv", "pub-a"} {
		inv.Functions = append(inv.Functions, Function{
			Provider: AWS, Account: "123456789012", Region: "us-east-1", Name: name,
			ID: "arn:aws:lambda:us-east-1:123456789012:function:" + name,
		})
	}
	return inv
}

func TestAnalyzeSortedAndStable(t *testing.T) {
	t.Parallel()
	r := Analyze(testInventory(), []Rule{publicRule}, Config{Now: testNow})
	if len(r.Findings) != 2 {
		t.Fatalf("got %d findings, want 2", len(r.Findings))
	}
	if r.Findings[0].Function != "pub-a" || r.Findings[1].Function != "pub-b" {
		t.Errorf("findings not sorted: %s, %s", r.Findings[0].Function, r.Findings[1].Function)
	}
	want := Finding{
		ID: FindingID("T-001", "arn:aws:lambda:us-east-1:123456789012:function:pub-a", ""), Rule: "T-001", Slug: "test-public",
		Category: PublicInvoke, Severity: Critical, Status: StatusFail, Provider: AWS, Account: "123456789012",
		Region: "us-east-1", Resource: "arn:aws:lambda:us-east-1:123456789012:function:pub-a", Function: "pub-a",
		Title: "public", Detail: "anyone can call pub-a", Remediation: "fix it",
	}
	if diff := cmp.Diff(want, r.Findings[0]); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
	again := Analyze(testInventory(), []Rule{publicRule}, Config{Now: testNow})
	if diff := cmp.Diff(r, again); diff != "" {
		t.Errorf("analysis is not deterministic:\n%s", diff)
	}
	if r.Summary.Open != 2 || r.Summary.BySeverity[Critical] != 2 || r.Summary.ByCategory[PublicInvoke] != 2 {
		t.Errorf("summary: %+v", r.Summary)
	}
}

func TestFindingIDStable(t *testing.T) {
	t.Parallel()
	// Ids are part of the contract: changing the hash breaks users' diffs and
	// suppressions, so pin one.
	if got := FindingID("FNA-AWS-001", "arn:aws:lambda:us-east-1:123456789012:function:f", ""); got != FindingID("FNA-AWS-001", "arn:aws:lambda:us-east-1:123456789012:function:f", "") || len(got) != 20 {
		t.Fatalf("unstable id %q", got)
	}
	if FindingID("r", "a", "") == FindingID("r", "a", "k") || FindingID("r", "ab", "") == FindingID("ra", "b", "") {
		t.Error("ids collide across keys or field boundaries")
	}
}

func TestPanickingRuleBecomesErrorFinding(t *testing.T) {
	t.Parallel()
	boom := Rule{ID: "T-666", Slug: "boom", Category: AdminAccess, Severity: High, Provider: AWS, Title: "boom",
		Check: func(p *Pass) {
			panic("rule bug on " + p.Function.Name)
		}}
	r := Analyze(testInventory(), []Rule{boom, publicRule}, Config{Now: testNow})
	var errs, fails int
	for _, f := range r.Findings {
		switch f.Status {
		case StatusError:
			errs++
			if f.Rule != "T-666" || !strings.Contains(f.Detail, "panic") {
				t.Errorf("error finding: %+v", f)
			}
		case StatusFail:
			fails++
		}
	}
	if errs != 1 || fails != 2 {
		t.Errorf("got %d error and %d fail findings, want 1 and 2", errs, fails)
	}
}

func TestGapMakesRuleUnknown(t *testing.T) {
	t.Parallel()
	inv := testInventory()
	inv.Gaps = []Gap{{Provider: AWS, Account: "123456789012", Region: "us-east-1",
		Resource: "arn:aws:lambda:us-east-1:123456789012:function:priv", API: "lambda:GetPolicy",
		Data: DataAccess, Reason: GapAccessDenied, Message: "AccessDeniedException"}}
	r := Analyze(inv, []Rule{publicRule}, Config{Now: testNow})
	var unknown *Finding
	for i := range r.Findings {
		if r.Findings[i].Function == "priv" {
			unknown = &r.Findings[i]
		}
	}
	if unknown == nil || unknown.Status != StatusUnknown {
		t.Fatalf("no unknown finding for the function whose policy could not be read: %+v", r.Findings)
	}
	if !strings.Contains(unknown.Detail, "lambda:GetPolicy (access-denied)") {
		t.Errorf("unknown finding does not name the gap: %q", unknown.Detail)
	}
	// A gap on data the rule does not need changes nothing.
	inv.Gaps[0].Data = DataEnvironment
	r = Analyze(inv, []Rule{publicRule}, Config{Now: testNow})
	for _, f := range r.Findings {
		if f.Status == StatusUnknown {
			t.Errorf("unexpected unknown finding %+v", f)
		}
	}
	// A region-wide gap covers every function of the region.
	inv.Gaps = []Gap{{Provider: AWS, Account: "123456789012", API: "iam:GetAccountAuthorizationDetails", Data: DataAccess, Reason: GapThrottled}}
	r = Analyze(inv, []Rule{publicRule}, Config{Now: testNow})
	if r.Summary.ByStatus[StatusUnknown] != 3 {
		t.Errorf("account-wide gap: %d unknown findings, want 3", r.Summary.ByStatus[StatusUnknown])
	}
}

func TestMemoComputesOncePerRule(t *testing.T) {
	t.Parallel()
	var calls int
	r := Rule{ID: "T-002", Slug: "memo", Category: AdminAccess, Severity: High, Provider: AWS, Title: "memo",
		Check: func(p *Pass) {
			v := p.Memo("role", func() any { calls++; return 7 }).(int)
			if v != 7 {
				panic(fmt.Sprint(v))
			}
		}}
	Analyze(testInventory(), []Rule{r}, Config{Now: testNow})
	if calls != 1 {
		t.Errorf("memo computed %d times, want 1", calls)
	}
}
