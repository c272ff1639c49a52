package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// newAWSCollector returns the AWS Lambda collector for the scope in f. The AWS
// configuration (credentials, profile, AWS_ENDPOINT_URL*) comes from the SDK's
// standard chain; see docs/aws.md.
func newAWSCollector(ctx context.Context, f *scanFlags) (audit.Collector, error) {
	opts := awslambda.Options{
		Regions:    f.Regions,
		Accounts:   f.Accounts,
		OrgRole:    f.OrgRole,
		ExternalID: f.ExternalID,
		Profile:    f.Profile,
		Progress:   f.OnProgress,
	}
	// The SDK's log lines (the IMDS fallback warning) stay off stderr unless
	// --debug; the profile is Options.Profile's to apply.
	opts.ConfigOptions = append(opts.ConfigOptions, awsLoadOptions(&scanFlags{Debug: f.Debug, Log: f.Log})...)
	if f.awsCredentials != nil {
		// Resolved once by the credential check (an SSO refresh, a role).
		opts.ConfigOptions = append(opts.ConfigOptions, config.WithCredentialsProvider(f.awsCredentials))
	}
	if !f.Now.IsZero() {
		now := f.Now
		opts.Now = func() time.Time { return now }
	}
	c, err := awslambda.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	return closingCollector{c}, nil
}
