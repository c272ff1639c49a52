package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// lockedBuffer is a log destination the test reads after the steps.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// orgRunHarness is scaleHarness's organization (the function's account is
// the management account; 3 accounts x 2 regions, ListAccounts in pages of
// 2) collected by the real AWS collector: acctProd and acctDenied hold the
// member role, and acctProd a function that another member account may
// invoke, which the membership record decides. The handler logs to the
// returned buffer.
func orgRunHarness(t *testing.T, e env) (*harness, *lockedBuffer) {
	t.Helper()
	var hs *harness
	f := func(ctx context.Context, s Scope) ([]audit.Collector, []audit.Gap) {
		o := awsOptions(hs.h.cfg, s)
		o.MaxAttempts, o.Now = 1, hs.h.now
		o.Quotas = awslambda.Quotas{LambdaGetPolicy: 500, LambdaControl: 500, IAM: 500}
		o.ConfigOptions = []func(*config.LoadOptions) error{config.WithRegion("us-east-1"), config.WithBaseEndpoint(hs.srv.URL),
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(hs.srv.AccessKey(securityID), "secret", ""))}
		c, err := awslambda.New(ctx, o)
		if err != nil {
			return nil, []audit.Gap{{Provider: audit.AWS, API: "setup", Message: err.Error()}}
		}
		return []audit.Collector{closing{c, c}}, nil
	}
	hs = scaleHarness(t, e, f)
	logs := &lockedBuffer{}
	hs.h.log = slog.New(slog.NewTextHandler(logs, nil))
	for _, id := range []string{acctProd, acctDenied} {
		a := hs.srv.AddAccount(id)
		hs.srv.Update(func() {
			a.Roles = append(a.Roles, &awstest.Role{Name: "fnaudit-member", AssumableBy: []string{securityID}})
		})
	}
	prod := hs.srv.AddAccount(acctProd)
	hs.srv.Update(func() {
		prod.Roles = append(prod.Roles, &awstest.Role{Name: "app-role", Inline: map[string]string{"logs": logsPolicy}})
		prod.AddRegion("us-east-1").Functions = []*awstest.Function{{Name: "orders", Runtime: "python3.13",
			Handler: "app.handler", Role: prod.RoleARN("app-role"),
			Policy: `{"Version":"2012-10-17","Statement":[{"Sid":"sibling","Effect":"Allow",` +
				`"Principal":{"AWS":"arn:aws:iam::` + acctDenied + `:root"},"Action":"lambda:InvokeFunction",` +
				`"Resource":"arn:aws:lambda:us-east-1:` + acctProd + `:function:orders"}]}`}}
	})
	return hs, logs
}

// orgRun is what one organization-scale run left: the published report and
// each item's organization records (from its partial).
type orgRun struct {
	report  *audit.Report
	records map[string][]audit.Organization
}

// runOrgScale runs plan, tamper (when set), collect for every item and
// publish, in process, as the state machine does.
func runOrgScale(t *testing.T, hs *harness, execution string, tamper func()) orgRun {
	t.Helper()
	ctx := context.Background()
	plan, err := hs.invoke(t, ctx, scaleEvent("plan", execution, nil))
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper()
	}
	data, _ := hs.srv.S3().Object("acme-fnaudit", plan.Step.Key)
	var items []WorkItem
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	run := orgRun{records: map[string][]audit.Organization{}}
	for _, it := range items {
		res, err := hs.invoke(t, ctx, scaleEvent("collect", execution, &it))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := hs.srv.S3().Object("acme-fnaudit", res.Step.Key)
		var p partial
		if err := json.Unmarshal(data, &p); err != nil || p.Inventory == nil {
			t.Fatalf("partial %s: %v", res.Step.Key, err)
		}
		run.records[it.name()] = p.Inventory.Organizations
	}
	if _, err := hs.invoke(t, ctx, scaleEvent("publish", execution, nil)); err != nil {
		t.Fatal(err)
	}
	run.report = reportOf(t, hs.published(t))
	return run
}

// TestScaleListsTheOrganizationOnce: plan and six collect steps make one
// DescribeOrganization and one ListAccounts listing (two pages) between
// them, and the records and report are those of a run whose collect steps
// read the organization themselves (here because organization.json is
// malformed: each step warns and reads it, as before the plan shared it).
func TestScaleListsTheOrganizationOnce(t *testing.T) {
	t.Parallel()
	e := func() env { return env{envReportBucket: "acme-fnaudit", envOrgRole: "fnaudit-member"} }

	once, onceLogs := orgRunHarness(t, e())
	shared := runOrgScale(t, once, "run-org", nil)
	if d, l := once.srv.Calls("organizations:DescribeOrganization"), once.srv.Calls("organizations:ListAccounts"); d != 1 || l != 2 {
		t.Errorf("one run: DescribeOrganization %d, ListAccounts %d; want 1 and 2 (one listing of two pages)", d, l)
	}
	if strings.Contains(onceLogs.String(), "reads the organization itself") {
		t.Errorf("a collect step read the organization itself:\n%s", onceLogs)
	}

	each, eachLogs := orgRunHarness(t, e())
	own := runOrgScale(t, each, "run-org", func() {
		each.srv.S3().PutObject("acme-fnaudit", orgKey("run-org"), []byte(`{"schema":"fnaudit.organization/v1","complete":tru`))
	})
	if d, l := each.srv.Calls("organizations:DescribeOrganization"), each.srv.Calls("organizations:ListAccounts"); d != 7 || l != 14 {
		t.Errorf("steps reading it themselves: DescribeOrganization %d, ListAccounts %d; want 7 and 14", d, l)
	}
	if n := strings.Count(eachLogs.String(), "organization listing is malformed"); n != 6 {
		t.Errorf("%d warnings of a malformed listing, want one per collect step:\n%s", n, eachLogs)
	}

	if len(shared.records) != 6 {
		t.Fatalf("%d items collected, want 6", len(shared.records))
	}
	want := []audit.Organization{{Provider: audit.AWS, ID: "o-abcdef1234", Account: securityID, MembersKnown: true,
		Members: []string{securityID, acctProd, acctDenied}, Source: audit.Source{API: "organizations:ListAccounts"}}}
	for item, got := range shared.records {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: organizations (-want +got):\n%s", item, diff)
		}
	}
	if diff := cmp.Diff(own.records, shared.records); diff != "" {
		t.Errorf("records differ from the steps' own readings (-own +shared):\n%s", diff)
	}
	if diff := cmp.Diff(own.report, shared.report); diff != "" {
		t.Errorf("report differs from the steps' own readings (-own +shared):\n%s", diff)
	}
	if shared.report.Scope.Functions != 1 {
		t.Errorf("report covers %d functions, want 1", shared.report.Scope.Functions)
	}
	for _, w := range shared.report.Warnings {
		if strings.Contains(w, "member accounts could not be listed") {
			t.Errorf("warning %q: the membership was read", w)
		}
	}
}

// TestScalePlanOrganizationIncomplete: the plan's listing fails (accounts
// configured, so the plan goes on): organization.json says so, and every
// collect step reads the organization itself, so no partial lacks the
// membership. A step whose run has no organization.json does the same and
// warns.
func TestScalePlanOrganizationIncomplete(t *testing.T) {
	t.Parallel()
	hs, logs := orgRunHarness(t, env{envReportBucket: "acme-fnaudit", envOrgRole: "fnaudit-member",
		envAccounts: acctProd, envRegions: "us-east-1"})
	hs.srv.Inject(awstest.Fault{Op: "organizations:ListAccounts", Status: 400, Code: "TooManyRequestsException",
		Message: "AWS Organizations can't complete your request because of too many requests.", Times: 1})
	run := runOrgScale(t, hs, "run-denied", nil)

	data, ok := hs.srv.S3().Object("acme-fnaudit", orgKey("run-denied"))
	if !ok {
		t.Fatal("the plan wrote no organization.json")
	}
	ro, err := parseRunOrganization(data)
	if err != nil || ro.Complete || !strings.Contains(ro.Error, "TooManyRequests") {
		t.Errorf("organization.json = %s (%v), want an incomplete reading naming the failure", data, err)
	}
	if !strings.Contains(logs.String(), "could not be read in full") {
		t.Errorf("the plan did not warn:\n%s", logs)
	}
	recs := run.records["aws-"+acctProd+"-us-east-1"]
	if len(recs) != 1 || !recs[0].MembersKnown || len(recs[0].Members) != 3 {
		t.Errorf("the collect step's own reading: organizations %+v", recs)
	}
	// Plan: one failed call; the collect step: a listing of two pages.
	if n := hs.srv.Calls("organizations:ListAccounts"); n != 3 {
		t.Errorf("ListAccounts %d, want 3", n)
	}

	it := WorkItem{Provider: audit.AWS, Account: acctProd, Region: "us-east-1"}
	if _, err := hs.invoke(t, context.Background(), scaleEvent("collect", "never-planned", &it)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "listing was not read") {
		t.Errorf("no warning for a missing organization.json:\n%s", logs)
	}
}

func TestParseRunOrganization(t *testing.T) {
	t.Parallel()
	rec := `{"provider":"aws","id":"o-abcdef1234","account":"111122223333","membersKnown":true,"members":["111122223333"],"source":{"api":"organizations:ListAccounts"}}`
	listing := func(accounts, records string) string {
		return `{"schema":"fnaudit.organization/v1","complete":true,"listing":{"id":"o-abcdef1234","accounts":` + accounts +
			`,"records":[` + records + `]}}`
	}
	good := listing(`{"111122223333":"security"}`, rec)
	ro, err := parseRunOrganization([]byte(good))
	if err != nil || !ro.Complete || ro.Listing.Accounts["111122223333"] != "security" || len(ro.Listing.Records) != 1 {
		t.Fatalf("parse %s = %+v, %v", good, ro, err)
	}
	if ro, err := parseRunOrganization([]byte(`{"schema":"fnaudit.organization/v1","complete":false,"error":"denied"}`)); err != nil || ro.Complete {
		t.Errorf("an incomplete reading: %+v, %v", ro, err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"not JSON", `{"schema":`, "not JSON"},
		{"unknown field", `{"schema":"fnaudit.organization/v1","complete":true,"extra":1}`, "unknown field"},
		{"schema", `{"schema":"fnaudit.partial/v1","complete":true}`, "schema"},
		{"complete without listing", `{"schema":"fnaudit.organization/v1","complete":true}`, "not"},
		{"unknown membership", listing(`{"111122223333":""}`, strings.Replace(rec, `"membersKnown":true,`, "", 1)), "not"},
		{"bad account", listing(`{"1111":""}`, rec), "12-digit"},
		{"bad member", listing(`{"111122223333":""}`, strings.Replace(rec, `["111122223333"]`, `["x"]`, 1)), "12-digit"},
		{"other organization", listing(`{"111122223333":""}`, strings.Replace(rec, "o-abcdef1234", "o-other", 1)), "organization"},
		{"other provider", listing(`{"111122223333":""}`, strings.Replace(rec, `"aws"`, `"gcp"`, 1)), "aws record"},
	} {
		if _, err := parseRunOrganization([]byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}
