package awsiam_test

import (
	"encoding/json"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/awsiam"
)

func ExampleAnalyze() {
	role := &audit.Identity{
		Provider: audit.AWS, Account: "123456789012", Kind: "aws-role",
		ID: "arn:aws:iam::123456789012:role/deploy-previews-role",
		Policies: []audit.Policy{{Kind: audit.PolicyInline, Name: "deployer", Document: json.RawMessage(`{
			"Version": "2012-10-17",
			"Statement": [
				{"Sid": "PassAnyRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
				{"Sid": "Functions", "Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
				 "Resource": "arn:aws:lambda:us-east-1:123456789012:function:preview-*"}]}`)}},
	}
	r := awsiam.Analyze(role)
	fmt.Println("admin:", r.Admin().Admin)
	for _, e := range r.Escalations() {
		fmt.Println("escalation:", e.Method.ID)
	}
	for _, w := range r.Wildcards() {
		fmt.Println("wildcard:", w.Grant.Name(), w.Severity, w.Level)
	}
	// Output:
	// admin: false
	// escalation: passrole-lambda-create-invoke
	// wildcard: deployer Statement[Sid=PassAnyRole] medium Write
}
