package audit

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// ReportPart is the analysis of one part of an estate: Analyze's report of a
// part's inventory (with its control summaries) and that inventory's accounts.
// The parts of one run are disjoint in functions (the organization-scale run
// analyzes each account-region, or each slice of one, by itself), so every
// function is judged in exactly one part.
type ReportPart struct {
	Report *Report `json:"report"`
	// Accounts are the part's inventory accounts without their IAM details
	// (PartAccounts): what the scope and the digest need.
	Accounts []Account `json:"accounts"`
}

// PartAccounts copies an inventory's accounts for a ReportPart: provider, id,
// name, organization and regions, never the IAM details or bucket owners.
func PartAccounts(inv *Inventory) []Account {
	out := make([]Account, 0, len(inv.Accounts))
	for _, a := range inv.Accounts {
		out = append(out, Account{Provider: a.Provider, ID: a.ID, Name: a.Name, OrgID: a.OrgID,
			Regions: slices.Clone(a.Regions)})
	}
	return out
}

// ReportMerger merges the ReportParts of one run into one report, one part at
// a time, so a caller never holds more than one part's inventory: what it
// keeps is the findings, gaps, warnings and control summaries.
//
// Findings are kept once per id (a rule that failed reports the same error
// finding in every part), gaps and warnings once per exact value. The
// "no functions" warning of a part that holds none (an account-region
// without functions) is dropped and said once for the whole report when no
// part held a function. Scope: providers and regions are the union, accounts
// the distinct accounts of the parts, functions the sum.
type ReportMerger struct {
	now      time.Time
	findings []Finding
	seenFind map[string]bool
	gaps     []Gap
	seenGap  map[string]bool
	warnings []string
	seenWarn map[string]bool
	// unjudged are the accounts whose functions' control no part judged,
	// named in one warning (at warnings[unjudgedAt]) as Analyze names them.
	unjudged   map[string]bool
	unjudgedAt int
	control    []FunctionControl
	accounts   []Account
	acctIndex  map[accountKey]int
	providers  map[Provider]bool
	regions    map[string]bool
	functions  int
	parts      int
	// strs interns the strings findings repeat (rule, title, remediation,
	// evidence): decoded from JSON each is a copy of its own.
	strs Interner
}

// NewReportMerger starts a merge; now is the report's GeneratedAt.
func NewReportMerger(now time.Time) *ReportMerger {
	return &ReportMerger{now: now, seenFind: map[string]bool{}, seenGap: map[string]bool{},
		seenWarn: map[string]bool{}, acctIndex: map[accountKey]int{}, providers: map[Provider]bool{},
		regions: map[string]bool{}}
}

// Add merges one part. The part's report is not kept: its slices may be
// reused by the caller afterwards.
func (m *ReportMerger) Add(p ReportPart) {
	m.parts++
	if r := p.Report; r != nil {
		for _, f := range r.Findings {
			if !m.seenFind[f.ID] {
				m.seenFind[f.ID] = true
				m.strs.Finding(&f)
				m.findings = append(m.findings, f)
			}
		}
		for _, g := range r.Gaps {
			m.AddGap(g)
		}
		for _, w := range r.Warnings {
			if isNoFunctionsWarning(w) {
				continue
			}
			m.AddWarning(w)
		}
		for _, c := range r.Control {
			m.strs.Control(&c)
			m.control = append(m.control, c)
		}
		for _, pr := range r.Scope.Providers {
			m.providers[pr] = true
		}
		for _, rg := range r.Scope.Regions {
			m.regions[rg] = true
		}
		m.functions += r.Scope.Functions
		for _, c := range r.Control {
			m.addAccount(Account{Provider: c.Provider, ID: c.Account})
		}
	}
	for _, a := range p.Accounts {
		m.addAccount(a)
	}
}

func (m *ReportMerger) addAccount(a Account) {
	k := accountKey{a.Provider, a.ID}
	i, ok := m.acctIndex[k]
	if !ok {
		m.acctIndex[k] = len(m.accounts)
		a.Regions = slices.Clone(a.Regions)
		m.accounts = append(m.accounts, a)
		return
	}
	have := &m.accounts[i]
	if have.Name == "" {
		have.Name = a.Name
	}
	if have.OrgID == "" {
		have.OrgID = a.OrgID
	}
	for _, r := range a.Regions {
		if !slices.Contains(have.Regions, r) {
			have.Regions = append(have.Regions, r)
		}
	}
}

// RemoveFunctions takes back what earlier parts said of the functions ids
// names (their findings and control summaries, and their count in the scope:
// parts must carry control summaries),
// so that a part analyzed again with more context replaces its first analysis.
func (m *ReportMerger) RemoveFunctions(ids map[string]bool) {
	m.findings = slices.DeleteFunc(m.findings, func(f Finding) bool {
		if ids[f.Resource] {
			delete(m.seenFind, f.ID)
			return true
		}
		return false
	})
	before := len(m.control)
	m.control = slices.DeleteFunc(m.control, func(c FunctionControl) bool { return ids[c.Function] })
	// Every analyzed function has a control summary (audit/control.Summaries
	// lists each one), so the removed summaries count the removed functions.
	m.functions -= before - len(m.control)
}

// ControlOf returns the control summaries merged so far of the functions
// keep selects by id.
func (m *ReportMerger) ControlOf(keep func(function string) bool) []FunctionControl {
	var out []FunctionControl
	for _, c := range m.control {
		if keep(c.Function) {
			out = append(out, c)
		}
	}
	return out
}

// AddGap adds a gap that no part holds (a part that never finished), once.
func (m *ReportMerger) AddGap(g Gap) {
	k := strings.Join([]string{string(g.Provider), g.Account, g.Region, g.Resource, g.API,
		string(g.Data), string(g.Reason), g.Message}, "\x00")
	if !m.seenGap[k] {
		m.seenGap[k] = true
		m.gaps = append(m.gaps, g)
	}
}

// AddWarning adds a warning for the operator, once. The parts' warnings
// naming the accounts whose control was not judged become one naming them
// all, as one analysis of the whole estate writes it: per part, an
// organization would have thousands.
func (m *ReportMerger) AddWarning(w string) {
	if ids, ok := unjudgedAccounts(w); ok {
		if m.unjudged == nil {
			m.unjudged, m.unjudgedAt = map[string]bool{}, len(m.warnings)
			m.warnings = append(m.warnings, "")
		}
		for _, id := range ids {
			m.unjudged[id] = true
		}
		return
	}
	if !m.seenWarn[w] {
		m.seenWarn[w] = true
		m.warnings = append(m.warnings, w)
	}
}

// Accounts returns the parts' accounts (sorted by provider and id).
func (m *ReportMerger) Accounts() []Account {
	out := slices.Clone(m.accounts)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Provider != out[j].Provider {
			return out[i].Provider < out[j].Provider
		}
		return out[i].ID < out[j].ID
	})
	for i := range out {
		out[i].Regions = slices.Clone(out[i].Regions)
		sort.Strings(out[i].Regions)
	}
	return out
}

// Report returns the merged report: findings, gaps and control sorted as
// Analyze and control summaries sort them, the summary recomputed. It hands
// over what the merger holds instead of copying it (an organization's
// findings are most of the publish step's memory): call it once, last.
func (m *ReportMerger) Report() *Report {
	if m.unjudged != nil {
		m.warnings[m.unjudgedAt] = unjudgedWarning(slices.Sorted(maps.Keys(m.unjudged)))
	}
	r := &Report{
		Schema:      ReportSchema,
		GeneratedAt: m.now,
		Findings:    m.findings,
		Gaps:        m.gaps,
		Warnings:    m.warnings,
		Control:     m.control,
	}
	m.findings, m.gaps, m.warnings, m.control, m.seenFind, m.strs = nil, nil, nil, nil, nil, Interner{}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Gaps == nil {
		r.Gaps = []Gap{}
	}
	SortFindings(r.Findings)
	SortGaps(r.Gaps)
	SortControl(r.Control)
	for _, p := range allProviders {
		if m.providers[p] {
			r.Scope.Providers = append(r.Scope.Providers, p)
		}
	}
	for rg := range m.regions {
		r.Scope.Regions = append(r.Scope.Regions, rg)
	}
	sort.Strings(r.Scope.Regions)
	if r.Scope.Providers == nil {
		r.Scope.Providers = []Provider{}
	}
	if r.Scope.Regions == nil {
		r.Scope.Regions = []string{}
	}
	r.Scope.Accounts = len(m.accounts)
	r.Scope.Functions = m.functions
	if m.functions == 0 {
		w := noFunctionsPrefix + " and no scopes: nothing was judged"
		switch {
		case len(m.gaps) > 0:
			w = noFunctionsWithGaps
		case len(m.accounts) > 0:
			w = noFunctionsInScopes(len(m.accounts))
		}
		r.Warnings = append([]string{w}, r.Warnings...)
	}
	r.Summarize()
	return r
}

// SortControl orders control summaries by provider, account, region, name
// and function id, the order of audit/control.Summaries.
func SortControl(cs []FunctionControl) {
	sort.SliceStable(cs, func(i, j int) bool {
		x, y := &cs[i], &cs[j]
		if x.Provider != y.Provider {
			return x.Provider < y.Provider
		}
		if x.Account != y.Account {
			return x.Account < y.Account
		}
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.Function < y.Function
	})
}
