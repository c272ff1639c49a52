package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// continuationHarness is an organization-scale handler whose one item (the
// function's own account in us-east-1) holds 25 functions, listed 4 a page,
// collected by the real AWS collector with parts of at least 10 functions.
func continuationHarness(t *testing.T) (*harness, WorkItem) {
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
	hs = scaleHarness(t, env{envReportBucket: "acme-fnaudit", envAccounts: securityID, envRegions: "us-east-1"}, f)
	hs.h.partSize = 10
	hs.srv.SetPageSize("lambda", 4)
	a := hs.srv.AddAccount(securityID)
	hs.srv.Update(func() {
		a.Roles = append(a.Roles, &awstest.Role{Name: "app-role", Inline: map[string]string{"logs": logsPolicy}})
		reg := a.AddRegion("us-east-1")
		for i := 0; i < 25; i++ {
			reg.Functions = append(reg.Functions, &awstest.Function{Name: fmt.Sprintf("svc-%02d", i),
				Runtime: "python3.13", Handler: "app.handler", Role: a.RoleARN("app-role")})
		}
	})
	return hs, WorkItem{Provider: audit.AWS, Account: securityID, Region: "us-east-1"}
}

func continueEvent(execution string, it WorkItem, part int, token string) []byte {
	ev := map[string]any{"mode": "collect", "execution": execution, "item": it, "part": part, "continuation": token}
	data, _ := json.Marshal(map[string]any{"fnaudit": ev})
	return data
}

// collectParts runs collect for it as the state machine does (again with
// Part+1 while a continuation comes back); the child of part stop (if any)
// fails before writing anything, ending the item's loop.
func collectParts(t *testing.T, hs *harness, execution string, it WorkItem, stop int) []int {
	t.Helper()
	var sizes []int
	token := ""
	for part := 0; part < 10; part++ {
		if part == stop {
			return sizes
		}
		res, err := hs.invoke(t, context.Background(), continueEvent(execution, it, part, token))
		if err != nil {
			t.Fatal(err)
		}
		s := res.Step
		if s.Key != partialKey(execution, it, part) || s.Part != part || s.Done != (s.Continuation == "") || s.Gaps != 0 {
			t.Fatalf("part %d: %+v", part, s)
		}
		sizes = append(sizes, s.Functions)
		if s.Done {
			return sizes
		}
		token = s.Continuation
	}
	t.Fatal("no part was done")
	return nil
}

// TestScaleContinuation: an account-region larger than one part completes
// across three collect steps, and the digest accounts for every function
// exactly once.
func TestScaleContinuation(t *testing.T) {
	t.Parallel()
	hs, it := continuationHarness(t)
	if _, err := hs.invoke(t, context.Background(), scaleEvent("plan", "run-c", nil)); err != nil {
		t.Fatal(err)
	}
	if sizes := collectParts(t, hs, "run-c", it, -1); fmt.Sprint(sizes) != "[12 12 1]" {
		t.Errorf("part sizes %v, want [12 12 1] (10 rounded up to pages of 4)", sizes)
	}
	res, err := hs.invoke(t, context.Background(), scaleEvent("publish", "run-c", nil))
	if err != nil {
		t.Fatal(err)
	}
	r := reportOf(t, hs.published(t))
	if res.Functions != 25 || r.Scope.Functions != 25 || len(r.Gaps) != 0 {
		t.Errorf("publish %+v: report scope %+v, gaps %+v", res, r.Scope, r.Gaps)
	}
	if n := hs.srv.Calls("lambda:GetPolicy"); n != 25 {
		t.Errorf("GetPolicy called %d times, want once per function", n)
	}
}

// TestScaleContinuationMissingPart: a later part whose child failed leaves
// the earlier parts' functions in the digest and the rest of the item a gap
// that says which parts are in.
func TestScaleContinuationMissingPart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stop      int
		sizes     string
		functions int
		message   string
	}{
		{1, "[12]", 12, "after part 0 were not audited (part 0's are in this report)"},
		{2, "[12 12]", 24, "after part 1 were not audited (parts 0 to 1's are in this report)"},
	} {
		hs, it := continuationHarness(t)
		if _, err := hs.invoke(t, context.Background(), scaleEvent("plan", "run-m", nil)); err != nil {
			t.Fatal(err)
		}
		if sizes := collectParts(t, hs, "run-m", it, tc.stop); fmt.Sprint(sizes) != tc.sizes {
			t.Errorf("part sizes %v, want %s", sizes, tc.sizes)
		}
		res, err := hs.invoke(t, context.Background(), scaleEvent("publish", "run-m", nil))
		if err != nil {
			t.Fatal(err)
		}
		m := hs.published(t)
		r := reportOf(t, m)
		if res.Functions != tc.functions || len(r.Gaps) != 1 || r.Gaps[0].Account != securityID || r.Gaps[0].Region != "us-east-1" ||
			!strings.Contains(r.Gaps[0].Message, fmt.Sprintf("-%d.json", tc.stop)) || !strings.Contains(r.Gaps[0].Message, tc.message) {
			t.Errorf("stop at %d: publish %+v, gaps %+v", tc.stop, res, r.Gaps)
		}
		if strings.Contains(m.Subject, "all clear") {
			t.Errorf("subject %q: a missing part must not read as clean", m.Subject)
		}
	}
}

func TestScaleContinuationErrors(t *testing.T) {
	t.Parallel()
	hs, it := continuationHarness(t)
	gcp := WorkItem{Provider: audit.GCP}
	noRegion := WorkItem{Provider: audit.AWS, Account: securityID}
	for _, tc := range []struct {
		payload []byte
		want    string
	}{
		{continueEvent("x", it, 1, ""), "exactly with a part after 0"},
		{continueEvent("x", it, 0, "m"), "exactly with a part after 0"},
		{continueEvent("x", it, 1, strings.Repeat("m", maxContinuation+1)), "longer than"},
		{continueEvent("x", gcp, 1, "m"), "only an aws item with a region"},
		{continueEvent("x", noRegion, 1, "m"), "only an aws item with a region"},
	} {
		if _, err := hs.invoke(t, context.Background(), tc.payload); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.payload, err, tc.want)
		}
	}
}
