package awslambda

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestCollectAuthorization: the real IAM client reads users, groups, roles
// and managed policies over several pages; the inventory keeps each managed
// document once, the users' groups and boundaries, the roles' trust
// policies, and audit/control names who can change the function from it.
func TestCollectAuthorization(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	s.SetPageSize("iam", 2)
	const (
		deploy   = `{"Version":"2012-10-17","Statement":[{"Sid":"Deploy","Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}]}`
		boundary = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
		trust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Sid":"Ops","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}]}`
	)
	a.Roles = []*awstest.Role{{Name: "billing-role", Trust: trust, Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}}
	a.Policies = []*awstest.ManagedPolicy{{Name: "deploy", Document: deploy}, {Name: "s3-only", Document: boundary}}
	a.AWSPolicies = []*awstest.ManagedPolicy{{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Document: adminPolicy}}
	a.Groups = []*awstest.Group{{Name: "developers", Attached: []string{"arn:aws:iam::123456789012:policy/deploy"}}}
	a.Users = []*awstest.User{
		{Name: "ana", Groups: []string{"developers"}},
		{Name: "bo", Groups: []string{"developers"}},
		{Name: "intern", Inline: map[string]string{"deploy": deploy}, Boundary: "arn:aws:iam::123456789012:policy/s3-only"},
	}
	a.AddRegion("us-east-1").Functions = []*awstest.Function{{Name: "billing", Runtime: "python3.12", Handler: "app.handler",
		Role: a.RoleARN("billing-role")}}

	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if len(inv.Gaps) > 0 {
		t.Fatalf("gaps: %+v", inv.Gaps)
	}
	got := inv.Accounts[0].AWS
	if got == nil {
		t.Fatal("no authorization details")
	}
	var users []string
	for _, u := range got.Users {
		users = append(users, u.Name+" groups="+strings.Join(u.Groups, ",")+" boundary="+u.Boundary+" inline="+policyNames(u.Inline))
	}
	want := []string{"ana groups=developers boundary= inline=", "bo groups=developers boundary= inline=",
		"intern groups= boundary=arn:aws:iam::123456789012:policy/s3-only inline=deploy"}
	if d := cmp.Diff(want, users); d != "" {
		t.Errorf("users (-want +got):\n%s", d)
	}
	if len(got.Groups) != 1 || got.Groups[0].ARN != "arn:aws:iam::123456789012:group/developers" ||
		!cmp.Equal(got.Groups[0].Attached, []string{"arn:aws:iam::123456789012:policy/deploy"}) {
		t.Errorf("groups = %+v", got.Groups)
	}
	var pols []string
	for _, p := range got.Policies {
		pols = append(pols, p.ID)
	}
	wantPols := []string{"arn:aws:iam::123456789012:policy/deploy", "arn:aws:iam::123456789012:policy/s3-only",
		"arn:aws:iam::aws:policy/AdministratorAccess"}
	if d := cmp.Diff(wantPols, pols); d != "" {
		t.Errorf("managed policies, each once (-want +got):\n%s", d)
	}
	if len(got.Roles) != 1 || !json.Valid(got.Roles[0].Trust) || !strings.Contains(string(got.Roles[0].Trust), "210987654321") {
		t.Errorf("roles = %+v", got.Roles)
	}

	fn := &inv.Functions[0]
	var summary []string
	for _, c := range control.New(inv).Function(fn) {
		if c.Principal.ID == fn.AWS.Role {
			continue // the admin role itself
		}
		summary = append(summary, string(c.Principal.Kind)+" "+c.Principal.ID+" "+string(c.Powers[0].Kind))
	}
	wantCtl := []string{"account 210987654321 assume-identity",
		"group-member arn:aws:iam::123456789012:group/developers change-code"}
	if d := cmp.Diff(wantCtl, summary); d != "" {
		t.Errorf("controllers (-want +got):\n%s", d)
	}
}

// TestAuthorizationBadDocument: an inline document that does not decode is
// left out and named by a control gap on its principal.
func TestAuthorizationBadDocument(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	a.Users = []*awstest.User{{Name: "odd", Inline: map[string]string{"broken": `{"Statement":[{"Effect":"Maybe"}]}`}}}
	a.AddRegion("us-east-1")
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if len(inv.Gaps) != 1 || inv.Gaps[0].Data != audit.DataControl || inv.Gaps[0].Resource != "arn:aws:iam::123456789012:user/odd" ||
		!strings.Contains(inv.Gaps[0].Message, "inline policy broken") {
		t.Errorf("gaps = %+v", inv.Gaps)
	}
	if u := inv.Accounts[0].AWS.Users; len(u) != 1 || len(u[0].Inline) != 0 {
		t.Errorf("users = %+v", u)
	}
}

func policyNames(ps []audit.Policy) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return strings.Join(out, ",")
}
