//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// invokeWith posts payload to the emulated function and returns the body.
func invokeWith(t *testing.T, addr string, payload []byte) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 16*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
		"http://"+addr+"/2015-03-31/functions/function/invocations", bytes.NewReader(payload))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return body
}

func resultOf(t *testing.T, body []byte) Result {
	t.Helper()
	var res Result
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("invocation returned %s (%v)", body, err)
	}
	return res
}

// retime gives a CloudTrail sample the event id and time of its i-th
// repetition: a deployment's calls are distinct events.
func retime(t *testing.T, sample []byte, i int) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(sample, &ev); err != nil {
		t.Fatal(err)
	}
	d := ev["detail"].(map[string]any)
	when, err := time.Parse(time.RFC3339, d["eventTime"].(string))
	if err != nil {
		t.Fatal(err)
	}
	d["eventTime"] = when.Add(time.Duration(i) * time.Second).Format(time.RFC3339)
	d["eventID"] = fmt.Sprintf("%s-%02d", d["eventID"], i)
	ev["id"] = fmt.Sprintf("%s-%02d", ev["id"], i)
	out, _ := json.Marshal(ev)
	return out
}

// TestEndToEndEventMode runs the bootstrap under the Lambda Runtime Interface
// Emulator: a scheduled run stores the state; then batches of CloudTrail
// changes, as the SQS event source mapping delivers them, re-audit only the
// functions they touched and mail only what is new.
func TestEndToEndEventMode(t *testing.T) {
	t.Parallel()
	bootstrap := buildBootstrap(t)
	srv := seedOrganization(t)
	const (
		topic  = "arn:aws:sns:us-east-1:" + securityID + ":fnaudit-digest"
		bucket = "acme-fnaudit"
	)
	srv.SNS().CreateTopic(topic)
	srv.S3().CreateBucket(bucket, securityID)
	addr, _ := startEmulator(t, bootstrap,
		"AWS_ENDPOINT_URL="+srv.URL,
		"AWS_ACCESS_KEY_ID="+srv.AccessKey(securityID),
		"FNAUDIT_SNS_TOPIC_ARN="+topic,
		"FNAUDIT_ORG_ROLE=fnaudit-reader",
		"FNAUDIT_REGIONS=us-east-1",
		"FNAUDIT_REPORT_BUCKET="+bucket,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=900",
	)

	// The scheduled run: the baseline.
	if res := resultOf(t, invokeEmulator(t, addr)); res.MessageID == "" {
		t.Fatalf("scheduled run published nothing: %+v", res)
	}
	if n := len(srv.SNS().Messages()); n != 1 {
		t.Fatalf("scheduled run: %d messages", n)
	}

	// A deployment makes orders-api public: a burst of changes, naming the
	// function in every form CloudTrail records it, arrives in one batch.
	prod := srv.AddAccount(acctProd)
	orders := fnARN("us-east-1", "orders-api")
	srv.Update(func() {
		for _, f := range prod.Regions["us-east-1"].Functions {
			if f.Name == "orders-api" {
				f.URL = "NONE"
				f.Policy = `{"Version":"2012-10-17","Id":"default","Statement":[` +
					`{"Sid":"public-url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + orders + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}},` +
					`{"Sid":"public-invoke","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + orders + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}]}`
			}
		}
	})
	var burst [][]byte
	for i := range 10 {
		for _, name := range []string{"AddPermission20150331v2", "CreateFunctionUrlConfig20211031",
			"UpdateFunctionConfiguration20150331v2", "UpdateFunctionCode20150331v2"} {
			burst = append(burst, retime(t, sample(t, name), i))
		}
	}
	// One record delivered twice (at least once delivery) counts once.
	batch := sqsBatch(t, append(burst, burst[0])...)
	srv.ResetCounters()
	res := resultOf(t, invokeWith(t, addr, batch))
	if res.Changes != 40 || res.MessageID == "" || res.Functions != 1 {
		t.Fatalf("burst: %+v", res)
	}
	calls := srv.CallCounts()
	t.Logf("API calls for a burst of 40 changes to one function: %v", calls)
	for op, want := range map[string]int{
		// One organization listing: membership decides same-organization
		// grants, so the re-audit judges them as the full run does.
		"lambda:ListFunctions": 0, "account:ListRegions": 0, "organizations:ListAccounts": 1,
		"lambda:GetFunctionConfiguration": 1, "iam:GetAccountAuthorizationDetails": 1,
		"lambda:ListEventSourceMappings": 1,
	} {
		if calls[op] != want {
			t.Errorf("%s: %d calls, want %d", op, calls[op], want)
		}
	}
	for _, other := range []string{"public-status", "billing-export"} {
		if n := srv.CallsOn("lambda:GetPolicy", other) + srv.CallsOn("lambda:ListAliases", other); n != 0 {
			t.Errorf("%s was read (%d calls) though no change touched it", other, n)
		}
	}
	if srv.CallsOn("lambda:GetPolicy", "orders-api") != 1 {
		t.Errorf("orders-api's policy read %d times, want once for the whole burst", srv.CallsOn("lambda:GetPolicy", "orders-api"))
	}
	msgs := srv.SNS().Messages()
	if len(msgs) != 2 {
		t.Fatalf("topic received %d messages, want the scheduled digest and one change mail", len(msgs))
	}
	m := msgs[1]
	email := m.Body("email")
	t.Logf("change mail %q:\n%s", m.Subject, email)
	for _, want := range []string{
		"AddPermission20150331v2 by arn:aws:sts::" + acctProd + ":assumed-role/deployer/ci-1234 in " + acctProd + "/us-east-1: " + orders,
		"2026-12-04T09:00:07Z",
		"... and 30 more changes, the last at 2026-12-04T09:08:16Z (UpdateFunctionCode20150331v2 by arn:aws:sts::" + acctProd + ":assumed-role/deployer/ci-1234)",
		"A re-audit of 1 function after 40 changes found 1 new finding.",
		"Lambda function URL is callable by anyone without credentials (FNA-AWS-001)",
		"orders-api (aws, account " + acctProd + ", us-east-1)",
	} {
		if !strings.Contains(email, want) {
			t.Errorf("change mail lacks %q:\n%s", want, email)
		}
	}
	// Only what is new: the secret in orders-api's environment and the other
	// functions' findings were in the stored state already.
	for _, old := range []string{"STRIPE_KEY", "public-status", "billing-export"} {
		if strings.Contains(email, old) {
			t.Errorf("change mail repeats %q, which is not new:\n%s", old, email)
		}
	}
	if !strings.Contains(m.Subject, "orders-api") && !strings.Contains(m.Subject, "new findings") {
		t.Errorf("subject %q", m.Subject)
	}

	// SQS delivers at least once: the same batch again finds nothing new.
	again := resultOf(t, invokeWith(t, addr, batch))
	if again.MessageID != "" || !strings.HasPrefix(again.Skipped, "nothing new") {
		t.Errorf("redelivered batch: %+v", again)
	}

	// A role change re-audits the functions using the role, found by one
	// listing of the region, and no other.
	srv.Update(func() {
		for _, r := range prod.Roles {
			if r.Name == "app-role" {
				r.Inline["hotfix"] = adminPolicy
			}
		}
	})
	srv.ResetCounters()
	roleRes := resultOf(t, invokeWith(t, addr, sqsBatch(t, sample(t, "PutRolePolicy"))))
	if roleRes.MessageID == "" || roleRes.Functions != 2 {
		t.Fatalf("role change: %+v", roleRes)
	}
	if n := srv.Calls("lambda:ListFunctions"); n != 1 {
		t.Errorf("ListFunctions called %d times, want once (one region)", n)
	}
	if n := srv.CallsOn("lambda:GetPolicy", "billing-export"); n != 0 {
		t.Errorf("billing-export (another role) was read %d times", n)
	}
	roleMail := srv.SNS().Messages()[2].Body("email")
	for _, want := range []string{"PutRolePolicy", "public-status", "orders-api", "administrative access"} {
		if !strings.Contains(roleMail, want) {
			t.Errorf("role change mail lacks %q:\n%s", want, roleMail)
		}
	}

	// Changes that did not happen or are out of scope mail nothing.
	var failed map[string]any
	_ = json.Unmarshal(sample(t, "AddPermission20150331v2"), &failed)
	failed["detail"].(map[string]any)["errorCode"] = "AccessDeniedException"
	failedBody, _ := json.Marshal(failed)
	quiet := resultOf(t, invokeWith(t, addr, sqsBatch(t, failedBody)))
	if quiet.MessageID != "" || quiet.Skipped == "" {
		t.Errorf("failed call: %+v", quiet)
	}
	if n := len(srv.SNS().Messages()); n != 3 {
		t.Errorf("topic received %d messages, want 3", n)
	}
}
