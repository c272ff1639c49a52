package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/examples/estate"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestSecurityHubImport drives `fnaudit demo --security-hub-import` against the
// local AWS server's Security Hub with the real SDK client: the findings of the
// caller's account and Region are imported, the others are reported as not
// sent, a rejected finding is named on stderr, and the report is still written.
func TestSecurityHubImport(t *testing.T) {
	const acct = "123456789012"
	s := awstest.New(t)
	s.AddAccount(acct)
	s.SetEnv(t, acct, "us-east-1")

	r := runCmd(t, "", "demo", "--security-hub-import", "--format", "json", "--now", now)
	if r.code != 0 { // demo: its sample gaps and partial imports do not fail the run
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := s.SecurityHub().Findings()
	if len(got) == 0 {
		t.Fatalf("nothing imported; stderr %q", r.stderr)
	}
	for _, f := range got {
		if f.AwsAccountID != acct || !strings.Contains(f.ProductArn, ":us-east-1:") {
			t.Errorf("imported a finding of another account or Region: %s %s", f.AwsAccountID, f.ProductArn)
		}
	}
	if !strings.Contains(r.stderr, "fnaudit: security hub: ") {
		t.Errorf("stderr does not summarise the import: %q", r.stderr)
	}
	if !strings.Contains(r.stdout, `"findings"`) {
		t.Error("no report written")
	}

	// One finding rejected: named on stderr, and analyze (not the demo) exits 3.
	id := got[0].ID
	s.SecurityHub().FailFindings("InvalidInput", "rejected by the test", id)
	dir := t.TempDir()
	inv := writeFile(t, dir, "inv.json", demoInventoryJSON(t))
	r = runCmd(t, "", "analyze", inv, "--security-hub-import", "--format", "json", "--now", now)
	if r.code != exitGaps {
		t.Errorf("analyze with a rejected finding: exit %d, want %d; stderr %q", r.code, exitGaps, r.stderr)
	}
	if !strings.Contains(r.stdout, `"security hub: `) {
		t.Error("the report's warnings do not say that the import was incomplete")
	}
	if !strings.Contains(r.stderr, id) || !strings.Contains(r.stderr, "InvalidInput") {
		t.Errorf("stderr does not name the rejected finding %s: %q", id, r.stderr)
	}
}

// TestSecurityHubImportFlags: the home account/Region flags go with asff or the
// import, nothing else.
func TestSecurityHubImportFlags(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "", "demo", "--security-hub-account", "111122223333", "--security-hub-region", "eu-west-1")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--security-hub-import") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// demoInventoryJSON is the sample estate as an inventory file's content.
func demoInventoryJSON(t *testing.T) string {
	t.Helper()
	inv, err := estate.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
