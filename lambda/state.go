package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/fnaudit/fnaudit/audit"
)

// The state store is the report bucket. Every run already keeps its full JSON
// report under fnaudit/reports/; the pointer object fnaudit/state/latest.json
// names the newest report of a full-scope run, so the next run can compare
// with it without listing the bucket. The template's lifecycle rule expires
// old reports (ReportRetentionDays); the pointer is rewritten on every run and
// never expires.
const (
	stateKey = "fnaudit/state/latest.json"
	// stateSchema is the pointer's schema; a pointer of another schema is
	// ignored (no baseline) with a warning.
	stateSchema = "fnaudit.state/v1"
	// stateMaxBytes bounds the pointer, reportMaxBytes a previous report read
	// back (a 10,000-function estate's report is a few MB).
	stateMaxBytes  = 64 << 10
	reportMaxBytes = 512 << 20
)

// statePointer is fnaudit/state/latest.json.
type statePointer struct {
	Schema string `json:"schema"`
	// Report is the key of the newest full-scope run's JSON report.
	Report      string    `json:"report"`
	GeneratedAt time.Time `json:"generatedAt"`
	// Scope is the run's scope (scopeKey): a run compares only with a report
	// of the same scope.
	Scope string `json:"scope"`
}

// scopeKey names a scope canonically: its lists sorted, empty meaning "all".
func scopeKey(s Scope) string {
	part := func(name string, vs []string) string {
		vs = slices.Clone(vs)
		slices.Sort(vs)
		return name + "=" + strings.Join(vs, ",")
	}
	provs := make([]string, len(s.Providers))
	for i, p := range s.Providers {
		provs[i] = string(p)
	}
	return strings.Join([]string{part("providers", provs), part("regions", s.Regions), part("accounts", s.Accounts),
		part("gcpProjects", s.GCPProjects), part("azureSubscriptions", s.AzureSubscriptions)}, ";")
}

// loadBaseline reads the previous full-scope run's report for scope. It
// returns nil without a warning when there is none yet (the first run), and
// nil with a warning for the digest when the pointer or the report cannot be
// read or belongs to another scope. It passes over the report's control
// section, which a comparison does not use (loadState keeps it).
func (h *Handler) loadBaseline(ctx context.Context, scope Scope) (*audit.Report, string) {
	return h.loadStored(ctx, scope, false)
}

// loadState is loadBaseline keeping the report's control section: an event
// run writes the stored report back with its re-audited functions merged in
// (mergeState), and who can change each function is part of what it keeps.
func (h *Handler) loadState(ctx context.Context, scope Scope) (*audit.Report, string) {
	return h.loadStored(ctx, scope, true)
}

// loadStored is loadBaseline, with the control section when control is set.
func (h *Handler) loadStored(ctx context.Context, scope Scope, control bool) (*audit.Report, string) {
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return nil, fmt.Sprintf("state: the previous run's report was not read (%v); nothing is marked new", err)
	}
	ptrLoc := s3Location{h.cfg.ReportBucket, stateKey}
	data, err := h.getObject(ctx, ptrLoc, owner, stateMaxBytes)
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae) && ae.ErrorCode() == "NoSuchKey":
		return nil, ""
	case err != nil:
		return nil, fmt.Sprintf("state: read %s: %v; nothing is marked new", ptrLoc, err)
	}
	var ptr statePointer
	if err := json.Unmarshal(data, &ptr); err != nil || ptr.Schema != stateSchema ||
		!strings.HasPrefix(ptr.Report, reportKeyPrefix) || strings.Contains(ptr.Report, "..") {
		return nil, fmt.Sprintf("state: %s is not a %s pointer to a report under %s; nothing is marked new (this run replaces it)",
			ptrLoc, stateSchema, reportKeyPrefix)
	}
	if ptr.Scope != scopeKey(scope) {
		return nil, fmt.Sprintf("state: the previous report (%s) audited another scope (%s); nothing is marked new (this run replaces it)",
			ptr.Report, ptr.Scope)
	}
	repLoc := s3Location{h.cfg.ReportBucket, ptr.Report}
	out, err := h.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(repLoc.Bucket), Key: aws.String(repLoc.Key),
		ExpectedBucketOwner: aws.String(owner)})
	if err != nil {
		return nil, fmt.Sprintf("state: read the previous report %s: %v; nothing is marked new", repLoc, err)
	}
	defer out.Body.Close()
	prev, err := decodeBaseline(out.Body, reportMaxBytes, control)
	var rerr *baselineReadError
	switch {
	case errors.As(err, &rerr):
		return nil, fmt.Sprintf("state: read the previous report %s: %v; nothing is marked new", repLoc, rerr.err)
	case err != nil:
		return nil, fmt.Sprintf("state: the previous report %s is not a report (%v); nothing is marked new", repLoc, err)
	}
	if prev.Schema != audit.ReportSchema {
		return nil, fmt.Sprintf("state: the previous report %s has schema %q, not %q; nothing is marked new", repLoc, prev.Schema, audit.ReportSchema)
	}
	return prev, ""
}

// decodeBaseline reads a JSON report from r as a baseline, streaming: it
// keeps the members a comparison needs (the header, the findings and the
// gaps, decoded one element at a time) and passes over the others (the
// control section, which at organization scale is as large as the findings,
// and members it does not know) token by token, so it holds the baseline and
// one element, never the document, the strings findings repeat shared
// (audit.Interner); with control set it keeps the control
// section too, decoded the same way. It reads at most limit bytes. An error
// reading r, or past limit, is a *baselineReadError; any other error means r
// is not a report.
func decodeBaseline(r io.Reader, limit int64, control bool) (*audit.Report, error) {
	dec := json.NewDecoder(&boundedReader{r: r, left: limit, max: limit})
	fail := func(err error) (*audit.Report, error) {
		var rerr *baselineReadError
		if errors.As(err, &rerr) {
			return nil, rerr
		}
		return nil, err
	}
	if err := wantDelim(dec, '{'); err != nil {
		return fail(err)
	}
	var prev audit.Report
	// Each decoded finding holds its own copy of its rule's title,
	// remediation and evidence source: shared, the baseline takes half
	// the memory.
	var strs audit.Interner
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		name, _ := tok.(string)
		switch name {
		case "schema":
			err = dec.Decode(&prev.Schema)
		case "generatedAt":
			err = dec.Decode(&prev.GeneratedAt)
		case "scope":
			err = dec.Decode(&prev.Scope)
		case "summary":
			err = dec.Decode(&prev.Summary)
		case "warnings":
			err = dec.Decode(&prev.Warnings)
		case "findings":
			// The summary comes first and counts the findings: the list
			// is allocated once at that size (bounded by what limit bytes
			// can hold, whatever the count says) rather than grown.
			prev.Findings, err = decodeList(dec, min(int64(max(prev.Summary.Total, 0)), limit/minFindingBytes), strs.Finding)
		case "gaps":
			prev.Gaps, err = decodeList[audit.Gap](dec, min(int64(max(prev.Summary.Gaps, 0)), limit/minFindingBytes), nil)
		case "control":
			if control {
				prev.Control, err = decodeList(dec, min(int64(max(prev.Scope.Functions, 0)), limit/minFindingBytes), strs.Control)
			} else {
				err = skipValue(dec)
			}
		default:
			err = skipValue(dec)
		}
		if err != nil {
			return fail(fmt.Errorf("%s: %w", name, err))
		}
	}
	if err := wantDelim(dec, '}'); err != nil {
		return fail(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("data after the report")
		}
		return fail(err)
	}
	return &prev, nil
}

// minFindingBytes is less than any finding or gap takes in a report's JSON.
const minFindingBytes = 64

// decodeList decodes a JSON array (or null) one element at a time, into a
// list with room for capHint elements, passing each to keep (when not nil)
// before it is kept.
func decodeList[T any](dec *json.Decoder, capHint int64, keep func(*T)) ([]T, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("want an array, found %v", tok)
	}
	out := make([]T, 0, capHint)
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("element %d: %w", len(out), err)
		}
		if keep != nil {
			keep(&v)
		}
		out = append(out, v)
	}
	return out, wantDelim(dec, ']')
}

// skipValue passes over one JSON value token by token.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// wantDelim reads the next token and checks it is d.
func wantDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("the document ends before %q", d)
	case err != nil:
		return err
	case tok != d:
		return fmt.Errorf("want %q, found %v", d, tok)
	}
	return nil
}

// baselineReadError is a failure to read the previous report's bytes (the
// connection, or a report past its size bound), as opposed to bytes that are
// not a report.
type baselineReadError struct{ err error }

func (e *baselineReadError) Error() string { return e.err.Error() }
func (e *baselineReadError) Unwrap() error { return e.err }

// boundedReader reads r and fails with a *baselineReadError once more than
// max bytes came, or when r fails.
type boundedReader struct {
	r         io.Reader
	left, max int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, &baselineReadError{fmt.Errorf("larger than %d bytes", b.max)}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = &baselineReadError{err}
	}
	return n, err
}

// saveBaseline points fnaudit/state/latest.json at this run's report.
func (h *Handler) saveBaseline(ctx context.Context, scope Scope, reportKey string, generated time.Time) error {
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return fmt.Errorf("state: write %s: %v", s3Location{h.cfg.ReportBucket, stateKey}, err)
	}
	data, _ := json.Marshal(statePointer{Schema: stateSchema, Report: reportKey, GeneratedAt: generated.UTC(), Scope: scopeKey(scope)})
	_, err = h.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:              aws.String(h.cfg.ReportBucket),
		Key:                 aws.String(stateKey),
		Body:                bytes.NewReader(data),
		ContentType:         aws.String("application/json"),
		ExpectedBucketOwner: aws.String(owner),
	})
	if err != nil {
		return fmt.Errorf("state: write %s: %v; the next run compares with the previous baseline", s3Location{h.cfg.ReportBucket, stateKey}, err)
	}
	return nil
}

// getObject reads an object of at most max bytes from a bucket owned by owner.
func (h *Handler) getObject(ctx context.Context, loc s3Location, owner string, max int64) ([]byte, error) {
	out, err := h.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key),
		ExpectedBucketOwner: aws.String(owner)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return data, nil
}

// newGaps reports whether cur has a gap (by provider, account, region,
// resource, API and missing data) that prev did not have.
func newGaps(prev, cur *audit.Report) bool {
	key := func(g audit.Gap) string {
		return strings.Join([]string{string(g.Provider), g.Account, g.Region, g.Resource, g.API, string(g.Data)}, "\x00")
	}
	had := map[string]bool{}
	for _, g := range prev.Gaps {
		had[key(g)] = true
	}
	for _, g := range cur.Gaps {
		if !had[key(g)] {
			return true
		}
	}
	return false
}
