package report

import (
	"flag"
	"testing"

	goldenfile "github.com/fnaudit/fnaudit/internal/golden"
)

// update rewrites golden files: go test ./audit/report -update. Every golden test
// of this package (the digest's too) shares this one flag and golden().
var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/<name>.golden, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, name, got, *update)
}
