package suppress_test

import (
	"fmt"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/suppress"
)

func Example() {
	entries, err := suppress.Parse([]byte(`
suppressions:
  - rule: FNA-AWS-001
    resource: "arn:aws:lambda:*:123456789012:function:status-*"
    reason: the status page is public by design
    expires: 2027-06-30
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	report := &audit.Report{Findings: []audit.Finding{{
		Rule: "FNA-AWS-001", Category: audit.PublicInvoke, Severity: audit.Critical, Status: audit.StatusFail,
		Provider: audit.AWS, Resource: "arn:aws:lambda:us-east-1:123456789012:function:status-page",
	}}}
	suppress.Apply(report, entries, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	f := report.Findings[0]
	fmt.Println(f.Status, "-", f.Suppression.Reason)
	fmt.Println("open findings:", report.Summary.Open)
	// Output:
	// suppressed - the status page is public by design
	// open findings: 0
}
