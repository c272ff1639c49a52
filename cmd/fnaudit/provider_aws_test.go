package main

import (
	"encoding/json"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

const awsAdminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// TestScanAWS drives `fnaudit scan --provider aws` against the local AWS server
// through AWS_ENDPOINT_URL, as a user would point it at any endpoint: the
// planted findings come out, and the account that denies every read is a gap
// (exit 3).
func TestScanAWS(t *testing.T) {
	const mgmt, denied = "123456789012", "210987654321"
	s := awstest.New(t)
	a := s.AddAccount(mgmt)
	a.Roles = []*awstest.Role{
		{Name: "status-role", Inline: map[string]string{"read": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-status/*"}]}`}},
		{Name: "ops-role", Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
	}
	a.AWSPolicies = []*awstest.ManagedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Document: awsAdminPolicy}}
	status := a.FunctionARN("us-east-1", "status-page")
	a.AddRegion("us-east-1").Functions = []*awstest.Function{
		{Name: "status-page", Runtime: "nodejs22.x", Handler: "index.handler", Role: a.RoleARN("status-role"), URL: "NONE",
			Policy: `{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + status + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}},` +
				`{"Sid":"FunctionURLAllowInvokeAction","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + status + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}]}`},
		{Name: "ops-runner", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("ops-role")},
	}
	a.AddRegion("eu-west-1")
	d := s.AddAccount(denied)
	d.Roles = []*awstest.Role{{Name: "fnaudit-reader", AssumableBy: []string{mgmt}}}
	d.AddRegion("us-east-1")
	d.AddRegion("eu-west-1")
	d.Deny = []string{"lambda:*", "iam:*"}
	s.SetEnv(t, mgmt, "us-east-1")

	r := runCmd(t, "", "scan", "--provider", "aws", "--regions", "us-east-1,eu-west-1",
		"--accounts", mgmt+","+denied, "--org-role", "fnaudit-reader", "--format", "json", "--now", now)
	if r.code != exitGaps {
		t.Fatalf("scan aws: exit %d (want %d, gaps): %s", r.code, exitGaps, r.stderr)
	}
	var rep audit.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	failing := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Status == audit.StatusFail {
			failing[f.Rule+" "+f.Function] = true
		}
	}
	for _, want := range []string{"FNA-AWS-001 status-page", "FNA-AWS-003 ops-runner"} {
		if !failing[want] {
			t.Errorf("no failing finding %s; failing: %v", want, failing)
		}
	}
	if failing["FNA-AWS-001 ops-runner"] || failing["FNA-AWS-003 status-page"] {
		t.Errorf("findings on the wrong function: %v", failing)
	}
	deniedGaps := 0
	for _, g := range rep.Gaps {
		if g.Account == denied && g.Reason == audit.GapAccessDenied {
			deniedGaps++
		}
		if g.Account == mgmt {
			t.Errorf("gap in the readable account: %+v", g)
		}
	}
	// lambda:ListFunctions in two regions and iam:GetAccountAuthorizationDetails.
	if deniedGaps != 3 {
		t.Errorf("access-denied gaps for %s = %d, want 3: %+v", denied, deniedGaps, rep.Gaps)
	}
}
