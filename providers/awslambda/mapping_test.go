package awslambda

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

const fnARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"

func TestMapPolicy(t *testing.T) {
	t.Parallel()
	src := audit.Source{API: "lambda:GetPolicy", Ref: fnARN}
	tests := []struct {
		name      string
		doc       string
		urlInvoke bool
		access    []audit.Access
		triggers  []audit.Trigger
		wantErr   bool
	}{
		{
			name: "api gateway pinned by source arn",
			doc:  doc(`{"Sid":"apigw","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/POST/orders"}}}`),
			access: []audit.Access{{Principal: audit.Principal{Kind: audit.PrincipalService, ID: "apigateway.amazonaws.com"},
				Effect: audit.Allow, Actions: []string{"lambda:InvokeFunction"}, Auth: audit.AuthService, Source: src,
				Condition: `{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/POST/orders"}}`}},
			triggers: []audit.Trigger{{Kind: audit.TriggerAPIGateway, Service: "apigateway.amazonaws.com",
				SourceID: "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/POST/orders", Auth: audit.AuthService, Name: "apigw", Source: src}},
		},
		{
			name: "cross-account root and a role",
			doc:  doc(`{"Sid":"partner","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::210987654321:root","arn:aws:iam::210987654321:role/caller"]},"Action":"lambda:InvokeFunction","Resource":"*"}`),
			access: []audit.Access{
				{Principal: audit.Principal{Kind: audit.PrincipalAccount, ID: "arn:aws:iam::210987654321:root"}, Effect: audit.Allow,
					Actions: []string{"lambda:InvokeFunction"}, Auth: audit.AuthIAM, Source: src},
				{Principal: audit.Principal{Kind: audit.PrincipalSpecific, ID: "arn:aws:iam::210987654321:role/caller"}, Effect: audit.Allow,
					Actions: []string{"lambda:InvokeFunction"}, Auth: audit.AuthIAM, Source: src},
			},
		},
		{
			name:      "lambda:* to an organization can invoke the URL",
			doc:       doc(`{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`),
			urlInvoke: true,
			access: []audit.Access{{Principal: audit.Principal{Kind: audit.PrincipalOrganization, ID: "o-a1b2c3d4e5"}, Effect: audit.Allow,
				Actions: []string{"lambda:*"}, Auth: audit.AuthIAM, Source: src,
				Condition: `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`}},
		},
		{
			name:      "NotAction that leaves InvokeFunctionUrl allowed",
			doc:       doc(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"NotAction":"lambda:DeleteFunction","Resource":"*"}`),
			urlInvoke: true,
			access: []audit.Access{{Principal: audit.Principal{Kind: audit.PrincipalAccount, ID: "123456789012"}, Effect: audit.Allow,
				Actions: []string{"NotAction:lambda:DeleteFunction"}, Auth: audit.AuthIAM, Source: src}},
		},
		{
			name: "a Deny of the URL action does not make URLs matter",
			doc:  doc(`{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*"}`),
			access: []audit.Access{{Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "*"}, Effect: audit.Deny,
				Actions: []string{"lambda:InvokeFunctionUrl"}, Auth: audit.AuthIAM, Source: src}},
		},
		{
			name: "events, scheduler, sns, sqs and an unknown principal",
			doc:  doc(`{"Sid":"e","Effect":"Allow","Principal":{"Service":["events.amazonaws.com","scheduler.amazonaws.com","sns.amazonaws.com","sqs.amazonaws.com","example.com"]},"Action":"lambda:InvokeFunction","Resource":"*"}`),
			access: func() []audit.Access {
				var out []audit.Access
				for _, s := range []string{"events.amazonaws.com", "scheduler.amazonaws.com", "sns.amazonaws.com", "sqs.amazonaws.com", "example.com"} {
					out = append(out, audit.Access{Principal: audit.Principal{Kind: audit.PrincipalService, ID: s}, Effect: audit.Allow,
						Actions: []string{"lambda:InvokeFunction"}, Auth: audit.AuthService, Source: src})
				}
				return out
			}(),
			triggers: []audit.Trigger{
				{Kind: audit.TriggerEvent, Service: "events.amazonaws.com", Auth: audit.AuthService, Name: "e", Source: src},
				{Kind: audit.TriggerSchedule, Service: "scheduler.amazonaws.com", Auth: audit.AuthService, Name: "e", Source: src},
				{Kind: audit.TriggerPubSub, Service: "sns.amazonaws.com", Auth: audit.AuthService, Name: "e", Source: src},
				{Kind: audit.TriggerQueue, Service: "sqs.amazonaws.com", Auth: audit.AuthService, Name: "e", Source: src},
				{Kind: audit.TriggerOther, Service: "example.com", Auth: audit.AuthService, Name: "e", Source: src},
			},
		},
		{name: "not JSON", doc: `{"Statement":`, urlInvoke: true, wantErr: true},
		{name: "not a policy", doc: `{"Statement":[{"Effect":"Maybe"}]}`, urlInvoke: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts, err := mapPolicy(fnARN, "", tt.doc)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if facts.URLInvoke != tt.urlInvoke {
				t.Errorf("URLInvoke = %v, want %v", facts.URLInvoke, tt.urlInvoke)
			}
			if diff := cmp.Diff(tt.access, facts.Access); diff != "" {
				t.Errorf("access (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.triggers, facts.Triggers); diff != "" {
				t.Errorf("triggers (-want +got):\n%s", diff)
			}
			if tt.wantErr {
				if facts.Policy.Document != nil {
					t.Errorf("an unreadable policy was kept: %s", facts.Policy.Document)
				}
				return
			}
			if string(facts.Policy.Document) != tt.doc || facts.Policy.Source != src {
				t.Errorf("policy kept as %s from %+v", facts.Policy.Document, facts.Policy.Source)
			}
		})
	}
}

func TestMapFunctionEnvironmentError(t *testing.T) {
	t.Parallel()
	fn, gap := mapFunction("123456789012", "us-east-1", &lambdatypes.FunctionConfiguration{
		FunctionName: aws.String("orders"), FunctionArn: aws.String(fnARN), PackageType: lambdatypes.PackageTypeImage,
		Environment: &lambdatypes.EnvironmentResponse{Error: &lambdatypes.EnvironmentError{
			ErrorCode: aws.String("AccessDeniedException"), Message: aws.String("KMS key not accessible")}},
	})
	if fn.Runtime != "" || fn.PackageType != "Image" || len(fn.Identities) != 0 {
		t.Errorf("function = %+v", fn)
	}
	want := &audit.Gap{Provider: audit.AWS, Account: "123456789012", Region: "us-east-1", Resource: fnARN,
		API: "lambda:ListFunctions", Data: audit.DataEnvironment, Reason: audit.GapAccessDenied,
		Message: "AccessDeniedException: KMS key not accessible"}
	if diff := cmp.Diff(want, gap); diff != "" {
		t.Errorf("gap (-want +got):\n%s", diff)
	}
}

func TestESMTrigger(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		arn  string
		kind audit.TriggerKind
		svc  string
	}{
		{"arn:aws:sqs:us-east-1:123456789012:jobs", audit.TriggerQueue, "sqs.amazonaws.com"},
		{"arn:aws:kinesis:us-east-1:123456789012:stream/clicks", audit.TriggerStream, "kinesis.amazonaws.com"},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000", audit.TriggerStream, "dynamodb.amazonaws.com"},
		{"arn:aws:kafka:us-east-1:123456789012:cluster/events/abc", audit.TriggerStream, "kafka.amazonaws.com"},
		{"arn:aws:mq:us-east-1:123456789012:broker:b1:b-1", audit.TriggerQueue, "mq.amazonaws.com"},
	} {
		got := esmTrigger(&lambdatypes.EventSourceMappingConfiguration{EventSourceArn: aws.String(tt.arn), UUID: aws.String("u1")})
		if got.Kind != tt.kind || got.Service != tt.svc || got.SourceID != tt.arn || got.Name != "u1" || got.Source.Ref != "u1" {
			t.Errorf("esmTrigger(%s) = %+v", tt.arn, got)
		}
	}
	self := esmTrigger(&lambdatypes.EventSourceMappingConfiguration{UUID: aws.String("u2"),
		SelfManagedEventSource: &lambdatypes.SelfManagedEventSource{Endpoints: map[string][]string{"KAFKA_BOOTSTRAP_SERVERS": {"b1:9092", "b2:9092"}}}})
	if self.Kind != audit.TriggerStream || self.SourceID != "b1:9092,b2:9092" {
		t.Errorf("self-managed kafka = %+v", self)
	}
}

func TestQualifiers(t *testing.T) {
	t.Parallel()
	if got := unqualifiedARN(fnARN + ":live"); got != fnARN {
		t.Errorf("unqualifiedARN = %s", got)
	}
	if got := qualifierOf(fnARN + ":live"); got != "live" {
		t.Errorf("qualifierOf = %s", got)
	}
	if got := qualifierOf(fnARN); got != "" {
		t.Errorf("qualifierOf(unqualified) = %s", got)
	}
}

func TestMapRoles(t *testing.T) {
	t.Parallel()
	enc := awstest.EncodeDocument
	d := iamDetails{
		Roles: []iamtypes.RoleDetail{{
			Arn: aws.String("arn:aws:iam::123456789012:role/app"), RoleName: aws.String("app"),
			RolePolicyList: []iamtypes.PolicyDetail{
				{PolicyName: aws.String("ok"), PolicyDocument: aws.String(enc(readPolicy))},
				{PolicyName: aws.String("broken"), PolicyDocument: aws.String("%7B%zz")},
			},
			AttachedManagedPolicies: []iamtypes.AttachedPolicy{
				{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), PolicyName: aws.String("ReadOnlyAccess")},
				{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/gone"), PolicyName: aws.String("gone")},
			},
		}},
		Policies: []iamtypes.ManagedPolicyDetail{{
			Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), DefaultVersionId: aws.String("v3"),
			PolicyVersionList: []iamtypes.PolicyVersion{
				{VersionId: aws.String("v1"), Document: aws.String(enc(adminPolicy))},
				{VersionId: aws.String("v3"), IsDefaultVersion: true, Document: aws.String(enc(readPolicy))},
			},
		}},
	}
	ids, gaps := mapRoles("123456789012", d)
	id := ids["arn:aws:iam::123456789012:role/app"]
	if len(id.Policies) != 3 {
		t.Fatalf("policies = %+v", id.Policies)
	}
	if string(id.Policies[0].Document) != readPolicy || id.Policies[0].Kind != audit.PolicyInline {
		t.Errorf("inline = %+v", id.Policies[0])
	}
	if string(id.Policies[1].Document) != readPolicy || id.Policies[1].Kind != audit.PolicyAWSManaged {
		t.Errorf("aws managed (default version) = %+v", id.Policies[1])
	}
	if id.Policies[2].Document != nil || id.Policies[2].Kind != audit.PolicyManaged {
		t.Errorf("missing managed = %+v", id.Policies[2])
	}
	var reasons []string
	for _, g := range gaps {
		reasons = append(reasons, string(g.Reason))
	}
	if diff := cmp.Diff([]string{"invalid-data", "not-found"}, reasons); diff != "" {
		t.Errorf("gap reasons (-want +got):\n%s", diff)
	}
}

type apiErr struct{ code string }

func (e apiErr) Error() string                 { return e.code }
func (e apiErr) ErrorCode() string             { return e.code }
func (e apiErr) ErrorMessage() string          { return "msg" }
func (e apiErr) ErrorFault() smithy.ErrorFault { return smithy.FaultClient }

func TestClassify(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want audit.GapReason
	}{
		{apiErr{"AccessDeniedException"}, audit.GapAccessDenied},
		{apiErr{"AccessDenied"}, audit.GapAccessDenied},
		{apiErr{"UnrecognizedClientException"}, audit.GapNotEnabled},
		{apiErr{"InvalidClientTokenId"}, audit.GapNotEnabled},
		{&retry.MaxAttemptsError{Attempt: 10, Err: apiErr{"TooManyRequestsException"}}, audit.GapThrottled},
		{fmt.Errorf("wrapped: %w", apiErr{"Throttling"}), audit.GapThrottled},
		{apiErr{"ResourceNotFoundException"}, audit.GapNotFound},
		{apiErr{"ServiceException"}, audit.GapError},
		{fmt.Errorf("x: %w", errors.New("boom")), audit.GapError},
	} {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("classify(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1", time.Second, true},
		{"0.5", 500 * time.Millisecond, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second, true},
	} {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
