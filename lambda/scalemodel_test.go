package main

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// The organization-scale cost and time model of docs/lambda.md
// ("Organization scale"). Prices are the public us-east-1 list prices as of
// 2026-12-04 (assumptions: check the current ones).
const (
	priceTransition = 0.025 / 1000     // Step Functions Standard, per state transition
	priceGBSecond   = 0.0000133334     // Lambda arm64, per GB-second
	pricePut        = 0.005 / 1000     // S3 PUT, per request
	priceGet        = 0.0004 / 1000    // S3 GET, per request
	fnPerSecond     = 14.0             // functions per second in one account-region (15 GetPolicy/s, ~2 calls per function)
	itemOverhead    = 5.0              // seconds per collect step besides the functions: assume role, IAM, listings
	memoryGB        = 4.0              // the function's MemorySize at Scale=organization
	planSeconds     = 10.0             // the plan step
	publishPerFn    = 900.0 / 100000.0 // publish: assumed linear, 900 s (the cap) at 100,000 functions
)

type scaleRun struct {
	accounts, regions, functions, maxConcurrency int

	items                       int
	transitions                 int
	gbSeconds, puts, gets       float64
	wallSeconds                 float64
	costSFN, costLambda, costS3 float64
}

// model computes one run: every account has regions enabled regions with
// functions functions each; at most maxConcurrency collect steps run at once
// (the Lambda concurrency available must be at least that).
func model(accounts, regions, functions, maxConcurrency int) scaleRun {
	r := scaleRun{accounts: accounts, regions: regions, functions: functions, maxConcurrency: maxConcurrency}
	r.items = accounts * regions
	// Parent: Plan, Collect, Publish; each child: CollectItem, MoreToCollect,
	// Collected (a continuation adds three more).
	r.transitions = 3 + 3*r.items
	item := float64(functions)/fnPerSecond + itemOverhead
	total := float64(r.items * functions)
	publish := math.Min(900, 30+total*publishPerFn)
	r.gbSeconds = memoryGB * (planSeconds + float64(r.items)*item + publish)
	// PUT: items, one partial per item, the Map's result files (about 3),
	// JSON and HTML reports, state pointer. GET: items (ItemReader and
	// publish), every partial, the pointer and the previous report.
	r.puts = float64(r.items) + 1 + 3 + 3
	r.gets = float64(r.items) + 2 + 2
	r.wallSeconds = runWall(planSeconds, slices.Repeat([]float64{item}, r.items), maxConcurrency, publish)
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
	return fmt.Sprintf("%5d accounts x %d regions x %d functions (%6d items, MaxConcurrency %d): wall %6.0f s; "+
		"%6d transitions $%.2f + %7.0f GB-s $%.2f + S3 $%.3f = $%.2f",
		r.accounts, r.regions, r.functions, r.items, r.maxConcurrency, r.wallSeconds,
		r.transitions, r.costSFN, r.gbSeconds, r.costLambda, r.costS3, r.costSFN+r.costLambda+r.costS3)
}

// TestScaleModel prints the table of docs/lambda.md and checks its
// arithmetic on the 1,000-account row.
func TestScaleModel(t *testing.T) {
	t.Parallel()
	for _, a := range []int{100, 1000, 5000} {
		t.Log(model(a, 4, 200, 40))
	}
	r := model(1000, 4, 200, 40)
	if r.items != 4000 || r.transitions != 12003 || r.puts != 4007 || r.gets != 4004 {
		t.Errorf("counts %+v", r)
	}
	// 200/14 + 5 = 19.29 s per item; 100 waves; publish 30 + 800,000 x 0.009 capped at 900.
	if want := 10 + 100*(200.0/14+5) + 900; math.Abs(r.wallSeconds-want) > 1e-6 {
		t.Errorf("wall %f, want %f", r.wallSeconds, want)
	}
	if math.Abs(r.costSFN-0.300075) > 1e-9 {
		t.Errorf("step functions $%f", r.costSFN)
	}
}
