package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const scheduledEventKey = "fnaudit/runs/53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"

// coldStart forgets what the execution environment remembers, as a new one
// would.
func (hs *harness) coldStart() {
	hs.h.seen = runLog{}
	hs.h.owner = ""
}

func TestDuplicateEventSendsOneMail(t *testing.T) {
	t.Parallel()
	event := readFile(t, "scheduled-event.json")
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(findingsEstate()))
	ctx := context.Background()
	first, err := hs.invoke(t, ctx, event)
	if err != nil || first.MessageID == "" {
		t.Fatalf("first delivery: %+v, %v", first, err)
	}
	if _, ok := hs.srv.S3().Object("acme-fnaudit", scheduledEventKey); !ok {
		t.Errorf("no marker %s", scheduledEventKey)
	}

	// The same event again, in the same (warm) execution environment.
	res, err := hs.invoke(t, ctx, event)
	if err != nil || res.MessageID != "" || !strings.Contains(res.Skipped, "this execution environment handled it already") {
		t.Errorf("warm duplicate: %+v, %v", res, err)
	}
	// And in a new one: the marker in the bucket stops it.
	hs.coldStart()
	res, err = hs.invoke(t, ctx, event)
	if err != nil || res.MessageID != "" ||
		res.Skipped != "duplicate event 53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa: s3://acme-fnaudit/"+scheduledEventKey+" exists, an earlier invocation handled it" {
		t.Errorf("cold duplicate: %+v, %v", res, err)
	}
	hs.published(t) // exactly one message

	// Another scheduled event is another run; direct invocations are never
	// deduplicated.
	other := strings.Replace(string(event), "53dc4d37", "0f0f0f0f", 1)
	for _, p := range []string{other, `{}`, `{}`} {
		if res, err := hs.invoke(t, ctx, []byte(p)); err != nil || res.MessageID == "" {
			t.Errorf("payload %.40s: %+v, %v", p, res, err)
		}
	}
	if n := len(hs.srv.SNS().Messages()); n != 4 {
		t.Errorf("topic received %d messages, want 4", n)
	}
}

// Two new execution environments receive the same event at once: S3's
// conditional write lets exactly one of them mail.
func TestConcurrentDuplicatesSendOneMail(t *testing.T) {
	t.Parallel()
	event := readFile(t, "scheduled-event.json")
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(cleanEstate()))
	h := hs.h
	twin := &Handler{cfg: h.cfg, collectors: h.collectors, rules: h.rules, sns: h.sns, s3: h.s3, sts: h.sts, now: h.now, log: h.log}
	var wg sync.WaitGroup
	results := make([]*Result, 2)
	for i, hd := range []*Handler{h, twin} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := hd.Handle(context.Background(), event)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	hs.published(t)
	if (results[0].Skipped == "") == (results[1].Skipped == "") {
		t.Errorf("results %+v and %+v: want one run and one skipped", results[0], results[1])
	}
}

// Without a report bucket only the warm environment remembers: a duplicate
// that reaches a new environment mails again (docs/lambda.md says so).
func TestDuplicateWithoutBucket(t *testing.T) {
	t.Parallel()
	event := readFile(t, "scheduled-event.json")
	hs := newHarness(t, env{}, static(cleanEstate()))
	ctx := context.Background()
	for range 2 {
		if _, err := hs.invoke(t, ctx, event); err != nil {
			t.Fatal(err)
		}
	}
	hs.published(t)
	hs.coldStart()
	if res, err := hs.invoke(t, ctx, event); err != nil || res.MessageID == "" {
		t.Errorf("cold duplicate without a bucket: %+v, %v", res, err)
	}
	if hs.srv.Calls("s3:*") != 0 {
		t.Errorf("%d S3 calls without a bucket", hs.srv.Calls("s3:*"))
	}
}

// A bucket owned by another account (the name was re-registered): every S3
// call names the function's account as the expected owner, S3 refuses each,
// and the mail says what was not done.
func TestBucketOwnerMismatch(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit", envSuppressions: "s3://acme-fnaudit/config/suppressions.yaml"},
		static(findingsEstate()))
	hs.srv.S3().PutObject("acme-fnaudit", "config/suppressions.yaml", []byte("suppressions: []\n"))
	// The bucket is the caller's here; the expected owner is what S3 checks.
	hs.h.owner = "999999999999"
	res, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Report != "" || len(hs.srv.S3().Keys("acme-fnaudit")) != 1 {
		t.Errorf("report %q, bucket keys %v: want nothing written", res.Report, hs.srv.S3().Keys("acme-fnaudit"))
	}
	if n := hs.srv.Calls("s3:GetObject") + hs.srv.Calls("s3:PutObject"); n != 4 {
		t.Errorf("%d S3 calls, want the marker, the suppressions, the previous run's state and the report tried once each", n)
	}
	body := hs.published(t).Body("email")
	for _, want := range []string{
		"deduplication: event 53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa was not recorded in s3://acme-fnaudit/" + scheduledEventKey,
		"suppressions: read s3://acme-fnaudit/config/suppressions.yaml: ",
		"report: write s3://acme-fnaudit/fnaudit/reports/2026/11/28/060300Z.json: ",
		"state: read s3://acme-fnaudit/fnaudit/state/latest.json: ",
		"AccessDenied",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("digest lacks %q:\n%s", want, body)
		}
	}
}

type failingSTS struct{}

func (failingSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return nil, errors.New("no credentials")
}

// Without the function's own account no S3 call is made at all.
func TestBucketOwnerUnknown(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: "acme-fnaudit"}, static(cleanEstate()))
	hs.h.sts = failingSTS{}
	if _, err := hs.invoke(t, context.Background(), readFile(t, "scheduled-event.json")); err != nil {
		t.Fatal(err)
	}
	if n := hs.srv.Calls("s3:*"); n != 0 {
		t.Errorf("%d S3 calls without a known bucket owner", n)
	}
	body := hs.published(t).Body("email")
	if !strings.Contains(body, "bucket owner: sts get caller identity: no credentials") {
		t.Errorf("digest:\n%s", body)
	}
}

func TestRunKey(t *testing.T) {
	t.Parallel()
	hashed := sha256.Sum256([]byte("../../reports/x"))
	for _, tc := range []struct{ id, want string }{
		{"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "fnaudit/runs/53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"},
		{"../../reports/x", "fnaudit/runs/" + hex.EncodeToString(hashed[:])},
		{strings.Repeat("a", 129), "fnaudit/runs/" + func() string { s := sha256.Sum256([]byte(strings.Repeat("a", 129))); return hex.EncodeToString(s[:]) }()},
	} {
		if got := runKey(tc.id); got != tc.want {
			t.Errorf("runKey(%.20q) = %q, want %q", tc.id, got, tc.want)
		}
	}
	if _, _, err := parseEvent([]byte(`{"detail-type":"Scheduled Event","source":"aws.events"}`)); err == nil ||
		!strings.Contains(err.Error(), "without an id") {
		t.Errorf("event without an id: %v", err)
	}
}

func TestRunLogIsBounded(t *testing.T) {
	t.Parallel()
	var l runLog
	for i := range seenMax + 10 {
		if !l.add(strings.Repeat("x", i+1)) {
			t.Fatal("a new id was reported as seen")
		}
	}
	if len(l.ids) != seenMax || l.add(strings.Repeat("x", seenMax+10)) || !l.add("x") {
		t.Errorf("log holds %d ids; want the newest %d remembered and the oldest forgotten", len(l.ids), seenMax)
	}
}
