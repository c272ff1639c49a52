package report

import (
	"fmt"
	"sort"
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
	// MaxFunctions limits how many functions, worst first in the risk ranking
	// (RankFunctions), have their open findings listed in full (what, why,
	// fix); the other functions' findings get one line each, grouped by
	// account. Zero lists every function in full, a negative value none.
	MaxFunctions int
	// MaxFindings limits how many open findings the digest names, in full or
	// in one line. The lowest-ranked are left out first, and findings of the
	// categories that say who can invoke a function or what its identity can
	// do (public-invoke, cross-account-invoke, admin-access,
	// privilege-escalation) only after every other category; the digest says
	// how many it left out, in which accounts, and where the full report is.
	// Zero lists all of them, a negative value none.
	MaxFindings int
	// Delta is what changed since the previous run (Diff); nil when the
	// caller keeps no history. With a Delta the subject and the first section
	// say what is new, then what was resolved, then what remains, and new
	// findings are marked NEW; a Delta without a baseline says so.
	Delta *Delta
	// MaxChanges limits how many new and how many resolved findings the
	// changes section lists one by one (new ones are marked NEW in the lists
	// below anyway). Zero lists all of them.
	MaxChanges int
	// MaxGaps limits how many lines of per-resource gaps are listed; the
	// digest says what the lines left out cover (how many gaps, in which
	// accounts) and where the full report is. Organization-, account- and
	// region-level gaps are always listed, whatever the limit: they are the
	// gaps that hide the most. Zero lists every line, a negative value none.
	MaxGaps int
	// MaxWarnings limits how many of the report's warnings are listed (the
	// first ones); the digest says how many more the full report holds.
	// Zero lists all of them.
	MaxWarnings int
	// Accounts are the inventory's accounts, when known (Inventory.Accounts).
	// They let the digest tell an account that could not be audited at all from
	// one that was audited in part (its regions are listed).
	Accounts []audit.Account
	// FullReport says where the full JSON report is (an s3:// URI); the digest
	// points to it, above all when it had to leave findings out.
	FullReport string
	// HTMLReport says where the HTML report is (an s3:// URI) and HTMLReportURL
	// where to open it (the S3 console's page for it); the digest names both.
	HTMLReport, HTMLReportURL string
	// Compact folds the wider gaps too, for a message that must fit a size
	// limit whatever the estate: the accounts that could not be audited and
	// the other organization-, account- and region-level gaps take one line per
	// cause (FoldWideGaps), naming every account and region it covers but not
	// the APIs' messages. No gap is left out.
	Compact bool
	// MoreHint is a line said after "... and N more findings" when FullReport
	// is empty, e.g. how to get the full report.
	MoreHint string
}

// Digest is a report as a short email: a subject line and a plain-text body.
type Digest struct {
	// Subject is at most SubjectMax printable ASCII characters.
	Subject string
	Body    string
	// Listed and Omitted count the open findings the body names (in full or
	// in one line) and those it had to leave out (MaxFindings).
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
	return NewDigester(r, opts).Digest(opts.MaxFindings, opts.Compact)
}

// Digester renders digests of one report that differ only in how many
// findings they name and whether gaps are compact, as a caller fitting a
// digest into a size limit tries them. It sorts, ranks and groups the
// report's findings and gaps once (for an organization, far more work than
// writing a digest of the few that fit), so the report must not change while
// it is used.
type Digester struct {
	d digester
}

// NewDigester prepares digests of r with opts; opts.MaxFindings and
// opts.Compact are Digest's arguments.
func NewDigester(r *audit.Report, opts DigestOptions) *Digester {
	if opts.Delta != nil {
		dl := opts.Delta.AtLeast(opts.MinSeverity)
		opts.Delta = &dl
	}
	g := &Digester{d: digester{r: r, opts: opts}}
	g.d.classify()
	return g
}

// minLineBytes is the least a digest spends on each finding it names: a
// one-line finding is at least "- [] : " and a newline, one in full more.
const minLineBytes = 8

// Open is how many open findings the digests can name.
func (g *Digester) Open() int { return g.d.open }

// MaxListed is the most findings a digest body of at most limit bytes can
// name: callers fitting a digest into a limit need not render more.
func (g *Digester) MaxListed(limit int) int { return max(limit, 0) / minLineBytes }

// Digest renders the digest NewDigest renders with the Digester's options,
// maxFindings as DigestOptions.MaxFindings and compact as
// DigestOptions.Compact.
func (g *Digester) Digest(maxFindings int, compact bool) Digest {
	d := g.d // the prepared lists are shared, read only
	d.opts.MaxFindings, d.opts.Compact, d.listed = maxFindings, compact, 0
	var b strings.Builder
	d.writeBody(&b)
	return Digest{Subject: d.subject(), Body: b.String(), Listed: d.listed, Omitted: d.open - d.listed}
}

type accountGap struct {
	account string
	gaps    []audit.Gap
}

type digester struct {
	r    *audit.Report
	opts DigestOptions

	// open counts the findings of status fail at or above the threshold,
	// by severity and by category; ranked holds them.
	open       int
	openBySev  map[audit.Severity]int
	openByCat  map[audit.Category]int
	ranked     []RankedFunction
	errs       []audit.Finding // rules that broke
	unknown    int             // not checked, at or above the threshold
	suppressed int
	below      int // open findings below the threshold
	listed     int

	unaudited []accountGap // accounts with an account-wide gap and nothing audited
	wide      []audit.Gap  // every other organization-, account- and region-level gap, widest first
	folded    []GapGroup   // the per-resource gaps, one group per account-region and cause
	narrow    int          // how many per-resource gaps the groups hold
	accounts  int
}

func (d *digester) classify() {
	var open []audit.Finding
	d.openBySev, d.openByCat = map[audit.Severity]int{}, map[audit.Category]int{}
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
				open = append(open, f)
				d.openBySev[f.Severity]++
				d.openByCat[f.Category]++
			} else {
				d.below++
			}
		}
	}
	// RankFunctions groups a copy and sorts each function's findings, and
	// its order is total: sorting open first would be a second copy.
	d.open, d.ranked = len(open), RankFunctions(open)

	audited := map[string]bool{} // provider/account -> some region was audited
	for _, a := range d.opts.Accounts {
		if len(a.Regions) > 0 {
			audited[string(a.Provider)+"/"+a.ID] = true
		}
	}
	byAccount := map[string]int{}
	gaps := append([]audit.Gap(nil), d.r.Gaps...)
	RankGaps(gaps)
	var narrow []audit.Gap
	for _, g := range gaps {
		breadth := GapBreadthOf(g)
		whole := breadth == BreadthAccount && g.Data == audit.DataFunctions && !audited[string(g.Provider)+"/"+g.Account]
		switch {
		case breadth == BreadthResource:
			narrow = append(narrow, g)
			continue
		case !whole:
			d.wide = append(d.wide, g)
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
	d.folded, d.narrow = FoldGaps(narrow), len(narrow)
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
		if n := d.openBySev[s]; n > 0 {
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
	if dl := d.opts.Delta; dl != nil {
		change := "no baseline"
		if dl.Baseline {
			var parts []string
			if n := len(dl.New); n > 0 {
				parts = append(parts, fmt.Sprintf("%d new", n))
			} else {
				parts = append(parts, "nothing new")
			}
			if n := len(dl.Resolved); n > 0 {
				parts = append(parts, fmt.Sprintf("%d resolved", n))
			}
			change = strings.Join(parts, ", ")
		}
		s = "fnaudit: " + change + "; " + strings.TrimPrefix(s, "fnaudit: ")
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
	if d.opts.Delta != nil {
		d.writeChanges(b)
	}
	b.WriteString("\n")

	// Counts.
	if d.open == 0 {
		fmt.Fprintf(b, "All clear: no open findings at %s.\n", d.threshold())
		if len(r.Gaps) > 0 || d.unknown > 0 {
			b.WriteString("(Only for what could be read: see the coverage gaps.)\n")
		}
	} else {
		fmt.Fprintf(b, "Open findings at %s: %d\n", d.threshold(), d.open)
		fmt.Fprintf(b, "  by severity: %s\n", strings.Join(d.severityCounts(), ", "))
		var cats []string
		for _, c := range audit.Categories() {
			if n := d.openByCat[c]; n > 0 {
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

	d.writeFindings(b)
	if len(d.errs) > 0 {
		digestHeading(b, "Rules that failed")
		for _, f := range d.errs {
			fmt.Fprintf(b, "- %s: %s\n", digestText(f.Rule, 40), digestText(f.Detail, 400))
		}
	}

	d.writeGaps(b)

	if len(r.Warnings) > 0 {
		digestHeading(b, "Warnings")
		for i, w := range r.Warnings {
			if i == d.opts.MaxWarnings && d.opts.MaxWarnings > 0 {
				where := "the full report"
				if d.opts.FullReport != "" {
					where = "the full report (below)"
				}
				fmt.Fprintf(b, "- ... and %d more warnings: see %s\n", len(r.Warnings)-i, where)
				break
			}
			fmt.Fprintf(b, "- %s\n", digestText(w, 400))
		}
	}
	if d.opts.FullReport != "" {
		fmt.Fprintf(b, "\nFull report (JSON): %s\n", digestText(d.opts.FullReport, 300))
	}
	if d.opts.HTMLReport != "" {
		fmt.Fprintf(b, "Full report (HTML): %s\n", digestText(d.opts.HTMLReport, 300))
		if d.opts.HTMLReportURL != "" {
			fmt.Fprintf(b, "Open it in the S3 console: %s\n", digestText(d.opts.HTMLReportURL, 600))
		}
	}
}

func (d *digester) writeGaps(b *strings.Builder) {
	if len(d.r.Gaps) == 0 {
		return
	}
	digestHeading(b, "Coverage gaps")
	// Whole accounts first, then every other organization-, account- and
	// region-level gap: none of them is ever left out.
	if d.opts.Compact {
		d.writeWideCompact(b)
	}
	if len(d.unaudited) > 0 && !d.opts.Compact {
		fmt.Fprintf(b, "%d of %s could not be audited:\n", len(d.unaudited), d.unit(d.accounts))
		for _, a := range d.unaudited {
			var why []string
			for _, g := range a.gaps {
				why = append(why, digestGapReason(g))
			}
			fmt.Fprintf(b, "- %s %s: %s\n", a.gaps[0].Provider, digestText(a.account, 100), digestText(strings.Join(why, "; "), 500))
		}
	}
	if len(d.wide) > 0 && !d.opts.Compact {
		fmt.Fprintf(b, "%s left whole accounts or regions of the audited estate unread (checks needing that data report \"not checked\"):\n",
			digestPlural(len(d.wide), "gap"))
		for _, g := range d.wide {
			fmt.Fprintf(b, "- %s: %s\n", digestText(digestGapWhere(g), 400), digestText(digestGapReason(g), 500))
		}
	}
	if len(d.folded) == 0 {
		return
	}
	fmt.Fprintf(b, "%s left single functions or identities unread, one line per account, region and cause:\n",
		digestPlural(d.narrow, "gap"))
	shown := len(d.folded)
	if m := d.opts.MaxGaps; m != 0 && m < shown {
		shown = max(m, 0)
	}
	for _, g := range d.folded[:shown] {
		if g.Count == 1 {
			fmt.Fprintf(b, "- %s: %s\n", digestText(digestGapWhere(g.First), 400), digestText(digestGapReason(g.First), 500))
			continue
		}
		fmt.Fprintf(b, "- %s\n", digestText(g.String(), 700))
	}
	rest := d.folded[shown:]
	if len(rest) == 0 {
		return
	}
	// Say exactly what the lines left out cover: how many gaps, in which
	// accounts, and where they are listed.
	n := 0
	var accounts []string
	seen := map[string]bool{}
	for _, g := range rest {
		n += g.Count
		key := string(g.Provider) + " " + g.Account
		if !seen[key] {
			seen[key] = true
			accounts = append(accounts, digestText(key, 100))
		}
	}
	fmt.Fprintf(b, "... and %s (%s) not listed here, in %s: %s.\n", digestMore(len(rest), "line"),
		digestPlural(n, "per-resource gap"), digestPlural(len(accounts), "account"), strings.Join(accounts, ", "))
	switch {
	case d.opts.FullReport != "":
		fmt.Fprintf(b, "The full report lists every gap: %s\n", digestText(d.opts.FullReport, 300))
	case d.opts.MoreHint != "":
		b.WriteString(d.opts.MoreHint + "\n")
	}
}

// GapBreadth is how much of the estate a gap leaves unread. The values are
// ordered widest first, so a smaller breadth is a gap that hides more.
type GapBreadth int

// The breadths, widest first.
const (
	// BreadthOrganization: a provider's whole scope (no account: the provider
	// could not be set up or its collector failed) or the list of its accounts
	// (organizations:ListAccounts: only the caller's account was audited).
	BreadthOrganization GapBreadth = iota
	// BreadthAccount: one account, project or subscription (its role could
	// not be assumed, its function apps could not be listed).
	BreadthAccount
	// BreadthRegion: one account-region (ListFunctions denied there).
	BreadthRegion
	// BreadthResource: one function or execution identity (its policy, URL,
	// triggers or permissions could not be read).
	BreadthResource
)

var breadthNames = [...]string{"organization", "account", "region", "resource"}

// String names the breadth: organization, account, region or resource.
func (b GapBreadth) String() string {
	if b < 0 || int(b) >= len(breadthNames) {
		return fmt.Sprintf("GapBreadth(%d)", int(b))
	}
	return breadthNames[b]
}

// orgListingAPIs are the calls that list an organization's accounts: their gap
// is recorded against the caller's account but hides every other account.
var orgListingAPIs = map[string]bool{"organizations:ListAccounts": true}

// GapBreadthOf tells how much of the estate g leaves unread, from the fields
// that place it: a Resource makes it a resource gap; otherwise a Region makes
// it a region gap; otherwise an Account makes it an account gap, unless its API
// lists the organization's accounts; a gap without an account covers the
// provider's whole scope.
func GapBreadthOf(g audit.Gap) GapBreadth {
	switch {
	case g.Resource != "":
		return BreadthResource
	case g.Region != "":
		return BreadthRegion
	case g.Account == "" || orgListingAPIs[g.API]:
		return BreadthOrganization
	default:
		return BreadthAccount
	}
}

// RankGaps sorts gaps widest first (GapBreadthOf), then by provider, account,
// region, resource, API and message, so that a list cut short keeps the gaps
// that hide the most.
func RankGaps(gs []audit.Gap) {
	audit.SortGaps(gs)
	sort.SliceStable(gs, func(i, j int) bool { return GapBreadthOf(gs[i]) < GapBreadthOf(gs[j]) })
}

// GapGroup is the per-resource gaps of one account-region that share a call,
// a cause and a kind of missing data, folded into one line.
type GapGroup struct {
	Provider audit.Provider
	Account  string
	Region   string
	API      string
	Data     audit.DataKind
	Reason   audit.GapReason
	// Count is how many gaps the group holds; First is the first of them in
	// RankGaps order (its resource and message stand for the rest).
	Count int
	First audit.Gap
}

// String says what the group covers in one line, e.g.
// "aws 123456789012 us-east-1: lambda:GetPolicy throttled for 212 functions (access missing)".
// The text comes from the audited estate: escape it before showing it.
func (g GapGroup) String() string {
	where := string(g.Provider)
	for _, s := range []string{g.Account, g.Region} {
		if s != "" {
			where += " " + s
		}
	}
	s := where + ": " + g.API + " " + string(g.Reason) + " for " + g.covers()
	if g.Data != "" && g.Data != audit.DataFunctions {
		s += " (" + string(g.Data) + " missing)"
	}
	return s
}

// covers counts what the group's gaps left unread: "212 functions", "2 identities".
func (g GapGroup) covers() string {
	if g.Data == audit.DataIdentity {
		if g.Count == 1 {
			return "1 identity"
		}
		return fmt.Sprintf("%d identities", g.Count)
	}
	return digestPlural(g.Count, "function")
}

// FoldGaps folds the resource-level gaps of gs (GapBreadthOf) into one group
// per provider, account, region, API, cause and missing data, in RankGaps
// order; it ignores every wider gap.
func FoldGaps(gs []audit.Gap) []GapGroup {
	narrow := make([]audit.Gap, 0, len(gs))
	for _, g := range gs {
		if GapBreadthOf(g) == BreadthResource {
			narrow = append(narrow, g)
		}
	}
	RankGaps(narrow)
	type key struct {
		p                    audit.Provider
		account, region, api string
		data                 audit.DataKind
		reason               audit.GapReason
	}
	index := map[key]int{}
	var out []GapGroup
	for _, g := range narrow {
		k := key{g.Provider, g.Account, g.Region, g.API, g.Data, g.Reason}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, GapGroup{Provider: g.Provider, Account: g.Account, Region: g.Region, API: g.API,
				Data: g.Data, Reason: g.Reason, First: g})
		}
		out[i].Count++
	}
	return out
}

// writeWideCompact lists the accounts that could not be audited and the other
// wider gaps one line per cause.
func (d *digester) writeWideCompact(b *strings.Builder) {
	if len(d.unaudited) > 0 {
		var gs []audit.Gap
		for _, a := range d.unaudited {
			gs = append(gs, a.gaps...)
		}
		fmt.Fprintf(b, "%d of %s could not be audited (one line per cause; the full report has the messages):\n",
			len(d.unaudited), d.unit(d.accounts))
		for _, c := range FoldWideGaps(gs) {
			fmt.Fprintf(b, "- %s\n", digestText(c.String(), 1<<20))
		}
	}
	if len(d.wide) > 0 {
		fmt.Fprintf(b, "%s left whole accounts or regions of the audited estate unread (one line per cause):\n",
			digestPlural(len(d.wide), "gap"))
		for _, c := range FoldWideGaps(d.wide) {
			fmt.Fprintf(b, "- %s\n", digestText(c.String(), 1<<20))
		}
	}
}

// GapCause is the organization-, account- or region-level gaps of one breadth
// that share a provider, a call, a cause and a kind of missing data, with every
// place they cover.
type GapCause struct {
	Breadth  GapBreadth
	Provider audit.Provider
	API      string
	Data     audit.DataKind
	Reason   audit.GapReason
	// Places are the gaps' accounts ("123456789012") or account-regions
	// ("123456789012 us-east-1"), in RankGaps order; empty for a gap that
	// names neither.
	Places []string
}

// String says what the cause covers in one line, every place named, e.g.
// "aws sts:AssumeRole assume-role for 2 accounts: 123456789012, 210987654321".
// The text comes from the audited estate: escape it before showing it.
func (c GapCause) String() string {
	s := string(c.Provider) + " " + c.API + " " + string(c.Reason)
	if c.Data != "" && c.Data != audit.DataFunctions {
		s += " (" + string(c.Data) + " missing)"
	}
	if len(c.Places) == 0 {
		return s
	}
	word := "account"
	if c.Breadth == BreadthRegion {
		word = "account-region"
	}
	return s + " for " + digestPlural(len(c.Places), word) + ": " + strings.Join(c.Places, ", ")
}

// FoldWideGaps folds the organization-, account- and region-level gaps of gs
// into one GapCause per breadth, provider, API, cause and missing data,
// widest first; it ignores resource-level gaps (FoldGaps folds those).
func FoldWideGaps(gs []audit.Gap) []GapCause {
	wide := make([]audit.Gap, 0, len(gs))
	for _, g := range gs {
		if GapBreadthOf(g) < BreadthResource {
			wide = append(wide, g)
		}
	}
	RankGaps(wide)
	type key struct {
		b      GapBreadth
		p      audit.Provider
		api    string
		data   audit.DataKind
		reason audit.GapReason
	}
	index := map[key]int{}
	var out []GapCause
	for _, g := range wide {
		k := key{GapBreadthOf(g), g.Provider, g.API, g.Data, g.Reason}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, GapCause{Breadth: k.b, Provider: g.Provider, API: g.API, Data: g.Data, Reason: g.Reason})
		}
		if place := strings.TrimSpace(g.Account + " " + g.Region); place != "" {
			out[i].Places = append(out[i].Places, place)
		}
	}
	return out
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
