package awsiam

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// benchRole is a realistic execution role: the basic execution policy, an inline
// policy for the function's own table, bucket, queue and secret, a customer
// managed policy shared by a team, and a permissions boundary.
func benchRole() *audit.Identity {
	id := role(
		managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution),
		inline("orders-api", `{"Version":"2012-10-17","Statement":[
			{"Sid":"Table","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:Query"],
			 "Resource":["arn:aws:dynamodb:eu-west-1:123456789012:table/orders","arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*"]},
			{"Sid":"Uploads","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::acme-orders-uploads/*"},
			{"Sid":"Queue","Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],
			 "Resource":"arn:aws:sqs:eu-west-1:123456789012:orders-events"},
			{"Sid":"Secret","Effect":"Allow","Action":"secretsmanager:GetSecretValue",
			 "Resource":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders/db-AbCdEf"},
			{"Sid":"Kms","Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
			 "Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"}}}]}`),
		audit.Policy{Kind: audit.PolicyManaged, Name: "team-observability", ID: "arn:aws:iam::123456789012:policy/team-observability",
			Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","cloudwatch:PutMetricData"],"Resource":"*"},
			{"Effect":"Allow","Action":["ssm:GetParameter","ssm:GetParameters"],"Resource":"arn:aws:ssm:eu-west-1:123456789012:parameter/orders/*"},
			{"Effect":"Allow","Action":"events:PutEvents","Resource":"arn:aws:events:eu-west-1:123456789012:event-bus/default"}]}`)},
	)
	return withBoundary(id, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
		{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"*"}]}`)
}

// BenchmarkEffective judges one realistic role completely: parse, expand,
// admin, escalation and wildcard verdicts.
func BenchmarkEffective(b *testing.B) {
	id := benchRole()
	Analyze(id) // warm the catalog and the pattern cache
	b.ReportAllocs()
	for b.Loop() {
		r := Analyze(id)
		r.Admin()
		r.Escalations()
		r.Wildcards()
	}
}

// BenchmarkEffectiveAdmin judges an administrator role, where every method matches.
func BenchmarkEffectiveAdmin(b *testing.B) {
	id := role(managed("AdministratorAccess", docAdministratorAccess), managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution))
	Analyze(id)
	b.ReportAllocs()
	for b.Loop() {
		r := Analyze(id)
		r.Admin()
		r.Escalations()
		r.Wildcards()
	}
}

func BenchmarkAnalyzeOnly(b *testing.B) {
	id := benchRole()
	Analyze(id)
	b.ReportAllocs()
	for b.Loop() {
		Analyze(id)
	}
}

func BenchmarkEscalationsAdmin(b *testing.B) {
	r := Analyze(role(managed("AdministratorAccess", docAdministratorAccess), managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution)))
	b.ReportAllocs()
	for b.Loop() {
		r.Escalations()
	}
}

func BenchmarkAdminVerdict(b *testing.B) {
	r := Analyze(role(managed("AdministratorAccess", docAdministratorAccess), managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution)))
	b.ReportAllocs()
	for b.Loop() {
		r.Admin()
	}
}

func BenchmarkWildcardsAdmin(b *testing.B) {
	r := Analyze(role(managed("AdministratorAccess", docAdministratorAccess), managed("AWSLambdaBasicExecutionRole", docLambdaBasicExecution)))
	b.ReportAllocs()
	for b.Loop() {
		r.Wildcards()
	}
}

func BenchmarkParts(b *testing.B) {
	r := Analyze(benchRole())
	b.Run("admin", func(b *testing.B) {
		for b.Loop() {
			r.Admin()
		}
	})
	b.Run("escalations", func(b *testing.B) {
		for b.Loop() {
			r.Escalations()
		}
	})
	b.Run("wildcards", func(b *testing.B) {
		for b.Loop() {
			r.Wildcards()
		}
	})
}

// manyStatementsRole is a crafted role of n statements: Allow statements on
// one role ARN each, alternating with Deny statements on other role ARNs and
// with Denies of every resource under a condition, so every grant of an IAM
// action meets every Deny.
func manyStatementsRole(n int) *audit.Identity {
	var sb strings.Builder
	sb.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&sb, `{"Effect":"Allow","Action":["iam:PassRole","iam:PutRolePolicy","iam:AttachRolePolicy"],"Resource":"arn:aws:iam::123456789012:role/r%d"}`, i)
		case 1:
			fmt.Fprintf(&sb, `{"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::123456789012:role/d%d"}`, i)
		case 2:
			fmt.Fprintf(&sb, `{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`)
		}
	}
	sb.WriteString(`]}`)
	return role(inline("crafted", sb.String()))
}

// BenchmarkEffectiveManyStatements judges a crafted role of 3,000 statements.
func BenchmarkEffectiveManyStatements(b *testing.B) {
	id := manyStatementsRole(3000)
	Analyze(id)
	b.ReportAllocs()
	for b.Loop() {
		r := Analyze(id)
		r.Admin()
		r.Escalations()
		r.Wildcards()
	}
}
