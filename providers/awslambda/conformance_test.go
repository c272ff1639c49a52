package awslambda

import (
	"context"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/internal/awstest"
	"github.com/fnaudit/fnaudit/providers/providertest"
)

// seedConformance turns a provider-neutral estate into awstest state.
func seedConformance(t *testing.T, e providertest.Estate) *awstest.Server {
	s := awstest.New(t)
	a := s.AddAccount(e.Account)
	a.Roles = []*awstest.Role{
		{Name: "scoped-role", Inline: map[string]string{"read": readPolicy}},
		{Name: "admin-role", Inline: map[string]string{"everything": adminPolicy}},
	}
	reg := a.AddRegion(e.Region)
	for _, f := range e.Functions {
		fn := &awstest.Function{Name: f.Name, Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("scoped-role")}
		arn := a.FunctionARN(e.Region, f.Name)
		switch {
		case f.Public:
			fn.Policy = doc(`{"Sid":"public","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + arn + `"}`)
		case f.ServicePinned:
			fn.Policy = doc(`{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + arn +
				`","Condition":{"StringEquals":{"AWS:SourceAccount":"` + e.Account + `"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::` + f.Name + `-uploads"}}}`)
		}
		if f.WildcardIdentity {
			fn.Role = a.RoleARN("admin-role")
		}
		reg.Functions = append(reg.Functions, fn)
	}
	s.SetPageSize("lambda", e.PageSize)
	if e.ThrottleFirst > 0 {
		s.Inject(awstest.Fault{Op: "lambda:ListFunctions", Status: 429, Code: "TooManyRequestsException",
			RetryAfter: "0", Times: e.ThrottleFirst})
	}
	if e.DeniedAccount != "" {
		d := s.AddAccount(e.DeniedAccount)
		d.Roles = []*awstest.Role{{Name: auditRole, AssumableBy: []string{e.Account}}}
		d.AddRegion(e.Region)
		d.Deny = []string{"lambda:*", "iam:*", "account:*", "organizations:*"}
	}
	return s
}

func TestConformance(t *testing.T) {
	for _, id := range []string{"FNA-AWS-001", "FNA-AWS-003"} {
		if _, ok := rules.ByID(id); !ok {
			t.Skipf("rule %s has not landed yet; the suite judges the collected inventory with it", id)
		}
	}
	providertest.Run(t, providertest.Target{
		Provider: audit.AWS,
		New: func(t *testing.T, e providertest.Estate) audit.Collector {
			s := seedConformance(t, e)
			o := Options{Regions: []string{e.Region}}
			if e.DeniedAccount != "" {
				o.Accounts, o.OrgRole = []string{e.Account, e.DeniedAccount}, auditRole
			}
			c, err := New(context.Background(), testOptions(s, e.Account, o))
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
	})
}
