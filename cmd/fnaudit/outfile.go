package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Reports and inventories describe an estate's weak spots: they are created
// readable by their owner only.
const outputMode fs.FileMode = 0o600

// access is unix.Access; tests that run as root (to whom every directory is
// writable) replace it to see a read-only directory as a user would.
var access = unix.Access

// outputPlan is how a report or inventory reaches --output.
type outputPlan int

const (
	// outputAtomic writes a temporary file beside the target and renames it
	// over the target: a failed run never leaves half a report. Only for
	// regular files (or new files) in directories fnaudit may write.
	outputAtomic outputPlan = iota
	// outputInPlace opens the path and truncates it: a regular file in a
	// directory fnaudit may not write, or one reached through /dev or /proc.
	outputInPlace
	// outputStream opens the path and writes to it: FIFOs, character devices
	// (/dev/stdout, /dev/null), sockets. Nothing is truncated or renamed.
	outputStream
)

// planOutput decides how to write path. target is the file a rename must
// replace: path itself, or what a symlink resolves to (the link is kept).
func planOutput(path string) (plan outputPlan, target string, err error) {
	st, err := os.Stat(path) // follows symlinks
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(path); lerr == nil {
			// A dangling symlink: opening it creates what it points to.
			return outputInPlace, path, nil
		}
		dir := filepath.Dir(path)
		dst, derr := os.Stat(dir)
		if derr != nil {
			return 0, "", fmt.Errorf("directory %s does not exist", dir)
		}
		if !dst.IsDir() {
			return 0, "", fmt.Errorf("%s is not a directory", dir)
		}
		if access(dir, unix.W_OK|unix.X_OK) != nil {
			return 0, "", fmt.Errorf("directory %s is not writable", dir)
		}
		return outputAtomic, path, nil
	case err != nil:
		return 0, "", cause(err)
	}
	switch m := st.Mode(); {
	case m.IsDir():
		return 0, "", errors.New("is a directory")
	case m&(fs.ModeNamedPipe|fs.ModeCharDevice|fs.ModeDevice|fs.ModeSocket) != 0:
		if access(path, unix.W_OK) != nil {
			return 0, "", errors.New("not writable")
		}
		return outputStream, path, nil
	case !m.IsRegular():
		return 0, "", fmt.Errorf("not a regular file (mode %s)", m.Type())
	}
	if linksThroughSystem(path) {
		// /dev/stdout -> /proc/self/fd/1 -> a file the shell opened: write into
		// what is open, never rename over it.
		return outputInPlace, path, writableFile(path)
	}
	target = path
	if lst, lerr := os.Lstat(path); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
		resolved, rerr := filepath.EvalSymlinks(path)
		if rerr != nil {
			return outputInPlace, path, writableFile(path)
		}
		target = resolved // rename over what the link points to; the link stays
	}
	if access(filepath.Dir(target), unix.W_OK|unix.X_OK) == nil {
		return outputAtomic, target, nil
	}
	// A read-only directory: the file itself may still be writable.
	return outputInPlace, path, writableFile(path)
}

func writableFile(path string) error {
	if access(path, unix.W_OK) != nil {
		return errors.New("not writable (and its directory is not writable either)")
	}
	return nil
}

// linksThroughSystem reports whether path, or a symlink it leads through, is in
// /dev or /proc.
func linksThroughSystem(path string) bool {
	p := path
	for range 40 {
		if underSystemDir(p) {
			return true
		}
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return false
		}
		next, err := os.Readlink(p)
		if err != nil {
			return true
		}
		if !filepath.IsAbs(next) {
			next = filepath.Join(filepath.Dir(p), next)
		}
		p = next
	}
	return true
}

func underSystemDir(p string) bool {
	return strings.HasPrefix(p, "/dev/") || strings.HasPrefix(p, "/proc/")
}

// checkOutput fails, before any collection or analysis, when path cannot be
// written. label names the flag or variable that gave the path.
func checkOutput(path, label string) error {
	if path == "" || path == "-" {
		return nil
	}
	if _, _, err := planOutput(path); err != nil {
		return &usageError{fmt.Sprintf("%s %s: %v", label, path, err)}
	}
	return nil
}

// writeOutput writes a report or inventory to path as planOutput decides.
// Errors name path, never a temporary file.
func writeOutput(path string, write func(io.Writer) error) error {
	plan, target, err := planOutput(path)
	if err != nil {
		return &exitError{code: exitUsage, msg: fmt.Sprintf("write %s: %v", path, err)}
	}
	fail := func(err error) error {
		return &exitError{code: exitUsage, msg: fmt.Sprintf("write %s: %v", path, cause(err)), detail: err.Error()}
	}
	if plan == outputAtomic {
		tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
		if err != nil {
			return fail(err)
		}
		defer os.Remove(tmp.Name())
		if err := write(tmp); err != nil {
			tmp.Close()
			return fail(err)
		}
		if err := tmp.Chmod(outputMode); err != nil {
			tmp.Close()
			return fail(err)
		}
		if err := tmp.Close(); err != nil {
			return fail(err)
		}
		if err := os.Rename(tmp.Name(), target); err != nil {
			return fail(err)
		}
		return nil
	}
	flags := os.O_WRONLY | os.O_CREATE
	if plan == outputInPlace {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, outputMode)
	if err != nil {
		return fail(err)
	}
	if plan == outputInPlace {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && !linksThroughSystem(path) {
			// Best effort: the owner can narrow an existing file's mode; another
			// user's file that we may write keeps its mode.
			_ = f.Chmod(outputMode)
		}
	}
	if err := write(f); err != nil {
		f.Close()
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	return nil
}

// cause strips the path an *fs.PathError or *os.LinkError carries (possibly a
// temporary file's) and keeps the reason.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
