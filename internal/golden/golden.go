// Package golden compares test output with golden files under testdata/ and
// rewrites them on request, so every package's golden tests behave alike:
// `go test ./pkg -update` rewrites, a plain run diffs.
package golden

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Check compares got with testdata/<name>.golden, or rewrites that file when
// update is true. A missing file fails with a hint to run with -update.
func Check(t testing.TB, name string, got []byte, update bool) {
	t.Helper()
	File(t, filepath.Join("testdata", name+".golden"), got, update)
}

// File is Check for a file at any path, such as a generated document that is
// committed where readers look for it (a published schema, a reference page).
func File(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from golden file (-want +got):\n%s", path, diff)
	}
}
