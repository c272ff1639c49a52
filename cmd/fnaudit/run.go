package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/fnaudit/fnaudit/audit/report"
	"golang.org/x/term"
)

// Exit codes; see the package documentation.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitGaps     = 3
)

const usage = `fnaudit audits serverless functions for who can call them and what they can do.

Usage:
  fnaudit demo [flags]              analyze the embedded sample estate (no cloud access)
  fnaudit analyze [flags] FILE...   analyze saved inventories, merged ("-" reads standard input)
  fnaudit scan [flags]              collect from AWS, GCP and Azure, then analyze
  fnaudit collect [flags] --out F   collect only and write the inventory JSON
  fnaudit rules [--format F] [ID]   print the rule catalogue, or one rule's documentation

Run "fnaudit COMMAND -h" for a command's flags.

Exit codes: 0 ok; 1 an unsuppressed finding at or above --fail-on; 2 usage or input
error; 3 the audit ran but part of the estate could not be read (gaps) or a rule
failed. 1 takes precedence over 3.
`

// env is what a subcommand needs from its caller.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// usageError is a mistake on the command line; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitError ends a command with a code after its output is written.
type exitError struct {
	code int
	msg  string // one line for stderr; may be empty
}

func (e *exitError) Error() string { return e.msg }

// run executes fnaudit with args (without the program name) and returns the exit
// code. It never panics on bad input and writes errors as one line to stderr.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	name, rest := args[0], args[1:]
	var err error
	switch name {
	case "demo":
		err = cmdDemo(e, rest)
	case "analyze":
		err = cmdAnalyze(e, rest)
	case "scan":
		err = cmdScan(e, rest)
	case "collect":
		err = cmdCollect(e, rest)
	case "rules":
		err = cmdRules(e, rest)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, "fnaudit", version())
		return exitOK
	default:
		fmt.Fprintf(stderr, "fnaudit: unknown command %q (want demo, analyze, scan, collect or rules; see fnaudit help)\n", name)
		return exitUsage
	}
	return exitCode(stderr, "fnaudit "+name, err)
}

func exitCode(stderr io.Writer, prefix string, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.msg != "" {
			fmt.Fprintf(stderr, "%s: %s\n", prefix, oneLine(xe.msg))
		}
		return xe.code
	}
	fmt.Fprintf(stderr, "%s: %s\n", prefix, oneLine(err.Error()))
	return exitUsage
}

// oneLine makes s one printable line: whitespace runs become one space and
// control characters (which could come from file names or the audited estate)
// are escaped.
func oneLine(s string) string { return report.Visible(strings.Join(strings.Fields(s), " ")) }

// flagSet is a subcommand's flags and its help text.
type flagSet struct {
	*flag.FlagSet
	help func()
}

// newFlagSet returns a flag set that reports errors to the caller instead of
// printing usage and exiting; -h prints the command's help to stdout.
func newFlagSet(e *env, name, synopsis string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// The flag package calls Usage on every parse error; fnaudit reports those in
	// one line instead and prints help only for -h (see parseArgs).
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, help: func() {
		fmt.Fprintf(e.stdout, "Usage: fnaudit %s\n\nFlags:\n", synopsis)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}}
}

// parseArgs parses flags that may appear before, between or after positional
// arguments ("analyze inv.json --format json" works); everything after "--" is
// positional. It returns the positional arguments.
func parseArgs(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.help()
				return nil, err
			}
			return nil, &usageError{fmt.Sprintf("%v (see fnaudit %s -h)", err, fs.Name())}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// isTerminal reports whether w is a terminal (and so may get progress lines and
// a width-fitted table).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}

// version is the module version fnaudit was built from, or "dev".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
