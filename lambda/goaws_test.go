//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/fnaudit/fnaudit/audit"
)

const goawsInstall = "go install github.com/Admiral-Piett/goaws/app/cmd@v0.4.5"

// goawsBinary finds goaws v0.4.5: its install names the binary "cmd", so the
// candidate must prove it is goaws by its module path.
func goawsBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"goaws", "cmd"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		out, err := exec.Command("go", "version", "-m", p).Output()
		if err == nil && bytes.Contains(out, []byte("github.com/Admiral-Piett/goaws")) {
			return p
		}
	}
	t.Skip("goaws is not on PATH; install it with: " + goawsInstall)
	return ""
}

// TestGoaws publishes an oversize report to goaws, an SNS implementation that
// does not enforce SNS's limits, and reads back what an SQS subscriber gets:
// the size limit is the function's own doing, not the test server's.
func TestGoaws(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("goaws test skipped in -short mode")
	}
	bin := goawsBinary(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	host, port, _ := strings.Cut(addr, ":")
	conf := `Local:
  Host: ` + host + `
  Port: "` + port + `"
  AccountId: "` + securityID + `"
  LogToFile: false
  QueueAttributeDefaults:
    VisibilityTimeout: 30
    ReceiveMessageWaitTimeSeconds: 0
  Topics:
    - Name: fnaudit-digest
      Subscriptions:
        - QueueName: digest
          Raw: true
`
	path := filepath.Join(dir, "goaws.yaml")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-config", path, "Local")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("goaws output:\n%s", logs.String())
		}
	})
	waitListening(t, addr)

	const n = 400 // far beyond SNS's limit; more would only slow the test
	hs := newHarness(t, env{}, static(hugeEstate(n)))
	awsCfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithBaseEndpoint("http://"+addr),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDGOAWS", "secret", "")))
	if err != nil {
		t.Fatal(err)
	}
	hs.h.sns = sns.NewFromConfig(awsCfg)
	res, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.MessageID == "" || res.Omitted == 0 || res.Bytes > snsMaxBytes {
		t.Errorf("result = %+v", res)
	}

	queue := "http://" + addr + "/" + securityID + "/digest"
	form := url.Values{"Action": {"ReceiveMessage"}, "QueueUrl": {queue}, "MaxNumberOfMessages": {"10"}}
	resp, err := http.PostForm(queue, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Messages []struct {
			Body string `xml:"Body"`
		} `xml:"ReceiveMessageResult>Message"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Fatalf("queue holds %d messages, want 1", len(out.Messages))
	}
	var r audit.Report
	if err := json.Unmarshal([]byte(out.Messages[0].Body), &r); err != nil {
		t.Fatalf("SQS subscriber got no report: %v", err)
	}
	if r.Summary.Open != n+6 || len(r.Findings) == 0 || len(r.Findings) >= n+6 || len(r.Warnings) == 0 {
		t.Errorf("report: open %d, %d findings listed, warnings %q", r.Summary.Open, len(r.Findings), r.Warnings)
	}
}
