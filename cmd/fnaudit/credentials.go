package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go/logging"
	"golang.org/x/oauth2/google"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/azurefunctions"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions"
)

// How fnaudit decides that a cloud's credentials "resolve", cheaply and
// before collecting (scan and collect without --provider audit exactly the
// clouds that pass; with --provider a failure is an error):
//
//   - AWS: the SDK's default configuration loads (environment, shared config,
//     --profile / AWS_PROFILE, SSO) and its credential chain returns
//     credentials (Retrieve). No API call is made; an expired SSO session or
//     static keys that AWS would reject are found later, by
//     sts:GetCallerIdentity, and reported with the usual fix.
//   - GCP: google.FindDefaultCredentials finds Application Default Credentials
//     (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login, the
//     metadata server on Google Cloud). No token is fetched.
//   - Azure: azidentity.DefaultAzureCredential gets a token for Azure Resource
//     Manager within azureTokenTimeout (environment, workload identity,
//     managed identity, Azure CLI, ...). The token is kept for the collection.

// credentialCheck resolves a provider's credentials for the scope in f,
// storing what the collector can reuse in f. It returns a *noCredentialsError
// when there are none.
type credentialCheck func(ctx context.Context, f *scanFlags) error

// credentialChecks maps each provider to its check; tests replace entries.
var credentialChecks = map[audit.Provider]credentialCheck{
	audit.AWS:   checkAWSCredentials,
	audit.GCP:   checkGCPCredentials,
	audit.Azure: checkAzureCredentials,
}

// azureTokenTimeout bounds the Azure credential check: DefaultAzureCredential
// may try a managed identity endpoint and run the Azure CLI.
var azureTokenTimeout = 20 * time.Second

// noCredentialsError says a provider has no usable credentials, what was
// tried and the usual fix, in one line.
type noCredentialsError struct {
	provider audit.Provider
	msg      string // "no Application Default Credentials (run `gcloud auth application-default login`)"
	err      error  // the SDK's error, for --debug
}

func (e *noCredentialsError) Error() string { return e.msg }
func (e *noCredentialsError) Unwrap() error { return e.err }

// awsLoadOptions are the config.LoadDefaultConfig options of every AWS
// configuration fnaudit loads: the profile, and a logger that keeps the
// SDK's own log lines (the IMDS fallback warning) off stderr unless --debug.
func awsLoadOptions(f *scanFlags) []func(*config.LoadOptions) error {
	var opts []func(*config.LoadOptions) error
	if f.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(f.Profile))
	}
	if f.Debug && f.Log != nil {
		opts = append(opts, config.WithLogger(logging.NewStandardLogger(f.Log)))
	} else {
		opts = append(opts, config.WithLogger(logging.Nop{}))
	}
	return opts
}

// awsProfile is the profile a fix should name: --profile, else AWS_PROFILE.
func awsProfile(f *scanFlags) string {
	if f.Profile != "" {
		return f.Profile
	}
	return os.Getenv("AWS_PROFILE")
}

// awsFix is the usual fix for AWS credentials that are missing or rejected.
func awsFix(profile string, sso bool) string {
	switch {
	case sso && profile != "":
		return fmt.Sprintf("run `aws sso login --profile %s`", profile)
	case profile != "":
		return fmt.Sprintf("run `aws sso login --profile %s`, or `aws configure --profile %s` for access keys", profile, profile)
	}
	return "run `aws configure`, or `aws sso login --profile NAME` and pass --profile NAME"
}

func isSSOError(err error) bool {
	var it *ssocreds.InvalidTokenError
	return errors.As(err, &it)
}

// usesSSO reports whether the loaded shared-config profile signs in with IAM
// Identity Center (SSO), whose fix is `aws sso login`.
func usesSSO(sources []any) bool {
	for _, src := range sources {
		if sc, ok := src.(config.SharedConfig); ok && (sc.SSOSessionName != "" || sc.SSOStartURL != "") {
			return true
		}
	}
	return false
}

func checkAWSCredentials(ctx context.Context, f *scanFlags) error {
	profile := awsProfile(f)
	cfg, err := config.LoadDefaultConfig(ctx, awsLoadOptions(f)...)
	if err != nil {
		return &noCredentialsError{audit.AWS, "cannot load the AWS configuration (" + awsFix(profile, false) + ")", err}
	}
	if cfg.Credentials == nil {
		return &noCredentialsError{audit.AWS, "no credentials found (" + awsFix(profile, false) + ")", errors.New("no credential provider")}
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if isSSOError(err) || usesSSO(cfg.ConfigSources) {
			return &noCredentialsError{audit.AWS, "the SSO session has expired or was never started (" + awsFix(profile, true) + ")", err}
		}
		return &noCredentialsError{audit.AWS, "no credentials found (" + awsFix(profile, false) + ")", err}
	}
	f.awsCredentials = cfg.Credentials
	return nil
}

const gcpFix = "run `gcloud auth application-default login`"

func checkGCPCredentials(ctx context.Context, f *scanFlags) error {
	if gcpOptionsHook != nil {
		var o gcpfunctions.Options
		gcpOptionsHook(&o)
		if len(o.ClientOptions) > 0 {
			// Explicit client options carry their own credentials (or none,
			// for a local endpoint): Application Default Credentials are not used.
			return nil
		}
	}
	if _, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/cloud-platform"); err != nil {
		msg := "no Application Default Credentials (" + gcpFix + ")"
		if p := os.Getenv("GOOGLE_APPLICATION_CREDENTIALS"); p != "" {
			msg = fmt.Sprintf("GOOGLE_APPLICATION_CREDENTIALS names %s, which is not a usable credentials file (%s, or fix the variable)", p, gcpFix)
		}
		return &noCredentialsError{audit.GCP, msg, err}
	}
	return nil
}

const azureFix = "run `az login`"

func checkAzureCredentials(ctx context.Context, f *scanFlags) error {
	var o azurefunctions.Options
	if azureOptionsHook != nil {
		azureOptionsHook(&o)
	}
	cred := o.Credential
	if cred == nil {
		c, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return &noCredentialsError{audit.Azure, "cannot build an Azure credential (" + azureFix + ")", err}
		}
		cred = c
	}
	if err := azureTokenCheck(ctx, cred, azureTokenTimeout); err != nil {
		return err
	}
	f.azureCredential = cred
	return nil
}

// azureTokenCheck asks cred for an Azure Resource Manager token within timeout.
func azureTokenCheck(ctx context.Context, cred azcore.TokenCredential, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com/.default"}})
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		return &noCredentialsError{audit.Azure, fmt.Sprintf("no Azure credential answered within %s (%s)", timeout, azureFix), err}
	}
	var afe *azidentity.AuthenticationFailedError
	if errors.As(err, &afe) && !strings.HasPrefix(err.Error(), "DefaultAzureCredential") {
		return &noCredentialsError{audit.Azure, "Azure sign-in failed (" + azureFix + ")", err}
	}
	// DefaultAzureCredential's chain tried every source (--debug lists them).
	return &noCredentialsError{audit.Azure, "no Azure credential found (" + azureFix + ", or set AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET)", err}
}
