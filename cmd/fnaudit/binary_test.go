package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// These tests run the built binary, as a shell or CI job would: exit codes,
// stderr lines, signals, --output to what the process's own stdout is.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds fnaudit once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fnaudit-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "fnaudit")
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command(goTool, "build", "-o", binPath, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// noCloudEnv is an environment in which no cloud's credentials resolve and
// nothing reaches the network: no instance metadata, no ADC file, only the
// environment credential for Azure.
func noCloudEnv(t *testing.T) []string {
	home := t.TempDir()
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"GOOGLE_APPLICATION_CREDENTIALS=" + filepath.Join(home, "no-adc.json"),
		"AZURE_TOKEN_CREDENTIALS=EnvironmentCredential",
	}
}

type binResult struct {
	code           int
	stdout, stderr string
}

func runBinary(t *testing.T, env []string, stdin string, args ...string) binResult {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return binResult{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

func TestBinaryExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "inv.json", publicGCP)
	gappy := writeFile(t, dir, "gaps.json", withGap(publicGCP))
	rep := writeFile(t, dir, "report.json", `{"schema": "fnaudit.report/v1", "findings": []}`)
	env := noCloudEnv(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string // each must be a whole line of stderr
		stdout string   // contained in stdout
	}{
		{"no arguments", nil, 2, nil, ""},
		{"unknown command", []string{"analyse", good}, 2, []string{`fnaudit: unknown command "analyse" (did you mean analyze?); see fnaudit help`}, ""},
		{"demo", []string{"demo", "--now", now}, 0, nil, "SUMMARY"},
		{"version", []string{"version"}, 0, nil, "fnaudit "},
		{"--version", []string{"--version"}, 0, nil, runtime.Version()},
		{"fail-on", []string{"analyze", good, "--fail-on", "high", "--now", now}, 1,
			[]string{"fnaudit analyze: 1 unsuppressed finding at or above high (--fail-on)"}, ""},
		{"gaps", []string{"analyze", gappy, "--now", now}, 3,
			[]string{"fnaudit analyze: 1 gap: part of the estate could not be read (see the report)"}, ""},
		{"a report given to analyze", []string{"analyze", rep}, 2,
			[]string{"fnaudit analyze: " + rep + " is a fnaudit report (schema fnaudit.report/v1), not an inventory; analyze takes the output of `fnaudit collect`"}, ""},
		{"env var default", []string{"analyze", good, "--now", now}, 0, nil, `"schema": "fnaudit.report/v1"`},
		{"no credentials anywhere", []string{"scan"}, 4, []string{
			"fnaudit: skipping gcp: GOOGLE_APPLICATION_CREDENTIALS names " + filepath.Join(strings.TrimPrefix(env[1], "HOME="), "no-adc.json") +
				", which is not a usable credentials file (run `gcloud auth application-default login`, or fix the variable)",
			"fnaudit: skipping aws: no credentials found (run `aws configure`, or `aws sso login --profile NAME` and pass --profile NAME)",
			"fnaudit scan: no provider could collect: no credentials for aws, gcp, azure (see the lines above)",
		}, ""},
		{"explicit provider without credentials", []string{"scan", "--provider", "azure"}, 2, nil, ""},
		{"output directory missing", []string{"scan", "--output", filepath.Join(dir, "nope", "r.json")}, 2,
			[]string{"fnaudit scan: --output " + filepath.Join(dir, "nope", "r.json") + ": directory " + filepath.Join(dir, "nope") + " does not exist"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := env
			if tt.name == "env var default" {
				e = append(append([]string(nil), env...), "FNAUDIT_FORMAT=json")
			}
			r := runBinary(t, e, "", tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			for _, want := range tt.stderr {
				if !contains(lines, want) {
					t.Errorf("stderr lacks the line\n%s\ngot:\n%s", want, r.stderr)
				}
			}
			if tt.code == exitUsage && tt.args != nil && len(lines) != 1 {
				t.Errorf("exit 2 with %d stderr lines, want 1:\n%s", len(lines), r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%.500s", tt.stdout, r.stdout)
			}
			if strings.Contains(r.stderr, "SDK") && strings.Contains(r.stderr, "WARN") {
				t.Errorf("an SDK log line reached stderr:\n%s", r.stderr)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// --output /dev/stdout writes into the process's standard output, whatever it
// is, and never replaces /dev/stdout or the file the shell opened.
func TestBinaryOutputDevStdout(t *testing.T) {
	t.Parallel()
	if _, err := os.Lstat("/dev/stdout"); err != nil {
		t.Skip("no /dev/stdout")
	}
	dir := t.TempDir()
	good := writeFile(t, dir, "inv.json", publicGCP)

	// Standard output is a pipe.
	r := runBinary(t, noCloudEnv(t), "", "analyze", good, "--format", "csv", "--output", "/dev/stdout", "--now", now)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "id,rule,slug") {
		t.Fatalf("to a pipe: exit %d, stdout %.200q, stderr %q", r.code, r.stdout, r.stderr)
	}

	// Standard output is a file: the report lands in that very file.
	outPath := filepath.Join(dir, "stdout.txt")
	f, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := f.Stat()
	cmd := exec.Command(binary(t), "analyze", good, "--format", "csv", "--output", "/dev/stdout", "--now", now)
	cmd.Env = noCloudEnv(t)
	cmd.Stdout = f
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("to a file: %v: %s", err, errb.String())
	}
	f.Close()
	after, err := os.Stat(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the file behind standard output was replaced, not written")
	}
	data, _ := os.ReadFile(outPath)
	if !strings.HasPrefix(string(data), "id,rule,slug") {
		t.Errorf("file behind standard output: %.200q", data)
	}
	if st, err := os.Lstat("/dev/stdout"); err != nil || st.Mode()&os.ModeSymlink == 0 && st.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("/dev/stdout is no longer a link or device: %v %v", st.Mode(), err)
	}
}

// stallingProxy forwards to the local AWS server but holds every Lambda call
// for region stall until the client gives up, announcing the first on ready.
func stallingProxy(t *testing.T, target, stall string, ready chan<- struct{}) *httptest.Server {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "/"+stall+"/lambda/") {
			once.Do(func() { close(ready) })
			<-r.Context().Done()
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// SIGTERM and SIGINT stop a scan mid-way: the report of what was read is
// written, with a gap for what was not, and the exit code is 3.
func TestBinarySignalWritesPartialReport(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			const acct = "123456789012"
			s := awstest.New(t)
			a := s.AddAccount(acct)
			a.Roles = []*awstest.Role{{Name: "fn-role"}}
			a.AddRegion("us-east-1").Functions = []*awstest.Function{
				{Name: "fast-region-fn", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("fn-role")},
			}
			a.AddRegion("eu-west-1").Functions = []*awstest.Function{
				{Name: "stalled-region-fn", Runtime: "python3.12", Handler: "app.handler", Role: a.RoleARN("fn-role")},
			}
			ready := make(chan struct{})
			proxy := stallingProxy(t, s.URL, "eu-west-1", ready)

			env := noCloudEnv(t)
			for k, v := range s.Env(acct, "us-east-1") {
				if strings.HasPrefix(k, "AWS_ENDPOINT_URL") {
					v = proxy.URL
				}
				env = append(env, k+"="+v)
			}
			out := filepath.Join(t.TempDir(), "report.json")
			cmd := exec.Command(binary(t), "scan", "--provider", "aws", "--regions", "us-east-1,eu-west-1",
				"--format", "json", "--output", out, "--now", now)
			cmd.Env = env
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			<-ready // the scan is under way and one region is stuck
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != exitGaps {
				t.Fatalf("exit %d (%v), want 3; stderr:\n%s", code, err, errb.String())
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatalf("no report written: %v; stderr:\n%s", err, errb.String())
			}
			var rep audit.Report
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			var stoppedGap bool
			for _, g := range rep.Gaps {
				if g.Provider == audit.AWS && g.Reason == audit.GapTimeout {
					stoppedGap = true
				}
			}
			if !stoppedGap {
				t.Errorf("no timeout gap for the interrupted collection: %+v", rep.Gaps)
			}
			name := map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}[sig]
			if !strings.Contains(errb.String(), "fnaudit: interrupted by "+name+": collection stopped") {
				t.Errorf("stderr does not say the run was interrupted:\n%s", errb.String())
			}
			if st, err := os.Stat(out); err == nil && st.Mode().Perm() != 0o600 {
				t.Errorf("report mode %v, want 0600", st.Mode().Perm())
			}
		})
	}
}

// --output through a symlink and into a FIFO, and the completion scripts, as a
// shell user meets them.
func TestBinaryOutputLinkFIFOAndCompletion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := writeFile(t, dir, "inv.json", publicGCP)
	env := noCloudEnv(t)

	target := filepath.Join(dir, "reports", "latest.csv")
	os.Mkdir(filepath.Dir(target), 0o755)
	link := filepath.Join(dir, "latest.csv")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for range 2 { // create through the dangling link, then replace through it
		if r := runBinary(t, env, "", "analyze", good, "--format", "csv", "--output", link, "--now", now); r.code != 0 {
			t.Fatalf("symlink: exit %d: %s", r.code, r.stderr)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v", err)
	}
	if st, err := os.Stat(target); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("link target: %v %v", st, err)
	}

	fifo := filepath.Join(dir, "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		var b bytes.Buffer
		b.ReadFrom(f)
		got <- b.String()
	}()
	if r := runBinary(t, env, "", "analyze", good, "--format", "csv", "--output", fifo, "--now", now); r.code != 0 {
		t.Fatalf("fifo: exit %d: %s", r.code, r.stderr)
	}
	if s := <-got; !strings.HasPrefix(s, "id,rule,slug") {
		t.Errorf("FIFO reader got %.100q", s)
	}

	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := runBinary(t, env, "", "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, "fnaudit") {
			t.Errorf("completion %s: exit %d, %d bytes", shell, r.code, len(r.stdout))
		}
	}
	r := runBinary(t, env, "", "__complete", "")
	for _, sub := range []string{"demo", "analyze", "scan", "collect", "rules", "version", "completion"} {
		if !strings.Contains(r.stdout, sub+"\t") {
			t.Errorf("the completion scripts' source lacks %s:\n%s", sub, r.stdout)
		}
	}
}

// Outside a collection a signal ends fnaudit as usual: analyze waiting on
// standard input does not hang on SIGTERM.
func TestBinarySignalOutsideCollection(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary(t), "analyze", "-")
	cmd.Env = noCloudEnv(t)
	stdin, err := cmd.StdinPipe() // never written: analyze blocks reading it
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("fnaudit did not end by SIGTERM: %v", cmd.ProcessState)
	}
}

// Credentials that AWS rejects give one line with the usual fix, not the
// SDK's error chain, and exit 4 when no provider could collect.
func TestBinaryRejectedCredentials(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount("123456789012")
	env := noCloudEnv(t)
	for k, v := range s.Env("123456789012", "us-east-1") {
		if k == "AWS_ACCESS_KEY_ID" {
			v = "AKIAUNKNOWNKEY000000" // not a key the server knows
		}
		env = append(env, k+"="+v)
	}
	r := runBinary(t, env, "", "scan", "--provider", "aws", "--regions", "us-east-1")
	want := "fnaudit scan: no provider could collect: aws: AWS rejected the credentials (InvalidClientTokenId; run `aws configure`, or `aws sso login --profile NAME` and pass --profile NAME)\n"
	if r.code != exitNoProvider || r.stderr != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", r.code, r.stderr, want)
	}
	r = runBinary(t, env, "", "scan", "--provider", "aws", "--regions", "us-east-1", "--debug")
	if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "debug: ") || !strings.Contains(lines[0], "StatusCode: 403") {
		t.Errorf("--debug: %q", r.stderr)
	}
}

// The AWS SDK's own log lines (the IMDSv1 fallback warning when the instance
// metadata service refuses a token) stay off stderr; --debug lets them through.
func TestBinaryNoSDKLogLines(t *testing.T) {
	t.Parallel()
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			http.Error(w, "no tokens here", http.StatusForbidden) // makes the SDK fall back to IMDSv1
			return
		}
		http.NotFound(w, r) // no instance role
	}))
	t.Cleanup(imds.Close)
	env := noCloudEnv(t)
	for i, kv := range env {
		if strings.HasPrefix(kv, "AWS_EC2_METADATA_DISABLED=") {
			env[i] = "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds.URL
		}
	}
	r := runBinary(t, env, "", "scan", "--provider", "aws")
	if r.code != exitUsage || strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "IMDSv1") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = runBinary(t, env, "", "scan", "--provider", "aws", "--debug")
	if !strings.Contains(r.stderr, "falling back to IMDSv1") {
		t.Errorf("--debug does not show the SDK's log:\n%s", r.stderr)
	}
}
