package report

import (
	"os"
	"path/filepath"
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
		{"digest-truncated", full, DigestOptions{MinSeverity: audit.Medium, MaxFindings: 1, MaxGaps: 1, Accounts: accts,
			FullReport: "s3://acme-fnaudit-reports/fnaudit/2026/11/28/060000Z.json"},
			"fnaudit: 2 critical, 1 high in 2 accounts (2 gaps)"},
		{"digest-clean", clean, DigestOptions{MinSeverity: audit.Medium}, "fnaudit: all clear in 40 accounts"},
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
		"... and 1 more finding,",
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
	if strings.Contains(d.Body, "could not be audited") || !strings.Contains(d.Body, "2 gaps left part of the audited estate unread") {
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
