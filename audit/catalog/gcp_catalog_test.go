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

// TestGCPServiceWide pins the service-wide verdict to the roles' published
// permissions (https://cloud.google.com/iam/docs/roles-permissions): a role is
// service-wide for a service when it holds at least GCPWideMinPermissions and
// GCPWideMinShare of that service's non-read permissions. Names ending in
// "Admin" decide nothing.
func TestGCPServiceWide(t *testing.T) {
	if err := GCPPermissionFactsError(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		role    string
		perms   []string
		service string // "" = not service-wide
	}{
		{"roles/storage.admin", nil, "storage"},
		{"roles/storage.objectAdmin", nil, "storage"},
		{"roles/pubsub.editor", nil, "pubsub"},
		{"roles/secretmanager.admin", nil, "secretmanager"},
		{"roles/cloudsql.admin", nil, "cloudsql"},
		{"roles/bigquery.dataOwner", nil, "bigquery"},
		{"roles/datastore.owner", nil, "datastore"},
		{"roles/run.admin", nil, "run"},
		// Admin by name, a handful of permissions by content.
		{"roles/iam.serviceAccountKeyAdmin", nil, ""},
		{"roles/resourcemanager.projectIamAdmin", nil, ""},
		{"roles/iam.serviceAccountAdmin", nil, ""},
		{"roles/iam.securityAdmin", nil, ""},
		{"roles/iam.roleAdmin", nil, ""},
		// Data access, not a wildcard.
		{"roles/secretmanager.secretAccessor", nil, ""},
		{"roles/cloudsql.client", nil, ""},
		{"roles/storage.objectViewer", nil, ""},
		{"roles/compute.viewer", nil, ""},
		// Basic roles are judged elsewhere.
		{"roles/owner", nil, ""},
		{"roles/editor", nil, ""},
		{"roles/viewer", nil, ""},
		// A custom role is judged from the permissions the collector read.
		{"projects/p/roles/bucketAll", []string{"storage.buckets.create", "storage.buckets.delete", "storage.buckets.update",
			"storage.buckets.setIamPolicy", "storage.objects.create", "storage.objects.delete", "storage.objects.update",
			"storage.objects.setIamPolicy", "storage.hmacKeys.create", "storage.hmacKeys.delete", "storage.hmacKeys.update",
			"storage.managedFolders.create", "storage.managedFolders.delete", "storage.managedFolders.setIamPolicy",
			"storage.multipartUploads.create", "storage.multipartUploads.abort"}, "storage"},
		{"projects/p/roles/fewWrites", []string{"storage.objects.create", "storage.objects.delete", "storage.objects.get", "storage.objects.list"}, ""},
		{"projects/p/roles/readAll", []string{"storage.buckets.get", "storage.buckets.list", "storage.objects.get", "storage.objects.list",
			"storage.buckets.getIamPolicy", "storage.objects.getIamPolicy"}, ""},
		{"projects/p/roles/unknownService", []string{"madeup.a.create", "madeup.a.delete", "madeup.a.update", "madeup.b.create", "madeup.b.delete", "madeup.b.update"}, ""},
	} {
		w, ok := GCPServiceWide(tc.role, tc.perms)
		got := ""
		if ok {
			got = w.Service
			if w.Held < GCPWideMinPermissions || float64(w.Held) < GCPWideMinShare*float64(w.Total) || w.Held > w.Total {
				t.Errorf("%s: verdict %+v breaks the thresholds", tc.role, w)
			}
		}
		if got != tc.service {
			t.Errorf("GCPServiceWide(%q) = %q (%+v), want %q", tc.role, got, w, tc.service)
		}
	}
	if n := GCPServiceWritePermissions("storage"); n < 20 {
		t.Errorf("storage has %d non-read permissions in the facts, want dozens", n)
	}
}

func TestGCPReadPermission(t *testing.T) {
	for p, want := range map[string]bool{
		"storage.objects.get": true, "storage.buckets.list": true, "run.services.getIamPolicy": true,
		"storage.objects.create": false, "run.services.setIamPolicy": false, "secretmanager.versions.access": false,
		"iam.serviceAccounts.actAs": false, "nodots": false,
	} {
		if got := GCPReadPermission(p); got != want {
			t.Errorf("GCPReadPermission(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestParseGCPPermissionFactsRejectsBadLines(t *testing.T) {
	for _, text := range []string{"service\tstorage\tx\n", "role\troles/a\tstorage\n", "bogus\n", "service\tstorage\t0\n"} {
		if f := parseGCPPermissionFacts(text); f.err == nil {
			t.Errorf("%q: no error", text)
		}
	}
	f := parseGCPPermissionFacts("# c\nservice\tstorage\t46\nrole\troles/storage.admin\tstorage\t43\n")
	if f.err != nil || f.services["storage"] != 46 || f.roles["roles/storage.admin"]["storage"] != 43 {
		t.Errorf("parse: %+v", f)
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
