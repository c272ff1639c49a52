package azurefunctions

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/azurefunctions/azuretest"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/scenario.inventory.json")

// TestScenarioGolden pins the whole inventory collected from the issue 7
// scenario, so any change in mapping shows up as a reviewable diff
// (go test ./providers/azurefunctions -run Golden -update).
func TestScenarioGolden(t *testing.T) {
	t.Parallel()
	inv := collect(t, azuretest.Scenario(), azuretest.SubProd, azuretest.SubDenied)
	got, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "scenario.inventory.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("inventory differs from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
	// The golden file is itself a valid inventory.
	if _, err := audit.ParseInventory(want); err != nil {
		t.Errorf("%s does not parse: %v", path, err)
	}
}
