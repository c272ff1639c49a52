package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestStateMachineRunsBootstrap runs the definition with local-sfn, every
// Task invoking the built bootstrap under the Lambda Runtime Interface
// Emulator against the local AWS server: an organization of 20 accounts x 2
// regions, one account denying the audit role. One digest, every function in
// it, the denied account a gap.
//
// A proxy in front of the emulator serializes the invocations (the emulator
// runs one at a time) and, for the plan step, adds the items the bootstrap
// wrote to the bucket to its answer: local-sfn has no ItemReader, so the
// Map reads them with ItemsPath (see TestStateMachineRunsLocally).
func TestStateMachineRunsBootstrap(t *testing.T) {
	t.Parallel()
	localSFN := npmTool(t, "local-sfn")
	bootstrap := buildBootstrap(t)
	srv := seedOrganization(t)
	const regions = "us-east-1,eu-west-1"
	srv.AddAccount(acctProd).AddRegion("eu-west-1")
	srv.AddAccount(acctDenied).AddRegion("eu-west-1")
	srv.AddAccount(securityID).AddRegion("eu-west-1")
	functions := 3
	for i := 0; i < 17; i++ {
		id := fmt.Sprintf("3000000000%02d", i)
		a := srv.AddAccount(id)
		a.InOrg = true
		a.Roles = []*awstest.Role{
			{Name: "fnaudit-reader", AssumableBy: []string{securityID}},
			{Name: "app-role", Inline: map[string]string{"logs": logsPolicy}},
		}
		for _, r := range strings.Split(regions, ",") {
			a.AddRegion(r).Functions = []*awstest.Function{{Name: "worker", Runtime: "python3.13", Handler: "app.handler", Role: a.RoleARN("app-role")}}
			functions++
		}
	}
	const topic = "arn:aws:sns:us-east-1:" + securityID + ":fnaudit-digest"
	srv.SNS().CreateTopic(topic)
	srv.S3().CreateBucket("acme-fnaudit", securityID)
	addr, _ := startEmulator(t, bootstrap,
		"AWS_ENDPOINT_URL="+srv.URL,
		"AWS_ACCESS_KEY_ID="+srv.AccessKey(securityID),
		"FNAUDIT_SNS_TOPIC_ARN="+topic,
		"FNAUDIT_ORG_ROLE=fnaudit-reader",
		"FNAUDIT_REGIONS="+regions,
		"FNAUDIT_REPORT_BUCKET=acme-fnaudit",
	)
	var mu sync.Mutex
	invokeURL := "http://" + addr + "/2015-03-31/functions/function/invocations"
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		resp, err := http.Post(invokeURL, "application/json", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		var res map[string]any
		if err := json.Unmarshal(out, &res); err != nil || res["errorMessage"] != nil {
			http.Error(w, string(out), http.StatusInternalServerError)
			return
		}
		if step, ok := res["step"].(map[string]any); ok && strings.Contains(string(body), `"mode":"plan"`) {
			items, _ := srv.S3().Object(step["bucket"].(string), step["key"].(string))
			res["itemReader"] = json.RawMessage(items)
		}
		_ = json.NewEncoder(w).Encode(res)
	}))
	defer proxy.Close()

	out := runLocalSFN(t, localSFN, proxy.URL, "bootstrap-run", `{"maxConcurrency":1,"toleratedFailurePercentage":100}`)
	msgs := srv.SNS().Messages()
	if len(msgs) != 1 {
		t.Fatalf("topic received %d messages, want 1 (local-sfn: %s)", len(msgs), out)
	}
	m := msgs[0]
	var rep struct {
		Scope struct{ Accounts, Functions int }
		Gaps  []struct{ Account, Reason string }
	}
	if err := json.Unmarshal([]byte(m.Body("sqs")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Scope.Functions != functions || len(rep.Gaps) == 0 {
		t.Errorf("report: %d functions (want %d), gaps %+v", rep.Scope.Functions, functions, rep.Gaps)
	}
	for _, g := range rep.Gaps {
		if g.Account != acctDenied || g.Reason != "assume-role" {
			t.Errorf("gap %+v: only the denied account may be missing", g)
		}
	}
	if email := m.Body("email"); !strings.Contains(email, "- aws "+acctDenied+": assume-role (sts:AssumeRole)") ||
		!strings.Contains(m.Subject, "in 20 accounts") || strings.Contains(m.Subject, "all clear") {
		t.Errorf("subject %q, digest:\n%s", m.Subject, email)
	}
	for _, key := range []string{"fnaudit/runs/bootstrap-run/items.json",
		"fnaudit/runs/bootstrap-run/partials/aws-" + acctDenied + "-us-east-1-0.json"} {
		if _, ok := srv.S3().Object("acme-fnaudit", key); !ok {
			t.Errorf("no %s", key)
		}
	}
}
