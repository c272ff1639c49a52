package securityhub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// noBackoff retries at once, so no test waits on the retryer's clock.
type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// hubClient is the real Security Hub client pointed at srv with account's
// credentials, retrying throttled calls without delay.
func hubClient(srv *awstest.Server, account, region string) *sdk.Client {
	cfg := aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(awstest.AccessKeyFor(account), "secret", ""),
	}
	return sdk.NewFromConfig(cfg, func(o *sdk.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 5
			so.Backoff = noBackoff{}
			so.RateLimiter = ratelimit.None
		})
	})
}

// countingWaiter counts Wait calls and fails from call failAt on (0: never).
type countingWaiter struct {
	mu     sync.Mutex
	n      int
	failAt int
}

func (c *countingWaiter) Wait(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.failAt > 0 && c.n >= c.failAt {
		return context.DeadlineExceeded
	}
	return nil
}

// manyFindings builds n AWS findings of account in us-east-1 through Findings.
func manyFindings(t *testing.T, n int, account string) []types.AwsSecurityFinding {
	t.Helper()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: testNow}
	for i := range n {
		name := fmt.Sprintf("fn-%03d", i)
		arn := "arn:aws:lambda:us-east-1:" + account + ":function:" + name
		f := mk("FNA-AWS-001", "aws-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusFail, audit.AWS,
			account, "us-east-1", arn, name, "Anyone on the internet can invoke the function")
		f.Detail = strings.Repeat("The resource policy allows lambda:InvokeFunction to \"*\". ", 10)
		r.Findings = append(r.Findings, f)
	}
	fs, om, err := Findings(r, Options{})
	if err != nil || len(fs) != n || om.Total() != 0 {
		t.Fatalf("Findings: %d findings, omitted %+v, %v", len(fs), om, err)
	}
	return fs
}

func ids(fs []types.AwsSecurityFinding) []string {
	out := make([]string, len(fs))
	for i := range fs {
		out[i] = aws.ToString(fs[i].Id)
	}
	return out
}

// accounted checks that Import counted every finding exactly once.
func accounted(t *testing.T, res ImportResult) {
	t.Helper()
	n := res.SuccessCount + res.FailedCount + len(res.Skipped) + res.Unaccounted
	for _, e := range res.BatchErrors {
		n += len(e.IDs)
	}
	if n != res.Findings || len(res.Failed) != res.FailedCount {
		t.Errorf("result accounts for %d of %d findings (%d failed listed, FailedCount %d): %+v", n, res.Findings, len(res.Failed), res.FailedCount, res)
	}
}

func TestImportBatchesOf100(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	fs := manyFindings(t, 250, awsAcct)
	w := &countingWaiter{}
	res, err := Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: w, Account: awsAcct, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, res)
	if res.Batches != 3 || res.SuccessCount != 250 || res.FailedCount != 0 || w.n != 3 {
		t.Errorf("batches %d, imported %d, failed %d, limiter waits %d; want 3, 250, 0, 3", res.Batches, res.SuccessCount, res.FailedCount, w.n)
	}
	var sizes []int
	for _, r := range srv.SecurityHub().Requests() {
		sizes = append(sizes, len(r.Findings))
	}
	if diff := cmp.Diff([]int{100, 100, 50}, sizes); diff != "" {
		t.Errorf("request sizes (-want +got):\n%s", diff)
	}
	var got []string
	for _, f := range srv.SecurityHub().Findings() {
		got = append(got, f.ID)
	}
	if diff := cmp.Diff(ids(fs), got); diff != "" {
		t.Errorf("imported findings (-want +got):\n%s", diff)
	}
	if s := res.Summary(); s != "Security Hub: imported 250 of 250 findings in 3 requests" {
		t.Errorf("Summary() = %q", s)
	}
}

func TestImportPartialFailures(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	fs := manyFindings(t, 250, awsAcct)
	bad := []string{aws.ToString(fs[3].Id), aws.ToString(fs[150].Id), aws.ToString(fs[249].Id)}
	srv.SecurityHub().FailFindings("InvalidInput", "Finding does not adhere to ASFF", bad...)
	res, err := Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: &countingWaiter{}})
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, res)
	want := []FailedFinding{}
	for _, id := range bad {
		want = append(want, FailedFinding{ID: id, ErrorCode: "InvalidInput", ErrorMessage: "Finding does not adhere to ASFF"})
	}
	if diff := cmp.Diff(want, res.Failed); diff != "" {
		t.Errorf("failed findings (-want +got):\n%s", diff)
	}
	if d := res.Details(); len(d) != 3 || d[0] != "rejected "+bad[0]+": InvalidInput: Finding does not adhere to ASFF" {
		t.Errorf("Details() = %q", d)
	}
	if res.SuccessCount != 247 || res.FailedCount != 3 || len(srv.SecurityHub().Findings()) != 247 {
		t.Errorf("imported %d (server has %d), failed %d; want 247, 3", res.SuccessCount, len(srv.SecurityHub().Findings()), res.FailedCount)
	}
	if s := res.Summary(); !strings.Contains(s, "imported 247 of 250") || !strings.Contains(s, "3 rejected") {
		t.Errorf("Summary() = %q", s)
	}
}

// Throttled requests are retried by the SDK's retryer and nothing is lost,
// whether the server throttles every other request or by rate.
func TestImportThrottlingRetried(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		setup func(*awstest.Server)
	}{
		{"every other request", func(s *awstest.Server) { s.SecurityHub().ThrottleEvery(2) }},
		{"by rate", func(s *awstest.Server) { s.SetQuotas(awstest.Quotas{SecurityHubImport: 0.001, Burst: 1}) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := awstest.New(t)
			srv.AddAccount(awsAcct)
			tt.setup(srv)
			fs := manyFindings(t, 250, awsAcct)
			res, err := Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: rate.NewLimiter(rate.Inf, 1)})
			const op = "securityhub:BatchImportFindings"
			if tt.name == "by rate" {
				// One request per 1000 s after the first: the retries run out,
				// and the failed requests are reported while the others go on.
				if err == nil || len(res.BatchErrors) != 2 || res.SuccessCount != 100 {
					t.Fatalf("err %v, batch errors %d, imported %d; want 2 failed requests and 100 imported", err, len(res.BatchErrors), res.SuccessCount)
				}
				if !strings.Contains(err.Error(), "TooManyRequestsException") || srv.Throttled(op) != 2*5 {
					t.Errorf("err %v after %d throttled calls; want TooManyRequestsException after 2×5", err, srv.Throttled(op))
				}
				accounted(t, res)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			accounted(t, res)
			if res.SuccessCount != 250 || res.Batches != 3 || len(srv.SecurityHub().Findings()) != 250 {
				t.Errorf("imported %d in %d requests, server has %d; want 250 in 3", res.SuccessCount, res.Batches, len(srv.SecurityHub().Findings()))
			}
			if srv.Throttled(op) == 0 || srv.Calls(op) != 3+srv.Throttled(op) {
				t.Errorf("%d calls, %d throttled; want every throttled call retried", srv.Calls(op), srv.Throttled(op))
			}
		})
	}
}

// A request that fails as a whole is reported and the other batches go on.
func TestImportBatchErrorContinues(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	srv.Inject(awstest.Fault{Op: "securityhub:BatchImportFindings", After: 1, Times: 1, Status: 403,
		Code: "InvalidAccessException", Message: "Security Hub is not enabled"})
	fs := manyFindings(t, 250, awsAcct)
	res, err := Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: &countingWaiter{}})
	if err == nil || !strings.Contains(err.Error(), "request 2 of 3") || !strings.Contains(err.Error(), "InvalidAccessException") {
		t.Errorf("err = %v; want request 2 of 3 reported with its code", err)
	}
	accounted(t, res)
	if len(res.BatchErrors) != 1 || res.BatchErrors[0].Batch != 2 || cmp.Diff(ids(fs[100:200]), res.BatchErrors[0].IDs) != "" {
		t.Errorf("batch errors %+v; want request 2 with findings 100-199", res.BatchErrors)
	}
	if d := res.Details(); len(d) != 1 || !strings.HasPrefix(d[0], "request 2 (100 findings, "+aws.ToString(fs[100].Id)+" ... ") {
		t.Errorf("Details() = %q", d)
	}
	if res.SuccessCount != 150 || res.Batches != 3 || res.NotImported() != 100 {
		t.Errorf("imported %d in %d requests, %d not imported; want 150 in 3, 100", res.SuccessCount, res.Batches, res.NotImported())
	}
}

// Findings filed under another account or Region are not sent: Security Hub
// would refuse them from this caller.
func TestImportSkipsOtherAccounts(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	fs, _, err := Findings(testReport(), homeOpts) // AWS findings in us-east-1 and eu-west-1, others in 111122223333
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: &countingWaiter{}, Account: awsAcct, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, res)
	if res.SuccessCount != 2 || len(res.Skipped) != len(fs)-2 {
		t.Errorf("imported %d, skipped %d; want 2 and %d", res.SuccessCount, len(res.Skipped), len(fs)-2)
	}
	for _, s := range res.Skipped {
		if s.ErrorCode != SkipOtherAccount || !strings.Contains(s.ErrorMessage, "credentials") {
			t.Errorf("skipped %+v", s)
		}
	}
	// Without Account and Region Import sends everything, and Security Hub
	// (here the local server) rejects what belongs elsewhere.
	res, err = Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: &countingWaiter{}})
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, res)
	if res.FailedCount != len(fs)-2 {
		t.Errorf("without account filter: %d rejected, want %d", res.FailedCount, len(fs)-2)
	}
}

// Requests stay within the byte limit as the SDK encodes them, and a finding
// that cannot fit is skipped, not sent.
func TestImportRequestBytes(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	fs := manyFindings(t, 20, awsAcct)
	one, err := findingJSON(&fs[0])
	if err != nil {
		t.Fatal(err)
	}
	limit := requestOverhead + 3*len(one) + 10 // three findings, not four
	big := manyFindings(t, 1, awsAcct)[0]
	big.Id = aws.String("fnaudit/big")
	big.Description = aws.String(strings.Repeat("x", limit))
	fs = append(fs, big)
	res, err := Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: &countingWaiter{}, MaxRequestBytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	accounted(t, res)
	if res.SuccessCount != 20 || res.Batches != 7 {
		t.Errorf("imported %d in %d requests; want 20 in 7", res.SuccessCount, res.Batches)
	}
	for i, r := range srv.SecurityHub().Requests() {
		if r.Bytes > limit {
			t.Errorf("request %d is %d bytes, over %d", i+1, r.Bytes, limit)
		}
	}
	if len(res.Skipped) != 1 || res.Skipped[0].ID != "fnaudit/big" || res.Skipped[0].ErrorCode != SkipTooLarge {
		t.Errorf("skipped %+v; want the big finding as too large", res.Skipped)
	}
}

// When the context ends while pacing, the findings not sent are listed.
func TestImportStopsWithContext(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	fs := manyFindings(t, 250, awsAcct)
	res, err := Import(context.Background(), hubClient(srv, awsAcct, "us-east-1"), fs, ImportOptions{Limiter: &countingWaiter{failAt: 2}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the limiter's error", err)
	}
	accounted(t, res)
	if res.SuccessCount != 100 || len(res.Skipped) != 150 || res.Skipped[0].ErrorCode != SkipNotSent {
		t.Errorf("imported %d, skipped %d; want 100 and 150 not sent", res.SuccessCount, len(res.Skipped))
	}
}

func TestImportOptionErrors(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	c := hubClient(srv, awsAcct, "us-east-1")
	for _, opts := range []ImportOptions{
		{BatchSize: 101}, {BatchSize: -1}, {MaxRequestBytes: MaxRequestBytes + 1}, {Account: awsAcct},
	} {
		if _, err := Import(context.Background(), c, nil, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
	if _, err := Import(context.Background(), nil, nil, ImportOptions{}); err == nil {
		t.Error("nil client: no error")
	}
}

// The local server enforces Security Hub's limit of 100 findings per request
// and rejects, one by one, findings without a required attribute.
func TestServerChecks(t *testing.T) {
	t.Parallel()
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	c := hubClient(srv, awsAcct, "us-east-1")
	_, err := c.BatchImportFindings(context.Background(), &sdk.BatchImportFindingsInput{Findings: manyFindings(t, 101, awsAcct)})
	var ie *types.InvalidInputException
	if !errors.As(err, &ie) {
		t.Errorf("101 findings: err = %v, want InvalidInputException", err)
	}
	fs := manyFindings(t, 2, awsAcct)
	fs[1].Title = aws.String("") // the SDK itself refuses a nil required member
	out, err := c.BatchImportFindings(context.Background(), &sdk.BatchImportFindingsInput{Findings: fs})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(out.SuccessCount) != 1 || aws.ToInt32(out.FailedCount) != 1 || len(out.FailedFindings) != 1 ||
		aws.ToString(out.FailedFindings[0].Id) != aws.ToString(fs[1].Id) || !strings.Contains(aws.ToString(out.FailedFindings[0].ErrorMessage), "Title") {
		t.Errorf("a finding without Title: %d imported, %d failed %+v", aws.ToInt32(out.SuccessCount), aws.ToInt32(out.FailedCount), out.FailedFindings)
	}
}

// The endpoint comes from AWS_ENDPOINT_URL_SECURITYHUB, as it does for the
// command line, and NewClient retries up to 10 times.
func TestImportThroughSharedConfig(t *testing.T) {
	srv := awstest.New(t)
	srv.AddAccount(awsAcct)
	srv.SetEnv(t, awsAcct, "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // only the service-specific variable points at the server
	t.Setenv("AWS_ENDPOINT_URL_SECURITYHUB", srv.URL)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := NewClient(cfg)
	if n := c.Options().Retryer.MaxAttempts(); n != 10 {
		t.Errorf("NewClient retries %d times, want 10", n)
	}
	res, err := Import(context.Background(), c, manyFindings(t, 5, awsAcct), ImportOptions{Limiter: &countingWaiter{}})
	if err != nil || res.SuccessCount != 5 {
		t.Fatalf("imported %d: %v", res.SuccessCount, err)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	l := NewLimiter()
	if l.Limit() != 10 || l.Burst() != 30 {
		t.Errorf("NewLimiter: %v/s burst %d; want Security Hub's 10/s burst 30", l.Limit(), l.Burst())
	}
	if diff := cmp.Diff([]string{"securityhub:BatchImportFindings"}, Actions()); diff != "" {
		t.Error(diff)
	}
	// Each action is a real IAM action, spelled as IAM spells it.
	for _, a := range Actions() {
		if c, ok := catalog.AWSCanonical(a); !ok || c != a {
			t.Errorf("%s: catalog has %q, %v", a, c, ok)
		}
	}
}

// MarshalFindings writes what the SDK itself puts on the wire: every finding of
// the test reports, sent through the real client to the local server, arrives
// as the same JSON (member names, values, what is left out).
func TestMarshalMatchesSDKWire(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*audit.Report{"test": testReport(), "long": longReport()} {
		fs, _, err := Findings(r, homeOpts)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := MarshalFindings(fs)
		if err != nil {
			t.Fatal(err)
		}
		var want []any
		if err := json.Unmarshal(ours, &want); err != nil {
			t.Fatal(err)
		}
		srv := awstest.New(t)
		srv.AddAccount(awsAcct)
		if _, err := hubClient(srv, awsAcct, "us-east-1").BatchImportFindings(context.Background(),
			&sdk.BatchImportFindingsInput{Findings: fs}); err != nil {
			t.Fatal(err)
		}
		reqs := srv.SecurityHub().Requests()
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests", name, len(reqs))
		}
		var got []any
		for _, raw := range reqs[0].Findings {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: MarshalFindings differs from the SDK's wire encoding (-ours +sdk):\n%s", name, diff)
		}
		// The size estimate used for batching is never below the SDK's.
		for i := range fs {
			b, err := findingJSON(&fs[i])
			if err != nil {
				t.Fatal(err)
			}
			if len(b) < len(reqs[0].Findings[i]) {
				t.Errorf("%s: finding %d: estimated %d bytes, the SDK sent %d", name, i, len(b), len(reqs[0].Findings[i]))
			}
		}
	}
}
