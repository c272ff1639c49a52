package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/examples/estate"
)

// The sample estate grows as rules land, so the demo is checked by structure,
// not by a golden file of its whole output.

func demoReport(t *testing.T) (*audit.Report, *audit.Inventory, string) {
	t.Helper()
	if len(estate.Files()) == 0 {
		t.Skip("the sample estate has no inventory files yet")
	}
	inv, err := estate.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", "demo", "--format", "json", "--now", now)
	if r.code != exitOK {
		t.Fatalf("demo: exit %d, stderr %q", r.code, r.stderr)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	return &rep, inv, r.stdout
}

func TestDemoJSONMatchesSchema(t *testing.T) {
	t.Parallel()
	_, _, out := demoReport(t)
	if err := report.ValidateJSON([]byte(out)); err != nil {
		t.Error(err)
	}
}

func TestDemoHasFindingsForEveryProvider(t *testing.T) {
	t.Parallel()
	rep, _, _ := demoReport(t)
	for _, p := range audit.Providers() {
		if rep.Summary.ByProvider[p] == 0 {
			t.Errorf("demo has no open %s findings", p)
		}
	}
	if n := rep.Summary.ByStatus[audit.StatusError]; n > 0 {
		for _, f := range rep.Findings {
			if f.Status == audit.StatusError {
				t.Errorf("rule error in the demo: %s: %s", f.Rule, f.Detail)
			}
		}
	}
}

// Every rule fails on some function of the sample estate and passes on another
// of its provider, so the demo shows what each rule catches and what it accepts.
func TestDemoCoversEveryRule(t *testing.T) {
	t.Parallel()
	rep, inv, _ := demoReport(t)
	failing := map[string]map[string]bool{} // rule -> resources with a fail finding
	flagged := map[string]map[string]bool{} // rule -> resources with any finding
	for _, f := range rep.Findings {
		if flagged[f.Rule] == nil {
			flagged[f.Rule], failing[f.Rule] = map[string]bool{}, map[string]bool{}
		}
		flagged[f.Rule][f.Resource] = true
		if f.Status == audit.StatusFail {
			failing[f.Rule][f.Resource] = true
		}
	}
	for _, rule := range rules.All() {
		if len(failing[rule.ID]) == 0 {
			t.Errorf("%s (%s): no failing function in the sample estate", rule.ID, rule.Slug)
		}
		passing := 0
		for _, fn := range inv.Functions {
			if fn.Provider == rule.Provider && !flagged[rule.ID][fn.ID] {
				passing++
			}
		}
		if passing == 0 {
			t.Errorf("%s (%s): no passing function in the sample estate", rule.ID, rule.Slug)
		}
	}
}

func TestDemoText(t *testing.T) {
	t.Parallel()
	if len(estate.Files()) == 0 {
		t.Skip("the sample estate has no inventory files yet")
	}
	r := runCmd(t, "", "demo", "--now", now)
	if r.code != exitOK {
		t.Fatalf("demo: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"SUMMARY", "open findings", "GAPS"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo text lacks %q", want)
		}
	}
	for _, format := range []string{"ocsf", "csv"} {
		if r := runCmd(t, "", "demo", "--format", format, "--now", now); r.code != exitOK || r.stdout == "" {
			t.Errorf("demo --format %s: exit %d, stderr %q", format, r.code, r.stderr)
		}
	}
}

// The sample suppressions file applies to the demo: its entries suppress and
// none has expired.
func TestDemoSampleSuppressions(t *testing.T) {
	t.Parallel()
	if len(estate.Files()) == 0 {
		t.Skip("the sample estate has no inventory files yet")
	}
	r := runCmd(t, "", "demo", "--format", "json", "--now", now, "--suppressions", "../../examples/suppressions.yaml")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.ByStatus[audit.StatusSuppressed] == 0 {
		t.Error("no finding suppressed")
	}
	if len(slices.DeleteFunc(rep.Warnings, func(w string) bool { return w == audit.SCPNotApplied })) != 0 || strings.Contains(r.stderr, "expired") {
		t.Errorf("warnings %q, stderr %q; want no expired entry", rep.Warnings, r.stderr)
	}
}

// TestDemoASFF checks the Security Hub format: by default only findings of AWS
// accounts can be imported; --security-hub-account/--security-hub-region place
// the GCP and Azure findings under the auditor's account.
func TestDemoASFF(t *testing.T) {
	t.Parallel()
	count := func(args ...string) (int, map[string]bool) {
		r := runCmd(t, "", append([]string{"demo", "--now", "2026-11-28", "--format", "asff"}, args...)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		var findings []struct {
			AwsAccountID  string            `json:"AwsAccountId"`
			ProductFields map[string]string `json:"ProductFields"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &findings); err != nil {
			t.Fatal(err)
		}
		providers := map[string]bool{}
		for _, f := range findings {
			providers[f.ProductFields["fnaudit/provider"]] = true
		}
		return len(findings), providers
	}
	awsOnly, provs := count()
	if awsOnly == 0 || len(provs) != 1 || !provs["aws"] {
		t.Errorf("default asff: %d findings from %v, want AWS findings only", awsOnly, provs)
	}
	all, provs := count("--security-hub-account", "111122223333", "--security-hub-region", "us-east-1")
	if all <= awsOnly || !provs["gcp"] || !provs["azure"] {
		t.Errorf("asff with a Security Hub home: %d findings from %v, want every provider", all, provs)
	}
	r := runCmd(t, "", "demo", "--format", "json", "--security-hub-account", "111122223333")
	oneErrorLine(t, r, "apply only to --format asff")
}
