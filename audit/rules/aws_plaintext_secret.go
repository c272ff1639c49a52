package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/secrets"
)

//go:embed aws_plaintext_secret.md
var awsPlaintextSecretDoc string

// AWSPlaintextSecret reports Lambda functions with an environment variable
// that looked like a secret in plain text when it was collected.
var AWSPlaintextSecret = audit.Rule{
	ID:       "FNA-AWS-007",
	Slug:     "aws-plaintext-secret",
	Category: audit.PlaintextSecret,
	Severity: audit.Medium,
	Provider: audit.AWS,
	Title:    "Lambda function has a secret in a plain-text environment variable",
	Doc:      awsPlaintextSecretDoc,
	Remediation: "Rotate the secret, store it in AWS Secrets Manager or SSM Parameter Store (SecureString), " +
		"pass the function its ARN or name instead, and read it at run time (the AWS Parameters and Secrets " +
		"Lambda Extension caches it). Grant the role secretsmanager:GetSecretValue on that one secret.",
	References: []string{
		"https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption",
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
		"https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html",
	},
	Needs: []audit.DataKind{audit.DataEnvironment},
	Check: checkAWSPlaintextSecret,
}

func checkAWSPlaintextSecret(pass *audit.Pass) {
	fn := pass.Function
	for _, ev := range fn.Environment {
		if ev.Verdict != audit.ValueSecret {
			// Unknown means the collector did not inspect the value; an adapter
			// that could not read values records a Gap, which makes this rule
			// report unknown for the function.
			continue
		}
		sev := secretSeverity(ev.Detector)
		kind := "secret"
		if d, ok := secrets.Lookup(ev.Detector); ok {
			kind = d.Description
		}
		frag := "detector=" + ev.Detector
		if h := secrets.SafeHint(ev.Detector, ev.Hint); h != "" {
			frag += " hint=" + h
		}
		pass.Report(audit.Result{
			Key:      ev.Name,
			Severity: sev,
			Title:    "Lambda function has a secret in environment variable " + ev.Name,
			Detail: fmt.Sprintf("Environment variable %s looked like a secret (%s) when it was collected. Anyone "+
				"with lambda:GetFunctionConfiguration (including the ReadOnlyAccess and ViewOnlyAccess managed "+
				"policies), and every dependency the function loads, can read it.", ev.Name, kind),
			Evidence: []audit.Evidence{{Source: fn.Source, Path: "Environment.Variables." + ev.Name, Fragment: frag}},
		})
	}
}
