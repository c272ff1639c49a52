package awslambda

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

func oneRegion(t *testing.T, names ...string) (*awstest.Server, *awstest.Account, *awstest.Region) {
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	a.Roles = []*awstest.Role{{Name: "app", Inline: map[string]string{"read": readPolicy}}}
	reg := a.AddRegion("us-east-1")
	for _, n := range names {
		reg.Functions = append(reg.Functions, &awstest.Function{Name: n, Runtime: "python3.12", Role: a.RoleARN("app")})
	}
	return s, a, reg
}

func gapSummaries(inv *audit.Inventory) []string {
	var out []string
	for _, g := range inv.Gaps {
		out = append(out, g.Region+" "+g.Resource+" "+g.API+" "+string(g.Data)+" "+string(g.Reason)+" "+g.Message)
	}
	return out
}

func TestThrottlingPastRetriesIsAGap(t *testing.T) {
	t.Parallel()
	s, a, _ := oneRegion(t, "hot", "cool")
	s.Inject(awstest.Fault{Op: "lambda:GetPolicy", Resource: "hot", Status: 429, Code: "TooManyRequestsException",
		Message: "Rate exceeded", RetryAfter: "0"})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, MaxAttempts: 3})
	want := []string{"us-east-1 " + a.FunctionARN("us-east-1", "hot") + " lambda:GetPolicy access throttled TooManyRequestsException: Rate exceeded"}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	if got := s.Calls("lambda:GetPolicy"); got != 3+1 {
		t.Errorf("GetPolicy calls = %d, want 3 attempts for hot and 1 for cool", got)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	s, _, _ := oneRegion(t, "slow")
	s.Inject(awstest.Fault{Op: "lambda:GetPolicy", Status: 429, Code: "TooManyRequestsException", RetryAfter: "1", Times: 1})
	start := time.Now()
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if len(inv.Gaps) != 0 {
		t.Fatalf("gaps: %v", gapSummaries(inv))
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("collection took %v; the retry did not wait the 1s Retry-After asked for", d)
	}
}

func TestListingStopsMidway(t *testing.T) {
	t.Parallel()
	s, _, _ := oneRegion(t, "a", "b", "c", "d", "e")
	s.SetPageSize("lambda", 2)
	s.Inject(awstest.Fault{Op: "lambda:ListFunctions", After: 1, Status: 403, Code: "AccessDeniedException", Message: "denied"})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []string{"us-east-1  lambda:ListFunctions functions access-denied listing stopped after 2 functions: AccessDeniedException: denied"}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	if len(inv.Functions) != 2 {
		t.Errorf("functions = %d, want the first page's 2", len(inv.Functions))
	}
}

func TestEventSourceMappingFailureIsARegionGap(t *testing.T) {
	t.Parallel()
	s, _, _ := oneRegion(t, "worker")
	s.Inject(awstest.Fault{Op: "lambda:ListEventSourceMappings", Status: 403, Code: "AccessDeniedException", Message: "denied"})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []string{"us-east-1  lambda:ListEventSourceMappings triggers access-denied AccessDeniedException: denied"}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

func TestAliasPolicies(t *testing.T) {
	t.Parallel()
	s, a, reg := oneRegion(t, "checkout")
	s.SetPageSize("lambda", 1)
	partner := `{"Sid":"partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"*"}`
	reg.Functions[0].Aliases = []*awstest.Alias{{Name: "beta", Version: "3"}, {Name: "live", Version: "4", Policy: doc(partner), URL: "AWS_IAM"}}
	reg.EventSourceMappings = []*awstest.EventSourceMapping{{UUID: "u-1", Function: "checkout:live",
		EventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/orders"}}
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if len(inv.Gaps) != 0 {
		t.Fatalf("gaps: %v", gapSummaries(inv))
	}
	fn := inv.Functions[0]
	arn := a.FunctionARN("us-east-1", "checkout")
	wantPolicies := []audit.ResourcePolicy{{Qualifier: "live", Document: json.RawMessage(doc(partner)),
		Source: audit.Source{API: "lambda:GetPolicy", Ref: arn + ":live"}}}
	if diff := cmp.Diff(wantPolicies, fn.AWS.Policies); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"beta", "live"}, fn.AWS.Aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	if len(fn.Triggers) != 1 || fn.Triggers[0].Kind != audit.TriggerStream {
		t.Errorf("triggers = %+v, want the alias's Kinesis mapping", fn.Triggers)
	}
	// lambda:InvokeFunction only: the alias's AWS_IAM URL cannot widen access.
	if s.Calls("lambda:ListFunctionUrlConfigs") != 0 || !fn.AWS.URLsChecked {
		t.Errorf("URL configurations read %d times, URLsChecked %v", s.Calls("lambda:ListFunctionUrlConfigs"), fn.AWS.URLsChecked)
	}
	// 1 unqualified + 2 aliases; ListAliases paginated over two pages.
	if s.Calls("lambda:GetPolicy") != 3 || s.Calls("lambda:ListAliases") != 2 {
		t.Errorf("GetPolicy %d, ListAliases %d calls", s.Calls("lambda:GetPolicy"), s.Calls("lambda:ListAliases"))
	}
}

func TestUnreadablePolicyIsAGap(t *testing.T) {
	t.Parallel()
	s, a, reg := oneRegion(t, "odd")
	reg.Functions[0].Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Maybe","Principal":"*","Action":"lambda:InvokeFunction"}]}`
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if len(inv.Gaps) != 1 {
		t.Fatalf("gaps: %v", gapSummaries(inv))
	}
	g := inv.Gaps[0]
	if g.Reason != audit.GapInvalidData || g.Data != audit.DataAccess || g.Resource != a.FunctionARN("us-east-1", "odd") {
		t.Errorf("gap = %+v", g)
	}
	if fn := inv.Functions[0]; len(fn.AWS.Policies) != 0 || s.Calls("lambda:ListFunctionUrlConfigs") != 1 {
		t.Errorf("policies %v, URL reads %d; want the document left out and URLs read", fn.AWS.Policies, s.Calls("lambda:ListFunctionUrlConfigs"))
	}
	raw, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.ParseInventory(raw); err != nil {
		t.Errorf("inventory does not load: %v", err)
	}
}
