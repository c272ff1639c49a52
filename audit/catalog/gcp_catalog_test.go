package catalog

import (
	"strings"
	"testing"
	"time"
)

func TestGCPRuntimesTable(t *testing.T) {
	if err := GCPRuntimesError(); err != nil {
		t.Fatal(err)
	}
	if GCPRuntimesSource == "" {
		t.Error("the runtime table names no source")
	}
	rt, ok := GCPRuntimeLifecycle("python38")
	if !ok {
		t.Fatal("python38 missing from the table")
	}
	if want := time.Date(2025, 10, 14, 0, 0, 0, 0, time.UTC); !rt.Decommission.Equal(want) {
		t.Errorf("python38 decommission = %v, want %v", rt.Decommission, want)
	}
	for _, name := range []string{"nodejs20", "nodejs10", "python312"} {
		r, ok := GCPRuntimeLifecycle(name)
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if !r.Decommission.IsZero() && r.Decommission.Before(r.Deprecation) {
			t.Errorf("%s: decommission %v before deprecation %v", name, r.Decommission, r.Deprecation)
		}
	}
	if _, ok := GCPRuntimeLifecycle("cobol85"); ok {
		t.Error("unknown runtime found")
	}
}

func TestGCPBroadRole(t *testing.T) {
	for _, tc := range []struct {
		role string
		want bool
	}{
		{"roles/storage.admin", true},
		{"roles/storage.objectAdmin", true},
		{"roles/iam.securityAdmin", true},
		{"roles/viewer", true},
		{"roles/owner", false}, // admin, not broad
		{"roles/editor", false},
		{"roles/storage.objectViewer", false},
		{"roles/pubsub.publisher", false},
		{"projects/p/roles/admin", false}, // custom roles are judged by permissions
		{"roles/admin", false},
	} {
		if _, got := GCPBroadRole(tc.role); got != tc.want {
			t.Errorf("GCPBroadRole(%q) = %v, want %v", tc.role, got, tc.want)
		}
	}
}

func TestGCPEscalationsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range append(gcpEscalations, gcpEscalationActAsAlone) {
		if seen[m.ID] {
			t.Errorf("duplicate escalation id %s", m.ID)
		}
		seen[m.ID] = true
		if len(m.Requires) == 0 || m.Summary == "" {
			t.Errorf("%s: needs permissions and a summary", m.ID)
		}
		switch m.Severity {
		case "critical", "high", "medium":
		default:
			t.Errorf("%s: severity %q", m.ID, m.Severity)
		}
		for _, p := range m.Requires {
			if strings.Count(p, ".") < 2 {
				t.Errorf("%s: %q is not a GCP permission", m.ID, p)
			}
		}
	}
}
