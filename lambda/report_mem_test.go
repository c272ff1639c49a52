package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// BenchmarkReportStreamMemory measures what writing the JSON report and
// reading it back as the next run's baseline add to the publish step's heap,
// streamed (writeReport's multipart upload, loadBaseline's token decoder)
// and the whole-buffer way they worked before (the report rendered into one
// buffer and sent with one PutObject; the baseline read whole and
// unmarshalled), against the local S3 through the real client. Each peak is
// the largest heap seen (runtime/metrics, heapSampler in scale_mem_test.go)
// above the heap before the step, less the bytes the local S3 keeps of the
// stored object (a real bucket keeps them elsewhere). Run it once:
//
//	go test ./lambda/ -run '^$' -bench ReportStreamMemory -benchtime 1x
func BenchmarkReportStreamMemory(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				benchReportStreamMemory(b, n)
			}
		})
	}
}

// memReport is the report the publish step writes for memEstate(n); the
// inventory is garbage once it returns.
//
//go:noinline
func memReport(n int) *audit.Report {
	inv := memEstate(n)
	r := audit.Analyze(inv, rules.All(), audit.Config{Now: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	r.Control = control.Summaries(inv)
	return r
}

func benchReportStreamMemory(b *testing.B, n int) {
	r := memReport(n)
	srv := awstest.NewServer()
	defer srv.Close()
	srv.AddAccount(securityID)
	srv.S3().CreateBucket("acme-fnaudit", securityID)
	awsCfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(srv.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(srv.AccessKey(securityID), "secret", "")),
		config.WithRetryMaxAttempts(1))
	if err != nil {
		b.Fatal(err)
	}
	h := &Handler{cfg: Config{ReportBucket: "acme-fnaudit"}, s3: s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true }),
		owner: securityID}
	ctx := context.Background()
	perFn := func(v uint64) float64 { return float64(v) / float64(n) }
	// measure runs step twice and returns its peak heap above the heap
	// before it, less stored bytes: first with the collector running at
	// 10% heap growth, so the peak is close to what the step keeps live,
	// then at Go's default 100%, where garbage may grow to the size of the
	// live heap (the report) before a collection.
	measure := func(stored func() int, step func()) (live, dflt uint64) {
		run := func(gcPercent int) uint64 {
			old := debug.SetGCPercent(gcPercent)
			defer debug.SetGCPercent(old)
			before := memStats().HeapAlloc
			sampler := startHeapSampler()
			step()
			peak := sampler.Stop()
			return peak - min(peak, before+uint64(stored()))
		}
		return run(10), run(100)
	}

	// (a) streamed: writeReport.
	var key string
	var size int
	storedSize := func() int {
		// Object joins the parts into one slice, after the sampler stopped;
		// the slice is garbage at once.
		data, _ := srv.S3().Object("acme-fnaudit", key)
		size = len(data)
		return size
	}
	peakWrite, peakWriteGC := measure(storedSize, func() {
		var err error
		if _, key, err = h.writeReport(ctx, r, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(size)/float64(n), "report-json-B/function")
	b.ReportMetric(float64((size+reportPartSize-1)/reportPartSize), "parts")

	// (b) whole buffer: the render in one buffer, one PutObject.
	oldKey := reportKeyPrefix + "old.json"
	peakWriteOld, peakWriteOldGC := measure(func() int { return size }, func() {
		var buf bytes.Buffer
		if err := report.Render(&buf, report.JSON, r, report.Options{}); err != nil {
			b.Fatal(err)
		}
		if _, err := h.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-fnaudit"), Key: aws.String(oldKey),
			Body: bytes.NewReader(buf.Bytes()), ContentType: aws.String("application/json"), ExpectedBucketOwner: aws.String(securityID)}); err != nil {
			b.Fatal(err)
		}
	})

	// (c) streamed: loadBaseline of the report (a) wrote.
	scope := h.configuredScope()
	ptr, _ := json.Marshal(statePointer{Schema: stateSchema, Report: key, Scope: scopeKey(scope)})
	srv.S3().PutObject("acme-fnaudit", stateKey, ptr)
	var prev *audit.Report
	peakRead, peakReadGC := measure(func() int { return 0 }, func() {
		var warning string
		if prev, warning = h.loadBaseline(ctx, scope); prev == nil {
			b.Fatalf("loadBaseline: %s", warning)
		}
	})
	if len(prev.Findings) != len(r.Findings) {
		b.Fatalf("baseline has %d findings, want %d", len(prev.Findings), len(r.Findings))
	}
	// What the streamed baseline keeps: the heap with it, less without.
	with := memStats().HeapAlloc
	runtime.KeepAlive(prev)
	prev = nil
	retained := with - min(with, memStats().HeapAlloc)

	// (d) whole read: the object in one slice, unmarshalled.
	peakReadOld, peakReadOldGC := measure(func() int { return 0 }, func() {
		data, err := h.getObject(ctx, s3Location{"acme-fnaudit", key}, securityID, reportMaxBytes)
		if err != nil {
			b.Fatal(err)
		}
		var old audit.Report
		if err := json.Unmarshal(data, &old); err != nil {
			b.Fatal(err)
		}
		runtime.KeepAlive(old)
	})

	b.ReportMetric(perFn(peakWrite), "write-stream-peak-B/function")
	b.ReportMetric(perFn(peakWriteOld), "write-whole-peak-B/function")
	b.ReportMetric(perFn(peakRead), "baseline-stream-peak-B/function")
	b.ReportMetric(perFn(peakReadOld), "baseline-whole-peak-B/function")
	b.ReportMetric(perFn(retained), "baseline-kept-B/function")
	b.ReportMetric(float64(len(r.Findings)), "findings")
	mb := func(v uint64) float64 { return float64(v) / 1e6 }
	b.Logf("%d functions, %d findings, report %.1f MB; peak above the step's start, MB, GOGC=10 (GOGC=100):", n, len(r.Findings), float64(size)/1e6)
	b.Logf("write report: streamed %.1f (%.1f), whole buffer %.1f (%.1f)", mb(peakWrite), mb(peakWriteGC), mb(peakWriteOld), mb(peakWriteOldGC))
	b.Logf("read baseline: streamed %.1f (%.1f), whole %.1f (%.1f); the streamed baseline keeps %.1f", mb(peakRead), mb(peakReadGC),
		mb(peakReadOld), mb(peakReadOldGC), mb(retained))
	runtime.KeepAlive(r)
}
