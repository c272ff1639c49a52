package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
)

func TestEnvVarDefaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "inv.json", publicGCP)
	out := filepath.Join(dir, "out.csv")

	// A variable sets the default ...
	r := runCmdEnv(t, "", map[string]string{"FNAUDIT_FORMAT": "json", "FNAUDIT_MIN_SEVERITY": "high"}, "analyze", good, "--now", now)
	if r.code != 0 || !strings.Contains(r.stdout, `"schema": "fnaudit.report/v1"`) {
		t.Errorf("FNAUDIT_FORMAT=json: exit %d, stdout %.100q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// ... and the flag on the line beats it.
	r = runCmdEnv(t, "", map[string]string{"FNAUDIT_FORMAT": "json"}, "analyze", good, "--format", "csv", "--now", now)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "id,rule,slug") {
		t.Errorf("--format csv over FNAUDIT_FORMAT=json: exit %d, stdout %.100q", r.code, r.stdout)
	}
	r = runCmdEnv(t, "", map[string]string{"FNAUDIT_OUTPUT": out, "FNAUDIT_FORMAT": "csv", "FNAUDIT_FAIL_ON": "high"}, "analyze", good, "--now", now)
	if data, err := os.ReadFile(out); r.code != exitFindings || err != nil || !strings.HasPrefix(string(data), "id,rule,slug") {
		t.Errorf("FNAUDIT_OUTPUT/FAIL_ON: exit %d, %v, stderr %q", r.code, err, r.stderr)
	}

	// An invalid value is a usage error naming the variable.
	for _, tc := range []struct {
		vars map[string]string
		args []string
		want string
	}{
		{map[string]string{"FNAUDIT_FORMAT": "xml"}, []string{"demo"}, `FNAUDIT_FORMAT: unknown format "xml"`},
		{map[string]string{"FNAUDIT_MIN_SEVERITY": "severe"}, []string{"demo"}, "FNAUDIT_MIN_SEVERITY"},
		{map[string]string{"FNAUDIT_FAIL_ON": "x"}, []string{"analyze", good}, "FNAUDIT_FAIL_ON"},
		{map[string]string{"FNAUDIT_SUPPRESSIONS": filepath.Join(dir, "none.yaml")}, []string{"demo"}, "FNAUDIT_SUPPRESSIONS"},
		{map[string]string{"FNAUDIT_OUTPUT": filepath.Join(dir, "no", "r.txt")}, []string{"demo"}, "FNAUDIT_OUTPUT " + filepath.Join(dir, "no", "r.txt")},
		{map[string]string{"FNAUDIT_TIMEOUT": "soon"}, []string{"scan"}, `FNAUDIT_TIMEOUT="soon"`},
		{map[string]string{"FNAUDIT_TIMEOUT": "-5m"}, []string{"scan"}, "FNAUDIT_TIMEOUT must not be negative"},
		{map[string]string{"FNAUDIT_PROVIDER": "oracle"}, []string{"scan"}, "FNAUDIT_PROVIDER"},
		{map[string]string{"FNAUDIT_PROVIDER": ","}, []string{"collect"}, "FNAUDIT_PROVIDER: empty"},
	} {
		oneErrorLine(t, runCmdEnv(t, "", tc.vars, tc.args...), tc.want)
	}
}

// Every variable is bound to a flag, documented in the README, and its flag's
// help names it.
func TestEnvVarsDocumented(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	help := runCmd(t, "", "help", "scan").stdout + runCmd(t, "", "help", "demo").stdout + runCmd(t, "", "help", "collect").stdout
	for v, flag := range envVars {
		if !strings.Contains(string(readme), "`"+v+"`") {
			t.Errorf("README does not document %s", v)
		}
		if !strings.Contains(help, "[$"+v+"]") {
			t.Errorf("no command's help names %s (for --%s)", v, flag)
		}
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"demo", "analyze", "scan", "collect", "rules", "version", "completion"} {
		for _, args := range [][]string{{"help", name}, {name, "--help"}, {name, "-h"}} {
			r := runCmd(t, "", args...)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "Usage:\n  fnaudit "+name) || !strings.Contains(r.stdout, "Examples:\n") {
				t.Errorf("%q is not %s's help with examples:\n%s", args, name, r.stdout)
			}
		}
	}
	r := runCmd(t, "", "help")
	for _, want := range []string{"Exit codes", "4  scan/collect: no provider could collect", "version", "completion", "FNAUDIT_"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("general help lacks %q", want)
		}
	}
	oneErrorLine(t, runCmd(t, "", "help", "nosuch"), `unknown command "nosuch"`)
	r = runCmd(t, "", "scan", "--help")
	for _, want := range []string{"--timeout DURATION", "(default 1h0m0s)", "[$FNAUDIT_PROVIDER]", "--quiet", "SIGTERM"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("scan help lacks %q", want)
		}
	}
}

func TestVersion(t *testing.T) {
	old := readBuildInfo
	t.Cleanup(func() { readBuildInfo = old })
	tests := []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "fnaudit dev ("},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "fnaudit dev (go1.26.8 "},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}},
			"fnaudit v1.4.0 (revision 0123456789ab+dirty, go1.26.8 "},
		{&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}},
			"fnaudit v1.4.0 (revision 0123456789ab, go1.26.8 "},
	}
	for _, tt := range tests {
		readBuildInfo = func() (*debug.BuildInfo, bool) { return tt.bi, tt.bi != nil }
		for _, args := range [][]string{{"version"}, {"--version"}} {
			if r := runCmd(t, "", args...); r.code != 0 || !strings.HasPrefix(r.stdout, tt.want) {
				t.Errorf("%v with %+v: %q, want prefix %q", args, tt.bi, r.stdout, tt.want)
			}
		}
	}
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for shell, marker := range map[string]string{"bash": "complete -o default -F __start_fnaudit fnaudit", "zsh": "#compdef fnaudit", "fish": "complete -c fnaudit"} {
		r := runCmd(t, "", "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, marker) || !strings.Contains(r.stdout, "__complete") {
			t.Errorf("completion %s: exit %d, script lacks %q or the __complete call (%d bytes)", shell, r.code, marker, len(r.stdout))
		}
	}
	// The scripts ask fnaudit itself ("fnaudit __complete ...") for the words.
	r := runCmd(t, "", "__complete", "")
	for _, sub := range []string{"demo", "analyze", "scan", "collect", "rules", "version", "completion", "help"} {
		if !strings.Contains(r.stdout, "\n"+sub+"\t") && !strings.HasPrefix(r.stdout, sub+"\t") {
			t.Errorf("completions lack %s:\n%s", sub, r.stdout)
		}
	}
	r = runCmd(t, "", "__complete", "scan", "--format", "")
	for _, f := range []string{"json", "ocsf", "asff", "csv", "text"} {
		if !strings.Contains(r.stdout, f+"\n") {
			t.Errorf("--format completions lack %s:\n%s", f, r.stdout)
		}
	}
	r = runCmd(t, "", "__complete", "scan", "--provider", "")
	if !strings.Contains(r.stdout, "gcp\n") {
		t.Errorf("--provider completions:\n%s", r.stdout)
	}
	r = runCmd(t, "", "__complete", "rules", "FNA-AWS")
	if !strings.Contains(r.stdout, "FNA-AWS-001\t") {
		t.Errorf("rule id completions:\n%s", r.stdout)
	}
	oneErrorLine(t, runCmd(t, "", "completion", "powershell"), "powershell")
	oneErrorLine(t, runCmd(t, "", "completion"), "bash, zsh or fish")
}

func TestRulesIgnoreCase(t *testing.T) {
	t.Parallel()
	first := rules.All()[0]
	for _, id := range []string{strings.ToLower(first.ID), strings.ToUpper(first.Slug), first.ID} {
		r := runCmd(t, "", "rules", id)
		if r.code != 0 || !strings.HasPrefix(r.stdout, first.ID+" ("+first.Slug+")") {
			t.Errorf("rules %s: exit %d, %q", id, r.code, r.stdout)
		}
	}
}

func TestNotAnInventory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ocsf := runCmd(t, "", "demo", "--format", "ocsf", "--now", now).stdout
	for name, tc := range map[string]struct{ content, want string }{
		"report.json": {`{"schema": "fnaudit.report/v1", "findings": []}`, " is a fnaudit report (schema fnaudit.report/v1), not an inventory; analyze takes the output of `fnaudit collect`"},
		"old.json":    {`{"findings": [], "summary": {}}`, " is a report (it has findings), not an inventory"},
		"array.json":  {`[1, 2]`, " is a JSON array, not an inventory"},
		"ocsf.json":   {ocsf, " is a JSON array of OCSF findings (fnaudit's --format ocsf report), not an inventory"},
		"num.json":    {`42`, " is a JSON number, not an inventory"},
	} {
		p := writeFile(t, dir, name, tc.content)
		oneErrorLine(t, runCmd(t, "", "analyze", p), "fnaudit analyze: "+p+tc.want)
	}
	oneErrorLine(t, runCmd(t, "[]", "analyze", "-"), "<stdin> is a JSON array, not an inventory")
}

// The scan scope: provider-specific flags need their provider, --provider ”
// is a mistake, and values from the environment for a provider not scanned
// are left out silently.
func TestScopeFlags(t *testing.T) {
	var got *scanFlags
	setFactories(t, map[audit.Provider]collectorFactory{
		audit.AWS: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			got = f
			return &fakeCollector{p: audit.AWS, inv: emptyInv}, nil
		},
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--provider", ""}, "--provider: empty"},
		{[]string{"scan", "--provider", " , "}, "--provider: empty"},
		{[]string{"scan", "--provider", "aws", "--projects", "p"}, "--projects applies to gcp only"},
		{[]string{"scan", "--provider", "aws", "--subscriptions", "s"}, "--subscriptions applies to azure only"},
		{[]string{"collect", "--provider", "gcp,azure", "--org-role", "r"}, "--org-role applies to aws only"},
		{[]string{"scan", "--provider", "gcp", "--profile", "p"}, "--profile applies to aws only"},
		{[]string{"scan", "--provider", "azure", "--accounts", "111122223333"}, "--accounts applies to aws only"},
		{[]string{"scan", "--provider", "gcp", "--external-id", "x", "--org-role", "r"}, "applies to aws only"},
		{[]string{"scan", "--timeout", "-1s"}, "--timeout must not be negative"},
	} {
		oneErrorLine(t, runCmd(t, "", tc.args...), tc.want)
	}
	r := runCmdEnv(t, "", map[string]string{"FNAUDIT_PROJECTS": "p1", "FNAUDIT_REGIONS": "us-east-1", "FNAUDIT_ORG_ROLE": "reader"},
		"collect", "--provider", "aws", "--now", now)
	if r.code != 0 || got == nil || got.Projects != nil || got.OrgRole != "reader" || strings.Join(got.Regions, ",") != "us-east-1" {
		t.Errorf("env scope: exit %d, stderr %q, flags %+v", r.code, r.stderr, got)
	}
}

// Without --provider, a cloud whose credentials do not resolve is skipped
// with one line and is no gap; a provider named on the line (or through its
// own flag) without credentials is an error before anything is collected.
func TestScanSkipsUnconfiguredClouds(t *testing.T) {
	collected := map[audit.Provider]bool{}
	setFactories(t, map[audit.Provider]collectorFactory{
		audit.AWS: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			collected[audit.AWS] = true
			return &fakeCollector{p: audit.AWS, inv: emptyInv}, nil
		},
		audit.GCP: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			collected[audit.GCP] = true
			return &fakeCollector{p: audit.GCP, inv: publicGCP}, nil
		},
		audit.Azure: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			collected[audit.Azure] = true
			return &fakeCollector{p: audit.Azure, inv: emptyInv}, nil
		},
	})
	credentialChecks = map[audit.Provider]credentialCheck{
		audit.AWS: func(ctx context.Context, f *scanFlags) error {
			return &noCredentialsError{audit.AWS, "no credentials found (run `aws configure`)", errors.New("sdk chain")}
		},
		audit.Azure: func(ctx context.Context, f *scanFlags) error {
			return &noCredentialsError{audit.Azure, "no Azure credential found (run `az login`)", errors.New("sdk chain")}
		},
	}
	r := runCmd(t, "", "scan", "--format", "json", "--now", now)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (skipped clouds are not gaps): %s", r.code, r.stderr)
	}
	want := "fnaudit: skipping aws: no credentials found (run `aws configure`)\nfnaudit: skipping azure: no Azure credential found (run `az login`)\n"
	if r.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, want)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Gaps) != 0 {
		t.Errorf("report: %v, gaps %+v", err, rep.Gaps)
	}
	if collected[audit.AWS] || collected[audit.Azure] || !collected[audit.GCP] {
		t.Errorf("collected %v, want gcp only", collected)
	}

	clear(collected)
	r = runCmd(t, "", "scan", "--provider", "gcp,aws")
	oneErrorLine(t, r, "fnaudit scan: aws: no credentials found (run `aws configure`)")
	if len(collected) != 0 {
		t.Errorf("collected %v before failing", collected)
	}
	r = runCmd(t, "", "scan", "--subscriptions", "0000")
	oneErrorLine(t, r, "fnaudit scan: azure: no Azure credential found")

	// --debug adds the SDK's chain on its own line.
	r = runCmd(t, "", "scan", "--provider", "aws", "--debug")
	if r.code != exitUsage || !strings.Contains(r.stderr, "\nfnaudit scan: debug: aws: sdk chain\n") {
		t.Errorf("--debug: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A missing or unwritable output directory is found before any collection.
func TestOutputCheckedBeforeCollecting(t *testing.T) {
	called := false
	setFactories(t, map[audit.Provider]collectorFactory{
		audit.GCP: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			called = true
			return &fakeCollector{p: audit.GCP, inv: publicGCP}, nil
		},
	})
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "out.json")
	oneErrorLine(t, runCmd(t, "", "scan", "--provider", "gcp", "--output", missing), "--output "+missing+": directory "+filepath.Dir(missing)+" does not exist")
	oneErrorLine(t, runCmd(t, "", "collect", "--provider", "gcp", "--out", missing), "--out "+missing)
	oneErrorLine(t, runCmd(t, "", "scan", "--provider", "gcp", "--output", dir), "--output "+dir+": is a directory")
	if called {
		t.Error("a collector ran although the output path was unusable")
	}
}

// blockingCollector collects nothing until its context ends, then returns
// what it has with a gap, as the real collectors do.
type blockingCollector struct {
	p   audit.Provider
	err bool // fail outright once stopped, as a collector stopped before its first answer does
}

func (b *blockingCollector) Provider() audit.Provider { return b.p }

func (b *blockingCollector) Collect(ctx context.Context) (*audit.Inventory, error) {
	<-ctx.Done()
	if b.err {
		return nil, ctx.Err()
	}
	inv, err := audit.ParseInventory([]byte(publicGCP))
	if err != nil {
		return nil, err
	}
	inv.Gaps = append(inv.Gaps, audit.Gap{Provider: b.p, Account: "acme-data-456", API: "cloudfunctions.functions.list",
		Data: audit.DataFunctions, Reason: audit.GapTimeout, Message: ctx.Err().Error()})
	return inv, nil
}

// A collection that --timeout or a signal stops still writes the report of
// what was read, with gaps for the rest, and exits 3; a provider that failed
// because of the stop is a gap too, not "no provider could collect".
func TestStoppedCollectionWritesReport(t *testing.T) {
	setFactories(t, map[audit.Provider]collectorFactory{
		audit.GCP: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			return &blockingCollector{p: audit.GCP}, nil
		},
		audit.AWS: func(ctx context.Context, f *scanFlags) (audit.Collector, error) {
			return &blockingCollector{p: audit.AWS, err: true}, nil
		},
	})
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	r := runCmd(t, "", "scan", "--provider", "gcp", "--timeout", "1ns", "--format", "json", "--output", out, "--now", now)
	if r.code != exitGaps || !strings.Contains(r.stderr, "fnaudit: --timeout reached: collection stopped") {
		t.Errorf("--timeout: exit %d, stderr %q", r.code, r.stderr)
	}

	// A signal: the context is cancelled with the signal as its cause.
	ctx, cancel := context.WithCancelCause(context.Background())
	var stdout, stderr strings.Builder
	e := &env{ctx: ctx, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	go func() {
		cancel(&signalError{syscall.SIGTERM})
	}()
	code := runEnv(e, []string{"scan", "--provider", "gcp,aws", "--format", "json", "--output", out, "--now", now})
	if code != exitGaps {
		t.Fatalf("signal: exit %d, stderr %q", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep audit.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range rep.Findings {
		found = found || f.Rule == "FNA-GCP-001"
	}
	msgs := map[audit.Provider]string{}
	for _, g := range rep.Gaps {
		if g.API == "fnaudit:collect" {
			msgs[g.Provider] = g.Message
		}
	}
	if !found || !strings.HasPrefix(msgs[audit.GCP], "interrupted by SIGTERM before the collection finished") ||
		!strings.HasPrefix(msgs[audit.AWS], "interrupted by SIGTERM before the collection finished") {
		t.Errorf("partial report: finding %v, stop gaps %q; stderr %q", found, msgs, stderr.String())
	}
}
