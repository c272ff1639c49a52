package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is a bytes.Buffer safe for the display's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// In CI (no terminal) the display prints one line per tick with every
// provider's counts and the elapsed time; the ticks come from the test.
func TestProgressLines(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	var out syncBuffer
	d := newDisplay(&out, false, clock.now)
	ticks := make(chan time.Time)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { d.run(ticks, stop); close(done) }()

	d.update(audit.Progress{Provider: audit.AWS})
	d.update(audit.Progress{Provider: audit.GCP})
	clock.add(30 * time.Second)
	ticks <- clock.now()

	// Providers report concurrently.
	var wg sync.WaitGroup
	for i := 1; i <= 10; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			d.update(audit.Progress{Provider: audit.AWS, Scopes: 10, ScopesDone: i - 1, Regions: 40, RegionsDone: 4 * i, Functions: 50 * i})
		}()
		go func() {
			defer wg.Done()
			d.update(audit.Progress{Provider: audit.Azure, Scopes: 3, ScopesDone: 1, Functions: 7})
		}()
	}
	wg.Wait()
	d.update(audit.Progress{Provider: audit.AWS, Scopes: 10, ScopesDone: 3, Regions: 40, RegionsDone: 12, Functions: 523})
	d.update(audit.Progress{Provider: audit.GCP, Scopes: 2, ScopesDone: 2, Regions: 5, RegionsDone: 5, Functions: 40, Done: true})
	clock.add(2 * time.Minute)
	ticks <- clock.now()
	close(stop)
	<-done
	d.close()

	want := "fnaudit: 30s elapsed; aws collecting; gcp collecting\n" +
		"fnaudit: 2m30s elapsed; aws 3/10 accounts, 12/40 regions, 523 functions; gcp done: 2/2 projects, 5/5 regions, 40 functions; azure 1/3 subscriptions, 7 functions\n"
	if got := out.String(); got != want {
		t.Errorf("progress lines:\n%s\nwant:\n%s", got, want)
	}
	d.update(audit.Progress{Provider: audit.AWS, Done: true})
	d.tick()
	if got := out.String(); got != want {
		t.Errorf("a closed display printed: %q", strings.TrimPrefix(got, want))
	}
}

// On a terminal the display rewrites one line, at most every ttyRedraw, and a
// provider's last report is always drawn.
func TestProgressTerminal(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	var out bytes.Buffer
	d := newDisplay(&out, true, clock.now)
	clock.add(time.Second)
	d.update(audit.Progress{Provider: audit.AWS, Scopes: 1, Functions: 1234})
	d.update(audit.Progress{Provider: audit.AWS, Scopes: 1, Functions: 1235}) // within ttyRedraw: not drawn
	clock.add(time.Second)
	d.update(audit.Progress{Provider: audit.AWS, Scopes: 1, Functions: 2})
	clock.add(time.Second)
	d.update(audit.Progress{Provider: audit.AWS, Scopes: 1, ScopesDone: 1, Functions: 3, Done: true}) // drawn at once
	d.close()
	want := "\rfnaudit: 1s elapsed; aws 0/1 accounts, 1234 functions" +
		"\rfnaudit: 2s elapsed; aws 0/1 accounts, 2 functions   " + // padded over the longer line
		"\rfnaudit: 3s elapsed; aws done: 1/1 accounts, 3 functions" +
		"\rfnaudit: 3s elapsed; aws done: 1/1 accounts, 3 functions\n"
	if got := out.String(); got != want {
		t.Errorf("terminal output:\n%q\nwant:\n%q", got, want)
	}
}

// The collection starts the CI display when stderr is not a terminal, and
// --quiet keeps it silent; a provider's end is reported to the display.
func TestProgressQuiet(t *testing.T) {
	setFactories(t, map[audit.Provider]collectorFactory{
		audit.GCP: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			if f.OnProgress != nil {
				t.Error("--quiet: the collectors were given a progress function")
			}
			return &fakeCollector{p: audit.GCP, inv: publicGCP}, nil
		},
	})
	r := runCmd(t, "", "scan", "--provider", "gcp", "--quiet", "--now", now)
	if r.code != 0 || r.stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestProgressFromCollectors: without --quiet the collectors get the display's
// update, and what they report is what the CI line shows, with the provider's
// counts kept when its collection ends.
func TestProgressFromCollectors(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	var out bytes.Buffer
	d := newDisplay(&out, false, clock.now)
	d.started(audit.GCP)
	d.update(audit.Progress{Provider: audit.GCP, Scopes: 2, ScopesDone: 1, Regions: 3, RegionsDone: 1, Functions: 17})
	d.finished(audit.GCP)
	clock.add(90 * time.Second)
	d.tick()
	if want := "fnaudit: 1m30s elapsed; gcp done: 1/2 projects, 1/3 regions, 17 functions\n"; out.String() != want {
		t.Errorf("CI line %q, want %q", out.String(), want)
	}

	var got audit.ProgressFunc
	setFactories(t, map[audit.Provider]collectorFactory{
		audit.GCP: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			got = f.OnProgress
			if f.OnProgress != nil {
				f.OnProgress(audit.Progress{Provider: audit.GCP, Scopes: 1, Functions: 3})
			}
			return &fakeCollector{p: audit.GCP, inv: publicGCP}, nil
		},
	})
	if r := runCmd(t, "", "scan", "--provider", "gcp", "--now", now); r.code != 0 {
		t.Errorf("scan: exit %d, stderr %q", r.code, r.stderr)
	}
	if got == nil {
		t.Error("the collector was given no progress function")
	}
}
