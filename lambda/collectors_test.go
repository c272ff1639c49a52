package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/fnaudit/fnaudit/audit"
)

// fakeSecrets serves secrets by id; a missing id is denied.
type fakeSecrets map[string]*string

func (f fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	v, ok := f[aws.ToString(in.SecretId)]
	if !ok {
		return nil, errors.New("AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: v}, nil
}

const azureSecretValue = `{"tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","clientId":"0b1f6471-1bf0-4dda-aec3-cb9272f09590","clientSecret":"s3cr3t-V4lue~never-logged"}`

func TestProviderCollectors(t *testing.T) {
	t.Parallel()
	cfg := Config{OrgRole: "fnaudit-reader", GCPSecret: "fnaudit/gcp", AzureSecret: "fnaudit/azure"}
	secrets := fakeSecrets{
		"fnaudit/gcp":   aws.String(`{"type":"authorized_user","refresh_token":"s3cr3t-V4lue~never-logged"}`),
		"fnaudit/azure": aws.String(azureSecretValue),
	}
	cols, gaps := providerCollectors(cfg, secrets)(context.Background(),
		Scope{Providers: []audit.Provider{audit.AWS, audit.GCP, audit.Azure}, Regions: []string{"us-east-1"}})
	var got []audit.Provider
	for _, c := range cols {
		got = append(got, c.Provider())
	}
	if len(got) != 2 || got[0] != audit.AWS || got[1] != audit.Azure {
		t.Errorf("collectors for %v, want aws and azure", got)
	}
	if len(gaps) != 1 || gaps[0].Provider != audit.GCP || gaps[0].API != "setup" ||
		!strings.Contains(gaps[0].Message, `type "authorized_user"`) {
		t.Fatalf("gaps = %+v", gaps)
	}
	if strings.Contains(gaps[0].Message, "s3cr3t") {
		t.Error("a gap quotes the secret's value")
	}

	// An unreadable secret is a gap for that provider only.
	cols, gaps = providerCollectors(cfg, fakeSecrets{})(context.Background(), Scope{Providers: []audit.Provider{audit.Azure}})
	if len(cols) != 0 || len(gaps) != 1 || gaps[0].Reason != audit.GapAccessDenied ||
		!strings.Contains(gaps[0].Message, "secretsmanager: get secret value fnaudit/azure: AccessDeniedException") {
		t.Errorf("collectors %v, gaps %+v", cols, gaps)
	}
	cols, gaps = providerCollectors(cfg, fakeSecrets{"fnaudit/azure": nil})(context.Background(), Scope{Providers: []audit.Provider{audit.Azure}})
	if len(cols) != 0 || len(gaps) != 1 || gaps[0].Reason != audit.GapInvalidData {
		t.Errorf("binary secret: collectors %v, gaps %+v", cols, gaps)
	}
}

func TestGCPCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, err string
	}{
		{`{"type":"external_account","audience":"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/aws/providers/aws"}`, ""},
		{`{"type":"service_account","client_email":"fnaudit@acme-prod-123.iam.gserviceaccount.com"}`, ""},
		{`{"type":"impersonated_service_account"}`, `type "impersonated_service_account"`},
		{`not json s3cr3t`, "not JSON"},
	} {
		opt, err := gcpCredentials([]byte(tc.in))
		switch {
		case tc.err == "" && (err != nil || opt == nil):
			t.Errorf("%s: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.err)
		case err != nil && strings.Contains(err.Error(), "s3cr3t"):
			t.Errorf("error quotes the secret: %v", err)
		}
	}
}

func TestAzureCredential(t *testing.T) {
	t.Parallel()
	if _, err := azureCredential([]byte(azureSecretValue)); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{`{"tenantId":"t","clientId":"c"}`, `s3cr3t`} {
		_, err := azureCredential([]byte(in))
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: error %v", in, err)
		}
	}
}
