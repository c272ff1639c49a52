package awslambda

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestContinuation collects one account-region of 25 functions in parts of
// at least 10 (pages of 4, so a part ends with the page that crosses 10):
// each part starts at the marker the previous one stopped at, and every
// function is in exactly one part, with its role's identity.
func TestContinuation(t *testing.T) {
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	a.Roles = []*awstest.Role{{Name: "app", Inline: map[string]string{"read": readPolicy}}}
	reg := a.AddRegion("us-east-1")
	const n = 25
	for i := 0; i < n; i++ {
		reg.Functions = append(reg.Functions, &awstest.Function{Name: fmt.Sprintf("svc-%02d", i),
			Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("app")})
	}
	s.SetPageSize("lambda", 4)

	seen := map[string]int{}
	marker := ""
	var sizes []int
	for part := 0; part < 10; part++ {
		var stops []string
		inv := collect(t, s, mgmtAcct, Options{Accounts: []string{mgmtAcct}, Regions: []string{"us-east-1"},
			StartMarker: marker, MaxFunctions: 10,
			OnStop: func(acct, region, m string) {
				if acct != mgmtAcct || region != "us-east-1" || m == "" {
					t.Errorf("OnStop(%q, %q, %q)", acct, region, m)
				}
				stops = append(stops, m)
			}})
		for _, g := range inv.Gaps {
			t.Errorf("part %d: gap %+v", part, g)
		}
		for _, fn := range inv.Functions {
			seen[fn.Name]++
		}
		if len(inv.Identities) != 1 || !strings.HasSuffix(inv.Identities[0].ID, ":role/app") {
			t.Errorf("part %d: identities %+v, want the app role", part, inv.Identities)
		}
		sizes = append(sizes, len(inv.Functions))
		if len(stops) > 1 {
			t.Fatalf("part %d: OnStop called %d times", part, len(stops))
		}
		if len(stops) == 0 {
			break
		}
		marker = stops[0]
	}
	if fmt.Sprint(sizes) != "[12 12 1]" {
		t.Errorf("part sizes %v, want [12 12 1] (10 rounded up to whole pages of 4)", sizes)
	}
	if len(seen) != n {
		t.Errorf("%d distinct functions, want %d", len(seen), n)
	}
	for name, k := range seen {
		if k != 1 {
			t.Errorf("%s collected %d times", name, k)
		}
	}
}

// TestContinuationNeedsOneAccountRegion: a part is only defined for one
// account and one region.
func TestContinuationNeedsOneAccountRegion(t *testing.T) {
	for name, o := range map[string]Options{
		"no region":      {Accounts: []string{mgmtAcct}, MaxFunctions: 5},
		"two regions":    {Accounts: []string{mgmtAcct}, Regions: []string{"us-east-1", "eu-west-1"}, StartMarker: "m"},
		"no account":     {Regions: []string{"us-east-1"}, MaxFunctions: 5},
		"narrowed":       {Accounts: []string{mgmtAcct}, Regions: []string{"us-east-1"}, MaxFunctions: 5, Identities: []string{"arn:aws:iam::123456789012:role/app"}},
		"negative limit": {Accounts: []string{mgmtAcct}, Regions: []string{"us-east-1"}, MaxFunctions: -1},
	} {
		if _, err := New(context.Background(), o); err == nil {
			t.Errorf("%s: New accepted %+v", name, o)
		}
	}
}
