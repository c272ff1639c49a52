package report

import (
	"encoding/json"
	"io"

	"github.com/fnaudit/fnaudit/audit"
)

func renderJSON(w io.Writer, r *audit.Report, shown []audit.Finding) error {
	out := *r
	out.Findings = shown
	if out.Gaps == nil {
		out.Gaps = []audit.Gap{}
	}
	if out.Schema == "" {
		out.Schema = audit.ReportSchema
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}
