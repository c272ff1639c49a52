package audit

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder is a ProgressFunc that keeps every report.
type recorder struct {
	mu      sync.Mutex
	reports []Progress
	ch      chan Progress
}

func (r *recorder) fn(p Progress) {
	r.mu.Lock()
	r.reports = append(r.reports, p)
	r.mu.Unlock()
	if r.ch != nil {
		r.ch <- p
	}
}

func (r *recorder) all() []Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Progress(nil), r.reports...)
}

func TestProgressCounterNil(t *testing.T) {
	t.Parallel()
	c := NewProgressCounter(AWS, nil)
	if c != nil {
		t.Fatal("a counter without a func is not nil")
	}
	c.AddScopes(1) // no panic
	c.AddFunctions(3)
	c.Finish()
}

// TestProgressCounterThrottles drives the counter with a clock the test
// moves: changes within the interval wait, later ones are reported, and Finish
// always reports the totals.
func TestProgressCounterThrottles(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	var rec recorder
	// An interval of an hour: the held-back flush never fires during the test.
	c := newProgressCounter(GCP, rec.fn, time.Hour, func() time.Time { return clock })
	c.AddScopes(2)                 // the first change is reported at once
	c.AddRegions(3)                // held back
	c.AddFunctions(5)              // held back
	clock = clock.Add(time.Hour)   // the interval has passed
	c.AddScopesDone(1)             // reported, with everything before it
	c.AddRegionsDone(3)            // held back
	clock = clock.Add(time.Minute) // still within the interval
	c.Finish()                     // always reported
	c.AddFunctions(1)              // after Finish: ignored
	c.Finish()
	want := []Progress{
		{Provider: GCP, Scopes: 2},
		{Provider: GCP, Scopes: 2, ScopesDone: 1, Regions: 3, Functions: 5},
		{Provider: GCP, Scopes: 2, ScopesDone: 1, Regions: 3, RegionsDone: 3, Functions: 5, Done: true},
	}
	if diff := cmp.Diff(want, rec.all()); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
}

// TestProgressCounterFlushesHeldChange: a change held back by the interval is
// reported once the interval has passed, without another change to carry it.
func TestProgressCounterFlushesHeldChange(t *testing.T) {
	t.Parallel()
	rec := recorder{ch: make(chan Progress, 10)}
	c := newProgressCounter(Azure, rec.fn, time.Millisecond, time.Now)
	c.AddFunctions(1)
	c.AddFunctions(1) // reported at once or by the timer, depending on the machine's speed
	for p := range rec.ch {
		if p.Functions == 2 {
			break
		}
	}
	c.Finish()
	if got := rec.all(); !got[len(got)-1].Done || got[len(got)-1].Functions != 2 {
		t.Errorf("reports %+v", got)
	}
}

// TestProgressCounterConcurrent: updates from many goroutines are reported one
// at a time, counts never go down, and the final report has the totals.
func TestProgressCounterConcurrent(t *testing.T) {
	t.Parallel()
	var inside atomic.Int32
	var mu sync.Mutex
	var reports []Progress
	fn := func(p Progress) {
		if inside.Add(1) != 1 {
			t.Error("reports overlapped")
		}
		mu.Lock()
		reports = append(reports, p)
		mu.Unlock()
		inside.Add(-1)
	}
	c := newProgressCounter(AWS, fn, 0, time.Now) // no throttling: every change reported
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.AddRegions(1)
			for j := 0; j < 50; j++ {
				c.AddFunctions(1)
			}
			c.AddRegionsDone(1)
		}()
	}
	wg.Wait()
	c.Finish()
	for i := 1; i < len(reports); i++ {
		if reports[i].Functions < reports[i-1].Functions || reports[i].RegionsDone < reports[i-1].RegionsDone {
			t.Fatalf("report %d went backwards: %+v after %+v", i, reports[i], reports[i-1])
		}
	}
	last := reports[len(reports)-1]
	if want := (Progress{Provider: AWS, Regions: 8, RegionsDone: 8, Functions: 400, Done: true}); last != want {
		t.Errorf("final report %+v, want %+v", last, want)
	}
}
