package main

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// eventNamesOf returns a member rule's eventName patterns: exact names, and
// wildcard prefixes (the part before "*").
func eventNamesOf(t *testing.T, rule any) (exact, wildcard map[string]bool) {
	t.Helper()
	exact, wildcard = map[string]bool{}, map[string]bool{}
	for _, n := range dig(t, rule, "Properties", "EventPattern", "detail", "eventName").([]any) {
		switch v := n.(type) {
		case string:
			exact[v] = true
		case map[string]any:
			w, _ := v["wildcard"].(string)
			if !strings.HasSuffix(w, "*") || strings.Count(w, "*") != 1 {
				t.Errorf("wildcard %q: want one trailing *", w)
			}
			wildcard[strings.TrimSuffix(w, "*")] = true
		default:
			t.Errorf("eventName pattern %v", n)
		}
	}
	return exact, wildcard
}

func matches(name string, exact, wildcard map[string]bool) bool {
	if exact[name] {
		return true
	}
	for p := range wildcard {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// TestMemberRulesForwardHandledEvents: the member accounts' rules forward
// every event the function handles, under the names CloudTrail records
// (with and without Lambda's API version suffix), and every CloudTrail sample
// in testdata matches them; IAM's rule exists in us-east-1 only.
func TestMemberRulesForwardHandledEvents(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "member-role.yaml")
	fnRule := dig(t, tmpl, "Resources", "FunctionChangeRule")
	iamRule := dig(t, tmpl, "Resources", "RoleChangeRule")
	fnExact, fnWild := eventNamesOf(t, fnRule)
	iamExact, iamWild := eventNamesOf(t, iamRule)
	for _, name := range lambdaFunctionEvents {
		if !fnExact[name] || !fnWild[name+"20"] {
			t.Errorf("Lambda's %s: forwarded as %v / %v, want both the name and %s20*", name, fnExact[name], fnWild[name+"20"], name)
		}
	}
	for _, names := range frontDoorEvents {
		for _, name := range names {
			if !fnExact[name] {
				t.Errorf("front-door event %s is not forwarded", name)
			}
		}
	}
	for _, name := range append(append([]string(nil), iamRoleEvents...), iamPolicyEvents...) {
		if !iamExact[name] {
			t.Errorf("IAM event %s is not forwarded", name)
		}
	}
	if len(iamWild) != 0 {
		t.Errorf("IAM names carry no version; wildcards %v", iamWild)
	}
	// Wildcards must not catch unrelated Lambda calls (DeleteFunctionConcurrency).
	for _, unrelated := range []string{"DeleteFunctionConcurrency20171031", "PutFunctionConcurrency20171031", "GetFunction20150331v2",
		"TagResource20170331v2", "UpdateFunctionEventInvokeConfig"} {
		if matches(unrelated, fnExact, fnWild) {
			t.Errorf("%s is forwarded, but changes no access", unrelated)
		}
	}

	files, _ := filepath.Glob(filepath.Join("testdata", "cloudtrail", "*.json"))
	for _, f := range files {
		var ev struct {
			Source     string `json:"source"`
			DetailType string `json:"detail-type"`
			Detail     struct{ EventSource, EventName string }
		}
		if err := json.Unmarshal(sample(t, strings.TrimSuffix(filepath.Base(f), ".json")), &ev); err != nil {
			t.Fatal(err)
		}
		rule, exact, wild := fnRule, fnExact, fnWild
		if ev.Source == "aws.iam" {
			rule, exact, wild = iamRule, iamExact, iamWild
		}
		pattern := dig(t, rule, "Properties", "EventPattern").(map[string]any)
		if !contains(pattern["source"], ev.Source) || !contains(pattern["detail-type"], ev.DetailType) ||
			!contains(dig(t, pattern, "detail", "eventSource"), ev.Detail.EventSource) || !matches(ev.Detail.EventName, exact, wild) {
			t.Errorf("%s does not match its member rule", filepath.Base(f))
		}
	}

	if diff := cmp.Diff("ForwardIAMChanges", dig(t, iamRule, "Condition")); diff != "" {
		t.Errorf("IAM rule condition (-want +got):\n%s", diff)
	}
	cond := dig(t, tmpl, "Conditions", "ForwardIAMChanges")
	if !strings.Contains(jsonOf(t, cond), `"us-east-1"`) {
		t.Errorf("ForwardIAMChanges = %s, want it to hold in us-east-1 only", jsonOf(t, cond))
	}
	// The forwarding role may put events on the auditor's bus and nothing else.
	grants := roleGrants(t, tmpl, "ForwardRole")
	if len(grants) != 1 || grants[0].action != "events:PutEvents" || jsonOf(t, grants[0].resource) != `{"Ref":"ChangeBusArn"}` {
		t.Errorf("ForwardRole grants %+v", grants)
	}
	for _, r := range []any{fnRule, iamRule} {
		targets := dig(t, r, "Properties", "Targets").([]any)
		if len(targets) != 1 || jsonOf(t, dig(t, targets[0], "Arn")) != `{"Ref":"ChangeBusArn"}` {
			t.Errorf("targets %s", jsonOf(t, targets))
		}
	}
}

// TestTemplateEventMode: the auditor's bus admits the organization only, its
// rule queues the changes, and the queue hands the function batches gathered
// for 60 seconds.
func TestTemplateEventMode(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	pol := dig(t, tmpl, "Resources", "ChangeBusPolicy", "Properties", "Statement")
	if got := jsonOf(t, dig(t, pol, "Condition")); !strings.Contains(got, `"aws:PrincipalOrgID":{"Ref":"OrganizationId"}`) {
		t.Errorf("bus policy condition %s, want aws:PrincipalOrgID", got)
	}
	if got := jsonOf(t, dig(t, pol, "Action")); got != `"events:PutEvents"` {
		t.Errorf("bus policy action %s", got)
	}
	esm := dig(t, tmpl, "Resources", "ChangeEvents", "Properties")
	if diff := cmp.Diff(map[string]any{"BatchSize": "100", "MaximumBatchingWindowInSeconds": "60"},
		map[string]any{"BatchSize": dig(t, esm, "BatchSize"), "MaximumBatchingWindowInSeconds": dig(t, esm, "MaximumBatchingWindowInSeconds")}); diff != "" {
		t.Errorf("event source mapping (-want +got):\n%s", diff)
	}
	if got := jsonOf(t, dig(t, tmpl, "Resources", "ChangeRule", "Properties", "Targets")); !strings.Contains(got, `"ChangeQueue","Arn"`) {
		t.Errorf("change rule targets %s", got)
	}
	send := jsonOf(t, dig(t, tmpl, "Resources", "ChangeQueuePolicy", "Properties", "PolicyDocument"))
	if !strings.Contains(send, `"aws:SourceArn":{"Fn::GetAtt":["ChangeRule","Arn"]}`) {
		t.Errorf("queue policy %s: only the change rule may send", send)
	}
	// The queue's messages come back after the function's timeout at the
	// earliest, so a batch is not handled twice at once.
	vis, _ := strconv.Atoi(dig(t, tmpl, "Resources", "ChangeQueue", "Properties", "VisibilityTimeout").(string))
	timeout, _ := strconv.Atoi(functionProperties(t, tmpl, "AuditFunction")["Timeout"].(string))
	if vis <= timeout {
		t.Errorf("visibility timeout %d is not above the function timeout %d", vis, timeout)
	}
	// One at a time, except at organization scale, which a rule keeps apart
	// from event mode (OrganizationScaleWithoutEventMode).
	if got := dig(t, tmpl, "Resources", "AuditFunction", "Properties", "ReservedConcurrentExecutions"); !cmp.Equal(got,
		map[string]any{"Fn::If": []any{"OrganizationScale", map[string]any{"Ref": "AWS::NoValue"}, "1"}}) {
		t.Error("the function must run one invocation at a time (scheduled and event runs share the state)")
	}
}

func contains(list any, s string) bool {
	l, _ := list.([]any)
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
