package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/spf13/cobra"
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

func newRulesCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules [--format text|json] [ID or SLUG]",
		Short: "Print the rule catalogue, or one rule's documentation",
		Long: `Prints the rule catalogue, or with a rule id or slug (in any case) that rule's
documentation: what it checks, why it matters and how to fix it.`,
		Example: `  fnaudit rules
  fnaudit rules FNA-AWS-001
  fnaudit rules fna-aws-001
  fnaudit rules aws-public-invoke --format json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return &usageError{"want at most one rule ID"}
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var ids []string
			for _, r := range rules.All() {
				ids = append(ids, r.ID+"\t"+r.Title)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, pos []string) error {
			return runRules(e, format, pos)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output `FORMAT`: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// findRule looks a rule up by id or slug, ignoring case.
func findRule(name string) (audit.Rule, bool) {
	for _, r := range rules.All() {
		if strings.EqualFold(r.ID, name) || strings.EqualFold(r.Slug, name) {
			return r, true
		}
	}
	return audit.Rule{}, false
}

func runRules(e *env, format string, pos []string) error {
	if format != "text" && format != "json" {
		return &usageError{fmt.Sprintf("--format: unknown format %q for rules (want text or json)", format)}
	}
	if len(pos) == 1 {
		r, ok := findRule(pos[0])
		if !ok {
			return &usageError{fmt.Sprintf("unknown rule %q (see fnaudit rules)", pos[0])}
		}
		if format == "json" {
			return writeJSON(e, infoOf(r, true))
		}
		printRuleDoc(e, r)
		return nil
	}
	all := rules.All()
	if format == "json" {
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
