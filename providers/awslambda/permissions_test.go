package awslambda

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit/policy"
)

// TestAuditorPolicyMatchesClients keeps auditor-policy.json in step with the
// narrow client interfaces: every call the collector can make is allowed, and
// nothing else is.
func TestAuditorPolicyMatchesClients(t *testing.T) {
	t.Parallel()
	doc, err := policy.Parse(AuditorPolicy())
	if err != nil {
		t.Fatalf("auditor-policy.json: %v", err)
	}
	var granted []string
	for _, st := range doc.Statements {
		if st.Effect != policy.EffectAllow || len(st.NotAction) > 0 || len(st.NotResource) > 0 {
			t.Errorf("statement %q: only Allow statements with Action and Resource belong in the auditor policy", st.Sid)
		}
		for _, a := range st.Action {
			if strings.ContainsAny(a, "*?") {
				t.Errorf("statement %q: wildcard action %q; list the calls", st.Sid, a)
			}
			granted = append(granted, a)
		}
	}
	sort.Strings(granted)
	if diff := cmp.Diff(Permissions(), granted); diff != "" {
		t.Errorf("auditor-policy.json actions differ from the client interfaces (-calls +policy):\n%s", diff)
	}
	for _, a := range Permissions() {
		if strings.HasPrefix(a, "lambda:") || strings.HasPrefix(a, "iam:") {
			if !strings.HasPrefix(a[strings.Index(a, ":")+1:], "List") && !strings.HasPrefix(a[strings.Index(a, ":")+1:], "Get") {
				t.Errorf("%s is not a read call", a)
			}
		}
	}
}
