package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fnaudit/fnaudit/audit"
)

const textIndent = "  "

// ANSI styles for severity headings, used only with Options.Color.
var sevColor = map[audit.Severity]string{
	audit.Critical: "\x1b[1;31m",
	audit.High:     "\x1b[31m",
	audit.Medium:   "\x1b[33m",
	audit.Low:      "\x1b[36m",
	audit.Info:     "\x1b[2m",
}

const ansiReset = "\x1b[0m"

func renderText(w io.Writer, r *audit.Report, shown []audit.Finding, hidden int, opts Options) error {
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw, opts: opts}
	t.header(r)
	t.summary(r)
	t.findings(shown)
	if hidden > 0 {
		t.linef("%s below %s not shown; the summary above counts them.", countNoun(hidden, "finding"), opts.MinSeverity)
		t.line("")
	}
	t.suppressed(shown)
	t.gaps(r.Gaps)
	t.warnings(r.Warnings)
	return bw.Flush()
}

type textWriter struct {
	w    *bufio.Writer
	opts Options
}

// line writes one line of output. Everything in a report that came from the
// audited estate (names, descriptions, API messages) is untrusted, so control
// and invisible formatting characters are shown as escapes: a function name
// cannot clear the terminal, forge a line or reorder text with bidi controls.
func (t *textWriter) line(s string) {
	t.w.WriteString(strings.TrimRight(Visible(s), " "))
	t.w.WriteByte('\n')
}

// Visible replaces control characters (C0, DEL, C1), Unicode format characters
// (bidi overrides and isolates, zero-width characters) and invalid UTF-8 with
// visible escapes such as \x1b and \u202e, so untrusted text is safe to print
// on a terminal. The text format applies it to everything it prints.
func Visible(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func (t *textWriter) linef(format string, args ...any) { t.line(fmt.Sprintf(format, args...)) }

func (t *textWriter) heading(s string, sev audit.Severity) {
	if t.opts.Color && sevColor[sev] != "" {
		// Written directly: line() would escape the color codes themselves.
		t.w.WriteString(sevColor[sev] + Visible(s) + ansiReset + "\n")
		return
	}
	t.line(s)
}

func (t *textWriter) header(r *audit.Report) {
	t.linef("fnaudit report, generated %s", r.GeneratedAt.UTC().Format(time.RFC3339))
	provs := make([]string, len(r.Scope.Providers))
	for i, p := range r.Scope.Providers {
		provs[i] = string(p)
	}
	if len(provs) == 0 {
		provs = []string{"no providers"}
	}
	t.linef("scope: %s; %s, %s, %s", strings.Join(provs, ", "),
		countNoun(r.Scope.Accounts, "account"), countNoun(len(r.Scope.Regions), "region"),
		countNoun(r.Scope.Functions, "function"))
	t.line("")
}

func (t *textWriter) summary(r *audit.Report) {
	s := r.Summary
	t.line("SUMMARY")
	var sev []string
	for _, v := range audit.Severities() {
		sev = append(sev, fmt.Sprintf("%s %d", v, s.BySeverity[v]))
	}
	rows := [][2]string{
		{"open findings", fmt.Sprintf("%d (%s)", s.Open, strings.Join(sev, ", "))},
		{"suppressed", fmt.Sprint(s.ByStatus[audit.StatusSuppressed])},
		{"not checked", fmt.Sprintf("%d (a rule lacked data a gap left unread)", s.ByStatus[audit.StatusUnknown])},
		{"rule errors", fmt.Sprint(s.ByStatus[audit.StatusError])},
		{"gaps", fmt.Sprint(s.Gaps)},
	}
	var cats []string
	for _, c := range audit.Categories() {
		if n := s.ByCategory[c]; n > 0 {
			cats = append(cats, fmt.Sprintf("%s %d", c, n))
		}
	}
	if len(cats) > 0 {
		rows = append(rows, [2]string{"by category", strings.Join(cats, ", ")})
	}
	var provs []string
	for _, p := range audit.Providers() {
		if n := s.ByProvider[p]; n > 0 {
			provs = append(provs, fmt.Sprintf("%s %d", p, n))
		}
	}
	if len(provs) > 0 {
		rows = append(rows, [2]string{"by provider", strings.Join(provs, ", ")})
	}
	for _, row := range rows {
		t.linef("%s%-14s %s", textIndent, row[0], row[1])
	}
	t.line("")
}

func (t *textWriter) findings(shown []audit.Finding) {
	if len(shown) == 0 {
		t.line("No findings to show.")
		t.line("")
		return
	}
	// One layout for every severity group, so the columns line up down the page.
	header := []string{"STATUS", "RULE", "ACCOUNT", "REGION", "FUNCTION", "TITLE"}
	rows := make([][]string, len(shown))
	for i := range shown {
		f := &shown[i]
		rows[i] = tableCells(string(f.Status), f.Rule, f.Account, f.Region, functionName(f), f.Title)
	}
	// Title, function, account and region give way, widest first, down to a floor
	// that keeps an AWS account id and a typical region whole.
	widths := tableLayout(header, rows, t.opts.Width, map[int]int{5: 12, 4: 10, 2: 12, 3: 9})
	for _, sev := range audit.Severities() {
		var group [][]string
		for i := range shown {
			if shown[i].Severity == sev {
				group = append(group, rows[i])
			}
		}
		if len(group) == 0 {
			continue
		}
		if t.opts.Details {
			t.heading(fmt.Sprintf("%s (%d)", strings.ToUpper(string(sev)), len(group)), sev)
			for i := range shown {
				if shown[i].Severity == sev {
					t.detail(&shown[i])
				}
			}
			t.line("")
			continue
		}
		t.heading(fmt.Sprintf("%s (%d)", strings.ToUpper(string(sev)), len(group)), sev)
		t.row(header, widths)
		for _, row := range group {
			t.row(row, widths)
		}
		t.line("")
	}
}

func functionName(f *audit.Finding) string {
	if f.Function != "" {
		return f.Function
	}
	return f.Resource
}

func (t *textWriter) detail(f *audit.Finding) {
	t.linef("%s[%s] %s  %s  %s", textIndent, f.Status, f.Rule, functionName(f), f.Title)
	field := func(name, value string) {
		if value != "" {
			t.linef("%s    %-12s %s", textIndent, name+":", squashSpace(value))
		}
	}
	field("resource", f.Resource)
	field("where", strings.TrimSpace(strings.Join([]string{string(f.Provider), f.Account, f.Region}, " ")))
	field("category", string(f.Category))
	field("detail", f.Detail)
	for _, e := range f.Evidence {
		field("evidence", evidenceString(e))
	}
	field("remediation", f.Remediation)
	if f.Suppression != nil {
		field("suppressed", suppressionString(f.Suppression))
	}
	field("id", f.ID)
}

func suppressionString(s *audit.Suppression) string {
	out := s.Reason
	if !s.Expires.IsZero() {
		out += "; expires " + s.Expires.UTC().Format("2006-01-02")
	}
	if s.Entry != "" {
		out += "; entry " + s.Entry
	}
	return out
}

func (t *textWriter) suppressed(shown []audit.Finding) {
	var sup []*audit.Finding
	for i := range shown {
		if shown[i].Status == audit.StatusSuppressed && shown[i].Suppression != nil {
			sup = append(sup, &shown[i])
		}
	}
	if len(sup) == 0 {
		return
	}
	t.linef("SUPPRESSED (%d)", len(sup))
	for _, f := range sup {
		t.linef("%s%s %s (%s %s %s)", textIndent, f.Rule, functionName(f), f.Provider, f.Account, f.Region)
		t.linef("%s    %s", textIndent, squashSpace(suppressionString(f.Suppression)))
	}
	t.line("")
}

func (t *textWriter) gaps(gaps []audit.Gap) {
	if len(gaps) == 0 {
		t.line("GAPS: none; every scope that was asked for was read.")
		return
	}
	t.linef("GAPS (%d): these parts could not be read, so findings there may be missing", len(gaps))
	for _, g := range gaps {
		where := strings.Join(nonEmptyStrings(string(g.Provider), g.Account, g.Region), " ")
		t.linef("%s%s: %s not read (%s)", textIndent, where, g.Data, g.Reason)
		what := g.API
		if g.Resource != "" {
			what += " on " + g.Resource
		}
		if g.Message != "" {
			what += ": " + squashSpace(g.Message)
		}
		t.linef("%s    %s", textIndent, what)
	}
}

func nonEmptyStrings(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (t *textWriter) warnings(ws []string) {
	if len(ws) == 0 {
		return
	}
	t.line("")
	t.linef("WARNINGS (%d)", len(ws))
	for _, w := range ws {
		t.linef("%s- %s", textIndent, squashSpace(w))
	}
}

func squashSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func countNoun(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func tableCells(cs ...string) []string {
	for i := range cs {
		cs[i] = Visible(squashSpace(cs[i]))
	}
	return cs
}

// layout returns column widths: each column as wide as its widest cell, then, if
// the line is wider than width (> 0), the shrinkable columns (index -> floor)
// give up one rune at a time, always the widest of them first.
func tableLayout(header []string, rows [][]string, width int, shrink map[int]int) []int {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	if width <= 0 {
		return widths
	}
	total := len(textIndent) + 2*(len(widths)-1)
	for _, w := range widths {
		total += w
	}
	for total > width {
		best := -1
		for col := range widths { // ordered by index: ties go to the leftmost column
			floor, ok := shrink[col]
			if !ok || widths[col] <= floor {
				continue
			}
			if best < 0 || widths[col] > widths[best] {
				best = col
			}
		}
		if best < 0 {
			break // every shrinkable column is at its floor
		}
		widths[best]--
		total--
	}
	return widths
}

func (t *textWriter) row(row []string, widths []int) {
	var b strings.Builder
	b.WriteString(textIndent)
	for i, c := range row {
		if i > 0 {
			b.WriteString("  ")
		}
		c = clipRunes(c, widths[i])
		b.WriteString(c)
		if i < len(row)-1 {
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
		}
	}
	t.line(b.String())
}

// truncate shortens s to n runes, marking the cut with "...".
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 3 {
		return string([]rune(s)[:n])
	}
	return string([]rune(s)[:n-3]) + "..."
}
