package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// putRecorder is the S3 client's HTTP client in these tests: it notes each
// PUT's Content-Type and fails the PUTs of keys with failSuffix, so the
// real SDK client and the local S3 still do all the rest.
type putRecorder struct {
	next       s3.HTTPClient
	failSuffix string

	mu          sync.Mutex
	contentType map[string]string // request path -> Content-Type
}

func (p *putRecorder) Do(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut {
		if p.failSuffix != "" && strings.HasSuffix(req.URL.Path, p.failSuffix) {
			return nil, errors.New("connection reset by peer")
		}
		p.mu.Lock()
		p.contentType[req.URL.Path] = req.Header.Get("Content-Type")
		p.mu.Unlock()
	}
	return p.next.Do(req)
}

func recordPuts(t *testing.T, hs *harness, failSuffix string) *putRecorder {
	t.Helper()
	c, ok := hs.h.s3.(*s3.Client)
	if !ok {
		t.Fatalf("harness S3 client is %T", hs.h.s3)
	}
	rec := &putRecorder{failSuffix: failSuffix, contentType: map[string]string{}}
	hs.h.s3 = s3.New(c.Options(), func(o *s3.Options) {
		rec.next = o.HTTPClient
		o.HTTPClient = rec
	})
	return rec
}

// With a report bucket, the run stores the HTML report beside the JSON report
// (same key, .html, text/html) and the digest names both, the HTML one with
// its S3 console link.
func TestHTMLReportBesideJSON(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(findingsEstate()))
	rec := recordPuts(t, hs, "")
	res, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	const (
		jsonKey = "fnaudit/reports/2026/11/28/060300Z.json"
		htmlKey = "fnaudit/reports/2026/11/28/060300Z.html"
		console = "https://console.aws.amazon.com/s3/object/acme-fnaudit?prefix=fnaudit%2Freports%2F2026%2F11%2F28%2F060300Z.html&region=us-east-1"
	)
	if res.Report != "s3://acme-fnaudit/"+jsonKey || res.HTMLReport != "s3://acme-fnaudit/"+htmlKey {
		t.Errorf("result names reports %q and %q", res.Report, res.HTMLReport)
	}
	// The run marker (lambda/runs.go) and the state pointer (state.go) sit
	// beside the two reports.
	keys := hs.srv.S3().Keys("acme-fnaudit")
	if len(keys) != 4 || keys[0] != htmlKey || keys[1] != jsonKey || !strings.HasPrefix(keys[2], "fnaudit/runs/") || keys[3] != stateKey {
		t.Errorf("bucket keys = %q, want the JSON and the HTML report", keys)
	}
	page, ok := hs.srv.S3().Object("acme-fnaudit", htmlKey)
	if !ok {
		t.Fatal("HTML report was not written")
	}
	for _, want := range []string{"<!DOCTYPE html>", "Content-Security-Policy", "public-status", `id="n-open">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if got := rec.contentType["/acme-fnaudit/"+htmlKey]; got != "text/html; charset=utf-8" {
		t.Errorf("HTML report Content-Type = %q", got)
	}
	if got := rec.contentType["/acme-fnaudit/"+jsonKey]; got != "application/json" {
		t.Errorf("JSON report Content-Type = %q", got)
	}
	body := hs.published(t).Body("email")
	for _, want := range []string{
		"Full report (JSON): s3://acme-fnaudit/" + jsonKey + "\n",
		"Full report (HTML): s3://acme-fnaudit/" + htmlKey + "\n",
		"Open it in the S3 console: " + console + "\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("digest lacks %q:\n%s", want, body)
		}
	}
}

// A failed HTML upload costs the HTML report only: the JSON report is
// stored, the digest is published and says what failed.
func TestHTMLReportWriteFails(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(findingsEstate()))
	recordPuts(t, hs, ".html")
	res, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Report == "" || res.HTMLReport != "" {
		t.Errorf("result names reports %q and %q, want the JSON one only", res.Report, res.HTMLReport)
	}
	if keys := hs.srv.S3().Keys("acme-fnaudit"); len(keys) != 3 || !strings.HasSuffix(keys[0], ".json") || !strings.HasPrefix(keys[1], "fnaudit/runs/") || keys[2] != stateKey {
		t.Errorf("bucket keys = %q, want the JSON report", keys)
	}
	body := hs.published(t).Body("email")
	if !strings.Contains(body, "html report: write s3://acme-fnaudit/fnaudit/reports/2026/11/28/060300Z.html") ||
		strings.Contains(body, "Full report (HTML)") {
		t.Errorf("digest does not say the HTML report failed:\n%s", body)
	}
}

func TestS3ConsoleURL(t *testing.T) {
	t.Parallel()
	loc := s3Location{"acme-reports", "fnaudit/reports/2026/11/28/060300Z.html"}
	tests := map[string]string{
		"eu-west-1":     "https://console.aws.amazon.com/s3/object/acme-reports?prefix=fnaudit%2Freports%2F2026%2F11%2F28%2F060300Z.html&region=eu-west-1",
		"":              "https://console.aws.amazon.com/s3/object/acme-reports?prefix=fnaudit%2Freports%2F2026%2F11%2F28%2F060300Z.html",
		"cn-north-1":    "https://console.amazonaws.cn/s3/object/acme-reports?prefix=fnaudit%2Freports%2F2026%2F11%2F28%2F060300Z.html&region=cn-north-1",
		"us-gov-west-1": "https://console.amazonaws-us-gov.com/s3/object/acme-reports?prefix=fnaudit%2Freports%2F2026%2F11%2F28%2F060300Z.html&region=us-gov-west-1",
		"us-iso-east-1": "",
	}
	for region, want := range tests {
		if got := s3ConsoleURL(loc, region); got != want {
			t.Errorf("s3ConsoleURL(%q) = %q, want %q", region, got, want)
		}
	}
}
