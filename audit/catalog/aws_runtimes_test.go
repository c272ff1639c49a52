package catalog

import (
	"strings"
	"testing"
)

func TestAWSRuntimes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range AWSRuntimes() {
		if seen[r.ID] {
			t.Errorf("duplicate runtime %s", r.ID)
		}
		seen[r.ID] = true
		// Only a runtime in preview may lack a projected deprecation date.
		if r.Name == "" || r.OS == "" || (r.Deprecation.IsZero() && !strings.Contains(r.Name, "(preview)")) {
			t.Errorf("%s: incomplete entry", r.ID)
		}
		if !r.BlockUpdate.IsZero() && r.BlockUpdate.Before(r.BlockCreate) {
			t.Errorf("%s: block update %s before block create %s", r.ID, r.BlockUpdate, r.BlockCreate)
		}
	}
	for _, id := range []string{"python3.7", "nodejs14.x", "python3.12", "nodejs22.x", "provided.al2023", "java21"} {
		if !seen[id] {
			t.Errorf("runtime %s missing", id)
		}
	}
	if r, ok := AWSRuntimeLifecycle(" Python3.12 "); !ok || r.ID != "python3.12" {
		t.Errorf("lookup = %+v, %v", r, ok)
	}
	if _, ok := AWSRuntimeLifecycle("cobol85"); ok {
		t.Error("unknown runtime found")
	}
}
