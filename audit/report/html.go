package report

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// The HTML report is one self-contained file: its stylesheet is inlined, its
// charts are SVG drawn here at render time, and it has no script at all. A
// Content-Security-Policy meta tag forbids every fetch (default-src 'none')
// and allows only the one inline stylesheet, by its hash, so the file makes no
// network request even when opened from a mail attachment or an S3 console.
//
// Every value from the report goes through html/template's contextual
// escaping: names, titles, messages and evidence come from the audited estate
// and are attacker-controlled.

//go:embed html_report.tmpl
var htmlTemplateText string

//go:embed html_report.css
var htmlCSS string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper": func(s fmt.Stringer) string { return strings.ToUpper(s.String()) },
}).Parse(htmlTemplateText))

// exposureRank orders finding categories by how directly they expose a
// function: who can invoke it first, then what its identity can do.
var exposureRank = map[audit.Category]int{
	audit.PublicInvoke:        0,
	audit.CrossAccountInvoke:  1,
	audit.AdminAccess:         2,
	audit.PrivilegeEscalation: 3,
}

func categoryRank(c audit.Category) int {
	if r, ok := exposureRank[c]; ok {
		return r
	}
	return len(exposureRank)
}

// Chart geometry, in SVG user units: each bar takes one row with its label
// above it, so long names (an Azure subscription id) never collide with bars.
const (
	chartWidth  = 360
	chartBarMax = 280
	chartRow    = 34
	chartTop    = 4
	// chartAccounts is how many accounts the by-account chart draws; the rest
	// are counted in a note below it.
	chartAccounts = 15
)

type htmlPage struct {
	Generated string
	CSP       string
	CSS       template.CSS
	Version   string
	Scope     string

	Functions, Public, CrossAccount             int
	Open, Suppressed, Unknown, Errored, GapsNum int
	HiddenNote                                  string

	Charts     []htmlChart
	Gaps       htmlGaps
	Ranked     []*htmlFunction
	RuleErrors []htmlFinding
	Warnings   []string
	Control    []htmlControl

	// RankedCount and ControlCount head their sections: the number of
	// entries, or "1000 of 250000" when the section is capped; the LeftOut
	// lines say what a capped section left out (see htmlFunctionsMax).
	RankedCount, ControlCount         string
	FunctionsLeftOut, FindingsLeftOut string
	ControlLeftOut                    string
}

// htmlControl is one function's row of "who can change each function".
type htmlControl struct {
	Name, Provider, Account, Region string
	Judged                          bool
	Who                             []string // "role deployer (account 123…): change-code, pass-identity"
	More                            int
}

// htmlControlMax is how many controllers a row names before "and N more".
const htmlControlMax = 8

func htmlControls(cs []audit.FunctionControl) []htmlControl {
	out := make([]htmlControl, 0, len(cs))
	for _, c := range cs {
		row := htmlControl{Name: c.Name, Provider: string(c.Provider), Account: c.Account, Region: c.Region, Judged: c.Judged}
		for i, ctl := range c.Controllers {
			if i == htmlControlMax {
				row.More = len(c.Controllers) - i
				break
			}
			row.Who = append(row.Who, controllerLine(ctl))
		}
		out = append(out, row)
	}
	return out
}

// controllerLine names a controller and what it can do: "group developers
// (27 members): change-code, change-config (conditional)".
func controllerLine(c audit.FunctionController) string {
	p := c.Principal
	name := p.Name
	if name == "" {
		name = p.ID
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", p.Kind, name)
	switch {
	case p.MemberCount > 0:
		fmt.Fprintf(&b, " (%d members)", p.MemberCount)
	case p.Account != "":
		fmt.Fprintf(&b, " (account %s)", p.Account)
	}
	kinds := make([]string, len(c.Kinds))
	for i, k := range c.Kinds {
		kinds[i] = string(k)
	}
	b.WriteString(": " + strings.Join(kinds, ", "))
	if c.Conditional {
		b.WriteString(" (conditional)")
	}
	return b.String()
}

type htmlChart struct {
	ID, Title, Caption string
	Height             int
	Bars               []htmlBar
	Empty              string // said instead of bars when there are none
	Note               string
}

type htmlBar struct {
	Label, Value, Class string
	LabelY, BarY, W     int
	ValueX, ValueY      int
}

type htmlFunction struct {
	N                       int
	Name, Resource          string
	Provider                audit.Provider
	Account, Region         string
	Worst                   audit.Severity // of the failing findings; empty when none fail
	Exposure                []audit.Category
	Open, Other             int
	Findings                []htmlFinding
	worstRank, bestCategory int
	risk                    RankedFunction
	open                    []int // indexes of the open findings, while ranking
}

type htmlFinding struct {
	*audit.Finding
	Evidence []audit.Evidence
	Expires  string
}

func renderHTML(w io.Writer, r *audit.Report, shown []audit.Finding, hidden int, opts Options) error {
	version := opts.ProductVersion
	if version == "" {
		version = "dev"
	}
	s := r.Summary
	page := htmlPage{
		Generated: r.GeneratedAt.UTC().Format(time.RFC3339),
		CSP: "default-src 'none'; style-src 'sha256-" + cssHash() +
			"'; img-src 'none'; base-uri 'none'; form-action 'none'",
		CSS:        template.CSS(htmlCSS),
		Version:    version,
		Scope:      scopeLine(r),
		Functions:  r.Scope.Functions,
		Open:       s.Open,
		Suppressed: s.ByStatus[audit.StatusSuppressed],
		Unknown:    s.ByStatus[audit.StatusUnknown],
		Errored:    s.ByStatus[audit.StatusError],
		GapsNum:    len(r.Gaps),
		Gaps:       gapSection(r.Gaps),
		Warnings:   r.Warnings,
	}
	if hidden > 0 {
		page.HiddenNote = fmt.Sprintf("%s below %s are not listed; the summary counts them.",
			countNoun(hidden, "finding"), opts.MinSeverity)
	}
	page.Public = exposedFunctions(r.Findings, audit.PublicInvoke)
	page.CrossAccount = exposedFunctions(r.Findings, audit.CrossAccountInvoke)
	page.Charts = summaryCharts(r, page.Public, page.CrossAccount)

	rk := rankShown(shown)
	page.RuleErrors = rk.ruleErrors
	ranked, leftFunctions, leftFindings := rk.top(htmlFunctionsMax)
	rk.attachFindings(shown, len(ranked))
	page.Ranked = ranked
	page.RankedCount = fmt.Sprint(len(ranked))
	if leftFunctions > 0 {
		total := len(ranked) + leftFunctions
		page.RankedCount = fmt.Sprintf("%d of %d", len(ranked), total)
		page.FunctionsLeftOut = fmt.Sprintf("This page lists the %d highest-ranked of the %d functions with findings; the other %s, with %s, are left out. The JSON report lists every function and finding.",
			len(ranked), total, countNoun(leftFunctions, "function"), countNoun(leftFindings, "finding"))
		page.FindingsLeftOut = fmt.Sprintf("Only the findings of the %d functions listed above are shown: %s of %s ranked lower are left out. The JSON report lists them.",
			len(ranked), countNoun(leftFindings, "finding"), countNoun(leftFunctions, "function"))
	}

	var leftControl int
	page.Control, leftControl = rk.controlRows(r.Control, htmlControlRowsMax)
	page.ControlCount = fmt.Sprint(len(page.Control))
	if leftControl > 0 {
		page.ControlCount = fmt.Sprintf("%d of %d", len(page.Control), len(r.Control))
		page.ControlLeftOut = fmt.Sprintf("This table lists %d of %s: those ranked highest in the list of functions above, then functions without a finding shown; the other %s are left out. The JSON report lists who can change every function.",
			len(page.Control), countNoun(len(r.Control), "function"), countNoun(leftControl, "function"))
	}
	// html/template writes to w as it executes: the page is never held
	// whole in memory here.
	return htmlTemplate.Execute(w, &page)
}

// cssHash is the CSP source hash of the inline stylesheet: the base64 SHA-256
// of the <style> element's exact content.
func cssHash() string {
	sum := sha256.Sum256([]byte(htmlCSS))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func scopeLine(r *audit.Report) string {
	provs := make([]string, len(r.Scope.Providers))
	for i, p := range r.Scope.Providers {
		provs[i] = string(p)
	}
	if len(provs) == 0 {
		provs = []string{"no providers"}
	}
	return fmt.Sprintf("%s; %s, %s, %s", strings.Join(provs, ", "),
		countNoun(r.Scope.Accounts, "account"), countNoun(len(r.Scope.Regions), "region"),
		countNoun(r.Scope.Functions, "function"))
}

// exposedFunctions counts the functions with an open finding of category c.
func exposedFunctions(fs []audit.Finding, c audit.Category) int {
	seen := map[fnKey]bool{}
	for i := range fs {
		f := &fs[i]
		if f.Status == audit.StatusFail && f.Category == c {
			seen[fnKey{f.Provider, f.Resource}] = true
		}
	}
	return len(seen)
}

// summaryCharts draws the exposure and the open findings by severity,
// category, provider and account. Like the summary, they count every open
// finding, whatever Options.MinSeverity hides from the list.
func summaryCharts(r *audit.Report, public, cross int) []htmlChart {
	s := r.Summary
	total := r.Scope.Functions
	exposure := barChart("chart-exposure", "Exposure",
		fmt.Sprintf("Functions with an open finding that lets others invoke them, of %s audited", countNoun(total, "function")),
		[]barValue{
			{"anyone (public invoke)", public, "exposure", fmt.Sprintf("%d of %d", public, total)},
			{"other accounts (cross-account invoke)", cross, "exposure", fmt.Sprintf("%d of %d", cross, total)},
		}, max(total, public, cross))

	var sev []barValue
	for _, v := range audit.Severities() {
		sev = append(sev, barValue{string(v), s.BySeverity[v], "sev-" + string(v), ""})
	}
	var cats []barValue
	for _, c := range audit.Categories() {
		if n := s.ByCategory[c]; n > 0 {
			cats = append(cats, barValue{string(c), n, "count", ""})
		}
	}
	var provs []barValue
	for _, p := range audit.Providers() {
		if n := s.ByProvider[p]; n > 0 {
			provs = append(provs, barValue{string(p), n, "count", ""})
		}
	}
	accounts, note := accountBars(r.Findings)

	charts := []htmlChart{
		exposure,
		barChart("chart-severity", "Open findings by severity", "", sev, 0),
		barChart("chart-category", "Open findings by category", "", cats, 0),
		barChart("chart-provider", "Open findings by provider", "", provs, 0),
		barChart("chart-account", "Open findings by account", "", accounts, 0),
	}
	charts[4].Note = note
	return charts
}

type barValue struct {
	label string
	n     int
	class string
	value string // shown after the bar; the count when empty
}

// accountBars counts open findings per provider and account, most first, and
// keeps the first chartAccounts; the note counts the rest.
func accountBars(fs []audit.Finding) ([]barValue, string) {
	type acct struct {
		p    audit.Provider
		id   string
		open int
	}
	type key struct {
		p  audit.Provider
		id string
	}
	idx := map[key]*acct{}
	var all []*acct
	for i := range fs {
		f := &fs[i]
		if f.Status != audit.StatusFail {
			continue
		}
		k := key{f.Provider, f.Account}
		a := idx[k]
		if a == nil {
			a = &acct{p: f.Provider, id: f.Account}
			idx[k] = a
			all = append(all, a)
		}
		a.open++
	}
	slices.SortFunc(all, func(a, b *acct) int {
		return cmp.Or(cmp.Compare(b.open, a.open), strings.Compare(string(a.p), string(b.p)), strings.Compare(a.id, b.id))
	})
	note := ""
	if len(all) > chartAccounts {
		rest := 0
		for _, a := range all[chartAccounts:] {
			rest += a.open
		}
		note = fmt.Sprintf("The %d accounts with the most open findings are drawn; %d more have %s.",
			chartAccounts, len(all)-chartAccounts, countNoun(rest, "open finding"))
		all = all[:chartAccounts]
	}
	bars := make([]barValue, len(all))
	for i, a := range all {
		id := a.id
		if id == "" {
			id = "(no account)"
		}
		bars[i] = barValue{string(a.p) + " " + id, a.open, "count", ""}
	}
	return bars, note
}

// barChart lays out horizontal bars scaled to scale (the largest value when
// zero). Every bar carries its label and its number as text, so the chart
// reads without color, script or hovering.
func barChart(id, title, caption string, values []barValue, scale int) htmlChart {
	c := htmlChart{ID: id, Title: title, Caption: caption}
	if len(values) == 0 {
		c.Empty = "none"
		return c
	}
	if scale == 0 {
		for _, v := range values {
			scale = max(scale, v.n)
		}
	}
	for i, v := range values {
		w := 0
		if scale > 0 {
			w = v.n * chartBarMax / scale
		}
		if v.n > 0 && w < 2 {
			w = 2 // a non-zero count stays visible
		}
		value := v.value
		if value == "" {
			value = fmt.Sprint(v.n)
		}
		y := chartTop + i*chartRow
		c.Bars = append(c.Bars, htmlBar{
			Label: v.label, Value: value, Class: v.class,
			LabelY: y + 11, BarY: y + 15, W: w,
			ValueX: w + 6, ValueY: y + 26,
		})
	}
	c.Height = chartTop + len(values)*chartRow
	return c
}

// rankFunctions groups the findings by function, worst first in the risk
// ranking of the digest (RankFunctions: reach × power, then exploitability
// aids, severity, count and name), computed from each function's failing
// findings. Functions whose findings are all suppressed or unchecked come
// last. Error findings (a rule that broke) belong to no function and are
// returned apart.
func rankFunctions(shown []audit.Finding) (ranked []*htmlFunction, ruleErrors []htmlFinding) {
	rk := rankShown(shown)
	rk.attachFindings(shown, len(rk.ranked))
	return rk.ranked, rk.ruleErrors
}

func newHTMLFinding(f *audit.Finding) htmlFinding {
	hf := htmlFinding{Finding: f, Evidence: f.Evidence}
	if f.Suppression != nil && !f.Suppression.Expires.IsZero() {
		hf.Expires = f.Suppression.Expires.UTC().Format("2006-01-02")
	}
	return hf
}

// rankShown ranks the functions of shown (rankFunctions' order) without
// their findings: attachFindings adds those to the functions that are shown.
func rankShown(shown []audit.Finding) *htmlRanking {
	rk := &htmlRanking{index: map[fnKey]*htmlFunction{}}
	for i := range shown {
		f := &shown[i]
		if f.Status == audit.StatusError {
			rk.ruleErrors = append(rk.ruleErrors, newHTMLFinding(f))
			continue
		}
		k := fnKey{f.Provider, f.Resource}
		fn := rk.index[k]
		if fn == nil {
			fn = &htmlFunction{Name: functionName(f), Resource: f.Resource, Provider: f.Provider,
				Account: f.Account, Region: f.Region, worstRank: -1, bestCategory: len(exposureRank) + 1}
			rk.index[k] = fn
			rk.ranked = append(rk.ranked, fn)
		}
		if f.Status != audit.StatusFail {
			fn.Other++
			continue
		}
		fn.Open++
		fn.open = append(fn.open, i)
		if r := f.Severity.Rank(); r > fn.worstRank {
			fn.worstRank, fn.Worst = r, f.Severity
		}
		fn.bestCategory = min(fn.bestCategory, categoryRank(f.Category))
		if _, ok := exposureRank[f.Category]; ok && !slices.Contains(fn.Exposure, f.Category) {
			fn.Exposure = append(fn.Exposure, f.Category)
		}
	}
	var open, zeros []audit.Finding
	for _, fn := range rk.ranked {
		slices.SortFunc(fn.Exposure, func(a, b audit.Category) int { return cmp.Compare(categoryRank(a), categoryRank(b)) })
		open = open[:0]
		for _, i := range fn.open {
			open = append(open, shown[i])
		}
		fn.open = nil
		fn.risk = FunctionRisk(open)
		// Of a function's open findings CompareRisk reads only how many
		// there are: keep that count as a slice of zero findings shared by
		// every function instead of FunctionRisk's copy of each open
		// finding, which would double the findings held while ranking.
		n := len(fn.risk.Findings)
		if n > len(zeros) {
			zeros = make([]audit.Finding, 2*n)
		}
		fn.risk.Findings = zeros[:n:n]
	}
	slices.SortFunc(rk.ranked, func(a, b *htmlFunction) int {
		return cmp.Or(
			cmp.Compare(min(b.Open, 1), min(a.Open, 1)),
			CompareRisk(a.risk, b.risk),
			strings.Compare(a.Name, b.Name),
			strings.Compare(string(a.Provider), string(b.Provider)),
			strings.Compare(a.Account, b.Account),
			strings.Compare(a.Region, b.Region),
			strings.Compare(a.Resource, b.Resource),
		)
	})
	for i, fn := range rk.ranked {
		fn.N = i + 1
	}
	return rk
}

// attachFindings adds each shown finding, in the order of shown, to its
// function when the function is among the first limit ranked.
func (rk *htmlRanking) attachFindings(shown []audit.Finding, limit int) {
	for i := range shown {
		f := &shown[i]
		if f.Status == audit.StatusError {
			continue
		}
		if fn := rk.index[fnKey{f.Provider, f.Resource}]; fn.N <= limit {
			fn.Findings = append(fn.Findings, newHTMLFinding(f))
		}
	}
}
