package main

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// The organization-scale cost and time model of docs/lambda.md
// ("Organization scale"). Prices are the public us-east-1 list prices as of
// 2026-12-04 (assumptions: check the current ones). The step times and the
// publish step's memory are measured (the benchmarks named below); the pace
// of a collect step is Lambda's documented GetPolicy quota.
const (
	priceTransition = 0.025 / 1000  // Step Functions Standard, per state transition
	priceGBSecond   = 0.0000133334  // Lambda arm64, per GB-second
	pricePut        = 0.005 / 1000  // S3 PUT, COPY, POST, LIST: per request
	priceGet        = 0.0004 / 1000 // S3 GET and the others: per request
	fnPerSecond     = 14.0          // functions per second in one account-region (15 GetPolicy/s, ~2 calls per function)
	stepOverhead    = 5.0           // seconds per collect step besides its functions: assume role, IAM, listings
	analyzePerFn    = 100e-6        // a collect step's analysis of its part (BenchmarkShardedPublish: 91-110 µs)
	collectGB       = 1.0           // AuditFunction's MemorySize: plan and collect steps
	planSeconds     = 10.0          // the plan step
	// partSize is the functions one collect step lists in a 900 s invocation
	// with the default 60 s margin (Handler.partFunctions).
	partSize = 6300
	// The publish step (BenchmarkPublishStep, 100,000 functions, 500 items,
	// 266,666 open findings, a baseline of the same size): 268 µs per
	// function on a 2-core machine (191 µs on a faster one), 8.9 KB per
	// function live at its peak. Both fall with size (400,000 functions:
	// 214 µs, 6.9 KB), so they bound larger organizations from above.
	publishBase    = 5.0
	publishPerFn   = 270e-6
	publishLivePer = 8877.0
	// getLatency is one S3 GET of an analysis from Lambda (an assumption);
	// publish reads publishReaders items' analyses at once.
	getLatency = 0.03
	// reportPerFn is the JSON report's bytes per function
	// (BenchmarkShardedPublish), streamed in reportPartSize parts.
	reportPerFn = 4743.0
	// memoryLimitShare is the Go soft memory limit's share of the function's
	// memory (memoryLimit).
	memoryLimitShare = 0.9
	lambdaMaxMB      = 10240
	publishDefaultMB = 8192 // PublishMemorySize's default (template.yaml)
	// lambdaConcurrency is the account's concurrent executions quota
	// (default 1,000, shared with every other function of the account and
	// region): the Map runs no more children than it leaves free.
	lambdaConcurrency = 1000
)

type scaleRun struct {
	accounts, regions, functions, maxConcurrency int

	items, parts, steps         int // work items, parts per item, collect steps in all
	transitions                 int
	publishSeconds              float64
	publishLiveGB               float64 // the publish step's live heap at its peak
	publishMB                   int     // PublishMemorySize for it: the default, or more when that does not fit
	fits                        bool    // publish fits 900 s and Lambda's largest memory
	gbSeconds, puts, gets       float64
	wallSeconds                 float64
	costSFN, costLambda, costS3 float64
}

// model computes one run: every account has regions enabled regions with
// functions functions each; at most maxConcurrency collect steps run at once
// and no more than the account's Lambda concurrency.
func model(accounts, regions, functions, maxConcurrency int) scaleRun {
	r := scaleRun{accounts: accounts, regions: regions, functions: functions, maxConcurrency: maxConcurrency}
	r.items = accounts * regions
	r.parts = max(1, (functions+partSize-1)/partSize)
	r.steps = r.items * r.parts
	// Parent: Plan, Collect, Publish; each child: CollectItem, MoreToCollect,
	// Collected, and Continue, CollectItem, MoreToCollect per continuation.
	r.transitions = 3 + r.items*3*r.parts
	item := float64(r.parts)*stepOverhead + float64(functions)*(1/fnPerSecond+analyzePerFn)
	total := float64(r.items * functions)

	// Publish: read every step's analysis, merge, compare, write the reports.
	r.publishSeconds = publishBase + total*publishPerFn + float64(r.steps)*getLatency/publishReaders
	live := total * publishLivePer
	r.publishLiveGB = live / (1 << 30)
	r.publishMB = publishDefaultMB
	if need := int(math.Ceil(live / memoryLimitShare / (1 << 20))); need > r.publishMB {
		r.publishMB = min(lambdaMaxMB, (need+1023)/1024*1024)
	}
	r.fits = r.publishSeconds <= 900 && live <= memoryLimitShare*float64(r.publishMB)*(1<<20)

	r.gbSeconds = collectGB*(planSeconds+float64(r.items)*item) + float64(r.publishMB)/1024*r.publishSeconds
	// PUT: items.json and organization.json; a partial and an analysis per
	// step; the Map's result files (about 3); the JSON report's multipart
	// upload (create, parts, complete); the HTML report; the state pointer.
	reportParts := math.Ceil(total * reportPerFn / reportPartSize)
	r.puts = 2 + 2*float64(r.steps) + 3 + (2 + max(1, reportParts)) + 1 + 1
	// GET: items.json by the ItemReader and by publish; organization.json
	// and an analysis per step; the state pointer and the previous report.
	r.gets = 2 + 2*float64(r.steps) + 2
	r.wallSeconds = runWall(planSeconds, slices.Repeat([]float64{item}, r.items), min(maxConcurrency, lambdaConcurrency), r.publishSeconds)
	r.costSFN = float64(r.transitions) * priceTransition
	r.costLambda = r.gbSeconds * priceGBSecond
	r.costS3 = r.puts*pricePut + r.gets*priceGet
	return r
}

// runWall is a run's wall time: the plan step, then the Distributed Map over
// the items, then the publish step. itemSeconds[i] is the time of item i's
// collect steps (one after another when the item continues).
func runWall(plan float64, itemSeconds []float64, maxConcurrency int, publish float64) float64 {
	return plan + mapWall(itemSeconds, maxConcurrency) + publish
}

// mapWall is the time the Map takes when at most maxConcurrency children run
// at once and each next item starts, in order, as soon as a child finishes.
// With n items of equal time t it is ceil(n/maxConcurrency) waves of t.
func mapWall(itemSeconds []float64, maxConcurrency int) float64 {
	slots := make([]float64, max(1, min(maxConcurrency, len(itemSeconds))))
	for _, d := range itemSeconds {
		i := 0 // the child that finishes first takes the next item
		for j, end := range slots {
			if end < slots[i] {
				i = j
			}
		}
		slots[i] += d
	}
	return slices.Max(slots)
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

func TestMapWall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		items       []float64
		concurrency int
		want        float64
	}{
		{nil, 4, 0},
		{[]float64{3}, 1, 3},
		{[]float64{2, 2, 2, 2, 2}, 2, 6},      // ceil(5/2) = 3 waves of 2 s
		{[]float64{2, 2, 2, 2, 2}, 5, 2},      // one wave
		{[]float64{2, 2, 2, 2, 2}, 100, 2},    // more children allowed than items
		{[]float64{1, 2, 3, 4}, 1, 10},        // one at a time: the sum
		{[]float64{5, 1, 1, 1}, 2, 5},         // the short items fit beside the long one
		{[]float64{1, 1, 1, 5}, 2, 6},         // the long item starts last
		{[]float64{0.5, 0.5, 3, 0.5}, 0, 4.5}, // no concurrency given: one at a time
	} {
		if got := mapWall(tc.items, tc.concurrency); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("mapWall(%v, %d) = %v, want %v", tc.items, tc.concurrency, got, tc.want)
		}
	}
	// The waves rule, for the sizes of the docs' table.
	for _, n := range []int{1, 39, 40, 41, 400, 4000} {
		if got, want := mapWall(slices.Repeat([]float64{19.5}, n), 40), math.Ceil(float64(n)/40)*19.5; math.Abs(got-want) > 1e-6 {
			t.Errorf("%d items of 19.5 s at 40: %v, want %v", n, got, want)
		}
	}
	if got := runWall(10, []float64{4, 4, 4}, 2, 30); got != 48 {
		t.Errorf("runWall = %v, want 48", got)
	}
}

func (r scaleRun) String() string {
	fit := "fits"
	if !r.fits {
		fit = "DOES NOT FIT one invocation"
	}
	return fmt.Sprintf("%5d accounts x %d regions x %d functions (%6d items, %d part(s), MaxConcurrency %d): wall %6.0f s; "+
		"publish %4.0f s, %5.1f GB live, PublishMemorySize %d: %s; "+
		"%6d transitions $%.2f + %8.0f GB-s $%.2f + %6.0f PUT %6.0f GET $%.3f = $%.2f",
		r.accounts, r.regions, r.functions, r.items, r.parts, r.maxConcurrency, r.wallSeconds,
		r.publishSeconds, r.publishLiveGB, r.publishMB, fit,
		r.transitions, r.costSFN, r.gbSeconds, r.costLambda, r.puts, r.gets, r.costS3, r.costSFN+r.costLambda+r.costS3)
}

// TestScaleModel prints the table of docs/lambda.md and checks its
// arithmetic on the 1,000-account row.
func TestScaleModel(t *testing.T) {
	t.Parallel()
	for _, a := range []int{100, 1000, 5000} {
		t.Log(model(a, 4, 200, 40))
	}
	t.Log(model(1000, 4, 200, 200))
	// 5,000 accounts as four stacks, one region each (Regions).
	t.Log("one of four stacks:", model(5000, 1, 200, 40))
	t.Log(model(1, 1, 50000, 40)) // one account-region of 50,000 functions
	r := model(1000, 4, 200, 40)
	// 800,000 functions x 4,743 B = 3,619 MiB of report: 453 parts of 8 MiB.
	if r.items != 4000 || r.parts != 1 || r.transitions != 12003 || r.puts != 8000+2+3+(2+453)+2 || r.gets != 8004 {
		t.Errorf("counts %+v", r)
	}
	// 200 x (1/14 s + 100 µs) + 5 s per item, 100 waves; publish 5 s +
	// 800,000 x 270 µs + 4,000 GETs of 30 ms over 16 readers.
	item := 200*(1/14.0+100e-6) + 5
	publish := 5 + 800000*270e-6 + 4000*0.03/16
	if want := 10 + 100*item + publish; math.Abs(r.wallSeconds-want) > 1e-6 {
		t.Errorf("wall %f, want %f", r.wallSeconds, want)
	}
	// 800,000 x 8,877 B = 6.61 GiB live needs 7,526 MB at the 90% soft
	// limit: PublishMemorySize 8,192, under Lambda's 10,240.
	if r.publishMB != 8192 || !r.fits {
		t.Errorf("publish %d MB, fits %v", r.publishMB, r.fits)
	}
	if want := 1*(10+4000*item) + 8*publish; math.Abs(r.gbSeconds-want) > 1e-6 {
		t.Errorf("GB-s %f, want %f", r.gbSeconds, want)
	}
	if math.Abs(r.costSFN-0.300075) > 1e-9 {
		t.Errorf("step functions $%f", r.costSFN)
	}
	// 5,000 accounts (4 million functions) do not fit one publish step.
	if r := model(5000, 4, 200, 40); r.fits || r.publishMB != lambdaMaxMB {
		t.Errorf("5,000 accounts: publish %d MB, fits %v", r.publishMB, r.fits)
	}
	// One region of them (a stack per region) fits, at Lambda's largest memory.
	if r := model(5000, 1, 200, 40); !r.fits || r.publishMB != lambdaMaxMB {
		t.Errorf("5,000 accounts, one region: publish %d MB, fits %v", r.publishMB, r.fits)
	}
	// 50,000 functions in one account-region: 8 parts, one after another.
	if r := model(1, 1, 50000, 40); r.parts != 8 || r.transitions != 3+24 || !r.fits {
		t.Errorf("50,000 functions: %+v", r)
	}
}
