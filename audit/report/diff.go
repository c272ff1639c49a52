package report

import (
	"slices"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// Delta is what changed between two reports of the same scope, finding by
// finding id (audit.FindingID: rule, resource and key, stable across runs).
// Only open findings (status fail) count as findings here: one that became
// suppressed is Accepted, one the rule could not decide this run is
// Unverified.
type Delta struct {
	// Baseline is false when there was no previous report to compare with
	// (the first run); every other field is then empty.
	Baseline bool
	// Since is when the previous report was generated.
	Since time.Time
	// New are open now and were not open in the previous report.
	New []audit.Finding
	// Resolved were open in the previous report and are gone now, from a part
	// of the estate this run read completely.
	Resolved []audit.Finding
	// Accepted were open and are suppressed now.
	Accepted []audit.Finding
	// Unverified were open and are not open now, but this run could not tell:
	// a gap covers their account, region or resource (or the provider was not
	// audited at all), or the rule reports them unknown. They are not resolved.
	Unverified []audit.Finding
	// Remaining are open in both reports.
	Remaining []audit.Finding
}

// IsNew reports whether the finding with id is new in the delta.
func (d *Delta) IsNew(id string) bool {
	if d == nil || !d.Baseline {
		return false
	}
	for i := range d.New {
		if d.New[i].ID == id {
			return true
		}
	}
	return false
}

// Diff compares cur with prev, the previous report of the same scope, by
// finding id. A nil prev means no baseline (Delta.Baseline is false). An open
// finding of prev that is missing from cur is Resolved only when cur read its
// place: no gap of cur covers its provider, account, region or resource
// (GapCovers), and cur's scope includes its provider; otherwise it is
// Unverified. Each list is in audit.SortFindings order.
func Diff(prev, cur *audit.Report) Delta {
	return DiffCovered(prev, cur, nil)
}

// DiffCovered is Diff for a run that audited only part of the previous
// report's scope (an event-driven re-audit of a few functions): audited tells
// whether cur looked at a finding's function; a previous open finding it did
// not look at stays Remaining, neither resolved nor new. A nil audited means
// cur audited the whole scope.
func DiffCovered(prev, cur *audit.Report, audited func(f *audit.Finding) bool) Delta {
	if prev == nil || cur == nil {
		return Delta{}
	}
	d := Delta{Baseline: true, Since: prev.GeneratedAt}
	now := make(map[string]*audit.Finding, len(cur.Findings))
	for i := range cur.Findings {
		now[cur.Findings[i].ID] = &cur.Findings[i]
	}
	was := make(map[string]bool, len(prev.Findings))
	for i := range prev.Findings {
		p := &prev.Findings[i]
		if p.Status != audit.StatusFail {
			continue
		}
		was[p.ID] = true
		c := now[p.ID]
		switch {
		case c != nil && c.Status == audit.StatusFail:
			d.Remaining = append(d.Remaining, *c)
		case audited != nil && !audited(p):
			d.Remaining = append(d.Remaining, *p)
		case c != nil && c.Status == audit.StatusSuppressed:
			d.Accepted = append(d.Accepted, *c)
		case c != nil && c.Status == audit.StatusUnknown:
			d.Unverified = append(d.Unverified, *p)
		case !slices.Contains(cur.Scope.Providers, p.Provider) || coveredByGap(cur.Gaps, p):
			d.Unverified = append(d.Unverified, *p)
		default:
			d.Resolved = append(d.Resolved, *p)
		}
	}
	for i := range cur.Findings {
		c := &cur.Findings[i]
		if c.Status == audit.StatusFail && !was[c.ID] {
			d.New = append(d.New, *c)
		}
	}
	for _, l := range [][]audit.Finding{d.New, d.Resolved, d.Accepted, d.Unverified, d.Remaining} {
		audit.SortFindings(l)
	}
	return d
}

func coveredByGap(gaps []audit.Gap, f *audit.Finding) bool {
	for i := range gaps {
		if GapCovers(gaps[i], f) {
			return true
		}
	}
	return false
}

// GapCovers reports whether g leaves f's function unread, so that f's absence
// proves nothing: g is of f's provider and its breadth (GapBreadthOf) includes
// f: an organization-level gap covers every account, an account-level gap the
// account, a region-level gap the account-region, a resource-level gap the
// resource it names.
func GapCovers(g audit.Gap, f *audit.Finding) bool {
	if g.Provider != f.Provider {
		return false
	}
	switch GapBreadthOf(g) {
	case BreadthOrganization:
		return true
	case BreadthAccount:
		return g.Account == f.Account
	case BreadthRegion:
		return g.Account == f.Account && g.Region == f.Region
	default:
		return g.Resource == f.Resource
	}
}

// AtLeast returns the delta restricted to findings at or above min (every
// finding when min is empty), as the digest's threshold shows them. A list
// with nothing below min is d's own (an organization's delta holds hundreds
// of thousands of findings): treat the result as read-only, as d.
func (d Delta) AtLeast(min audit.Severity) Delta {
	if min == "" {
		return d
	}
	keep := func(fs []audit.Finding) []audit.Finding {
		n := CountAtLeast(fs, min)
		switch n {
		case len(fs):
			return fs
		case 0:
			return nil
		}
		out := make([]audit.Finding, 0, n)
		for _, f := range fs {
			if f.Severity.AtLeast(min) {
				out = append(out, f)
			}
		}
		return out
	}
	return Delta{Baseline: d.Baseline, Since: d.Since, New: keep(d.New), Resolved: keep(d.Resolved),
		Accepted: keep(d.Accepted), Unverified: keep(d.Unverified), Remaining: keep(d.Remaining)}
}

// CountAtLeast is how many of fs are at or above min (all of them when min is
// empty): Delta.AtLeast's lengths without its copies.
func CountAtLeast(fs []audit.Finding, min audit.Severity) int {
	if min == "" {
		return len(fs)
	}
	n := 0
	for i := range fs {
		if fs[i].Severity.AtLeast(min) {
			n++
		}
	}
	return n
}
