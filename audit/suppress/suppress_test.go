package suppress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/google/go-cmp/cmp"
)

func TestMatchResource(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:public-status"
	const gcp = "projects/acme-prod-123/locations/europe-west1/functions/thumbnailer"
	const az = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-web/providers/Microsoft.Web/sites/acme-api/functions/Health"
	tests := []struct {
		glob, resource string
		fold           bool
		want           bool
	}{
		{arn, arn, false, true},
		{"arn:aws:lambda:*:123456789012:function:*", arn, false, true},
		{"arn:aws:lambda:*:123456789012:function:public-*", arn, false, true},
		{"arn:aws:lambda:*:111111111111:function:*", arn, false, false},
		{"arn:aws:lambda:*", arn, false, false}, // * stops at ':'
		{"arn:aws:lambda:**", arn, false, true},
		{"**", arn, false, true},
		{"**", "", false, true},
		{"*", arn, false, false},
		{"arn:aws:lambda:us-east-?:123456789012:function:public-status", arn, false, true},
		{"arn:aws:lambda:us-east-1?123456789012:function:public-status", arn, false, false}, // ? is not a separator
		{"projects/acme-prod-123/**", gcp, false, true},
		{"projects/*/locations/*/functions/thumbnailer", gcp, false, true},
		{"projects/*/functions/thumbnailer", gcp, false, false}, // * stays in one segment
		{"projects/**/functions/thumbnailer", gcp, false, true},
		{"projects/acme-*-123/**", gcp, false, true},
		{"PROJECTS/acme-prod-123/**", gcp, false, false},
		{"/subscriptions/*/resourcegroups/rg-web/**", az, true, true}, // Azure ids fold case
		{"/subscriptions/*/resourcegroups/rg-web/**", az, false, false},
		{arn + "x", arn, false, false},
		{"a**b**c", "a/x:b/y/c", false, true},
		{strings.Repeat("*a", 20), strings.Repeat("a", 40) + "b", false, false}, // pathological backtracking stays fast
	}
	for _, tt := range tests {
		if got := MatchResource(tt.glob, tt.resource, tt.fold); got != tt.want {
			t.Errorf("MatchResource(%q, %q, %v) = %v, want %v", tt.glob, tt.resource, tt.fold, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	data := `# accepted risks, reviewed quarterly
suppressions:
  - rule: FNA-AWS-001
    resource: "arn:aws:lambda:*:123456789012:function:public-status"
    reason: status page is public by design
    expires: 2027-03-31
  - category: deprecated-runtime
    resource: "projects/acme-legacy-*/**"
    reason: legacy project is being decommissioned
    expires: "2027-01-15T12:00:00+01:00"
  - rule: aws-admin-access
    category: admin-access
    resource: "**"
    reason: break-glass role
`
	got, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Index: 1, Line: 3, Rule: "FNA-AWS-001", Resource: "arn:aws:lambda:*:123456789012:function:public-status",
			Reason: "status page is public by design", Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), ExpiresDay: true},
		{Index: 2, Line: 7, Category: audit.DeprecatedRuntime, Resource: "projects/acme-legacy-*/**",
			Reason: "legacy project is being decommissioned", Expires: time.Date(2027, 1, 15, 11, 0, 0, 0, time.UTC)},
		{Index: 3, Line: 11, Rule: "aws-admin-access", Category: audit.AdminAccess, Resource: "**", Reason: "break-glass role"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "file is empty"},
		{"not yaml", "suppressions: [\n", "invalid YAML"},
		{"top level list", "- rule: x\n", "line 1: top level must be a mapping"},
		{"unknown top key", "suppresions: []\n", `line 1: unknown top-level key "suppresions"`},
		{"missing list", "{}\n", "missing top-level key suppressions"},
		{"list is map", "suppressions:\n  rule: x\n", "line 2: suppressions must be a list"},
		{"entry scalar", "suppressions:\n  - FNA-AWS-001\n", "suppressions[1] (line 2): entry must be a mapping"},
		{"no reason", "suppressions:\n  - rule: FNA-AWS-001\n    resource: '**'\n", "suppressions[1] (line 2): reason: required"},
		{"no resource", "suppressions:\n  - rule: FNA-AWS-001\n    reason: ok\n", "suppressions[1] (line 2): resource: required"},
		{"no rule or category", "suppressions:\n  - resource: '**'\n    reason: ok\n", "suppressions[1] (line 2): rule or category: required"},
		{"unknown key", "suppressions:\n  - rule: FNA-AWS-001\n    resource: '**'\n    reson: typo\n", `suppressions[1] (line 2): unknown key "reson"`},
		{"bad category", "suppressions:\n  - category: public\n    resource: '**'\n    reason: x\n", `category: unknown category "public"`},
		{"bad date", "suppressions:\n  - rule: FNA-AWS-001\n    resource: '**'\n    reason: x\n    expires: next year\n", `suppressions[1] (line 2): expires: "next year" is not a date`},
		{"list value", "suppressions:\n  - rule: [a, b]\n    resource: '**'\n    reason: x\n", "rule: must be a single value"},
		{"duplicate key", "suppressions:\n  - rule: a\n    rule: b\n    resource: '**'\n    reason: x\n", "rule: given twice"},
		{"triple star", "suppressions:\n  - rule: a\n    resource: 'a***'\n    reason: x\n", `resource: "***" is ambiguous`},
		{"second entry", "suppressions:\n  - rule: a\n    resource: x\n    reason: y\n  - rule: b\n", "suppressions[2] (line 5): resource: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data))
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestParseNullList(t *testing.T) {
	t.Parallel()
	got, err := Parse([]byte("suppressions:\n"))
	if err != nil || len(got) != 0 {
		t.Fatalf("Parse(null list) = %v, %v; want no entries", got, err)
	}
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte("suppressions:\n  - rule: a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": suppressions[1]") {
		t.Errorf("LoadFile error = %v, want it to name the file and entry", err)
	}
	_, err = LoadFile(filepath.Join(dir, "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("LoadFile(missing) error = %v, want it to name the file", err)
	}
}

func TestCheckRules(t *testing.T) {
	t.Parallel()
	known := func(s string) bool { return s == "FNA-AWS-001" || s == "aws-public-invoke" }
	ok := []Entry{{Index: 1, Rule: "FNA-AWS-001"}, {Index: 2, Rule: "aws-public-invoke"}, {Index: 3, Category: audit.AdminAccess}}
	if err := CheckRules(ok, known); err != nil {
		t.Errorf("CheckRules(known) = %v", err)
	}
	bad := append(ok, Entry{Index: 4, Line: 20, Rule: "FNA-AWS-099"})
	err := CheckRules(bad, known)
	if err == nil || err.Error() != `suppressions[4] (line 20): rule: unknown rule "FNA-AWS-099"` {
		t.Errorf("CheckRules(unknown) = %v", err)
	}
}

func finding(rule, slug string, cat audit.Category, p audit.Provider, resource string, st audit.Status) audit.Finding {
	return audit.Finding{ID: audit.FindingID(rule, resource, ""), Rule: rule, Slug: slug, Category: cat,
		Severity: audit.High, Status: st, Provider: p, Resource: resource, Title: "t"}
}

func TestApply(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	const (
		pub   = "arn:aws:lambda:us-east-1:123456789012:function:public-status"
		admin = "arn:aws:lambda:us-east-1:123456789012:function:ops-admin"
		gcp   = "projects/acme-legacy-7/locations/us-central1/functions/report"
		az    = "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Web/sites/app/functions/f"
	)
	entries := []Entry{
		{Index: 1, Rule: "FNA-AWS-001", Resource: "arn:aws:lambda:*:123456789012:function:public-*", Reason: "public by design",
			Expires: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), ExpiresDay: true}, // last day today: still live
		{Index: 2, Rule: "aws-admin-access", Resource: "**", Reason: "old exception",
			Expires: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC), ExpiresDay: true}, // expired yesterday
		{Index: 3, Category: audit.DeprecatedRuntime, Resource: "projects/acme-legacy-*/**", Reason: "decommissioning"},
		{Index: 4, Category: audit.PublicInvoke, Resource: "/subscriptions/*/resourcegroups/rg/**", Reason: "azure fold"},
		{Index: 5, Rule: "FNA-AWS-001", Resource: "**", Reason: "second match never used"},
	}
	r := &audit.Report{Findings: []audit.Finding{
		finding("FNA-AWS-001", "aws-public-invoke", audit.PublicInvoke, audit.AWS, pub, audit.StatusFail),
		finding("FNA-AWS-003", "aws-admin-access", audit.AdminAccess, audit.AWS, admin, audit.StatusFail),
		finding("FNA-GCP-006", "gcp-deprecated-runtime", audit.DeprecatedRuntime, audit.GCP, gcp, audit.StatusFail),
		finding("FNA-GCP-006", "gcp-deprecated-runtime", audit.DeprecatedRuntime, audit.GCP, gcp+"2", audit.StatusUnknown),
		finding("FNA-AZ-001", "azure-public-invoke", audit.PublicInvoke, audit.Azure, az, audit.StatusFail),
		finding("FNA-AZ-003", "azure-admin-access", audit.AdminAccess, audit.Azure, az, audit.StatusFail),
	}, Gaps: []audit.Gap{}}
	Apply(r, entries, now)

	gotStatus := map[string]audit.Status{}
	for _, f := range r.Findings {
		gotStatus[f.Rule+" "+f.Resource] = f.Status
	}
	wantStatus := map[string]audit.Status{
		"FNA-AWS-001 " + pub:       audit.StatusSuppressed,
		"FNA-AWS-003 " + admin:     audit.StatusFail, // entry 2 expired
		"FNA-GCP-006 " + gcp:       audit.StatusSuppressed,
		"FNA-GCP-006 " + gcp + "2": audit.StatusUnknown, // unknown is never suppressed
		"FNA-AZ-001 " + az:         audit.StatusSuppressed,
		"FNA-AZ-003 " + az:         audit.StatusFail, // category does not match
	}
	if diff := cmp.Diff(wantStatus, gotStatus); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	wantSup := &audit.Suppression{Reason: "public by design", Expires: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
		Entry: "#1 rule=FNA-AWS-001 resource=arn:aws:lambda:*:123456789012:function:public-*"}
	if diff := cmp.Diff(wantSup, r.Findings[0].Suppression); diff != "" {
		t.Errorf("suppression (-want +got):\n%s", diff)
	}
	wantWarn := []string{"suppression #2 rule=aws-admin-access resource=** expired on 2026-11-27 and no longer suppresses (reason was: old exception)"}
	if diff := cmp.Diff(wantWarn, r.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if r.Summary.Open != 2 || r.Summary.ByStatus[audit.StatusSuppressed] != 3 || r.Summary.ByStatus[audit.StatusUnknown] != 1 {
		t.Errorf("summary not recomputed: %+v", r.Summary)
	}
}

func TestExpired(t *testing.T) {
	t.Parallel()
	day := Entry{Expires: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), ExpiresDay: true}
	instant := Entry{Expires: time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)}
	tests := []struct {
		e    Entry
		now  time.Time
		want bool
	}{
		{Entry{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{day, time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC), false},
		{day, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), true},
		{instant, time.Date(2026, 3, 31, 11, 59, 59, 0, time.UTC), false},
		{instant, time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC), true},
	}
	for i, tt := range tests {
		if got := tt.e.Expired(tt.now); got != tt.want {
			t.Errorf("%d: Expired(%v) = %v, want %v", i, tt.now, got, tt.want)
		}
	}
}

func TestParseChecksRules(t *testing.T) {
	t.Parallel()
	file := func(rule string) []byte {
		return []byte("suppressions:\n  - category: admin-access\n    resource: \"**\"\n    reason: ok\n  - rule: " + rule +
			"\n    resource: \"**\"\n    reason: accepted\n")
	}
	// Ids and slugs of the built-in rules, in any case, stored in the rule's spelling.
	for in, want := range map[string]string{
		"FNA-AWS-001": "FNA-AWS-001", "fna-aws-001": "FNA-AWS-001",
		"aws-public-invoke": "aws-public-invoke", "AWS-Public-Invoke": "aws-public-invoke",
	} {
		entries, err := Parse(file(in))
		if err != nil {
			t.Errorf("Parse(rule %s): %v", in, err)
			continue
		}
		if entries[1].Rule != want {
			t.Errorf("Parse(rule %s): rule = %q, want %q", in, entries[1].Rule, want)
		}
	}
	const wantErr = `suppressions[2] (line 5): rule: unknown rule "FNA-AWS-999"`
	if _, err := Parse(file("FNA-AWS-999")); err == nil || err.Error() != wantErr {
		t.Errorf("Parse(unknown rule) error = %v, want %s", err, wantErr)
	}
	// Told not to check, the entry stays as written.
	entries, err := ParseOptions{AllowUnknownRules: true}.Parse(file("FNA-AWS-999"))
	if err != nil || entries[1].Rule != "FNA-AWS-999" {
		t.Errorf("AllowUnknownRules: entries %+v, error %v", entries, err)
	}
	// A program's own rules replace the catalogue.
	own := []audit.Rule{{ID: "ACME-001", Slug: "acme-no-public-urls"}}
	if _, err := (ParseOptions{Rules: own}).Parse(file("acme-no-public-urls")); err != nil {
		t.Errorf("own rules: %v", err)
	}
	if _, err := (ParseOptions{Rules: own}).Parse(file("FNA-AWS-001")); err == nil {
		t.Error("own rules: a built-in rule outside them was accepted")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, file("FNA-AWS-999"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err == nil || err.Error() != path+": "+wantErr {
		t.Errorf("LoadFile(unknown rule) error = %v", err)
	}
	if _, err := (ParseOptions{AllowUnknownRules: true}).LoadFile(path); err != nil {
		t.Errorf("LoadFile with AllowUnknownRules: %v", err)
	}
}

func TestRuleMatchesCaseInsensitively(t *testing.T) {
	t.Parallel()
	f := finding("FNA-AWS-001", "aws-public-invoke", audit.PublicInvoke, audit.AWS, "arn:aws:lambda:us-east-1:123456789012:function:x", audit.StatusFail)
	for _, rule := range []string{"fna-aws-001", "AWS-PUBLIC-INVOKE"} {
		if !(Entry{Rule: rule, Resource: "**"}).Matches(&f) {
			t.Errorf("rule %q does not match %s", rule, f.Rule)
		}
	}
}
