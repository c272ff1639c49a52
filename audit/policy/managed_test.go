package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// sharedData returns the project's shared data directory (../shared/data
// beside the module root), or "" when it is absent.
func sharedData(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(data); err != nil {
		return ""
	}
	return data
}

// TestParseAWSManagedPolicies parses real AWS managed policies (read from the
// shared data directory, never copied into the repository): the parser must
// accept every document AWS itself publishes.
func TestParseAWSManagedPolicies(t *testing.T) {
	t.Parallel()
	data := sharedData(t)
	if data == "" {
		t.Skip("shared data directory with AWS managed policies is absent")
	}
	raw, err := os.ReadFile(filepath.Join(data, "aws-managed-policies.json"))
	if err != nil {
		t.Skip("aws-managed-policies.json is absent")
	}
	var docs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d, err := Parse(docs[n])
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if len(d.Statements) == 0 {
			t.Errorf("%s: no statements", n)
		}
	}
	t.Logf("parsed %d AWS managed policies", len(names))
}
