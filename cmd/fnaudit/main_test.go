package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
)

const now = "2026-11-28T09:00:00Z"

// publicGCP is an inventory with one GCP function that allUsers may invoke.
const publicGCP = `{
  "schema": "fnaudit.inventory/v2",
  "generatedAt": "2026-11-01T00:00:00Z",
  "accounts": [{"provider": "gcp", "id": "acme-prod-123", "regions": ["us-central1"]}],
  "functions": [{
    "provider": "gcp", "account": "acme-prod-123", "region": "us-central1", "name": "public-fn",
    "id": "projects/acme-prod-123/locations/us-central1/functions/public-fn",
    "gcp": {"generation": "1", "ingress": "ALLOW_ALL"},
    "access": [{
      "principal": {"kind": "public", "id": "allUsers"}, "effect": "Allow",
      "actions": ["cloudfunctions.functions.invoke"], "role": "roles/cloudfunctions.invoker",
      "source": {"api": "cloudfunctions.functions.getIamPolicy", "ref": "projects/acme-prod-123/locations/us-central1/functions/public-fn"}
    }],
    "source": {"api": "cloudfunctions.functions.list"}
  }]
}`

// withGap adds a gap for another project to an inventory.
func withGap(inv string) string {
	gap := `"gaps": [{"provider": "gcp", "account": "acme-data-456", "api": "cloudfunctions.functions.list", "data": "functions", "reason": "access-denied", "message": "PermissionDenied"}],`
	return strings.Replace(inv, `"functions": [`, gap+"\n  \"functions\": [", 1)
}

const emptyInv = `{"schema": "fnaudit.inventory/v2", "generatedAt": "2026-11-01T00:00:00Z", "functions": []}`

type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// oneErrorLine asserts the command failed with exit 2, wrote nothing to stdout
// and exactly one line to stderr containing every want.
func oneErrorLine(t *testing.T, r result, wants ...string) {
	t.Helper()
	if r.code != exitUsage {
		t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout not empty: %q", r.stdout)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not contain %q", r.stderr, w)
		}
	}
	if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("stderr shows a panic: %q", r.stderr)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	awsPolicyNumber := `{"schema": "fnaudit.inventory/v1", "generatedAt": "2026-11-01T00:00:00Z", "functions": [{
	  "provider": "aws", "account": "123456789012", "region": "us-east-1", "name": "f",
	  "id": "arn:aws:lambda:us-east-1:123456789012:function:f",
	  "aws": {"policies": [{"document": 5}]}, "source": {}}]}`
	files := map[string]string{
		"truncated.json":     publicGCP[:len(publicGCP)/2],
		"wrong-schema.json":  strings.Replace(publicGCP, "fnaudit.inventory/v2", "fnaudit.inventory/v9", 1),
		"report.json":        `{"schema": "fnaudit.report/v1", "functions": []}`,
		"unknown-enum.json":  strings.Replace(publicGCP, `"kind": "public"`, `"kind": "everyone"`, 1),
		"policy-number.json": awsPolicyNumber,
		"empty.json":         "",
		"array.json":         "[]",
		"good.json":          publicGCP,
		"bad-supp.yaml":      "suppressions:\n  - rule: FNA-GCP-001\n    resource: '**'\n",
		"unknown-rule.yaml":  "suppressions:\n  - rule: FNA-GCP-999\n    resource: '**'\n    reason: typo\n",
		"not-yaml.yaml":      "suppressions: [\n",
	}
	for name, content := range files {
		writeFile(t, dir, name, content)
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"truncated JSON", []string{"analyze", p("truncated.json")}, []string{"truncated.json", "invalid JSON"}},
		{"wrong schema tag", []string{"analyze", p("wrong-schema.json")}, []string{"wrong-schema.json", "schema", "fnaudit.inventory/v9"}},
		{"a report, not an inventory", []string{"analyze", p("report.json")}, []string{"report.json", "fnaudit.report/v1"}},
		{"unknown enum value", []string{"analyze", p("unknown-enum.json")}, []string{"unknown-enum.json", "functions[0].access[0].principal.kind"}},
		{"policy document is a number", []string{"analyze", p("policy-number.json")}, []string{"policy-number.json", "functions[0].aws.policies[0].document", "number"}},
		{"empty file", []string{"analyze", p("empty.json")}, []string{"empty.json", "empty"}},
		{"top level array", []string{"analyze", p("array.json")}, []string{"array.json"}},
		{"missing file", []string{"analyze", p("missing.json")}, []string{"missing.json", "no such file"}},
		{"directory", []string{"analyze", dir}, []string{dir, "directory"}},
		{"no file", []string{"analyze"}, []string{"want an inventory FILE"}},
		{"stdin twice", []string{"analyze", "-", "-"}, []string{"given twice"}},
		{"second file bad", []string{"analyze", p("good.json"), p("truncated.json")}, []string{"truncated.json"}},
		{"unknown format", []string{"analyze", p("good.json"), "--format", "xml"}, []string{"--format", `"xml"`}},
		{"unknown min severity", []string{"analyze", "--min-severity", "severe", p("good.json")}, []string{"--min-severity", "severe"}},
		{"unknown fail-on", []string{"analyze", "--fail-on", "bad", p("good.json")}, []string{"--fail-on"}},
		{"bad now", []string{"analyze", "--now", "yesterday", p("good.json")}, []string{"--now", "yesterday"}},
		{"unknown flag", []string{"analyze", "--frmat", "json", p("good.json")}, []string{"frmat"}},
		{"color with json", []string{"analyze", "--color", "--format", "json", p("good.json")}, []string{"--color"}},
		{"suppression without reason", []string{"analyze", "--suppressions", p("bad-supp.yaml"), p("good.json")}, []string{"bad-supp.yaml", "suppressions[1]", "reason"}},
		{"suppression unknown rule", []string{"analyze", "--suppressions", p("unknown-rule.yaml"), p("good.json")}, []string{"unknown-rule.yaml", "FNA-GCP-999"}},
		{"suppressions not YAML", []string{"analyze", "--suppressions", p("not-yaml.yaml"), p("good.json")}, []string{"not-yaml.yaml", "invalid YAML"}},
		{"suppressions missing", []string{"analyze", "--suppressions", p("nope.yaml"), p("good.json")}, []string{"nope.yaml"}},
		{"output in missing dir", []string{"analyze", "--output", filepath.Join(dir, "no", "such", "out.txt"), p("good.json")}, []string{"out.txt"}},
		{"unknown command", []string{"analyse", p("good.json")}, []string{`unknown command "analyse"`}},
		{"demo with argument", []string{"demo", "x.json"}, []string{"unexpected argument"}},
		{"scan unknown provider", []string{"scan", "--provider", "aws,oracle"}, []string{"--provider", "oracle"}},
		{"scan external id without role", []string{"scan", "--external-id", "x"}, []string{"--org-role"}},
		{"scan negative timeout", []string{"scan", "--timeout", "-1s"}, []string{"--timeout"}},
		{"scan bad timeout", []string{"scan", "--timeout", "soon"}, []string{"timeout"}},
		{"rules unknown id", []string{"rules", "FNA-XYZ-001"}, []string{"FNA-XYZ-001"}},
		{"rules csv", []string{"rules", "--format", "csv"}, []string{"csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			oneErrorLine(t, runCmd(t, "", tt.args...), tt.wants...)
		})
	}
}

func TestBadStdin(t *testing.T) {
	t.Parallel()
	r := runCmd(t, `{"schema": "fnaudit.inventory/v1", "functions": [`, "analyze", "-")
	oneErrorLine(t, r, "<stdin>", "invalid JSON")
}

func TestNoArgs(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "")
	if r.code != exitUsage || !strings.Contains(r.stderr, "Usage:") {
		t.Errorf("no args: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCmd(t, "", "help")
	if r.code != exitOK || !strings.Contains(r.stdout, "Exit codes") {
		t.Errorf("help: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runCmd(t, "", "analyze", "-h")
	if r.code != exitOK || !strings.Contains(r.stdout, "-fail-on") {
		t.Errorf("analyze -h: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestAnalyze(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "inv.json", publicGCP)
	gappy := writeFile(t, dir, "gaps.json", withGap(publicGCP))
	empty := writeFile(t, dir, "empty.json", emptyInv)
	supp := writeFile(t, dir, "supp.yaml", "suppressions:\n  - rule: gcp-public-invoke\n    resource: projects/acme-prod-123/**\n    reason: public by design\n")
	expired := writeFile(t, dir, "expired.yaml", "suppressions:\n  - category: public-invoke\n    resource: '**'\n    reason: old\n    expires: 2026-01-31\n")

	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		stdout   []string
		stderr   []string
		noStdout bool
	}{
		{name: "text", args: []string{"analyze", good}, code: 0, stdout: []string{"FNA-GCP-001", "public-fn", "CRITICAL"}},
		{name: "flags after the file", args: []string{"analyze", good, "--format", "csv"}, code: 0, stdout: []string{"id,rule,slug"}},
		{name: "flags around the file", args: []string{"analyze", "--format", "json", good, "--min-severity", "high"}, code: 0, stdout: []string{`"schema": "fnaudit.report/v1"`}},
		{name: "stdin", args: []string{"analyze", "-", "--format", "ocsf"}, stdin: publicGCP, code: 0, stdout: []string{`"class_uid": 2004`}},
		{name: "double dash", args: []string{"analyze", "--format", "json", "--", good}, code: 0, stdout: []string{"FNA-GCP-001"}},
		{name: "fail-on hit", args: []string{"analyze", "--fail-on", "high", good}, code: 1, stderr: []string{"at or above high"}},
		{name: "fail-on hit beats gaps", args: []string{"analyze", "--fail-on", "high", gappy}, code: 1, stderr: []string{"at or above high"}},
		{name: "gaps", args: []string{"analyze", gappy}, code: 3, stdout: []string{"GAPS (1)"}, stderr: []string{"1 gap"}},
		{name: "files are merged", args: []string{"analyze", empty, gappy}, code: 3, stdout: []string{"FNA-GCP-001", "GAPS (1)"}},
		{name: "fail-on with nothing found", args: []string{"analyze", "--fail-on", "info", empty}, code: 0, stdout: []string{"No findings to show."},
			stderr: []string{"warning: the inventory lists no functions"}},
		{name: "suppressed does not fail", args: []string{"analyze", "--fail-on", "low", "--suppressions", supp, good}, code: 0, stdout: []string{"SUPPRESSED (1)", "public by design"}},
		{name: "expired suppression warns and fails", args: []string{"analyze", "--fail-on", "low", "--suppressions", expired, good}, code: 1,
			stdout: []string{"WARNINGS (1)", "expired on 2026-01-31"}, stderr: []string{"warning: suppression #1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{tt.args[0], "--now", now}, tt.args[1:]...)
			r := runCmd(t, tt.stdin, args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q: %q", w, r.stderr)
				}
			}
			if tt.code == 0 && len(tt.stderr) == 0 && r.stderr != "" {
				t.Errorf("unexpected stderr: %q", r.stderr)
			}
		})
	}
}

func TestAnalyzeJSONIsValidAndReproducible(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "inv.json", withGap(publicGCP))
	a := runCmd(t, "", "analyze", good, "--format", "json", "--now", now)
	b := runCmd(t, "", "analyze", good, "--format", "json", "--now", now)
	if a.code != 3 {
		t.Fatalf("exit %d: %s", a.code, a.stderr)
	}
	if a.stdout != b.stdout {
		t.Error("two runs with the same --now differ")
	}
	if err := report.ValidateJSON([]byte(a.stdout)); err != nil {
		t.Error(err)
	}
	var r audit.Report
	if err := json.Unmarshal([]byte(a.stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.GeneratedAt.Format("2006-01-02T15:04:05Z07:00") != now || len(r.Gaps) != 1 || r.Summary.Open == 0 {
		t.Errorf("report: generatedAt %v, %d gaps, %d open", r.GeneratedAt, len(r.Gaps), r.Summary.Open)
	}
}

func TestOutputFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "inv.json", publicGCP)
	out := filepath.Join(dir, "report.csv")
	r := runCmd(t, "", "analyze", good, "--format", "csv", "--output", out, "--now", now)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "id,rule,slug,") || !strings.Contains(string(data), "FNA-GCP-001") {
		t.Errorf("report file:\n%s", data)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".report.csv.*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	all := rules.All()
	if len(all) == 0 {
		t.Skip("no rules yet")
	}
	r := runCmd(t, "", "rules")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, rule := range all {
		if !strings.Contains(r.stdout, rule.ID) || !strings.Contains(r.stdout, rule.Slug) {
			t.Errorf("catalogue lacks %s (%s)", rule.ID, rule.Slug)
		}
	}

	r = runCmd(t, "", "rules", "--format", "json")
	var infos []ruleInfo
	if err := json.Unmarshal([]byte(r.stdout), &infos); err != nil || len(infos) != len(all) {
		t.Fatalf("rules --format json: %v, %d rules, want %d", err, len(infos), len(all))
	}
	if infos[0].ID != all[0].ID || infos[0].Category == "" || infos[0].Severity == "" || infos[0].Doc != "" {
		t.Errorf("first rule: %+v", infos[0])
	}

	first := all[0]
	for _, id := range []string{first.ID, first.Slug} {
		r = runCmd(t, "", "rules", id)
		if r.code != 0 || !strings.HasPrefix(r.stdout, first.ID+" ("+first.Slug+"): "+first.Title) {
			t.Errorf("rules %s: exit %d, stdout %q", id, r.code, r.stdout)
		}
		if doc := strings.TrimSpace(first.Doc); doc != "" && !strings.Contains(r.stdout, doc) {
			t.Errorf("rules %s does not print the rule's doc", id)
		}
	}
	r = runCmd(t, "", "rules", first.ID, "--format", "json")
	var one ruleInfo
	if err := json.Unmarshal([]byte(r.stdout), &one); err != nil || one.ID != first.ID || one.Doc != first.Doc {
		t.Errorf("rules ID --format json: %v, %+v", err, one)
	}
}

// fakeCollector returns a fixed inventory or error.
type fakeCollector struct {
	p   audit.Provider
	inv string
	err error
}

func (f *fakeCollector) Provider() audit.Provider { return f.p }

func (f *fakeCollector) Collect(ctx context.Context) (*audit.Inventory, error) {
	if f.err != nil {
		return nil, f.err
	}
	return audit.ParseInventory([]byte(f.inv))
}

// setFactories replaces the provider factories for one test; such tests do not
// run in parallel with each other.
func setFactories(t *testing.T, m map[audit.Provider]collectorFactory) {
	t.Helper()
	old := factories
	factories = m
	t.Cleanup(func() { factories = old })
}

func TestScanAndCollect(t *testing.T) {
	var gotFlags *scanFlags
	var gotDeadline bool
	setFactories(t, map[audit.Provider]collectorFactory{
		audit.GCP: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			gotFlags = f
			_, gotDeadline = ctx.Deadline()
			return &fakeCollector{p: audit.GCP, inv: publicGCP}, nil
		},
		audit.AWS: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			return nil, errors.New("provider aws is not available in this build yet")
		},
		audit.Azure: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			if _, ok := ctx.Deadline(); ok {
				return nil, errors.New("azure factory got a deadline")
			}
			return &fakeCollector{p: audit.Azure, err: errors.New("no subscriptions visible")}, nil
		},
	})

	// Only GCP: findings, no gaps.
	r := runCmd(t, "", "scan", "--provider", "gcp", "--timeout", "10m", "--projects", "acme-prod-123,acme-data-456", "--regions", "us-central1",
		"--regions", "europe-west1", "--trusted-accounts", "acme-shared-1", "--format", "json", "--now", now)
	if r.code != 0 {
		t.Fatalf("scan gcp: exit %d: %s", r.code, r.stderr)
	}
	if err := report.ValidateJSON([]byte(r.stdout)); err != nil {
		t.Error(err)
	}
	if gotFlags == nil || strings.Join(gotFlags.Projects, ",") != "acme-prod-123,acme-data-456" ||
		strings.Join(gotFlags.Regions, ",") != "us-central1,europe-west1" ||
		strings.Join(gotFlags.TrustedAccounts, ",") != "acme-shared-1" || gotFlags.Now.Format("2006-01-02T15:04:05Z07:00") != now ||
		len(gotFlags.Providers) != 1 || gotFlags.Progress != nil {
		t.Errorf("scanFlags = %+v", gotFlags)
	}
	if !gotDeadline {
		t.Error("--timeout did not put a deadline on the collection context")
	}

	// All providers: AWS cannot start, Azure fails; both become gaps, exit 3.
	r = runCmd(t, "", "scan", "--format", "json", "--now", now)
	if r.code != exitGaps {
		t.Fatalf("scan all: exit %d: %s", r.code, r.stderr)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	reasons := map[audit.Provider]audit.GapReason{}
	for _, g := range rep.Gaps {
		reasons[g.Provider] = g.Reason
	}
	if reasons[audit.AWS] != audit.GapNotAvailable || reasons[audit.Azure] != audit.GapError || len(rep.Gaps) != 2 {
		t.Errorf("gaps = %+v", rep.Gaps)
	}
	for _, w := range []string{"aws: provider aws is not available in this build yet", "azure: collect: no subscriptions visible"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q: %q", w, r.stderr)
		}
	}

	// Nothing could collect: exit 2, one line.
	r = runCmd(t, "", "scan", "--provider", "aws,azure")
	oneErrorLine(t, r, "no provider could collect", "provider aws is not available")

	// collect writes an inventory that analyze reads back.
	dir := t.TempDir()
	out := filepath.Join(dir, "inv.json")
	r = runCmd(t, "", "collect", "--provider", "gcp,aws", "--out", out, "--now", now)
	if r.code != exitGaps {
		t.Fatalf("collect: exit %d: %s", r.code, r.stderr)
	}
	r = runCmd(t, "", "analyze", out, "--now", now, "--format", "json")
	if r.code != exitGaps || !strings.Contains(r.stdout, "FNA-GCP-001") {
		t.Errorf("analyze collected inventory: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCmd(t, "", "collect", "--provider", "gcp", "--now", now)
	if r.code != 0 {
		t.Fatalf("collect to stdout: exit %d: %s", r.code, r.stderr)
	}
	if _, err := audit.ParseInventory([]byte(r.stdout)); err != nil {
		t.Errorf("collect output does not parse: %v", err)
	}
}

func TestProviderFactoriesDoNotPanic(t *testing.T) {
	t.Parallel()
	// Until a provider adapter lands its factory reports that it is not
	// available; once it has landed it builds a collector (or fails for lack of
	// credentials). Either way it must not panic on an empty scope, and it must
	// build a collector for its own provider.
	for p, f := range map[audit.Provider]collectorFactory{audit.AWS: newAWSCollector, audit.GCP: newGCPCollector, audit.Azure: newAzureCollector} {
		func() {
			defer func() {
				if v := recover(); v != nil {
					t.Errorf("%s factory panicked: %v", p, v)
				}
			}()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			c, err := f(ctx, &scanFlags{Providers: []audit.Provider{p}})
			if err == nil && c != nil && c.Provider() != p {
				t.Errorf("%s factory built a %s collector", p, c.Provider())
			}
		}()
	}
}

func TestGapReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want audit.GapReason
	}{
		{&errNotAvailable{errors.New("provider aws is not available")}, audit.GapNotAvailable},
		{fmt.Errorf("collect: %w", context.DeadlineExceeded), audit.GapTimeout},
		{errors.New("boom"), audit.GapError},
	}
	for _, tt := range tests {
		if got := gapReason(tt.err); got != tt.want {
			t.Errorf("gapReason(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		pos  string
		fmt  string
	}{
		{[]string{"a.json"}, "a.json", ""},
		{[]string{"--format", "json", "a.json"}, "a.json", "json"},
		{[]string{"a.json", "--format", "json"}, "a.json", "json"},
		{[]string{"a.json", "-format=csv", "b.json"}, "a.json b.json", "csv"},
		{[]string{"--", "--format"}, "--format", ""},
		{[]string{"-", "--format", "ocsf"}, "-", "ocsf"},
	}
	for _, tt := range tests {
		e := &env{stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)}
		fs := newFlagSet(e, "x", "x")
		f := fs.String("format", "", "")
		pos, err := parseArgs(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if strings.Join(pos, " ") != tt.pos || *f != tt.fmt {
			t.Errorf("%q: positional %q format %q, want %q %q", tt.args, pos, *f, tt.pos, tt.fmt)
		}
	}
}
