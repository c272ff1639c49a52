package audit

import (
	"sync"
	"time"
)

// ProgressInterval is the least time between two reports of a
// ProgressCounter: at most ten a second, enough for a display rewritten in
// place and few enough to cost nothing.
const ProgressInterval = 100 * time.Millisecond

// ProgressCounter keeps one collection run's Progress and reports it to a
// ProgressFunc. Reports are serialised (the func is called with the counter's
// lock held, so never concurrently and always in order), at most one per
// ProgressInterval; a change that arrives sooner is reported when the interval
// has passed, and Finish always sends the final report, with Done set. The
// counter prints nothing itself: the caller's ProgressFunc decides how to show
// progress.
//
// Methods on a nil *ProgressCounter do nothing, so a collector without a
// ProgressFunc needs no checks.
type ProgressCounter struct {
	fn       ProgressFunc
	interval time.Duration
	now      func() time.Time

	mu      sync.Mutex
	p       Progress
	last    time.Time // when the last report was sent; zero before the first
	pending bool      // a change not yet reported
	timer   *time.Timer
	done    bool
}

// NewProgressCounter returns a counter reporting provider's progress to fn,
// or nil when fn is nil.
func NewProgressCounter(provider Provider, fn ProgressFunc) *ProgressCounter {
	return newProgressCounter(provider, fn, ProgressInterval, time.Now)
}

func newProgressCounter(provider Provider, fn ProgressFunc, interval time.Duration, now func() time.Time) *ProgressCounter {
	if fn == nil {
		return nil
	}
	return &ProgressCounter{fn: fn, interval: interval, now: now, p: Progress{Provider: provider}}
}

// AddScopes records n more accounts, projects or subscriptions in scope.
func (c *ProgressCounter) AddScopes(n int) { c.add(func(p *Progress) { p.Scopes += n }) }

// AddScopesDone records n more scopes finished.
func (c *ProgressCounter) AddScopesDone(n int) { c.add(func(p *Progress) { p.ScopesDone += n }) }

// AddRegions records n more regions (account-regions, project-locations,
// subscription-locations) known.
func (c *ProgressCounter) AddRegions(n int) { c.add(func(p *Progress) { p.Regions += n }) }

// AddRegionsDone records n more regions finished.
func (c *ProgressCounter) AddRegionsDone(n int) { c.add(func(p *Progress) { p.RegionsDone += n }) }

// AddFunctions records n more functions listed.
func (c *ProgressCounter) AddFunctions(n int) { c.add(func(p *Progress) { p.Functions += n }) }

// Finish sends the final report, with Done set; later calls and updates do
// nothing.
func (c *ProgressCounter) Finish() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	c.done = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.p.Done = true
	c.report(c.now())
}

func (c *ProgressCounter) add(update func(*Progress)) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	update(&c.p)
	now := c.now()
	since := now.Sub(c.last)
	if c.last.IsZero() || since >= c.interval || since < 0 {
		c.report(now)
		return
	}
	c.pending = true
	if c.timer == nil {
		c.timer = time.AfterFunc(c.interval-since, c.flush)
	}
}

// flush reports a change that was held back by the interval.
func (c *ProgressCounter) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timer = nil
	if c.done || !c.pending {
		return
	}
	c.report(c.now())
}

// report sends the current counts; c.mu must be held.
func (c *ProgressCounter) report(now time.Time) {
	c.last = now
	c.pending = false
	c.fn(c.p)
}
