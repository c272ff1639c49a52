package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// progressInterval is how often a collection prints a progress line when
// stderr is not a terminal (CI logs).
const progressInterval = 30 * time.Second

// ttyRedraw bounds how often the terminal line is rewritten.
const ttyRedraw = 100 * time.Millisecond

// display is the one progress display of a collection, shared by every
// provider: fed audit.Progress values through update (from any goroutine), it
// rewrites one line on a terminal, or prints a line each time tick is called
// (every progressInterval, see every) when stderr is a log.
type display struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	now   func() time.Time
	start time.Time

	order    []audit.Provider
	state    map[audit.Provider]audit.Progress
	lastDraw time.Time
	drawn    int // width of the terminal line last drawn
	closed   bool
}

func newDisplay(w io.Writer, tty bool, now func() time.Time) *display {
	return &display{w: w, tty: tty, now: now, start: now(), state: map[audit.Provider]audit.Progress{}}
}

// update records a provider's progress. On a terminal it redraws the line, at
// most every ttyRedraw unless the provider is done. Safe for concurrent use.
func (d *display) update(p audit.Progress) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	if _, ok := d.state[p.Provider]; !ok {
		d.order = append(d.order, p.Provider)
	}
	d.state[p.Provider] = p
	if !d.tty {
		return
	}
	if t := d.now(); p.Done || t.Sub(d.lastDraw) >= ttyRedraw {
		d.lastDraw = t
		d.drawLocked()
	}
}

// started records that a provider's collection began, keeping any counts it
// already reported.
func (d *display) started(p audit.Provider) {
	d.mu.Lock()
	_, ok := d.state[p]
	d.mu.Unlock()
	if !ok {
		d.update(audit.Progress{Provider: p})
	}
}

// finished marks a provider's collection as ended, keeping its last counts
// (the collector's own final report may already have said so).
func (d *display) finished(p audit.Provider) {
	d.mu.Lock()
	s := d.state[p]
	d.mu.Unlock()
	s.Provider, s.Done = p, true
	d.update(s)
}

// tick prints the current state as one line (the CI form).
func (d *display) tick() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || len(d.order) == 0 {
		return
	}
	if d.tty {
		d.drawLocked()
		return
	}
	fmt.Fprintf(d.w, "fnaudit: %s\n", d.lineLocked())
}

// run calls tick for every value from ticks until stop is closed.
func (d *display) run(ticks <-chan time.Time, stop <-chan struct{}) {
	for {
		select {
		case <-ticks:
			d.tick()
		case <-stop:
			return
		}
	}
}

// every starts ticking every interval and returns the function that stops it
// and closes the display.
func (d *display) every(interval time.Duration) func() {
	t := time.NewTicker(interval)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.run(t.C, stop)
	}()
	return func() {
		t.Stop()
		close(stop)
		<-done
		d.close()
	}
}

// close ends the display: a terminal line is finished with a newline.
func (d *display) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.closed = true
	if d.tty && d.drawn > 0 {
		d.drawLocked()
		fmt.Fprintln(d.w)
	}
}

func (d *display) drawLocked() {
	line := "fnaudit: " + d.lineLocked()
	pad := ""
	if n := d.drawn - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(d.w, "\r%s%s", line, pad)
	d.drawn = len(line)
}

// scopeWord names a provider's scopes.
var scopeWord = map[audit.Provider]string{audit.AWS: "accounts", audit.GCP: "projects", audit.Azure: "subscriptions"}

// lineLocked is "2m30s elapsed; aws 3/10 accounts, 12/40 regions, 523
// functions; gcp done: 2/2 projects, 5/5 regions, 40 functions".
func (d *display) lineLocked() string {
	parts := []string{fmt.Sprintf("%s elapsed", d.now().Sub(d.start).Round(time.Second))}
	for _, p := range d.order {
		s := d.state[p]
		var b strings.Builder
		b.WriteString(string(p))
		if s.Done {
			b.WriteString(" done")
		}
		var counts []string
		if s.Scopes > 0 {
			counts = append(counts, fmt.Sprintf("%d/%d %s", s.ScopesDone, s.Scopes, scopeWord[p]))
		}
		if s.Regions > 0 {
			counts = append(counts, fmt.Sprintf("%d/%d regions", s.RegionsDone, s.Regions))
		}
		if s.Functions > 0 || s.Scopes > 0 {
			counts = append(counts, plural(s.Functions, "function"))
		}
		switch {
		case len(counts) > 0 && s.Done:
			b.WriteString(": " + strings.Join(counts, ", "))
		case len(counts) > 0:
			b.WriteString(" " + strings.Join(counts, ", "))
		case !s.Done:
			b.WriteString(" collecting")
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, "; ")
}
