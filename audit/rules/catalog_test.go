package rules

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/golden"
)

// Meta-tests over the whole catalogue: what every rule must carry, and the
// generated rule reference that must stay in step with the rules' metadata.

var (
	idPattern   = regexp.MustCompile(`^FNA-(AWS|GCP|AZ)-\d{3}$`)
	slugPattern = regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)+$`)
	idProvider  = map[string]audit.Provider{"AWS": audit.AWS, "GCP": audit.GCP, "AZ": audit.Azure}
)

func TestCatalogueMetadata(t *testing.T) {
	t.Parallel()
	ids, slugs := map[string]bool{}, map[string]bool{}
	covered := map[audit.Provider]map[audit.Category]bool{}
	for _, r := range All() {
		if ids[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		if slugs[r.Slug] {
			t.Errorf("duplicate rule slug %s", r.Slug)
		}
		ids[r.ID], slugs[r.Slug] = true, true
		if m := idPattern.FindStringSubmatch(r.ID); m == nil {
			t.Errorf("%s: id does not look like FNA-<AWS|GCP|AZ>-NNN", r.ID)
		} else if idProvider[m[1]] != r.Provider {
			t.Errorf("%s: id names another provider than %s", r.ID, r.Provider)
		}
		prefix := string(r.Provider) + "-"
		if !slugPattern.MatchString(r.Slug) || !strings.HasPrefix(r.Slug, prefix) {
			t.Errorf("%s: slug %q must be kebab-case and start with %q", r.ID, r.Slug, prefix)
		}
		if r.Severity.Rank() < 0 {
			t.Errorf("%s: invalid severity %q", r.ID, r.Severity)
		}
		if !slices.Contains(audit.Categories(), r.Category) {
			t.Errorf("%s: invalid category %q", r.ID, r.Category)
		}
		if r.Title == "" || r.Remediation == "" || len(r.References) == 0 || r.Check == nil {
			t.Errorf("%s: title, remediation, references and check are all required", r.ID)
		}
		for _, k := range r.Needs {
			if !slices.Contains(audit.DataKinds(), k) {
				t.Errorf("%s: unknown data kind %q in Needs", r.ID, k)
			}
		}
		if want := "# " + r.ID + " " + r.Slug + "\n"; !strings.HasPrefix(r.Doc, want) {
			t.Errorf("%s: embedded doc must start with %q", r.ID, strings.TrimSpace(want))
		}
		if covered[r.Provider] == nil {
			covered[r.Provider] = map[audit.Category]bool{}
		}
		covered[r.Provider][r.Category] = true
	}
	// Every provider judges every category of the finding contract.
	for _, p := range audit.Providers() {
		for _, c := range audit.Categories() {
			if !covered[p][c] {
				t.Errorf("no %s rule in category %s", p, c)
			}
		}
	}
}

// TestEveryRuleHasFailingAndPassingFixtures runs each rule's fixtures once more
// from the catalogue, so a rule added to a list without fixtures fails here.
func TestEveryRuleHasFailingAndPassingFixtures(t *testing.T) {
	t.Parallel()
	for _, r := range All() {
		failing, passing := runFixtures(t, r)
		if failing == 0 || passing == 0 {
			t.Errorf("%s: %d failing and %d passing fixtures, want at least one of each", r.ID, failing, passing)
		}
	}
}

// TestRuleReferenceUpToDate keeps docs/rules.md, generated from the rules'
// metadata and embedded docs, in step: go test ./audit/rules -run TestRuleReference -update.
func TestRuleReferenceUpToDate(t *testing.T) {
	t.Parallel()
	golden.File(t, "../../docs/rules.md", ruleReference(), *update)
}

func ruleReference() []byte {
	var b bytes.Buffer
	b.WriteString("# Rule reference\n\n")
	b.WriteString("Generated from the rules' metadata and embedded documentation by\n")
	b.WriteString("`go test ./audit/rules -run TestRuleReference -update`; `fnaudit rules` prints the\n")
	b.WriteString("same catalogue and `fnaudit rules ID` one rule's page.\n\n")
	b.WriteString("| id | slug | provider | category | severity | title |\n|---|---|---|---|---|---|\n")
	for _, r := range All() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", r.ID, anchor(r), r.Slug, r.Provider, r.Category, r.Severity,
			strings.ReplaceAll(r.Title, "|", `\|`))
	}
	b.WriteString(riskRankingDoc)
	for _, r := range All() {
		doc := strings.TrimRight(r.Doc, "\n")
		// One level down, so each rule is a section of this page.
		doc = "#" + doc
		doc = strings.ReplaceAll(doc, "\n## ", "\n### ")
		fmt.Fprintf(&b, "\n%s\n\n", doc)
		fmt.Fprintf(&b, "*Category* %s · *default severity* %s · *needs* %s\n\n", r.Category, r.Severity, joinKinds(r.Needs))
		fmt.Fprintf(&b, "*Remediation.* %s\n", r.Remediation)
		if len(r.References) > 0 {
			b.WriteString("\n*References:*\n")
			for _, ref := range r.References {
				fmt.Fprintf(&b, "- %s\n", ref)
			}
		}
	}
	return b.Bytes()
}

// riskRankingDoc documents audit/report.RankFunctions, the order of the digest
// and of the HTML report's functions.
const riskRankingDoc = `
## Risk ranking

The digest and the HTML report list functions worst first by one risk ranking
(` + "`audit/report.RankFunctions`" + `), computed from each function's open findings:

- **Reach** (who can invoke it), from its public-invoke and cross-account-invoke
  findings: *public* (4) — anyone on the internet; *any account* (3) — any AWS
  account, any Google account, any tenant, or an AWS service acting for any
  account's resource (the finding's title says so); *outside account* (2) — named
  outside accounts, projects, organizations or domains; *none* (1).
- **Power** (what its identity can do): *admin* (4, admin-access), *escalation*
  (3, privilege-escalation), *wildcard* (2, wildcard-permission), *scoped* (1, none
  of these).
- **Exploitability aids**: a deprecated runtime, a plaintext secret (0 to 2).

Reach and power findings count from medium severity up: a grant the rule rates low
(a function URL that answers 403, an invoker binding on a function without an HTTPS
endpoint) is named in the reason as a latent grant but adds no reach.

The **score** is reach × power:

| reach, power | admin | escalation | wildcard | scoped |
|---|---|---|---|---|
| public | 16 | 12 | 8 | 4 |
| any account | 12 | 9 | 6 | 3 |
| outside account | 8 | 6 | 4 | 2 |
| none | 4 | 3 | 2 | 1 |

Functions are ordered by score, then reach, power, number of aids, the worst
severity and the number of open findings (all descending), then provider, account,
region, function name and resource id: the same findings always give the same
order. A public function with an admin role is first (16); a private function with
scoped permissions and a deprecated runtime is at the bottom (1, one aid). Each
entry carries a one-line reason built from its findings, e.g. "public via GET
https://api.example.com/prod/users, admin role, deprecated runtime python3.8": the
door is a front door's address or the function URL the finding names, else the
finding's title.
`

func anchor(r audit.Rule) string {
	return strings.ToLower(r.ID + "-" + r.Slug)
}

func joinKinds(ks []audit.DataKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
