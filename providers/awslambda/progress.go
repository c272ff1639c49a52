package awslambda

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// terminalOnly returns w when it should show progress: a file that is a
// terminal, or any other writer (the caller chose it). A file that is not a
// terminal (a redirected stderr, a CI log) gets nothing, so logs do not fill
// with carriage returns.
func terminalOnly(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok && !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return w
}

// progress rewrites one status line: accounts, regions and functions done.
type progress struct {
	w    io.Writer
	mu   sync.Mutex
	quit chan struct{}
	wg   sync.WaitGroup

	accounts, accountsDone int
	regions, regionsDone   int
	functions              int
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if w == nil {
		return p
	}
	p.quit = make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				p.print("\n")
				return
			case <-t.C:
				p.print("")
			}
		}
	}()
	return p
}

func (p *progress) print(end string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[Kaws: accounts %d/%d  regions %d/%d  functions %d%s",
		p.accountsDone, p.accounts, p.regionsDone, p.regions, p.functions, end)
}

func (p *progress) update(f func()) {
	p.mu.Lock()
	f()
	p.mu.Unlock()
}

func (p *progress) setAccounts(n int) { p.update(func() { p.accounts = n }) }
func (p *progress) accountDone()      { p.update(func() { p.accountsDone++ }) }
func (p *progress) addRegions(n int)  { p.update(func() { p.regions += n }) }
func (p *progress) regionDone()       { p.update(func() { p.regionsDone++ }) }
func (p *progress) functionDone()     { p.update(func() { p.functions++ }) }

func (p *progress) stop() {
	if p.quit == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
}
