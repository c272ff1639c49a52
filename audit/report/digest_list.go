package report

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// mattersCategories are the categories every one of whose findings the digest
// names before any other: who can invoke a function and what its identity can
// do.
var mattersCategories = map[audit.Category]bool{audit.PublicInvoke: true, audit.CrossAccountInvoke: true,
	audit.AdminAccess: true, audit.PrivilegeEscalation: true}

// Matters reports whether a finding's category is one the digest always names:
// public-invoke, cross-account-invoke, admin-access or privilege-escalation.
func Matters(f *audit.Finding) bool { return mattersCategories[f.Category] }

// lineItem is one open finding the digest names in one line, with its
// function's place in the ranking.
type lineItem struct {
	f    *audit.Finding
	rank int
}

// writeFindings lists the worst functions in full and every other open finding
// in one line, grouped by account, within MaxFindings.
func (d *digester) writeFindings(b *strings.Builder) {
	if d.open == 0 {
		return
	}
	quota := d.open
	if m := d.opts.MaxFindings; m != 0 && m < quota {
		quota = max(m, 0)
	}
	full := len(d.ranked)
	if m := d.opts.MaxFunctions; m != 0 && m < full {
		full = max(m, 0)
	}

	// The worst functions, in full, as far as the quota goes. A fix already
	// given for the same rule is referred to, not repeated.
	fixes := map[string]int{}
	rest := make([]lineItem, 0, d.open)
	shown := 0
	if full > 0 && quota > 0 {
		digestHeading(b, "Worst functions first")
	}
	for i, rf := range d.ranked {
		if i >= full {
			for j := range rf.Findings {
				rest = append(rest, lineItem{&rf.Findings[j], i})
			}
			continue
		}
		if shown >= quota {
			for j := range rf.Findings {
				rest = append(rest, lineItem{&rf.Findings[j], i})
			}
			continue
		}
		where := []string{string(rf.Provider)}
		if rf.Account != "" {
			where = append(where, "account "+rf.Account)
		}
		if rf.Region != "" {
			where = append(where, rf.Region)
		}
		fmt.Fprintf(b, "\n%d. %s (%s)\n", i+1, digestText(rf.Function, 200), digestText(strings.Join(where, ", "), 200))
		fmt.Fprintf(b, "   Risk: %s (score %d of 16)\n", digestText(rf.Reason, 400), rf.Score)
		if rf.Resource != rf.Function {
			fmt.Fprintf(b, "   Resource: %s\n", digestText(rf.Resource, 300))
		}
		for j := range rf.Findings {
			f := &rf.Findings[j]
			if shown >= quota {
				rest = append(rest, lineItem{f, i})
				continue
			}
			shown++
			d.writeFull(b, f, i+1, fixes)
		}
	}

	// Every other finding in one line: the categories that matter first, each
	// part in ranking order; the quota cuts the end.
	lines := make([]lineItem, 0, len(rest))
	for _, pass := range []bool{true, false} {
		for _, it := range rest {
			if Matters(it.f) == pass {
				lines = append(lines, it)
			}
		}
	}
	n := min(len(lines), quota-shown)
	listed, cut := lines[:n], lines[n:]
	d.listed = shown + n
	if len(listed) > 0 {
		title := "Every other open finding, by account"
		if full == 0 {
			title = "Open findings, by account"
		}
		digestHeading(b, title)
		b.WriteString("One line each: severity, function, region, what. Worst functions first within each account.\n")
		for _, grp := range groupByAccount(listed) {
			fmt.Fprintf(b, "\n%s:\n", digestText(grp.key, 120))
			for _, it := range grp.items {
				d.writeLine(b, it.f)
			}
		}
	}
	if len(cut) == 0 {
		return
	}
	var accts []string
	for _, grp := range countByAccount(cut) {
		accts = append(accts, fmt.Sprintf("%s (%d)", digestText(grp.key, 120), grp.n))
	}
	if len(accts) > 20 {
		accts = append(accts[:20], fmt.Sprintf("%d more accounts", len(accts)-20))
	}
	exposures := 0
	for _, it := range cut {
		if Matters(it.f) {
			exposures++
		}
	}
	what := "the lowest-ranked"
	if exposures > 0 {
		what = fmt.Sprintf("the lowest-ranked, %d of them about who can invoke a function or what it can do", exposures)
	}
	fmt.Fprintf(b, "\n... and %s (%s), not listed here, in %s.\n", digestMore(len(cut), "finding"), what, strings.Join(accts, ", "))
	switch {
	case d.opts.FullReport != "":
		fmt.Fprintf(b, "The full report is at %s\n", digestText(d.opts.FullReport, 300))
	case d.opts.MoreHint != "":
		b.WriteString(d.opts.MoreHint + "\n")
	}
}

type accountGroup struct {
	key   string
	items []lineItem
	n     int
}

// groupByAccount groups items by provider and account, in the order of each
// account's first item, keeping the items' order within each group.
func groupByAccount(items []lineItem) []accountGroup { return byAccount(items, true) }

// countByAccount counts items by provider and account (each group's n), in
// groupByAccount's order, without keeping the items.
func countByAccount(items []lineItem) []accountGroup { return byAccount(items, false) }

func byAccount(items []lineItem, keep bool) []accountGroup {
	idx := map[string]int{}
	var out []accountGroup
	for _, it := range items {
		k := accountKey(it.f)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, accountGroup{key: k})
		}
		out[i].n++
		if keep {
			out[i].items = append(out[i].items, it)
		}
	}
	return out
}

// accountKey names f's provider and account as the digest groups them.
func accountKey(f *audit.Finding) string {
	if f.Account == "" {
		return string(f.Provider)
	}
	return string(f.Provider) + " account " + f.Account
}

func (d *digester) newMark(f *audit.Finding) string {
	if d.opts.Delta.IsNew(f.ID) {
		return "NEW "
	}
	return ""
}

// writeFull writes one finding in full: what, where, why and the fix.
func (d *digester) writeFull(b *strings.Builder, f *audit.Finding, n int, fixes map[string]int) {
	fmt.Fprintf(b, "   - %s[%s] %s (%s)\n", d.newMark(f), strings.ToUpper(string(f.Severity)), digestText(f.Title, 200), digestText(f.Rule, 40))
	if f.Detail != "" {
		fmt.Fprintf(b, "     What: %s\n", digestText(f.Detail, 600))
	}
	switch first, seen := fixes[f.Rule+"\x00"+f.Remediation]; {
	case f.Remediation == "":
	case seen && first != n:
		fmt.Fprintf(b, "     Fix: as for %d. (%s)\n", first, digestText(f.Rule, 40))
	default:
		fixes[f.Rule+"\x00"+f.Remediation] = n
		fmt.Fprintf(b, "     Fix: %s\n", digestText(f.Remediation, 600))
	}
}

// writeLine writes one finding in one line: severity, function, region, what.
func (d *digester) writeLine(b *strings.Builder, f *audit.Finding) {
	region := ""
	if f.Region != "" {
		region = ", " + digestText(f.Region, 40)
	}
	fmt.Fprintf(b, "- %s[%s] %s%s: %s\n", d.newMark(f), strings.ToUpper(string(f.Severity)),
		digestText(functionName(f), 120), region, digestText(f.Title, 160))
}

// writeChanges is the first section when the caller keeps history: what is
// new, then what was resolved, then what remains.
func (d *digester) writeChanges(b *strings.Builder) {
	dl := d.opts.Delta
	if dl == nil {
		return
	}
	digestHeading(b, "Changes since the last run")
	if !dl.Baseline {
		b.WriteString("No baseline: no earlier report was found, so nothing is marked new. The next run says what changed since this one.\n")
		return
	}
	fmt.Fprintf(b, "Compared with the run of %s: %d new, %d resolved, %d still open.\n",
		dl.Since.UTC().Format("2006-01-02 15:04 UTC"), len(dl.New), len(dl.Resolved), len(dl.Remaining)+len(dl.New))
	limit := func(n int) int {
		if m := d.opts.MaxChanges; m > 0 && m < n {
			return m
		}
		return n
	}
	if len(dl.New) > 0 {
		fmt.Fprintf(b, "\nNew (marked NEW below):\n")
		ranked := RankFunctions(dl.New)
		n, k := limit(len(dl.New)), 0
		for _, rf := range ranked {
			for j := range rf.Findings {
				if k < n {
					d.writeChangeLine(b, &rf.Findings[j])
				}
				k++
			}
		}
		if n < len(dl.New) {
			fmt.Fprintf(b, "... and %s, marked NEW below.\n", digestMore(len(dl.New)-n, "new finding"))
		}
	} else {
		b.WriteString("\nNothing new.\n")
	}
	if len(dl.Resolved) > 0 {
		b.WriteString("\nResolved (no longer found, where this run read everything):\n")
		n := limit(len(dl.Resolved))
		for i := range dl.Resolved[:n] {
			d.writeChangeLine(b, &dl.Resolved[i])
		}
		if n < len(dl.Resolved) {
			fmt.Fprintf(b, "... and %s.\n", digestMore(len(dl.Resolved)-n, "resolved finding"))
		}
	}
	if len(dl.Accepted) > 0 {
		fmt.Fprintf(b, "\nAccepted since (now suppressed): %d\n", len(dl.Accepted))
	}
	if len(dl.Unverified) > 0 {
		items := make([]lineItem, len(dl.Unverified))
		for i := range dl.Unverified {
			items[i] = lineItem{f: &dl.Unverified[i]}
		}
		var accts []string
		for _, grp := range groupByAccount(items) {
			accts = append(accts, fmt.Sprintf("%s (%d)", digestText(grp.key, 120), len(grp.items)))
		}
		if len(accts) > 20 {
			accts = append(accts[:20], fmt.Sprintf("%d more accounts", len(accts)-20))
		}
		fmt.Fprintf(b, "\nNot re-checked, so not counted as resolved: %s open last time in places this run could not read (see the coverage gaps): %s.\n",
			digestPlural(len(dl.Unverified), "finding"), strings.Join(accts, ", "))
	}
	if n := len(dl.Remaining); n > 0 {
		fmt.Fprintf(b, "\nStill open from the last run: %d (listed below).\n", n)
	}
}

func (d *digester) writeChangeLine(b *strings.Builder, f *audit.Finding) {
	where := string(f.Provider)
	for _, s := range []string{f.Account, f.Region} {
		if s != "" {
			where += " " + s
		}
	}
	fmt.Fprintf(b, "- [%s] %s (%s): %s\n", strings.ToUpper(string(f.Severity)), digestText(functionName(f), 120),
		digestText(where, 120), digestText(f.Title, 160))
}
