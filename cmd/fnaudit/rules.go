package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
)

// ruleInfo is a rule's metadata as `rules --format json` prints it.
type ruleInfo struct {
	ID          string           `json:"id"`
	Slug        string           `json:"slug"`
	Category    audit.Category   `json:"category"`
	Severity    audit.Severity   `json:"severity"`
	Provider    audit.Provider   `json:"provider"`
	Title       string           `json:"title"`
	Remediation string           `json:"remediation,omitempty"`
	References  []string         `json:"references,omitempty"`
	Needs       []audit.DataKind `json:"needs,omitempty"`
	Doc         string           `json:"doc,omitempty"`
}

func infoOf(r audit.Rule, withDoc bool) ruleInfo {
	ri := ruleInfo{ID: r.ID, Slug: r.Slug, Category: r.Category, Severity: r.Severity, Provider: r.Provider,
		Title: r.Title, Remediation: r.Remediation, References: r.References, Needs: r.Needs}
	if withDoc {
		ri.Doc = r.Doc
	}
	return ri
}

func cmdRules(e *env, args []string) error {
	fs := newFlagSet(e, "rules", "rules [--format text|json] [ID or SLUG]")
	format := fs.String("format", "text", "output format: text or json")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return &usageError{fmt.Sprintf("--format: unknown format %q for rules (want text or json)", *format)}
	}
	if len(pos) > 1 {
		return &usageError{"want at most one rule ID"}
	}
	if len(pos) == 1 {
		r, ok := rules.ByID(pos[0])
		if !ok {
			return &usageError{fmt.Sprintf("unknown rule %q (see fnaudit rules)", pos[0])}
		}
		if *format == "json" {
			return writeJSON(e, infoOf(r, true))
		}
		printRuleDoc(e, r)
		return nil
	}
	all := rules.All()
	if *format == "json" {
		infos := make([]ruleInfo, len(all))
		for i, r := range all {
			infos[i] = infoOf(r, false)
		}
		return writeJSON(e, infos)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSLUG\tCATEGORY\tSEVERITY\tPROVIDER\tTITLE")
	for _, r := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Slug, r.Category, r.Severity, r.Provider, r.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n%d rules. \"fnaudit rules ID\" prints a rule's documentation.\n", len(all))
	return nil
}

func printRuleDoc(e *env, r audit.Rule) {
	w := e.stdout
	fmt.Fprintf(w, "%s (%s): %s\n", r.ID, r.Slug, r.Title)
	fmt.Fprintf(w, "provider %s, category %s, default severity %s\n", r.Provider, r.Category, r.Severity)
	if len(r.Needs) > 0 {
		needs := make([]string, len(r.Needs))
		for i, n := range r.Needs {
			needs[i] = string(n)
		}
		fmt.Fprintf(w, "needs: %s\n", strings.Join(needs, ", "))
	}
	if doc := strings.TrimSpace(r.Doc); doc != "" {
		fmt.Fprintf(w, "\n%s\n", doc)
	}
	if r.Remediation != "" {
		fmt.Fprintf(w, "\nRemediation: %s\n", r.Remediation)
	}
	if len(r.References) > 0 {
		fmt.Fprintln(w, "\nReferences:")
		for _, ref := range r.References {
			fmt.Fprintf(w, "  - %s\n", ref)
		}
	}
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
