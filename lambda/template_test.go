package main

import (
	"fmt"
	"maps"
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

// handlerActions are the IAM actions of the calls the handler makes itself.
// IAM authorizes S3's multipart upload calls as s3:PutObject, all but the
// abort.
func handlerActions() []string {
	calls := interfaceActions(map[string]reflect.Type{
		"sns":            reflect.TypeFor[snsAPI](),
		"s3":             reflect.TypeFor[s3API](),
		"sts":            reflect.TypeFor[stsAPI](),
		"secretsmanager": reflect.TypeFor[secretsAPI](),
	})
	for i, c := range calls {
		calls[i] = iamAction(c)
	}
	return calls
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
		"kms:GenerateDataKey": true, "kms:Decrypt": true,
		// The event source mapping polls the change queue (event mode).
		"sqs:ReceiveMessage": true, "sqs:DeleteMessage": true, "sqs:GetQueueAttributes": true}
	// Every write the role may make, and the only resource it may make it on.
	writes := map[string]any{
		"sns:Publish":                  map[string]any{"Ref": "DigestTopic"},
		"WriteReport:s3:PutObject":     []any{bucketPrefix("reports"), bucketPrefix("state")},
		"WriteRunObjects:s3:PutObject": bucketPrefix("runs"),
		"s3:AbortMultipartUpload":      bucketPrefix("reports"),
		"sts:AssumeRole":               map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${OrgRoleName}"},
		"logs:CreateLogStream":         map[string]any{"Fn::Sub": "${AuditLogGroup.Arn}"},
		"logs:PutLogEvents":            map[string]any{"Fn::Sub": "${AuditLogGroup.Arn}"},
		"sqs:SendMessage":              map[string]any{"Fn::GetAtt": []any{"FailedRuns", "Arn"}},
		"sqs:DeleteMessage":            map[string]any{"Fn::GetAtt": []any{"ChangeQueue", "Arn"}},
		"kms:GenerateDataKey": map[string]any{"Fn::If": []any{"CreateTopicKey",
			map[string]any{"Fn::GetAtt": []any{"TopicKey", "Arn"}}, map[string]any{"Ref": "TopicKmsKeyArn"}}},
		"kms:Decrypt": map[string]any{"Fn::If": []any{"CreateTopicKey",
			map[string]any{"Fn::GetAtt": []any{"TopicKey", "Arn"}}, map[string]any{"Ref": "TopicKmsKeyArn"}}},
	}
	// Reads pinned to what the configuration names, by statement.
	pinned := map[string]any{
		"ReadSuppressions:s3:GetObject": map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::${SuppressionsObject}"},
		"ReadState:s3:GetObject":        []any{bucketPrefix("reports"), bucketPrefix("state")},
		"ReadRunObjects:s3:GetObject":   bucketPrefix("runs"),
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
		want, isWrite := writes[g.sid+":"+g.action]
		if !isWrite {
			want, isWrite = writes[g.action]
		}
		if isWrite {
			if diff := cmp.Diff(want, g.resource); diff != "" {
				t.Errorf("%s: %s on an unexpected resource (-want +got):\n%s", g.sid, g.action, diff)
			}
			continue
		}
		if level != catalog.List && level != catalog.Read {
			t.Errorf("%s: %s is a %s action; the role may only read (and publish its digest)", g.sid, g.action, level)
		}
		if g.action == "secretsmanager:GetSecretValue" {
			ref, _ := g.resource.(map[string]any)
			if name, _ := ref["Ref"].(string); !strings.HasSuffix(name, "CredentialsSecretArn") || g.condition == "" {
				t.Errorf("%s: %s must be limited to a named secret, when configured: %v", g.sid, g.action, g.resource)
			}
			continue
		}
		if g.action == "s3:GetObject" {
			want, ok := pinned[g.sid+":"+g.action]
			if !ok {
				t.Errorf("%s: unexpected s3:GetObject statement", g.sid)
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
	// Optional grants depend on the parameter that configures them. At
	// organization scale the role plans and collects: what only publishing
	// needs is PublishRole's (TestTemplatePublishRole), and the collect steps
	// read the plan's objects.
	for _, g := range grants {
		want, ok := map[string]string{"AssumeOrgAuditRole": "HasOrgRole", "ReadSuppressions": "SingleWithSuppressions",
			"ReadState": "SingleScale", "WriteReport": "SingleScale", "PublishDigest": "SingleScale",
			"UseTopicKey": "SingleScale", "AbortReportUpload": "SingleScale",
			"ReadRunObjects": "OrganizationScale", "WriteRunObjects": ""}[g.sid]
		if ok && g.condition != want {
			t.Errorf("%s: %s is granted under condition %q, want %q", g.sid, g.action, g.condition, want)
		}
	}
}

// bucketPrefix is a key prefix of the report bucket, the stack's own or the
// one named, as the role's statements write it.
func bucketPrefix(prefix string) any {
	return map[string]any{"Fn::Sub": []any{"arn:${AWS::Partition}:s3:::${Bucket}/fnaudit/" + prefix + "/*",
		map[string]any{"Bucket": map[string]any{"Fn::If": []any{"CreateReportBucket",
			map[string]any{"Ref": "ReportBucket"}, map[string]any{"Ref": "ReportBucketName"}}}}}}
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

// functionProperties is a function's properties as SAM deploys them: the
// template's Globals.Function under the resource's own.
func functionProperties(t *testing.T, tmpl map[string]any, name string) map[string]any {
	t.Helper()
	props := map[string]any{}
	if g, ok := tmpl["Globals"].(map[string]any); ok {
		if f, ok := g["Function"].(map[string]any); ok {
			maps.Copy(props, f)
		}
	}
	maps.Copy(props, dig(t, tmpl, "Resources", name, "Properties").(map[string]any))
	return props
}

// TestTemplatePublishFunction: at organization scale the publish step runs in
// its own function, the same binary and configuration at its own memory.
func TestTemplatePublishFunction(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	if got := dig(t, tmpl, "Resources", "PublishFunction", "Condition"); got != "OrganizationScale" {
		t.Errorf("PublishFunction condition %v", got)
	}
	audit, publish := functionProperties(t, tmpl, "AuditFunction"), functionProperties(t, tmpl, "PublishFunction")
	for _, key := range []string{"CodeUri", "Handler", "Runtime", "Architectures", "Timeout", "LoggingConfig", "Environment"} {
		if publish[key] == nil || !cmp.Equal(audit[key], publish[key]) {
			t.Errorf("PublishFunction %s = %v, AuditFunction's = %v", key, publish[key], audit[key])
		}
	}
	if want := map[string]any{"Fn::GetAtt": []any{"PublishRole", "Arn"}}; !cmp.Equal(publish["Role"], want) {
		t.Errorf("PublishFunction Role = %v, want PublishRole", publish["Role"])
	}
	if !cmp.Equal(publish["MemorySize"], map[string]any{"Ref": "PublishMemorySize"}) {
		t.Errorf("PublishFunction MemorySize %v", publish["MemorySize"])
	}
	if got := dig(t, tmpl, "Parameters", "PublishMemorySize", "Default"); got != "8192" {
		t.Errorf("PublishMemorySize default %v", got)
	}
}

// TestTemplatePublishRole: the publish step's role reads the run's objects
// and the previous report, writes the reports, publishes the digest and
// writes its logs: nothing else, each on its one resource.
func TestTemplatePublishRole(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	if got := dig(t, tmpl, "Resources", "PublishRole", "Condition"); got != "OrganizationScale" {
		t.Errorf("PublishRole condition %v", got)
	}
	topicKey := map[string]any{"Fn::If": []any{"CreateTopicKey",
		map[string]any{"Fn::GetAtt": []any{"TopicKey", "Arn"}}, map[string]any{"Ref": "TopicKmsKeyArn"}}}
	logs := map[string]any{"Fn::Sub": "${AuditLogGroup.Arn}"}
	want := []grant{
		{sid: "Identify", action: "sts:GetCallerIdentity", resource: "*"},
		{sid: "ReadRunObjects", action: "s3:GetObject", resource: bucketPrefix("runs")},
		{sid: "ReadState", action: "s3:GetObject", resource: []any{bucketPrefix("reports"), bucketPrefix("state")}},
		{sid: "ReadSuppressions", action: "s3:GetObject", condition: "HasSuppressions",
			resource: map[string]any{"Fn::Sub": "arn:${AWS::Partition}:s3:::${SuppressionsObject}"}},
		{sid: "WriteReport", action: "s3:PutObject", resource: []any{bucketPrefix("reports"), bucketPrefix("state")}},
		{sid: "AbortReportUpload", action: "s3:AbortMultipartUpload", resource: bucketPrefix("reports")},
		{sid: "PublishDigest", action: "sns:Publish", resource: map[string]any{"Ref": "DigestTopic"}},
		{sid: "UseTopicKey", action: "kms:GenerateDataKey", resource: topicKey},
		{sid: "UseTopicKey", action: "kms:Decrypt", resource: topicKey},
		{sid: "WriteOwnLogs", action: "logs:CreateLogStream", resource: logs},
		{sid: "WriteOwnLogs", action: "logs:PutLogEvents", resource: logs},
	}
	if diff := cmp.Diff(want, roleGrants(t, tmpl, "PublishRole"), cmp.AllowUnexported(grant{})); diff != "" {
		t.Errorf("PublishRole grants (-want +got):\n%s", diff)
	}
	trust := dig(t, tmpl, "Resources", "PublishRole", "Properties", "AssumeRolePolicyDocument")
	if diff := cmp.Diff(dig(t, tmpl, "Resources", "AuditRole", "Properties", "AssumeRolePolicyDocument"), trust); diff != "" {
		t.Errorf("PublishRole trust differs from AuditRole's (-audit +publish):\n%s", diff)
	}
}

func TestTemplateFunction(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	fn := functionProperties(t, tmpl, "AuditFunction")
	for key, want := range map[string]any{
		"Runtime":                      "provided.al2023",
		"Architectures":                []any{"arm64"},
		"Handler":                      "bootstrap",
		"Timeout":                      "900",
		"MemorySize":                   "1024",
		"ReservedConcurrentExecutions": map[string]any{"Fn::If": []any{"OrganizationScale", map[string]any{"Ref": "AWS::NoValue"}, "1"}},
		"Role":                         map[string]any{"Fn::GetAtt": []any{"AuditRole", "Arn"}},
	} {
		if diff := cmp.Diff(want, fn[key]); diff != "" {
			t.Errorf("AuditFunction %s (-want +got):\n%s", key, diff)
		}
	}
	if fn["Events"] != nil {
		t.Errorf("the function has SAM events %v; EventBridge Scheduler starts it (AuditSchedule)", fn["Events"])
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
	// Alarms go to their own topic, never to the digest's subscribers.
	for _, name := range []string{"ErrorsAlarm", "FailedRunsAlarm", "MissedRunAlarm"} {
		if got := dig(t, tmpl, "Resources", name, "Properties", "AlarmActions"); !cmp.Equal(got, []any{map[string]any{"Ref": "AlarmTopic"}}) {
			t.Errorf("%s actions = %v, want the alarm topic", name, got)
		}
	}
	if got := dig(t, tmpl, "Resources", "AlarmTopic", "Properties", "KmsMasterKeyId"); got == nil {
		t.Error("the alarm topic is not KMS-encrypted")
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
	if !cmp.Equal(vars[envNotify], map[string]any{"Ref": "Notify"}) {
		t.Errorf("%s = %v", envNotify, vars[envNotify])
	}
	if !cmp.Equal(vars[envReportBucket], map[string]any{"Fn::If": []any{"CreateReportBucket",
		map[string]any{"Ref": "ReportBucket"}, map[string]any{"Ref": "ReportBucketName"}}}) {
		t.Errorf("%s = %v, want the stack's bucket unless one is named", envReportBucket, vars[envReportBucket])
	}
}

// The stack's operations: EventBridge Scheduler in a time zone, an alarm when
// no run happened, a log group with retention and its own KMS key, and the
// report bucket's lifecycle rule.
func TestTemplateOperations(t *testing.T) {
	t.Parallel()
	tmpl := loadTemplate(t, "template.yaml")
	res := func(name string, path ...string) any {
		return dig(t, tmpl, append([]string{"Resources", name}, path...)...)
	}
	if got := res("AuditSchedule", "Type"); got != "AWS::Scheduler::Schedule" {
		t.Fatalf("AuditSchedule is %v", got)
	}
	for key, want := range map[string]any{
		"ScheduleExpression":         map[string]any{"Ref": "Schedule"},
		"ScheduleExpressionTimezone": map[string]any{"Ref": "ScheduleTimezone"},
		"State":                      "ENABLED",
	} {
		if got := res("AuditSchedule", "Properties", key); !cmp.Equal(got, want) {
			t.Errorf("AuditSchedule %s = %v, want %v", key, got, want)
		}
	}
	if got := res("AuditSchedule", "Properties", "Target", "Arn"); !cmp.Equal(got, map[string]any{"Fn::If": []any{"OrganizationScale",
		map[string]any{"Ref": "AuditStateMachine"}, map[string]any{"Fn::GetAtt": []any{"AuditFunction", "Arn"}}}}) {
		t.Errorf("schedule target = %v", got)
	}
	// The input, with Scheduler's context attributes filled in as Scheduler
	// does, is an event the handler deduplicates: the same id for every
	// delivery attempt of one scheduled run, another for the next run.
	inputs := res("AuditSchedule", "Properties", "Target", "Input", "Fn::If").([]any)
	input := inputs[2].(string)
	fill := func(when string) []byte {
		r := strings.NewReplacer("<aws.scheduler.schedule-arn>", "arn:aws:scheduler:us-east-1:111122223333:schedule/default/fnaudit-AuditSchedule-x",
			"<aws.scheduler.scheduled-time>", when, "<aws.scheduler.execution-id>", "d32c5kddcf5bb8c3")
		return []byte(r.Replace(input))
	}
	_, id1, err := parseEvent(fill("2026-12-01T06:00:00Z"))
	_, id1again, _ := parseEvent(fill("2026-12-01T06:00:00Z"))
	_, id2, _ := parseEvent(fill("2026-12-02T06:00:00Z"))
	if err != nil || id1 == "" || id1 != id1again || id1 == id2 {
		t.Errorf("scheduler input ids %q, %q, %q (%v): want one stable id per scheduled run", id1, id1again, id2, err)
	}
	// The scheduler's role may invoke the audit function, nothing else.
	// At organization scale it may start the state machine instead.
	grants := roleGrants(t, tmpl, "SchedulerRole")
	if len(grants) != 2 || grants[0].action != "lambda:InvokeFunction" || grants[0].condition != "SingleScale" ||
		!cmp.Equal(grants[0].resource, map[string]any{"Fn::GetAtt": []any{"AuditFunction", "Arn"}}) ||
		grants[1].action != "states:StartExecution" || grants[1].condition != "OrganizationScale" ||
		!cmp.Equal(grants[1].resource, map[string]any{"Ref": "AuditStateMachine"}) {
		t.Errorf("scheduler role grants %+v", grants)
	}

	// No invocation for MissedRunAlarmHours hours: missing data is breaching.
	missed := res("MissedRunAlarm", "Properties").(map[string]any)
	for key, want := range map[string]any{
		"MetricName": "Invocations", "Namespace": "AWS/Lambda", "Statistic": "Sum", "Period": "3600",
		"EvaluationPeriods": map[string]any{"Ref": "MissedRunAlarmHours"}, "DatapointsToAlarm": map[string]any{"Ref": "MissedRunAlarmHours"},
		"Threshold": "1", "ComparisonOperator": "LessThanThreshold", "TreatMissingData": "breaching",
	} {
		if !cmp.Equal(missed[key], want) {
			t.Errorf("MissedRunAlarm %s = %v, want %v", key, missed[key], want)
		}
	}

	// The log group: retention from a parameter, encrypted with a key that
	// CloudWatch Logs of this region may use for this log group.
	lg := res("AuditLogGroup", "Properties").(map[string]any)
	if !cmp.Equal(lg["RetentionInDays"], map[string]any{"Ref": "LogRetentionDays"}) || lg["KmsKeyId"] == nil {
		t.Errorf("log group = %v", lg)
	}
	var logsStatement map[string]any
	for _, st := range res("LogsKey", "Properties", "KeyPolicy", "Statement").([]any) {
		if m := st.(map[string]any); m["Sid"] == "LogsEncrypt" {
			logsStatement = m
		}
	}
	if logsStatement == nil || !cmp.Equal(dig(t, logsStatement, "Principal", "Service"), map[string]any{"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}) {
		t.Errorf("logs key policy statement = %v", logsStatement)
	}
	if got := fmt.Sprint(dig(t, logsStatement, "Condition")); !strings.Contains(got, "kms:EncryptionContext:aws:logs:arn") {
		t.Errorf("logs key use is not limited to the log group: %s", got)
	}

	// The report bucket's lifecycle expires old reports after
	// ReportRetentionDays; the state pointer never expires.
	rules := res("ReportBucket", "Properties", "LifecycleConfiguration", "Rules").([]any)
	var expire map[string]any
	for _, r := range rules {
		m := r.(map[string]any)
		if m["Id"] == "ExpireOldReports" {
			expire = m
		}
		if p, _ := m["Prefix"].(string); strings.HasPrefix(stateKey, p) && p != "" {
			t.Errorf("lifecycle rule %v would expire the state pointer", m["Id"])
		}
	}
	if expire == nil || expire["Prefix"] != reportKeyPrefix || !cmp.Equal(expire["ExpirationInDays"], map[string]any{"Ref": "ReportRetentionDays"}) {
		t.Errorf("ExpireOldReports = %v", expire)
	}
	if got := res("ReportBucket", "Properties", "PublicAccessBlockConfiguration", "RestrictPublicBuckets"); got != "true" {
		t.Errorf("bucket public access block = %v", got)
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
