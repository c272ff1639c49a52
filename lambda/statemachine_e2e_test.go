package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestStateMachineRunsBootstrap runs the definition with
// aws-local-stepfunctions (runLocalSFN), every Task invoking the built
// bootstrap under the Lambda Runtime Interface Emulator against the local
// AWS server: an organization of 20 accounts x 2
// regions, one account denying the audit role, and one account-region of 25
// functions that the bootstrap (FNAUDIT_PART_FUNCTIONS=10, ListFunctions
// pages of 5) collects in three parts, looping CollectItem -> MoreToCollect
// -> Continue -> CollectItem. One digest, every function in it once, the
// denied account a gap.
//
// A proxy in front of two emulators (each runs one invocation at a time, so
// the Map's MaxConcurrency of 2 is real) times every invocation and, for the
// plan step, adds the items the bootstrap wrote to the bucket to its answer:
// the local executor has no ItemReader, so the Map reads them with
// ItemsPath (see TestStateMachineRunsLocally). The measured step times feed the scale
// model's runWall, printed beside the measured wall time.
func TestStateMachineRunsBootstrap(t *testing.T) {
	t.Parallel()
	localSFN := npmTool(t, "local-sfn")
	bootstrap := buildBootstrap(t)
	srv := seedOrganization(t)
	const (
		regions        = "us-east-1,eu-west-1"
		maxConcurrency = 2
		bigFunctions   = 25
		bigAccount     = "300000000000"
	)
	srv.SetPageSize("lambda", 5)
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
			n := 1
			if id == bigAccount && r == "us-east-1" {
				n = bigFunctions
			}
			reg := a.AddRegion(r)
			for j := 0; j < n; j++ {
				reg.Functions = append(reg.Functions, &awstest.Function{Name: fmt.Sprintf("worker-%02d", j),
					Runtime: "python3.13", Handler: "app.handler", Role: a.RoleARN("app-role")})
				functions++
			}
		}
	}
	big := WorkItem{Provider: audit.AWS, Account: bigAccount, Region: "us-east-1"}
	const topic = "arn:aws:sns:us-east-1:" + securityID + ":fnaudit-digest"
	srv.SNS().CreateTopic(topic)
	srv.S3().CreateBucket("acme-fnaudit", securityID)
	emulators := make(chan string, maxConcurrency)
	for i := 0; i < maxConcurrency; i++ {
		addr, _ := startEmulator(t, bootstrap,
			"AWS_ENDPOINT_URL="+srv.URL,
			"AWS_ACCESS_KEY_ID="+srv.AccessKey(securityID),
			"FNAUDIT_SNS_TOPIC_ARN="+topic,
			"FNAUDIT_ORG_ROLE=fnaudit-reader",
			"FNAUDIT_REGIONS="+regions,
			"FNAUDIT_REPORT_BUCKET=acme-fnaudit",
			"FNAUDIT_PART_FUNCTIONS=10",
		)
		emulators <- "http://" + addr + "/2015-03-31/functions/function/invocations"
	}
	var (
		mu    sync.Mutex
		steps []timedStep
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct{ Fnaudit ScaleRequest }
		_ = json.Unmarshal(body, &ev)
		invokeURL := <-emulators
		start := time.Now()
		resp, err := http.Post(invokeURL, "application/json", bytes.NewReader(body))
		var out []byte
		if err == nil {
			out, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		took := time.Since(start)
		emulators <- invokeURL
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		var res map[string]any
		if err := json.Unmarshal(out, &res); err != nil || res["errorMessage"] != nil {
			http.Error(w, string(out), http.StatusInternalServerError)
			return
		}
		st := timedStep{req: ev.Fnaudit, seconds: took.Seconds()}
		if step, ok := res["step"].(map[string]any); ok {
			if n, ok := step["functions"].(float64); ok {
				st.functions = int(n)
			}
			st.continued = step["continuation"] != nil
			if ev.Fnaudit.Mode == modePlan {
				items, _ := srv.S3().Object(step["bucket"].(string), step["key"].(string))
				res["itemReader"] = json.RawMessage(items)
			}
		}
		_ = json.NewEncoder(w).Encode(res)
		if ms, err := strconv.ParseFloat(r.Header.Get("X-Fnaudit-Task-Start"), 64); err == nil {
			st.taskSeconds = time.Since(time.UnixMicro(int64(ms * 1000))).Seconds()
		}
		mu.Lock()
		steps = append(steps, st)
		mu.Unlock()
	}))
	defer proxy.Close()

	start := time.Now()
	out := runLocalSFN(t, localSFN, proxy.URL, "bootstrap-run",
		fmt.Sprintf(`{"maxConcurrency":%d,"toleratedFailurePercentage":100}`, maxConcurrency))
	wall := time.Since(start).Seconds()
	msgs := srv.SNS().Messages()
	if len(msgs) != 1 {
		t.Fatalf("topic received %d messages, want 1 (aws-local-stepfunctions: %s)", len(msgs), out)
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
	// Every function was read once: one GetPolicy each, none twice across
	// the big item's parts.
	if n := srv.Calls("lambda:GetPolicy"); n != functions {
		t.Errorf("GetPolicy called %d times for %d functions", n, functions)
	}
	for _, key := range []string{"fnaudit/runs/bootstrap-run/items.json",
		"fnaudit/runs/bootstrap-run/partials/aws-" + acctDenied + "-us-east-1-0.json"} {
		if _, ok := srv.S3().Object("acme-fnaudit", key); !ok {
			t.Errorf("no %s", key)
		}
	}

	// The big item looped through the state machine: parts 0, 1 and 2 were
	// asked for by CollectItem (the later two with Continue's part and
	// token), the first two returned a continuation, and its three partials
	// hold its 25 functions, each once.
	var parts []string
	for _, st := range steps {
		if st.req.Mode == modeCollect && st.req.Item != nil && *st.req.Item == big {
			parts = append(parts, fmt.Sprintf("%d:%d:%t:%t", st.req.Part, st.functions, st.req.Continuation != "", st.continued))
		}
	}
	if got := strings.Join(parts, " "); got != "0:10:false:true 1:10:true:true 2:5:true:false" {
		t.Errorf("collect steps of %s (part:functions:given a token:returned one) = %q", big.name(), got)
	}
	seen := map[string]int{}
	for part := 0; part < 4; part++ {
		key := partialKey("bootstrap-run", big, part)
		data, ok := srv.S3().Object("acme-fnaudit", key)
		if part == 3 {
			if ok {
				t.Errorf("%s exists: the item needs three parts", key)
			}
			break
		}
		var p partial
		if !ok || json.Unmarshal(data, &p) != nil || p.Inventory == nil || p.Done != (part == 2) {
			t.Errorf("partial %s: present %t, done %t", key, ok, p.Done)
			continue
		}
		for _, f := range p.Inventory.Functions {
			seen[f.Name]++
		}
	}
	if len(seen) != bigFunctions {
		t.Errorf("the partials of %s hold %d distinct functions, want %d", big.name(), len(seen), bigFunctions)
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s is in %d partials", name, n)
		}
	}

	// The scale model against this run: plan, the Map over the items at
	// MaxConcurrency (an item's parts one after another), publish; once with
	// the bootstrap's times alone, once with whole tasks as the executor
	// sees them (from its call of the task to the answer; Step Functions
	// likewise adds its own latency to every Lambda task).
	bootstrapModel, bootstrapLower := modelOf(steps, func(s timedStep) float64 { return s.seconds }, maxConcurrency)
	taskModel, taskLower := modelOf(steps, func(s timedStep) float64 { return s.taskSeconds }, maxConcurrency)
	t.Logf("scale model vs local run: %d collect steps (%s: 3), MaxConcurrency %d; measured wall %.2f s; "+
		"predicted from the bootstrap's step times %s; from whole tasks %s",
		len(steps)-2, big.name(), maxConcurrency, wall, bootstrapModel, taskModel)
	// The model's per-item time is quota-bound (fnPerSecond): the big item's
	// extra functions over three one-function steps' time give the rate the
	// collector's GetPolicy pacing allowed here.
	var bigSeconds, smallSeconds float64
	var small int
	for _, st := range steps {
		switch {
		case st.req.Mode != modeCollect:
		case *st.req.Item == big:
			bigSeconds += st.seconds
		case st.functions == 1:
			smallSeconds += st.seconds
			small++
		}
	}
	if extra := bigSeconds - 3*smallSeconds/float64(max(small, 1)); small > 0 && extra > 0 {
		t.Logf("%s: %d functions in 3 steps, %.2f s; a one-function step: %.3f s; so %.1f functions/s past the step overhead (the model assumes %.0f)",
			big.name(), bigFunctions, bigSeconds, smallSeconds/float64(small), float64(bigFunctions-3)/extra, fnPerSecond)
	}
	// Not a timing check: the steps ran inside the run, at most
	// maxConcurrency at once, so the wall time is at least the bound they
	// imply whatever the machine's speed.
	if lower := max(bootstrapLower, taskLower); wall < lower {
		t.Errorf("measured wall %.2f s is below the bound %.2f s the steps imply", wall, lower)
	}
}

// modelOf feeds the scale model (runWall) one run's step times, as seconds
// reads them from a step: it returns the prediction, described, and the
// least wall time the steps imply (plan, publish and the Map's longest item
// or its total spread over maxConcurrency children).
func modelOf(steps []timedStep, seconds func(timedStep) float64, maxConcurrency int) (string, float64) {
	var plan, publish float64
	items := map[WorkItem]float64{}
	var order []WorkItem
	for _, st := range steps {
		switch st.req.Mode {
		case modePlan:
			plan += seconds(st)
		case modePublish:
			publish += seconds(st)
		default:
			if _, ok := items[*st.req.Item]; !ok {
				order = append(order, *st.req.Item)
			}
			items[*st.req.Item] += seconds(st)
		}
	}
	itemSeconds := make([]float64, len(order))
	for i, it := range order {
		itemSeconds[i] = items[it]
	}
	if len(itemSeconds) == 0 {
		return "(no collect step)", plan + publish
	}
	total, longest := sum(itemSeconds), slices.Max(itemSeconds)
	desc := fmt.Sprintf("%.2f s (plan %.2f s, %d items: %.2f s in all, mean %.3f s, longest %.2f s; publish %.2f s)",
		runWall(plan, itemSeconds, maxConcurrency, publish), plan, len(itemSeconds), total,
		total/float64(len(itemSeconds)), longest, publish)
	return desc, plan + publish + max(longest, total/float64(maxConcurrency))
}

// timedStep is one invocation the proxy forwarded: its request, how long the
// bootstrap took, and the collect summary it returned.
type timedStep struct {
	req     ScaleRequest
	seconds float64
	// taskSeconds is the whole task as the executor runs it: from its call
	// of the task handler to the answer.
	taskSeconds float64
	functions   int
	continued   bool
}
