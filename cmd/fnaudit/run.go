package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/fnaudit/fnaudit/audit/report"
)

// Exit codes; see the package documentation.
const (
	exitOK         = 0
	exitFindings   = 1
	exitUsage      = 2
	exitGaps       = 3
	exitNoProvider = 4
)

const exitCodesHelp = `Exit codes:
  0  the audit ran; nothing at or above --fail-on
  1  an unsuppressed finding at or above --fail-on (takes precedence over 3)
  2  usage, input or configuration error (bad flag or environment variable,
     unreadable or malformed file, unwritable --output, missing credentials
     for a cloud named with --provider); nothing was collected
  3  the audit ran, but part of the estate could not be read (gaps, including
     a run stopped by --timeout, SIGINT or SIGTERM) or a rule failed
  4  scan/collect: no provider could collect anything`

// env is what a command needs from its caller.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// getenv reads environment-variable defaults (FNAUDIT_*); tests inject it.
	getenv func(string) string
	// debug is --debug: errors keep the SDK's whole chain.
	debug bool
	// catchSignals makes a collection stop at SIGINT or SIGTERM and report
	// what it read (set by main; in-process tests cancel ctx instead).
	catchSignals bool
}

// usageError is a mistake on the command line or in the environment; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitError ends a command with a code after its output is written.
type exitError struct {
	code int
	msg  string // one line for stderr; may be empty
	// detail is the full error chain, printed only with --debug.
	detail string
}

func (e *exitError) Error() string { return e.msg }

// run executes fnaudit in-process with args (without the program name) and
// the process's environment, and returns the exit code. It never panics on bad
// input and writes errors as one line to stderr. Tests that inject the
// environment or cancel the context call runEnv.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(&env{ctx: context.Background(), stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}, args)
}

// runEnv executes fnaudit for e. Cancelling e.ctx stops a collection, which
// then reports what it has.
func runEnv(e *env, args []string) int {
	if e.getenv == nil {
		e.getenv = func(string) string { return "" }
	}
	root := newRootCmd(e)
	if len(args) == 0 {
		// The whole help, on stderr: a bare "fnaudit" is a usage error.
		root.SetOut(e.stderr)
		root.SetArgs([]string{"--help"})
		_ = root.Execute()
		return exitUsage
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	prefix := "fnaudit"
	if cmd != nil {
		prefix = cmd.CommandPath()
	}
	return exitCode(e, prefix, err)
}

func exitCode(e *env, prefix string, err error) int {
	if err == nil {
		return exitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.msg != "" {
			fmt.Fprintf(e.stderr, "%s: %s\n", prefix, oneLine(xe.msg))
		}
		if e.debug && xe.detail != "" {
			fmt.Fprintf(e.stderr, "%s: debug: %s\n", prefix, oneLine(xe.detail))
		}
		return xe.code
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", prefix, oneLine(err.Error()))
	return exitUsage
}

// oneLine makes s one printable line: whitespace runs become one space and
// control characters (which could come from file names or the audited estate)
// are escaped.
func oneLine(s string) string { return report.Visible(strings.Join(strings.Fields(s), " ")) }

// newRootCmd builds the command tree for one run. Nothing in it is shared
// between runs, so tests run commands in parallel in one process.
func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "fnaudit",
		Short: "Audit serverless functions for who can call them and what they can do",
		Long: `fnaudit audits serverless functions (AWS Lambda, Google Cloud Functions, Azure
Functions) for who can call them and what their identity can do. What it cannot
read is reported as a coverage gap, never as "no findings".

Flags may stand anywhere on the line; "--" ends the flags.

` + exitCodesHelp + `

Environment: flags of demo, analyze, scan and collect take their defaults from
FNAUDIT_* variables (named in each command's help, e.g. FNAUDIT_FORMAT); a flag
on the command line beats the variable. An invalid value is a usage error.`,
		Version:           versionString(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		DisableAutoGenTag: true,
		// With no subcommand, fnaudit prints its usage (runEnv) or rejects the word.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q", args[0])
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
			}
			return &usageError{msg + "; see fnaudit help"}
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			// Only global flags (--debug): nothing to do.
			cmd.SetOut(e.stderr)
			_ = cmd.Usage()
			return &exitError{code: exitUsage}
		},
	}
	root.SuggestionsMinimumDistance = 2
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("fnaudit {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{fmt.Sprintf("%v (see fnaudit %s --help)", err, strings.TrimPrefix(cmd.CommandPath(), "fnaudit "))}
	})
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: "Print a command's help, flags and examples",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, sub := range root.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 || (cmd == root && len(args) > 0) {
				return &usageError{fmt.Sprintf("unknown command %q; see fnaudit help", strings.Join(args, " "))}
			}
			cmd.InitDefaultHelpFlag()
			cmd.InitDefaultVersionFlag()
			return cmd.Help()
		},
	})
	root.PersistentFlags().BoolVar(&e.debug, "debug", false, "on errors, print the whole error chain of the cloud SDKs as well")
	root.AddCommand(
		newDemoCmd(e),
		newAnalyzeCmd(e),
		newScanCmd(e),
		newCollectCmd(e),
		newRulesCmd(e),
		newVersionCmd(e),
		newCompletionCmd(e, root),
	)
	return root
}

// noArgs rejects positional arguments with a hint for the command.
func noArgs(hint string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			msg := fmt.Sprintf("unexpected argument %q", args[0])
			if hint != "" {
				msg += " (" + hint + ")"
			}
			return &usageError{msg}
		}
		return nil
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
