package awsiam

import (
	"encoding/json"

	"github.com/fnaudit/fnaudit/audit"
)

// Policy documents shaped like the AWS managed policies the issue names, written
// as this project's own fixtures (not copies of the AWS documents).
const (
	docAdministratorAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

	docPowerUserAccess = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
		{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles",
			"organizations:DescribeOrganization","account:ListRegions"],"Resource":"*"}]}`

	docReadOnlyAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*","Action":[
		"s3:Get*","s3:List*","ec2:Describe*","lambda:Get*","lambda:List*","iam:Get*","iam:List*",
		"dynamodb:Describe*","dynamodb:List*","logs:Describe*","logs:Get*","cloudwatch:Describe*","sqs:List*"]}]}`

	docLambdaBasicExecution = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`

	docLambdaFullAccess = `{"Version":"2012-10-17","Statement":[
		{"Sid":"Services","Effect":"Allow","Action":["cloudformation:DescribeStacks","cloudwatch:ListMetrics",
			"ec2:DescribeSubnets","iam:GetRole","iam:ListRoles","kms:ListAliases","lambda:*","logs:DescribeLogGroups",
			"s3:ListAllMyBuckets","sqs:ListQueues","states:ListStateMachines","xray:GetTraceSummaries"],"Resource":"*"},
		{"Sid":"PassRoleToLambda","Effect":"Allow","Action":"iam:PassRole","Resource":"*",
			"Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}},
		{"Sid":"Logs","Effect":"Allow","Action":["logs:DescribeLogStreams","logs:GetLogEvents","logs:FilterLogEvents"],
			"Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/*"}]}`

	docIAMFullAccess = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization",
			"organizations:ListAccounts"],"Resource":"*"}]}`
)

const roleARN = "arn:aws:iam::123456789012:role/orders-api-role"

func managed(name, doc string) audit.Policy {
	return audit.Policy{Kind: audit.PolicyAWSManaged, Name: name, ID: "arn:aws:iam::aws:policy/" + name,
		Document: json.RawMessage(doc), Source: audit.Source{API: "iam:GetPolicyVersion", Ref: "arn:aws:iam::aws:policy/" + name}}
}

func inline(name, doc string) audit.Policy {
	return audit.Policy{Kind: audit.PolicyInline, Name: name, Document: json.RawMessage(doc),
		Source: audit.Source{API: "iam:GetRolePolicy", Ref: roleARN}}
}

func role(policies ...audit.Policy) *audit.Identity {
	return &audit.Identity{Provider: audit.AWS, Account: "123456789012", ID: roleARN, Name: "orders-api-role",
		Kind: "aws-role", Policies: policies}
}

func withBoundary(id *audit.Identity, doc string) *audit.Identity {
	b := audit.Policy{Kind: audit.PolicyBoundary, Name: "boundary", ID: "arn:aws:iam::123456789012:policy/boundary",
		Document: json.RawMessage(doc)}
	id.Boundary = &b
	return id
}
