package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/reporttest"
	"github.com/google/go-cmp/cmp"
)

// The sample report is internal/reporttest's, shared with securityhub.
var testNow = reporttest.Now

const (
	awsAcct = reporttest.AWSAccount
	gcpProj = reporttest.GCPProject
	azSub   = reporttest.AzureSubscription
)

func awsARN(name string) string  { return reporttest.AWSARN(name) }
func gcpName(name string) string { return reporttest.GCPName(name) }
func testReport() *audit.Report  { return reporttest.Report() }
func mk(rule, slug string, cat audit.Category, sev audit.Severity, st audit.Status, p audit.Provider, acct, region, resource, fn, title string) audit.Finding {
	return reporttest.Finding(rule, slug, cat, sev, st, p, acct, region, resource, fn, title)
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		opts   Options
	}{
		{"text", Text, Options{Width: 120}},
		{"text-narrow", Text, Options{Width: 80}},
		{"text-details", Text, Options{Details: true}},
		{"text-min-high-color", Text, Options{MinSeverity: audit.High, Color: true, Width: 200}},
		{"json", JSON, Options{}},
		{"json-min-high", JSON, Options{MinSeverity: audit.High}},
		{"ocsf", OCSF, Options{ProductVersion: "1.0.0-test"}},
		{"csv", CSV, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, tt.format, testReport(), tt.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
			// Rendering twice gives the same bytes.
			var again bytes.Buffer
			if err := Render(&again, tt.format, testReport(), tt.opts); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("output is not deterministic")
			}
		})
	}
}

// Every line of the text report fits its width, piped output (width 0)
// included, and nothing is cut: every title, function and gap message is
// there in full once the wrapping is undone.
func TestTextWidth(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings[0].Title = "Lambda function can be invoked by anyone on the internet through its function URL without any authentication at all"
	for _, opts := range []Options{{Width: 60}, {Width: 80}, {Width: 100}, {Width: 120}, {}, {Details: true}, {Details: true, Width: 70}} {
		var buf bytes.Buffer
		if err := Render(&buf, Text, r, opts); err != nil {
			t.Fatal(err)
		}
		width := opts.Width
		if width == 0 {
			width = DefaultTextWidth
		}
		out := buf.String()
		for _, line := range strings.Split(out, "\n") {
			if n := len([]rune(line)); n > width {
				t.Errorf("%+v: line is %d runes: %q", opts, n, line)
			}
		}
		if strings.Contains(out, "...") {
			t.Errorf("%+v: something was cut:\n%s", opts, out)
		}
		// Undo the wrapping: words joined, and identifiers broken after a
		// separator joined back.
		flat := strings.Join(strings.Fields(out), " ")
		bare := strings.Join(strings.Fields(out), "")
		for _, f := range r.Findings {
			for _, want := range []string{f.Title, functionName(&f), f.Account} {
				if !strings.Contains(bare, strings.Join(strings.Fields(want), "")) {
					t.Errorf("%+v: %q is missing", opts, want)
				}
			}
		}
		if !strings.Contains(flat, "--details") && !opts.Details {
			t.Errorf("%+v: no hint about --details", opts)
		}
		if !strings.Contains(flat, "fnaudit rules ID") {
			t.Errorf("%+v: no hint about fnaudit rules", opts)
		}
	}
	// A negative width does not wrap.
	var buf bytes.Buffer
	if err := Render(&buf, Text, r, Options{Width: -1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), r.Findings[0].Title) {
		t.Errorf("width -1 wrapped the title:\n%s", buf.String())
	}
}

func TestWrapText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix, text  string
		indent, width int
		want          []string
	}{
		{"  a  ", "one two three", 5, 40, []string{"  a  one two three"}},
		{"  a  ", "one two three four five six seven eight", 5, 30, []string{"  a  one two three four five", "     six seven eight"}},
		{"", "", 0, 10, []string{""}},
		{"x ", "arn:aws:lambda:us-east-1:123456789012:function:long-name", 2, 30,
			[]string{"x arn:aws:lambda:us-east-1:", "  123456789012:function:", "  long-name"}},
		// No separator in the second half: a plain break.
		{"", "abcdefghijklmnopqrstuvwxyz0123456789", 0, 30, []string{"abcdefghijklmnopqrstuvwxyz0123", "456789"}},
		// A narrow width still leaves minWrap columns of text.
		{"0123456789", "word word word word word word", 0, 12, []string{"0123456789word word word word word", "word"}},
		{"p ", "no limit at all here", 2, -1, []string{"p no limit at all here"}},
	}
	for _, tt := range tests {
		got := wrapText(tt.prefix, tt.text, tt.indent, tt.width)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("wrapText(%q, %q, %d, %d) (-want +got):\n%s", tt.prefix, tt.text, tt.indent, tt.width, diff)
		}
	}
}

func TestNoANSIUnlessAsked(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Render(&buf, Text, testReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") {
		t.Error("text output contains ANSI escapes without Color")
	}
}

func TestJSONMatchesSchema(t *testing.T) {
	t.Parallel()
	for _, min := range []audit.Severity{"", audit.Critical} {
		var buf bytes.Buffer
		if err := Render(&buf, JSON, testReport(), Options{MinSeverity: min}); err != nil {
			t.Fatal(err)
		}
		if err := ValidateJSON(buf.Bytes()); err != nil {
			t.Errorf("min %q: %v", min, err)
		}
	}
	// And the schema rejects what it should.
	bad := []string{
		`{}`,
		`{"schema":"fnaudit.report/v2","generatedAt":"2026-11-28T09:30:00Z","scope":{"providers":[],"accounts":0,"regions":[],"functions":0},"summary":{"total":0,"open":0,"bySeverity":{},"byCategory":{},"byStatus":{},"byProvider":{},"gaps":0},"findings":[],"gaps":[]}`,
		`{"schema":"fnaudit.report/v1","generatedAt":"2026-11-28T09:30:00Z","scope":{"providers":[],"accounts":0,"regions":[],"functions":0},"summary":{"total":0,"open":0,"bySeverity":{"severe":1},"byCategory":{},"byStatus":{},"byProvider":{},"gaps":0},"findings":[],"gaps":[]}`,
		`{"schema":"fnaudit.report/v1","generatedAt":"2026-11-28T09:30:00Z","scope":{"providers":[],"accounts":0,"regions":[],"functions":0},"summary":{"total":0,"open":0,"bySeverity":{},"byCategory":{},"byStatus":{},"byProvider":{},"gaps":0},"findings":[{"id":"0123456789abcdef0123","rule":"FNA-AWS-001","category":"public-invoke","severity":"high","status":"suppressed","provider":"aws","resource":"r","title":"t"}],"gaps":[]}`,
	}
	for i, doc := range bad {
		if err := ValidateJSON([]byte(doc)); err == nil {
			t.Errorf("bad document %d validated", i)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	want := testReport()
	if err := Render(&buf, JSON, want, Options{}); err != nil {
		t.Fatal(err)
	}
	var got audit.Report
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestMinSeverity(t *testing.T) {
	t.Parallel()
	shown, hidden := Filter(testReport().Findings, audit.High)
	var got []string
	for _, f := range shown {
		got = append(got, f.Rule+"/"+string(f.Status))
	}
	want := []string{"FNA-AWS-003/fail", "FNA-AWS-001/fail", "FNA-GCP-001/unknown", "FNA-GCP-001/suppressed",
		"FNA-AZ-001/fail", "FNA-GCP-003/fail", "FNA-AZ-007/error"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shown (-want +got):\n%s", diff)
	}
	if hidden != 2 {
		t.Errorf("hidden = %d, want 2", hidden)
	}
	// The summary is not filtered.
	var buf bytes.Buffer
	if err := Render(&buf, JSON, testReport(), Options{MinSeverity: audit.High}); err != nil {
		t.Fatal(err)
	}
	var r audit.Report
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Total != 9 || len(r.Findings) != 7 {
		t.Errorf("summary total %d with %d findings listed, want 9 and 7", r.Summary.Total, len(r.Findings))
	}
}

func TestCSV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Render(&buf, CSV, testReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v", err)
	}
	if len(rows) != 10 {
		t.Fatalf("%d rows, want header + 9", len(rows))
	}
	for _, row := range rows {
		if len(row) != len(csvHeader) {
			t.Errorf("row has %d cells, want %d", len(row), len(csvHeader))
		}
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q starts with a formula character", c)
			}
		}
	}
}

func TestNeutralize(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                       "",
		"plain":                  "plain",
		"=HYPERLINK(\"x\")":      "'=HYPERLINK(\"x\")",
		"+1":                     "'+1",
		"-2":                     "'-2",
		"@SUM(A1)":               "'@SUM(A1)",
		"\t=1":                   "'\t=1",
		"\r=1":                   "'\r=1",
		"a=b":                    "a=b",
		"arn:aws:lambda:x:1:f:a": "arn:aws:lambda:x:1:f:a",
	}
	for in, want := range tests {
		if got := neutralize(in); got != want {
			t.Errorf("neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOCSF(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Render(&buf, OCSF, testReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("ocsf output is not a JSON array of objects: %v", err)
	}
	if len(out) != 9 {
		t.Fatalf("%d objects, want 9", len(out))
	}
	wantStatus := map[string]float64{"fail": 1, "suppressed": 3, "unknown": 0, "error": 99}
	for _, o := range out {
		for _, k := range []string{"class_uid", "category_uid", "type_uid", "activity_id", "severity_id", "status_id",
			"time", "metadata", "finding_info", "resources", "cloud"} {
			if _, ok := o[k]; !ok {
				t.Errorf("missing required attribute %s", k)
			}
		}
		if o["class_uid"] != float64(2004) || o["category_uid"] != float64(2) || o["type_uid"] != float64(200401) {
			t.Errorf("class/category/type = %v/%v/%v", o["class_uid"], o["category_uid"], o["type_uid"])
		}
		if o["time"] != float64(testNow.UnixMilli()) {
			t.Errorf("time = %v, want epoch milliseconds %d", o["time"], testNow.UnixMilli())
		}
		if got, want := o["status_id"], wantStatus[o["status_code"].(string)]; got != want {
			t.Errorf("status_code %v: status_id %v, want %v", o["status_code"], got, want)
		}
		fi := o["finding_info"].(map[string]any)
		if fi["uid"] == "" || fi["title"] == "" {
			t.Errorf("finding_info without uid or title: %v", fi)
		}
	}
	// Empty report: an empty array, not null.
	empty := &audit.Report{GeneratedAt: testNow}
	buf.Reset()
	if err := Render(&buf, OCSF, empty, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty report: %q, want []", buf.String())
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Render(&buf, Format("xml"), testReport(), Options{}); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("unknown format: %v", err)
	}
	if err := Render(&buf, Text, nil, Options{}); err == nil {
		t.Error("nil report: no error")
	}
	if err := Render(&buf, Text, testReport(), Options{MinSeverity: "severe"}); err == nil {
		t.Error("bad min severity: no error")
	}
	if _, err := ParseFormat("XML"); err == nil {
		t.Error("ParseFormat(XML): no error")
	}
	if f, err := ParseFormat(" OCSF "); err != nil || f != OCSF {
		t.Errorf("ParseFormat(OCSF) = %v, %v", f, err)
	}
}

func TestEmptyReportText(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: testNow, Findings: []audit.Finding{}, Gaps: []audit.Gap{}}
	r.Summarize()
	var buf bytes.Buffer
	if err := Render(&buf, Text, r, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"No findings to show.", "GAPS: none"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("empty report text lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestJSONSuppressionWithoutExpiry(t *testing.T) {
	t.Parallel()
	r := testReport()
	for i := range r.Findings {
		if r.Findings[i].Suppression != nil {
			r.Findings[i].Suppression.Expires = time.Time{}
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, JSON, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "0001-01-01") || strings.Contains(buf.String(), `"expires"`) {
		t.Errorf("a suppression without expiry prints one:\n%s", buf.String())
	}
	if err := ValidateJSON(buf.Bytes()); err != nil {
		t.Error(err)
	}
}

// Text from the audited estate cannot drive the terminal or hide text.
func TestTextEscapesUntrustedText(t *testing.T) {
	t.Parallel()
	r := testReport()
	r.Findings[0].Function = "evil\x1b[2J\u202eeman\x00"
	r.Findings[0].Title = "title\x07 with bell\xff"
	r.Gaps[0].Message = "denied\x1b]0;pwned\x07\u2066"
	r.Warnings = append(r.Warnings, "warn\u009b31m")
	for _, opts := range []Options{{}, {Details: true}, {Width: 80, Color: true}} {
		var buf bytes.Buffer
		if err := Render(&buf, Text, r, opts); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if opts.Color {
			// Only the renderer's own color codes may remain.
			for _, code := range sevColor {
				out = strings.ReplaceAll(out, code, "")
			}
			out = strings.ReplaceAll(out, ansiReset, "")
		}
		for _, bad := range []string{"\x1b", "\x07", "\x00", "\u202e", "\u2066", "\xff", "\u009b"} {
			if strings.Contains(out, bad) {
				t.Errorf("%+v: output contains %q", opts, bad)
			}
		}
		for _, want := range []string{`evil\x1b[2J\u202eeman\x00`, `denied\x1b]0;pwned\x07\u2066`, `warn\u009b31m`} {
			if !opts.Details && opts.Width == 0 && !strings.Contains(out, want) {
				t.Errorf("%+v: output lacks the escaped form %q", opts, want)
			}
		}
	}
}

func TestVisible(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"plain ascii":        "plain ascii",
		"ünïcödé ✓":          "ünïcödé ✓",
		"a\x1bb":             `a\x1bb`,
		"a\u200bb":           `a\u200bb`,
		"\xff":               `\xff`,
		"tab\tstays escaped": `tab\x09stays escaped`,
	}
	for in, want := range tests {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
	}
}
