package providertest

import (
	"sync"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// ProgressRecorder is an audit.ProgressFunc for tests: it keeps every report a
// collector sends. Pass its Record method as the collector's Options.Progress.
type ProgressRecorder struct {
	mu      sync.Mutex
	reports []audit.Progress
}

// Record is the audit.ProgressFunc.
func (r *ProgressRecorder) Record(p audit.Progress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reports = append(r.reports, p)
}

// Reports returns the reports received so far.
func (r *ProgressRecorder) Reports() []audit.Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]audit.Progress(nil), r.reports...)
}

// Check asserts what every collector's progress must satisfy, and that the
// final report equals want: at least one report, counts that never go down,
// done never above known, Done on the last report and only there.
func (r *ProgressRecorder) Check(t testing.TB, want audit.Progress) {
	t.Helper()
	reports := r.Reports()
	if len(reports) == 0 {
		t.Fatal("no progress reported")
	}
	for i, p := range reports {
		if p.Provider != want.Provider {
			t.Errorf("report %d names provider %q, want %q", i+1, p.Provider, want.Provider)
		}
		if p.ScopesDone > p.Scopes || p.RegionsDone > p.Regions {
			t.Errorf("report %d counts more done than known: %+v", i+1, p)
		}
		if i > 0 {
			q := reports[i-1]
			if p.Scopes < q.Scopes || p.ScopesDone < q.ScopesDone || p.Regions < q.Regions ||
				p.RegionsDone < q.RegionsDone || p.Functions < q.Functions {
				t.Errorf("report %d went backwards: %+v after %+v", i+1, p, q)
			}
		}
		if p.Done != (i == len(reports)-1) {
			t.Errorf("report %d of %d has Done %v", i+1, len(reports), p.Done)
		}
	}
	if got := reports[len(reports)-1]; got != want {
		t.Errorf("final progress %+v, want %+v", got, want)
	}
}
