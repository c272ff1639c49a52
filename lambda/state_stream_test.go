package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
)

// baselineReport is a previous run's report: findings, gaps, warnings and a
// control section of controls entries.
func baselineReport(findings, controls int) *audit.Report {
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime,
		Scope:    audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 1, Regions: []string{"us-east-1"}, Functions: controls},
		Warnings: []string{"a note <for> the operator"}}
	for i := range findings {
		arn := fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:fn-%d", acctProd, i)
		r.Findings = append(r.Findings, audit.Finding{ID: audit.FindingID("FNA-AWS-001", arn, ""), Rule: "FNA-AWS-001",
			Category: audit.PublicInvoke, Severity: audit.Critical, Status: audit.StatusFail, Provider: audit.AWS,
			Account: acctProd, Region: "us-east-1", Resource: arn, Function: fmt.Sprintf("fn-%d", i), Title: "public & \"open\"",
			Evidence: []audit.Evidence{{Source: audit.Source{API: "lambda:GetPolicy", Ref: arn}, Fragment: `{"Principal":"*"}`}}})
	}
	r.Gaps = []audit.Gap{{Provider: audit.AWS, Account: acctBranch, API: "sts:AssumeRole", Data: audit.DataFunctions,
		Reason: audit.GapAssumeRole, Message: "AccessDenied"}}
	for i := range controls {
		r.Control = append(r.Control, audit.FunctionControl{Function: fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:fn-%d", acctProd, i),
			Name: fmt.Sprintf("fn-%d", i), Provider: audit.AWS, Account: acctProd, Judged: true,
			Controllers: []audit.FunctionController{{Principal: audit.ControlPrincipal{Kind: audit.ControllerRole, ID: "arn:aws:iam::" + acctProd + ":role/deployer"},
				Kinds: []audit.ControlKind{audit.ControlChangeCode, audit.ControlChangeConfig}}}})
	}
	r.Summarize()
	return r
}

func renderReport(t testing.TB, r *audit.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The streamed baseline is what json.Unmarshal reads, without the control
// section unless it is asked for.
func TestDecodeBaselineMatchesUnmarshal(t *testing.T) {
	t.Parallel()
	for _, r := range []*audit.Report{baselineReport(3, 5), {Schema: audit.ReportSchema}, baselineReport(0, 0)} {
		data := renderReport(t, r)
		var want audit.Report
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		want.Control = nil
		got, err := decodeBaseline(bytes.NewReader(data), int64(len(data)), false)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("streamed baseline differs from json.Unmarshal's (-want +got):\n%s", diff)
		}
		// With control set, the whole report, control section and all.
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		got, err = decodeBaseline(bytes.NewReader(data), int64(len(data)), true)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("streamed state differs from json.Unmarshal's (-want +got):\n%s", diff)
		}
	}
	// Members it does not know, and null lists, are passed over.
	got, err := decodeBaseline(strings.NewReader(`{"schema":"fnaudit.report/v1","future":{"a":[1,{"b":null}],"c":"}"},"findings":null,"gaps":[],"control":[{"x":[[]]}]}`), 1<<20, false)
	if err != nil || got.Schema != audit.ReportSchema || got.Findings != nil || got.Gaps == nil || got.Control != nil {
		t.Errorf("decodeBaseline = %+v, %v", got, err)
	}
}

// A baseline whose control section is far larger than its findings is read
// with every finding, through the handler's S3 client, with no warning.
func TestLoadBaselineLargeControl(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(findingsEstate()))
	prev := baselineReport(4, 20000)
	data := renderReport(t, prev)
	key := reportKeyPrefix + "2026/11/01/000000Z.json"
	hs.srv.S3().PutObject("acme-fnaudit", key, data)
	scope := hs.h.configuredScope()
	ptr, _ := json.Marshal(statePointer{Schema: stateSchema, Report: key, GeneratedAt: estateTime, Scope: scopeKey(scope)})
	hs.srv.S3().PutObject("acme-fnaudit", stateKey, ptr)

	got, warning := hs.h.loadBaseline(context.Background(), scope)
	if warning != "" || got == nil {
		t.Fatalf("loadBaseline: %v, warning %q", got, warning)
	}
	if len(data) < 4<<20 {
		t.Errorf("the control section is only %d bytes; make it larger than the findings by far", len(data))
	}
	if diff := cmp.Diff(prev.Findings, got.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(prev.Gaps, got.Gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	if got.Control != nil || !got.GeneratedAt.Equal(estateTime) {
		t.Errorf("control kept (%d entries) or generatedAt %v", len(got.Control), got.GeneratedAt)
	}
}

// A truncated or malformed previous report is "not a report": no baseline,
// a warning in the digest.
func TestLoadBaselineNotAReport(t *testing.T) {
	t.Parallel()
	data := renderReport(t, baselineReport(50, 50))
	for name, body := range map[string][]byte{
		"truncated":         data[:len(data)/2],
		"truncated at end":  data[:len(data)-2],
		"empty":             nil,
		"array":             []byte(`[]`),
		"findings object":   []byte(`{"schema":"fnaudit.report/v1","findings":{}}`),
		"finding a number":  []byte(`{"schema":"fnaudit.report/v1","findings":[1]}`),
		"bad token":         []byte(`{"schema":"fnaudit.report/v1","control":[1,}`),
		"data after":        append(append([]byte(nil), data...), []byte(`{}`)...),
		"bad generatedAt":   []byte(`{"schema":"fnaudit.report/v1","generatedAt":"yesterday"}`),
		"control truncated": []byte(`{"schema":"fnaudit.report/v1","findings":[],"control":[{"function":"f"`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(findingsEstate()))
			key := reportKeyPrefix + "2026/11/01/000000Z.json"
			hs.srv.S3().PutObject("acme-fnaudit", key, body)
			scope := hs.h.configuredScope()
			ptr, _ := json.Marshal(statePointer{Schema: stateSchema, Report: key, Scope: scopeKey(scope)})
			hs.srv.S3().PutObject("acme-fnaudit", stateKey, ptr)
			got, warning := hs.h.loadBaseline(context.Background(), scope)
			want := "state: the previous report s3://acme-fnaudit/" + key + " is not a report ("
			if got != nil || !strings.HasPrefix(warning, want) || !strings.HasSuffix(warning, "); nothing is marked new") {
				t.Errorf("loadBaseline = %v, warning %q; want one starting %q", got != nil, warning, want)
			}
		})
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// Bytes past the bound, and a body that fails, are read errors, not "not a
// report"; the bound counts bytes as they stream.
func TestDecodeBaselineReadErrors(t *testing.T) {
	t.Parallel()
	data := renderReport(t, baselineReport(20, 2000))
	var rerr *baselineReadError
	_, err := decodeBaseline(bytes.NewReader(data), int64(len(data))-1, false)
	if !errors.As(err, &rerr) || !strings.Contains(err.Error(), fmt.Sprintf("larger than %d bytes", len(data)-1)) {
		t.Errorf("one byte over the bound: %v", err)
	}
	if _, err := decodeBaseline(bytes.NewReader(data), int64(len(data)), false); err != nil {
		t.Errorf("exactly the bound: %v", err)
	}
	reset := errors.New("connection reset")
	_, err = decodeBaseline(&failingReader{data: data[:len(data)/3], err: reset}, int64(len(data)), false)
	if !errors.As(err, &rerr) || !errors.Is(err, reset) {
		t.Errorf("failing body: %v", err)
	}
	// The bound stops reading: a body far past it is not read to its end.
	cr := &countingReader{r: io.MultiReader(bytes.NewReader(data), bytes.NewReader(bytes.Repeat([]byte(" "), 10<<20)))}
	if _, err := decodeBaseline(cr, int64(len(data))+100, false); !errors.As(err, &rerr) {
		t.Errorf("padded body: %v", err)
	}
	if cr.n > int64(len(data))+100+64<<10 {
		t.Errorf("read %d bytes of a body bounded at %d", cr.n, len(data)+100)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
