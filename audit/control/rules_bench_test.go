package control_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/audit/rules"
)

// BenchmarkControlRules: FNA-AWS-010..012 through the analyzer over the
// benchmark estate (5,000 functions, 2,000 roles, 500 users in 50 groups, 300
// customer policies); each rule builds its own analysis.
func BenchmarkControlRules(b *testing.B) {
	inv := control.BenchEstate(5000, 2000, 500, 300)
	// The execution roles as identities, as the collector lists them.
	for _, r := range inv.Accounts[0].AWS.Roles {
		inv.Identities = append(inv.Identities, audit.Identity{Provider: audit.AWS, Account: r.ARN[13:25], ID: r.ARN, Name: r.Name,
			Policies: r.Inline})
	}
	var rs []audit.Rule
	for _, r := range rules.All() {
		if strings.HasPrefix(r.Slug, "aws-control") || r.Slug == "aws-cross-account-control" || r.Slug == "aws-role-trust" {
			rs = append(rs, r)
		}
	}
	if len(rs) != 3 {
		b.Fatalf("found %d control rules", len(rs))
	}
	cfg := audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	b.ResetTimer()
	var findings int
	for i := 0; i < b.N; i++ {
		findings = len(audit.Analyze(inv, rs, cfg).Findings)
	}
	b.ReportMetric(float64(findings), "findings")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5000, "ns/function")
}
