package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/internal/awstest"
	goldenfile "github.com/fnaudit/fnaudit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const topicARN = "arn:aws:sns:us-east-1:" + securityID + ":fnaudit-digest"

// env is a test environment for loadConfig.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// harness is a Handler wired to a local AWS endpoint: the real SNS and S3
// clients talk to awstest, which validates publications as SNS does.
type harness struct {
	h   *Handler
	srv *awstest.Server
}

func newHarness(t testing.TB, e env, f CollectorFactory) *harness {
	t.Helper()
	srv := awstest.New(t)
	srv.AddAccount(securityID)
	srv.SNS().CreateTopic(topicARN)
	srv.S3().CreateBucket("acme-fnaudit", securityID)
	if _, ok := e[envTopicARN]; !ok {
		e[envTopicARN] = topicARN
	}
	cfg, err := loadConfig(e.get)
	if err != nil {
		t.Fatal(err)
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithBaseEndpoint(srv.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(srv.AccessKey(securityID), "secret", "")),
		config.WithRetryMaxAttempts(1),
	)
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{
		cfg:        cfg,
		collectors: f,
		rules:      rules.All(),
		sns:        sns.NewFromConfig(awsCfg, func(o *sns.Options) { o.Region = cfg.TopicRegion }),
		s3:         s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true }),
		sts:        sts.NewFromConfig(awsCfg),
		now:        func() time.Time { return estateTime.Add(3 * time.Minute) },
		log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return &harness{h: h, srv: srv}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// invoke runs the handler the way the Lambda runtime does.
func (hs *harness) invoke(t testing.TB, ctx context.Context, payload []byte) (*Result, error) {
	t.Helper()
	out, err := lambda.NewHandler(hs.h.Handle).Invoke(ctx, payload)
	if err != nil {
		return nil, err
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("result %s: %v", out, err)
	}
	return &res, nil
}

// published returns the one message the topic received.
func (hs *harness) published(t *testing.T) awstest.SNSMessage {
	t.Helper()
	msgs := hs.srv.SNS().Messages()
	if len(msgs) != 1 {
		t.Fatalf("topic received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.MessageStructure != "json" || m.TopicArn != topicARN {
		t.Errorf("message structure %q to %s", m.MessageStructure, m.TopicArn)
	}
	if m.Body("default") != m.Body("email") {
		t.Error("default and email entries differ")
	}
	if m.Body("sqs") != m.Body("lambda") || m.Body("sqs") != m.Body("https") {
		t.Error("sqs, lambda and https entries differ")
	}
	if n := len(m.Message) + len(m.Subject); n > snsMaxBytes {
		t.Errorf("message is %d bytes, over SNS's %d", n, snsMaxBytes)
	}
	return m
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, name, got, *update)
}

// reportOf decodes the JSON report of a message.
func reportOf(t *testing.T, m awstest.SNSMessage) *audit.Report {
	t.Helper()
	var r audit.Report
	dec := json.NewDecoder(strings.NewReader(m.Body("sqs")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("sqs entry is not a report: %v", err)
	}
	return &r
}

func TestScheduledRunGolden(t *testing.T) {
	t.Parallel()
	event := readFile(t, "scheduled-event.json")
	for _, tc := range []struct {
		name        string
		inv         *audit.Inventory
		wantSubject string
		envelope    bool // golden only the report's envelope (the findings are too many to review)
	}{
		{"clean", cleanEstate(), "fnaudit: all clear in 1 account", false},
		{"findings", findingsEstate(), "fnaudit: 1 critical, 3 high, 2 medium in 1 account", false},
		{"gaps", gapsEstate(), "fnaudit: 1 critical, 3 high, 2 medium in 2 accounts (2 gaps)", false},
		{"oversize", hugeEstate(1500), "fnaudit: 1501 critical, 3 high, 2 medium in 2 accounts (2 gaps)", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hs := newHarness(t, env{}, static(tc.inv))
			res, err := hs.invoke(t, context.Background(), event)
			if err != nil {
				t.Fatal(err)
			}
			m := hs.published(t)
			if m.Subject != tc.wantSubject || res.Subject != tc.wantSubject {
				t.Errorf("subject = %q (result %q), want %q", m.Subject, res.Subject, tc.wantSubject)
			}
			if res.MessageID == "" || res.Bytes != len(m.Message)+len(m.Subject) {
				t.Errorf("result = %+v", res)
			}
			golden(t, tc.name+".digest", []byte("Subject: "+m.Subject+"\n\n"+m.Body("email")))

			r := reportOf(t, m)
			if tc.envelope {
				r.Findings = r.Findings[:3]
			}
			var js bytes.Buffer
			enc := json.NewEncoder(&js)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".report", js.Bytes())
		})
	}
}

// The oversize run keeps the summary complete, lists the worst findings that
// fit, says how many more there are, and stores the full report.
func TestSizeLimit(t *testing.T) {
	t.Parallel()
	// 400 public functions make a report far beyond SNS's limit (a few dozen
	// findings fit); more would only slow the test.
	const n = 400
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(hugeEstate(n)))
	res, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := hs.published(t)
	r := reportOf(t, m)
	if r.Summary.Open != n+6 || r.Summary.BySeverity[audit.Critical] != n+1 {
		t.Errorf("summary = %+v, want every finding counted", r.Summary)
	}
	if len(r.Findings) == 0 || res.Omitted == 0 || len(r.Findings)+res.Omitted > r.Summary.Total {
		t.Errorf("message lists %d findings, omitted %d", len(r.Findings), res.Omitted)
	}
	if r.Findings[0].Severity != audit.Critical {
		t.Errorf("first finding is %s, want the worst first", r.Findings[0].Severity)
	}
	// The budget is used: the message is close to the limit, not far below.
	if size := len(m.Message) + len(m.Subject); size < snsMaxBytes*9/10 {
		t.Errorf("message is %d bytes; the search should fill most of %d", size, snsMaxBytes)
	}
	const uri = "s3://acme-fnaudit/fnaudit/reports/2026/11/28/060300Z.json"
	if res.Report != uri {
		t.Errorf("report = %q, want %q", res.Report, uri)
	}
	wantNote := "the full report is at " + uri
	if !strings.Contains(strings.Join(r.Warnings, "\n"), wantNote) {
		t.Errorf("warnings %q lack %q", r.Warnings, wantNote)
	}
	// The digest names every public finding (one line each past the first
	// few), or, when even one-liners do not fit, says how many it cut and where
	// the full report is (TestBuildMessageTenThousandFindings covers the cut).
	body := m.Body("email")
	if res.DigestOmitted == 0 {
		for _, f := range r.Findings {
			if f.Category == audit.PublicInvoke && !strings.Contains(body, f.Function) {
				t.Errorf("digest does not name public function %s", f.Function)
			}
		}
	} else {
		for _, want := range []string{fmt.Sprintf("... and %d more findings (the lowest-ranked, ", res.DigestOmitted), "The full report is at " + uri} {
			if !strings.Contains(body, want) {
				t.Errorf("digest lacks %q", want)
			}
		}
	}
	data, ok := hs.srv.S3().Object("acme-fnaudit", "fnaudit/reports/2026/11/28/060300Z.json")
	if !ok {
		t.Fatal("full report was not written")
	}
	var full audit.Report
	if err := json.Unmarshal(data, &full); err != nil {
		t.Fatal(err)
	}
	if len(full.Findings) != r.Summary.Total {
		t.Errorf("full report has %d findings, want %d", len(full.Findings), r.Summary.Total)
	}
}

func TestQuietWhenClean(t *testing.T) {
	t.Parallel()
	event := readFile(t, "scheduled-event.json")
	hs := newHarness(t, env{envQuietWhenClean: "true"}, static(cleanEstate()))
	res, err := hs.invoke(t, context.Background(), event)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hs.srv.SNS().Messages()); n != 0 || res.Skipped == "" {
		t.Errorf("clean quiet run published %d messages, result %+v", n, res)
	}
	// Gaps are never quiet: they say the audit could not see everything.
	inv := cleanEstate()
	inv.Gaps = gapsEstate().Gaps[:1]
	hs = newHarness(t, env{envQuietWhenClean: "true"}, static(inv))
	if _, err := hs.invoke(t, context.Background(), event); err != nil {
		t.Fatal(err)
	}
	if m := hs.published(t); m.Subject != "fnaudit: no findings at medium or above in 2 accounts (1 gap)" {
		t.Errorf("subject = %q", m.Subject)
	}
}

func TestMinSeverity(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envMinSeverity: "critical"}, static(findingsEstate()))
	if _, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json")); err != nil {
		t.Fatal(err)
	}
	m := hs.published(t)
	if m.Subject != "fnaudit: 1 critical in 1 account" {
		t.Errorf("subject = %q", m.Subject)
	}
	for _, f := range reportOf(t, m).Findings {
		if f.Severity != audit.Critical {
			t.Errorf("report lists a %s finding below the threshold", f.Severity)
		}
	}
	if !strings.Contains(m.Body("email"), "Below critical, not listed: 5") {
		t.Errorf("digest:\n%s", m.Body("email"))
	}
}

func TestDirectInvocationOverride(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []Scope
	f := func(ctx context.Context, s Scope) ([]audit.Collector, []audit.Gap) {
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
		return static(cleanEstate())(ctx, s)
	}
	hs := newHarness(t, env{envAccounts: "123456789012,210987654321", envRegions: "us-east-1,eu-west-1"}, f)
	ctx := context.Background()

	res, err := hs.invoke(t, ctx, []byte(`{"accounts":["210987654321"],"regions":["eu-west-1"],"minSeverity":"high","dryRun":true}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Scope{Providers: []audit.Provider{audit.AWS}, Regions: []string{"eu-west-1"}, Accounts: []string{"210987654321"}}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("scope (-want +got):\n%s", diff)
	}
	if res.Skipped != "dry run" || !strings.Contains(res.Digest, "All clear: no open findings at high or above.") ||
		len(hs.srv.SNS().Messages()) != 0 {
		t.Errorf("dry run result = %+v", res)
	}

	// An empty object and null audit the configured scope.
	for _, p := range []string{`{}`, `null`} {
		if _, err := hs.invoke(t, ctx, []byte(p)); err != nil {
			t.Errorf("payload %q: %v", p, err)
		}
	}
	if diff := cmp.Diff(Scope{Providers: []audit.Provider{audit.AWS}, Regions: []string{"us-east-1", "eu-west-1"},
		Accounts: []string{"123456789012", "210987654321"}}, got[len(got)-1]); diff != "" {
		t.Errorf("configured scope (-want +got):\n%s", diff)
	}

	for _, tc := range []struct{ payload, want string }{
		{`{"acounts":["123456789012"]}`, `unknown field "acounts"`},
		{`{"accounts":["999999999999"]}`, `accounts: "999999999999" is outside the configured scope`},
		{`{"regions":["mars-1"]}`, `regions: "mars-1" is not valid`},
		{`{"providers":["gcp"]}`, `providers: gcp is not configured in FNAUDIT_PROVIDERS`},
		{`{"minSeverity":"urgent"}`, `minSeverity: unknown severity "urgent"`},
		{`[1,2]`, `want a JSON object`},
	} {
		_, err := hs.invoke(t, ctx, []byte(tc.payload))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("payload %s: error %v, want %q", tc.payload, err, tc.want)
		}
	}
}

func TestSuppressionsAndReportFromS3(t *testing.T) {
	t.Parallel()
	const yaml = `suppressions:
  - rule: FNA-AWS-001
    resource: "arn:aws:lambda:*:123456789012:function:public-status"
    reason: status page is public by design (SEC-412)
`
	hs := newHarness(t, env{envSuppressions: "s3://acme-fnaudit/config/suppressions.yaml", envReportBucket: "acme-fnaudit"},
		static(findingsEstate()))
	hs.srv.S3().PutObject("acme-fnaudit", "config/suppressions.yaml", []byte(yaml))
	res, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := hs.published(t)
	if m.Subject != "fnaudit: no baseline; 3 high, 2 medium in 1 account" {
		t.Errorf("subject = %q", m.Subject)
	}
	body := m.Body("email")
	for _, want := range []string{"Suppressed (accepted in the suppressions file): 1", "Full report (JSON): " + res.Report} {
		if !strings.Contains(body, want) {
			t.Errorf("digest lacks %q:\n%s", want, body)
		}
	}
	want := []string{"config/suppressions.yaml", "fnaudit/reports/2026/11/28/060300Z.html", "fnaudit/reports/2026/11/28/060300Z.json", "fnaudit/runs/53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", stateKey}
	if diff := cmp.Diff(want, hs.srv.S3().Keys("acme-fnaudit")); diff != "" {
		t.Errorf("bucket keys (-want +got):\n%s", diff)
	}

	// An unreadable suppressions file suppresses nothing and says so.
	hs = newHarness(t, env{envSuppressions: "s3://acme-fnaudit/config/missing.yaml"}, static(findingsEstate()))
	if _, err := hs.invoke(t, context.Background(), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	m = hs.published(t)
	if !strings.Contains(m.Body("email"), "suppressions: read s3://acme-fnaudit/config/missing.yaml") ||
		!strings.HasPrefix(m.Subject, "fnaudit: 1 critical, 3 high") {
		t.Errorf("subject %q, digest:\n%s", m.Subject, m.Body("email"))
	}
}

func TestInlineSuppressions(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envSuppressions: "suppressions:\n  - category: deprecated-runtime\n    resource: \"**\"\n    reason: migrating in Q1\n"},
		static(findingsEstate()))
	if _, err := hs.invoke(t, context.Background(), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if m := hs.published(t); !strings.Contains(m.Body("email"), "Suppressed (accepted in the suppressions file): 1") {
		t.Errorf("digest:\n%s", m.Body("email"))
	}
}

func TestNothingCollectedFailsAfterPublishing(t *testing.T) {
	t.Parallel()
	f := func(context.Context, Scope) ([]audit.Collector, []audit.Gap) {
		return []audit.Collector{staticCollector{provider: audit.AWS, err: errors.New("aws: get caller identity: no credentials")}}, nil
	}
	hs := newHarness(t, env{}, f)
	_, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json"))
	if err == nil || !strings.Contains(err.Error(), "no provider could be audited: aws: aws: get caller identity: no credentials") {
		t.Fatalf("error = %v", err)
	}
	m := hs.published(t)
	if !strings.Contains(m.Body("email"), "get caller identity: no credentials") || !strings.Contains(m.Subject, "(1 gap)") {
		t.Errorf("subject %q, digest:\n%s", m.Subject, m.Body("email"))
	}
}

func TestPublishFailureIsAnError(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envTopicARN: "arn:aws:sns:us-east-1:" + securityID + ":deleted-topic"}, static(cleanEstate()))
	_, err := hs.invoke(t, context.Background(), []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "sns: publish to arn:aws:sns:us-east-1:111122223333:deleted-topic") {
		t.Errorf("error = %v", err)
	}
}

// regionCollector behaves like the AWS collector under a deadline: it works
// through account-regions one at a time and records each one it has no time
// to start as a timeout gap.
type regionCollector struct {
	regions  []string
	per      time.Duration
	deadline chan time.Time
}

func (c regionCollector) Provider() audit.Provider { return audit.AWS }

func (c regionCollector) Collect(ctx context.Context) (*audit.Inventory, error) {
	d, _ := ctx.Deadline()
	c.deadline <- d
	inv := cleanEstate()
	for _, r := range c.regions {
		if err := ctx.Err(); err != nil {
			inv.Gaps = append(inv.Gaps, audit.Gap{Provider: audit.AWS, Account: acctProd, Region: r, API: "lambda:ListFunctions",
				Data: audit.DataFunctions, Reason: audit.GapError, Message: err.Error()})
			continue
		}
		select {
		case <-time.After(c.per):
		case <-ctx.Done():
		}
	}
	return inv, nil
}

// announcedDeadline is an invocation context that reports a deadline, as the
// Lambda runtime's does, but never expires itself: the handler derives its
// collection budget from the deadline while what follows collection (analysis,
// publishing) never races the wall clock, however busy the machine.
type announcedDeadline struct {
	context.Context
	deadline time.Time
}

func (c announcedDeadline) Deadline() (time.Time, bool) { return c.deadline, true }

func TestDeadline(t *testing.T) {
	t.Parallel()
	regions := []string{"ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
		"eu-central-1", "eu-west-1", "sa-east-1", "us-east-1", "us-west-2"}
	col := regionCollector{regions: regions, per: 300 * time.Millisecond, deadline: make(chan time.Time, 1)}
	hs := newHarness(t, env{envDeadlineMargin: "10m"}, func(context.Context, Scope) ([]audit.Collector, []audit.Gap) {
		return []audit.Collector{col}, nil
	})
	hs.h.rules = nil // this test is about the collection budget, not the rules
	// 3 s left: a third is kept back, so collection gets at most 2 s. The ten
	// regions need 3 s (300 ms each, a lower bound however slow the machine),
	// so at least one is never started; the first starts at once.
	start := time.Now()
	deadline := start.Add(3 * time.Second)
	if _, err := hs.invoke(t, announcedDeadline{context.Background(), deadline}, readFile(t, "scheduled-event.json")); err != nil {
		t.Fatal(err)
	}
	// The collector saw a deadline a margin before the invocation's: a third of
	// the time left when the handler started, so at most a second and more
	// than nothing.
	got := <-col.deadline
	if margin := deadline.Sub(got); margin <= 0 || margin > time.Second || got.Before(start) {
		t.Errorf("collector deadline %v is not a margin of at most a third before the invocation's %v", got, deadline)
	}
	m := hs.published(t)
	r := reportOf(t, m)
	timeouts := 0
	for _, g := range r.Gaps {
		if g.Reason == audit.GapTimeout && g.API == "lambda:ListFunctions" {
			timeouts++
		}
	}
	if timeouts == 0 || timeouts == len(regions) {
		t.Errorf("%d timeout gaps, want the regions not started (about 4 of %d): %+v", timeouts, len(regions), r.Gaps)
	}
	if !strings.Contains(m.Body("email"), "timeout (lambda:ListFunctions): context deadline exceeded") {
		t.Errorf("digest:\n%s", m.Body("email"))
	}
}

// stuckCollector ignores its context.
type stuckCollector struct{ release chan struct{} }

func (stuckCollector) Provider() audit.Provider { return audit.GCP }

func (c stuckCollector) Collect(context.Context) (*audit.Inventory, error) {
	<-c.release
	return nil, errors.New("released")
}

func TestDeadlineAbandonsStuckCollector(t *testing.T) {
	t.Parallel()
	stuck := stuckCollector{release: make(chan struct{})}
	defer close(stuck.release)
	hs := newHarness(t, env{}, func(context.Context, Scope) ([]audit.Collector, []audit.Gap) {
		return []audit.Collector{staticCollector{provider: audit.AWS, inv: findingsEstate()}, stuck}, nil
	})
	hs.h.rules = []audit.Rule{rules.AWSPublicInvoke} // this test is about the collection budget
	// The stuck collector is abandoned 2.5 s in (the invocation's deadline
	// less half the margin); the handler returning at all, while the collector
	// is still blocked, is the proof. The context never expires itself, so
	// publishing afterwards does not race the clock.
	deadline := time.Now().Add(3 * time.Second)
	if _, err := hs.invoke(t, announcedDeadline{context.Background(), deadline}, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	m := hs.published(t)
	body := m.Body("email")
	if !strings.Contains(body, "- gcp: timeout (collect): collection did not finish before the invocation's deadline") ||
		!strings.HasPrefix(m.Subject, "fnaudit: 1 critical in 1 account (1 gap)") {
		t.Errorf("subject %q, digest:\n%s", m.Subject, body)
	}
}

func TestCollectorSetupGap(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{}, func(ctx context.Context, s Scope) ([]audit.Collector, []audit.Gap) {
		cols, _ := static(cleanEstate())(ctx, s)
		return cols, []audit.Gap{{Provider: audit.Azure, API: "setup", Data: audit.DataFunctions, Reason: audit.GapAccessDenied,
			Message: "secretsmanager: get secret value fnaudit/azure: AccessDeniedException"}}
	})
	if _, err := hs.invoke(t, context.Background(), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if body := hs.published(t).Body("email"); !strings.Contains(body, "- azure: access-denied (setup): secretsmanager: get secret value fnaudit/azure") {
		t.Errorf("digest:\n%s", body)
	}
}

func TestHandlerFromEnvFailsOnBadConfig(t *testing.T) {
	t.Parallel()
	_, err := newHandlerFromEnv(context.Background(), env{envTopicARN: topicARN, envMinSeverity: "urgent", envRegions: "us-east-1,Moon"}.get)
	if err == nil || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "FNAUDIT_REGIONS: \"Moon\" is not an AWS region") ||
		!strings.Contains(err.Error(), "FNAUDIT_MIN_SEVERITY: \"urgent\" is not a severity") {
		t.Errorf("error = %v", err)
	}
	h, err := newHandlerFromEnv(context.Background(), env{envTopicARN: topicARN, envReportBucket: "acme-fnaudit"}.get)
	if err != nil || h.s3 == nil || h.sns == nil || h.collectors == nil {
		t.Errorf("handler %+v, error %v", h, err)
	}
}

func TestEscapeFormatChars(t *testing.T) {
	t.Parallel()
	in := `{"function":"invoice` + "\u202e" + `exe.pdf","tag":"` + "\u2066x\u2069\u200b\U000e0041" + `"}`
	got := escapeFormatChars(in)
	if want := `{"function":"invoice\u202eexe.pdf","tag":"\u2066x\u2069\u200b\udb40\udc41"}`; got != want {
		t.Errorf("escapeFormatChars = %s, want %s", got, want)
	}
	var a, b map[string]string
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(got), &b); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(a, b) {
		t.Errorf("escaping changed the values: %q != %q", a, b)
	}
	if plain := `{"a":"b"}`; escapeFormatChars(plain) != plain {
		t.Error("plain JSON changed")
	}
}
