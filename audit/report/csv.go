package report

import (
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// csvHeader is the CSV column list; one row per finding follows.
var csvHeader = []string{"id", "rule", "slug", "category", "severity", "status", "provider", "account",
	"region", "function", "resource", "title", "detail", "evidence", "remediation",
	"suppression_reason", "suppression_expires", "front_door"}

func renderCSV(w io.Writer, shown []audit.Finding) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for i := range shown {
		f := &shown[i]
		var supReason, supExpires string
		if f.Suppression != nil {
			supReason = f.Suppression.Reason
			if !f.Suppression.Expires.IsZero() {
				supExpires = f.Suppression.Expires.UTC().Format(time.RFC3339)
			}
		}
		row := []string{f.ID, f.Rule, f.Slug, string(f.Category), string(f.Severity), string(f.Status),
			string(f.Provider), f.Account, f.Region, f.Function, f.Resource, f.Title, f.Detail,
			evidenceLines(f.Evidence), f.Remediation, supReason, supExpires, doorString(f.FrontDoor)}
		for j := range row {
			row[j] = neutralize(row[j])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// evidenceLines joins evidence one per line: "api ref path: fragment".
func evidenceLines(ev []audit.Evidence) string {
	lines := make([]string, 0, len(ev))
	for _, e := range ev {
		lines = append(lines, evidenceString(e))
	}
	return strings.Join(lines, "\n")
}

func evidenceString(e audit.Evidence) string {
	var parts []string
	for _, p := range []string{e.Source.API, e.Source.Ref, e.Path} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	s := strings.Join(parts, " ")
	if e.Fragment != "" {
		if s != "" {
			s += ": "
		}
		s += e.Fragment
	}
	return s
}

// neutralize defuses spreadsheet formula injection: a cell that starts with
// = + - @ (or a tab or carriage return, which some spreadsheets skip before
// looking) gets a leading apostrophe, so it is shown as text, not evaluated.
func neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
