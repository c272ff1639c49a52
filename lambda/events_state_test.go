package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// changeHarness is a harness whose collector is the real AWS collector
// against the harness's local AWS server, with prod's functions: orders-api
// (a secret in its environment), billing-export (an administrator role) and
// public-status (a public URL).
func changeHarness(t *testing.T, e env) (*harness, *awstest.Account) {
	t.Helper()
	hs := newHarness(t, e, nil)
	srv := hs.srv
	srv.AddAccount(securityID).AddRegion("us-east-1")
	prod := srv.AddAccount(acctProd)
	prod.InOrg = true
	srv.SetOrganization("o-a1b2c3d4e5", securityID)
	prod.Roles = []*awstest.Role{
		{Name: "fnaudit-reader", AssumableBy: []string{securityID}},
		{Name: "billing-export-role", Inline: map[string]string{"admin": adminPolicy}},
		{Name: "app-role", Inline: map[string]string{"logs": logsPolicy}},
	}
	public := fnARN("us-east-1", "public-status")
	prod.AddRegion("us-east-1").Functions = []*awstest.Function{
		{Name: "public-status", Runtime: "python3.13", Handler: "app.handler", Role: prod.RoleARN("app-role"), URL: "NONE",
			Policy: `{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"u","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + public + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}},` +
				`{"Sid":"i","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + public + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}]}`},
		{Name: "billing-export", Runtime: "python3.13", Handler: "app.handler", Role: prod.RoleARN("billing-export-role")},
		{Name: "orders-api", Runtime: "python3.13", Handler: "app.handler", Role: prod.RoleARN("app-role"),
			Env: map[string]string{"STRIPE_KEY": "sk_live_51HxyzABCDEFGHIJKLMNOPQRSTUV"}},
	}
	hs.h.collectors = func(ctx context.Context, s Scope) ([]audit.Collector, []audit.Gap) {
		c, err := awslambda.New(ctx, awslambda.Options{Regions: s.Regions, Accounts: s.Accounts, OrgRole: "fnaudit-reader",
			Functions: s.Functions, Identities: s.Identities, MaxAttempts: 1, Now: hs.h.now,
			ConfigOptions: []func(*config.LoadOptions) error{config.WithRegion("us-east-1"), config.WithBaseEndpoint(srv.URL),
				config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(srv.AccessKey(securityID), "secret", ""))}})
		if err != nil {
			return nil, []audit.Gap{{Provider: audit.AWS, API: "setup", Message: err.Error()}}
		}
		return []audit.Collector{closing{c, c}}, nil
	}
	return hs, prod
}

// changeOf is a CloudTrail sample made to name another function.
func changeOf(t *testing.T, name, function string) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(sample(t, name), &ev); err != nil {
		t.Fatal(err)
	}
	ev["detail"].(map[string]any)["requestParameters"].(map[string]any)["functionName"] = function
	out, _ := json.Marshal(ev)
	return out
}

func openOn(r *audit.Report, function string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Function == function && f.Status == audit.StatusFail {
			out = append(out, f.Rule)
		}
	}
	return out
}

// TestChangeUpdatesState: a deleted function's findings leave the stored
// state (resolved, nothing mailed); a function that could not be read keeps
// its findings and the mail says it was not re-audited; the other functions'
// findings stay as they were.
func TestChangeUpdatesState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hs, prod := changeHarness(t, env{envReportBucket: "acme-fnaudit", envRegions: "us-east-1", envOrgRole: "fnaudit-reader"})
	if _, err := hs.invoke(t, ctx, readFile(t, "scheduled-event.json")); err != nil {
		t.Fatal(err)
	}
	base, warning := hs.h.loadState(ctx, hs.h.configuredScope())
	if base == nil || len(openOn(base, "orders-api")) == 0 || len(openOn(base, "billing-export")) == 0 || len(base.Control) == 0 {
		t.Fatalf("baseline %v (%s)", base, warning)
	}
	before := len(hs.srv.SNS().Messages())

	// orders-api is deleted.
	hs.srv.Update(func() {
		fns := prod.Regions["us-east-1"].Functions
		prod.Regions["us-east-1"].Functions = fns[:2]
	})
	res, err := hs.invoke(t, ctx, sqsBatch(t, changeOf(t, "DeleteFunction20150331", "orders-api")))
	if err != nil || res.MessageID != "" || !strings.HasPrefix(res.Skipped, "nothing new") {
		t.Fatalf("delete: %+v, %v", res, err)
	}
	state, _ := hs.h.loadState(ctx, hs.h.configuredScope())
	if got := openOn(state, "orders-api"); len(got) != 0 {
		t.Errorf("the deleted function's findings %v stay in the state", got)
	}
	// The event run does not judge who can change a function: the stored
	// control section is written back as it was.
	if diff := cmp.Diff(base.Control, state.Control); diff != "" {
		t.Errorf("the state's control section changed (-before +after):\n%s", diff)
	}
	if got, want := openOn(state, "billing-export"), openOn(base, "billing-export"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("billing-export's findings %v, were %v", got, want)
	}

	// billing-export cannot be read: its findings stay, the mail says why.
	hs.srv.Update(func() { prod.Deny = []string{"lambda:GetFunctionConfiguration"} })
	res, err = hs.invoke(t, ctx, sqsBatch(t, changeOf(t, "UpdateFunctionConfiguration20150331v2", "billing-export")))
	if err != nil || res.MessageID == "" {
		t.Fatalf("denied: %+v, %v", res, err)
	}
	state, _ = hs.h.loadBaseline(ctx, hs.h.configuredScope())
	if got := openOn(state, "billing-export"); len(got) == 0 {
		t.Error("a function that could not be read lost its findings from the state")
	}
	msgs := hs.srv.SNS().Messages()
	if len(msgs) != before+1 {
		t.Fatalf("%d messages after the two batches, want %d", len(msgs), before+1)
	}
	if mail := msgs[len(msgs)-1].Body("email"); !strings.Contains(mail, "Not re-audited:") ||
		!strings.Contains(mail, "lambda:GetFunctionConfiguration") {
		t.Errorf("mail does not say what could not be read:\n%s", mail)
	}
}

// TestChangeWithoutState: without a report bucket there is no stored state;
// the mail lists every open finding of the touched function and says why.
// A change in an account outside FNAUDIT_ACCOUNTS reads nothing.
func TestChangeWithoutState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	hs, _ := changeHarness(t, env{envRegions: "us-east-1", envOrgRole: "fnaudit-reader"})
	res, err := hs.invoke(t, ctx, sqsBatch(t, changeOf(t, "UpdateFunctionConfiguration20150331v2", "orders-api")))
	if err != nil || res.MessageID == "" || res.New == 0 {
		t.Fatalf("%+v, %v", res, err)
	}
	mail := hs.published(t).Body("email")
	for _, want := range []string{"There is no stored state yet", "STRIPE_KEY", "orders-api"} {
		if !strings.Contains(mail, want) {
			t.Errorf("mail lacks %q:\n%s", want, mail)
		}
	}
	if strings.Contains(mail, "billing-export") || strings.Contains(mail, "HxyzABCDEFGHIJ") {
		t.Errorf("mail names another function or the secret's value:\n%s", mail)
	}

	other, _ := changeHarness(t, env{envRegions: "us-east-1", envOrgRole: "fnaudit-reader", envAccounts: acctDenied})
	res, err = other.invoke(t, ctx, sqsBatch(t, sample(t, "AddPermission20150331v2")))
	if err != nil || res.MessageID != "" || res.Skipped == "" {
		t.Errorf("out of scope: %+v, %v", res, err)
	}
	if n := other.srv.Calls("lambda:*") + other.srv.Calls("sts:AssumeRole"); n != 0 {
		t.Errorf("a change outside the accounts made %d calls", n)
	}
}
