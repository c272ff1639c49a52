package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestWriteOutputNewAndReplacedFilesAre0600(t *testing.T) {
	// Not parallel: the umask is process-wide.
	for _, umask := range []int{0o022, 0o077, 0o000} {
		old := syscall.Umask(umask)
		dir := t.TempDir()
		fresh := filepath.Join(dir, "new.json")
		if err := writeOutput(fresh, writeString("new")); err != nil {
			t.Fatal(err)
		}
		existing := filepath.Join(dir, "old.json")
		if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(existing, 0o644)
		if err := writeOutput(existing, writeString("replaced")); err != nil {
			t.Fatal(err)
		}
		syscall.Umask(old)
		for _, p := range []string{fresh, existing} {
			if m := mode(t, p); m != 0o600 {
				t.Errorf("umask %03o: %s has mode %03o, want 600", umask, filepath.Base(p), m)
			}
		}
		if data, _ := os.ReadFile(existing); string(data) != "replaced" {
			t.Errorf("replaced file holds %q", data)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

func TestWriteOutputThroughSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "reports", "latest.json")
	os.Mkdir(filepath.Dir(real), 0o700)
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(filepath.Join("reports", "latest.json"), link); err != nil {
		t.Fatal(err)
	}
	// A dangling link: the file it names is created.
	if err := writeOutput(link, writeString("one")); err != nil {
		t.Fatal(err)
	}
	// An existing target: replaced through the link.
	if err := writeOutput(link, writeString("two")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st.Mode(), err)
	}
	if data, _ := os.ReadFile(real); string(data) != "two" {
		t.Errorf("link target holds %q", data)
	}
	if m := mode(t, real); m != 0o600 {
		t.Errorf("target mode %03o", m)
	}
}

func TestWriteOutputToFIFO(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := checkOutput(fifo, "--output"); err != nil {
		t.Fatalf("check: %v", err) // must not open (and block on) the FIFO
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		data, _ := io.ReadAll(f)
		got <- string(data)
	}()
	if err := writeOutput(fifo, writeString("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Errorf("reader got %q", s)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", st.Mode(), err)
	}
}

func TestWriteOutputCharDevice(t *testing.T) {
	t.Parallel()
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Skip("no /dev/null")
	}
	if err := writeOutput("/dev/null", writeString("gone")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v", err)
	}
}

// A writable file in a read-only directory is written in place.
func TestWriteOutputReadOnlyDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if os.Geteuid() == 0 {
		// Root may write any directory: see it as its owner would.
		old := access
		access = func(p string, m uint32) error {
			if p == dir && m&unix.W_OK != 0 {
				return unix.EACCES
			}
			return old(p, m)
		}
		t.Cleanup(func() { access = old })
	}
	os.Mkdir(dir, 0o700)
	p := filepath.Join(dir, "report.json")
	if err := os.WriteFile(p, []byte("old content that is longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o500)
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	if plan, _, err := planOutput(p); err != nil || plan != outputInPlace {
		t.Errorf("plan %v, %v; want in place", plan, err)
	}
	// A new file cannot be created there: found before any work.
	err := checkOutput(filepath.Join(dir, "new.json"), "--output")
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Errorf("new file in a read-only directory: %v", err)
	}
	if err := writeOutput(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "new" {
		t.Errorf("file holds %q", data)
	}
	if m := mode(t, p); m != 0o600 {
		t.Errorf("mode %03o, want 600", m)
	}
}

// Errors name the user's path, never the temporary file.
func TestWriteOutputErrorsNameThePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "r.json")
	err := writeOutput(p, func(w io.Writer) error {
		f := w.(*os.File)
		f.Close() // make the write fail on the temporary file
		_, err := f.Write([]byte("x"))
		return err
	})
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "write "+p+": ") || strings.Contains(err.Error(), ".r.json.") {
		t.Errorf("error %q does not name %s alone", err, p)
	}
	if _, serr := os.Stat(p); serr == nil {
		t.Error("a failed write left a report behind")
	}
	if err := writeOutput(filepath.Join(dir, "missing", "r.json"), writeString("x")); err == nil ||
		!strings.Contains(err.Error(), filepath.Join(dir, "missing", "r.json")) || strings.Contains(err.Error(), ".r.json.") {
		t.Errorf("error %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
