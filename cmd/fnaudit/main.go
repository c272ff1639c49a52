// Command fnaudit audits serverless functions (AWS Lambda, Google Cloud Functions,
// Azure Functions) for who can call them and what they can do.
//
// Usage:
//
//	fnaudit demo                 analyze the embedded sample estate (no cloud access)
//	fnaudit analyze FILE...      analyze saved inventories, merged (- reads standard input)
//	fnaudit scan [scope flags]   collect from the clouds, then analyze
//	fnaudit collect --out FILE   collect only and write the inventory
//	fnaudit rules [ID]           print the rule catalogue, or one rule's documentation
//	fnaudit version              print the version, VCS revision and Go version
//	fnaudit completion SHELL     print the completion script for bash, zsh or fish
//	fnaudit help COMMAND         print a command's help, flags and examples
//
// Report flags (demo, analyze, scan): --format text|json|ocsf|asff|csv, --output FILE,
// --min-severity SEV, --fail-on SEV, --suppressions FILE, --now RFC3339,
// --trusted-accounts A,B, --details, --color. Flags may come before or after the
// positional argument; "--" ends the flags. Most flags take their default from a
// FNAUDIT_* environment variable (FNAUDIT_FORMAT, FNAUDIT_OUTPUT, ...; see each
// command's help); a flag on the command line beats the variable.
//
// scan and collect without --provider audit every cloud whose credentials
// resolve and name the skipped ones on stderr. SIGINT and SIGTERM stop a
// collection: the report of what was read is written, with gaps for the rest.
//
// Exit codes:
//
//	0  the audit ran and nothing failed the --fail-on threshold
//	1  an unsuppressed finding is at or above --fail-on
//	2  usage, input or configuration error (bad flag or variable, unreadable or
//	   malformed file, unwritable --output, missing credentials for a cloud named
//	   with --provider); one line on stderr
//	3  the audit ran but part of the estate could not be read or checked: the
//	   report has gaps (also after --timeout, SIGINT or SIGTERM), or a rule failed
//	4  scan/collect: no provider could collect anything
//
// --fail-on counts every finding, including those --min-severity leaves out of
// the listing. Exit 1 takes precedence over 3: a failing finding is a definite result, and the
// gaps are still listed in the report. Without --fail-on the command never exits 1.
// demo does not exit 3 for the sample estate's gaps, which are there to show how
// gaps are reported.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGINT and SIGTERM are caught only while collecting (see collect); at any
	// other time they end fnaudit as usual, so that a command waiting on its
	// standard input still stops.
	e := &env{ctx: context.Background(), stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, catchSignals: true}
	os.Exit(runEnv(e, os.Args[1:]))
}

// signalError is the cause of a context that a signal cancelled.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "interrupted by " + e.name() }

func (e *signalError) name() string {
	switch e.sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case os.Interrupt:
		return "SIGINT"
	}
	return e.sig.String()
}

// notifyContext returns a context that the first SIGINT or SIGTERM cancels,
// with a *signalError as its cause. After the first signal the default
// handling is restored, so a second one ends fnaudit at once.
func notifyContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			cancel(&signalError{sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
