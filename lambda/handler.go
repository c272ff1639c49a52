package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/suppress"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// The AWS calls the handler itself makes (the collectors make theirs). The
// template's role grants exactly these, on exactly the configured resources;
// handlerActions lists them for the template test.
type snsAPI interface {
	Publish(context.Context, *sns.PublishInput, ...func(*sns.Options)) (*sns.PublishOutput, error)
}

type s3API interface {
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	// The multipart upload of a report larger than one part (upload.go).
	// IAM authorizes the first three as s3:PutObject (template_test.go).
	CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(context.Context, *s3.UploadPartInput, ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

var (
	_ snsAPI = (*sns.Client)(nil)
	_ s3API  = (*s3.Client)(nil)
)

// Scope is what one run audits: the configuration, narrowed by a direct
// invocation's override.
type Scope struct {
	Providers          []audit.Provider
	Regions            []string
	Accounts           []string
	GCPProjects        []string
	AzureSubscriptions []string

	// Functions and Identities narrow an AWS audit to what changes touched
	// (event mode, events.go): function ARNs, and role or policy ARNs whose
	// functions are audited. They are not part of the scope's key.
	Functions, Identities []string

	// StartMarker, MaxFunctions and OnStop split one AWS account-region's
	// collection into parts (organization scale's continuation, scale.go);
	// see awslambda.Options. They are not part of the scope's key.
	StartMarker  string
	MaxFunctions int
	OnStop       func(account, region, marker string)
	// Organization is the plan's reading of the organization, given to an
	// AWS collect step's collector (scale_org.go); nil reads it.
	Organization *awslambda.OrgListing
}

// CollectorFactory builds the collectors for a scope. A provider that cannot
// even be set up (its credentials secret is unreadable) is returned as a gap,
// so the other providers still run and the digest says what was missed.
type CollectorFactory func(ctx context.Context, s Scope) ([]audit.Collector, []audit.Gap)

// Handler runs one audit per invocation and publishes its digest.
type Handler struct {
	cfg        Config
	collectors CollectorFactory
	rules      []audit.Rule
	sns        snsAPI
	s3         s3API // nil unless a suppressions object or report bucket is configured
	sts        stsAPI
	org        orgAPI     // organization scale's plan step (scale.go)
	regions    regionsAPI // organization scale's plan step
	now        func() time.Time
	log        *slog.Logger
	// partSize, when positive, replaces the part size a collect step
	// derives from its deadline (scale.go); tests set it.
	partSize int
	// uploadPartSize, when positive, replaces reportPartSize, the size of a
	// report's multipart upload parts (upload.go); tests set it.
	uploadPartSize int

	seen    runLog     // events handled in this execution environment (runs.go)
	ownerMu sync.Mutex // guards owner
	owner   string     // the account expected to own every bucket, once known
}

// Override is a direct invocation's payload: every field is optional and
// narrows (or, for minSeverity, replaces) the configured value for this run.
// Unknown fields are an error, so a misspelt key never widens an audit.
type Override struct {
	Providers          []string `json:"providers,omitempty"`
	Regions            []string `json:"regions,omitempty"`
	Accounts           []string `json:"accounts,omitempty"`
	GCPProjects        []string `json:"gcpProjects,omitempty"`
	AzureSubscriptions []string `json:"azureSubscriptions,omitempty"`
	MinSeverity        string   `json:"minSeverity,omitempty"`
	// DryRun audits and returns the digest without publishing or writing the
	// report.
	DryRun bool `json:"dryRun,omitempty"`
}

// Result is what an invocation returns (visible in `sam remote invoke` and in
// the on-failure destination's records).
type Result struct {
	Subject string `json:"subject"`
	// MessageID is SNS's id of the published message; empty when nothing was
	// published (quiet when clean, dry run).
	MessageID string `json:"messageId,omitempty"`
	Skipped   string `json:"skipped,omitempty"`
	// Report is the s3:// URI of the full JSON report, when one was written.
	Report    string `json:"report,omitempty"`
	Bytes     int    `json:"bytes"`
	Functions int    `json:"functions"`
	Open      int    `json:"open"`
	Gaps      int    `json:"gaps"`
	// Omitted counts the findings left out of the message's JSON report to
	// fit SNS's limit, DigestOmitted those the digest could not name.
	Omitted       int `json:"omitted,omitempty"`
	DigestOmitted int `json:"digestOmitted,omitempty"`
	// New and Resolved count the findings at the threshold that are new and
	// resolved since the previous run (with a report bucket).
	New      int    `json:"new,omitempty"`
	Resolved int    `json:"resolved,omitempty"`
	Digest   string `json:"digest,omitempty"` // dry runs only

	// HTMLReport is the s3:// URI of the HTML report written beside Report.
	HTMLReport string `json:"htmlReport,omitempty"`

	// Changes counts the CloudTrail changes an event-mode batch acted on.
	Changes int `json:"changes,omitempty"`

	// Step is an organization-scale plan or collect step's answer (scale.go).
	Step *StepResult `json:"step,omitempty"`
}

// Handle is the Lambda entry point: an EventBridge scheduled event (or any
// EventBridge event) audits the configured scope; any other JSON object is an
// Override; an empty payload audits the configured scope.
func (h *Handler) Handle(ctx context.Context, payload json.RawMessage) (*Result, error) {
	log, requestID := h.log, ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		log, requestID = log.With("requestId", lc.AwsRequestID), lc.AwsRequestID
	}
	res, err := h.run(ctx, payload, requestID, log)
	if err != nil {
		log.ErrorContext(ctx, "audit failed", "error", err.Error())
	}
	return res, err
}

func (h *Handler) run(ctx context.Context, payload json.RawMessage, requestID string, log *slog.Logger) (*Result, error) {
	if isSQSBatch(payload) {
		// Event mode: a batch of CloudTrail changes (events.go).
		return h.runChanges(ctx, payload, log)
	}
	if req, ok, err := parseScaleRequest(payload); ok || err != nil {
		// Organization scale: one step of the state machine (scale.go).
		if err != nil {
			return nil, err
		}
		return h.runScale(ctx, req, log)
	}
	ov, eventID, err := parseEvent(payload)
	if err != nil {
		return nil, err
	}
	scope, minSev, err := h.scope(ov)
	if err != nil {
		return nil, err
	}
	var notes []string
	if eventID != "" {
		skip, warning := h.claim(ctx, eventID, requestID)
		if skip != "" {
			log.InfoContext(ctx, "audit skipped", "event", eventID, "skipped", skip)
			return &Result{Skipped: skip}, nil
		}
		if warning != "" {
			notes = append(notes, warning)
		}
	}
	inv, failed, collected := h.collect(ctx, scope)
	return h.finish(ctx, log, scope, minSev, ov, notes, inv, failed, collected)
}

// finish analyzes a collected inventory, compares it with the previous run,
// writes the reports and publishes the digest. A single-invocation run calls it
// after collecting; an organization-scale run's publish step (scale.go) after
// merging the partial inventories its children wrote.
func (h *Handler) finish(ctx context.Context, log *slog.Logger, scope Scope, minSev audit.Severity, ov Override,
	notes []string, inv *audit.Inventory, failed []string, collected bool) (*Result, error) {
	now := h.now().UTC()
	r := h.analyze(inv, now)
	r.Warnings = append(r.Warnings, notes...)
	return h.publishReport(ctx, log, scope, minSev, ov, r, inv.Accounts, failed, collected)
}

// analyze judges an inventory with every rule and says who can change each
// function (for the JSON and HTML reports); suppressions are not applied.
func (h *Handler) analyze(inv *audit.Inventory, now time.Time) *audit.Report {
	r := audit.Analyze(inv, h.rules, audit.Config{Now: now, TrustedAccounts: h.cfg.TrustedAccounts})
	r.Control = control.Summaries(inv)
	return r
}

// publishReport applies the suppressions to an analyzed report, compares it
// with the previous run, writes the reports and publishes the digest.
// accounts are the audited accounts (names for the digest).
func (h *Handler) publishReport(ctx context.Context, log *slog.Logger, scope Scope, minSev audit.Severity, ov Override,
	r *audit.Report, accounts []audit.Account, failed []string, collected bool) (*Result, error) {
	now := r.GeneratedAt // the audit clock: suppressions expire and the report is named by it
	entries, err := h.suppressions(ctx)
	if err != nil {
		r.Warnings = append(r.Warnings, err.Error()+"; no suppressions were applied")
	}
	suppress.Apply(r, entries, now)

	// A run of the configured scope compares with the previous one (the
	// state store is the report bucket: state.go); a narrowed run neither
	// compares nor becomes the baseline.
	res := &Result{Functions: r.Scope.Functions, Open: countOpen(r, minSev), Gaps: len(r.Gaps)}
	var (
		delta *report.Delta
		prev  *audit.Report
	)
	fullScope := scopeKey(scope) == scopeKey(h.configuredScope())
	if h.cfg.ReportBucket != "" && fullScope {
		var warning string
		prev, warning = h.loadBaseline(ctx, scope)
		if warning != "" {
			r.Warnings = append(r.Warnings, warning)
		}
		dl := report.Diff(prev, r)
		delta = &dl
		res.New, res.Resolved = report.CountAtLeast(dl.New, minSev), report.CountAtLeast(dl.Resolved, minSev)
	}
	full, page := "", htmlReport{}
	if h.cfg.ReportBucket != "" && !ov.DryRun {
		if uri, key, err := h.writeReport(ctx, r, now); err != nil {
			r.Warnings = append(r.Warnings, err.Error())
		} else {
			full, res.Report = uri, uri
			page = h.writeHTMLReport(ctx, r, uri)
			res.HTMLReport = page.URI
			if fullScope {
				if err := h.saveBaseline(ctx, scope, key, now); err != nil {
					r.Warnings = append(r.Warnings, err.Error())
				}
			}
		}
	}

	msg, err := buildMessage(r, accounts, minSev, full, page, delta)
	if err != nil {
		return nil, err
	}
	res.Subject, res.Bytes, res.Omitted, res.DigestOmitted = msg.Subject, msg.Size(), msg.Omitted, msg.DigestOmitted
	clean := res.Open == 0 && len(r.Gaps) == 0 && r.Summary.ByStatus[audit.StatusUnknown] == 0 &&
		r.Summary.ByStatus[audit.StatusError] == 0
	// FNAUDIT_NOTIFY=new: quiet when the previous run of the same scope was
	// read and nothing at the threshold is new: no finding, no gap, no rule
	// that failed.
	nothingNew := h.cfg.Notify == notifyNew && delta != nil && delta.Baseline && res.New == 0 &&
		!newGaps(prev, r) && r.Summary.ByStatus[audit.StatusError] == 0 && collected
	switch {
	case ov.DryRun:
		res.Skipped, res.Digest = "dry run", msg.Digest
	case clean && h.cfg.QuietWhenClean:
		res.Skipped = "clean run and " + envQuietWhenClean + " is set"
	case nothingNew:
		res.Skipped = "nothing new since the last run and " + envNotify + "=" + notifyNew
	default:
		out, err := h.sns.Publish(ctx, &sns.PublishInput{
			TopicArn:         aws.String(h.cfg.TopicARN),
			Subject:          aws.String(msg.Subject),
			Message:          aws.String(msg.Message),
			MessageStructure: aws.String("json"),
		})
		if err != nil {
			return nil, fmt.Errorf("sns: publish to %s: %w", h.cfg.TopicARN, err)
		}
		res.MessageID = aws.ToString(out.MessageId)
	}
	log.InfoContext(ctx, "audit done", "subject", res.Subject, "functions", res.Functions, "open", res.Open,
		"gaps", res.Gaps, "bytes", res.Bytes, "omitted", res.Omitted, "messageId", res.MessageID,
		"report", res.Report, "skipped", res.Skipped)
	if !collected && len(failed) > 0 {
		// Nothing at all was collected: the digest said so, and the error makes
		// the Errors alarm and the on-failure destination see it too.
		return res, fmt.Errorf("no provider could be audited: %s", strings.Join(failed, "; "))
	}
	return res, nil
}

// parseEvent tells a scheduled event from a direct invocation's override. For
// an EventBridge event it returns the event's id, which deduplicates deliveries.
func parseEvent(payload json.RawMessage) (Override, string, error) {
	var ov Override
	p := bytes.TrimSpace(payload)
	if len(p) == 0 || bytes.Equal(p, []byte("null")) {
		return ov, "", nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(p, &keys); err != nil {
		return ov, "", fmt.Errorf("event: want a JSON object (an EventBridge event or a scope override): %v", err)
	}
	if _, ok := keys["detail-type"]; ok {
		var ev events.EventBridgeEvent
		if err := json.Unmarshal(p, &ev); err != nil {
			return ov, "", fmt.Errorf("event: malformed EventBridge event: %v", err)
		}
		if ev.ID == "" {
			return ov, "", fmt.Errorf("event: EventBridge event without an id")
		}
		return ov, ev.ID, nil
	}
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ov); err != nil {
		return ov, "", fmt.Errorf("event: invalid scope override (fields: providers, regions, accounts, gcpProjects, azureSubscriptions, minSeverity, dryRun): %v", err)
	}
	return ov, "", nil
}

// configuredScope is the scope of a run without an override.
func (h *Handler) configuredScope() Scope {
	c := h.cfg
	return Scope{Providers: c.Providers, Regions: c.Regions, Accounts: c.Accounts,
		GCPProjects: c.GCPProjects, AzureSubscriptions: c.AzureSubscriptions}
}

// scope applies an override to the configuration. An override may narrow the
// configured scope but never widen it: the role and the configuration decide
// what the function may look at.
func (h *Handler) scope(ov Override) (Scope, audit.Severity, error) {
	c := h.cfg
	s := Scope{Providers: c.Providers, Regions: c.Regions, Accounts: c.Accounts,
		GCPProjects: c.GCPProjects, AzureSubscriptions: c.AzureSubscriptions}
	min := c.MinSeverity
	if ov.MinSeverity != "" {
		sev, err := audit.ParseSeverity(ov.MinSeverity)
		if err != nil {
			return s, "", fmt.Errorf("event: minSeverity: %v", err)
		}
		min = sev
	}
	if len(ov.Providers) > 0 {
		var ps []audit.Provider
		for _, name := range ov.Providers {
			p, err := audit.ParseProvider(name)
			if err != nil {
				return s, "", fmt.Errorf("event: providers: %v", err)
			}
			if !slices.Contains(c.Providers, p) {
				return s, "", fmt.Errorf("event: providers: %s is not configured in %s", p, envProviders)
			}
			ps = append(ps, p)
		}
		s.Providers = ps
	}
	var err error
	if s.Regions, err = narrow("regions", c.Regions, ov.Regions, regionPattern.MatchString); err != nil {
		return s, "", err
	}
	if s.Accounts, err = narrow("accounts", c.Accounts, ov.Accounts, accountPattern.MatchString); err != nil {
		return s, "", err
	}
	if s.GCPProjects, err = narrow("gcpProjects", c.GCPProjects, ov.GCPProjects, gcpProjectRegexp.MatchString); err != nil {
		return s, "", err
	}
	if s.AzureSubscriptions, err = narrow("azureSubscriptions", c.AzureSubscriptions, ov.AzureSubscriptions, azureSubPattern.MatchString); err != nil {
		return s, "", err
	}
	return s, min, nil
}

// narrow returns want when it is a valid subset of have (an empty have allows
// anything valid), else have.
func narrow(field string, have, want []string, valid func(string) bool) ([]string, error) {
	if len(want) == 0 {
		return have, nil
	}
	allowed := map[string]bool{}
	for _, v := range have {
		allowed[v] = true
	}
	for _, v := range want {
		if !valid(v) {
			return nil, fmt.Errorf("event: %s: %q is not valid", field, v)
		}
		if len(have) > 0 && !allowed[v] {
			return nil, fmt.Errorf("event: %s: %q is outside the configured scope", field, v)
		}
	}
	return want, nil
}

// collect runs every provider's collector in parallel within the time the
// invocation has left, minus the margin kept for analysis and publishing. Past
// that time the collectors' calls fail with the context and they record the
// account-regions they could not finish as timeout gaps; a collector that has
// still not returned a little later is abandoned and becomes a gap itself. It
// returns the merged inventory, a line per provider that collected nothing, and
// whether any provider collected anything.
func (h *Handler) collect(ctx context.Context, s Scope) (*audit.Inventory, []string, bool) {
	collectCtx, cancel, hardStop := h.budget(ctx)
	defer cancel()

	cols, setupGaps := h.collectors(collectCtx, s)
	var failed []string
	for _, g := range setupGaps {
		failed = append(failed, fmt.Sprintf("%s: %s", g.Provider, g.Message))
	}

	type outcome struct {
		inv *audit.Inventory
		err error
	}
	results := make([]chan outcome, len(cols))
	for i, c := range cols {
		results[i] = make(chan outcome, 1)
		go func(c audit.Collector, out chan<- outcome) {
			inv, err := c.Collect(collectCtx)
			out <- outcome{inv, err}
		}(c, results[i])
	}

	invs := []*audit.Inventory{}
	gaps := append([]audit.Gap(nil), setupGaps...)
	var timer <-chan time.Time
	if !hardStop.IsZero() {
		t := time.NewTimer(time.Until(hardStop))
		defer t.Stop()
		timer = t.C
	}
	expired := false
	for i, c := range cols {
		var o outcome
		select {
		case o = <-results[i]:
		default:
			if expired {
				o.err = errAbandoned
				break
			}
			select {
			case o = <-results[i]:
			case <-timer:
				expired = true // every collector still running now is out of time too
				o.err = errAbandoned
			}
		}
		switch {
		case o.err != nil:
			g := audit.Gap{Provider: c.Provider(), API: "collect", Data: audit.DataFunctions,
				Reason: audit.GapError, Message: o.err.Error()}
			if collectCtx.Err() != nil || errors.Is(o.err, context.DeadlineExceeded) {
				g.Reason = audit.GapTimeout
			}
			gaps = append(gaps, g)
			failed = append(failed, fmt.Sprintf("%s: %v", c.Provider(), o.err))
		case o.inv != nil:
			invs = append(invs, o.inv)
		}
	}
	inv := audit.Merge(invs...)
	if inv.GeneratedAt.IsZero() {
		inv.GeneratedAt = h.now().UTC()
	}
	inv.Gaps = append(inv.Gaps, gaps...)
	if collectCtx.Err() != nil {
		markTimeouts(inv.Gaps)
	}
	return inv, failed, len(invs) > 0
}

var errAbandoned = fmt.Errorf("collection did not finish before the invocation's deadline: %w", context.DeadlineExceeded)

// budget returns the context collectors run under and the moment a collector
// that ignores it is abandoned. Without a deadline there is no limit.
func (h *Handler) budget(ctx context.Context) (context.Context, context.CancelFunc, time.Time) {
	deadline, ok := ctx.Deadline()
	if !ok {
		c, cancel := context.WithCancel(ctx)
		return c, cancel, time.Time{}
	}
	left := time.Until(deadline)
	margin := h.cfg.DeadlineMargin
	if margin > left/3 {
		// A short invocation (or a test) keeps a third for what follows.
		margin = left / 3
	}
	c, cancel := context.WithDeadline(ctx, deadline.Add(-margin))
	return c, cancel, deadline.Add(-margin / 2)
}

// markTimeouts reclassifies gaps that the run's own deadline caused: once the
// collection context has expired, a failed call that reports the context's
// error was cut short, whatever else it was (an assume-role gap included).
func markTimeouts(gaps []audit.Gap) {
	for i := range gaps {
		m := gaps[i].Message
		if strings.Contains(m, context.DeadlineExceeded.Error()) || strings.Contains(m, context.Canceled.Error()) {
			gaps[i].Reason = audit.GapTimeout
		}
	}
}

// suppressions returns the configured suppression entries, reading an s3://
// file anew on every run.
func (h *Handler) suppressions(ctx context.Context) ([]suppress.Entry, error) {
	loc := h.cfg.SuppressionsURI
	if loc.Bucket == "" {
		return h.cfg.Suppressions, nil
	}
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return nil, fmt.Errorf("suppressions: read %s: %v", loc, err)
	}
	out, err := h.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key),
		ExpectedBucketOwner: aws.String(owner)})
	if err != nil {
		return nil, fmt.Errorf("suppressions: read %s: %v", loc, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, suppressionsMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("suppressions: read %s: %v", loc, err)
	}
	if len(data) > suppressionsMaxBytes {
		return nil, fmt.Errorf("suppressions: %s is larger than %d bytes", loc, suppressionsMaxBytes)
	}
	entries, err := parseSuppressions(data)
	if err != nil {
		return nil, fmt.Errorf("suppressions: %s: %v", loc, err)
	}
	return entries, nil
}

// writeReport stores the full JSON report, every finding and gap, and returns
// its s3:// URI and key. The report is rendered straight into the object
// (upload.go), never whole in memory.
func (h *Handler) writeReport(ctx context.Context, r *audit.Report, now time.Time) (string, string, error) {
	key := reportKeyPrefix + now.Format("2006/01/02/150405Z") + ".json"
	loc := s3Location{h.cfg.ReportBucket, key}
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return "", "", fmt.Errorf("report: write %s: %v", loc, err)
	}
	err = h.newStreamUpload(loc, owner, "application/json").run(ctx, func(w io.Writer) error {
		return report.WriteJSON(w, r)
	})
	if err != nil {
		return "", "", fmt.Errorf("report: write %s: %v", loc, err)
	}
	return loc.String(), loc.Key, nil
}

// countOpen counts open findings at or above min.
func countOpen(r *audit.Report, min audit.Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == audit.StatusFail && f.Severity.AtLeast(min) {
			n++
		}
	}
	return n
}
