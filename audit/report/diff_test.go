package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	mk := func(fn, acct, region string, st audit.Status) audit.Finding {
		f := rankFinding(fn, audit.PublicInvoke, audit.Critical, "public", "", "")
		f.Account, f.Region, f.Status = acct, region, st
		f.Resource = "arn:aws:lambda:" + region + ":" + acct + ":function:" + fn
		f.ID = audit.FindingID(f.Rule, f.Resource, f.Key)
		return f
	}
	const a, b, c = "111111111111", "222222222222", "333333333333"
	prev := &audit.Report{Scope: audit.Scope{Providers: []audit.Provider{audit.AWS}}, Findings: []audit.Finding{
		mk("kept", a, "us-east-1", audit.StatusFail),
		mk("fixed", a, "us-east-1", audit.StatusFail),
		mk("in-gap-account", b, "us-east-1", audit.StatusFail),
		mk("in-gap-region", c, "eu-west-1", audit.StatusFail),
		mk("fixed-other-region", c, "us-east-1", audit.StatusFail),
		mk("now-accepted", a, "us-east-1", audit.StatusFail),
		mk("now-unknown", a, "us-east-1", audit.StatusFail),
		mk("was-suppressed", a, "us-east-1", audit.StatusSuppressed),
	}}
	cur := &audit.Report{Scope: audit.Scope{Providers: []audit.Provider{audit.AWS}}, Findings: []audit.Finding{
		mk("kept", a, "us-east-1", audit.StatusFail),
		mk("added", a, "us-east-1", audit.StatusFail),
		mk("now-accepted", a, "us-east-1", audit.StatusSuppressed),
		mk("now-unknown", a, "us-east-1", audit.StatusUnknown),
		mk("was-suppressed", a, "us-east-1", audit.StatusFail),
	}, Gaps: []audit.Gap{
		{Provider: audit.AWS, Account: b, API: "sts:AssumeRole", Data: audit.DataFunctions, Reason: audit.GapAssumeRole},
		{Provider: audit.AWS, Account: c, Region: "eu-west-1", API: "lambda:ListFunctions", Data: audit.DataFunctions, Reason: audit.GapAccessDenied},
	}}
	names := func(fs []audit.Finding) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, f.Function)
		}
		return out
	}
	d := Diff(prev, cur)
	got := map[string][]string{"new": names(d.New), "resolved": names(d.Resolved), "accepted": names(d.Accepted),
		"unverified": names(d.Unverified), "remaining": names(d.Remaining)}
	want := map[string][]string{
		"new":        {"added", "was-suppressed"},
		"resolved":   {"fixed", "fixed-other-region"},
		"accepted":   {"now-accepted"},
		"unverified": {"now-unknown", "in-gap-account", "in-gap-region"},
		"remaining":  {"kept"},
	}
	if diff := cmp.Diff(want, got); diff != "" || !d.Baseline {
		t.Errorf("delta (-want +got):\n%s (baseline %v)", diff, d.Baseline)
	}
	if !d.IsNew(cur.Findings[1].ID) || d.IsNew(cur.Findings[0].ID) {
		t.Error("IsNew disagrees with New")
	}

	// No previous report: no baseline, nothing listed.
	if d := Diff(nil, cur); d.Baseline || len(d.New) != 0 {
		t.Errorf("first run = %+v, want no baseline", d)
	}
	// A provider outside this run's scope resolves nothing.
	gcpOnly := &audit.Report{Scope: audit.Scope{Providers: []audit.Provider{audit.GCP}}, Findings: []audit.Finding{}}
	if d := Diff(prev, gcpOnly); len(d.Resolved) != 0 || len(d.Unverified) != 7 {
		t.Errorf("other provider: resolved %d, unverified %d", len(d.Resolved), len(d.Unverified))
	}
	// A partial re-audit leaves what it did not look at as remaining.
	d = DiffCovered(prev, cur, func(f *audit.Finding) bool { return f.Function == "fixed" })
	if got := names(d.Resolved); !cmp.Equal(got, []string{"fixed"}) {
		t.Errorf("partial re-audit resolved %v, want [fixed]", got)
	}
}

func TestDeltaAtLeast(t *testing.T) {
	t.Parallel()
	mk := func(fn string, sev audit.Severity) audit.Finding {
		return rankFinding(fn, audit.PublicInvoke, sev, "public", "", "")
	}
	d := Delta{Baseline: true,
		New:       []audit.Finding{mk("a", audit.Critical), mk("b", audit.Low), mk("c", audit.High)},
		Resolved:  []audit.Finding{mk("d", audit.Low)},
		Remaining: []audit.Finding{mk("e", audit.High), mk("f", audit.Critical)},
	}
	names := func(fs []audit.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Function)
		}
		return out
	}
	for _, tc := range []struct {
		min                      audit.Severity
		news, resolved, remained []string
	}{
		{"", []string{"a", "b", "c"}, []string{"d"}, []string{"e", "f"}},
		{audit.Low, []string{"a", "b", "c"}, []string{"d"}, []string{"e", "f"}},
		{audit.High, []string{"a", "c"}, nil, []string{"e", "f"}},
		{audit.Critical, []string{"a"}, nil, []string{"f"}},
	} {
		got := d.AtLeast(tc.min)
		if diff := cmp.Diff([]any{tc.news, tc.resolved, tc.remained}, []any{names(got.New), names(got.Resolved), names(got.Remaining)}); diff != "" {
			t.Errorf("AtLeast(%q) (-want +got):\n%s", tc.min, diff)
		}
		if !got.Baseline {
			t.Errorf("AtLeast(%q) lost the baseline", tc.min)
		}
		if n := CountAtLeast(d.New, tc.min); n != len(tc.news) {
			t.Errorf("CountAtLeast(New, %q) = %d, want %d", tc.min, n, len(tc.news))
		}
	}
	// A list with nothing below the threshold is not copied.
	if got := d.AtLeast(audit.High); &got.Remaining[0] != &d.Remaining[0] {
		t.Error("AtLeast copied a list it kept whole")
	}
	if got := d.AtLeast(audit.Low); &got.New[0] != &d.New[0] {
		t.Error("AtLeast copied a list it kept whole")
	}
}
