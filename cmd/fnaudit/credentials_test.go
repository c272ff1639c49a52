package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/aws/smithy-go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/fnaudit/fnaudit/audit"
)

// The credential checks run the real SDK code with an environment that points
// at nothing (or at fake credentials), so they never touch the network.

func isolateAWS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func TestCheckAWSCredentials(t *testing.T) {
	isolateAWS(t)
	err := checkAWSCredentials(context.Background(), &scanFlags{})
	var nc *noCredentialsError
	if !errors.As(err, &nc) || !strings.Contains(nc.msg, "run `aws configure`") {
		t.Errorf("no credentials: %v", err)
	}

	// A profile that does not exist names the profile in its fix.
	err = checkAWSCredentials(context.Background(), &scanFlags{Profile: "acme-audit"})
	if !errors.As(err, &nc) || !strings.Contains(nc.msg, "aws sso login --profile acme-audit") {
		t.Errorf("missing profile: %v", err)
	}

	// An SSO profile whose login was never done (no cached token).
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("[profile sso-audit]\nsso_session = acme\nsso_account_id = 123456789012\nsso_role_name = Audit\nregion = us-east-1\n"+
		"[sso-session acme]\nsso_region = us-east-1\nsso_start_url = https://acme.awsapps.com/start\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfg)
	err = checkAWSCredentials(context.Background(), &scanFlags{Profile: "sso-audit"})
	if !errors.As(err, &nc) || !strings.Contains(nc.msg, "SSO session") || !strings.Contains(nc.msg, "aws sso login --profile sso-audit") {
		t.Errorf("SSO without login: %v", err)
	}

	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
	f := &scanFlags{}
	if err := checkAWSCredentials(context.Background(), f); err != nil || f.awsCredentials == nil {
		t.Errorf("static keys: %v", err)
	}
}

func TestCheckGCPCredentials(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("CLOUDSDK_CONFIG", filepath.Join(dir, "gcloud"))
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(dir, "missing.json"))
	err := checkGCPCredentials(context.Background(), &scanFlags{})
	var nc *noCredentialsError
	if !errors.As(err, &nc) || !strings.Contains(nc.msg, "GOOGLE_APPLICATION_CREDENTIALS names") || !strings.Contains(nc.msg, gcpFix) {
		t.Errorf("broken GOOGLE_APPLICATION_CREDENTIALS: %v", err)
	}
	// An authorized-user file (what `gcloud auth application-default login`
	// writes); no token is fetched by the check.
	adc := writeFile(t, dir, "adc.json", `{"type":"authorized_user","client_id":"id.apps.googleusercontent.com","client_secret":"not-a-secret","refresh_token":"not-a-token"}`)
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", adc)
	if err := checkGCPCredentials(context.Background(), &scanFlags{}); err != nil {
		t.Errorf("ADC file: %v", err)
	}
}

// blockingCredential answers only when its context ends.
type blockingCredential struct{}

func (blockingCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	<-ctx.Done()
	return azcore.AccessToken{}, ctx.Err()
}

func TestCheckAzureCredentials(t *testing.T) {
	if err := azureTokenCheck(context.Background(), &azfake.TokenCredential{}, time.Hour); err != nil {
		t.Errorf("fake credential: %v", err)
	}
	// The deadline is the check's own, injected: no waiting on a clock.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := azureTokenCheck(ctx, blockingCredential{}, 20*time.Second)
	var nc *noCredentialsError
	if !errors.As(err, &nc) || !strings.Contains(nc.msg, "within 20s") || !strings.Contains(nc.msg, "az login") {
		t.Errorf("no answer: %v", err)
	}

	// The real DefaultAzureCredential limited to the environment credential,
	// with no variables set, fails without any network call.
	for _, k := range []string{"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_USERNAME"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential")
	f := &scanFlags{}
	err = checkAzureCredentials(context.Background(), f)
	if !errors.As(err, &nc) || !strings.Contains(nc.msg, "run `az login`") || f.azureCredential != nil {
		t.Errorf("no Azure credential: %v", err)
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	opErr := func(service, op string, err error) error {
		return fmt.Errorf("aws: get caller identity: %w", &smithy.OperationError{ServiceID: service, OperationName: op, Err: err})
	}
	tests := []struct {
		p    audit.Provider
		f    *scanFlags
		err  error
		want string
	}{
		{audit.AWS, &scanFlags{Profile: "prod"}, opErr("STS", "GetCallerIdentity", &smithy.GenericAPIError{Code: "ExpiredToken", Message: "The security token included in the request is expired"}),
			"the credentials have expired (run `aws sso login --profile prod`)"},
		{audit.AWS, &scanFlags{}, opErr("STS", "GetCallerIdentity", &smithy.GenericAPIError{Code: "InvalidClientTokenId"}),
			"AWS rejected the credentials (InvalidClientTokenId; run `aws configure`, or `aws sso login --profile NAME` and pass --profile NAME)"},
		{audit.AWS, &scanFlags{}, opErr("STS", "GetCallerIdentity", &smithy.GenericAPIError{Code: "AccessDenied"}),
			"access denied to STS GetCallerIdentity (give the caller the read-only permissions in docs/aws.md)"},
		{audit.AWS, &scanFlags{}, errors.New("aws: invalid region \"x y\""), `invalid region "x y"`},
		{audit.GCP, &scanFlags{}, fmt.Errorf("gcp: gcp: search projects: %w", status.Error(codes.Unauthenticated, "Request had invalid authentication credentials.")),
			"Google rejected the Application Default Credentials (run `gcloud auth application-default login`)"},
		{audit.GCP, &scanFlags{}, fmt.Errorf("gcp: search projects: %w", status.Error(codes.PermissionDenied, "Permission 'resourcemanager.projects.list' denied\nmore")),
			"permission denied: Permission 'resourcemanager.projects.list' denied (give the caller the roles in docs/gcp.md)"},
		{audit.GCP, &scanFlags{}, errors.New("gcp: gcp: create cloud run client: boom"), "create cloud run client: boom"},
		{audit.Azure, &scanFlags{}, fmt.Errorf("azure: list subscriptions: %w", &azcore.ResponseError{StatusCode: http.StatusForbidden, ErrorCode: "AuthorizationFailed"}),
			"permission denied (AuthorizationFailed; give the caller the Reader role, see docs/azure.md)"},
		{audit.Azure, &scanFlags{}, fmt.Errorf("azure: list subscriptions: %w", &azcore.ResponseError{StatusCode: http.StatusUnauthorized, ErrorCode: "InvalidAuthenticationToken"}),
			"Azure rejected the credential (InvalidAuthenticationToken; run `az login`)"},
		{audit.Azure, &scanFlags{}, errors.New("azure: DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n\tEnvironmentCredential: missing"),
			"no Azure credential could get a token (run `az login`)"},
	}
	for _, tt := range tests {
		if got := explain(tt.p, tt.f, tt.err); got != tt.want {
			t.Errorf("explain(%s, %v)\n got %q\nwant %q", tt.p, tt.err, got, tt.want)
		}
	}
}
