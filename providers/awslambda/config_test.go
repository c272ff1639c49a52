package awslambda

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
	"github.com/fnaudit/fnaudit/providers/providertest"
)

// isolateAWSEnv clears the environment the SDK reads, so only what a test sets
// counts.
func isolateAWSEnv(t *testing.T) string {
	dir := t.TempDir()
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return dir
}

func smallEstate(t *testing.T) *awstest.Server {
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	a.Roles = []*awstest.Role{{Name: "app", Inline: map[string]string{"read": readPolicy}}}
	a.AddRegion("us-east-1").Functions = []*awstest.Function{{Name: "east-fn", Runtime: "python3.12", Role: a.RoleARN("app")}}
	a.AddRegion("eu-west-1").Functions = []*awstest.Function{{Name: "west-fn", Runtime: "python3.12", Role: a.RoleARN("app")}}
	return s
}

// TestEndpointFromEnvironment shows the collector reaching every service through
// the SDK's own AWS_ENDPOINT_URL_<SERVICE> handling: the global
// AWS_ENDPOINT_URL points nowhere, the per-service variables at the server.
// Regions come from account:ListRegions.
func TestEndpointFromEnvironment(t *testing.T) {
	isolateAWSEnv(t)
	s := smallEstate(t)
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9") // discard port: nothing answers
	for _, svc := range []string{"LAMBDA", "IAM", "STS", "ORGANIZATIONS", "ACCOUNT",
		"API_GATEWAY", "APIGATEWAYV2", "ELASTIC_LOAD_BALANCING_V2", "EC2", "CLOUDFRONT", "APPSYNC"} {
		t.Setenv("AWS_ENDPOINT_URL_"+svc, s.URL)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", s.AccessKey(mgmtAcct))
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_REGION", "us-east-1")

	c, err := New(context.Background(), Options{MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Functions) != 2 || len(inv.Gaps) != 0 || len(inv.Identities) != 1 {
		t.Fatalf("functions %d, identities %d, gaps %+v; want 2, 1, none", len(inv.Functions), len(inv.Identities), inv.Gaps)
	}
	if got := inv.Accounts[0].Regions; len(got) != 2 {
		t.Errorf("regions = %v, want the two enabled ones", got)
	}
	if s.Calls("account:ListRegions") != 1 {
		t.Errorf("account:ListRegions calls = %d, want 1", s.Calls("account:ListRegions"))
	}
}

// TestProfile selects a shared-config profile that carries its own endpoint
// and credentials.
func TestProfile(t *testing.T) {
	dir := isolateAWSEnv(t)
	s := smallEstate(t)
	cfg := "[profile audit]\nregion = eu-west-1\nendpoint_url = " + s.URL + "\n"
	creds := "[audit]\naws_access_key_id = " + s.AccessKey(mgmtAcct) + "\naws_secret_access_key = test-secret\n"
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := New(context.Background(), Options{Profile: "audit", Regions: []string{"eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Functions) != 1 || inv.Functions[0].Name != "west-fn" {
		t.Fatalf("functions = %+v, want west-fn", inv.Functions)
	}

	if _, err := New(context.Background(), Options{Profile: "missing"}); err == nil {
		t.Error("New with an unknown profile succeeded")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []Options{
		{Regions: []string{""}},
		{Accounts: []string{"12345"}},
		{ExternalID: "x"},
		{OrgRole: "arn:aws:iam::123456789012:role/x"},
	} {
		if _, err := New(context.Background(), o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

// TestDeniedAccountIsAGap audits two accounts where the second one's role can be
// assumed but every read is denied: the readable account is complete, the
// other is one gap per denied call, and Collect itself succeeds.
func TestDeniedAccountIsAGap(t *testing.T) {
	t.Parallel()
	s := smallEstate(t)
	b := s.AddAccount(memberAcct)
	b.Roles = []*awstest.Role{{Name: auditRole, AssumableBy: []string{mgmtAcct}}}
	b.AddRegion("us-east-1")
	b.Deny = []string{"lambda:*", "iam:*", "account:*"}
	inv := collect(t, s, mgmtAcct, Options{Accounts: []string{mgmtAcct, memberAcct}, OrgRole: auditRole})
	var got []string
	for _, g := range inv.Gaps {
		got = append(got, g.Account+" "+g.Region+" "+g.API+" "+string(g.Data)+" "+string(g.Reason))
	}
	want := []string{
		memberAcct + "  account:ListRegions functions access-denied",
		memberAcct + "  iam:GetAccountAuthorizationDetails identity access-denied",
		memberAcct + " us-east-1 lambda:ListFunctions functions access-denied",
	}
	if len(got) != len(want) {
		t.Fatalf("gaps:\n%v\nwant:\n%v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("gap %d = %q, want %q", i, got[i], want[i])
		}
	}
	if len(inv.Functions) != 2 {
		t.Errorf("functions = %d, want the readable account's 2", len(inv.Functions))
	}
	for _, a := range inv.Accounts {
		if a.Provider != audit.AWS {
			t.Errorf("account %+v", a)
		}
	}
}

func TestProgressDuringCollect(t *testing.T) {
	t.Parallel()
	s := smallEstate(t)
	var rec providertest.ProgressRecorder
	collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1", "eu-west-1"}, Progress: rec.Record})
	rec.Check(t, audit.Progress{Provider: audit.AWS, Scopes: 1, ScopesDone: 1, Regions: 2, RegionsDone: 2, Functions: 2, Done: true})
}

// TestCloseTwice: Close releases the collector's own connections, may be
// called again, and a later Collect still works.
func TestCloseTwice(t *testing.T) {
	t.Parallel()
	s := smallEstate(t)
	c, err := New(context.Background(), testOptions(s, mgmtAcct, Options{Regions: []string{"us-east-1"}}))
	if err != nil {
		t.Fatal(err)
	}
	if c.http == nil {
		t.Fatal("the collector did not build its own HTTP client")
	}
	if _, err := c.Collect(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := c.Close(); err != nil {
			t.Errorf("Close #%d: %v", i+1, err)
		}
	}
	if inv, err := c.Collect(context.Background()); err != nil || len(inv.Functions) != 1 {
		t.Errorf("Collect after Close: %v", err)
	}
}
