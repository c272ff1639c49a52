package securityhub

import (
	"flag"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	goldenfile "github.com/fnaudit/fnaudit/internal/golden"
	"github.com/fnaudit/fnaudit/internal/reporttest"
)

// update rewrites testdata/*.golden: go test ./securityhub -update.
var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, name, got, *update)
}

// The fixture is internal/reporttest's sample report, shared with
// audit/report, so the ASFF goldens describe the same findings as the other formats'.
var testNow = reporttest.Now

const (
	awsAcct = reporttest.AWSAccount
	gcpProj = reporttest.GCPProject
	azSub   = reporttest.AzureSubscription
)

func testReport() *audit.Report { return reporttest.Report() }
func mk(rule, slug string, cat audit.Category, sev audit.Severity, st audit.Status, p audit.Provider, acct, region, resource, fn, title string) audit.Finding {
	return reporttest.Finding(rule, slug, cat, sev, st, p, acct, region, resource, fn, title)
}
