package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// stsAPI is the handler's own identity call: the account it runs in owns the
// S3 buckets it reads and writes (ExpectedBucketOwner on every S3 call).
type stsAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ stsAPI = (*sts.Client)(nil)

// runKeyPrefix holds one marker object per handled EventBridge event.
const runKeyPrefix = "fnaudit/runs/"

// seenMax bounds the in-memory record of handled events; a scheduled event's
// duplicates arrive within minutes, and the schedule fires at most every minute.
const seenMax = 1000

// runLog remembers the events this execution environment handled, oldest first.
type runLog struct {
	mu    sync.Mutex
	ids   map[string]bool
	order []string
}

// add records id and reports whether it was new.
func (l *runLog) add(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ids == nil {
		l.ids = map[string]bool{}
	}
	if l.ids[id] {
		return false
	}
	l.ids[id] = true
	l.order = append(l.order, id)
	if len(l.order) > seenMax {
		delete(l.ids, l.order[0])
		l.order = l.order[1:]
	}
	return true
}

var eventIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// runKey is the marker object of an event: its id when that is a plain token
// (EventBridge ids are UUIDs), else the id's SHA-256.
func runKey(id string) string {
	if eventIDPattern.MatchString(id) {
		return runKeyPrefix + id
	}
	sum := sha256.Sum256([]byte(id))
	return runKeyPrefix + hex.EncodeToString(sum[:])
}

// claim records that this invocation handles the EventBridge event id, so that
// a retried or duplicated delivery of it (EventBridge delivers at least once)
// sends no second mail. It returns a non-empty skip when the event was handled
// already, and a warning for the digest when it could not be recorded durably.
//
// The record is kept twice: in memory, for a duplicate that reaches this warm
// execution environment, and, with a report bucket, as the object
// fnaudit/runs/<id> written with If-None-Match: * (S3's conditional write, so of
// two racing invocations only one succeeds), for one that reaches a new
// environment. The claim is made before the audit: a run that fails after it is
// not repeated by a duplicate; the failure reaches the Errors alarm and the
// on-failure queue instead. When the marker cannot be written (no bucket,
// access denied), the run goes ahead: a possible second mail is better than
// none.
func (h *Handler) claim(ctx context.Context, id, requestID string) (skip, warning string) {
	if !h.seen.add(id) {
		return fmt.Sprintf("duplicate event %s: this execution environment handled it already", id), ""
	}
	if h.cfg.ReportBucket == "" {
		return "", ""
	}
	loc := s3Location{h.cfg.ReportBucket, runKey(id)}
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return "", fmt.Sprintf("deduplication: event %s was not recorded in %s (%v); a duplicate of it may send a second mail", id, loc, err)
	}
	marker, _ := json.Marshal(map[string]string{"event": id, "requestId": requestID, "claimedAt": h.now().UTC().Format(time.RFC3339)})
	_, err = h.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:              aws.String(loc.Bucket),
		Key:                 aws.String(loc.Key),
		Body:                bytes.NewReader(marker),
		ContentType:         aws.String("application/json"),
		IfNoneMatch:         aws.String("*"),
		ExpectedBucketOwner: aws.String(owner),
	})
	var ae smithy.APIError
	switch {
	case err == nil:
		return "", ""
	case errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict"):
		// 412: the marker exists; 409: another invocation is writing it now.
		return fmt.Sprintf("duplicate event %s: %s exists, an earlier invocation handled it", id, loc), ""
	default:
		return "", fmt.Sprintf("deduplication: event %s was not recorded in %s (%v); a duplicate of it may send a second mail", id, loc, err)
	}
}

// bucketOwner returns the account the function runs in, which must own the
// report and suppressions buckets: every S3 call names it as
// ExpectedBucketOwner, so a bucket that was deleted and whose name someone else
// registered receives no report and supplies no suppressions. The account
// comes from sts:GetCallerIdentity (the function's own credentials), once per
// execution environment; the invoked function ARN would do as well in Lambda,
// but emulators put a made-up account there.
func (h *Handler) bucketOwner(ctx context.Context) (string, error) {
	h.ownerMu.Lock()
	defer h.ownerMu.Unlock()
	if h.owner != "" {
		return h.owner, nil
	}
	if h.sts == nil {
		return "", errors.New("bucket owner: no STS client to learn the function's account")
	}
	out, err := h.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("bucket owner: sts get caller identity: %w", err)
	}
	acct := aws.ToString(out.Account)
	if !accountPattern.MatchString(acct) {
		return "", fmt.Errorf("bucket owner: sts get caller identity returned account %q", acct)
	}
	h.owner = acct
	return acct, nil
}
