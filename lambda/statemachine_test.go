package main

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// aslState is the part of an Amazon States Language state the tests check.
type aslState struct {
	Type          string
	Resource      string
	Next          string
	End           bool
	Default       string
	Parameters    map[string]any
	Choices       []struct{ Next string }
	Catch         []struct{ Next string }
	ItemReader    *struct{ Resource string }
	ResultWriter  *struct{ Resource string }
	ItemProcessor *struct {
		ProcessorConfig struct{ Mode, ExecutionType string }
		StartAt         string
		States          map[string]aslState
	}
	MaxConcurrencyPath             string
	ToleratedFailurePercentagePath string
}

type aslMachine struct {
	StartAt string
	States  map[string]aslState
}

// loadDefinition reads statemachine.asl.json with the template's
// substitutions filled in.
func loadDefinition(t *testing.T) (aslMachine, []byte) {
	t.Helper()
	data, err := os.ReadFile("statemachine.asl.json")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte("${AuditFunctionArn}"), []byte("arn:aws:lambda:us-east-1:111122223333:function:fnaudit-audit"))
	data = bytes.ReplaceAll(data, []byte("${PublishFunctionArn}"), []byte("arn:aws:lambda:us-east-1:111122223333:function:fnaudit-publish"))
	var m aslMachine
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("statemachine.asl.json: %v", err)
	}
	return m, data
}

// checkStates checks that every transition names a state of the same scope,
// that every state is reachable, and that every Task invokes the function in
// a mode the handler serves.
func checkStates(t *testing.T, scope string, start string, states map[string]aslState, modes map[string]bool) {
	t.Helper()
	if _, ok := states[start]; !ok {
		t.Errorf("%s: StartAt %q is no state", scope, start)
	}
	reached := map[string]bool{start: true}
	for name, st := range states {
		targets := []string{st.Next, st.Default}
		for _, c := range st.Choices {
			targets = append(targets, c.Next)
		}
		for _, c := range st.Catch {
			targets = append(targets, c.Next)
		}
		for _, n := range targets {
			if n == "" {
				continue
			}
			if _, ok := states[n]; !ok {
				t.Errorf("%s: state %s goes to %q, which does not exist", scope, name, n)
			}
			reached[n] = true
		}
		if st.Next == "" && !st.End && st.Type != "Choice" && st.Type != "Succeed" && st.Type != "Fail" {
			t.Errorf("%s: state %s neither ends nor has Next", scope, name)
		}
		if st.Type == "Task" {
			payload, _ := json.Marshal(dig(t, st.Parameters, "Payload"))
			mode, _ := dig(t, st.Parameters, "Payload", "fnaudit", "mode").(string)
			// The publish step runs in its own function (its own memory).
			fn := "arn:aws:lambda:us-east-1:111122223333:function:fnaudit-audit"
			if mode == modePublish {
				fn = "arn:aws:lambda:us-east-1:111122223333:function:fnaudit-publish"
			}
			if st.Resource != "arn:aws:states:::lambda:invoke" || dig(t, st.Parameters, "FunctionName") != fn {
				t.Errorf("%s: task %s calls %s %v, want %s", scope, name, st.Resource, st.Parameters["FunctionName"], fn)
			}
			if !modes[mode] {
				t.Errorf("%s: task %s invokes mode %q (payload %s)", scope, name, mode, payload)
			}
			modes[mode] = false
		}
	}
	for name := range states {
		if !reached[name] {
			t.Errorf("%s: state %s is unreachable", scope, name)
		}
	}
}

func TestStateMachineDefinition(t *testing.T) {
	t.Parallel()
	m, _ := loadDefinition(t)
	modes := map[string]bool{modePlan: true, modeCollect: true, modePublish: true}
	checkStates(t, "top", m.StartAt, m.States, modes)
	var maps []string
	for name, st := range m.States {
		if st.Type != "Map" {
			continue
		}
		maps = append(maps, name)
		p := st.ItemProcessor
		if p == nil || p.ProcessorConfig.Mode != "DISTRIBUTED" || p.ProcessorConfig.ExecutionType != "STANDARD" {
			t.Fatalf("map %s is not a distributed map of standard children", name)
		}
		if st.ItemReader == nil || st.ItemReader.Resource != "arn:aws:states:::s3:getObject" ||
			st.ResultWriter == nil || st.ResultWriter.Resource != "arn:aws:states:::s3:putObject" {
			t.Errorf("map %s: item reader %+v, result writer %+v", name, st.ItemReader, st.ResultWriter)
		}
		if st.MaxConcurrencyPath != "$.maxConcurrency" || st.ToleratedFailurePercentagePath != "$.toleratedFailurePercentage" {
			t.Errorf("map %s: concurrency %q, tolerated failures %q", name, st.MaxConcurrencyPath, st.ToleratedFailurePercentagePath)
		}
		// A collection that stops early still publishes: the digest names
		// every account-region without a partial.
		if len(st.Catch) != 1 || st.Catch[0].Next != st.Next || m.States[st.Next].Type != "Task" {
			t.Errorf("map %s: a failed collection must go on to publish (catch %+v, next %s)", name, st.Catch, st.Next)
		}
		checkStates(t, "map "+name, p.StartAt, p.States, modes)
		// The continuation loop: a Choice on the step's continuation back to
		// the collect task.
		loop := false
		for _, s := range p.States {
			if s.Type == "Choice" && len(s.Choices) == 1 && p.States[s.Choices[0].Next].Next == p.StartAt {
				loop = true
			}
		}
		if !loop {
			t.Errorf("map %s: no continuation loop back to %s", name, p.StartAt)
		}
	}
	if len(maps) != 1 {
		t.Errorf("maps %v, want one", maps)
	}
	for mode, unused := range modes {
		if unused {
			t.Errorf("no task invokes mode %s", mode)
		}
	}
}

// The template wires the definition to the function and the schedule, and
// the state machine's role holds only what its states need.
func TestTemplateStateMachine(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	sm := dig(t, tmpl, "Resources", "AuditStateMachine").(map[string]any)
	if sm["Condition"] != "OrganizationScale" || dig(t, sm, "Properties", "DefinitionUri") != "statemachine.asl.json" ||
		!cmp.Equal(dig(t, sm, "Properties", "DefinitionSubstitutions"), map[string]any{
			"AuditFunctionArn":   map[string]any{"Fn::GetAtt": []any{"AuditFunction", "Arn"}},
			"PublishFunctionArn": map[string]any{"Fn::GetAtt": []any{"PublishFunction", "Arn"}}}) {
		t.Errorf("AuditStateMachine = %v", sm)
	}
	if dig(t, sm, "Properties", "Logging", "Destinations") == nil {
		t.Error("the state machine does not log")
	}
	// Its ARN is an output, to start a run by hand (docs/lambda.md, "Try it").
	if out := dig(t, tmpl, "Outputs", "StateMachineArn"); !cmp.Equal(out, map[string]any{"Condition": "OrganizationScale",
		"Description": dig(t, out, "Description"), "Value": map[string]any{"Ref": "AuditStateMachine"}}) {
		t.Errorf("output StateMachineArn = %v", out)
	}
	if got := dig(t, tmpl, "Resources", "ExecutionsFailedAlarm", "Properties", "MetricName"); got != "ExecutionsFailed" {
		t.Errorf("ExecutionsFailedAlarm metric %v", got)
	}
	// Every ${...} the definition uses is substituted.
	_, data := loadDefinition(t)
	if strings.Contains(string(data), "${") {
		t.Error("statemachine.asl.json uses a substitution the template does not define")
	}
	var got []string
	for _, g := range roleGrants(t, tmpl, "StateMachineRole") {
		got = append(got, g.sid+" "+g.action)
		if g.sid == "RunObjects" && !cmp.Equal(g.resource, bucketPrefix("runs")) {
			t.Errorf("%s on %v, want only the run prefix", g.action, g.resource)
		}
		if g.resource == "*" && !strings.HasPrefix(g.action, "logs:") {
			t.Errorf("%s on every resource", g.action)
		}
	}
	slices.Sort(got)
	want := []string{
		"ChildExecutions states:StartExecution",
		"InvokeSteps lambda:InvokeFunction",
		"LogDelivery logs:CreateLogDelivery", "LogDelivery logs:DeleteLogDelivery", "LogDelivery logs:DescribeLogGroups",
		"LogDelivery logs:DescribeResourcePolicies", "LogDelivery logs:GetLogDelivery", "LogDelivery logs:ListLogDeliveries",
		"LogDelivery logs:PutResourcePolicy", "LogDelivery logs:UpdateLogDelivery",
		"RunObjects s3:AbortMultipartUpload", "RunObjects s3:GetObject", "RunObjects s3:ListMultipartUploadParts", "RunObjects s3:PutObject",
		"WatchChildExecutions states:DescribeExecution", "WatchChildExecutions states:StopExecution",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state machine role (-want +got):\n%s", diff)
	}
}
