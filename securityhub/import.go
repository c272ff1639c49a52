package securityhub

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	sdk "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"golang.org/x/time/rate"
)

// Security Hub's documented limits for BatchImportFindings (partner guide,
// "Guidelines for using the BatchImportFindings API"): 100 findings, 240 KB
// per finding and 6 MB per request, and a throttle of 10 requests per second
// with a burst of 30 per account and Region. The byte limits are taken as
// decimal kilobytes and megabytes, the smaller reading.
const (
	MaxBatchFindings = 100
	MaxFindingBytes  = 240_000
	MaxRequestBytes  = 6_000_000
	QuotaRate        = 10
	QuotaBurst       = 30
)

// requestOverhead is the request body around the findings: {"Findings":[...]}.
const requestOverhead = len(`{"Findings":[]}`)

// BatchImporter is the one Security Hub call Import makes; *securityhub.Client
// implements it.
type BatchImporter interface {
	BatchImportFindings(ctx context.Context, in *sdk.BatchImportFindingsInput, optFns ...func(*sdk.Options)) (*sdk.BatchImportFindingsOutput, error)
}

var _ BatchImporter = (*sdk.Client)(nil)

// Actions returns the IAM actions Import needs, sorted.
func Actions() []string { return []string{"securityhub:BatchImportFindings"} }

// Waiter paces requests; *rate.Limiter implements it.
type Waiter interface {
	Wait(ctx context.Context) error
}

// NewLimiter returns a limiter at Security Hub's BatchImportFindings quota
// (QuotaRate per second, burst QuotaBurst), the default pacing of Import.
func NewLimiter() *rate.Limiter { return rate.NewLimiter(QuotaRate, QuotaBurst) }

// NewClient returns a Security Hub client for cfg whose standard retryer makes
// up to 10 attempts, so a throttled batch (TooManyRequestsException,
// LimitExceededException) is retried with the SDK's backoff rather than
// reported as failed after three tries.
func NewClient(cfg aws.Config, optFns ...func(*sdk.Options)) *sdk.Client {
	return sdk.NewFromConfig(cfg, append([]func(*sdk.Options){func(o *sdk.Options) {
		o.Retryer = retry.AddWithMaxAttempts(retry.NewStandard(), 10)
	}}, optFns...)...)
}

// ImportOptions tune Import. The zero value sends every finding at Security
// Hub's limits and pace.
type ImportOptions struct {
	// Limiter paces the requests: Import waits on it before each one. Nil
	// means NewLimiter(). Retries of a throttled request are paced by the
	// client's retryer.
	Limiter Waiter
	// Account and Region, when set, are the caller's: Security Hub accepts a
	// finding only from the account in its AwsAccountId, in the Region of its
	// ProductArn, so findings filed elsewhere are not sent and are listed in
	// ImportResult.Skipped.
	Account, Region string
	// BatchSize is the most findings per request; 0 means MaxBatchFindings,
	// which is also the most it may be.
	BatchSize int
	// MaxRequestBytes bounds a request body; 0 means MaxRequestBytes, which is
	// also the most it may be.
	MaxRequestBytes int
}

// FailedFinding is a finding that was not imported, and why.
type FailedFinding struct {
	ID           string
	ErrorCode    string
	ErrorMessage string
}

// BatchError is a request that failed as a whole (after the client's retries):
// none of its findings were imported.
type BatchError struct {
	// Batch is the request's number, from 1.
	Batch int
	// IDs are the finding ids the request carried.
	IDs []string
	Err error
}

// Skip codes in ImportResult.Skipped: findings Import did not send.
const (
	SkipOtherAccount = "OtherAccountOrRegion"
	SkipTooLarge     = "FindingTooLarge"
	SkipNoID         = "MissingId"
	SkipNotSent      = "NotSent" // the context ended first
)

// ImportResult is what Import did. Every finding given is counted exactly
// once: Findings == SuccessCount + FailedCount + findings in BatchErrors +
// len(Skipped) + Unaccounted.
type ImportResult struct {
	// Findings is how many findings Import was given.
	Findings int
	// Batches is how many BatchImportFindings requests it made (a retried
	// request counts once).
	Batches int
	// SuccessCount and FailedCount sum Security Hub's answers.
	SuccessCount, FailedCount int
	// Failed are the findings Security Hub rejected (its FailedFindings).
	Failed []FailedFinding
	// BatchErrors are the requests that failed as a whole.
	BatchErrors []BatchError
	// Skipped are findings not sent, with a Skip* code.
	Skipped []FailedFinding
	// Unaccounted counts findings of answered requests that the answer
	// neither counted as imported nor as failed.
	Unaccounted int
}

// NotImported is the number of findings that did not reach Security Hub.
func (r ImportResult) NotImported() int { return r.Findings - r.SuccessCount }

// Summary is one line for people: what was imported and what was not.
func (r ImportResult) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Security Hub: imported %d of %d findings in %s", r.SuccessCount, r.Findings, count(r.Batches, "request"))
	var why []string
	if r.FailedCount > 0 {
		why = append(why, fmt.Sprintf("%d rejected", r.FailedCount))
	}
	if n := r.batchFindings(); n > 0 {
		why = append(why, fmt.Sprintf("%d in %s that failed", n, count(len(r.BatchErrors), "request")))
	}
	if n := len(r.Skipped); n > 0 {
		why = append(why, fmt.Sprintf("%d not sent", n))
	}
	if r.Unaccounted > 0 {
		why = append(why, fmt.Sprintf("%d not accounted for in Security Hub's answer", r.Unaccounted))
	}
	if len(why) > 0 {
		b.WriteString("; " + strings.Join(why, ", "))
	}
	return b.String()
}

// Details returns one line per finding Security Hub rejected or Import did not
// send, and one per request that failed as a whole, for people to act on.
func (r ImportResult) Details() []string {
	var out []string
	for _, f := range r.Failed {
		out = append(out, fmt.Sprintf("rejected %s: %s: %s", f.ID, f.ErrorCode, f.ErrorMessage))
	}
	for _, e := range r.BatchErrors {
		out = append(out, fmt.Sprintf("request %d (%s, %s ... %s) failed: %v", e.Batch, count(len(e.IDs), "finding"),
			e.IDs[0], e.IDs[len(e.IDs)-1], e.Err))
	}
	for _, f := range r.Skipped {
		id := f.ID
		if id == "" {
			id = "(no id)"
		}
		out = append(out, fmt.Sprintf("not sent %s: %s: %s", id, f.ErrorCode, f.ErrorMessage))
	}
	return out
}

func (r ImportResult) batchFindings() int {
	n := 0
	for _, e := range r.BatchErrors {
		n += len(e.IDs)
	}
	return n
}

// Import sends findings to Security Hub with BatchImportFindings, in order, in
// batches of at most BatchSize findings and MaxRequestBytes bytes, waiting on
// the limiter before each request. Throttled requests are retried by api's
// retryer (see NewClient). A request that still fails is recorded in
// BatchErrors and the next batch is sent; per-finding rejections are in
// Failed. The error is non-nil when a request failed as a whole or ctx ended;
// the result is complete either way.
func Import(ctx context.Context, api BatchImporter, findings []types.AwsSecurityFinding, opts ImportOptions) (ImportResult, error) {
	res := ImportResult{Findings: len(findings)}
	size := opts.BatchSize
	if size == 0 {
		size = MaxBatchFindings
	}
	maxBytes := opts.MaxRequestBytes
	if maxBytes == 0 {
		maxBytes = MaxRequestBytes
	}
	if size < 0 || size > MaxBatchFindings {
		return res, fmt.Errorf("securityhub: batch size %d is not between 1 and %d", size, MaxBatchFindings)
	}
	if maxBytes < 0 || maxBytes > MaxRequestBytes {
		return res, fmt.Errorf("securityhub: request size %d is not between 1 and %d bytes", maxBytes, MaxRequestBytes)
	}
	if (opts.Account == "") != (opts.Region == "") {
		return res, fmt.Errorf("securityhub: import account %q and region %q: set both or neither", opts.Account, opts.Region)
	}
	if api == nil {
		return res, fmt.Errorf("securityhub: no Security Hub client")
	}
	limiter := opts.Limiter
	if limiter == nil {
		limiter = NewLimiter()
	}

	batches, err := plan(findings, size, maxBytes, opts, &res)
	if err != nil {
		return res, err
	}
	var errs []error
	for i, b := range batches {
		if err := limiter.Wait(ctx); err != nil {
			for _, rest := range batches[i:] {
				for _, f := range rest {
					res.Skipped = append(res.Skipped, FailedFinding{ID: aws.ToString(f.Id), ErrorCode: SkipNotSent,
						ErrorMessage: "not sent: " + err.Error()})
				}
			}
			errs = append(errs, fmt.Errorf("securityhub: import stopped before request %d of %d: %w", i+1, len(batches), err))
			break
		}
		res.Batches++
		out, err := api.BatchImportFindings(ctx, &sdk.BatchImportFindingsInput{Findings: b})
		if err != nil {
			ids := make([]string, len(b))
			for j := range b {
				ids[j] = aws.ToString(b[j].Id)
			}
			res.BatchErrors = append(res.BatchErrors, BatchError{Batch: i + 1, IDs: ids, Err: err})
			errs = append(errs, fmt.Errorf("securityhub: import request %d of %d (%s): %w", i+1, len(batches), count(len(b), "finding"), err))
			continue
		}
		ok, failed := int(aws.ToInt32(out.SuccessCount)), int(aws.ToInt32(out.FailedCount))
		res.SuccessCount += ok
		res.FailedCount += failed
		for _, ff := range out.FailedFindings {
			res.Failed = append(res.Failed, FailedFinding{ID: aws.ToString(ff.Id), ErrorCode: aws.ToString(ff.ErrorCode),
				ErrorMessage: aws.ToString(ff.ErrorMessage)})
		}
		if n := len(b) - ok - failed; n > 0 {
			res.Unaccounted += n
		}
	}
	return res, errors.Join(errs...)
}

// plan splits findings into requests, recording in res.Skipped those it will
// not send.
func plan(findings []types.AwsSecurityFinding, size, maxBytes int, opts ImportOptions, res *ImportResult) ([][]types.AwsSecurityFinding, error) {
	var batches [][]types.AwsSecurityFinding
	var cur []types.AwsSecurityFinding
	curBytes := requestOverhead
	for i := range findings {
		f := findings[i]
		id := aws.ToString(f.Id)
		if id == "" {
			res.Skipped = append(res.Skipped, FailedFinding{ErrorCode: SkipNoID, ErrorMessage: fmt.Sprintf("finding %d has no Id", i)})
			continue
		}
		if opts.Account != "" {
			acct, region := aws.ToString(f.AwsAccountId), productRegion(aws.ToString(f.ProductArn))
			if acct != opts.Account || region != opts.Region {
				res.Skipped = append(res.Skipped, FailedFinding{ID: id, ErrorCode: SkipOtherAccount, ErrorMessage: fmt.Sprintf(
					"filed under account %s in %s; import it with that account's credentials in that Region", acct, region)})
				continue
			}
		}
		b, err := findingJSON(&f)
		if err != nil {
			return nil, fmt.Errorf("securityhub: finding %s: %w", id, err)
		}
		n := len(b)
		if n > MaxFindingBytes || requestOverhead+n > maxBytes {
			res.Skipped = append(res.Skipped, FailedFinding{ID: id, ErrorCode: SkipTooLarge, ErrorMessage: fmt.Sprintf(
				"%d bytes of JSON, over Security Hub's limit of %d per finding or %d per request", n, MaxFindingBytes, maxBytes)})
			continue
		}
		sep := 0
		if len(cur) > 0 {
			sep = 1 // the comma
		}
		if len(cur) == size || curBytes+sep+n > maxBytes {
			batches = append(batches, cur)
			cur, curBytes, sep = nil, requestOverhead, 0
		}
		cur = append(cur, f)
		curBytes += sep + n
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches, nil
}

// productRegion is the Region field of a product ARN
// (arn:aws:securityhub:REGION:ACCOUNT:product/...).
func productRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}
