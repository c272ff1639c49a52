package main

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/securityhub"
)

// importToSecurityHub sends the report's findings to AWS Security Hub with
// BatchImportFindings (package securityhub: batches of at most 100, paced at
// Security Hub's quota, per-finding failures reported). Credentials, Region
// and endpoint come from the AWS SDK's standard chain (AWS_PROFILE,
// AWS_REGION, AWS_ENDPOINT_URL_SECURITYHUB, ...); findings are filed under the
// caller's account and Region, which is the only place Security Hub accepts
// them. What was left out or not imported becomes a report warning and a line
// on stderr; the returned error says the import was incomplete (exit 3).
func (p *reportPlan) importToSecurityHub(e *env, r *audit.Report) error {
	findings, om, err := securityhub.Findings(r, p.hub)
	if err != nil {
		return &usageError{"--security-hub-import: " + err.Error()}
	}
	r.Warnings = append(r.Warnings, om.Messages()...)
	ctx := e.ctx
	cfg, err := config.LoadDefaultConfig(ctx, awsLoadOptions(&scanFlags{Debug: e.debug, Log: e.stderr})...)
	if err != nil {
		return &exitError{code: exitUsage, msg: "--security-hub-import: " + hubError(e, err)}
	}
	if cfg.Region == "" {
		return &usageError{"--security-hub-import: no AWS Region (set AWS_REGION or a profile's region): Security Hub imports findings per Region"}
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return &exitError{code: exitUsage, msg: "--security-hub-import: " + hubError(e, err)}
	}
	res, ierr := securityhub.Import(ctx, securityhub.NewClient(cfg), findings,
		securityhub.ImportOptions{Account: aws.ToString(id.Account), Region: cfg.Region})
	fmt.Fprintf(e.stderr, "fnaudit: security hub: %s\n", oneLine(res.Summary()))
	for _, l := range res.Details() {
		fmt.Fprintf(e.stderr, "fnaudit: security hub: %s\n", oneLine(l))
	}
	if ierr != nil || res.NotImported() > 0 {
		r.Warnings = append(r.Warnings, "security hub: "+res.Summary())
		if ierr != nil {
			return fmt.Errorf("security hub import: %w", ierr)
		}
		return errImportIncomplete
	}
	return nil
}

// errImportIncomplete marks a Security Hub import that left findings out; the
// report is still written and the run exits 3.
var errImportIncomplete = fmt.Errorf("security hub import incomplete")

// hubError is the one-line form of an AWS failure before the import: what
// failed and the usual fix, or the SDK's whole chain under --debug.
func hubError(e *env, err error) string {
	if e.debug {
		return oneLine(err.Error())
	}
	f := &scanFlags{Debug: e.debug}
	if msg := explain(audit.AWS, f, err); msg != "" {
		return msg
	}
	return oneLine(err.Error())
}
