package report_test

import (
	"os"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
)

func exampleReport() *audit.Report {
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:status-page"
	r := &audit.Report{
		Schema:      audit.ReportSchema,
		GeneratedAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC),
		Scope:       audit.Scope{Providers: []audit.Provider{audit.AWS}, Accounts: 1, Regions: []string{"us-east-1"}, Functions: 1},
		Findings: []audit.Finding{{
			ID: audit.FindingID("FNA-AWS-001", arn, ""), Rule: "FNA-AWS-001", Slug: "aws-public-invoke",
			Category: audit.PublicInvoke, Severity: audit.Critical, Status: audit.StatusFail,
			Provider: audit.AWS, Account: "123456789012", Region: "us-east-1", Resource: arn, Function: "status-page",
			Title: "Function URL lets anyone invoke the function",
		}},
		Gaps: []audit.Gap{},
	}
	r.Summarize()
	return r
}

func ExampleRender() {
	err := report.Render(os.Stdout, report.Text, exampleReport(), report.Options{})
	if err != nil {
		panic(err)
	}
	// Output:
	// fnaudit report, generated 2026-11-28T09:00:00Z
	// scope: aws; 1 account, 1 region, 1 function
	//
	// SUMMARY
	//   open findings  1 (critical 1, high 0, medium 0, low 0, info 0)
	//   suppressed     0
	//   not checked    0 (a rule lacked data a gap left unread)
	//   rule errors    0
	//   gaps           0
	//   by category    public-invoke 1
	//   by provider    aws 1
	//
	// CRITICAL (1)
	//   fail  FNA-AWS-001  Function URL lets anyone invoke the function
	//                      status-page (aws 123456789012 us-east-1)
	//
	// GAPS: none; every scope that was asked for was read.
	//
	// For each finding's resource id, evidence and remediation, run again with --details.
	// To see what a rule checks and how to fix it: fnaudit rules ID, e.g. fnaudit rules FNA-AWS-001
}

func ExampleRender_csv() {
	err := report.Render(os.Stdout, report.CSV, exampleReport(), report.Options{MinSeverity: audit.High})
	if err != nil {
		panic(err)
	}
	// Output:
	// id,rule,slug,category,severity,status,provider,account,region,function,resource,title,detail,evidence,remediation,suppression_reason,suppression_expires,front_door
	// 3d2e71e46d9508c61992,FNA-AWS-001,aws-public-invoke,public-invoke,critical,fail,aws,123456789012,us-east-1,status-page,arn:aws:lambda:us-east-1:123456789012:function:status-page,Function URL lets anyone invoke the function,,,,,,
}
