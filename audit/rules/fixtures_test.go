package rules

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the expected findings of rule fixtures")

// fixture is one file in testdata/<slug>/: an inventory, the analyzer settings,
// and the findings the rule must produce for it (whole findings, compared exactly).
type fixture struct {
	// Doc says what the case shows (failing, passing, near miss) and why.
	Doc       string          `json:"doc"`
	Now       time.Time       `json:"now,omitempty"`
	Trusted   []string        `json:"trustedAccounts,omitempty"`
	Inventory json.RawMessage `json:"inventory"`
	Want      []audit.Finding `json:"want"`
}

// fixtureDefaultNow is the clock of fixtures that do not set one.
var fixtureDefaultNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// runFixtures runs rule over every fixture in testdata/<rule.Slug>/ and compares
// the findings with the fixture's "want"; with -update it rewrites "want".
// It returns how many fixtures expected findings and how many expected none.
func runFixtures(t *testing.T, rule audit.Rule) (failing, passing int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", rule.Slug, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures in testdata/%s", rule.Slug)
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fx fixture
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		inv, err := audit.ReadInventory(bytes.NewReader(fx.Inventory))
		if err != nil {
			t.Fatalf("%s: inventory: %v", file, err)
		}
		now := fx.Now
		if now.IsZero() {
			now = fixtureDefaultNow
		}
		got := audit.Analyze(inv, []audit.Rule{rule}, audit.Config{Now: now, TrustedAccounts: fx.Trusted}).Findings
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		if *update {
			fx.Want = got
			out, err := json.MarshalIndent(fx, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		} else if diff := cmp.Diff(fx.Want, got); diff != "" {
			t.Errorf("%s/%s: findings differ (-want +got):\n%s", rule.Slug, name, diff)
		}
		if len(fx.Want) > 0 {
			failing++
		} else {
			passing++
		}
	}
	return failing, passing
}
