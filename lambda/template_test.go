package main

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// cfnValue decodes a CloudFormation YAML node into plain values, turning the
// short-form tags (!Ref, !Sub, !GetAtt, !If ...) into their long forms
// ({"Ref": ...}, {"Fn::Sub": ...}), which yaml.Unmarshal into any would reject.
func cfnValue(t *testing.T, n *yaml.Node) any {
	t.Helper()
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		return cfnValue(t, n.Content[0])
	case yaml.AliasNode:
		return cfnValue(t, n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = cfnValue(t, n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		var l []any
		for _, c := range n.Content {
			l = append(l, cfnValue(t, c))
		}
		v = l
	case yaml.ScalarNode:
		v = n.Value
	}
	if tag := n.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		fn := strings.TrimPrefix(tag, "!")
		switch fn {
		case "Ref", "Condition":
			return map[string]any{fn: v}
		case "GetAtt":
			if s, ok := v.(string); ok {
				name, attr, _ := strings.Cut(s, ".")
				v = []any{name, attr}
			}
		}
		return map[string]any{"Fn::" + fn: v}
	}
	return v
}

func loadTemplate(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	m, ok := cfnValue(t, &doc).(map[string]any)
	if !ok {
		t.Fatalf("%s: not a mapping", path)
	}
	return m
}

// dig follows a path of map keys.
func dig(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: not a mapping at %q", strings.Join(path, "."), p)
		}
		v = m[p]
	}
	return v
}

// grant is one action a role policy allows, with the resource as written.
type grant struct {
	sid, action string
	resource    any
	condition   string // the template condition the statement depends on
	when        any    // the statement's own Condition block
}

// roleGrants lists the Allow grants of a role resource's inline policies,
// taking the true branch of each !If (the most the role can ever have).
func roleGrants(t *testing.T, tmpl map[string]any, roleName string) []grant {
	t.Helper()
	var out []grant
	policies, _ := dig(t, tmpl, "Resources", roleName, "Properties", "Policies").([]any)
	if len(policies) == 0 {
		t.Fatalf("%s has no policies", roleName)
	}
	for _, p := range policies {
		for _, st := range dig(t, p, "PolicyDocument", "Statement").([]any) {
			cond := ""
			if m, ok := st.(map[string]any); ok {
				if branches, ok := m["Fn::If"].([]any); ok {
					cond, st = branches[0].(string), branches[1]
				}
			}
			m := st.(map[string]any)
			if m["Effect"] != "Allow" || m["NotAction"] != nil || m["NotResource"] != nil {
				t.Errorf("%s statement %v: only Allow statements with Action and Resource belong here", roleName, m["Sid"])
			}
			var actions []any
			switch a := m["Action"].(type) {
			case string:
				actions = []any{a}
			case []any:
				actions = a
			}
			for _, a := range actions {
				out = append(out, grant{sid: fmt.Sprint(m["Sid"]), action: a.(string), resource: m["Resource"], condition: cond, when: m["Condition"]})
			}
		}
	}
	return out
}

// interfaceActions names the calls of narrow client interfaces as IAM actions.
func interfaceActions(ifaces map[string]reflect.Type) []string {
	var out []string
	for prefix, it := range ifaces {
		for i := 0; i < it.NumMethod(); i++ {
			out = append(out, prefix+":"+it.Method(i).Name)
		}
	}
	sort.Strings(out)
	return out
}

// handlerActions are the calls the handler makes itself.
func handlerActions() []string {
	return interfaceActions(map[string]reflect.Type{
		"sns":            reflect.TypeFor[snsAPI](),
		"s3":             reflect.TypeFor[s3API](),
		"sts":            reflect.TypeFor[stsAPI](),
		"secretsmanager": reflect.TypeFor[secretsAPI](),
	})
}

func TestTemplateRoleIsLeastPrivilege(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	grants := roleGrants(t, tmpl, "AuditRole")

	needed := map[string]bool{}
	for _, a := range append(awslambda.Permissions(), handlerActions()...) {
		needed[a] = true
	}
	// What the Lambda service itself does with the function's role: write its
	// logs, send failed runs to the on-failure queue, and encrypt with the
	// topic's key when publishing. Each is pinned to that one resource below.
	service := map[string]bool{"logs:CreateLogStream": true, "logs:PutLogEvents": true, "sqs:SendMessage": true,
		"kms:GenerateDataKey": true, "kms:Decrypt": true}
	// Every write the role may make, and the only resource it may make it on.
	writes := map[string]any{
		"sns:Publish": map[string]any{"Ref": "DigestTopic"},
		"s3:PutObject": []any{
			map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::${ReportBucketName}/fnaudit/reports/*"},
			map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::${ReportBucketName}/fnaudit/runs/*"},
		},
		"sts:AssumeRole":       map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${OrgRoleName}"},
		"logs:CreateLogStream": map[string]any{"Fn::Sub": "${AuditLogGroup.Arn}"},
		"logs:PutLogEvents":    map[string]any{"Fn::Sub": "${AuditLogGroup.Arn}"},
		"sqs:SendMessage":      map[string]any{"Fn::GetAtt": []any{"FailedRuns", "Arn"}},
		"kms:GenerateDataKey": map[string]any{"Fn::If": []any{"CreateTopicKey",
			map[string]any{"Fn::GetAtt": []any{"TopicKey", "Arn"}}, map[string]any{"Ref": "TopicKmsKeyArn"}}},
		"kms:Decrypt": map[string]any{"Fn::If": []any{"CreateTopicKey",
			map[string]any{"Fn::GetAtt": []any{"TopicKey", "Arn"}}, map[string]any{"Ref": "TopicKmsKeyArn"}}},
	}
	// Reads pinned to what the configuration names.
	pinned := map[string]any{
		"s3:GetObject":                  map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::${SuppressionsObject}"},
		"secretsmanager:GetSecretValue": nil, // checked per statement below
	}

	granted := map[string]bool{}
	for _, g := range grants {
		granted[g.action] = true
		if strings.ContainsAny(g.action, "*?") {
			t.Errorf("%s: wildcard action %s; list the calls", g.sid, g.action)
		}
		if !needed[g.action] && !service[g.action] {
			t.Errorf("%s: %s is granted but no code calls it", g.sid, g.action)
		}
		level, ok := catalog.AWSAccessLevel(g.action)
		if !ok {
			t.Errorf("%s: %s is not an AWS action the catalog knows", g.sid, g.action)
			continue
		}
		if want, isWrite := writes[g.action]; isWrite {
			if diff := cmp.Diff(want, g.resource); diff != "" {
				t.Errorf("%s: %s on an unexpected resource (-want +got):\n%s", g.sid, g.action, diff)
			}
			continue
		}
		if level != catalog.List && level != catalog.Read {
			t.Errorf("%s: %s is a %s action; the role may only read (and publish its digest)", g.sid, g.action, level)
		}
		if want, ok := pinned[g.action]; ok {
			if g.action == "secretsmanager:GetSecretValue" {
				ref, _ := g.resource.(map[string]any)
				if name, _ := ref["Ref"].(string); !strings.HasSuffix(name, "CredentialsSecretArn") || g.condition == "" {
					t.Errorf("%s: %s must be limited to a named secret, when configured: %v", g.sid, g.action, g.resource)
				}
				continue
			}
			if diff := cmp.Diff(want, g.resource); diff != "" {
				t.Errorf("%s: %s on an unexpected resource (-want +got):\n%s", g.sid, g.action, diff)
			}
		}
	}
	for a := range needed {
		if !granted[a] {
			t.Errorf("the code calls %s but the role does not allow it", a)
		}
	}
	// The org role may be assumed only inside the organization, whatever
	// account a scope override names; the template refuses an org role
	// without the organization's id.
	for _, g := range grants {
		if g.action != "sts:AssumeRole" {
			continue
		}
		want := map[string]any{"StringEquals": map[string]any{"aws:ResourceOrgID": map[string]any{"Ref": "OrganizationId"}}}
		if diff := cmp.Diff(want, g.when); diff != "" {
			t.Errorf("%s: sts:AssumeRole condition (-want +got):\n%s", g.sid, diff)
		}
	}
	rule := dig(t, tmpl, "Rules", "OrgRoleNeedsOrganization")
	if diff := cmp.Diff(map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "OrgRoleName"}, ""}}}},
		dig(t, rule, "RuleCondition")); diff != "" {
		t.Errorf("rule condition (-want +got):\n%s", diff)
	}
	if got := fmt.Sprint(dig(t, rule, "Assertions")); !strings.Contains(got, "OrganizationId") {
		t.Errorf("rule assertions %s do not require OrganizationId", got)
	}
	// Optional grants depend on the parameter that configures them.
	for _, g := range grants {
		want := map[string]string{"sts:AssumeRole": "HasOrgRole", "s3:GetObject": "HasSuppressions", "s3:PutObject": "HasReportBucket"}[g.action]
		if want != "" && g.condition != want {
			t.Errorf("%s: %s is granted under condition %q, want %q", g.sid, g.action, g.condition, want)
		}
	}
}

// The role keeps the collector's own statements: auditor-policy.json's
// statements appear in the template with the same actions.
func TestTemplateMatchesAuditorPolicy(t *testing.T) {
	t.Parallel()
	var pol struct {
		Statement []struct {
			Sid    string
			Action []string
		}
	}
	if err := yaml.Unmarshal(awslambda.AuditorPolicy(), &pol); err != nil {
		t.Fatal(err)
	}
	bySid := map[string][]string{}
	for _, g := range roleGrants(t, loadTemplate(t, "template.yaml"), "AuditRole") {
		bySid[g.sid] = append(bySid[g.sid], g.action)
	}
	for _, st := range pol.Statement {
		if diff := cmp.Diff(st.Action, bySid[st.Sid]); diff != "" {
			t.Errorf("statement %s differs from auditor-policy.json (-policy +template):\n%s", st.Sid, diff)
		}
	}
}

func TestTemplateFunction(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	fn := dig(t, tmpl, "Resources", "AuditFunction", "Properties").(map[string]any)
	for key, want := range map[string]any{
		"Runtime":                      "provided.al2023",
		"Architectures":                []any{"arm64"},
		"Handler":                      "bootstrap",
		"Timeout":                      "900",
		"ReservedConcurrentExecutions": "1",
		"Role":                         map[string]any{"Fn::GetAtt": []any{"AuditRole", "Arn"}},
	} {
		if diff := cmp.Diff(want, fn[key]); diff != "" {
			t.Errorf("AuditFunction %s (-want +got):\n%s", key, diff)
		}
	}
	if got := dig(t, fn, "Events", "Audit", "Properties", "Schedule"); !cmp.Equal(got, map[string]any{"Ref": "Schedule"}) {
		t.Errorf("schedule = %v", got)
	}
	if got := dig(t, tmpl, "Parameters", "Schedule", "Default"); got != "rate(1 day)" {
		t.Errorf("default schedule = %v", got)
	}
	if got := dig(t, fn, "EventInvokeConfig", "DestinationConfig", "OnFailure", "Destination"); got == nil {
		t.Error("no on-failure destination")
	}
	if got := dig(t, tmpl, "Resources", "DigestTopic", "Properties", "KmsMasterKeyId"); got == nil {
		t.Error("the topic is not KMS-encrypted")
	}
	if got := dig(t, tmpl, "Resources", "EmailSubscription", "Properties", "Protocol"); got != "email" {
		t.Errorf("subscription protocol = %v", got)
	}
	if got := dig(t, tmpl, "Resources", "ErrorsAlarm", "Properties", "MetricName"); got != "Errors" {
		t.Errorf("alarm metric = %v", got)
	}
	// Every variable the template sets is one the function reads.
	known := map[string]bool{}
	for _, d := range envDocs {
		known[d[0]] = true
	}
	vars := dig(t, fn, "Environment", "Variables").(map[string]any)
	for name := range vars {
		if !known[name] {
			t.Errorf("template sets %s, which the function does not read", name)
		}
	}
	if !cmp.Equal(vars[envTopicARN], map[string]any{"Ref": "DigestTopic"}) {
		t.Errorf("%s = %v", envTopicARN, vars[envTopicARN])
	}
}

// The member role grants the collector's calls that run inside member
// accounts: all of them except the organization and sts calls.
func TestMemberRole(t *testing.T) {
	t.Parallel()
	var want, got []string
	for _, a := range awslambda.Permissions() {
		if !strings.HasPrefix(a, "organizations:") && !strings.HasPrefix(a, "sts:") {
			want = append(want, a)
		}
	}
	for _, g := range roleGrants(t, loadTemplate(t, "member-role.yaml"), "ReaderRole") {
		got = append(got, g.action)
		if level, _ := catalog.AWSAccessLevel(g.action); level != catalog.List && level != catalog.Read {
			t.Errorf("member role grants %s (%s)", g.action, level)
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("member role actions (-calls +granted):\n%s", diff)
	}
}

// TestTemplateLint runs cfn-lint (AWS's CloudFormation linter, which expands the
// SAM transform and checks resource schemas) when it is installed.
func TestTemplateLint(t *testing.T) {
	t.Parallel()
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not on PATH; install it with: pip install cfn-lint")
	}
	out, err := exec.Command(lint, "template.yaml", "member-role.yaml").CombinedOutput()
	if err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}
