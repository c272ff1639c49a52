package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// BenchmarkPublishStep runs the organization-scale publish step as the
// function runs it, through the handler and the real S3 and SNS clients
// against the local AWS server: the plan's items and every item's analysis
// (one account of memEstate, 200 functions, per item) are in the bucket, and
// a previous run of the same estate left its report as the baseline. The
// step reads and merges the analyses, reads the baseline, compares, streams
// the JSON report to a multipart upload, writes the HTML report and the
// state pointer and publishes the digest. It runs the step twice: with the
// collector at 10% heap growth, so the peak heap is close to what the step
// keeps live (what must fit the function's memory), and at Go's default 100%
// for the time and the peak with garbage. Peaks are above the heap before the
// step, less the bytes the local S3 server keeps of the objects the step
// wrote (a real bucket keeps them elsewhere). The local server's own request
// handling shares the heap, so the peaks are upper bounds. Run it once:
//
//	go test ./lambda/ -run '^$' -bench PublishStep -benchtime 1x
//
// FNAUDIT_BENCH_FUNCTIONS=400000 runs it at other sizes (comma-separated);
// FNAUDIT_BENCH_LIVE_ONLY=1 measures only the live peak, for sizes whose
// garbage at Go's default heap growth would not fit this machine.
func BenchmarkPublishStep(b *testing.B) {
	for _, n := range benchSizes(b, 10000, 100000) {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				benchPublishStep(b, n)
			}
		})
	}
}

func benchPublishStep(b *testing.B, n int) {
	const perItem = 200
	const bucket, execution = "acme-fnaudit", "bench"
	hs := newHarness(b, env{envReportBucket: bucket}, nil)
	day := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	hs.h.now = func() time.Time { return day }
	ctx := context.Background()

	// The collect steps' output: one analysis per item.
	var items []WorkItem
	for first := 0; first < n; first += perItem {
		inv := memEstateSlice(first, perItem, n)
		it := WorkItem{Provider: audit.AWS, Account: inv.Functions[0].Account, Region: "us-east-1"}
		req := ScaleRequest{Mode: modeCollect, Execution: execution, Item: &it, StartTime: day.Format(time.RFC3339)}
		data, err := json.Marshal(hs.h.newPartAnalysis(req, inv, ""))
		if err != nil {
			b.Fatal(err)
		}
		hs.srv.S3().PutObject(bucket, analysisKey(execution, it, 0), data)
		items = append(items, it)
	}
	data, err := json.Marshal(items)
	if err != nil {
		b.Fatal(err)
	}
	hs.srv.S3().PutObject(bucket, itemsKey(execution), data)

	publish := func(at time.Time) *Result {
		ev, _ := json.Marshal(map[string]any{"fnaudit": map[string]any{"mode": modePublish, "execution": execution,
			"startTime": at.Format(time.RFC3339)}})
		res, err := hs.invoke(b, ctx, ev)
		if err != nil {
			b.Fatal(err)
		}
		if res.Functions != n || res.Gaps != 0 {
			b.Fatalf("publish: %d functions, %d gaps; want %d, 0", res.Functions, res.Gaps, n)
		}
		return res
	}
	// The previous day's run: its report is this run's baseline. With
	// FNAUDIT_BENCH_LIVE_ONLY set (an organization too large for this
	// machine's memory at Go's default heap growth) it runs at 10% too, and
	// the step is measured only there.
	liveOnly := os.Getenv("FNAUDIT_BENCH_LIVE_ONLY") != ""
	if liveOnly {
		defer debug.SetGCPercent(debug.SetGCPercent(10))
	}
	publish(day.Add(-24 * time.Hour))

	stored := func() int {
		var sum int
		for _, k := range hs.srv.S3().Keys(bucket) {
			o, _ := hs.srv.S3().Object(bucket, k)
			sum += len(o)
		}
		return sum
	}
	measure := func(gcPercent int, at time.Time) (peak uint64, took time.Duration, res *Result) {
		old := debug.SetGCPercent(gcPercent)
		defer debug.SetGCPercent(old)
		before := stored()
		m0 := memStats().HeapAlloc
		sampler := startHeapSampler()
		start := time.Now()
		res = publish(at)
		took = time.Since(start)
		p := sampler.Stop()
		return p - min(p, m0+uint64(stored()-before)), took, res
	}
	perFn := func(v uint64) float64 { return float64(v) / float64(n) }
	live, liveTook, res := measure(10, day)
	if res.New != 0 || res.Open == 0 {
		b.Fatalf("the same estate a day later: %d new, %d open", res.New, res.Open)
	}
	b.ReportMetric(perFn(live), "live-peak-B/function")
	b.ReportMetric(float64(len(items)), "items")
	if liveOnly {
		b.ReportMetric(liveTook.Seconds(), "publish-at-GOGC=10-s")
		b.Logf("%d functions in %d items, %d open findings: publish %.1f s at GOGC=10; peak heap above the step's start %.0f MB",
			n, len(items), res.Open, liveTook.Seconds(), float64(live)/1e6)
		return
	}
	peak, took, _ := measure(100, day.Add(24*time.Hour))
	b.ReportMetric(perFn(peak), "peak-B/function")
	b.ReportMetric(took.Seconds(), "publish-s")
	b.ReportMetric(float64(took.Microseconds())/float64(n), "publish-µs/function")
	b.Logf("%d functions in %d items, %d open findings: publish %.1f s; peak heap above the step's start %.0f MB at GOGC=10, %.0f MB at GOGC=100",
		n, len(items), res.Open, took.Seconds(), float64(live)/1e6, float64(peak)/1e6)
	runtime.KeepAlive(slices.Clip(items))
}

// benchSizes is the estate sizes a benchmark runs: FNAUDIT_BENCH_FUNCTIONS
// (comma-separated function counts, multiples of 200) or def.
func benchSizes(b *testing.B, def ...int) []int {
	v := os.Getenv("FNAUDIT_BENCH_FUNCTIONS")
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || n%200 != 0 {
			b.Fatalf("FNAUDIT_BENCH_FUNCTIONS: %q is not a positive multiple of 200", f)
		}
		out = append(out, n)
	}
	return out
}
