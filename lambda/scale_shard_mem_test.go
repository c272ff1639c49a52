package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
)

// BenchmarkShardedPublish measures the organization-scale run as it is now
// split: each collect step analyzes its own part (200 functions, one
// account-region of memEstate) and writes its analysis; publish reads the
// analyses one at a time, merges them and renders the JSON report. Per
// function: the collect step's analysis time and allocation, the analysis
// object's bytes, the merged report publish keeps, its peak heap, and the
// render's peak and the report's size; the HTML report's time, size and
// peak. The analyses are written to files, not held, so the heap is
// publish's alone. Run it once:
//
//	go test ./lambda/ -run '^$' -bench ShardedPublish -benchtime 1x
func BenchmarkShardedPublish(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				benchShardedPublish(b, n)
			}
		})
	}
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

func benchShardedPublish(b *testing.B, n int) {
	const perPart = 200
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	h := &Handler{rules: rules.All(), now: func() time.Time { return now }}
	dir := b.TempDir()
	perFn := func(v uint64) float64 { return float64(v) / float64(n) }

	// The collect steps: analyze each part, write its analysis.
	var files []string
	var analysisBytes int
	var analyzeTime time.Duration
	var analyzeAlloc uint64
	for first := 0; first < n; first += perPart {
		inv := memEstateSlice(first, perPart, n)
		it := WorkItem{Provider: audit.AWS, Account: inv.Functions[0].Account, Region: "us-east-1"}
		req := ScaleRequest{Mode: modeCollect, Execution: "bench", Item: &it, StartTime: now.Format(time.RFC3339)}
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		a := h.newPartAnalysis(req, inv, "")
		analyzeTime += time.Since(start)
		runtime.ReadMemStats(&m1)
		analyzeAlloc += m1.TotalAlloc - m0.TotalAlloc
		data, err := json.Marshal(a)
		if err != nil {
			b.Fatal(err)
		}
		analysisBytes += len(data)
		f := filepath.Join(dir, fmt.Sprintf("%d.json", first))
		if err := os.WriteFile(f, data, 0o600); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	b.ReportMetric(float64(analyzeTime.Microseconds())/float64(n), "collect-analyze-µs/function")
	b.ReportMetric(perFn(analyzeAlloc), "collect-analyze-alloc-B/function")
	b.ReportMetric(perFn(uint64(analysisBytes)), "analysis-json-B/function")

	// Publish: read and merge the analyses one at a time.
	m0 := memStats()
	sampler := startHeapSampler()
	mergeStart := time.Now()
	sm := newShardMerge(now)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var a partAnalysis
		if err := json.Unmarshal(data, &a); err != nil {
			b.Fatal(err)
		}
		sm.add(&a)
	}
	if cs := sm.corrections(); len(cs) != 0 {
		b.Fatalf("corrections %v in an estate without crossing doors", cs)
	}
	r := sm.m.Report()
	mergeTime := time.Since(mergeStart)
	peakMerge := sampler.Stop()
	m1 := memStats()
	b.ReportMetric(perFn(m1.HeapAlloc-min(m1.HeapAlloc, m0.HeapAlloc)), "merged-report-B/function")
	b.ReportMetric(perFn(peakMerge-min(peakMerge, m0.HeapAlloc)), "merge-peak-B/function")
	b.ReportMetric(float64(mergeTime.Microseconds())/float64(n), "merge-µs/function")

	// The JSON report, rendered as writeReport streams it.
	sampler = startHeapSampler()
	var jsonBytes countingWriter
	if err := report.Render(&jsonBytes, report.JSON, r, report.Options{}); err != nil {
		b.Fatal(err)
	}
	peakJSON := sampler.Stop()
	b.ReportMetric(perFn(peakJSON-min(peakJSON, m0.HeapAlloc)), "render-peak-B/function")
	b.ReportMetric(perFn(uint64(jsonBytes)), "report-json-B/function")

	// The HTML report (bounded: the highest-ranked functions only).
	sampler = startHeapSampler()
	htmlStart := time.Now()
	var htmlBytes countingWriter
	if err := report.Render(&htmlBytes, report.HTML, r, report.Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(htmlStart).Seconds(), "html-s")
	b.ReportMetric(float64(htmlBytes)/1e6, "html-MB")
	peakHTML := sampler.Stop()
	b.ReportMetric(float64(peakHTML-min(peakHTML, m0.HeapAlloc))/1e6, "html-peak-MB")
	b.ReportMetric(float64(len(r.Findings)), "findings")
	if r.Scope.Functions != n || len(r.Control) != n {
		b.Fatalf("merged %d functions, %d control summaries; want %d", r.Scope.Functions, len(r.Control), n)
	}
	runtime.KeepAlive(r)
}
