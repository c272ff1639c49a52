package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/audit/suppress"
	"github.com/fnaudit/fnaudit/securityhub"
	"github.com/spf13/pflag"
)

// formatASFF is the Security Hub format, rendered by package securityhub (it
// builds ASFF from the AWS SDK's types, which audit/report may not import).
const formatASFF report.Format = "asff"

// listFlag is a comma-separated list flag that may also be repeated:
// --regions us-east-1,eu-west-1 --regions ap-south-1.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Type names the flag's value in help.
func (l *listFlag) Type() string { return "list" }

func (l *listFlag) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

// reportFlags are the flags of every command that produces a report.
type reportFlags struct {
	format       string
	output       string
	minSeverity  string
	failOn       string
	suppressions string
	now          string
	trusted      listFlag
	details      bool
	color        bool
	hubAccount   string
	hubRegion    string
	hubImport    bool
}

func (rf *reportFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&rf.format, "format", "text", "output `FORMAT`: text, json, ocsf, csv, html or asff")
	fs.StringVar(&rf.output, "output", "", "write the report to `FILE` instead of standard output (created 0600; symlinks, FIFOs and /dev/stdout are written through)")
	fs.StringVar(&rf.minSeverity, "min-severity", "", "list only findings at or above `SEVERITY` (the summary still counts all)")
	fs.StringVar(&rf.failOn, "fail-on", "", "exit 1 when an unsuppressed finding is at or above `SEVERITY`")
	fs.StringVar(&rf.suppressions, "suppressions", "", "apply the suppressions `FILE` (YAML)")
	fs.StringVar(&rf.now, "now", "", "audit clock `TIME` as RFC 3339 or YYYY-MM-DD, for reproducible output (default: current time)")
	fs.Var(&rf.trusted, "trusted-accounts", "comma-separated account / project / tenant `IDS` treated as your own")
	fs.BoolVar(&rf.details, "details", false, "text format: show resource, detail, evidence and remediation of each finding")
	fs.BoolVar(&rf.color, "color", false, "text format: color severity headings with ANSI escapes")
	fs.StringVar(&rf.hubAccount, "security-hub-account", "", "asff format: AWS `ACCOUNT` id that GCP and Azure findings are imported under (with --security-hub-region)")
	fs.StringVar(&rf.hubRegion, "security-hub-region", "", "asff format: AWS `REGION` that GCP and Azure findings are imported under (with --security-hub-account)")
	fs.BoolVar(&rf.hubImport, "security-hub-import", false, "also send the findings to AWS Security Hub (BatchImportFindings, in the caller's account and Region; needs securityhub:BatchImportFindings)")
	for _, name := range []string{"format", "output", "min-severity", "fail-on", "suppressions", "trusted-accounts"} {
		bindEnv(fs, name)
	}
}

// reportPlan is the validated form of reportFlags.
type reportPlan struct {
	format report.Format
	opts   report.Options
	hub    securityhub.Options
	// hubImport is --security-hub-import: send the findings to Security Hub.
	hubImport bool
	// warnings are notes from before the analysis (inputs that merged with
	// conflicts), added to the report's warnings.
	warnings []string
	failOn   audit.Severity
	entries  []suppress.Entry
	now      time.Time
	trusted  []string
	output   string
	// sample marks the demo: its gaps are part of the show, not a coverage
	// problem of the user's estate, so they do not make the exit code 3.
	sample bool
}

// resolve validates every report flag and reads the suppressions file, before any
// collection or analysis starts, so a typo fails fast with exit 2.
func (rf *reportFlags) resolve(o *origins) (*reportPlan, error) {
	p := &reportPlan{output: rf.output, trusted: rf.trusted}
	var err error
	if strings.EqualFold(strings.TrimSpace(rf.format), string(formatASFF)) {
		p.format = formatASFF
	} else if p.format, err = report.ParseFormat(rf.format); err != nil {
		return nil, &usageError{o.label("format") + ": " + err.Error() + " (or asff)"}
	}
	if rf.minSeverity != "" {
		if p.opts.MinSeverity, err = audit.ParseSeverity(rf.minSeverity); err != nil {
			return nil, &usageError{o.label("min-severity") + ": " + err.Error()}
		}
	}
	if rf.failOn != "" {
		if p.failOn, err = audit.ParseSeverity(rf.failOn); err != nil {
			return nil, &usageError{o.label("fail-on") + ": " + err.Error()}
		}
	}
	if p.now, err = parseNow(rf.now); err != nil {
		return nil, &usageError{"--now: " + err.Error()}
	}
	if rf.suppressions != "" {
		if p.entries, err = suppress.LoadFile(rf.suppressions); err != nil {
			if o.fromEnv("suppressions") {
				return nil, fmt.Errorf("%s: %w", o.label("suppressions"), err)
			}
			return nil, err
		}
		known := func(id string) bool { _, ok := rules.ByID(id); return ok }
		if err := suppress.CheckRules(p.entries, known); err != nil {
			return nil, fmt.Errorf("%s: %w", rf.suppressions, err)
		}
	}
	if err := checkOutput(p.output, o.label("output")); err != nil {
		return nil, err
	}
	if rf.color && p.format != report.Text {
		return nil, &usageError{"--color applies only to --format text"}
	}
	if rf.details && p.format != report.Text {
		return nil, &usageError{"--details applies only to --format text"}
	}
	if (rf.hubAccount != "" || rf.hubRegion != "") && p.format != formatASFF && !rf.hubImport {
		return nil, &usageError{"--security-hub-account and --security-hub-region apply only to --format asff and --security-hub-import"}
	}
	p.hubImport = rf.hubImport
	p.opts.Color = rf.color
	p.opts.Details = rf.details
	p.opts.ProductVersion = version()
	p.hub = securityhub.Options{MinSeverity: p.opts.MinSeverity, ProductVersion: p.opts.ProductVersion,
		SecurityHubAccountID: rf.hubAccount, SecurityHubRegion: rf.hubRegion}
	return p, nil
}

func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want RFC 3339, e.g. 2026-11-28T09:00:00Z, or YYYY-MM-DD)", s)
}

// analyzeAndReport runs every rule over inv, applies suppressions, writes the
// report and decides the exit code.
func (p *reportPlan) analyzeAndReport(e *env, inv *audit.Inventory) error {
	r := audit.Analyze(inv, rules.All(), audit.Config{Now: p.now, TrustedAccounts: p.trusted})
	r.Control = control.Summaries(inv) // who can change each function (JSON and HTML reports)
	suppress.Apply(r, p.entries, p.now)
	r.Warnings = append(r.Warnings, p.warnings...)
	var importErr error
	if p.hubImport {
		importErr = p.importToSecurityHub(e, r)
		var ue *usageError
		var xe *exitError
		if errors.As(importErr, &ue) || errors.As(importErr, &xe) {
			return importErr
		}
	}
	if err := p.write(e, r); err != nil {
		return err
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(e.stderr, "fnaudit: warning: %s\n", oneLine(w))
	}
	err := verdict(r, p.failOn)
	if err == nil && importErr != nil {
		// The report is written; findings that did not reach Security Hub
		// make the run incomplete, like a gap.
		err = &exitError{code: exitGaps, msg: oneLine(importErr.Error())}
	}
	var xe *exitError
	if p.sample && errors.As(err, &xe) && xe.code == exitGaps {
		return nil
	}
	return err
}

func (p *reportPlan) write(e *env, r *audit.Report) error {
	if p.format == formatASFF {
		return p.writeASFF(e, r)
	}
	if p.output == "" || p.output == "-" {
		opts := p.opts
		opts.Width = terminalWidth(e.stdout)
		return report.Render(e.stdout, p.format, r, opts)
	}
	return writeOutput(p.output, func(w io.Writer) error {
		return report.Render(w, p.format, r, p.opts)
	})
}

// writeASFF writes the Security Hub findings and says on stderr which findings
// were left out and how to include them.
func (p *reportPlan) writeASFF(e *env, r *audit.Report) error {
	var om securityhub.Omitted
	render := func(w io.Writer) (err error) {
		om, err = securityhub.Render(w, r, p.hub)
		return err
	}
	var err error
	if p.output == "" || p.output == "-" {
		err = render(e.stdout)
	} else {
		err = writeOutput(p.output, render)
	}
	if err != nil {
		return err
	}
	for _, m := range om.Messages() {
		fmt.Fprintf(e.stderr, "fnaudit: warning: %s\n", m)
	}
	return nil
}

// verdict maps a report to the exit code: 1 for an unsuppressed finding at or
// above failOn, else 3 for gaps or rule errors, else 0.
func verdict(r *audit.Report, failOn audit.Severity) error {
	if failOn != "" {
		n := 0
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Status == audit.StatusFail && f.Severity.AtLeast(failOn) {
				n++
			}
		}
		if n > 0 {
			return &exitError{code: exitFindings, msg: fmt.Sprintf("%s at or above %s (--fail-on)", plural(n, "unsuppressed finding"), failOn)}
		}
	}
	var why []string
	if n := len(r.Gaps); n > 0 {
		why = append(why, fmt.Sprintf("%s: part of the estate could not be read", plural(n, "gap")))
	}
	if n := r.Summary.ByStatus[audit.StatusError]; n > 0 {
		why = append(why, fmt.Sprintf("%s failed", plural(n, "rule")))
	}
	if len(why) > 0 {
		return &exitError{code: exitGaps, msg: strings.Join(why, "; ") + " (see the report)"}
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
