package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
)

// decodeMessage returns the digest and the JSON report of a built message.
func decodeMessage(t *testing.T, m message) (string, *audit.Report) {
	t.Helper()
	var doc snsDocument
	if err := json.Unmarshal([]byte(m.Message), &doc); err != nil {
		t.Fatalf("message is not an SNS JSON document: %v", err)
	}
	var keys map[string]string
	_ = json.Unmarshal([]byte(m.Message), &keys)
	if _, ok := keys["email"]; ok {
		t.Error("the digest is written twice (default and email)")
	}
	if doc.SQS != doc.Lambda || doc.SQS != doc.HTTPS || doc.Default == "" {
		t.Error("the protocols' entries differ")
	}
	var r audit.Report
	dec := json.NewDecoder(strings.NewReader(doc.SQS))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("sqs entry is not a report: %v", err)
	}
	return doc.Default, &r
}

var leftOutLine = regexp.MustCompile(`^left out of this message: (aws \d{12} [a-z0-9-]+): lambda:GetPolicy throttled for (\d+) functions? \(access missing\)$`)

// leftOut sums the per-resource gaps the report's warnings say were left out,
// by account-region.
func leftOut(t *testing.T, r *audit.Report) (map[string]int, int) {
	t.Helper()
	by, n := map[string]int{}, 0
	for _, w := range r.Warnings {
		if !strings.HasPrefix(w, "left out of this message: ") {
			continue
		}
		m := leftOutLine.FindStringSubmatch(w)
		if m == nil {
			t.Fatalf("warning %q is not a folded gap line", w)
		}
		c, _ := strconv.Atoi(m[2])
		by[m[1]] += c
		n += c
	}
	return by, n
}

// Gaps alone far beyond the limit: no finding fits, per-function gaps are left
// out, and the warnings say exactly how many and where.
func TestBuildMessageFitsAnyReport(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime, Findings: []audit.Finding{}}
	for i := 0; i < 4000; i++ {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: acctProd, Region: "us-east-1",
			Resource: fnARN("us-east-1", fmt.Sprintf("%s-%04d", strings.Repeat("x", 40), i)), API: "lambda:GetPolicy",
			Data: audit.DataAccess, Reason: audit.GapThrottled, Message: strings.Repeat("Rate exceeded ", 5)})
	}
	r.Summarize()
	m, err := buildMessage(r, nil, audit.Medium, "", htmlReport{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() > snsMaxBytes || m.OmittedGaps == 0 || m.OmittedGaps == 4000 {
		t.Errorf("size %d, omitted gaps %d", m.Size(), m.OmittedGaps)
	}
	digest, rep := decodeMessage(t, m)
	if !strings.Contains(digest, "- aws "+acctProd+" us-east-1: lambda:GetPolicy throttled for 4000 functions (access missing)") {
		t.Errorf("digest does not fold the gaps:\n%.2000s", digest)
	}
	if strings.Contains(digest, "listed in the JSON report") {
		t.Error("the digest claims the JSON report lists what it may not")
	}
	by, n := leftOut(t, rep)
	if n != m.OmittedGaps || len(rep.Gaps)+n != 4000 || by["aws "+acctProd+" us-east-1"] != n {
		t.Errorf("report lists %d gaps, warnings say %d left out (%v), message omitted %d", len(rep.Gaps), n, by, m.OmittedGaps)
	}
	if rep.Summary.Gaps != 4000 {
		t.Errorf("summary counts %d gaps", rep.Summary.Gaps)
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "no full report was written (set FNAUDIT_REPORT_BUCKET to keep one)") {
		t.Errorf("warnings %q do not say there is no full report", rep.Warnings)
	}
}

// 10,000 per-function gaps in low-numbered accounts, 50 later accounts that
// could not be audited and 300 findings: the findings are left out first, then
// per-function gaps; all 50 account gaps are in the digest and in the JSON.
func TestBuildMessageKeepsEveryAccountGap(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime,
		Scope: audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 20, Regions: []string{"us-east-1"}, Functions: 10000}}
	var accounts []audit.Account
	for a := range 20 {
		accounts = append(accounts, audit.Account{Provider: audit.AWS, ID: fmt.Sprintf("1%011d", a), Regions: []string{"us-east-1"}})
	}
	for i := range 10000 {
		acct := fmt.Sprintf("1%011d", i%20)
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: acct, Region: "us-east-1",
			Resource: fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:worker-%05d", acct, i), API: "lambda:GetPolicy",
			Data: audit.DataAccess, Reason: audit.GapThrottled, Message: "Rate exceeded"})
	}
	denied := func(i int) string { return fmt.Sprintf("9%011d", i) }
	for i := range 50 {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: denied(i), API: "sts:AssumeRole",
			Data: audit.DataFunctions, Reason: audit.GapAssumeRole, Message: "AccessDenied: not authorized to perform sts:AssumeRole"})
	}
	for i := range 300 {
		res := fmt.Sprintf("arn:aws:lambda:us-east-1:100000000000:function:public-%03d", i)
		r.Findings = append(r.Findings, audit.Finding{ID: audit.FindingID("FNA-AWS-001", res, ""), Rule: "FNA-AWS-001",
			Category: audit.PublicInvoke, Severity: audit.Critical, Status: audit.StatusFail, Provider: audit.AWS,
			Account: "100000000000", Region: "us-east-1", Resource: res, Title: "Anyone can invoke the function"})
	}
	audit.SortGaps(r.Gaps)
	r.Summarize()
	const uri = "s3://acme-fnaudit/fnaudit/reports/2026/11/28/060300Z.json"
	m, err := buildMessage(r, accounts, audit.Medium, uri, htmlReport{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() > snsMaxBytes {
		t.Errorf("message is %d bytes, over %d", m.Size(), snsMaxBytes)
	}
	digest, rep := decodeMessage(t, m)
	inJSON := map[string]bool{}
	for _, g := range rep.Gaps {
		if g.API == "sts:AssumeRole" {
			inJSON[g.Account] = true
		}
	}
	for i := range 50 {
		if line := "- aws " + denied(i) + ": assume-role (sts:AssumeRole)"; !strings.Contains(digest, line) {
			t.Errorf("digest lacks %q", line)
		}
		if !inJSON[denied(i)] {
			t.Errorf("JSON report lacks the gap of account %s", denied(i))
		}
	}
	if m.Omitted != 300 || len(rep.Findings) != 0 {
		t.Errorf("findings: %d listed, %d omitted; want every one left out before a gap", len(rep.Findings), m.Omitted)
	}
	by, n := leftOut(t, rep)
	if n != m.OmittedGaps || len(rep.Gaps)+n != len(r.Gaps) {
		t.Errorf("report lists %d of %d gaps, warnings say %d left out, message omitted %d", len(rep.Gaps), len(r.Gaps), n, m.OmittedGaps)
	}
	listed := map[string]int{}
	for _, g := range rep.Gaps {
		if g.Resource != "" {
			listed["aws "+g.Account+" "+g.Region]++
		}
	}
	for a := range 20 {
		key := fmt.Sprintf("aws 1%011d us-east-1", a)
		if listed[key]+by[key] != 500 {
			t.Errorf("%s: %d listed + %d said left out, want 500", key, listed[key], by[key])
		}
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), "all 50 organization-, account- and region-level gaps and") ||
		!strings.Contains(strings.Join(rep.Warnings, "\n"), "the full report is at "+uri) {
		t.Errorf("warnings:\n%.1500s", strings.Join(rep.Warnings, "\n"))
	}
	if !strings.Contains(digest, "Full report (JSON): "+uri) {
		t.Errorf("digest does not point to the full report:\n%.3000s", digest)
	}
	// The digest took the room first: every public function is named.
	for i := range 300 {
		if fn := fmt.Sprintf("function:public-%03d", i); !strings.Contains(digest, fn) {
			t.Errorf("digest does not name %s", fn)
		}
	}
}

// Thousands of accounts that could not be audited do not fit one by one: the
// digest and the JSON report fold them by cause, every account still named.
func TestBuildMessageFoldsAccountGapsByCause(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime, Findings: []audit.Finding{},
		Scope: audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 2}}
	acct := func(i int) string { return fmt.Sprintf("9%011d", i) }
	for i := range 3000 {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: acct(i), API: "sts:AssumeRole",
			Data: audit.DataFunctions, Reason: audit.GapAssumeRole, Message: strings.Repeat("AccessDenied ", 10)})
	}
	r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: "100000000001", Region: "us-east-1", API: "lambda:ListFunctions",
		Data: audit.DataFunctions, Reason: audit.GapThrottled, Message: "Rate exceeded"})
	for i := range 40 {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: "100000000002", Region: "us-east-1",
			Resource: fmt.Sprintf("arn:aws:lambda:us-east-1:100000000002:function:f-%02d", i), API: "lambda:GetPolicy",
			Data: audit.DataAccess, Reason: audit.GapAccessDenied})
	}
	r.Summarize()
	accounts := []audit.Account{{Provider: audit.AWS, ID: "100000000001", Regions: []string{"us-east-1"}},
		{Provider: audit.AWS, ID: "100000000002", Regions: []string{"us-east-1"}}}
	m, err := buildMessage(r, accounts, audit.Medium, "s3://acme/r.json", htmlReport{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() > snsMaxBytes {
		t.Errorf("message is %d bytes", m.Size())
	}
	digest, rep := decodeMessage(t, m)
	warnings := strings.Join(rep.Warnings, "\n")
	var ids []string
	for i := range 3000 {
		ids = append(ids, acct(i))
	}
	folded := "aws sts:AssumeRole assume-role for 3000 accounts: " + strings.Join(ids, ", ")
	for _, want := range []string{
		"3000 of 3002 accounts could not be audited (one line per cause; the full report has the messages):\n- " + folded + "\n",
		"1 gap left whole accounts or regions of the audited estate unread (one line per cause):\n" +
			"- aws lambda:ListFunctions throttled for 1 account-region: 100000000001 us-east-1\n",
		"- aws 100000000002 us-east-1: lambda:GetPolicy access-denied for 40 functions (access missing)",
	} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest lacks %.200q:\n%.1500s", want, digest)
		}
	}
	for _, want := range []string{
		"none of the 3041 gaps one by one",
		"folded in this message: " + folded,
		"folded in this message: aws lambda:ListFunctions throttled for 1 account-region: 100000000001 us-east-1",
		"left out of this message: aws 100000000002 us-east-1: lambda:GetPolicy access-denied for 40 functions (access missing)",
	} {
		if !strings.Contains(warnings, want) {
			t.Errorf("JSON warnings lack %.200q", want)
		}
	}
	if m.OmittedGaps != 3041 || len(rep.Gaps) != 0 || rep.Summary.Gaps != 3041 {
		t.Errorf("omitted %d, listed %d, summary %d", m.OmittedGaps, len(rep.Gaps), rep.Summary.Gaps)
	}
}

// When not even the folded account gaps fit, building fails with a clear
// error instead of sending a message that leaves an account out.
func TestBuildMessageNeverCutsAnAccountGap(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime, Findings: []audit.Finding{}}
	for i := range 30000 {
		r.Gaps = append(r.Gaps, audit.Gap{Provider: audit.AWS, Account: fmt.Sprintf("9%011d", i), API: "sts:AssumeRole",
			Data: audit.DataFunctions, Reason: audit.GapAssumeRole, Message: "AccessDenied"})
	}
	r.Summarize()
	_, err := buildMessage(r, nil, audit.Medium, "", htmlReport{}, nil)
	if err == nil || !strings.Contains(err.Error(), "the summary and the 30000 organization-, account- and region-level gaps take") ||
		!strings.Contains(err.Error(), "even folded by cause") {
		t.Errorf("error = %v", err)
	}
}

// Ten thousand open findings in 20 accounts: the digest names every exposure
// and identity finding (public, cross-account, admin, escalation), one line
// each under its account, cuts only the lowest-ranked others, says how many
// and where the full report is, and the whole message fits SNS's limit.
func TestBuildMessageTenThousandFindings(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime,
		Scope: audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 20, Regions: []string{"us-east-1"}, Functions: 10000}, Gaps: []audit.Gap{}}
	type kind struct {
		rule  string
		cat   audit.Category
		sev   audit.Severity
		title string
	}
	kinds := []kind{
		{"FNA-AWS-001", audit.PublicInvoke, audit.Critical, "Lambda function URL is callable by anyone without credentials"},
		{"FNA-AWS-002", audit.CrossAccountInvoke, audit.Medium, "Lambda function can be invoked from account 999999999999"},
		{"FNA-AWS-003", audit.AdminAccess, audit.Critical, "Lambda execution role has full administrative access"},
		{"FNA-AWS-004", audit.PrivilegeEscalation, audit.High, "Lambda execution role can escalate privileges"},
	}
	others := []kind{
		{"FNA-AWS-005", audit.WildcardPermission, audit.Medium, "Lambda execution role grants wildcard permissions"},
		{"FNA-AWS-006", audit.DeprecatedRuntime, audit.High, "Lambda function runs on a deprecated runtime"},
		{"FNA-AWS-007", audit.PlaintextSecret, audit.Medium, "Lambda function has a secret in environment variable DB_PASSWORD"},
	}
	exposed := map[string]bool{}
	for i := range 10000 {
		acct := fmt.Sprintf("1%011d", i%20)
		name := fmt.Sprintf("worker-%05d", i)
		k := others[i%len(others)]
		if i%25 == 0 { // 400 exposure and identity findings
			k = kinds[(i/25)%len(kinds)]
			exposed[acct+" "+name] = true
		}
		res := "arn:aws:lambda:us-east-1:" + acct + ":function:" + name
		r.Findings = append(r.Findings, audit.Finding{ID: audit.FindingID(k.rule, res, ""), Rule: k.rule, Category: k.cat,
			Severity: k.sev, Status: audit.StatusFail, Provider: audit.AWS, Account: acct, Region: "us-east-1",
			Resource: res, Function: name, Title: k.title, Detail: "Detail of " + k.rule + " on " + name + ".",
			Remediation: "Remediation of " + k.rule + "."})
	}
	r.Summarize()
	const uri = "s3://acme-fnaudit/fnaudit/reports/2026/11/28/060300Z.json"
	m, err := buildMessage(r, nil, audit.Medium, uri, htmlReport{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() > snsMaxBytes {
		t.Errorf("message is %d bytes, over %d", m.Size(), snsMaxBytes)
	}
	digest, rep := decodeMessage(t, m)
	if rep.Summary.Open != 10000 {
		t.Errorf("JSON summary counts %d open findings, want 10000", rep.Summary.Open)
	}
	// Every exposure is named, in full or in a line under its account.
	account := ""
	named := map[string]bool{}
	for _, line := range strings.Split(digest, "\n") {
		if strings.HasPrefix(line, "aws account ") && strings.HasSuffix(line, ":") {
			account = strings.TrimSuffix(strings.TrimPrefix(line, "aws account "), ":")
			continue
		}
		if strings.HasPrefix(line, "- [") && account != "" {
			name := strings.SplitN(strings.SplitN(line, "] ", 2)[1], ",", 2)[0]
			named[account+" "+name] = true
		}
		if n := strings.Index(line, ". worker-"); n > 0 && n < 4 {
			f := strings.Fields(line[n+2:])
			named[strings.Trim(f[3], ",")+" "+f[0]] = true // "worker-00000 (aws, account 1..., us-east-1)"
		}
	}
	for k := range exposed {
		if !named[k] {
			t.Errorf("exposure of %s is not named in the digest", k)
		}
	}
	if m.DigestOmitted == 0 || len(named) != 10000-m.DigestOmitted {
		t.Errorf("digest names %d functions and omits %d, want 10000 in all", len(named), m.DigestOmitted)
	}
	for _, want := range []string{
		fmt.Sprintf("... and %d more findings (the lowest-ranked), not listed here, in ", m.DigestOmitted),
		"The full report is at " + uri,
		"Every other open finding, by account",
	} {
		if !strings.Contains(digest, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	t.Logf("10,000 findings: message %d bytes, digest %d bytes naming %d findings (%d omitted), JSON report %d findings",
		m.Size(), len(digest), 10000-m.DigestOmitted, m.DigestOmitted, len(rep.Findings))
}

// An organization's warnings grow with its accounts: 3,000 warnings of 500
// bytes (1.5 MB) still make one message; the digest and the JSON
// report list the first ones and say how many more the full report has.
func TestBuildMessageBoundsWarnings(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime, Findings: []audit.Finding{}, Gaps: []audit.Gap{}}
	for i := range 3000 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("warning %04d %s", i, strings.Repeat("w", 487)))
	}
	r.Summarize()
	m, err := buildMessage(r, nil, audit.Medium, "s3://acme/r.json", htmlReport{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() > snsMaxBytes {
		t.Errorf("size %d", m.Size())
	}
	digest, rep := decodeMessage(t, m)
	if got := strings.Count(digest, "- warning "); got != digestWarnings || !strings.Contains(digest, "- ... and 2980 more warnings: see the full report (below)") {
		t.Errorf("digest lists %d warnings:\n%.3000s", got, digest)
	}
	listed := 0
	for _, w := range rep.Warnings {
		if strings.HasPrefix(w, "warning ") {
			listed++
		}
	}
	want := warningBytes / 500
	if listed != want || rep.Warnings[want] != fmt.Sprintf("this message lists %d of the report's 3000 warnings; the full report is at s3://acme/r.json", want) {
		t.Errorf("the JSON report lists %d warnings (want %d), then %q", listed, want, rep.Warnings[min(listed, len(rep.Warnings)-1)])
	}
	if rep.Warnings[0] != r.Warnings[0] || len(r.Warnings) != 3000 {
		t.Error("the report's own warnings changed")
	}
}

// The JSON report's searches never render more findings or gaps than
// maxListed: that must be a true bound, so one more of the smallest finding
// or gap the report can hold does not fit.
func TestMaxListedIsABound(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime, Gaps: []audit.Gap{}}
	shown := make([]audit.Finding, maxListed(audit.Finding{})+1)
	d := report.NewDigest(r, report.DigestOptions{})
	m, err := renderMessage(r, d, "", shown, len(shown), nil, nil, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() <= snsMaxBytes {
		t.Errorf("%d empty findings take %d bytes, within SNS's %d: maxListed is not a bound", len(shown), m.Size(), snsMaxBytes)
	}
	narrow := make([]audit.Gap, maxListed(audit.Gap{})+2) // one left out, so the listed ones are rendered one by one
	m, err = renderMessage(r, d, "", nil, 0, nil, narrow, len(narrow)-1, false)
	if err != nil {
		t.Fatal(err)
	}
	if m.Size() <= snsMaxBytes {
		t.Errorf("%d empty gaps take %d bytes, within SNS's %d: maxListed is not a bound", len(narrow)-1, m.Size(), snsMaxBytes)
	}
}

// BenchmarkBuildMessage fits an organization's report (n findings in 500
// accounts) into one SNS message.
func BenchmarkBuildMessage(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("findings=%d", n), func(b *testing.B) {
			r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime, Gaps: []audit.Gap{}}
			for i := range n {
				acct, name := fmt.Sprintf("1%011d", i%500), fmt.Sprintf("worker-%06d", i)
				res := "arn:aws:lambda:us-east-1:" + acct + ":function:" + name
				sev := []audit.Severity{audit.Critical, audit.High, audit.Medium}[i%3]
				r.Findings = append(r.Findings, audit.Finding{ID: audit.FindingID("FNA-AWS-005", res, ""), Rule: "FNA-AWS-005",
					Category: audit.WildcardPermission, Severity: sev, Status: audit.StatusFail, Provider: audit.AWS,
					Account: acct, Region: "us-east-1", Resource: res, Function: name,
					Title: "Lambda execution role grants wildcard permissions", Detail: "Detail on " + name + "."})
			}
			r.Summarize()
			b.ReportAllocs()
			for b.Loop() {
				m, err := buildMessage(r, nil, audit.Medium, "s3://bucket/report.json", htmlReport{}, nil)
				if err != nil || m.Size() > snsMaxBytes {
					b.Fatal(err, m.Size())
				}
			}
		})
	}
}
