//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
		"public-status (aws, account " + acctProd + ", us-east-1)",
		"Lambda execution role has full administrative access (FNA-AWS-003)",
		"billing-export (aws, account " + acctProd + ", us-east-1)",
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

// TestEndToEndDeniedAccountAndDuplicate runs the bootstrap under the emulator
// against an organization where a low-numbered account yields 300
// per-function gaps (GetPolicy denied for each function) and a later account
// could not be listed at all (ListFunctions denied): the message must still
// name the later account, in the digest and in the embedded JSON, within SNS's
// limit. The same scheduled event is then delivered again to the warm
// function and to a new one: the topic receives one message.
func TestEndToEndDeniedAccountAndDuplicate(t *testing.T) {
	bootstrap := buildBootstrap(t)
	const (
		orgManyGaps = "100000000001"
		orgUnlisted = "999988887777"
		bucket      = "acme-fnaudit"
		eventID     = "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"
	)
	srv := awstest.New(t)
	sec := srv.AddAccount(securityID)
	many := srv.AddAccount(orgManyGaps)
	many.InOrg = true
	many.Deny = []string{"lambda:GetPolicy"}
	many.Roles = []*awstest.Role{
		{Name: "fnaudit-reader", AssumableBy: []string{securityID}},
		{Name: "worker-role", Inline: map[string]string{"logs": logsPolicy}},
	}
	// 100 functions in each of three regions: the collector paces its calls
	// per account-region (15 a second), and the regions run side by side.
	regions := []string{"eu-central-1", "eu-west-1", "us-east-1"}
	unlisted := srv.AddAccount(orgUnlisted)
	unlisted.InOrg = true
	unlisted.Deny = []string{"lambda:ListFunctions"}
	unlisted.Roles = []*awstest.Role{{Name: "fnaudit-reader", AssumableBy: []string{securityID}}}
	for _, region := range regions {
		var fns []*awstest.Function
		for i := range 100 {
			fns = append(fns, &awstest.Function{Name: fmt.Sprintf("worker-%03d", i), Runtime: "python3.13", Handler: "app.handler",
				Role: many.RoleARN("worker-role")})
		}
		many.AddRegion(region).Functions = fns
		unlisted.AddRegion(region)
		sec.AddRegion(region)
	}
	srv.SetOrganization("o-a1b2c3d4e5", securityID)
	const topic = "arn:aws:sns:us-east-1:" + securityID + ":fnaudit-digest"
	srv.SNS().CreateTopic(topic)
	srv.S3().CreateBucket(bucket, securityID)
	env := []string{
		"AWS_ENDPOINT_URL=" + srv.URL,
		"AWS_ACCESS_KEY_ID=" + srv.AccessKey(securityID),
		"FNAUDIT_SNS_TOPIC_ARN=" + topic,
		"FNAUDIT_ORG_ROLE=fnaudit-reader",
		"FNAUDIT_REGIONS=" + strings.Join(regions, ","),
		"FNAUDIT_REPORT_BUCKET=" + bucket,
		// The real function's limit, far above what the run needs: nothing
		// here depends on how fast the machine is.
		"AWS_LAMBDA_FUNCTION_TIMEOUT=900",
	}
	addr, _ := startEmulator(t, bootstrap, env...)

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
	if n := len(m.Message) + len(m.Subject); n > snsMaxBytes {
		t.Errorf("message is %d bytes, over %d", n, snsMaxBytes)
	}
	email := m.Body("email")
	for _, region := range regions {
		for _, want := range []string{
			"- aws " + orgUnlisted + " " + region + ": access-denied (lambda:ListFunctions)",
			"- aws " + orgManyGaps + " " + region + ": lambda:GetPolicy access-denied for 100 functions (access missing)",
		} {
			if !strings.Contains(email, want) {
				t.Errorf("email digest lacks %q:\n%s", want, email)
			}
		}
	}
	if !strings.Contains(email, "Full report (JSON): "+res.Report) {
		t.Errorf("email digest does not point to the full report %q:\n%s", res.Report, email)
	}
	var rep struct {
		Summary  struct{ Gaps int }
		Gaps     []struct{ Account, Region, Resource, API string }
		Warnings []string
	}
	if err := json.Unmarshal([]byte(m.Body("sqs")), &rep); err != nil {
		t.Fatal(err)
	}
	named, perFunction := map[string]bool{}, 0
	for _, g := range rep.Gaps {
		if g.Account == orgUnlisted && g.API == "lambda:ListFunctions" {
			named[g.Region] = true
		}
		if g.Resource != "" {
			perFunction++
		}
	}
	if len(named) != len(regions) {
		t.Errorf("the JSON report names account %s in regions %v, want %v: %d gaps of %d listed", orgUnlisted, named, regions, len(rep.Gaps), rep.Summary.Gaps)
	}
	// Whatever per-function gaps the JSON report had to leave out, a warning counts them.
	leftOut := 0
	for _, w := range rep.Warnings {
		for _, region := range regions {
			var n int
			prefix := "left out of this message: aws " + orgManyGaps + " " + region + ": lambda:GetPolicy access-denied for "
			if rest, ok := strings.CutPrefix(w, prefix); ok {
				if _, err := fmt.Sscanf(rest, "%d", &n); err != nil {
					t.Errorf("warning %q: %v", w, err)
				}
				leftOut += n
			}
		}
	}
	t.Logf("message %d bytes: %d findings left out, %d per-function gaps listed, %d left out", res.Bytes, res.Omitted, perFunction, leftOut)
	if perFunction+leftOut != 300 || rep.Summary.Gaps != 303 {
		t.Errorf("JSON report: %d per-function gaps listed + %d said left out, summary %d gaps; want 300 and 303",
			perFunction, leftOut, rep.Summary.Gaps)
	}

	// The same event again, to the warm function and to a new one.
	body = invokeEmulator(t, addr)
	var warm Result
	if err := json.Unmarshal(body, &warm); err != nil || warm.MessageID != "" ||
		warm.Skipped != "duplicate event "+eventID+": this execution environment handled it already" {
		t.Errorf("warm duplicate returned %s (%v)", body, err)
	}
	cold, _ := startEmulator(t, bootstrap, env...)
	body = invokeEmulator(t, cold)
	var again Result
	if err := json.Unmarshal(body, &again); err != nil || again.MessageID != "" ||
		!strings.Contains(again.Skipped, "s3://"+bucket+"/fnaudit/runs/"+eventID+" exists") {
		t.Errorf("cold duplicate returned %s (%v)", body, err)
	}
	if n := len(srv.SNS().Messages()); n != 1 {
		t.Errorf("topic received %d messages, want 1", n)
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
	// Longer than any function timeout the tests set (at most Lambda's 900 s).
	ctx, cancel := context.WithTimeout(context.Background(), 16*time.Minute)
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
