package report_test

import (
	"fmt"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
)

// A digest is what the scheduled Lambda mails: a subject within 100 ASCII
// characters and a body that names the worst findings and every gap.
func ExampleNewDigest() {
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:status-page"
	r := &audit.Report{
		Schema:      audit.ReportSchema,
		GeneratedAt: time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC),
		Scope:       audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 2, Regions: []string{"us-east-1"}, Functions: 1},
		Findings: []audit.Finding{{
			ID: audit.FindingID("FNA-AWS-001", arn, ""), Rule: "FNA-AWS-001", Category: audit.PublicInvoke,
			Severity: audit.Critical, Status: audit.StatusFail, Provider: audit.AWS, Account: "123456789012",
			Region: "us-east-1", Resource: arn, Function: "status-page",
			Title:       "Function URL lets anyone invoke the function",
			Remediation: "Set the URL's AuthType to AWS_IAM.",
		}},
		Gaps: []audit.Gap{{Provider: audit.AWS, Account: "210987654321", API: "sts:AssumeRole",
			Data: audit.DataFunctions, Reason: audit.GapAssumeRole, Message: "AccessDenied"}},
	}
	r.Summarize()
	d := report.NewDigest(r, report.DigestOptions{MinSeverity: audit.Medium, MaxFindings: 25})
	fmt.Println(d.Subject)
	fmt.Print(d.Body)
	// Output:
	// fnaudit: 1 critical in 2 accounts (1 gap)
	// fnaudit audit of 2026-11-28 06:00 UTC
	//
	// Scope: 2 accounts (aws), 1 region (us-east-1), 1 function.
	// Coverage: INCOMPLETE. 1 of 2 accounts could not be audited; 1 gap in all (listed below).
	//
	// Open findings at medium or above: 1
	//   by severity: 1 critical
	//   by category: public-invoke 1
	//
	// Worst functions first
	// ---------------------
	//
	// 1. status-page (aws, account 123456789012, us-east-1)
	//    Risk: public: function URL lets anyone invoke the function, no broad permissions found (score 4 of 16)
	//    Resource: arn:aws:lambda:us-east-1:123456789012:function:status-page
	//    - [CRITICAL] Function URL lets anyone invoke the function (FNA-AWS-001)
	//      Fix: Set the URL's AuthType to AWS_IAM.
	//
	// Coverage gaps
	// -------------
	// 1 of 2 accounts could not be audited:
	// - aws 210987654321: assume-role (sts:AssumeRole): AccessDenied
}
