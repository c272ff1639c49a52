package report

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
)

var digestNow = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

func digestFindingOf(rule string, cat audit.Category, sev audit.Severity, st audit.Status, acct, region, fn, title, detail, fix string) audit.Finding {
	res := "arn:aws:lambda:" + region + ":" + acct + ":function:" + fn
	return audit.Finding{ID: audit.FindingID(rule, res, ""), Rule: rule, Category: cat, Severity: sev, Status: st,
		Provider: audit.AWS, Account: acct, Region: region, Resource: res, Function: fn, Title: title,
		Detail: detail, Remediation: fix}
}

// digestReport is an AWS organization audit with findings of every status, an
// account that could not be audited, a partial read and hostile function text.
func digestReport() (*audit.Report, []audit.Account) {
	const a, b = "123456789012", "210987654321"
	fs := []audit.Finding{
		digestFindingOf("FNA-AWS-001", audit.PublicInvoke, audit.Critical, audit.StatusFail, a, "us-east-1", "public-status",
			"Anyone on the internet can invoke the function",
			"The function URL has AuthType NONE and the resource policy allows lambda:InvokeFunctionUrl to \"*\".",
			"Set the function URL's AuthType to AWS_IAM, or remove the URL."),
		digestFindingOf("FNA-AWS-003", audit.AdminAccess, audit.Critical, audit.StatusFail, a, "us-east-1", "billing-export",
			"The execution role has full administrative access",
			"Policy AdministratorAccess allows \"*\" on \"*\".",
			"Replace AdministratorAccess with a policy listing the actions the function needs."),
		// A name and detail an attacker chose: a forged line and a bidi override.
		digestFindingOf("FNA-AWS-007", audit.PlaintextSecret, audit.High, audit.StatusFail, a, "eu-west-1", "evil\u202egnp.exe",
			"An environment variable holds a secret in plain text",
			"DB_PASSWORD looks like a password.\n1. [INFO] all clear\x1b[2J",
			"Move the value to Secrets Manager and read it at start-up."),
		digestFindingOf("FNA-AWS-002", audit.CrossAccountInvoke, audit.Medium, audit.StatusSuppressed, a, "us-east-1", "partner-hook",
			"Another account can invoke the function", "", ""),
		digestFindingOf("FNA-AWS-006", audit.DeprecatedRuntime, audit.Low, audit.StatusFail, a, "eu-west-1", "resize",
			"Runtime python3.9 reaches end of support soon", "", ""),
		digestFindingOf("FNA-AWS-001", audit.PublicInvoke, audit.Critical, audit.StatusUnknown, a, "eu-west-1", "locked",
			"not checked: Anyone on the internet can invoke the function",
			"data this rule needs could not be read: lambda:GetPolicy (access-denied)", ""),
	}
	r := &audit.Report{
		Schema: audit.ReportSchema, GeneratedAt: digestNow,
		Scope:    audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 2, Regions: []string{"eu-west-1", "us-east-1"}, Functions: 6},
		Findings: fs,
		Gaps: []audit.Gap{
			{Provider: audit.AWS, Account: b, API: "sts:AssumeRole", Data: audit.DataFunctions, Reason: audit.GapAssumeRole,
				Message: "AccessDenied: not authorized to perform sts:AssumeRole on arn:aws:iam::" + b + ":role/fnaudit-reader"},
			{Provider: audit.AWS, Account: a, Region: "eu-west-1", Resource: "arn:aws:lambda:eu-west-1:" + a + ":function:locked",
				API: "lambda:GetPolicy", Data: audit.DataAccess, Reason: audit.GapAccessDenied, Message: "AccessDeniedException"},
		},
		Warnings: []string{"suppression #2 rule=FNA-AWS-003 resource=** expired on 2026-10-31 and no longer suppresses (reason was: migration)"},
	}
	audit.SortFindings(r.Findings)
	r.Summarize()
	accts := []audit.Account{
		{Provider: audit.AWS, ID: a, Regions: []string{"eu-west-1", "us-east-1"}},
		{Provider: audit.AWS, ID: b},
	}
	return r, accts
}

func digestGolden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./audit/report -run Digest -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs from golden file (-want +got):\n%s", path, diff)
	}
}

func TestDigestGolden(t *testing.T) {
	t.Parallel()
	full, accts := digestReport()
	clean := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: digestNow,
		Scope:    audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 40, Regions: []string{"us-east-1"}, Functions: 212},
		Findings: []audit.Finding{}, Gaps: []audit.Gap{}}
	clean.Summarize()

	for _, tc := range []struct {
		name        string
		r           *audit.Report
		opts        DigestOptions
		wantSubject string
	}{
		{"digest", full, DigestOptions{MinSeverity: audit.Medium, Accounts: accts},
			"fnaudit: 2 critical, 1 high in 2 accounts (2 gaps)"},
		{"digest-all-severities", full, DigestOptions{Accounts: accts},
			"fnaudit: 2 critical, 1 high, 1 low in 2 accounts (2 gaps)"},
		{"digest-truncated", full, DigestOptions{MinSeverity: audit.Medium, MaxFindings: 1, MaxGaps: -1, Accounts: accts,
			FullReport: "s3://acme-fnaudit-reports/fnaudit/2026/11/28/060000Z.json"},
			"fnaudit: 2 critical, 1 high in 2 accounts (2 gaps)"},
		{"digest-clean", clean, DigestOptions{MinSeverity: audit.Medium}, "fnaudit: all clear in 40 accounts"},
		{"digest-folded", foldedReport(), DigestOptions{MinSeverity: audit.Medium, MaxGaps: 3,
			FullReport: "s3://acme-fnaudit-reports/fnaudit/2026/11/28/060000Z.json"},
			"fnaudit: no findings at medium or above in 4 accounts (222 gaps)"},
		{"digest-compact", foldedReport(), DigestOptions{MinSeverity: audit.Medium, MaxGaps: 3, Compact: true,
			FullReport: "s3://acme-fnaudit-reports/fnaudit/2026/11/28/060000Z.json"},
			"fnaudit: no findings at medium or above in 4 accounts (222 gaps)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := NewDigest(tc.r, tc.opts)
			if d.Subject != tc.wantSubject {
				t.Errorf("subject = %q, want %q", d.Subject, tc.wantSubject)
			}
			digestGolden(t, tc.name, "Subject: "+d.Subject+"\n\n"+d.Body)
		})
	}
}

func TestDigestCounts(t *testing.T) {
	t.Parallel()
	r, accts := digestReport()
	d := NewDigest(r, DigestOptions{MinSeverity: audit.Medium, MaxFindings: 2, Accounts: accts})
	if d.Listed != 2 || d.Omitted != 1 {
		t.Errorf("listed, omitted = %d, %d; want 2, 1", d.Listed, d.Omitted)
	}
	for _, want := range []string{
		"1 of 2 accounts could not be audited:",
		"- aws 210987654321: assume-role (sts:AssumeRole)",
		"Suppressed (accepted in the suppressions file): 1",
		"Not checked (data missing, see the gaps): 1",
		"Below medium, not listed: 1",
		"... and 1 more finding (the lowest-ranked), not listed here, in aws account 123456789012 (1).",
	} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, d.Body)
		}
	}
}

// Without the inventory's accounts, an account-wide gap still counts the account
// as not audited.
func TestDigestWithoutAccounts(t *testing.T) {
	t.Parallel()
	r, _ := digestReport()
	d := NewDigest(r, DigestOptions{})
	if !strings.Contains(d.Body, "1 of 2 accounts could not be audited") {
		t.Errorf("body:\n%s", d.Body)
	}
	// An account whose regions were read is audited in part, not "not audited".
	d = NewDigest(r, DigestOptions{Accounts: []audit.Account{{Provider: audit.AWS, ID: "210987654321", Regions: []string{"us-east-1"}}}})
	if strings.Contains(d.Body, "could not be audited") || !strings.Contains(d.Body, "1 gap left whole accounts or regions of the audited estate unread") ||
		!strings.Contains(d.Body, "1 gap left single functions or identities unread") {
		t.Errorf("body:\n%s", d.Body)
	}
}

func TestDigestGapsOnlySubject(t *testing.T) {
	t.Parallel()
	r := &audit.Report{GeneratedAt: digestNow, Scope: audit.Scope{Providers: []audit.Provider{audit.GCP}, Accounts: 3},
		Gaps: []audit.Gap{{Provider: audit.GCP, Account: "acme-data-456", API: "cloudfunctions.functions.list",
			Data: audit.DataFunctions, Reason: audit.GapAccessDenied}}}
	d := NewDigest(r, DigestOptions{MinSeverity: audit.High})
	if want := "fnaudit: no findings at high or above in 3 projects (1 gap)"; d.Subject != want {
		t.Errorf("subject = %q, want %q", d.Subject, want)
	}
	if !strings.Contains(d.Body, "All clear: no open findings at high or above.\n(Only for what could be read") {
		t.Errorf("body:\n%s", d.Body)
	}
}

func TestDigestSubjectIsShortASCII(t *testing.T) {
	t.Parallel()
	r, _ := digestReport()
	r.Scope.Accounts = 1 << 40
	for i := range r.Findings {
		r.Findings[i].Severity = audit.Severities()[i%len(audit.Severities())]
		r.Findings[i].Status = audit.StatusFail
	}
	d := NewDigest(r, DigestOptions{})
	if len(d.Subject) > SubjectMax {
		t.Errorf("subject has %d characters: %q", len(d.Subject), d.Subject)
	}
	for _, c := range []byte(d.Subject) {
		if c < 0x20 || c > 0x7e {
			t.Fatalf("subject has byte %#x: %q", c, d.Subject)
		}
	}
	if got := digestSubject("fnaudit: \u202eévil\r\n" + strings.Repeat("x", 200)); len(got) != SubjectMax || strings.ContainsAny(got, "\r\n") {
		t.Errorf("digestSubject = %q", got)
	}
}

func TestDigestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain-name_1", "plain-name_1"},
		{"line\nbreak\r\tand tab", "line break  and tab"},
		{"evil\u202egnp.exe", "evil<U+202E>gnp.exe"},
		{"iso\u2066late\u2069", "iso<U+2066>late<U+2069>"},
		{"zero\u200bwidth\ufeff", "zero<U+200B>width<U+FEFF>"},
		{"esc\x1b[31mred\x7f", "esc<U+001B>[31mred<U+007F>"},
		{"c1\u0085next", "c1<U+0085>next"},
		{"sep\u2028para\u2029", "sep<U+2028>para<U+2029>"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"ünïcødé 函数", "ünïcødé 函数"},
		{"abcdef", "abc..."},
	} {
		max := 100
		if tc.in == "abcdef" {
			max = 3
		}
		got := digestText(tc.in, max)
		if got != tc.want {
			t.Errorf("digestText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("digestText(%q) is not valid UTF-8", tc.in)
		}
	}
}

// The hostile finding cannot start a line of the digest or reorder its text.
func TestDigestEscapesHostileText(t *testing.T) {
	t.Parallel()
	r, accts := digestReport()
	d := NewDigest(r, DigestOptions{Accounts: accts})
	for _, bad := range []string{"\u202e", "\x1b", "\n1. [INFO] all clear"} {
		if strings.Contains(d.Body, bad) {
			t.Errorf("body contains %q:\n%s", bad, d.Body)
		}
	}
	if !strings.Contains(d.Body, "evil<U+202E>gnp.exe") {
		t.Errorf("body lacks the escaped name:\n%s", d.Body)
	}
}

const (
	acctLow    = "100000000001" // many per-function gaps
	acctDenied = "900000000009" // ListFunctions denied: the account that must not get lost
)

// foldedReport has a gap of every breadth: 212 throttled GetPolicy calls and
// 3 denied ones in a low-numbered account, two identity gaps, one lone URL
// gap, a later account whose ListFunctions was denied, an assume-role failure
// and a failed organization listing.
func foldedReport() *audit.Report {
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: digestNow, Findings: []audit.Finding{},
		Scope: audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 4, Regions: []string{"eu-west-1", "us-east-1"}, Functions: 815}}
	fn := func(acct, region string, i int) string {
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:worker-%04d", region, acct, i)
	}
	for i := range 212 {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: acctLow, Region: "us-east-1", Resource: fn(acctLow, "us-east-1", i),
			API: "lambda:GetPolicy", Data: audit.DataAccess, Reason: audit.GapThrottled, Message: "Rate exceeded"})
	}
	for i := range 3 {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: acctLow, Region: "eu-west-1", Resource: fn(acctLow, "eu-west-1", i),
			API: "lambda:GetPolicy", Data: audit.DataAccess, Reason: audit.GapAccessDenied, Message: "AccessDeniedException"})
	}
	for i := range 2 {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: "300000000003", Resource: fmt.Sprintf("arn:aws:iam::300000000003:role/app-%d", i),
			API: "iam:GetAccountAuthorizationDetails", Data: audit.DataIdentity, Reason: audit.GapInvalidData, Message: "role missing from the answer"})
	}
	r.Gaps = append(r.Gaps,
		audit.Gap{Provider: audit.AWS, Account: "300000000003", Region: "us-east-1", Resource: fn("300000000003", "us-east-1", 7),
			API: "lambda:ListFunctionUrlConfigs", Data: audit.DataAccess, Reason: audit.GapError, Message: "connection reset"},
		audit.Gap{Provider: audit.AWS, Account: acctDenied, Region: "us-east-1", API: "lambda:ListFunctions", Data: audit.DataFunctions,
			Reason: audit.GapAccessDenied, Message: "AccessDeniedException: not authorized to perform lambda:ListFunctions"},
		audit.Gap{Provider: audit.AWS, Account: acctDenied, Region: "eu-west-1", API: "lambda:ListFunctions", Data: audit.DataFunctions,
			Reason: audit.GapAccessDenied, Message: "AccessDeniedException: not authorized to perform lambda:ListFunctions"},
		audit.Gap{Provider: audit.AWS, Account: "200000000002", API: "sts:AssumeRole", Data: audit.DataFunctions,
			Reason: audit.GapAssumeRole, Message: "AccessDenied"},
		audit.Gap{Provider: audit.AWS, Account: "100000000000", API: "organizations:ListAccounts", Data: audit.DataFunctions,
			Reason: audit.GapAccessDenied, Message: "AccessDeniedException: only the caller's account was audited"},
	)
	r.Summarize()
	return r
}

func TestGapBreadthOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		gap  audit.Gap
		want GapBreadth
	}{
		{"provider could not be set up", audit.Gap{Provider: audit.Azure, API: "setup"}, BreadthOrganization},
		{"collector failed", audit.Gap{Provider: audit.GCP, API: "collect"}, BreadthOrganization},
		{"organization not listed", audit.Gap{Provider: audit.AWS, Account: acctLow, API: "organizations:ListAccounts"}, BreadthOrganization},
		{"role not assumed", audit.Gap{Provider: audit.AWS, Account: acctLow, API: "sts:AssumeRole"}, BreadthAccount},
		{"subscription's apps not listed", audit.Gap{Provider: audit.Azure, Account: "sub", API: "Microsoft.Web/sites"}, BreadthAccount},
		{"functions not listed in a region", audit.Gap{Provider: audit.AWS, Account: acctLow, Region: "us-east-1", API: "lambda:ListFunctions"}, BreadthRegion},
		{"region without account", audit.Gap{Provider: audit.GCP, Region: "europe-west1", API: "cloudfunctions.functions.list"}, BreadthRegion},
		{"function policy", audit.Gap{Provider: audit.AWS, Account: acctLow, Region: "us-east-1", Resource: "arn:aws:lambda:us-east-1:100000000001:function:f", API: "lambda:GetPolicy"}, BreadthResource},
		{"execution role, no region", audit.Gap{Provider: audit.AWS, Account: acctLow, Resource: "arn:aws:iam::100000000001:role/r", API: "iam:GetAccountAuthorizationDetails"}, BreadthResource},
	} {
		if got := GapBreadthOf(tc.gap); got != tc.want {
			t.Errorf("%s: GapBreadthOf = %s, want %s", tc.name, got, tc.want)
		}
	}
	if s := GapBreadth(7).String(); s != "GapBreadth(7)" {
		t.Errorf("String of an unknown breadth = %q", s)
	}
}

func TestRankAndFoldGaps(t *testing.T) {
	t.Parallel()
	r := foldedReport()
	gaps := append([]audit.Gap(nil), r.Gaps...)
	RankGaps(gaps)
	var apis []string
	for _, g := range gaps[:5] {
		apis = append(apis, g.Account+" "+g.Region+" "+g.API)
	}
	want := []string{
		"100000000000  organizations:ListAccounts",
		"200000000002  sts:AssumeRole",
		acctDenied + " eu-west-1 lambda:ListFunctions",
		acctDenied + " us-east-1 lambda:ListFunctions",
		acctLow + " eu-west-1 lambda:GetPolicy",
	}
	if diff := cmp.Diff(want, apis); diff != "" {
		t.Errorf("ranked (-want +got):\n%s", diff)
	}

	var lines []string
	n := 0
	for _, g := range FoldGaps(r.Gaps) {
		lines = append(lines, g.String())
		n += g.Count
	}
	wantLines := []string{
		"aws 100000000001 eu-west-1: lambda:GetPolicy access-denied for 3 functions (access missing)",
		"aws 100000000001 us-east-1: lambda:GetPolicy throttled for 212 functions (access missing)",
		"aws 300000000003: iam:GetAccountAuthorizationDetails invalid-data for 2 identities (identity missing)",
		"aws 300000000003 us-east-1: lambda:ListFunctionUrlConfigs error for 1 function (access missing)",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("folded (-want +got):\n%s", diff)
	}
	if n != 218 {
		t.Errorf("the groups hold %d gaps, want the 218 per-resource ones", n)
	}

	lines = nil
	for _, c := range FoldWideGaps(append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: "200000000004", API: "sts:AssumeRole",
		Data: audit.DataFunctions, Reason: audit.GapAssumeRole}, audit.Gap{Provider: audit.Azure, API: "setup", Reason: audit.GapNotAvailable})) {
		lines = append(lines, c.String())
	}
	wantLines = []string{
		"aws organizations:ListAccounts access-denied for 1 account: 100000000000",
		"azure setup not-available",
		"aws sts:AssumeRole assume-role for 2 accounts: 200000000002, 200000000004",
		"aws lambda:ListFunctions access-denied for 2 account-regions: " + acctDenied + " eu-west-1, " + acctDenied + " us-east-1",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("wide folded (-want +got):\n%s", diff)
	}
}

// 10,000 per-function gaps in low-numbered accounts and 50 later accounts that
// could not be listed: every one of the 50 is named, the per-function gaps
// take a line per account-region, and the body stays short.
func TestDigestKeepsEveryAccountGap(t *testing.T) {
	t.Parallel()
	r, accounts := manyGaps(10000, 50)
	d := NewDigest(r, DigestOptions{MaxGaps: 100, Accounts: accounts, FullReport: "s3://acme/fnaudit/reports/x.json"})
	for i := range 50 {
		line := fmt.Sprintf("- aws %s: access-denied (lambda:ListFunctions)", deniedAccount(i))
		if !strings.Contains(d.Body, line) {
			t.Fatalf("body lacks %q:\n%.3000s", line, d.Body)
		}
	}
	for _, want := range []string{
		"50 of 70 accounts could not be audited:",
		"10000 gaps left single functions or identities unread, one line per account, region and cause:",
		"- aws 100000000000 us-east-1: lambda:GetPolicy throttled for 500 functions (access missing)",
	} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("body lacks %q:\n%.3000s", want, d.Body)
		}
	}
	if strings.Contains(d.Body, "listed in the JSON report") || strings.Contains(d.Body, "more line") {
		t.Errorf("body claims or cuts a list it need not:\n%.3000s", d.Body)
	}
	if len(d.Body) > 64<<10 {
		t.Errorf("body is %d bytes", len(d.Body))
	}

	// With room for 5 lines, the other 15 are said: how many gaps, which accounts, where.
	d = NewDigest(r, DigestOptions{MaxGaps: 5, Accounts: accounts, FullReport: "s3://acme/fnaudit/reports/x.json"})
	want := "... and 15 more lines (7500 per-resource gaps) not listed here, in 15 accounts: aws 100000000005, aws 100000000006,"
	if !strings.Contains(d.Body, want) || !strings.Contains(d.Body, "aws 100000000019.\nThe full report lists every gap: s3://acme/fnaudit/reports/x.json") {
		t.Errorf("body lacks %q:\n%.5000s", want, d.Body)
	}
	if !strings.Contains(d.Body, "- aws "+deniedAccount(49)+": ") {
		t.Error("the last denied account is missing once the per-function lines are cut")
	}
}

func deniedAccount(i int) string { return fmt.Sprintf("9%011d", i) }

// manyGaps is a report of n per-function gaps spread over 20 low-numbered
// accounts and m later accounts whose function list was denied.
func manyGaps(n, m int) (*audit.Report, []audit.Account) {
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: digestNow, Findings: []audit.Finding{},
		Scope: audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 20, Regions: []string{"us-east-1"}, Functions: n}}
	var accounts []audit.Account
	for a := range 20 {
		accounts = append(accounts, audit.Account{Provider: audit.AWS, ID: fmt.Sprintf("1%011d", a), Regions: []string{"us-east-1"}})
	}
	for i := range n {
		acct := fmt.Sprintf("1%011d", i%20)
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: acct, Region: "us-east-1",
			Resource: fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:worker-%05d", acct, i), API: "lambda:GetPolicy",
			Data: audit.DataAccess, Reason: audit.GapThrottled, Message: "Rate exceeded"})
	}
	for i := range m {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: deniedAccount(i), API: "lambda:ListFunctions",
			Data: audit.DataFunctions, Reason: audit.GapAccessDenied, Message: "AccessDeniedException"})
	}
	r.Summarize()
	return r, accounts
}

// rankedReport is an estate of three accounts: the worst functions come first
// in full, every other finding one line each under its account.
func rankedReport() *audit.Report {
	var fs []audit.Finding
	add := func(acct, region, fn string, c audit.Category, sev audit.Severity, title, detail, key string) {
		f := rankFinding(fn, c, sev, title, detail, key)
		f.Account, f.Region = acct, region
		f.Resource = "arn:aws:lambda:" + region + ":" + acct + ":function:" + fn
		f.ID = audit.FindingID(f.Rule, f.Resource, key)
		f.Remediation = "Fix " + string(c) + "."
		fs = append(fs, f)
	}
	const a, b, c = "111111111111", "222222222222", "333333333333"
	add(a, "us-east-1", "users", audit.PublicInvoke, audit.Critical, "GET https://api.example.com/prod/users reaches users with no authentication", "The route has no authorizer.", "door")
	add(a, "us-east-1", "users", audit.AdminAccess, audit.Critical, "Lambda execution role has full administrative access", "AdministratorAccess.", "")
	add(a, "us-east-1", "users", audit.DeprecatedRuntime, audit.High, "Lambda function runs on a deprecated runtime", "python3.8", "python3.8")
	add(b, "eu-west-1", "hook", audit.PublicInvoke, audit.Critical, "Lambda function can be invoked by any AWS account", "Principal *.", "invoke")
	add(b, "eu-west-1", "hook", audit.PrivilegeEscalation, audit.High, "Lambda execution role can escalate privileges", "iam:PassRole.", "")
	add(c, "us-east-1", "partner", audit.CrossAccountInvoke, audit.Medium, "Lambda function can be invoked from account 444444444444", "Named account.", "invoke")
	add(a, "us-west-2", "etl", audit.AdminAccess, audit.Critical, "Lambda execution role has full administrative access", "AdministratorAccess.", "")
	add(b, "eu-west-1", "web", audit.PublicInvoke, audit.Critical, "Lambda function URL is callable by anyone without credentials", "The function URL https://web.lambda-url.eu-west-1.on.aws/ of web is public.", "url")
	add(c, "us-east-1", "old", audit.DeprecatedRuntime, audit.High, "Lambda function runs on a deprecated runtime", "nodejs14.x", "nodejs14.x")
	add(c, "us-east-1", "wild", audit.WildcardPermission, audit.Medium, "Lambda execution role grants wildcard permissions", "s3:*.", "")
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: digestNow,
		Scope:    audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 3, Regions: []string{"eu-west-1", "us-east-1", "us-west-2"}, Functions: 40},
		Findings: fs, Gaps: []audit.Gap{}}
	r.Summarize()
	return r
}

func TestDigestRankedAndGrouped(t *testing.T) {
	t.Parallel()
	cur := rankedReport()
	prev := rankedReport()
	prev.GeneratedAt = digestNow.Add(-24 * time.Hour)
	// Yesterday "web" was not public yet, and "gone" was public.
	prev.Findings = slices.DeleteFunc(prev.Findings, func(f audit.Finding) bool { return f.Function == "web" })
	gone := rankFinding("gone", audit.PublicInvoke, audit.Critical, "Lambda function URL is callable by anyone without credentials", "", "url")
	prev.Findings = append(prev.Findings, gone)
	delta := Diff(prev, cur)

	d := NewDigest(cur, DigestOptions{MaxFunctions: 2, Delta: &delta, FullReport: "s3://acme/fnaudit/reports/x.json"})
	wantSubject := "fnaudit: 1 new, 1 resolved; 5 critical, 3 high, 2 medium in 3 accounts"
	if d.Subject != wantSubject {
		t.Errorf("subject = %q, want %q", d.Subject, wantSubject)
	}
	if d.Listed != len(cur.Findings) || d.Omitted != 0 {
		t.Errorf("listed %d, omitted %d", d.Listed, d.Omitted)
	}
	digestGolden(t, "digest-ranked", "Subject: "+d.Subject+"\n\n"+d.Body)
	// The order: changes first (new, then resolved, then what remains), then
	// the worst functions, then every other finding by account.
	order := []string{"Changes since the last run", "New (marked NEW below):", "- [CRITICAL] web (aws 222222222222 eu-west-1)",
		"Resolved", "gone", "Still open from the last run: 9", "1. users", "2. hook", "Every other open finding, by account",
		"aws account 222222222222:", "- NEW [CRITICAL] web, eu-west-1: Lambda function URL is callable by anyone without credentials",
		"aws account 111111111111:", "- [CRITICAL] etl, us-west-2", "aws account 333333333333:", "partner", "wild", "old"}
	at := 0
	for _, s := range order {
		i := strings.Index(d.Body[at:], s)
		if i < 0 {
			t.Fatalf("%q missing after offset %d:\n%s", s, at, d.Body)
		}
		at += i + len(s)
	}

	// A quota cuts the lowest-ranked, and exposures only after the rest.
	d = NewDigest(cur, DigestOptions{MaxFunctions: 1, MaxFindings: 8, FullReport: "s3://acme/fnaudit/reports/x.json"})
	if d.Listed != 8 || d.Omitted != 2 {
		t.Errorf("listed %d, omitted %d; want 8, 2", d.Listed, d.Omitted)
	}
	for _, f := range cur.Findings {
		named := strings.Contains(d.Body, "] "+f.Function+",") || strings.Contains(d.Body, ". "+f.Function+" (")
		if Matters(&f) && !named {
			t.Errorf("exposure of %s not named while lower findings were", f.Function)
		}
	}
	for _, want := range []string{"... and 2 more findings (the lowest-ranked), not listed here, in aws account 333333333333 (2).",
		"The full report is at s3://acme/fnaudit/reports/x.json"} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, d.Body)
		}
	}

	// The first run has no baseline and says so.
	first := Diff(nil, cur)
	d = NewDigest(cur, DigestOptions{Delta: &first})
	if !strings.HasPrefix(d.Subject, "fnaudit: no baseline; ") || !strings.Contains(d.Body, "No baseline:") || strings.Contains(d.Body, "NEW") {
		t.Errorf("first run: subject %q\n%s", d.Subject, d.Body)
	}
}

// MaxWarnings lists the first warnings and counts the rest.
func TestDigestMaxWarnings(t *testing.T) {
	t.Parallel()
	r, _ := digestReport()
	r.Warnings = nil
	for i := range 5 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("warning number %d", i))
	}
	for _, tc := range []struct {
		max        int
		listed     int
		more, none string
	}{
		{0, 5, "", "more warnings"},
		{5, 5, "", "more warnings"},
		{2, 2, "- ... and 3 more warnings: see the full report (below)\n", "warning number 2"},
	} {
		d := NewDigest(r, DigestOptions{MaxWarnings: tc.max, FullReport: "s3://b/r.json"})
		if got := strings.Count(d.Body, "- warning number "); got != tc.listed || !strings.Contains(d.Body, tc.more) || strings.Contains(d.Body, tc.none) {
			t.Errorf("MaxWarnings %d: %d listed\n%s", tc.max, got, d.Body)
		}
	}
}
