package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/suppress"
)

var now = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func TestRunBuiltInventory(t *testing.T) {
	t.Parallel()
	if err := buildInventory().Validate(); err != nil {
		t.Fatalf("built inventory is invalid: %v", err)
	}
	var out bytes.Buffer
	if err := run(&out, nil, now); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"needs attention: high FNA-GCP-003 on deploy-hook", // roles/owner on the project: high, not exploitable from outside by itself
		"SUPPRESSED (1)", "status page is public by design", // allUsers, accepted
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunInventoryFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "inv.json")
	if err := os.WriteFile(path, []byte(`{"schema":"fnaudit.inventory/v1","functions":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(&out, []string{path}, now); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "No findings to show.") {
		t.Errorf("output:\n%s", out.String())
	}
	if err := os.WriteFile(path, []byte(`{"schema":"nope"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(&out, []string{path}, now); err == nil || !strings.Contains(err.Error(), "inv.json: schema") {
		t.Errorf("bad inventory: %v", err)
	}
}

// The inventory built in code round-trips through the inventory's JSON form.
func TestBuiltInventoryRoundTrips(t *testing.T) {
	t.Parallel()
	data, err := json.Marshal(buildInventory())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.ParseInventory(data); err != nil {
		t.Errorf("built inventory does not parse back: %v", err)
	}
}

// TestExampleSuppressionsStayLive keeps the example suppressions files true
// for years: every entry parses (its rule exists) and none expires within two
// years of today, so a new user never starts with an expired example.
func TestExampleSuppressionsStayLive(t *testing.T) {
	t.Parallel()
	horizon := time.Now().UTC().AddDate(2, 0, 0)
	for _, path := range []string{"suppressions.yaml", filepath.Join("..", "suppressions.yaml")} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := suppress.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(entries) == 0 {
			t.Errorf("%s has no entries", path)
		}
		for _, e := range entries {
			if e.Expired(horizon) {
				t.Errorf("%s: entry %s expires %s, within two years of today; move it at least two years out",
					path, e, e.Expires.Format("2006-01-02"))
			}
		}
	}
}
