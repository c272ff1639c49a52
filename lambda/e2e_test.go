//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

const rieInstall = "go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@latest"

// TestEndToEnd runs the built bootstrap under the real AWS Lambda Runtime
// Interface Emulator, with every AWS call going to the local AWS server: a
// scheduled event goes in, one SNS message must come out whose subject and
// email digest name the planted findings and the account that could not be
// audited.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	bootstrap := buildBootstrap(t)
	srv := seedOrganization(t)
	const topic = "arn:aws:sns:us-east-1:" + securityID + ":fnaudit-digest"
	srv.SNS().CreateTopic(topic)
	addr, _ := startEmulator(t, bootstrap,
		"AWS_ENDPOINT_URL="+srv.URL,
		"AWS_ACCESS_KEY_ID="+srv.AccessKey(securityID),
		"FNAUDIT_SNS_TOPIC_ARN="+topic,
		"FNAUDIT_ORG_ROLE=fnaudit-reader",
		"FNAUDIT_REGIONS=us-east-1",
	)

	body := invokeEmulator(t, addr)
	var res Result
	if err := json.Unmarshal(body, &res); err != nil || res.MessageID == "" {
		t.Fatalf("invocation returned %s (%v)", body, err)
	}

	msgs := srv.SNS().Messages()
	if len(msgs) != 1 {
		t.Fatalf("topic received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.MessageID != res.MessageID || m.MessageStructure != "json" {
		t.Errorf("message %s (%s), result says %s", m.MessageID, m.MessageStructure, res.MessageID)
	}
	if want := "fnaudit: 2 critical, 1 high, 1 medium in 3 accounts (1 gap)"; m.Subject != want {
		t.Errorf("subject = %q, want %q", m.Subject, want)
	}
	email := m.Body("email")
	for _, want := range []string{
		"Scope: 3 accounts (aws), 1 region (us-east-1), 3 functions.",
		"1 of 3 accounts could not be audited:",
		"- aws " + acctDenied + ": assume-role (sts:AssumeRole)",
		"Lambda function URL is callable by anyone without credentials (FNA-AWS-001)",
		"Function: public-status (aws, account " + acctProd + ", us-east-1)",
		"Lambda execution role has full administrative access (FNA-AWS-003)",
		"Function: billing-export (aws, account " + acctProd + ", us-east-1)",
		"Lambda function has a secret in environment variable STRIPE_KEY (FNA-AWS-007)",
	} {
		if !strings.Contains(email, want) {
			t.Errorf("email digest lacks %q:\n%s", want, email)
		}
	}
	if strings.Contains(m.Message, "HxyzABCDEFGHIJ") {
		t.Error("the message contains the planted secret's value")
	}
	var rep struct {
		Summary struct{ Open, Gaps int }
		Gaps    []struct{ Account, Reason string }
	}
	if err := json.Unmarshal([]byte(m.Body("sqs")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Gaps != 1 || len(rep.Gaps) != 1 || rep.Gaps[0].Account != acctDenied || rep.Gaps[0].Reason != "assume-role" {
		t.Errorf("JSON report summary %+v, gaps %+v", rep.Summary, rep.Gaps)
	}
}

// TestEndToEndBadConfig: a bad variable fails the function's start, and the
// runtime's log names the variable.
func TestEndToEndBadConfig(t *testing.T) {
	t.Parallel()
	bootstrap := buildBootstrap(t)
	addr, logs := startEmulator(t, bootstrap,
		"FNAUDIT_SNS_TOPIC_ARN=arn:aws:sns:us-east-1:"+securityID+":fnaudit-digest",
		"FNAUDIT_MIN_SEVERITY=urgent",
	)
	body := invokeEmulator(t, addr)
	var res Result
	if json.Unmarshal(body, &res) == nil && res.MessageID != "" {
		t.Fatalf("invocation succeeded: %s", body)
	}
	want := `fnaudit: configuration: FNAUDIT_MIN_SEVERITY: "urgent" is not a severity`
	// The log line is written before the invocation fails; the wait is a
	// budget far above that, for a busy machine.
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(logs.String(), want) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), want) {
		t.Errorf("the log lacks %q; invocation returned %s", want, body)
	}
}

// built is the bootstrap binary, built once for every end-to-end test of the
// package run and removed by TestMain.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildBootstrap builds the function for the host (once per package run), or
// skips when the emulator is missing.
func buildBootstrap(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	if _, err := exec.LookPath("aws-lambda-rie"); err != nil {
		t.Skip("aws-lambda-rie is not on PATH; install it with: " + rieInstall)
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "fnaudit-bootstrap-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "bootstrap")
		build := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", built.path, ".")
		build.Stderr = os.Stderr
		built.err = build.Run()
	})
	if built.err != nil {
		t.Fatalf("build bootstrap: %v", built.err)
	}
	return built.path
}

// syncBuffer is a bytes.Buffer safe for the emulator's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startEmulator runs the bootstrap under aws-lambda-rie with a clean
// environment plus env, and returns the emulator's address and its output
// (the emulator's and the function's logs).
func startEmulator(t *testing.T, bootstrap string, env ...string) (string, *syncBuffer) {
	t.Helper()
	rie, _ := exec.LookPath("aws-lambda-rie")
	dir := filepath.Dir(bootstrap)
	addr, apiAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", apiAddr, bootstrap)
	cmd.Dir = dir
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"LOG_LEVEL=error",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=120",
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY=test-secret",
		"AWS_EC2_METADATA_DISABLED=true",
	}, env...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the emulator and the bootstrap it starts
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("emulator and function output:\n%s", logs.String())
		}
	})
	waitListening(t, addr)
	return addr, logs
}

// invokeEmulator posts the scheduled-event fixture the way EventBridge's
// invocation reaches a function, and returns the response body.
func invokeEmulator(t *testing.T, addr string) []byte {
	t.Helper()
	event, err := os.ReadFile(filepath.Join("testdata", "scheduled-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
		"http://"+addr+"/2015-03-31/functions/function/invocations", bytes.NewReader(event))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return body
}

// seedOrganization plants an organization: the security account (where the
// function runs, no functions), a member with a public function URL and an
// administrator role reached through the org role, and a member whose role
// cannot be assumed.
func seedOrganization(t *testing.T) *awstest.Server {
	t.Helper()
	srv := awstest.New(t)
	sec := srv.AddAccount(securityID)
	sec.Name = "acme-security"
	sec.AddRegion("us-east-1")
	prod := srv.AddAccount(acctProd)
	prod.Name, prod.InOrg = "acme-prod", true
	denied := srv.AddAccount(acctDenied)
	denied.Name, denied.InOrg = "acme-sandbox", true
	srv.SetOrganization("o-a1b2c3d4e5", securityID)

	prod.Roles = []*awstest.Role{
		{Name: "fnaudit-reader", AssumableBy: []string{securityID}},
		{Name: "billing-export-role", Inline: map[string]string{"admin": adminPolicy}},
		{Name: "app-role", Inline: map[string]string{"logs": logsPolicy}},
	}
	fn := func(name string) string { return fnARN("us-east-1", name) }
	public := `{"Version":"2012-10-17","Id":"default","Statement":[` +
		`{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + fn("public-status") + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}},` +
		`{"Sid":"FunctionURLInvokeAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + fn("public-status") + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}]}`
	prod.AddRegion("us-east-1").Functions = []*awstest.Function{
		{Name: "public-status", Runtime: "python3.13", Handler: "app.handler", Role: prod.RoleARN("app-role"),
			Policy: public, URL: "NONE"},
		{Name: "billing-export", Runtime: "python3.13", Handler: "app.handler", Role: prod.RoleARN("billing-export-role")},
		// Runtimes far from their end of support: the bootstrap judges by the
		// real date (nodejs22.x's deprecation in April 2027 would add a finding).
		{Name: "orders-api", Runtime: "python3.13", Handler: "app.handler", Role: prod.RoleARN("app-role"),
			Env: map[string]string{"LOG_LEVEL": "info", "STRIPE_KEY": "sk_live_51HxyzABCDEFGHIJKLMNOPQRSTUV"}},
	}
	denied.AddRegion("us-east-1")
	return srv
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	// Far above the emulator's start-up time, for a busy machine.
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the emulator did not listen on %s within 2 minutes", addr)
}
