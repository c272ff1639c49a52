package securityhub_test

import (
	"fmt"
	"os"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/securityhub"
)

// Render writes the findings Security Hub can take; Omitted says what it left
// out and how to include it.
func ExampleRender() {
	r := &audit.Report{
		GeneratedAt: time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC),
		Findings: []audit.Finding{{
			ID: "a1", Rule: "FNA-GCP-001", Category: audit.PublicInvoke, Severity: audit.Critical, Status: audit.StatusFail,
			Provider: audit.GCP, Account: "acme-prod", Region: "europe-west1",
			Resource: "projects/acme-prod/locations/europe-west1/functions/hook", Title: "allUsers may invoke the function",
		}},
	}
	om, err := securityhub.Render(os.Stdout, r, securityhub.Options{})
	if err != nil {
		fmt.Println(err)
	}
	for _, m := range om.Messages() {
		fmt.Println("warning:", m)
	}
	// Output:
	// []
	// warning: 1 finding (gcp) left out of ASFF: it belongs to no AWS account and Region, and Security Hub accepts a finding only for one; name the account and Region to file it under (--security-hub-account and --security-hub-region) to include it
}
