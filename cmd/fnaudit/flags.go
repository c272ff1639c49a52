package main

import (
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/fnaudit/fnaudit/audit"
)

// scanFlags is the collection scope that `scan` and `collect` parse from the
// command line and hand to each provider's collector factory
// (newAWSCollector, newGCPCollector, newAzureCollector). A factory reads only the
// fields that apply to its provider.
type scanFlags struct {
	// Providers lists the providers to collect, in the order given.
	Providers []audit.Provider
	// Required marks the providers whose missing credentials are an error:
	// named with --provider, or given one of their own flags (--projects, ...).
	// Without --provider, a cloud whose credentials do not resolve is skipped.
	Required map[audit.Provider]bool
	// Regions limits AWS regions / GCP regions / Azure locations (empty = all).
	Regions []string
	// Accounts lists AWS account ids to audit (empty = the caller's account, or the
	// organization's accounts when OrgRole is set).
	Accounts []string
	// OrgRole is the role name assumed in each member account.
	OrgRole string
	// ExternalID is passed when assuming OrgRole.
	ExternalID string
	// Profile is the AWS shared-config profile.
	Profile string
	// Projects lists GCP project ids (empty = every project the caller can see).
	Projects []string
	// Subscriptions lists Azure subscription ids (empty = every subscription the
	// caller can see).
	Subscriptions []string
	// TrustedAccounts lists accounts, projects or tenants treated as your own.
	TrustedAccounts []string
	// OnProgress is the shared progress display's update (progress.go); the
	// provider_*.go factories hand it to the collectors' Options.Progress; nil
	// under --quiet.
	OnProgress audit.ProgressFunc
	// Now is the collection time stamped on the inventory.
	Now time.Time
	// Debug (--debug) lets the AWS SDK log to Log; otherwise its log lines
	// (such as the IMDS fallback warning) are dropped.
	Debug bool
	Log   io.Writer

	// Credentials that the credential check resolved, handed to the collector
	// so that they are resolved once per run (an SSO refresh, an az CLI call).
	awsCredentials  aws.CredentialsProvider
	azureCredential azcore.TokenCredential
}
