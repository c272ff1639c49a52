package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// encodeWhole is the json format as one json.Encoder call writes it: what
// WriteJSON must reproduce byte for byte.
func encodeWhole(t *testing.T, r audit.Report) []byte {
	t.Helper()
	if r.Gaps == nil {
		r.Gaps = []audit.Gap{}
	}
	if r.Schema == "" {
		r.Schema = audit.ReportSchema
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fullReport sets every field of audit.Report, with HTML-special and
// non-ASCII text where encoders differ.
func fullReport() audit.Report {
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:a<b>&c"
	f := audit.Finding{
		ID: audit.FindingID("FNA-AWS-001", arn, "k"), Rule: "FNA-AWS-001", Slug: "aws-public-invoke",
		Category: audit.PublicInvoke, Severity: audit.Critical, Status: audit.StatusFail, Provider: audit.AWS,
		Account: "123456789012", Region: "us-east-1", Resource: arn, Function: "a<b>&c", Key: "k",
		Title: "<script>alert('x')</script> & \u2028 é", Detail: "line1\nline2\t\"quoted\"",
		Evidence: []audit.Evidence{{Source: audit.Source{API: "lambda:GetPolicy", Ref: arn}, Path: "Statement[Sid=x]",
			Fragment: `{"Principal":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:*<>"}}}`}},
		Remediation: "Remove the statement.",
		Suppression: &audit.Suppression{Reason: "accepted", Expires: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Entry: "rule=*"},
		FrontDoor:   &audit.DoorRef{ID: "door-1", Kind: "api-gateway-route", Address: "GET https://x/?a=1&b=<2>", Parent: "api"},
	}
	g := audit.Gap{Provider: audit.AWS, Account: "123456789012", Region: "eu-west-1", API: "lambda:ListFunctions",
		Data: audit.DataFunctions, Reason: audit.GapAssumeRole, Message: "AccessDenied <&>"}
	r := audit.Report{
		Schema:      audit.ReportSchema,
		GeneratedAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC),
		Scope:       audit.Scope{Providers: []audit.Provider{audit.AWS, audit.GCP}, Accounts: 2, Regions: []string{"us-east-1", "eu-west-1"}, Functions: 3},
		Findings:    []audit.Finding{f, {ID: "2", Rule: "FNA-AWS-002", Title: "plain"}},
		Gaps:        []audit.Gap{g, g},
		Warnings:    []string{"suppression <x> & expired", "second"},
		Control: []audit.FunctionControl{{Function: arn, Name: "a<b>&c", Provider: audit.AWS, Account: "123456789012", Judged: true,
			Controllers: []audit.FunctionController{{Principal: audit.ControlPrincipal{Kind: audit.ControllerRole, ID: "arn:aws:iam::123456789012:role/<admin>"},
				Kinds: []audit.ControlKind{audit.ControlChangeCode}, Conditional: true}}},
			{Function: "f2", Provider: audit.GCP, Account: "p"}},
	}
	r.Summarize()
	return r
}

// TestWriteJSONMatchesEncoder compares the streamed report with one
// json.Encoder call over the same report.
func TestWriteJSONMatchesEncoder(t *testing.T) {
	t.Parallel()
	full := fullReport()
	// The fixture sets every field of audit.Report: a field added to the
	// report fails here until the fixture (and so the comparison) covers it.
	rv := reflect.ValueOf(full)
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			t.Errorf("fullReport leaves audit.Report.%s unset; set it so the streamed report is compared with it", rv.Type().Field(i).Name)
		}
	}
	empty := audit.Report{Findings: []audit.Finding{}, Gaps: []audit.Gap{}, Warnings: []string{}, Control: []audit.FunctionControl{},
		Scope:   audit.Scope{Providers: []audit.Provider{}, Regions: []string{}},
		Summary: audit.Summary{BySeverity: map[audit.Severity]int{}, ByCategory: map[audit.Category]int{}, ByStatus: map[audit.Status]int{}, ByProvider: map[audit.Provider]int{}}}
	oneEach := fullReport()
	oneEach.Findings, oneEach.Gaps, oneEach.Warnings, oneEach.Control = oneEach.Findings[:1], oneEach.Gaps[:1], oneEach.Warnings[:1], oneEach.Control[:1]
	otherSchema := fullReport()
	otherSchema.Schema = "fnaudit.report/v0"
	for _, tc := range []struct {
		name string
		r    audit.Report
	}{
		{"zero (nil slices and maps)", audit.Report{}},
		{"empty slices and maps", empty},
		{"every field", full},
		{"one element each", oneEach},
		{"other schema", otherSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got bytes.Buffer
			if err := WriteJSON(&got, &tc.r); err != nil {
				t.Fatal(err)
			}
			if want := encodeWhole(t, tc.r); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("streamed report differs from json.Encoder's:\n got: %s\nwant: %s", got.Bytes(), want)
			}
		})
	}
	// Every member of the report is in the streamed output.
	var got bytes.Buffer
	if err := WriteJSON(&got, &full); err != nil {
		t.Fatal(err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(got.Bytes(), &members); err != nil {
		t.Fatal(err)
	}
	rt := rv.Type()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if _, ok := members[name]; !ok {
			t.Errorf("streamed report lacks %q (audit.Report.%s)", name, rt.Field(i).Name)
		}
	}
	if !strings.Contains(got.String(), "<script>") || !strings.Contains(got.String(), `\u2028`) {
		t.Errorf("HTML escaping differs from the json format's: %s", got.Bytes())
	}
}

// jsonMembers refuses struct shapes WriteJSON would not write as
// encoding/json does, rather than writing a different report.
func TestJSONMembersRefusesUnsupported(t *testing.T) {
	t.Parallel()
	type inner struct{ A int }
	type embedded struct {
		inner
		B int
	}
	type stringOpt struct {
		N int `json:"n,string"`
	}
	type fine struct {
		A int    `json:"a"`
		B string `json:"-"`
		c int
		D []int `json:"d,omitempty"`
	}
	if _, err := jsonMembers(reflect.TypeFor[embedded]()); err == nil {
		t.Error("embedded struct accepted")
	}
	if _, err := jsonMembers(reflect.TypeFor[stringOpt]()); err == nil {
		t.Error("string option accepted")
	}
	ms, err := jsonMembers(reflect.TypeFor[fine]())
	if err != nil || len(ms) != 2 || ms[0].name != "a" || ms[1].name != "d" || !ms[1].omitEmpty {
		t.Errorf("jsonMembers(fine) = %+v, %v", ms, err)
	}
	_ = fine{c: 1}
}

type failAfter struct {
	n   int
	err error
}

func (w *failAfter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

// A failing writer stops the report with its error.
func TestWriteJSONWriteError(t *testing.T) {
	t.Parallel()
	r := fullReport()
	for i := 0; i < 2000; i++ {
		r.Findings = append(r.Findings, r.Findings[0])
	}
	boom := errors.New("boom")
	if err := WriteJSON(&failAfter{n: 100 << 10, err: boom}, &r); !errors.Is(err, boom) {
		t.Errorf("WriteJSON error = %v, want %v", err, boom)
	}
	if err := WriteJSON(&bytes.Buffer{}, nil); err == nil {
		t.Error("WriteJSON(nil report) succeeded")
	}
}

// BenchmarkWriteJSON measures the streamed render of a report of many
// findings; its allocations per finding stay flat as the report grows.
func BenchmarkWriteJSON(b *testing.B) {
	r := fullReport()
	for i := 0; i < 10000; i++ {
		r.Findings = append(r.Findings, r.Findings[0])
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(&discard{}, &r); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
