package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fnaudit/fnaudit/audit"
)

// SubjectMax is the longest subject Digest returns: SNS (and most mail systems)
// accept at most 100 printable ASCII characters.
const SubjectMax = 100

// DigestOptions tune the email digest. The zero value lists every open finding
// and every gap.
type DigestOptions struct {
	// MinSeverity is the threshold: open findings below it are counted but not
	// listed. Empty means every severity.
	MinSeverity audit.Severity
	// MaxFindings limits how many open findings are listed in full, worst
	// first; the digest says how many more there are. Zero lists all of them, a
	// negative value none.
	MaxFindings int
	// MaxGaps limits how many gaps are listed one by one; the rest are counted.
	// Zero lists all of them, a negative value none.
	MaxGaps int
	// Accounts are the inventory's accounts, when known (Inventory.Accounts).
	// They let the digest tell an account that could not be audited at all from
	// one that was audited in part (its regions are listed).
	Accounts []audit.Account
	// FullReport says where the full JSON report is (an s3:// URI); the digest
	// points to it, above all when it had to leave findings out.
	FullReport string
	// MoreHint is a line said after "... and N more findings" when FullReport
	// is empty, e.g. how to get the full report.
	MoreHint string
}

// Digest is a report as a short email: a subject line and a plain-text body.
type Digest struct {
	// Subject is at most SubjectMax printable ASCII characters.
	Subject string
	Body    string
	// Listed and Omitted count the open findings the body lists in full and
	// those it had to leave out (MaxFindings).
	Listed, Omitted int
}

// NewDigest renders r as a plain-text digest a person reads in half a minute:
// the scope, open finding counts by severity and category, the worst findings
// first with what is wrong and how to fix it, suppressed and unchecked counts,
// and every coverage gap. A report without open findings at or above the
// threshold yields an "all clear" digest, which still states the gaps.
//
// Function names, descriptions, tags, API messages and anything else that came
// from the audited estate are treated as attacker-controlled: control
// characters, line breaks and Unicode bidirectional or invisible formatting
// characters are replaced by visible escapes, so no text can forge a line of
// the digest or hide what it says. Long fields are shortened.
func NewDigest(r *audit.Report, opts DigestOptions) Digest {
	d := digester{r: r, opts: opts}
	d.classify()
	var b strings.Builder
	d.writeBody(&b)
	return Digest{Subject: d.subject(), Body: b.String(), Listed: d.listed, Omitted: len(d.open) - d.listed}
}

type accountGap struct {
	account string
	gaps    []audit.Gap
}

type digester struct {
	r    *audit.Report
	opts DigestOptions

	open       []audit.Finding // status fail, at or above the threshold
	errs       []audit.Finding // rules that broke
	unknown    int             // not checked, at or above the threshold
	suppressed int
	below      int // open findings below the threshold
	listed     int

	unaudited []accountGap // accounts with an account-wide gap and nothing audited
	partial   []audit.Gap  // every other gap
	accounts  int
}

func (d *digester) classify() {
	for _, f := range d.r.Findings {
		switch f.Status {
		case audit.StatusError:
			d.errs = append(d.errs, f)
		case audit.StatusSuppressed:
			d.suppressed++
		case audit.StatusUnknown:
			if d.atLeast(f.Severity) {
				d.unknown++
			}
		case audit.StatusFail:
			if d.atLeast(f.Severity) {
				d.open = append(d.open, f)
			} else {
				d.below++
			}
		}
	}
	audit.SortFindings(d.open)

	audited := map[string]bool{} // provider/account -> some region was audited
	for _, a := range d.opts.Accounts {
		if len(a.Regions) > 0 {
			audited[string(a.Provider)+"/"+a.ID] = true
		}
	}
	byAccount := map[string]int{}
	gaps := append([]audit.Gap(nil), d.r.Gaps...)
	audit.SortGaps(gaps)
	for _, g := range gaps {
		whole := g.Account != "" && g.Region == "" && g.Resource == "" && g.Data == audit.DataFunctions &&
			!audited[string(g.Provider)+"/"+g.Account]
		if !whole {
			d.partial = append(d.partial, g)
			continue
		}
		key := string(g.Provider) + "/" + g.Account
		i, ok := byAccount[key]
		if !ok {
			i = len(d.unaudited)
			byAccount[key] = i
			d.unaudited = append(d.unaudited, accountGap{account: g.Account})
		}
		d.unaudited[i].gaps = append(d.unaudited[i].gaps, g)
	}
	// The scope counts the inventory's accounts; an account that could not be
	// audited may be missing from it.
	d.accounts = d.r.Scope.Accounts
	if len(d.opts.Accounts) > 0 {
		known := map[string]bool{}
		for _, a := range d.opts.Accounts {
			known[string(a.Provider)+"/"+a.ID] = true
		}
		for _, a := range d.unaudited {
			if !known[string(a.gaps[0].Provider)+"/"+a.account] {
				d.accounts++
			}
		}
	} else if d.accounts < len(d.unaudited) {
		d.accounts = len(d.unaudited)
	}
}

func (d *digester) atLeast(s audit.Severity) bool {
	return d.opts.MinSeverity == "" || s.AtLeast(d.opts.MinSeverity)
}

// threshold names the minimum severity for prose: "medium or above".
func (d *digester) threshold() string {
	if d.opts.MinSeverity == "" || d.opts.MinSeverity == audit.Info {
		return "any severity"
	}
	if d.opts.MinSeverity == audit.Critical {
		return "critical"
	}
	return string(d.opts.MinSeverity) + " or above"
}

// unit names the audited scopes: accounts, projects or subscriptions.
func (d *digester) unit(n int) string {
	word := "account"
	if len(d.r.Scope.Providers) == 1 {
		switch d.r.Scope.Providers[0] {
		case audit.GCP:
			word = "project"
		case audit.Azure:
			word = "subscription"
		}
	}
	return digestPlural(n, word)
}

func (d *digester) severityCounts() []string {
	var parts []string
	for _, s := range audit.Severities() {
		if !d.atLeast(s) {
			continue
		}
		n := 0
		for _, f := range d.open {
			if f.Severity == s {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return parts
}

func (d *digester) subject() string {
	gaps := ""
	if n := len(d.r.Gaps); n > 0 {
		gaps = " (" + digestPlural(n, "gap") + ")"
	}
	where := " in " + d.unit(d.accounts)
	var s string
	switch counts := d.severityCounts(); {
	case len(counts) > 0:
		s = "fnaudit: " + strings.Join(counts, ", ") + where + gaps
	case len(d.errs) > 0:
		s = "fnaudit: " + digestPlural(len(d.errs), "rule") + " failed" + where + gaps
	case len(d.r.Gaps) > 0 || d.unknown > 0:
		s = "fnaudit: no findings at " + d.threshold() + where + gaps
	default:
		s = "fnaudit: all clear" + where
	}
	return digestSubject(s)
}

func (d *digester) writeBody(b *strings.Builder) {
	r := d.r
	fmt.Fprintf(b, "fnaudit audit of %s\n\n", r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"))

	// Scope and coverage.
	provs := make([]string, len(r.Scope.Providers))
	for i, p := range r.Scope.Providers {
		provs[i] = string(p)
	}
	scope := fmt.Sprintf("Scope: %s", d.unit(d.accounts))
	if len(provs) > 0 {
		scope += " (" + strings.Join(provs, ", ") + ")"
	}
	scope += ", " + digestPlural(len(r.Scope.Regions), "region")
	if n := len(r.Scope.Regions); n > 0 && n <= 8 {
		scope += " (" + digestText(strings.Join(r.Scope.Regions, ", "), 200) + ")"
	}
	scope += ", " + digestPlural(r.Scope.Functions, "function") + "."
	b.WriteString(scope + "\n")
	switch {
	case len(r.Gaps) == 0:
		b.WriteString("Coverage: complete, every call succeeded.\n")
	case len(d.unaudited) > 0:
		fmt.Fprintf(b, "Coverage: INCOMPLETE. %d of %s could not be audited; %s in all (listed below).\n",
			len(d.unaudited), d.unit(d.accounts), digestPlural(len(r.Gaps), "gap"))
	default:
		fmt.Fprintf(b, "Coverage: INCOMPLETE. %s left part of the estate unread (listed below).\n", digestPlural(len(r.Gaps), "gap"))
	}
	b.WriteString("\n")

	// Counts.
	if len(d.open) == 0 {
		fmt.Fprintf(b, "All clear: no open findings at %s.\n", d.threshold())
		if len(r.Gaps) > 0 || d.unknown > 0 {
			b.WriteString("(Only for what could be read: see the coverage gaps.)\n")
		}
	} else {
		fmt.Fprintf(b, "Open findings at %s: %d\n", d.threshold(), len(d.open))
		fmt.Fprintf(b, "  by severity: %s\n", strings.Join(d.severityCounts(), ", "))
		var cats []string
		for _, c := range audit.Categories() {
			n := 0
			for _, f := range d.open {
				if f.Category == c {
					n++
				}
			}
			if n > 0 {
				cats = append(cats, fmt.Sprintf("%s %d", c, n))
			}
		}
		fmt.Fprintf(b, "  by category: %s\n", strings.Join(cats, ", "))
	}
	if d.below > 0 {
		fmt.Fprintf(b, "Below %s, not listed: %d\n", d.opts.MinSeverity, d.below)
	}
	if d.suppressed > 0 {
		fmt.Fprintf(b, "Suppressed (accepted in the suppressions file): %d\n", d.suppressed)
	}
	if d.unknown > 0 {
		fmt.Fprintf(b, "Not checked (data missing, see the gaps): %d\n", d.unknown)
	}
	if len(d.errs) > 0 {
		fmt.Fprintf(b, "Rules that failed: %d\n", len(d.errs))
	}

	// Findings, worst first.
	if len(d.open) > 0 {
		digestHeading(b, "Worst findings first")
		d.listed = len(d.open)
		if m := d.opts.MaxFindings; m != 0 && m < d.listed {
			d.listed = max(m, 0)
		}
		for i, f := range d.open[:d.listed] {
			digestFinding(b, i+1, &f)
		}
		if more := len(d.open) - d.listed; more > 0 {
			fmt.Fprintf(b, "\n... and %s, not listed here.\n", digestMore(more, "finding"))
			switch {
			case d.opts.FullReport != "":
				fmt.Fprintf(b, "The full report is at %s\n", digestText(d.opts.FullReport, 300))
			case d.opts.MoreHint != "":
				b.WriteString(d.opts.MoreHint + "\n")
			}
		}
	}
	if len(d.errs) > 0 {
		digestHeading(b, "Rules that failed")
		for _, f := range d.errs {
			fmt.Fprintf(b, "- %s: %s\n", digestText(f.Rule, 40), digestText(f.Detail, 400))
		}
	}

	d.writeGaps(b)

	if len(r.Warnings) > 0 {
		digestHeading(b, "Warnings")
		for _, w := range r.Warnings {
			fmt.Fprintf(b, "- %s\n", digestText(w, 400))
		}
	}
	if d.opts.FullReport != "" {
		fmt.Fprintf(b, "\nFull report (JSON): %s\n", digestText(d.opts.FullReport, 300))
	}
}

func digestFinding(b *strings.Builder, n int, f *audit.Finding) {
	fmt.Fprintf(b, "\n%d. [%s] %s (%s)\n", n, strings.ToUpper(string(f.Severity)), digestText(f.Title, 200), digestText(f.Rule, 40))
	fn := f.Function
	if fn == "" {
		fn = f.Resource
	}
	where := []string{string(f.Provider)}
	if f.Account != "" {
		where = append(where, "account "+f.Account)
	}
	if f.Region != "" {
		where = append(where, f.Region)
	}
	fmt.Fprintf(b, "   Function: %s (%s)\n", digestText(fn, 200), digestText(strings.Join(where, ", "), 200))
	if f.Resource != "" && f.Resource != fn {
		fmt.Fprintf(b, "   Resource: %s\n", digestText(f.Resource, 300))
	}
	if f.Detail != "" {
		fmt.Fprintf(b, "   What: %s\n", digestText(f.Detail, 600))
	}
	if f.Remediation != "" {
		fmt.Fprintf(b, "   Fix: %s\n", digestText(f.Remediation, 600))
	}
}

func (d *digester) writeGaps(b *strings.Builder) {
	if len(d.r.Gaps) == 0 {
		return
	}
	digestHeading(b, "Coverage gaps")
	budget := d.opts.MaxGaps
	shown := 0
	take := func() bool {
		if budget != 0 && shown >= budget {
			return false
		}
		shown++
		return true
	}
	if len(d.unaudited) > 0 {
		fmt.Fprintf(b, "%d of %s could not be audited:\n", len(d.unaudited), d.unit(d.accounts))
		for _, a := range d.unaudited {
			if !take() {
				break
			}
			var why []string
			for _, g := range a.gaps {
				why = append(why, digestGapReason(g))
			}
			fmt.Fprintf(b, "- %s %s: %s\n", a.gaps[0].Provider, digestText(a.account, 100), digestText(strings.Join(why, "; "), 500))
		}
	}
	if len(d.partial) > 0 {
		fmt.Fprintf(b, "%s left part of the audited estate unread (checks needing that data report \"not checked\"):\n",
			digestPlural(len(d.partial), "gap"))
		for _, g := range d.partial {
			if !take() {
				break
			}
			fmt.Fprintf(b, "- %s: %s\n", digestText(digestGapWhere(g), 400), digestText(digestGapReason(g), 500))
		}
	}
	if more := len(d.unaudited) + len(d.partial) - shown; more > 0 {
		fmt.Fprintf(b, "... and %s, listed in the JSON report.\n", digestMore(more, "gap"))
	}
}

// digestGapWhere names what a gap is about: provider, account, region, resource.
func digestGapWhere(g audit.Gap) string {
	parts := []string{string(g.Provider)}
	for _, s := range []string{g.Account, g.Region, g.Resource} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// digestGapReason says why: "assume-role (sts:AssumeRole): AccessDenied: ...".
func digestGapReason(g audit.Gap) string {
	s := string(g.Reason)
	if g.API != "" {
		s += " (" + g.API + ")"
	}
	if g.Data != "" && g.Data != audit.DataFunctions {
		s += ", " + string(g.Data) + " missing"
	}
	if g.Message != "" {
		s += ": " + g.Message
	}
	return s
}

func digestHeading(b *strings.Builder, title string) {
	fmt.Fprintf(b, "\n%s\n%s\n", title, strings.Repeat("-", len(title)))
}

func digestPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// digestMore says "1 more gap", "2 more gaps".
func digestMore(n int, word string) string {
	return strings.Replace(digestPlural(n, word), " ", " more ", 1)
}

// digestSubject makes s a valid SNS / mail subject: printable ASCII only, no
// line breaks, at most SubjectMax characters.
func digestSubject(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		b.WriteRune(c)
	}
	out := strings.TrimSpace(b.String())
	if len(out) > SubjectMax {
		out = out[:SubjectMax-3] + "..."
	}
	return out
}

// digestText makes untrusted text safe for one line of the digest: line breaks
// and tabs become spaces, so no text can start a line of its own; every other
// control character, every Unicode format character (bidirectional overrides
// and isolates, zero-width characters, byte order marks) and the line and
// paragraph separators become a visible <U+XXXX> escape; invalid UTF-8 becomes
// U+FFFD. Text longer than max runes is cut with "...".
func digestText(s string, max int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if n >= max {
			b.WriteString("...")
			break
		}
		n++
		switch {
		case c == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case c == '\n' || c == '\r' || c == '\t':
			// Visible, but quieter than an escape: wrapped text is common.
			b.WriteByte(' ')
		case unicode.IsControl(c), unicode.Is(unicode.Cf, c), c == '\u2028', c == '\u2029':
			fmt.Fprintf(&b, "<U+%04X>", c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
