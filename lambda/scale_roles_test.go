package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestStepsCallOnlyWhatTheirRolesAllow runs each organization-scale step
// through the handler against the local AWS server, recording every call,
// and checks each call the function makes with its own credentials against
// the role the template gives the function that runs the step: plan and
// collect run in AuditFunction (AuditRole at Scale=organization), publish in
// PublishFunction (PublishRole). The local server enforces no IAM, so a
// grant the code needs but the template lacks would otherwise show only in
// AWS.
func TestStepsCallOnlyWhatTheirRolesAllow(t *testing.T) {
	t.Parallel()
	const bucket, execution = "acme-fnaudit", "run-roles"
	hs := scaleHarness(t, env{envReportBucket: bucket, envOrgRole: "fnaudit-member",
		envSuppressions: "s3://" + roleTestSuppressions}, partialEstate(t))
	putRoleTestSuppressions(hs)
	// Scale=organization, with an org role, suppressions and the stack's
	// own bucket and topic key.
	roles := templateRoles(t, map[string]bool{"OrganizationScale": true, "HasOrgRole": true, "HasSuppressions": true}, bucket)

	hs.srv.RecordCalls()
	ctx := context.Background()
	step := func(name, role string, ev []byte) ([]awstest.Call, *Result) {
		t.Helper()
		res, err := hs.invoke(t, ctx, ev)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		calls := hs.srv.TakeCalls()
		checkCalls(t, name, role, roles[role], calls)
		return calls, res
	}

	ops := func(calls []awstest.Call) string {
		var out []string
		for _, c := range calls {
			out = append(out, c.Op)
		}
		return strings.Join(out, " ")
	}

	calls, plan := step("plan", "AuditRole", scaleEvent(modePlan, execution, nil))
	if !strings.Contains(ops(calls), "s3:PutObject") {
		t.Errorf("plan wrote nothing: %s", ops(calls))
	}
	data, _ := hs.srv.S3().Object(bucket, plan.Step.Key)
	var items []WorkItem
	if err := json.Unmarshal(data, &items); err != nil || len(items) == 0 {
		t.Fatalf("items %s: %v", data, err)
	}
	for _, it := range items {
		calls, _ := step("collect "+it.name(), "AuditRole", scaleEvent(modeCollect, execution, &it))
		// The step reads the plan's organization listing and writes its
		// partial and analysis.
		if o := ops(calls); !strings.Contains(o, "s3:GetObject") || strings.Count(o, "s3:PutObject") < 2 {
			t.Errorf("collect %s: %s", it.name(), o)
		}
	}
	// Twice: the second run reads the first one's report as its baseline.
	for _, run := range []string{"publish", "publish again"} {
		calls, res := step(run, "PublishRole", scaleEvent(modePublish, execution, nil))
		if res.MessageID == "" || !strings.Contains(ops(calls), "sns:Publish") {
			t.Errorf("%s did not publish: %+v", run, res)
		}
	}
	if s := ops(hs.srv.TakeCalls()); s != "" {
		t.Errorf("calls after the steps: %s", s)
	}
}

// TestSingleRunCallsOnlyWhatItsRoleAllows: at Scale=single the function
// audits, writes its reports and publishes under AuditRole alone.
func TestSingleRunCallsOnlyWhatItsRoleAllows(t *testing.T) {
	t.Parallel()
	const bucket = "acme-fnaudit"
	hs := newHarness(t, env{envReportBucket: bucket, envSuppressions: "s3://" + roleTestSuppressions}, static(findingsEstate()))
	putRoleTestSuppressions(hs)
	roles := templateRoles(t, map[string]bool{"SingleScale": true, "HasSuppressions": true, "SingleWithSuppressions": true}, bucket)
	hs.srv.RecordCalls()
	event := readFile(t, "scheduled-event.json")
	// Twice (another event the second time): the second run reads the first
	// one's report as its baseline.
	for i, ev := range [][]byte{event, []byte(strings.Replace(string(event), "53dc4d37", "0f0f0f0f", 1))} {
		res, err := hs.invoke(t, context.Background(), ev)
		if err != nil || res.MessageID == "" {
			t.Fatalf("run %d: %+v, %v", i, res, err)
		}
		calls := hs.srv.TakeCalls()
		checkCalls(t, fmt.Sprintf("run %d", i), "AuditRole", roles["AuditRole"], calls)
		if len(calls) < 5 {
			t.Errorf("run %d made %d calls", i, len(calls))
		}
	}
}

// roleTestSuppressions is the suppressions object (bucket/key) of the role
// tests, in a bucket of its own as SuppressionsObject allows.
const roleTestSuppressions = "acme-config/fnaudit/suppressions.yaml"

func putRoleTestSuppressions(hs *harness) {
	b, key, _ := strings.Cut(roleTestSuppressions, "/")
	hs.srv.S3().CreateBucket(b, securityID)
	hs.srv.S3().PutObject(b, key, []byte("suppressions:\n  - rule: FNA-AWS-006\n    resource: \"**\"\n    reason: legacy\n"))
}

// templateRoles is the grants of the template's two function roles that
// hold under conds (every other condition false), their resources resolved
// for the stack's own bucket and topic key, the suppressions object and
// the org role fnaudit-member.
func templateRoles(t *testing.T, conds map[string]bool, bucket string) map[string][]allowed {
	t.Helper()
	tmpl := loadTemplate(t, "template.yaml")
	params := map[string]string{"AWS::Partition": "aws", "Bucket": bucket, "ReportBucket": bucket,
		"SuppressionsObject": roleTestSuppressions, "DigestTopic": topicARN, "OrgRoleName": "fnaudit-member"}
	roles := map[string][]allowed{}
	for _, role := range []string{"AuditRole", "PublishRole"} {
		for _, g := range roleGrants(t, tmpl, role) {
			if g.condition == "" || conds[g.condition] {
				roles[role] = append(roles[role], allowed{g.sid, g.action, resourcePatterns(g.resource, params)})
			}
		}
	}
	return roles
}

// checkCalls fails for each call the function made with its own
// credentials that role's grants do not allow. Calls in member accounts are
// an assumed role's (member-role.yaml).
func checkCalls(t *testing.T, step, role string, grants []allowed, calls []awstest.Call) {
	t.Helper()
	for _, c := range calls {
		if c.Account != securityID {
			continue
		}
		if sid, ok := permits(grants, c); !ok {
			t.Errorf("%s calls %s on %q: %s does not allow it", step, iamAction(c.Op), c.Resource, role)
		} else {
			t.Logf("%s: %s %s (%s %s)", step, c.Op, c.Resource, role, sid)
		}
	}
}

// allowed is one grant of a role, its resources as ARN patterns.
type allowed struct {
	sid, action string
	resources   []*regexp.Regexp
}

// iamAction is the IAM action that authorizes a call: S3 authorizes the
// multipart upload calls, all but the abort, as s3:PutObject.
func iamAction(op string) string {
	switch op {
	case "s3:CreateMultipartUpload", "s3:UploadPart", "s3:CompleteMultipartUpload":
		return "s3:PutObject"
	}
	return op
}

// permits reports whether a grant allows the call, and which.
func permits(grants []allowed, c awstest.Call) (string, bool) {
	arn := c.Resource
	switch {
	case strings.HasPrefix(c.Op, "s3:"):
		arn = "arn:aws:s3:::" + c.Resource
	case c.Resource == "":
		arn = "*"
	}
	for _, g := range grants {
		if g.action != iamAction(c.Op) {
			continue
		}
		for _, re := range g.resources {
			if re.MatchString(arn) {
				return g.sid, true
			}
		}
	}
	return "", false
}

// resourcePatterns resolves a statement's Resource as the template writes it
// (a string, a list, !Ref, !Sub with or without variables) into ARN
// patterns. What it cannot resolve (an !If) matches nothing.
func resourcePatterns(v any, params map[string]string) []*regexp.Regexp {
	glob := func(s string) *regexp.Regexp {
		parts := strings.Split(s, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
	}
	sub := func(s string) (string, bool) {
		ok := true
		out := regexp.MustCompile(`\$\{([^}]+)\}`).ReplaceAllStringFunc(s, func(m string) string {
			v, found := params[m[2:len(m)-1]]
			ok = ok && found
			return v
		})
		return out, ok
	}
	switch r := v.(type) {
	case string:
		return []*regexp.Regexp{glob(r)}
	case []any:
		var out []*regexp.Regexp
		for _, e := range r {
			out = append(out, resourcePatterns(e, params)...)
		}
		return out
	case map[string]any:
		if ref, ok := r["Ref"].(string); ok {
			if p, ok := params[ref]; ok {
				return []*regexp.Regexp{glob(p)}
			}
			return nil
		}
		var s string
		switch x := r["Fn::Sub"].(type) {
		case string:
			s = x
		case []any:
			s = fmt.Sprint(x[0]) // the variables are the bucket's, in params
		default:
			return nil
		}
		if arn, ok := sub(s); ok {
			return []*regexp.Regexp{glob(arn)}
		}
	}
	return nil
}
