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

// DefaultTextWidth is the line width of the text format when Options.Width is
// zero, e.g. when the output is piped to a file or another program: wide
// enough for a finding's title and function on one line each, narrow enough to
// read in a pager or a CI log.
const DefaultTextWidth = 100

// minWrap is the fewest columns a wrapped text gets after its indent: on a very
// narrow terminal lines run past the width rather than shrink to a word a line.
const minWrap = 24

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
	t := &textWriter{w: bw, opts: opts, width: opts.Width}
	if t.width == 0 {
		t.width = DefaultTextWidth
	}
	t.header(r)
	t.summary(r)
	t.findings(shown)
	if hidden > 0 {
		t.para("", fmt.Sprintf("%s below %s not shown; the summary above counts them.", countNoun(hidden, "finding"), opts.MinSeverity), 0)
		t.line("")
	}
	t.suppressed(shown)
	t.gaps(r.Gaps)
	t.warnings(r.Warnings)
	t.footer(shown)
	return bw.Flush()
}

type textWriter struct {
	w    *bufio.Writer
	opts Options
	// width is the line width text wraps at; negative means no limit.
	width int
}

// line writes one line of output. Everything in a report that came from the
// audited estate (names, descriptions, API messages) is untrusted, so control
// and invisible formatting characters are shown as escapes: a function name
// cannot clear the terminal, forge a line or reorder text with bidi controls.
func (t *textWriter) line(s string) {
	t.w.WriteString(strings.TrimRight(Visible(s), " "))
	t.w.WriteByte('\n')
}

// para writes prefix followed by text, wrapped at the writer's width on spaces;
// continuation lines are indented by indent spaces (a hanging indent). Runs of
// white space in text become one space. A word too long for a line (an ARN on
// a narrow terminal) is broken across lines rather than cut: nothing is lost.
func (t *textWriter) para(prefix, text string, indent int) {
	for _, l := range wrapText(Visible(prefix), Visible(squashSpace(text)), indent, t.width) {
		t.line(l)
	}
}

// wrapText lays out prefix+text in lines of at most width runes (no limit when
// width is negative), the lines after the first indented by indent spaces.
func wrapText(prefix, text string, indent, width int) []string {
	if width < 0 {
		return []string{prefix + text}
	}
	var lines []string
	cur := prefix
	curLen := utf8.RuneCountInString(prefix)
	// limit is the width available to the current line, never under minWrap
	// columns of text.
	limit := max(width, curLen+minWrap)
	fresh := true // nothing but the prefix or indent on the current line
	pad := strings.Repeat(" ", indent)
	newLine := func() {
		lines = append(lines, cur)
		cur, curLen, fresh = pad, indent, true
		limit = max(width, indent+minWrap)
	}
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		sep := 1
		if fresh {
			sep = 0
		}
		if curLen+sep+n <= limit {
			if !fresh {
				cur += " "
			}
			cur += word
			curLen += sep + n
			fresh = false
			continue
		}
		if !fresh {
			newLine()
		}
		// The word alone is too long for a line: break it, after a separator
		// (an ARN's colon, a path's slash) when there is one in the second
		// half of the line.
		rs := []rune(word)
		for len(rs) > limit-curLen {
			k := breakAt(rs, limit-curLen)
			cur += string(rs[:k])
			rs = rs[k:]
			newLine()
		}
		cur += string(rs)
		curLen += len(rs)
		fresh = len(rs) == 0
	}
	if !fresh || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// breakAt returns where to break rs so the first part fits in n runes: after
// the last ':' or '/' in the second half of those n runes (an ARN's or a
// resource name's own boundaries), else after the last '-', '.', '_' or ',',
// else after n runes.
func breakAt(rs []rune, n int) int {
	for _, seps := range []string{":/", "-._,"} {
		for i := n; i > n/2; i-- {
			if strings.ContainsRune(seps, rs[i-1]) {
				return i
			}
		}
	}
	return n
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

func (t *textWriter) heading(s string, sev audit.Severity) {
	if t.opts.Color && sevColor[sev] != "" {
		// Written directly: line() would escape the color codes themselves.
		t.w.WriteString(sevColor[sev] + Visible(s) + ansiReset + "\n")
		return
	}
	t.line(s)
}

func (t *textWriter) header(r *audit.Report) {
	t.line(fmt.Sprintf("fnaudit report, generated %s", r.GeneratedAt.UTC().Format(time.RFC3339)))
	provs := make([]string, len(r.Scope.Providers))
	for i, p := range r.Scope.Providers {
		provs[i] = string(p)
	}
	if len(provs) == 0 {
		provs = []string{"no providers"}
	}
	t.para("scope: ", fmt.Sprintf("%s; %s, %s, %s", strings.Join(provs, ", "),
		countNoun(r.Scope.Accounts, "account"), countNoun(len(r.Scope.Regions), "region"),
		countNoun(r.Scope.Functions, "function")), 7)
	t.line("")
}

func (t *textWriter) summary(r *audit.Report) {
	s := r.Summary
	t.line("SUMMARY")
	var sev []string
	for _, v := range audit.Severities {
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
	for _, c := range audit.Categories {
		if n := s.ByCategory[c]; n > 0 {
			cats = append(cats, fmt.Sprintf("%s %d", c, n))
		}
	}
	if len(cats) > 0 {
		rows = append(rows, [2]string{"by category", strings.Join(cats, ", ")})
	}
	var provs []string
	for _, p := range audit.Providers {
		if n := s.ByProvider[p]; n > 0 {
			provs = append(provs, fmt.Sprintf("%s %d", p, n))
		}
	}
	if len(provs) > 0 {
		rows = append(rows, [2]string{"by provider", strings.Join(provs, ", ")})
	}
	for _, row := range rows {
		prefix := fmt.Sprintf("%s%-14s ", textIndent, row[0])
		t.para(prefix, row[1], len(prefix))
	}
	t.line("")
}

// findings lists the shown findings by severity, most severe first. Each
// finding takes two or more lines: its status, rule and title (wrapped, never
// cut), then the function with its provider, account and region. With
// Options.Details a block of its resource id, detail, evidence and remediation
// follows.
func (t *textWriter) findings(shown []audit.Finding) {
	if len(shown) == 0 {
		t.line("No findings to show.")
		t.line("")
		return
	}
	// One layout for every severity group, so titles line up down the page.
	statusW, ruleW := 0, 0
	for i := range shown {
		statusW = max(statusW, utf8.RuneCountInString(string(shown[i].Status)))
		ruleW = max(ruleW, utf8.RuneCountInString(Visible(shown[i].Rule)))
	}
	for _, sev := range audit.Severities {
		n := 0
		for i := range shown {
			if shown[i].Severity == sev {
				n++
			}
		}
		if n == 0 {
			continue
		}
		t.heading(fmt.Sprintf("%s (%d)", strings.ToUpper(string(sev)), n), sev)
		for i := range shown {
			if shown[i].Severity != sev {
				continue
			}
			t.finding(&shown[i], statusW, ruleW)
			if t.opts.Details {
				t.detail(&shown[i])
			}
		}
		t.line("")
	}
}

func (t *textWriter) finding(f *audit.Finding, statusW, ruleW int) {
	prefix := fmt.Sprintf("%s%-*s  %-*s  ", textIndent, statusW, f.Status, ruleW, Visible(f.Rule))
	indent := utf8.RuneCountInString(prefix)
	if t.width >= 0 && t.width-indent < minWrap {
		indent = len(textIndent) + 4 // too narrow to hang under the title: indent less
	}
	t.para(prefix, f.Title, indent)
	where := strings.Join(nonEmptyStrings(string(f.Provider), f.Account, f.Region), " ")
	t.para(strings.Repeat(" ", indent), functionName(f)+" ("+where+")", indent+2)
}

func functionName(f *audit.Finding) string {
	if f.Function != "" {
		return f.Function
	}
	return f.Resource
}

func (t *textWriter) detail(f *audit.Finding) {
	field := func(name, value string) {
		if value != "" {
			prefix := fmt.Sprintf("%s    %-12s ", textIndent, name+":")
			t.para(prefix, value, len(prefix))
		}
	}
	field("resource", f.Resource)
	field("front door", doorString(f.FrontDoor))
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
	t.line(fmt.Sprintf("SUPPRESSED (%d)", len(sup)))
	for _, f := range sup {
		where := strings.Join(nonEmptyStrings(string(f.Provider), f.Account, f.Region), " ")
		t.para(textIndent, fmt.Sprintf("%s %s (%s)", f.Rule, functionName(f), where), 6)
		t.para("      ", suppressionString(f.Suppression), 6)
	}
	t.line("")
}

func (t *textWriter) gaps(gaps []audit.Gap) {
	if len(gaps) == 0 {
		t.line("GAPS: none; every scope that was asked for was read.")
		return
	}
	t.para("", fmt.Sprintf("GAPS (%d): these parts could not be read, so findings there may be missing", len(gaps)), 2)
	for _, g := range gaps {
		where := strings.Join(nonEmptyStrings(string(g.Provider), g.Account, g.Region), " ")
		t.para(textIndent, fmt.Sprintf("%s: %s not read (%s)", where, g.Data, g.Reason), 6)
		what := g.API
		if g.Resource != "" {
			what += " on " + g.Resource
		}
		if g.Message != "" {
			what += ": " + g.Message
		}
		t.para("      ", what, 6)
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
	t.line(fmt.Sprintf("WARNINGS (%d)", len(ws)))
	for _, w := range ws {
		t.para(textIndent+"- ", w, 4)
	}
}

// footer says how to learn more about the findings listed: the --details flag
// of the command line and its rules command.
func (t *textWriter) footer(shown []audit.Finding) {
	if len(shown) == 0 {
		return
	}
	example := "fnaudit rules " + shown[0].Rule
	t.line("")
	if !t.opts.Details {
		t.para("", "For each finding's resource id, evidence and remediation, run again with --details.", 0)
	}
	t.para("", "To see what a rule checks and how to fix it: fnaudit rules ID, e.g. "+example, 0)
}

func squashSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func countNoun(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// doorString names a finding's front door in one line: "GET https://... (rest-api-method
// arn:aws:apigateway:...)"; empty when the finding has none.
func doorString(d *audit.DoorRef) string {
	if d == nil {
		return ""
	}
	if d.Address == "" || d.Address == d.ID {
		return string(d.Kind) + " " + d.ID
	}
	return d.Address + " (" + string(d.Kind) + " " + d.ID + ")"
}
