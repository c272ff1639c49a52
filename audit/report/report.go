package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// Format names an output format.
type Format string

// The output formats.
const (
	Text Format = "text"
	JSON Format = "json"
	OCSF Format = "ocsf"
	CSV  Format = "csv"
	HTML Format = "html"
)

// Formats lists every format audit/report renders. ASFF (Security Hub) is
// rendered by the securityhub package, which builds it from the AWS SDK's types.
func Formats() []Format {
	return slices.Clone(formats)
}

var formats = []Format{Text, JSON, OCSF, CSV, HTML}

// formatList names the formats for error messages: "text, json, ... or html".
func formatList() string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	for _, f := range formats {
		if string(f) == strings.ToLower(strings.TrimSpace(s)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, formatList())
}

// Options tune rendering. The zero value renders everything, unstyled, without
// width limit.
type Options struct {
	// MinSeverity omits findings below it from the findings list (see the package
	// doc); empty shows every finding.
	MinSeverity audit.Severity
	// Width is the text format's line width: titles, names and messages wrap
	// at it (with a hanging indent), never cut. Zero means DefaultTextWidth (the
	// command line passes the terminal's width, or zero when output is piped);
	// a negative value means no limit.
	Width int
	// Color adds ANSI colors to the text format's severity headings.
	Color bool
	// Details adds, in the text format, a block per finding with its resource,
	// detail, evidence and remediation.
	Details bool
	// ProductVersion is fnaudit's version, written in OCSF metadata and the HTML
	// report's footer; empty means "dev".
	ProductVersion string
}

// Render writes r to w in the given format.
func Render(w io.Writer, format Format, r *audit.Report, opts Options) error {
	if r == nil {
		return fmt.Errorf("render %s: no report", format)
	}
	if opts.MinSeverity != "" && opts.MinSeverity.Rank() < 0 {
		return fmt.Errorf("render %s: unknown minimum severity %q", format, opts.MinSeverity)
	}
	shown, hidden := Filter(r.Findings, opts.MinSeverity)
	var err error
	switch format {
	case Text:
		err = renderText(w, r, shown, hidden, opts)
	case JSON:
		err = renderJSON(w, r, shown)
	case OCSF:
		err = renderOCSF(w, r, shown, opts)
	case CSV:
		err = renderCSV(w, shown)
	case HTML:
		err = renderHTML(w, r, shown, hidden, opts)
	default:
		return fmt.Errorf("render: unknown format %q (want %s)", format, formatList())
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}

// Filter returns the findings at or above min (all of them when min is empty),
// plus every error finding, and how many it left out. It does not modify fs.
func Filter(fs []audit.Finding, min audit.Severity) (shown []audit.Finding, hidden int) {
	shown = make([]audit.Finding, 0, len(fs))
	for _, f := range fs {
		if min == "" || f.Status == audit.StatusError || f.Severity.AtLeast(min) {
			shown = append(shown, f)
			continue
		}
		hidden++
	}
	return shown, hidden
}
