package suppress

import (
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// Parse never panics, and whatever it accepts applies cleanly.
func FuzzParse(f *testing.F) {
	f.Add("suppressions:\n  - rule: FNA-AWS-001\n    resource: '**'\n    reason: r\n    expires: 2027-01-01\n")
	f.Add("suppressions:\n  - category: admin-access\n    resource: 'arn:aws:lambda:*:1:function:a?c'\n    reason: r\n")
	f.Add("suppressions: [{rule: x, resource: '*', reason: y}]")
	f.Add("suppressions:\n  - &a {rule: x}\n  - *a\n")
	f.Add("- a\n- b\n")
	f.Fuzz(func(t *testing.T, data string) {
		entries, err := Parse([]byte(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			return
		}
		r := &audit.Report{Findings: []audit.Finding{{Rule: "FNA-AWS-001", Category: audit.AdminAccess,
			Severity: audit.High, Status: audit.StatusFail, Provider: audit.AWS, Resource: "arn:aws:lambda:us-east-1:1:function:abc"}}}
		Apply(r, entries, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	})
}

// MatchResource never panics and "**" matches everything.
func FuzzMatchResource(f *testing.F) {
	f.Add("arn:aws:lambda:*:123456789012:function:*", "arn:aws:lambda:us-east-1:123456789012:function:f")
	f.Add("projects/**/functions/?", "projects/p/locations/l/functions/f")
	f.Fuzz(func(t *testing.T, glob, resource string) {
		MatchResource(glob, resource, false)
		if !MatchResource("**", resource, true) {
			t.Errorf("** does not match %q", resource)
		}
		if !MatchResource(resource, resource, false) && !strings.ContainsAny(resource, "*?") {
			t.Errorf("%q does not match itself", resource)
		}
	})
}
