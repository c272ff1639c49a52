package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder captures failures instead of failing the real test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if err := os.Mkdir("testdata", 0o755); err != nil {
		t.Fatal(err)
	}

	r := &recorder{TB: t}
	Check(r, "out", []byte("hello\n"), false)
	if !r.failed {
		t.Error("a missing golden file passed")
	}
	Check(t, "out", []byte("hello\n"), true)
	if b, _ := os.ReadFile(filepath.Join("testdata", "out.golden")); string(b) != "hello\n" {
		t.Errorf("update wrote %q", b)
	}
	Check(t, "out", []byte("hello\n"), false)
	r = &recorder{TB: t}
	Check(r, "out", []byte("changed\n"), false)
	if !r.failed {
		t.Error("different output passed")
	}
}
