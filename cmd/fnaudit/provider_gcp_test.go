package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

// TestScanGCP drives `fnaudit scan --provider gcp` against gcpfake (real Google
// Cloud clients over gRPC): the planted findings come out with evidence naming
// the binding, role and member, and the denied project is a gap (exit 3).
func TestScanGCP(t *testing.T) {
	srv, err := gcpfake.Start(gcpfake.Scenario())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	gcpOptionsHook = func(o *gcpfunctions.Options) {
		o.ClientOptions = srv.ClientOptions()
		o.Retry = gcpfunctions.RetryPolicy{Initial: time.Millisecond, Max: 5 * time.Millisecond}
	}
	t.Cleanup(func() { gcpOptionsHook = nil })

	r := runCmd(t, "", "scan", "--provider", "gcp", "--projects",
		gcpfake.ProdProject+","+gcpfake.DeniedProject, "--format", "json", "--now", now)
	if r.code != exitGaps {
		t.Fatalf("scan gcp: exit %d (want %d, gaps): %s", r.code, exitGaps, r.stderr)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	evidenceOf := func(fn, rule string) string {
		var b strings.Builder
		for _, f := range rep.Findings {
			if f.Function == fn && f.Rule == rule && f.Status == audit.StatusFail {
				for _, e := range f.Evidence {
					b.WriteString(e.Source.API + " " + e.Source.Ref + " " + e.Path + " " + e.Fragment + "\n")
				}
			}
		}
		return b.String()
	}
	for _, tc := range []struct{ fn, rule, want string }{
		{"webhook-stripe", "FNA-GCP-001", "run.services.getIamPolicy projects/acme-prod-123/locations/us-central1/services/webhook-stripe bindings[role=roles/run.invoker].members role=roles/run.invoker member=allUsers"},
		{"report-export", "FNA-GCP-001", "member=allAuthenticatedUsers"},
		{"image-resize", "FNA-GCP-001", "invokerIamDisabled true"},
		{"report-export", "FNA-GCP-003", "resourcemanager.projects.getIamPolicy projects/acme-prod-123 bindings[role=roles/editor] role=roles/editor member=serviceAccount:481516234200-compute@developer.gserviceaccount.com"},
		{"orders-api", "FNA-GCP-003", "role=projects/acme-prod-123/roles/accessProvisioner"},
		{"image-resize", "FNA-GCP-004", "condition=request.time.getDayOfWeek"},
	} {
		if got := evidenceOf(tc.fn, tc.rule); !strings.Contains(got, tc.want) {
			t.Errorf("%s %s: evidence lacks %q:\n%s", tc.fn, tc.rule, tc.want, got)
		}
	}
	var denied bool
	for _, g := range rep.Gaps {
		if g.Provider == audit.GCP && g.Account == gcpfake.DeniedProject && g.Reason == audit.GapAccessDenied {
			denied = true
		}
	}
	if !denied {
		t.Errorf("no access-denied gap for %s: %+v", gcpfake.DeniedProject, rep.Gaps)
	}
}
