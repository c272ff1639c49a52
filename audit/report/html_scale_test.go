package report

import (
	"fmt"
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
