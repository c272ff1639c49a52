package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/google/go-cmp/cmp"
)

func TestHTMLGolden(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]Options{
		"html":          {ProductVersion: "1.0.0-test"},
		"html-min-high": {MinSeverity: audit.High},
	} {
		var buf bytes.Buffer
		if err := Render(&buf, HTML, testReport(), opts); err != nil {
			t.Fatal(err)
		}
		golden(t, name, buf.Bytes())
		var again bytes.Buffer
		if err := Render(&again, HTML, testReport(), opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Errorf("%s: output is not deterministic", name)
		}
	}
}

// Text from the audited estate is attacker-controlled: markup in any field
// stays text, in element content and in attributes alike.
func TestHTMLEscapesUntrustedText(t *testing.T) {
	t.Parallel()
	const evil = `<script>alert(1)</script>`
	r := testReport()
	f := &r.Findings[0]
	f.Function, f.Title, f.Detail, f.Remediation, f.Account, f.Region = evil, evil, evil, evil, evil, evil
	f.Evidence = []audit.Evidence{{Source: audit.Source{API: evil, Ref: evil}, Path: evil, Fragment: evil + `"><img src=x onerror=alert(2)>`}}
	r.Gaps[0].Message, r.Gaps[0].Resource, r.Gaps[0].Account = evil, evil, evil
	r.Warnings = append(r.Warnings, evil)
	r.Scope.Regions = append(r.Scope.Regions, evil)
	var buf bytes.Buffer
	if err := Render(&buf, HTML, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	if n := strings.Count(out, "&lt;script&gt;alert(1)&lt;/script&gt;"); n < 10 {
		t.Errorf("escaped text appears %d times, want every field", n)
	}
}

func TestRankFunctions(t *testing.T) {
	t.Parallel()
	fn := func(name string, sev audit.Severity, st audit.Status, cat audit.Category) audit.Finding {
		return mk("R-"+string(cat), "", cat, sev, st, audit.AWS, awsAcct, "us-east-1", awsARN(name), name, "t")
	}
	shown := []audit.Finding{
		fn("zeta-admin", audit.Critical, audit.StatusFail, audit.AdminAccess),
		fn("beta-cross", audit.Critical, audit.StatusFail, audit.CrossAccountInvoke),
		fn("alpha-secret", audit.Critical, audit.StatusFail, audit.PlaintextSecret),
		fn("alpha-secret", audit.Critical, audit.StatusFail, audit.WildcardPermission),
		fn("delta-secret", audit.Critical, audit.StatusFail, audit.PlaintextSecret),
		fn("gamma-public", audit.High, audit.StatusFail, audit.PublicInvoke),
		fn("omega-suppressed", audit.Critical, audit.StatusSuppressed, audit.PublicInvoke),
		fn("eta-privesc", audit.Critical, audit.StatusFail, audit.PrivilegeEscalation),
		fn("eta-privesc", audit.Low, audit.StatusFail, audit.PublicInvoke),
		fn("kappa-unknown", audit.Critical, audit.StatusUnknown, audit.PublicInvoke),
		{Rule: "FNA-X", Status: audit.StatusError, Severity: audit.Info, Provider: audit.AWS, Resource: "rule:FNA-X"},
	}
	ranked, errs := rankFunctions(shown)
	var got []string
	for _, f := range ranked {
		got = append(got, fmt.Sprintf("%d %s %s %v %d/%d", f.N, f.Name, f.Worst, f.Exposure, f.Open, f.Other))
	}
	want := []string{
		// The digest's risk ranking (RankFunctions): reach × power, then
		// reach. Public × scoped (4) ties with private × admin (4); the
		// wider reach goes first.
		"1 gamma-public high [public-invoke] 1/0",
		"2 zeta-admin critical [admin-access] 1/0",
		// A low-severity invoke grant is latent: private × escalation (3).
		"3 eta-privesc critical [public-invoke privilege-escalation] 2/0",
		// Outside × scoped (2) ties with private × wildcard (2): reach first.
		"4 beta-cross critical [cross-account-invoke] 1/0",
		"5 alpha-secret critical [] 2/0",
		"6 delta-secret critical [] 1/0",
		// Nothing open: last, by name.
		"7 kappa-unknown  [] 0/1",
		"8 omega-suppressed  [] 0/1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
	if len(errs) != 1 || errs[0].Rule != "FNA-X" {
		t.Errorf("rule errors = %v", errs)
	}
}

func TestHTMLCharts(t *testing.T) {
	t.Parallel()
	r := testReport()
	// A second public finding on the same function counts the function once.
	dup := r.Findings[1]
	dup.Rule, dup.Key = "FNA-AWS-002", "alias"
	dup.Category, dup.Status = audit.PublicInvoke, audit.StatusFail
	r.Findings = append(r.Findings, dup)
	// Twenty accounts with one open finding each.
	for i := range 20 {
		f := mk("FNA-AWS-006", "", audit.DeprecatedRuntime, audit.Low, audit.StatusFail, audit.AWS,
			fmt.Sprintf("1000000000%02d", i), "eu-west-1", fmt.Sprintf("arn:fn-%d", i), "fn", "t")
		r.Findings = append(r.Findings, f)
	}
	audit.SortFindings(r.Findings)
	r.Summarize()
	if got := exposedFunctions(r.Findings, audit.PublicInvoke); got != 2 {
		t.Errorf("public functions = %d, want 2 (public-status and HttpIngest)", got)
	}
	charts := summaryCharts(r, 2, 0)
	var account htmlChart
	for _, c := range charts {
		if c.ID == "chart-account" {
			account = c
		}
	}
	if len(account.Bars) != chartAccounts || account.Bars[0].Label != "aws 123456789012" ||
		account.Note != "The 15 accounts with the most open findings are drawn; 8 more have 8 open findings." {
		t.Errorf("account chart: %d bars, first %q, note %q", len(account.Bars), account.Bars[0].Label, account.Note)
	}
	for _, c := range charts {
		for _, b := range c.Bars {
			if b.W < 0 || b.W > chartBarMax || (b.Value != "0" && !strings.HasPrefix(b.Value, "0 ") && b.W == 0) {
				t.Errorf("%s: bar %q value %q width %d", c.ID, b.Label, b.Value, b.W)
			}
		}
	}
}

func TestDigestNamesHTMLReport(t *testing.T) {
	t.Parallel()
	d := NewDigest(testReport(), DigestOptions{FullReport: "s3://b/r.json", HTMLReport: "s3://b/r.html",
		HTMLReportURL: "https://console.aws.amazon.com/s3/object/b?prefix=r.html"})
	want := "Full report (JSON): s3://b/r.json\nFull report (HTML): s3://b/r.html\n" +
		"Open it in the S3 console: https://console.aws.amazon.com/s3/object/b?prefix=r.html\n"
	if !strings.HasSuffix(d.Body, want) {
		t.Errorf("digest ends:\n%s\nwant:\n%s", d.Body[max(0, len(d.Body)-300):], want)
	}
}

func TestParseFormatHTML(t *testing.T) {
	t.Parallel()
	if f, err := ParseFormat(" HTML "); err != nil || f != HTML {
		t.Errorf("ParseFormat(HTML) = %v, %v", f, err)
	}
	if _, err := ParseFormat("pdf"); err == nil || !strings.Contains(err.Error(), "csv or html") {
		t.Errorf("ParseFormat(pdf) error = %v, want the formats listed", err)
	}
}
