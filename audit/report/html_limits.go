package report

import (
	"container/heap"
	"fmt"
	"slices"

	"github.com/fnaudit/fnaudit/audit"
)

// The HTML report is read by a person in a browser, and an organization's
// estate can hold hundreds of thousands of functions: at about 3 KB of HTML
// per function the page would outgrow any browser and the memory of the
// process building it. So its per-function parts have a size of their own,
// whatever the estate's: past these limits the page shows the functions that
// rank highest (RankFunctions' order, most exposed first), says exactly how
// many it left out, and points to the JSON report, which lists everything.
// The summary cards and the charts count every finding, and no coverage gap
// is ever left out: past htmlGapRowsMax gaps they are folded the way the
// digest folds them (FoldGaps, FoldWideGaps), every gap counted in a row.
const (
	// htmlFunctionsMax is how many functions, worst first, the ranked list
	// names and "Findings by function" shows with their findings.
	htmlFunctionsMax = 1000
	// htmlControlRowsMax is how many functions "who can change each
	// function" lists: those ranked highest in the list above, then those
	// without a finding shown, in the report's order.
	htmlControlRowsMax = 1000
	// htmlGapRowsMax is how many gaps the gap table lists one per row. A
	// report with more lists its per-resource gaps one row per account,
	// region, call and cause (FoldGaps), and its organization-, account- and
	// region-level gaps one per row, or, when they too are more than this,
	// one line per cause naming every account and region (FoldWideGaps).
	htmlGapRowsMax = 1000
)

// fnKey identifies a function across findings and control rows: its provider
// and resource id.
type fnKey struct {
	provider audit.Provider
	resource string
}

// htmlRanking is every function of the shown findings, worst first (N is its
// place), with the index the capped sections look functions up in.
type htmlRanking struct {
	ranked     []*htmlFunction
	index      map[fnKey]*htmlFunction
	ruleErrors []htmlFinding
}

// top returns the first limit ranked functions, how many functions it left
// out and how many findings those hold.
func (rk *htmlRanking) top(limit int) (kept []*htmlFunction, leftFunctions, leftFindings int) {
	if len(rk.ranked) <= limit {
		return rk.ranked, 0, 0
	}
	for _, fn := range rk.ranked[limit:] {
		leftFindings += fn.Open + fn.Other
	}
	return rk.ranked[:limit], len(rk.ranked) - limit, leftFindings
}

// controlRows returns at most limit rows of cs for "who can change each
// function", in the order of cs: the rows of the functions ranked highest,
// then rows of functions without a shown finding, first ones first; and how
// many rows it left out. Only the kept rows are turned into htmlControl.
func (rk *htmlRanking) controlRows(cs []audit.FunctionControl, limit int) (rows []htmlControl, left int) {
	if len(cs) <= limit {
		return htmlControls(cs), 0
	}
	// The limit best rows by (rank, position), kept in a max-heap: the
	// worst kept row is replaced by a better one.
	h := make(controlPicks, 0, limit)
	for i := range cs {
		c := &cs[i]
		p := controlPick{order: len(rk.ranked) + i, at: i}
		if fn := rk.index[fnKey{c.Provider, c.Function}]; fn != nil {
			p.order = fn.N - 1
		}
		switch {
		case len(h) < limit:
			heap.Push(&h, p)
		case p.order < h[0].order:
			h[0] = p
			heap.Fix(&h, 0)
		}
	}
	slices.SortFunc(h, func(a, b controlPick) int { return a.at - b.at })
	kept := make([]audit.FunctionControl, len(h))
	for i, p := range h {
		kept[i] = cs[p.at]
	}
	return htmlControls(kept), len(cs) - len(kept)
}

// controlPick is a control row's place in the ranking (order: the function's
// rank, or after every ranked function by position) and its index.
type controlPick struct{ order, at int }

// controlPicks is a max-heap by order.
type controlPicks []controlPick

func (h controlPicks) Len() int           { return len(h) }
func (h controlPicks) Less(i, j int) bool { return h[i].order > h[j].order }
func (h controlPicks) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *controlPicks) Push(x any)        { *h = append(*h, x.(controlPick)) }
func (h *controlPicks) Pop() any {
	old := *h
	p := old[len(old)-1]
	*h = old[:len(old)-1]
	return p
}

// htmlGaps is the gap section's content: the gaps listed one per row, and,
// past htmlGapRowsMax gaps, the folded lines with a note saying how.
type htmlGaps struct {
	Rows   []audit.Gap
	Causes []string       // FoldWideGaps lines, when the wide gaps are too many for rows
	Groups []htmlGapGroup // FoldGaps groups of the per-resource gaps
	Note   string
}

// htmlGapGroup is one FoldGaps group with what it covers ("212 functions").
type htmlGapGroup struct {
	GapGroup
	Covers string
}

// gapSection lists every gap of gs one per row when they are at most
// htmlGapRowsMax, and folds them otherwise (see htmlGapRowsMax).
func gapSection(gs []audit.Gap) htmlGaps {
	if len(gs) <= htmlGapRowsMax {
		return htmlGaps{Rows: gs}
	}
	var out htmlGaps
	var wide []audit.Gap
	for _, g := range gs {
		if GapBreadthOf(g) < BreadthResource {
			wide = append(wide, g)
		}
	}
	RankGaps(wide)
	narrow := len(gs) - len(wide)
	for _, g := range FoldGaps(gs) {
		out.Groups = append(out.Groups, htmlGapGroup{GapGroup: g, Covers: g.covers()})
	}
	var wideSays string
	switch {
	case len(wide) == 0:
	case len(wide) <= htmlGapRowsMax:
		out.Rows = wide
		wideSays = fmt.Sprintf(" Gaps that leave whole organizations, accounts or regions unread (%d) are listed one per row.", len(wide))
	default:
		for _, c := range FoldWideGaps(wide) {
			out.Causes = append(out.Causes, c.String())
		}
		wideSays = fmt.Sprintf(" Gaps that leave whole organizations, accounts or regions unread (%d) take one line per cause (%d lines), naming every account and region.",
			len(wide), len(out.Causes))
	}
	out.Note = fmt.Sprintf("The %d gaps are too many to list one per row, so they are folded; none is left out.%s", len(gs), wideSays)
	if narrow > 0 {
		out.Note += fmt.Sprintf(" Gaps of single functions or identities (%d) take one row per account, region, call and cause (%d rows), with how many each covers and the first of them.",
			narrow, len(out.Groups))
	}
	out.Note += " The JSON report lists every gap with its message."
	return out
}
