package audit

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReportMerger(t *testing.T) {
	now := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	fn := func(acct, region, name string) Function {
		return Function{Provider: AWS, Account: acct, Region: region, Name: name,
			ID: "arn:aws:lambda:" + region + ":" + acct + ":function:" + name}
	}
	public := Rule{ID: "FNA-T-1", Provider: AWS, Severity: High, Category: PublicInvoke, Slug: "t", Title: "t",
		Check: func(p *Pass) {
			if strings.HasPrefix(p.Function.Name, "pub") {
				p.Report(Result{Title: "public"})
			}
		}}
	part := func(acct, region string, fns ...Function) ReportPart {
		inv := &Inventory{Accounts: []Account{{Provider: AWS, ID: acct, Regions: []string{region}, AWS: &AWSAccount{}}},
			Functions: fns}
		if len(fns) == 0 {
			inv.Functions = []Function{}
		}
		r := Analyze(inv, []Rule{public}, Config{Now: now})
		for _, f := range inv.Functions {
			r.Control = append(r.Control, FunctionControl{Function: f.ID, Name: f.Name, Provider: f.Provider, Account: f.Account, Region: f.Region})
		}
		return ReportPart{Report: r, Accounts: PartAccounts(inv)}
	}
	m := NewReportMerger(now)
	m.Add(part("111111111111", "us-east-1", fn("111111111111", "us-east-1", "pub-a"), fn("111111111111", "us-east-1", "b")))
	m.Add(part("111111111111", "eu-west-1")) // no functions: its warning is not the report's
	m.Add(part("222222222222", "us-east-1", fn("222222222222", "us-east-1", "pub-c")))
	m.AddGap(Gap{Provider: AWS, Account: "333333333333", API: "collect", Reason: GapError, Message: "failed"})
	m.AddGap(Gap{Provider: AWS, Account: "333333333333", API: "collect", Reason: GapError, Message: "failed"})
	m.AddWarning("w")
	m.AddWarning("w")

	// A part analyzed again replaces its first verdicts.
	again := part("222222222222", "us-east-1", fn("222222222222", "us-east-1", "pub-c"))
	m.RemoveFunctions(map[string]bool{"arn:aws:lambda:us-east-1:222222222222:function:pub-c": true})
	m.Add(again)

	accts := m.Accounts()
	r := m.Report()
	if r.Scope.Functions != 3 || r.Scope.Accounts != 2 || !slices.Equal(r.Scope.Regions, []string{"eu-west-1", "us-east-1"}) ||
		!slices.Equal(r.Scope.Providers, []Provider{AWS}) {
		t.Fatalf("scope %+v", r.Scope)
	}
	if len(r.Findings) != 2 || r.Findings[0].ID == r.Findings[1].ID || r.Summary.Open != 2 || r.Summary.Gaps != 1 {
		t.Fatalf("findings %+v summary %+v", r.Findings, r.Summary)
	}
	if len(r.Control) != 3 || r.Control[0].Account != "111111111111" || r.Control[2].Account != "222222222222" {
		t.Fatalf("control %+v", r.Control)
	}
	if !slices.Equal(r.Warnings, []string{SCPNotApplied, "w"}) {
		t.Fatalf("warnings %q", r.Warnings)
	}
	if len(accts) != 2 || !slices.Equal(accts[0].Regions, []string{"eu-west-1", "us-east-1"}) || accts[0].AWS != nil {
		t.Fatalf("accounts %+v", accts)
	}

	// No part with a function: said once, for the whole report.
	e := NewReportMerger(now)
	e.Add(part("111111111111", "us-east-1"))
	e.Add(part("111111111111", "eu-west-1"))
	if w := e.Report().Warnings; len(w) != 2 || !isNoFunctionsWarning(w[0]) || !strings.Contains(w[0], "1 scope(s)") {
		t.Fatalf("warnings %q", w)
	}
}

// Parts whose accounts hold no IAM authorization details each warn about
// their own accounts; the merged report names them all in one warning, as
// one analysis of the whole estate does.
func TestReportMergerJoinsUnjudgedAccounts(t *testing.T) {
	now := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	inv := func(accts ...string) *Inventory {
		inv := &Inventory{}
		for _, a := range accts {
			inv.Functions = append(inv.Functions, Function{Provider: AWS, Account: a, Region: "us-east-1", Name: "f",
				ID: "arn:aws:lambda:us-east-1:" + a + ":function:f"})
		}
		return inv
	}
	whole := Analyze(inv("333333333333", "111111111111", "222222222222"), nil, Config{Now: now})
	m := NewReportMerger(now)
	m.AddWarning("before")
	for _, a := range []string{"333333333333", "111111111111", "222222222222", "111111111111"} {
		r := Analyze(inv(a), nil, Config{Now: now})
		if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], a) {
			t.Fatalf("part warnings %q", r.Warnings)
		}
		m.Add(ReportPart{Report: r})
	}
	m.AddWarning("after")
	got := m.Report().Warnings
	if want := []string{"before", whole.Warnings[0], "after"}; !slices.Equal(got, want) {
		t.Errorf("warnings\n%q\nwant\n%q", got, want)
	}
	if ids, ok := unjudgedAccounts(whole.Warnings[0]); !ok || !slices.Equal(ids, []string{"111111111111", "222222222222", "333333333333"}) {
		t.Errorf("unjudgedAccounts = %v, %v", ids, ok)
	}
	if _, ok := unjudgedAccounts("who can change a function was not judged in AWS account(s) : x"); ok {
		t.Error("a warning with another suffix parsed")
	}
}
