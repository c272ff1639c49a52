package awslambda

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// narrowEstate is one account with four functions in two regions: two share
// the role "shared-role", whose attached policy is customer-managed.
func narrowEstate(t *testing.T) (*awstest.Server, *awstest.Account) {
	t.Helper()
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	pol := "arn:aws:iam::" + mgmtAcct + ":policy/shared-read"
	a.Policies = []*awstest.ManagedPolicy{{Name: "shared-read", Document: readPolicy}}
	a.Roles = []*awstest.Role{
		{Name: "shared-role", Path: "/app/", Attached: []string{pol}},
		{Name: "own-role", Inline: map[string]string{"read": readPolicy}},
	}
	east := a.AddRegion("us-east-1")
	east.Functions = []*awstest.Function{
		{Name: "api", Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::" + mgmtAcct + ":role/app/shared-role"},
		{Name: "worker", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("own-role")},
		{Name: "other", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("own-role")},
	}
	east.EventSourceMappings = []*awstest.EventSourceMapping{
		{UUID: "esm-1", EventSourceArn: "arn:aws:sqs:us-east-1:" + mgmtAcct + ":jobs", Function: "worker"},
		{UUID: "esm-2", EventSourceArn: "arn:aws:sqs:us-east-1:" + mgmtAcct + ":other", Function: "other"},
	}
	a.AddRegion("eu-west-1").Functions = []*awstest.Function{
		{Name: "eu-api", Runtime: "python3.12", Handler: "app.handler", Role: "arn:aws:iam::" + mgmtAcct + ":role/app/shared-role"},
	}
	return s, a
}

func ids(fns []audit.Function) []string {
	var out []string
	for _, f := range fns {
		out = append(out, f.ID)
	}
	slices.Sort(out)
	return out
}

// TestCollectNamedFunctions: only the named functions are read, without
// listing regions or functions; a deleted function is absent, not a gap.
func TestCollectNamedFunctions(t *testing.T) {
	t.Parallel()
	s, a := narrowEstate(t)
	worker := a.FunctionARN("us-east-1", "worker")
	gone := a.FunctionARN("us-east-1", "deleted-fn")
	inv := collect(t, s, mgmtAcct, Options{Functions: []string{worker, gone}})
	if diff := cmp.Diff([]string{worker}, ids(inv.Functions)); diff != "" {
		t.Errorf("functions (-want +got):\n%s", diff)
	}
	if len(inv.Gaps) != 0 {
		t.Errorf("gaps: %+v", inv.Gaps)
	}
	if n := len(inv.Functions[0].Triggers); n != 1 {
		t.Errorf("worker has %d triggers, want its one event source mapping", n)
	}
	for op, want := range map[string]int{
		"lambda:ListFunctions": 0, "account:ListRegions": 0, "organizations:ListAccounts": 0,
		"lambda:GetFunctionConfiguration": 2, "lambda:GetPolicy": 1, "lambda:ListEventSourceMappings": 1,
		"iam:GetAccountAuthorizationDetails": 1,
	} {
		if got := s.Calls(op); got != want {
			t.Errorf("%s called %d times, want %d", op, got, want)
		}
	}
	if s.CallsOn("lambda:GetPolicy", "other") != 0 || s.CallsOn("lambda:GetPolicy", "worker") != 1 {
		t.Errorf("GetPolicy calls: worker %d, other %d", s.CallsOn("lambda:GetPolicy", "worker"), s.CallsOn("lambda:GetPolicy", "other"))
	}
	if len(inv.Identities) != 1 || inv.Identities[0].ID != a.RoleARN("own-role") {
		t.Errorf("identities = %+v, want the worker's role only", inv.Identities)
	}
}

// TestCollectByIdentity: a role (named without its path, as CloudTrail does)
// or a managed policy it attaches finds its functions in every region.
func TestCollectByIdentity(t *testing.T) {
	t.Parallel()
	want := []string{
		"arn:aws:lambda:eu-west-1:" + mgmtAcct + ":function:eu-api",
		"arn:aws:lambda:us-east-1:" + mgmtAcct + ":function:api",
	}
	for name, ident := range map[string]string{
		"role":   "arn:aws:iam::" + mgmtAcct + ":role/shared-role",
		"policy": "arn:aws:iam::" + mgmtAcct + ":policy/shared-read",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, _ := narrowEstate(t)
			inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1", "eu-west-1"}, Identities: []string{ident}})
			if diff := cmp.Diff(want, ids(inv.Functions)); diff != "" {
				t.Errorf("functions (-want +got):\n%s", diff)
			}
			if got := s.Calls("lambda:GetPolicy"); got != 2 {
				t.Errorf("GetPolicy called %d times, want 2 (the role's functions only)", got)
			}
			if got := s.Calls("iam:GetAccountAuthorizationDetails"); got != 1 {
				t.Errorf("IAM read %d times, want once per account", got)
			}
		})
	}
}

func TestNarrowingRejects(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{Functions: []string{"my-function"}},
		{Functions: []string{"arn:aws:lambda:us-east-1:" + mgmtAcct + ":function:f:live"}},
		{Identities: []string{"arn:aws:iam::" + mgmtAcct + ":user/bob"}},
		{Accounts: []string{memberAcct}, Functions: []string{"arn:aws:lambda:us-east-1:" + mgmtAcct + ":function:f"}},
	} {
		if _, err := New(context.Background(), o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
