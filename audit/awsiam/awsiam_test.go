package awsiam

import (
	"slices"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/internal/shareddata"
)

func TestAdmin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		id          *audit.Identity
		admin, cond bool
	}{
		{"AdministratorAccess", role(managed("AdministratorAccess", docAdministratorAccess)), true, false},
		{"AdministratorAccess listed without its document",
			role(audit.Policy{Kind: audit.PolicyAWSManaged, Name: "AdministratorAccess", ID: "arn:aws:iam::aws:policy/AdministratorAccess"}), true, false},
		{"PowerUserAccess cannot manage IAM", role(managed("PowerUserAccess", docPowerUserAccess)), false, false},
		{"ReadOnlyAccess", role(managed("ReadOnlyAccess", docReadOnlyAccess)), false, false},
		{"IAMFullAccess is not every action", role(managed("IAMFullAccess", docIAMFullAccess)), false, false},
		{"NotAction with one exclusion is still admin", role(inline("almost-all",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:DeleteAccountPasswordPolicy","Resource":"*"}}`)), true, false},
		{"union of service wildcards", role(inline("split",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)), true, false},
		{"star on one bucket is not admin", role(inline("bucket",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::orders"}}`)), false, false},
		{"conditional admin", role(inline("regional",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*",
			"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}}`)), true, true},
		{"boundary removes admin", withBoundary(role(managed("AdministratorAccess", docAdministratorAccess)),
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","logs:*","dynamodb:*"],"Resource":"*"}}`), false, false},
		{"permissive boundary keeps admin", withBoundary(role(managed("AdministratorAccess", docAdministratorAccess)),
			docAdministratorAccess), true, false},
		{"deny on IAM removes admin", role(managed("AdministratorAccess", docAdministratorAccess), inline("guard",
			`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:*","Resource":"*"}}`)), false, false},
		{"deny on S3 leaves admin", role(managed("AdministratorAccess", docAdministratorAccess), inline("guard",
			`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`)), true, false},
		{"conditional deny is not applied", role(managed("AdministratorAccess", docAdministratorAccess), inline("guard",
			`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:*","Resource":"*",
			"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}}`)), true, false},
		{"basic execution", role(managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution)), false, false},
	}
	for _, tt := range tests {
		r := Analyze(tt.id)
		v := r.Admin()
		if v.Admin != tt.admin || v.Conditional != tt.cond {
			t.Errorf("%s: Admin = %v (conditional %v), want %v (%v); missing %d %v; problems %v",
				tt.name, v.Admin, v.Conditional, tt.admin, tt.cond, v.Missing, v.MissingServices, r.Problems)
		}
		if v.Admin && len(v.Grants) == 0 {
			t.Errorf("%s: admin verdict without grants", tt.name)
		}
	}
}

func TestAdminMissing(t *testing.T) {
	t.Parallel()
	r := Analyze(role(managed("AdministratorAccess", docAdministratorAccess), inline("guard",
		`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`)))
	v := r.Admin()
	if v.Missing != catalog.ExpandAWSSet("s3:*").Len() || !slices.Equal(v.MissingServices, []string{"s3"}) {
		t.Errorf("missing = %d %v", v.Missing, v.MissingServices)
	}
}

func TestProblems(t *testing.T) {
	t.Parallel()
	r := Analyze(role(inline("broken", `{"Version":"2012-10-17","Statement":{"Effect":"Perhaps","Action":"*","Resource":"*"}}`),
		audit.Policy{Kind: audit.PolicyManaged, Name: "empty", ID: "arn:aws:iam::123456789012:policy/empty"},
		managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution)))
	if len(r.Problems) != 2 {
		t.Fatalf("problems = %q, want 2", r.Problems)
	}
	if !strings.Contains(r.Problems[0], "broken") || !strings.Contains(r.Problems[1], "policy/empty") {
		t.Errorf("problems do not name the policies: %q", r.Problems)
	}
	if !r.Allowed("logs:PutLogEvents").Allowed() {
		t.Error("the readable policy was dropped with the broken ones")
	}
}

func methodIDs(es []Escalation) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Method.ID)
	}
	return out
}

func TestEscalations(t *testing.T) {
	t.Parallel()
	passRoleAll := `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`
	createInvoke := `{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}`
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	tests := []struct {
		name     string
		id       *audit.Identity
		want     []string // must be present
		absent   []string // must not be present
		none     bool     // no method at all
		condWant map[string]bool
	}{
		{name: "basic execution role", id: role(managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution)), none: true},
		{name: "read only", id: role(managed("ReadOnlyAccess", docReadOnlyAccess)), none: true},
		{name: "PassRole + CreateFunction + InvokeFunction", id: role(inline("deployer", doc(passRoleAll, createInvoke))),
			want: []string{"passrole-lambda-create-invoke"}, condWant: map[string]bool{"passrole-lambda-create-invoke": false}},
		{name: "CreateFunction without PassRole (near miss)", id: role(inline("deployer", doc(createInvoke))),
			absent: []string{"passrole-lambda-create-invoke"}},
		{name: "PassRole of itself only (near miss)", id: role(inline("deployer", doc(
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"`+roleARN+`"}`, createInvoke))),
			absent: []string{"passrole-lambda-create-invoke"}},
		{name: "PassRole to another named role", id: role(inline("deployer", doc(
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/etl-admin"}`, createInvoke))),
			want: []string{"passrole-lambda-create-invoke"}},
		{name: "PassRole pinned to EC2 does not serve Lambda (near miss)", id: role(inline("deployer", doc(
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}`,
			createInvoke))), absent: []string{"passrole-lambda-create-invoke"}},
		{name: "PassRole pinned to EC2 serves RunInstances", id: role(inline("deployer", doc(
			`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}`,
			`{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}`))),
			want: []string{"passrole-ec2-run-instances"}, condWant: map[string]bool{"passrole-ec2-run-instances": false}},
		{name: "PassRole only on an S3 ARN grants no PassRole (near miss)", id: role(inline("mixed", doc(
			`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","iam:PassRole"],"Resource":"arn:aws:s3:::uploads/*"}`, createInvoke))),
			absent: []string{"passrole-lambda-create-invoke"}},
		{name: "AssumeRole resource is an IAM role ARN", id: role(inline("hop", doc(
			`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/*"}`))), want: []string{"sts-assume-role"}},
		{name: "denied PassRole", id: role(inline("deployer", doc(passRoleAll, createInvoke,
			`{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}`))), absent: []string{"passrole-lambda-create-invoke"}},
		{name: "Lambda full access", id: role(managed("AWSLambda_FullAccess", docLambdaFullAccess)),
			want:     []string{"passrole-lambda-create-invoke", "passrole-lambda-create-event-source", "lambda-update-function-code", "lambda-update-function-configuration"},
			condWant: map[string]bool{"passrole-lambda-create-invoke": false}},
		{name: "IAM full access", id: role(managed("IAMFullAccess", docIAMFullAccess)),
			want:   []string{"iam-create-policy-version", "iam-attach-role-policy", "iam-put-role-policy", "iam-create-access-key", "iam-delete-role-permissions-boundary"},
			absent: []string{"iam-update-assume-role-policy", "sts-assume-role"}},
		{name: "PowerUser takes over functions but cannot touch IAM", id: role(managed("PowerUserAccess", docPowerUserAccess)),
			want:   []string{"lambda-update-function-code", "ssm-send-command", "sts-assume-role"},
			absent: []string{"iam-attach-role-policy", "passrole-lambda-create-invoke"}},
		{name: "AssumeRole of one named role is delegation (near miss)", id: role(inline("cross", doc(
			`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::210987654321:role/reader"}`))), none: true},
		{name: "wildcard put on own role", id: role(inline("self", doc(
			`{"Effect":"Allow","Action":"iam:Put*","Resource":"`+roleARN+`"}`))), want: []string{"iam-put-role-policy"}},
		{name: "conditional attach", id: role(inline("cond", doc(
			`{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}`))),
			want: []string{"iam-attach-role-policy"}, condWant: map[string]bool{"iam-attach-role-policy": true}},
		{name: "boundary removes escalation", id: withBoundary(role(managed("AdministratorAccess", docAdministratorAccess)),
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","logs:*"],"Resource":"*"}}`), none: true},
		{name: "admin has them all", id: role(managed("AdministratorAccess", docAdministratorAccess)),
			want: []string{"iam-create-policy-version", "passrole-lambda-create-invoke", "iam-update-assume-role-policy"}},
	}
	for _, tt := range tests {
		r := Analyze(tt.id)
		es := r.Escalations()
		got := methodIDs(es)
		if tt.none && len(got) > 0 {
			t.Errorf("%s: escalations %v, want none", tt.name, got)
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: missing %s in %v", tt.name, w, got)
			}
		}
		for _, a := range tt.absent {
			if slices.Contains(got, a) {
				t.Errorf("%s: unexpected %s", tt.name, a)
			}
		}
		for _, e := range es {
			if want, ok := tt.condWant[e.Method.ID]; ok && e.Conditional != want {
				t.Errorf("%s: %s conditional = %v, want %v", tt.name, e.Method.ID, e.Conditional, want)
			}
			if len(e.Steps) != len(e.Method.Requires) || len(e.Grants()) == 0 {
				t.Errorf("%s: %s has %d steps, %d grants", tt.name, e.Method.ID, len(e.Steps), len(e.Grants()))
			}
		}
	}
}

func TestMethodsTable(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, m := range methods {
		if seen[m.ID] {
			t.Errorf("duplicate method id %s", m.ID)
		}
		seen[m.ID] = true
		if m.Description == "" || len(m.Catalogues) == 0 || len(m.Requires) == 0 {
			t.Errorf("%s: incomplete entry", m.ID)
		}
		for _, c := range m.Catalogues {
			if references[c] == "" {
				t.Errorf("%s: catalogue %q has no reference", m.ID, c)
			}
		}
		passes := false
		for _, a := range m.Requires {
			if _, ok := catalog.AWSAccessLevel(a); !ok {
				t.Errorf("%s: action %s is not in the AWS catalog", m.ID, a)
			}
			if a == "iam:PassRole" {
				passes = true
			}
		}
		if passes != (m.PassTo != "") {
			t.Errorf("%s: PassTo %q does not match its use of iam:PassRole", m.ID, m.PassTo)
		}
	}
	// The Rhino Security Labs list the issue names must all be present.
	for _, id := range []string{"iam-create-policy-version", "iam-set-default-policy-version", "iam-create-access-key",
		"iam-create-login-profile", "iam-update-login-profile", "iam-attach-user-policy", "iam-attach-group-policy",
		"iam-attach-role-policy", "iam-put-user-policy", "iam-put-group-policy", "iam-put-role-policy",
		"iam-add-user-to-group", "iam-update-assume-role-policy", "passrole-ec2-run-instances",
		"passrole-lambda-create-invoke", "passrole-lambda-create-event-source", "lambda-update-function-code",
		"lambda-update-function-configuration", "passrole-glue-create-dev-endpoint", "glue-update-dev-endpoint",
		"passrole-cloudformation-create-stack", "passrole-datapipeline"} {
		if !seen[id] {
			t.Errorf("method %s missing", id)
		}
	}
	if _, ok := MethodByID("passrole-ecs-run-task"); !ok {
		t.Error("MethodByID")
	}
}

func TestWildcards(t *testing.T) {
	t.Parallel()
	one := func(stmt string) *audit.Identity {
		return role(inline("app", `{"Version":"2012-10-17","Statement":[`+stmt+`]}`))
	}
	tests := []struct {
		name  string
		id    *audit.Identity
		sev   audit.Severity // "" = no finding
		level catalog.AccessLevel
		wide  []string
	}{
		{"basic execution is baseline", role(managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution)), "", "", nil},
		{"VPC access is baseline", one(`{"Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces",
			"ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}`), "", "", nil},
		{"s3:* on *", one(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), audit.High, catalog.PermissionsManagement, []string{"s3:*"}},
		{"s3:* on one bucket", one(`{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::orders","arn:aws:s3:::orders/*"]}`),
			audit.Medium, catalog.PermissionsManagement, []string{"s3:*"}},
		{"sqs:* on one queue", one(`{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders"}`),
			audit.Medium, catalog.PermissionsManagement, []string{"sqs:*"}},
		{"write on *", one(`{"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:GetItem"],"Resource":"*"}`), audit.Medium, catalog.Write, nil},
		{"write on named table", one(`{"Effect":"Allow","Action":["dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}`), "", "", nil},
		{"permissions management on *", one(`{"Effect":"Allow","Action":"iam:*Policy*","Resource":"*"}`), audit.High, catalog.PermissionsManagement, nil},
		{"read wildcard on *", one(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`), audit.Low, catalog.Read, nil},
		{"read action on *", one(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), "", "", nil},
		{"tagging on *", one(`{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*"}`), "", "", nil},
		{"action without resource-level permissions", one(`{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords"],"Resource":"*"}`), "", "", nil},
		{"conditional s3:*", one(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}`),
			audit.Medium, catalog.PermissionsManagement, []string{"s3:*"}},
		{"admin", role(managed("AdministratorAccess", docAdministratorAccess)), audit.High, catalog.PermissionsManagement, []string{"*"}},
		{"power user NotAction", role(managed("PowerUserAccess", docPowerUserAccess)), audit.High, catalog.PermissionsManagement, []string{"NotAction"}},
		{"read only", role(managed("ReadOnlyAccess", docReadOnlyAccess)), audit.Low, catalog.Read, nil},
		{"boundary narrows s3:* to reads", withBoundary(one(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`),
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}}`),
			audit.Low, catalog.Read, nil},
		{"permissive boundary keeps s3:* service-wide", withBoundary(one(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), docAdministratorAccess),
			audit.High, catalog.PermissionsManagement, []string{"s3:*"}},
		{"admin inside a narrow boundary", withBoundary(role(managed("AdministratorAccess", docAdministratorAccess)),
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},
			{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::acme-reports/*"}]}`), "", "", nil},
		{"admin inside a boundary allowing sqs:* on one queue", withBoundary(role(managed("AdministratorAccess", docAdministratorAccess)),
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:eu-west-1:123456789012:jobs"}}`),
			audit.Medium, catalog.PermissionsManagement, []string{"sqs:*"}},
		{"deny removes the wildcard", role(inline("app", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"sns:*","Resource":"*"},{"Effect":"Deny","Action":"sns:*","Resource":"*"}]}`)), "", "", nil},
	}
	for _, tt := range tests {
		ws := Analyze(tt.id).Wildcards()
		if tt.sev == "" {
			if len(ws) > 0 {
				t.Errorf("%s: %d wildcard grants (%s %s), want none", tt.name, len(ws), ws[0].Severity, ws[0].Examples)
			}
			continue
		}
		if len(ws) == 0 {
			t.Errorf("%s: no wildcard grant, want %s", tt.name, tt.sev)
			continue
		}
		w := ws[0]
		for _, x := range ws[1:] {
			if x.Severity.Rank() > w.Severity.Rank() {
				w = x
			}
		}
		if w.Severity != tt.sev || w.Level != tt.level || !slices.Equal(w.ServiceWide, tt.wide) {
			t.Errorf("%s: got %s/%s/%v, want %s/%s/%v", tt.name, w.Severity, w.Level, w.ServiceWide, tt.sev, tt.level, tt.wide)
		}
		if w.Actions == 0 || len(w.Examples) == 0 || len(w.Services) == 0 {
			t.Errorf("%s: empty description %+v", tt.name, w)
		}
	}
}

func TestAllowedAndEvidence(t *testing.T) {
	t.Parallel()
	r := Analyze(role(inline("app", `{"Version":"2012-10-17","Statement":[
		{"Sid":"Orders","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],
		 "Resource":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}]}`)))
	acc := r.Allowed("DynamoDB:putitem")
	if !acc.Allowed() || !acc.Unconditional() || acc.Action != "dynamodb:PutItem" {
		t.Fatalf("Allowed = %+v", acc)
	}
	ev := acc.Grants[0].Evidence()
	if ev.Path != "app.Statement[Sid=Orders]" || ev.Source.API != "iam:GetRolePolicy" ||
		!strings.HasPrefix(ev.Fragment, `{"Sid":"Orders"`) {
		t.Errorf("evidence = %+v", ev)
	}
	if r.Allowed("dynamodb:DeleteTable").Allowed() {
		t.Error("DeleteTable allowed")
	}
	// An action the catalog does not know is still matched by pattern.
	r = Analyze(role(inline("future", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"newsvc:*","Resource":"*"}}`)))
	if !r.Allowed("newsvc:DoThing").Allowed() {
		t.Error("unknown action not matched by its pattern")
	}
}

func TestBoundaryIntersection(t *testing.T) {
	t.Parallel()
	r := Analyze(withBoundary(role(inline("app", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)),
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::uploads/*"}}`))
	acc := r.Allowed("s3:PutObject")
	if !acc.Allowed() || !slices.Equal(acc.Grants[0].Resources, []string{"arn:aws:s3:::uploads/*"}) {
		t.Errorf("PutObject through boundary = %+v", acc.Grants)
	}
	if r.Allowed("s3:DeleteBucket").Allowed() {
		t.Error("boundary did not remove DeleteBucket")
	}
	// A Deny on one bucket does not remove a grant on "*".
	r = Analyze(role(inline("app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
		{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::audit-logs/*"}]}`)))
	if !r.Allowed("s3:PutObject").Allowed() {
		t.Error("partial deny removed a * grant")
	}
	// A Deny on a bucket removes a grant on the same bucket's objects.
	r = Analyze(role(inline("app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::audit-logs/2026/*"},
		{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::audit-logs/*"}]}`)))
	if r.Allowed("s3:PutObject").Allowed() {
		t.Error("covering deny did not remove the grant")
	}
}

// TestRealManagedPolicies judges the real AWS managed policies kept beside the
// repository (read only, never committed); it skips when they are absent.
func TestRealManagedPolicies(t *testing.T) {
	docs := shareddata.AWSManagedPolicies(t)
	get := func(arn string) audit.Policy {
		doc, ok := docs[arn]
		if !ok {
			t.Skipf("%s not in the shared data", arn)
		}
		name := arn[strings.LastIndex(arn, "/")+1:]
		return audit.Policy{Kind: audit.PolicyAWSManaged, Name: name, ID: arn, Document: doc}
	}
	tests := []struct {
		arn      string
		admin    bool
		escalate []string
		none     bool
		wildcard bool
	}{
		{arn: "arn:aws:iam::aws:policy/AdministratorAccess", admin: true, escalate: []string{"iam-put-role-policy"}, wildcard: true},
		{arn: "arn:aws:iam::aws:policy/PowerUserAccess", escalate: []string{"lambda-update-function-code"}, wildcard: true},
		{arn: "arn:aws:iam::aws:policy/IAMFullAccess", escalate: []string{"iam-attach-role-policy", "iam-create-policy-version"}, wildcard: true},
		{arn: "arn:aws:iam::aws:policy/AWSLambda_FullAccess", escalate: []string{"passrole-lambda-create-invoke", "lambda-update-function-code"}, wildcard: true},
		{arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", none: true},
		{arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", none: true, wildcard: true},
	}
	for _, tt := range tests {
		r := Analyze(role(get(tt.arn)))
		if len(r.Problems) > 0 {
			t.Errorf("%s: %v", tt.arn, r.Problems)
		}
		if got := r.Admin().Admin; got != tt.admin {
			t.Errorf("%s: admin = %v", tt.arn, got)
		}
		got := methodIDs(r.Escalations())
		if tt.none && len(got) > 0 {
			t.Errorf("%s: escalations %v, want none", tt.arn, got)
		}
		for _, w := range tt.escalate {
			if !slices.Contains(got, w) {
				t.Errorf("%s: missing %s in %v", tt.arn, w, got)
			}
		}
		if got := len(r.Wildcards()) > 0; got != tt.wildcard {
			t.Errorf("%s: wildcard = %v, want %v", tt.arn, got, tt.wildcard)
		}
	}
}

func TestPassRoleTargetsAndCovers(t *testing.T) {
	t.Parallel()
	deployer := Analyze(role(inline("deployer", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/preview-runtime"},
		{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"},
		{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},
		{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::previews/*"}]}`)))
	var e *Escalation
	for _, x := range deployer.Escalations() {
		if x.Method.ID == "passrole-lambda-create-invoke" {
			e = &x
		}
	}
	if e == nil {
		t.Fatal("escalation not found")
	}
	targets, ok := e.PassRoleTargets()
	if !ok || !slices.Equal(targets, []string{"arn:aws:iam::123456789012:role/preview-runtime"}) {
		t.Fatalf("targets = %v, %v", targets, ok)
	}
	weaker := Analyze(&audit.Identity{ID: "arn:aws:iam::123456789012:role/preview-runtime", Policies: []audit.Policy{
		inline("runtime", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":"*"},
			{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::previews/pr-42/*"}]}`)}})
	if !deployer.Covers(weaker) {
		t.Error("deployer should cover a role with a subset of its permissions")
	}
	stronger := Analyze(&audit.Identity{ID: "arn:aws:iam::123456789012:role/preview-runtime", Policies: []audit.Policy{
		inline("runtime", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::billing/*"}]}`)}})
	if deployer.Covers(stronger) {
		t.Error("a role reading another bucket is not covered")
	}
	admin := Analyze(role(managed("AdministratorAccess", docAdministratorAccess)))
	if deployer.Covers(admin) || !admin.Covers(weaker) {
		t.Error("admin coverage")
	}
	// A wildcard PassRole has no listable targets.
	for _, x := range Analyze(role(managed("AWSLambda_FullAccess", docLambdaFullAccess))).Escalations() {
		if _, ok := x.PassRoleTargets(); ok {
			t.Errorf("%s: targets listed for a wildcard PassRole", x.Method.ID)
		}
	}
}
