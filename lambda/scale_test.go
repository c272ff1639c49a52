package main

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/fnaudit/fnaudit/audit"
)

// scaleHarness is the handler harness in an organization: the function's
// account (securityID) is the management account, with acctProd and
// acctDenied as members, each with us-east-1 and eu-west-1 enabled.
func scaleHarness(t *testing.T, e env, f CollectorFactory) *harness {
	t.Helper()
	hs := newHarness(t, e, f)
	hs.srv.SetOrganization("o-abcdef1234", securityID)
	for _, id := range []string{securityID, acctProd, acctDenied} {
		a := hs.srv.AddAccount(id)
		a.AddRegion("us-east-1")
		a.AddRegion("eu-west-1")
		hs.srv.Update(func() { a.InOrg = true })
	}
	hs.srv.SetPageSize("organizations", 2) // ListAccounts takes two pages
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(hs.srv.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(hs.srv.AccessKey(securityID), "secret", "")),
		config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	hs.h.org = organizations.NewFromConfig(cfg)
	hs.h.regions = account.NewFromConfig(cfg)
	return hs
}

// partialEstate collects, for one account-region, the part of cleanEstate
// there (acctProd) or an empty account (any other).
func partialEstate(t *testing.T) CollectorFactory {
	return func(_ context.Context, s Scope) ([]audit.Collector, []audit.Gap) {
		if len(s.Accounts) != 1 || len(s.Regions) != 1 || !slices.Equal(s.Providers, []audit.Provider{audit.AWS}) {
			t.Errorf("collect scope %+v, want one AWS account-region", s)
		}
		inv := audit.NewInventory(estateTime)
		inv.Accounts = []audit.Account{{Provider: audit.AWS, ID: s.Accounts[0], Regions: s.Regions}}
		if s.Accounts[0] == acctProd {
			full := cleanEstate()
			inv.Accounts[0].Name = "acme-prod"
			for _, f := range full.Functions {
				if f.Region == s.Regions[0] {
					inv.Functions = append(inv.Functions, f)
				}
			}
			inv.Identities = full.Identities
		}
		return []audit.Collector{staticCollector{provider: audit.AWS, inv: inv}}, nil
	}
}

func scaleEvent(mode, execution string, item *WorkItem) []byte {
	ev := map[string]any{"mode": mode, "execution": execution}
	if item != nil {
		ev["item"] = item
	}
	data, _ := json.Marshal(map[string]any{"fnaudit": ev})
	return data
}

func TestScalePlanListsTheOrganization(t *testing.T) {
	t.Parallel()
	hs := scaleHarness(t, env{envReportBucket: "acme-fnaudit", envOrgRole: "fnaudit-member"}, partialEstate(t))
	res, err := hs.invoke(t, context.Background(), scaleEvent("plan", "run-1", nil))
	if err != nil {
		t.Fatal(err)
	}
	if res.Step == nil || res.Step.Bucket != "acme-fnaudit" || res.Step.Key != "fnaudit/runs/run-1/items.json" || res.Step.Count != 6 {
		t.Fatalf("plan = %+v", res.Step)
	}
	data, ok := hs.srv.S3().Object("acme-fnaudit", res.Step.Key)
	if !ok {
		t.Fatal("no items object")
	}
	var items []WorkItem
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.name())
	}
	want := []string{"aws-111122223333-eu-west-1", "aws-111122223333-us-east-1", "aws-123456789012-eu-west-1",
		"aws-123456789012-us-east-1", "aws-210987654321-eu-west-1", "aws-210987654321-us-east-1"}
	if !slices.Equal(got, want) {
		t.Errorf("items = %v, want %v", got, want)
	}
	if n := hs.srv.Calls("organizations:ListAccounts"); n != 2 {
		t.Errorf("ListAccounts called %d times, want 2 pages", n)
	}
}

func TestScalePlanConfiguredRegions(t *testing.T) {
	t.Parallel()
	hs := scaleHarness(t, env{envReportBucket: "acme-fnaudit", envAccounts: acctProd, envRegions: "us-east-1"}, partialEstate(t))
	res, err := hs.invoke(t, context.Background(), scaleEvent("plan", "run-2", nil))
	if err != nil {
		t.Fatal(err)
	}
	// The organization is listed once (two pages) for the collect steps'
	// membership record (scale_org.go), though the accounts are configured.
	if res.Step.Count != 1 || hs.srv.Calls("account:ListRegions") != 0 || hs.srv.Calls("organizations:ListAccounts") != 2 {
		t.Errorf("plan = %+v, ListRegions %d, ListAccounts %d", res.Step, hs.srv.Calls("account:ListRegions"), hs.srv.Calls("organizations:ListAccounts"))
	}
}

// TestScaleRunFailedChildIsAGap runs plan, collect for every item but one
// (its child failed), and publish: one digest, every collected function in
// it, the missing account-region a gap.
func TestScaleRunFailedChildIsAGap(t *testing.T) {
	t.Parallel()
	hs := scaleHarness(t, env{envReportBucket: "acme-fnaudit", envOrgRole: "fnaudit-member"}, partialEstate(t))
	ctx := context.Background()
	plan, err := hs.invoke(t, ctx, scaleEvent("plan", "run-3", nil))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := hs.srv.S3().Object("acme-fnaudit", plan.Step.Key)
	var items []WorkItem
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	failed := WorkItem{Provider: audit.AWS, Account: acctDenied, Region: "eu-west-1"}
	functions := 0
	for _, it := range items {
		if it == failed {
			continue
		}
		res, err := hs.invoke(t, ctx, scaleEvent("collect", "run-3", &it))
		if err != nil {
			t.Fatal(err)
		}
		s := res.Step
		if s == nil || !s.Done || s.Continuation != "" || *s.Item != it || s.Key != partialKey("run-3", it, 0) {
			t.Fatalf("collect %s = %+v", it.name(), s)
		}
		if _, ok := hs.srv.S3().Object("acme-fnaudit", s.Key); !ok {
			t.Errorf("no partial %s", s.Key)
		}
		functions += s.Functions
	}
	if functions != 2 {
		t.Errorf("collected %d functions, want 2", functions)
	}
	if len(hs.srv.SNS().Messages()) != 0 {
		t.Fatal("a plan or collect step published")
	}
	res, err := hs.invoke(t, ctx, scaleEvent("publish", "run-3", nil))
	if err != nil {
		t.Fatal(err)
	}
	m := hs.published(t)
	if res.Functions != 2 || res.Gaps != 1 || res.Report == "" {
		t.Errorf("publish = %+v", res)
	}
	if strings.Contains(m.Subject, "all clear") || !strings.Contains(m.Subject, "gap") {
		t.Errorf("subject %q: a failed child must not read as clean", m.Subject)
	}
	r := reportOf(t, m)
	if len(r.Gaps) != 1 || r.Gaps[0].Account != acctDenied || r.Gaps[0].Region != "eu-west-1" ||
		!strings.Contains(r.Gaps[0].Message, "failed or timed out") {
		t.Errorf("gaps = %+v", r.Gaps)
	}
	if !strings.Contains(m.Body("email"), acctDenied) {
		t.Errorf("digest does not name the missing account:\n%s", m.Body("email"))
	}
}

func TestScaleRequestErrors(t *testing.T) {
	t.Parallel()
	hs := scaleHarness(t, env{envReportBucket: "acme-fnaudit"}, partialEstate(t))
	for _, tc := range []struct{ payload, want string }{
		{`{"fnaudit":{"mode":"audit","execution":"x"}}`, "not plan, collect or publish"},
		{`{"fnaudit":{"mode":"plan","execution":"../x"}}`, "not an execution name"},
		{`{"fnaudit":{"mode":"collect","execution":"x"}}`, "needs an item"},
		{`{"fnaudit":{"mode":"plan","execution":"x","bogus":1}}`, "invalid fnaudit object"},
		{`{"fnaudit":{"mode":"plan","execution":"x"},"regions":["us-east-1"]}`, "only the \"fnaudit\" object"},
		{`{"fnaudit":{"mode":"collect","execution":"x","item":{"provider":"aws","account":"999999999999","region":"us-east-1"}}}`, ""},
		{`{"fnaudit":{"mode":"publish","execution":"nothing-planned"}}`, "read the plan"},
	} {
		_, err := hs.invoke(t, context.Background(), []byte(tc.payload))
		if tc.want == "" {
			// Without FNAUDIT_ACCOUNTS any valid account may be collected.
			if err != nil {
				t.Errorf("%s: %v", tc.payload, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.payload, err, tc.want)
		}
	}
	hs2 := scaleHarness(t, env{}, partialEstate(t))
	if _, err := hs2.invoke(t, context.Background(), scaleEvent("plan", "x", nil)); err == nil ||
		!strings.Contains(err.Error(), envReportBucket) {
		t.Errorf("plan without a bucket: %v", err)
	}
}

// A collect step whose collector fails (the account's role cannot be
// assumed) writes its partial with the gap, and the digest names it.
func TestScaleCollectorFailureIsAGap(t *testing.T) {
	t.Parallel()
	inner := partialEstate(t)
	f := func(ctx context.Context, s Scope) ([]audit.Collector, []audit.Gap) {
		if s.Accounts[0] == acctDenied {
			return []audit.Collector{staticCollector{provider: audit.AWS, err: errors.New("sts: AssumeRole: AccessDenied")}}, nil
		}
		return inner(ctx, s)
	}
	hs := scaleHarness(t, env{envReportBucket: "acme-fnaudit", envAccounts: acctProd + "," + acctDenied, envRegions: "us-east-1"}, f)
	ctx := context.Background()
	if _, err := hs.invoke(t, ctx, scaleEvent("plan", "run-4", nil)); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{acctProd, acctDenied} {
		it := WorkItem{Provider: audit.AWS, Account: a, Region: "us-east-1"}
		res, err := hs.invoke(t, ctx, scaleEvent("collect", "run-4", &it))
		if err != nil {
			t.Fatal(err)
		}
		if wantGaps := map[string]int{acctProd: 0, acctDenied: 1}[a]; res.Step.Gaps != wantGaps {
			t.Errorf("collect %s: %d gaps, want %d", a, res.Step.Gaps, wantGaps)
		}
	}
	res, err := hs.invoke(t, ctx, scaleEvent("publish", "run-4", nil))
	if err != nil {
		t.Fatal(err)
	}
	r := reportOf(t, hs.published(t))
	if res.Functions != 1 || len(r.Gaps) != 1 || !strings.Contains(r.Gaps[0].Message, "AccessDenied") ||
		r.Gaps[0].Account != acctDenied || r.Gaps[0].Region != "us-east-1" {
		t.Errorf("publish %+v, gaps %+v", res, r.Gaps)
	}
}
