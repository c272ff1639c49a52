package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// The npm tools that check and run the state machine definition:
// asl-validator and aws-local-stepfunctions (local-sfn). They are used from
// lambda/node_modules when present; under CI=true they are installed into a
// temporary directory (and a failed install fails the test); otherwise the
// tests skip.
func npmTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := filepath.Abs(filepath.Join("node_modules", ".bin", name)); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "true" {
		t.Skipf("%s is not installed; run: npm install --no-save --prefix lambda asl-validator aws-local-stepfunctions (CI=true installs it)", name)
	}
	npmOnce.Do(func() {
		npmDir, npmErr = os.MkdirTemp("", "fnaudit-npm-")
		if npmErr != nil {
			return
		}
		out, err := exec.Command("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", npmDir,
			"asl-validator", "aws-local-stepfunctions").CombinedOutput()
		if err != nil {
			npmErr = errors.New("npm install: " + err.Error() + "\n" + string(out))
		}
	})
	if npmErr != nil {
		t.Fatal(npmErr)
	}
	return filepath.Join(npmDir, "node_modules", ".bin", name)
}

var (
	npmOnce sync.Once
	npmDir  string
	npmErr  error
)

// substituted writes the definition with the template's substitutions filled
// in, optionally changed by edit, and returns its path.
func substituted(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	_, data := loadDefinition(t)
	if edit != nil {
		var def map[string]any
		if err := json.Unmarshal(data, &def); err != nil {
			t.Fatal(err)
		}
		edit(def)
		data, _ = json.Marshal(def)
	}
	p := filepath.Join(t.TempDir(), "statemachine.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStateMachineValidates(t *testing.T) {
	t.Parallel()
	validator := npmTool(t, "asl-validator")
	out, err := exec.Command(validator, "--json-path", substituted(t, nil)).CombinedOutput()
	if err != nil {
		t.Fatalf("asl-validator: %v\n%s", err, out)
	}
}

// promiseResolvers lets aws-local-stepfunctions 3 (which asks for Node 22)
// run on Node 20: it adds the one Node 22 built-in it uses.
const promiseResolvers = `if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
`

// runnerScript runs a definition with aws-local-stepfunctions' StateMachine
// (the package's library; its local-sfn command runs a task override as a
// synchronous child process, one at a time, which would serialize the Map
// whatever its MaxConcurrency). Arguments: the package's directory, the
// definition file, the execution name; the input comes on stdin. Every Task
// posts its Payload to FNAUDIT_INVOKE_URL, as Step Functions' lambda:invoke
// integration does, and gets {"Payload": answer}; a function error fails the
// task. Its X-Fnaudit-Task-Start header is when the executor started the
// task (Unix ms), so the endpoint can time a whole task.
const runnerScript = `const fs = require("fs");
const { StateMachine } = require(process.argv[2]);
const definition = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const input = JSON.parse(fs.readFileSync(0, "utf8"));
async function invoke(task) {
  const start = performance.timeOrigin + performance.now();
  const r = await fetch(process.env.FNAUDIT_INVOKE_URL, {method: "POST", body: JSON.stringify(task.Payload),
    headers: {"X-Fnaudit-Task-Start": String(start)}});
  const body = await r.text();
  if (!r.ok) { throw new Error(body); }
  return {Payload: JSON.parse(body)};
}
const machine = new StateMachine(definition);
const execution = machine.run(input, {
  overrides: {taskResourceLocalHandlers: {Plan: invoke, CollectItem: invoke, Publish: invoke}},
  context: {Execution: {Name: process.argv[4], StartTime: process.argv[5]}},
});
execution.result
  .then((out) => { process.stdout.write(JSON.stringify(out) + "\n"); })
  .catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
`

// TestStateMachineRunsLocally runs the definition with
// aws-local-stepfunctions (runLocalSFN), every Task invoking the handler
// (against the local AWS server) through an HTTP endpoint: plan over an organization of 3 accounts x 2 regions, a collect
// child per account-region of which one fails, and publish. One digest, every
// collected function in it, the failed account-region a gap.
//
// aws-local-stepfunctions does not implement the Distributed Map's
// ItemReader and ResultWriter: the run replaces the ItemReader with ItemsPath over the items
// the plan step wrote (read back from the bucket by the endpoint, as the
// ItemReader would with InputType JSON), and drops the ResultWriter (the
// publish step does not read it: a missing partial is what makes a gap).
func TestStateMachineRunsLocally(t *testing.T) {
	t.Parallel()
	localSFN := npmTool(t, "local-sfn")
	hs := scaleHarness(t, env{envReportBucket: "acme-fnaudit", envOrgRole: "fnaudit-member"}, partialEstate(t))
	failing := WorkItem{Provider: audit.AWS, Account: acctDenied, Region: "eu-west-1"}
	// The local executor fails the Map at its first failed child and aborts
	// the children still running (it implements no
	// ToleratedFailurePercentage), where AWS, with 100% tolerated, lets them
	// finish. So the failing child answers only once every other item's
	// collect step has: the run is the one AWS would make, however the
	// children's timing falls (MaxConcurrency 2 leaves the others a slot).
	var (
		mu         sync.Mutex
		others     int // collect steps of the other items still to answer
		othersDone = make(chan struct{})
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct{ Fnaudit ScaleRequest }
		_ = json.Unmarshal(body, &ev)
		if ev.Fnaudit.Item != nil && *ev.Fnaudit.Item == failing {
			select {
			case <-othersDone:
			case <-r.Context().Done():
			}
			http.Error(w, `{"errorType":"Runtime.ExitError","errorMessage":"the collect step crashed"}`, http.StatusInternalServerError)
			return
		}
		res, err := hs.invoke(t, context.Background(), body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out := map[string]any{}
		data, _ := json.Marshal(res)
		_ = json.Unmarshal(data, &out)
		switch ev.Fnaudit.Mode {
		case modePlan:
			items, _ := hs.srv.S3().Object(res.Step.Bucket, res.Step.Key)
			out["itemReader"] = json.RawMessage(items)
			var its []WorkItem
			_ = json.Unmarshal(items, &its)
			mu.Lock()
			others = len(its) - 1
			mu.Unlock()
		case modeCollect:
			mu.Lock()
			if res.Step != nil && res.Step.Done {
				if others--; others == 0 {
					close(othersDone)
				}
			}
			mu.Unlock()
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()

	out := runLocalSFN(t, localSFN, srv.URL, "local-run", `{"maxConcurrency":2,"toleratedFailurePercentage":100}`)
	m := hs.published(t)
	r := reportOf(t, m)
	if r.Scope.Functions != 2 || len(r.Gaps) != 1 || r.Gaps[0].Account != acctDenied || r.Gaps[0].Region != "eu-west-1" {
		t.Errorf("report: %d functions, gaps %+v; aws-local-stepfunctions said %s", r.Scope.Functions, r.Gaps, out)
	}
	if strings.Contains(m.Subject, "all clear") {
		t.Errorf("subject %q", m.Subject)
	}
	if n := len(hs.srv.S3().Keys("acme-fnaudit")); n < 6 {
		t.Errorf("bucket holds %d objects", n)
	}
}

// runLocalSFN runs the state machine definition with aws-local-stepfunctions
// (localSFN is its local-sfn command, beside the package) through
// runnerScript, each task invoking the endpoint at invokeURL; the Map runs
// up to its MaxConcurrency children at once. The definition reads the
// plan's items inline (the local executor has no ItemReader or
// ResultWriter): the plan task's answer must carry them as "itemReader".
func runLocalSFN(t *testing.T, localSFN, invokeURL, execution, input string) []byte {
	t.Helper()
	dir := t.TempDir()
	runner := filepath.Join(dir, "run.cjs")
	if err := os.WriteFile(runner, []byte(promiseResolvers+runnerScript), 0o644); err != nil {
		t.Fatal(err)
	}
	def := substituted(t, func(d map[string]any) {
		states := d["States"].(map[string]any)
		states["Plan"].(map[string]any)["ResultSelector"].(map[string]any)["items.$"] = "$.Payload.itemReader"
		m := states["Collect"].(map[string]any)
		delete(m, "ItemReader")
		delete(m, "ResultWriter")
		m["ItemsPath"] = "$.plan.items"
	})
	// local-sfn is node_modules/.bin/local-sfn; the package is
	// node_modules/aws-local-stepfunctions.
	pkg := filepath.Join(filepath.Dir(filepath.Dir(localSFN)), "aws-local-stepfunctions")
	cmd := exec.Command("node", runner, pkg, def, execution, "2026-12-04T06:00:00.000Z")
	cmd.Stdin = strings.NewReader(input + "\n")
	cmd.Env = append(os.Environ(), "FNAUDIT_INVOKE_URL="+invokeURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws-local-stepfunctions: %v\n%s", err, out)
	}
	return out
}
