package awslambda

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestCollectAndAnalyze runs the collector, every rule and the analyzer against
// an estate with planted findings: a function URL anyone can call, a function
// whose role is an administrator, and an account that denies every read. Rules
// still being written are checked once they exist.
func TestCollectAndAnalyze(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	a.Roles = []*awstest.Role{
		{Name: "status-role", Inline: map[string]string{"read": readPolicy}},
		{Name: "ops-role", Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
	}
	a.AWSPolicies = []*awstest.ManagedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Document: adminPolicy}}
	east := a.AddRegion("us-east-1")
	statusARN := a.FunctionARN("us-east-1", "status-page")
	east.Functions = []*awstest.Function{
		{Name: "status-page", Runtime: "nodejs22.x", Handler: "index.handler", Role: a.RoleARN("status-role"), URL: "NONE",
			Policy: doc(
				`{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"`+statusARN+`","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`,
				`{"Sid":"FunctionURLAllowInvokeAction","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"`+statusARN+`","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`)},
		{Name: "ops-runner", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("ops-role")},
	}
	a.AddRegion("eu-west-1").Functions = []*awstest.Function{
		{Name: "eu-report", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("status-role")},
	}
	d := s.AddAccount(memberAcct)
	d.Roles = []*awstest.Role{{Name: auditRole, AssumableBy: []string{mgmtAcct}}}
	d.AddRegion("us-east-1")
	d.Deny = []string{"lambda:*", "iam:*"}

	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1", "eu-west-1"},
		Accounts: []string{mgmtAcct, memberAcct}, OrgRole: auditRole})
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: fixedNow})

	if rep.Scope.Functions != 3 {
		t.Errorf("scope functions = %d, want 3", rep.Scope.Functions)
	}
	var deniedGap bool
	for _, g := range rep.Gaps {
		if g.Account == memberAcct && g.Reason == audit.GapAccessDenied && g.API == "lambda:ListFunctions" {
			deniedGap = true
		}
		if g.Account == mgmtAcct {
			t.Errorf("gap in the readable account: %+v", g)
		}
	}
	if !deniedGap {
		t.Errorf("no access-denied gap for %s: %+v", memberAcct, rep.Gaps)
	}

	planted := []struct {
		rule, function string
	}{
		{"FNA-AWS-001", "status-page"}, // public function URL
		{"FNA-AWS-003", "ops-runner"},  // AdministratorAccess role
	}
	for _, p := range planted {
		if _, ok := rules.ByID(p.rule); !ok {
			t.Logf("rule %s has not landed yet; not checked", p.rule)
			continue
		}
		found := false
		for _, f := range rep.Findings {
			if f.Rule == p.rule && f.Function == p.function && f.Status == audit.StatusFail {
				found = true
			}
			if f.Rule == p.rule && f.Function != p.function && f.Status == audit.StatusFail {
				t.Errorf("%s also fails %s: %s", p.rule, f.Function, f.Detail)
			}
		}
		if !found {
			t.Errorf("%s: no failing finding for %s", p.rule, p.function)
		}
	}
}
