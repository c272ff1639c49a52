package suppress

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"go.yaml.in/yaml/v3"
)

// Entry is one accepted risk from a suppressions file.
type Entry struct {
	// Index is the entry's 1-based position in its file.
	Index int
	// Line is the entry's line in its file (0 when built in code).
	Line int
	// Rule is a rule id ("FNA-AWS-001") or slug ("aws-public-invoke"),
	// matched case-insensitively; empty matches any rule.
	Rule string
	// Category matches every rule of a category; empty matches any category.
	Category audit.Category
	// Resource is a glob over the finding's resource id (see the package doc).
	Resource string
	// Reason says why the risk is accepted; it is required.
	Reason string
	// Expires is when the entry stops suppressing; zero means never. When
	// ExpiresDay is set, Expires is midnight UTC of the last day the entry holds.
	Expires time.Time
	// ExpiresDay marks Expires as a date: the entry lasts through that whole day (UTC).
	ExpiresDay bool
}

// String names the entry for warnings and for Finding.Suppression.Entry, e.g.
// `#2 rule=FNA-AWS-001 resource=arn:aws:lambda:*`.
func (e Entry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d", e.Index)
	if e.Rule != "" {
		fmt.Fprintf(&b, " rule=%s", e.Rule)
	}
	if e.Category != "" {
		fmt.Fprintf(&b, " category=%s", e.Category)
	}
	fmt.Fprintf(&b, " resource=%s", e.Resource)
	return b.String()
}

// Expired reports whether the entry no longer suppresses at now.
func (e Entry) Expired(now time.Time) bool {
	if e.Expires.IsZero() {
		return false
	}
	end := e.Expires
	if e.ExpiresDay {
		end = end.AddDate(0, 0, 1)
	}
	return !now.Before(end)
}

// Matches reports whether the entry covers the finding (ignoring expiry and status).
func (e Entry) Matches(f *audit.Finding) bool {
	if e.Rule != "" && !strings.EqualFold(e.Rule, f.Rule) && !strings.EqualFold(e.Rule, f.Slug) {
		return false
	}
	if e.Category != "" && e.Category != f.Category {
		return false
	}
	return MatchResource(e.Resource, f.Resource, f.Provider == audit.Azure)
}

// ParseOptions say how a suppressions file is parsed. The zero value checks
// every entry's rule against fnaudit's own rules.
type ParseOptions struct {
	// Rules are the rules an entry may name, by id or slug (matched
	// case-insensitively). Nil means the built-in catalogue, rules.All(); a
	// program that analyzes with rules of its own passes those.
	Rules []audit.Rule
	// AllowUnknownRules accepts an entry naming a rule outside Rules (a file
	// shared with a newer fnaudit that knows more rules, say); such an entry
	// matches nothing here. By default it is an error, so a misspelt rule id
	// never becomes a suppression that silently matches nothing.
	AllowUnknownRules bool
}

// LoadFile reads and parses the suppressions file at path with the default
// ParseOptions.
func LoadFile(path string) ([]Entry, error) { return ParseOptions{}.LoadFile(path) }

// LoadFile reads and parses the suppressions file at path; errors name the file.
func (o ParseOptions) LoadFile(path string) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("suppressions: %w", err)
	}
	entries, err := o.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}

// Parse parses a suppressions file with the default ParseOptions: an entry
// naming a rule that fnaudit does not have is an error. Errors are one line and
// name the entry and field, e.g. `suppressions[2] (line 9): reason: required`.
func Parse(data []byte) ([]Entry, error) { return ParseOptions{}.Parse(data) }

// Parse parses a suppressions file. A rule named in another case than the
// rule's own id or slug is stored in the rule's spelling.
func (o ParseOptions) Parse(data []byte) ([]Entry, error) {
	entries, err := parse(data)
	if err != nil {
		return nil, err
	}
	if o.AllowUnknownRules {
		return entries, nil
	}
	known := o.Rules
	if known == nil {
		known = rules.All()
	}
	for i := range entries {
		e := &entries[i]
		if e.Rule == "" {
			continue
		}
		name, ok := ruleName(known, e.Rule)
		if !ok {
			return nil, fmt.Errorf("suppressions[%d] (line %d): rule: unknown rule %q", e.Index, e.Line, e.Rule)
		}
		e.Rule = name
	}
	return entries, nil
}

// ruleName returns the id or slug of the rule that s names, case-insensitively,
// in the rule's own spelling.
func ruleName(known []audit.Rule, s string) (string, bool) {
	for _, r := range known {
		switch {
		case strings.EqualFold(r.ID, s):
			return r.ID, true
		case strings.EqualFold(r.Slug, s):
			return r.Slug, true
		}
	}
	return "", false
}

func parse(data []byte) ([]Entry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid YAML: %s", oneLine(err.Error()))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("file is empty (want a suppressions: list)")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: top level must be a mapping with a suppressions: list", root.Line)
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "suppressions":
			list = v
		default:
			return nil, fmt.Errorf("line %d: unknown top-level key %q (want suppressions)", k.Line, k.Value)
		}
	}
	if list == nil {
		return nil, errors.New("missing top-level key suppressions")
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return []Entry{}, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: suppressions must be a list", list.Line)
	}
	entries := make([]Entry, 0, len(list.Content))
	for i, n := range list.Content {
		e, err := parseEntry(n, i+1)
		if err != nil {
			return nil, fmt.Errorf("suppressions[%d] (line %d): %w", i+1, n.Line, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

func parseEntry(n *yaml.Node, index int) (Entry, error) {
	e := Entry{Index: index, Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return e, errors.New("entry must be a mapping with rule or category, resource and reason")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return e, fmt.Errorf("%s: given twice", k.Value)
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			return e, fmt.Errorf("%s: must be a single value", k.Value)
		}
		val := strings.TrimSpace(v.Value)
		switch k.Value {
		case "rule":
			e.Rule = val
		case "category":
			c, err := parseCategory(val)
			if err != nil {
				return e, fmt.Errorf("category: %w", err)
			}
			e.Category = c
		case "resource":
			if err := checkGlob(val); err != nil {
				return e, fmt.Errorf("resource: %w", err)
			}
			e.Resource = val
		case "reason":
			e.Reason = val
		case "expires":
			t, day, err := parseExpires(val)
			if err != nil {
				return e, fmt.Errorf("expires: %w", err)
			}
			e.Expires, e.ExpiresDay = t, day
		default:
			return e, fmt.Errorf("unknown key %q (want rule, category, resource, reason, expires)", k.Value)
		}
	}
	switch {
	case e.Rule == "" && e.Category == "":
		return e, errors.New("rule or category: required (give a rule id/slug or a category)")
	case e.Resource == "":
		return e, errors.New(`resource: required (use "**" to match every resource)`)
	case e.Reason == "":
		return e, errors.New("reason: required (say why the risk is accepted)")
	}
	return e, nil
}

func parseCategory(s string) (audit.Category, error) {
	for _, c := range audit.Categories() {
		if string(c) == s {
			return c, nil
		}
	}
	names := make([]string, len(audit.Categories()))
	for i, c := range audit.Categories() {
		names[i] = string(c)
	}
	return "", fmt.Errorf("unknown category %q (want one of %s)", s, strings.Join(names, ", "))
}

// parseExpires accepts a date (the entry lasts through that day, UTC) or an
// RFC 3339 instant.
func parseExpires(s string) (t time.Time, day bool, err error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), false, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a date (want YYYY-MM-DD or RFC 3339)", s)
}

// CheckRules reports the first entry whose rule is not known, so a misspelt rule
// id is an error instead of a suppression that never matches. known reports
// whether an id or slug names a rule.
func CheckRules(entries []Entry, known func(idOrSlug string) bool) error {
	for _, e := range entries {
		if e.Rule != "" && !known(e.Rule) {
			return fmt.Errorf("suppressions[%d] (line %d): rule: unknown rule %q", e.Index, e.Line, e.Rule)
		}
	}
	return nil
}

// Apply marks every fail finding that a live entry matches as suppressed, adds a
// warning to the report for each expired entry, and recomputes the summary.
// Suppressed findings stay in the report. The first matching entry wins.
func Apply(r *audit.Report, entries []Entry, now time.Time) {
	if r == nil {
		return
	}
	var live []Entry
	for _, e := range entries {
		if e.Expired(now) {
			r.Warnings = append(r.Warnings, fmt.Sprintf(
				"suppression %s expired on %s and no longer suppresses (reason was: %s)",
				e, e.expiry(), e.Reason))
			continue
		}
		live = append(live, e)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Status != audit.StatusFail {
			continue
		}
		for _, e := range live {
			if e.Matches(f) {
				f.Status = audit.StatusSuppressed
				f.Suppression = &audit.Suppression{Reason: e.Reason, Expires: e.Expires, Entry: e.String()}
				break
			}
		}
	}
	r.Summarize()
}

// expiry shows the expiry as it was written: a date or an instant.
func (e Entry) expiry() string {
	if e.ExpiresDay {
		return e.Expires.Format("2006-01-02")
	}
	return e.Expires.Format(time.RFC3339)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
