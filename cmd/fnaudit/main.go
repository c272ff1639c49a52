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
//
// Report flags (demo, analyze, scan): --format text|json|ocsf|asff|csv, --output FILE,
// --min-severity SEV, --fail-on SEV, --suppressions FILE, --now RFC3339,
// --trusted-accounts A,B, --details, --color. Flags may come before or after the
// positional argument; "--" ends the flags.
//
// Exit codes:
//
//	0  the audit ran and nothing failed the --fail-on threshold
//	1  an unsuppressed finding is at or above --fail-on
//	2  usage or input error (bad flag, unreadable or malformed file); one line on stderr
//	3  the audit ran but part of the estate could not be read or checked: the
//	   report has gaps, or a rule failed
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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
