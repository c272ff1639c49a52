// Package shareddata gives tests read access to the reference data kept beside
// the repository (../shared/data relative to the module root): real AWS managed
// policy documents, keyed by ARN. The data is never copied into the repository;
// a test that needs it skips when it is absent.
package shareddata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data directory, or "" when there is none.
func Dir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
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

// AWSManagedPolicies returns the real AWS managed policy documents by ARN, or
// skips the test when the shared data is absent.
func AWSManagedPolicies(t testing.TB) map[string]json.RawMessage {
	t.Helper()
	dir := Dir()
	if dir == "" {
		t.Skip("shared data directory with AWS managed policies is absent")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "aws-managed-policies.json"))
	if err != nil {
		t.Skipf("shared AWS managed policies not available: %v", err)
	}
	var docs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		t.Fatalf("decode shared managed policies: %v", err)
	}
	return docs
}
