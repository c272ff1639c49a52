package report

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/examples/estate"
)

// scaledReport is the sample estate's report (fnaudit demo: 40 functions of
// three providers, every rule, the control summaries) copied until it covers
// n functions, each copy's functions renamed (-c00001, ...), plus one
// throttled lambda:GetPolicy gap per hundred functions (manyGaps). The demo's
// own gaps stay once: they are account-wide.
func scaledReport(tb testing.TB, n int) *audit.Report {
	tb.Helper()
	inv, err := estate.Load()
	if err != nil {
		tb.Fatal(err)
	}
	demo := audit.Analyze(inv, rules.All(), audit.Config{Now: testNow})
	demo.Control = control.Summaries(inv)
	per := len(inv.Functions)
	copies := (n + per - 1) / per

	r := *demo
	r.Findings = make([]audit.Finding, 0, copies*len(demo.Findings))
	r.Control = make([]audit.FunctionControl, 0, copies*len(demo.Control))
	for c := range copies {
		suffix := fmt.Sprintf("-c%05d", c)
		for _, f := range demo.Findings {
			if f.Status == audit.StatusError {
				if c == 0 {
					r.Findings = append(r.Findings, f)
				}
				continue
			}
			f.Resource += suffix
			f.Function += suffix
			f.ID = audit.FindingID(f.Rule, f.Resource, f.Key)
			r.Findings = append(r.Findings, f)
		}
		for _, fc := range demo.Control {
			fc.Function += suffix
			fc.Name += suffix
			r.Control = append(r.Control, fc)
		}
	}
	gaps, _ := manyGaps(n/100, 0)
	r.Gaps = append(append([]audit.Gap(nil), demo.Gaps...), gaps.Gaps...)
	r.Scope.Functions = copies * per
	audit.SortFindings(r.Findings)
	r.Summarize()
	return &r
}

// countWriter counts the bytes written to it and keeps none.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkHTMLScale renders the HTML report of 100,000 functions (about
// 257,000 findings, 100,000 control rows and 1,001 gaps) and reports the
// page's size and what rendering allocates. Run it once:
//
//	go test ./audit/report -run '^$' -bench HTMLScale -benchtime 1x
func BenchmarkHTMLScale(b *testing.B) {
	const n = 100000
	r := scaledReport(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	var w countWriter
	for range b.N {
		w = countWriter{}
		if err := Render(&w, HTML, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n), "html-bytes")
	b.ReportMetric(float64(w.n)/float64(r.Scope.Functions), "html-B/function")
	b.ReportMetric(float64(len(r.Findings)), "findings")
}

// htmlPageBound is the most bytes the HTML report of the scaled sample estate
// may take, whatever its number of functions: 1,000 functions with their
// findings (copies of the sample's worst functions, up to about 9 KB of
// findings and evidence each), 1,000 control rows (about 220 KB), the summary
// and charts (about 13 KB) and the folded gaps (about 23 KB for 6,401 gaps in
// TestHTMLCapsLargeReport). Measured: 9.3 MB at 20,000 functions (the test),
// 8.6 MB at 100,000 (BenchmarkHTMLScale).
const htmlPageBound = 12 << 20

// section returns the page's section with the given id, up to its end.
func section(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<section id="`+id+`"`)
	if start < 0 {
		t.Fatalf("page has no section %q", id)
	}
	end := strings.Index(page[start:], "</section>")
	return page[start : start+end]
}

// TestHTMLCapsLargeReport renders an estate past every limit of the HTML
// report: 20,000 functions, one control row each, 5,200 per-function gaps and
// 1,201 account-wide ones. The page lists the 1,000 functions ranked highest
// in RankFunctions' order with their findings and their control rows, says
// exactly how many functions, findings and control rows it left out, folds the
// gaps without leaving one out, and stays under htmlPageBound.
func TestHTMLCapsLargeReport(t *testing.T) {
	t.Parallel()
	const n = 20000
	r := scaledReport(t, n)
	more, _ := manyGaps(5000, 1200)
	r.Gaps = append(r.Gaps, more.Gaps...)
	r.Summarize()
	var b bytes.Buffer
	if err := Render(&b, HTML, r, Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	t.Logf("%d functions, %d findings, %d gaps: %d bytes of HTML", r.Scope.Functions, len(r.Findings), len(r.Gaps), len(page))
	for _, id := range []string{"gaps", "functions", "findings", "control"} {
		t.Logf("section %s: %d bytes", id, len(section(t, page, id)))
	}
	if len(page) > htmlPageBound {
		t.Errorf("the page takes %d bytes, more than the %d bytes bound", len(page), htmlPageBound)
	}

	// The counts the page must state, from the findings themselves.
	functions := map[fnKey]bool{}
	var open []audit.Finding
	findings := 0
	for _, f := range r.Findings {
		if f.Status == audit.StatusError {
			continue
		}
		functions[fnKey{f.Provider, f.Resource}] = true
		findings++
		if f.Status == audit.StatusFail {
			open = append(open, f)
		}
	}
	ranked := RankFunctions(open)
	if len(ranked) <= htmlFunctionsMax || len(r.Control) <= htmlControlRowsMax {
		t.Fatalf("%d functions with open findings, %d control rows: the estate does not reach the limits", len(ranked), len(r.Control))
	}

	// The functions: the 1,000 ranked highest, in order, and the left-out line.
	list := section(t, page, "functions")
	rows := regexp.MustCompile(`<tr><td class="n">(\d+)</td><td><a href="#fn-\d+">([^<]*)</a>`).FindAllStringSubmatch(list, -1)
	if len(rows) != htmlFunctionsMax {
		t.Fatalf("the ranked list has %d rows, want %d", len(rows), htmlFunctionsMax)
	}
	for i, row := range rows {
		if want := template.HTMLEscapeString(ranked[i].Function); row[1] != strconv.Itoa(i+1) || row[2] != want {
			t.Fatalf("ranked row %d is #%s %q, want %q (RankFunctions' order)", i, row[1], row[2], want)
		}
	}
	details := section(t, page, "findings")
	if got := strings.Count(details, `<article class="fn"`); got != htmlFunctionsMax {
		t.Errorf("findings by function: %d functions, want %d", got, htmlFunctionsMax)
	}
	shown := strings.Count(details, `<details class="finding`)
	left := len(functions) - htmlFunctionsMax
	for _, want := range []string{
		fmt.Sprintf("Functions, worst first (%d of %d)", htmlFunctionsMax, len(functions)),
		fmt.Sprintf(`<p class="note" id="functions-left-out">This page lists the %d highest-ranked of the %d functions with findings; the other %d functions, with %d findings, are left out. The JSON report lists every function and finding.</p>`,
			htmlFunctionsMax, len(functions), left, findings-shown),
		fmt.Sprintf(`<p class="note" id="findings-left-out">Only the findings of the %d functions listed above are shown: %d findings of %d functions ranked lower are left out. The JSON report lists them.</p>`,
			htmlFunctionsMax, findings-shown, left),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	// Who can change each function: the rows of the functions listed.
	ctl := section(t, page, "control")
	if got := strings.Count(ctl, "<tr><td>"); got != htmlControlRowsMax {
		t.Errorf("the control table has %d rows, want %d", got, htmlControlRowsMax)
	}
	for _, rf := range ranked[:htmlControlRowsMax] {
		if !strings.Contains(ctl, "<tr><td>"+template.HTMLEscapeString(rf.Function)+"</td>") {
			t.Fatalf("the control table lacks %q, ranked among the first %d", rf.Function, htmlControlRowsMax)
		}
	}
	want := fmt.Sprintf("Who can change each function (%d of %d)", htmlControlRowsMax, len(r.Control))
	line := fmt.Sprintf(`<p class="note" id="control-left-out">This table lists %d of %d functions: those ranked highest in the list of functions above, then functions without a finding shown; the other %d functions are left out. The JSON report lists who can change every function.</p>`,
		htmlControlRowsMax, len(r.Control), len(r.Control)-htmlControlRowsMax)
	for _, want := range []string{want, line} {
		if !strings.Contains(ctl, want) {
			t.Errorf("control section lacks %q", want)
		}
	}

	// Every gap: the per-function ones folded with their counts, every
	// account-wide one named.
	gaps := section(t, page, "gaps")
	narrow, wide := 0, 0
	for _, g := range r.Gaps {
		if GapBreadthOf(g) == BreadthResource {
			narrow++
		} else {
			wide++
		}
	}
	if !strings.Contains(gaps, fmt.Sprintf("Coverage gaps (%d)", len(r.Gaps))) ||
		!strings.Contains(gaps, fmt.Sprintf("The %d gaps are too many to list one per row, so they are folded; none is left out.", len(r.Gaps))) {
		t.Errorf("gap section lacks its count or its note:\n%.2000s", gaps)
	}
	covered := 0
	for _, m := range regexp.MustCompile(`<td>(\d+) functions?: <code>`).FindAllStringSubmatch(gaps, -1) {
		c, _ := strconv.Atoi(m[1])
		covered += c
	}
	if covered != narrow {
		t.Errorf("the folded rows cover %d per-function gaps, want %d", covered, narrow)
	}
	for _, g := range r.Gaps {
		if GapBreadthOf(g) < BreadthResource && !strings.Contains(gaps, g.Account) {
			t.Fatalf("the account-wide gap of %s %s is missing", g.Provider, g.Account)
		}
	}
	if wide <= htmlGapRowsMax || !strings.Contains(gaps, `<ul class="gap-causes">`) {
		t.Errorf("%d account-wide gaps: want them folded by cause", wide)
	}
}

// TestHTMLControlRowsByRank: past the limit, the control rows kept are those
// of the functions ranked highest, then those of functions without a shown
// finding, first ones first; they keep the report's order.
func TestHTMLControlRowsByRank(t *testing.T) {
	t.Parallel()
	fn := func(name string, sev audit.Severity, cat audit.Category) audit.Finding {
		return mk("R-"+string(cat), "", cat, sev, audit.StatusFail, audit.AWS, awsAcct, "us-east-1", awsARN(name), name, "t")
	}
	rk := rankShown([]audit.Finding{
		fn("admin", audit.Critical, audit.AdminAccess),
		fn("public", audit.Critical, audit.PublicInvoke),
		fn("old-runtime", audit.Low, audit.DeprecatedRuntime),
	})
	row := func(name string) audit.FunctionControl {
		return audit.FunctionControl{Function: awsARN(name), Name: name, Provider: audit.AWS, Account: awsAcct, Region: "us-east-1", Judged: true}
	}
	cs := []audit.FunctionControl{row("a-clean"), row("admin"), row("b-clean"), row("old-runtime"), row("public")}
	names := func(rows []htmlControl) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Name)
		}
		return out
	}
	for _, tc := range []struct {
		limit int
		want  []string
	}{
		{1, []string{"public"}},
		{2, []string{"admin", "public"}},
		{4, []string{"a-clean", "admin", "old-runtime", "public"}},
		{5, []string{"a-clean", "admin", "b-clean", "old-runtime", "public"}},
	} {
		rows, left := rk.controlRows(cs, tc.limit)
		if got := names(rows); !slices.Equal(got, tc.want) || left != len(cs)-len(tc.want) {
			t.Errorf("limit %d: rows %v, %d left out; want %v, %d", tc.limit, got, left, tc.want, len(cs)-len(tc.want))
		}
	}
}

// TestHTMLGapRows: up to htmlGapRowsMax gaps every gap has its own row; past
// it the per-function gaps are folded (FoldGaps) and the account-wide ones
// keep a row each while they fit.
func TestHTMLGapRows(t *testing.T) {
	t.Parallel()
	few, _ := manyGaps(htmlGapRowsMax-3, 3)
	if g := gapSection(few.Gaps); len(g.Rows) != htmlGapRowsMax || g.Groups != nil || g.Causes != nil || g.Note != "" {
		t.Errorf("%d gaps: %d rows, %d groups, %d causes, note %q; want every gap in a row", len(few.Gaps), len(g.Rows), len(g.Groups), len(g.Causes), g.Note)
	}
	many, _ := manyGaps(htmlGapRowsMax, 3)
	g := gapSection(many.Gaps)
	if len(g.Rows) != 3 || len(g.Groups) != 20 || g.Causes != nil {
		t.Fatalf("%d gaps: %d rows, %d groups, %d causes; want the 3 account-wide gaps in rows and 20 groups", len(many.Gaps), len(g.Rows), len(g.Groups), len(g.Causes))
	}
	for _, row := range g.Rows {
		if GapBreadthOf(row) != BreadthAccount {
			t.Errorf("row %v is not an account-wide gap", row)
		}
	}
	covered := 0
	for _, gr := range g.Groups {
		covered += gr.Count
	}
	want := "The 1003 gaps are too many to list one per row, so they are folded; none is left out. " +
		"Gaps that leave whole organizations, accounts or regions unread (3) are listed one per row. " +
		"Gaps of single functions or identities (1000) take one row per account, region, call and cause (20 rows), with how many each covers and the first of them. " +
		"The JSON report lists every gap with its message."
	if covered != htmlGapRowsMax || g.Groups[0].Covers != "50 functions" || g.Note != want {
		t.Errorf("groups cover %d gaps, the first %q; note:\n%s\nwant:\n%s", covered, g.Groups[0].Covers, g.Note, want)
	}
}
