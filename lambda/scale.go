package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/fnaudit/fnaudit/audit"
)

// Organization scale: the state machine in template.yaml (Scale=organization)
// runs one audit as many invocations of this same binary, each a step chosen
// by the event's "fnaudit" object:
//
//   - plan lists the work items (provider, account, region) and writes them to
//     the report bucket under fnaudit/runs/<execution>/items.json, and the
//     organization it read next to them (organization.json, scale_org.go);
//   - collect audits one item and writes its partial inventory under
//     fnaudit/runs/<execution>/partials/, returning only a small summary (the
//     Distributed Map runs one collect per item);
//   - publish reads every item's partials, merges them, turns every item
//     without a finished partial into a gap, and then analyzes, compares,
//     reports and publishes the one digest as a single-invocation run does.
//
// The bucket is the only channel between the steps: state machine payloads
// stay small (Step Functions caps them at 256 KiB).

// orgAPI (scale_org.go) and regionsAPI are the calls the plan step makes.
// The role already holds both for the collector (awslambda.Permissions).
type regionsAPI interface {
	ListRegions(context.Context, *account.ListRegionsInput, ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

var (
	_ orgAPI     = (*organizations.Client)(nil)
	_ regionsAPI = (*account.Client)(nil)
)

// The steps.
const (
	modePlan    = "plan"
	modeCollect = "collect"
	modePublish = "publish"
)

const (
	scaleKeyPrefix = "fnaudit/runs/"
	partialSchema  = "fnaudit.partial/v1"
	itemsMaxBytes  = 64 << 20
	// partialMaxBytes bounds one partial inventory read back (a
	// 10,000-function account-region is some tens of MB).
	partialMaxBytes = 512 << 20
	// maxParts bounds the partials one item may have.
	maxParts = 1000
	// maxContinuation bounds a continuation token (a lambda:ListFunctions
	// marker).
	maxContinuation = 2048
	// getPolicyRate is Lambda's documented GetPolicy quota per account-region
	// (requests per second), which bounds how fast a part is read.
	getPolicyRate = 15
	// minPartFunctions is the smallest part a collect step lists, so a short
	// deadline still makes progress.
	minPartFunctions = 100
)

// executionPattern is what a Step Functions execution name may be (1-80
// characters of letters, digits, '-' and '_'), so it is a safe key segment.
var executionPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// ScaleRequest is the "fnaudit" object of an organization-scale event.
type ScaleRequest struct {
	Mode string `json:"mode"`
	// Execution names the run ($$.Execution.Name): every object the run
	// writes is under fnaudit/runs/<execution>/.
	Execution string `json:"execution"`
	// Item is the work item a collect step audits (one of the plan's).
	Item *WorkItem `json:"item,omitempty"`
	// Part numbers a collect step's partial within its item (0 first); a
	// continuation's next step has Part+1.
	Part int `json:"part,omitempty"`
	// Continuation is the token a previous collect step of the item returned.
	Continuation string `json:"continuation,omitempty"`
	// StartTime is the execution's start ($$.Execution.StartTime, RFC 3339):
	// the one audit clock every step of the run judges by. Without it a step
	// uses its own clock.
	StartTime string `json:"startTime,omitempty"`
}

// auditClock is the run's audit clock: the execution's start when given,
// else now.
func (r ScaleRequest) auditClock(now func() time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, r.StartTime); err == nil {
		return t.UTC()
	}
	return now().UTC()
}

// WorkItem is one unit of collection: an AWS account-region, or a whole GCP
// or Azure provider (their collectors are not split). An empty Region audits
// every region the account has enabled (its regions could not be listed at
// plan time; the collector lists them itself).
type WorkItem struct {
	Provider audit.Provider `json:"provider"`
	Account  string         `json:"account,omitempty"`
	Region   string         `json:"region,omitempty"`
}

func (w WorkItem) name() string {
	s := string(w.Provider)
	if w.Account != "" {
		s += "-" + w.Account
	}
	if w.Region != "" {
		s += "-" + w.Region
	}
	return s
}

// StepResult is what a plan or collect step returns to the state machine.
type StepResult struct {
	// Plan: where the items are and how many.
	Bucket string `json:"bucket,omitempty"`
	Key    string `json:"key,omitempty"`
	Count  int    `json:"count,omitempty"`

	// Collect: a summary of the partial written to Bucket/Key.
	Item      *WorkItem `json:"item,omitempty"`
	Part      int       `json:"part,omitempty"`
	Functions int       `json:"functions,omitempty"`
	Gaps      int       `json:"gaps,omitempty"`
	Done      bool      `json:"done"`
	// Continuation, when set, asks the state machine to run collect again for
	// the same item with this token and Part+1.
	Continuation string `json:"continuation,omitempty"`
}

// partial is one collect step's object.
type partial struct {
	Schema       string           `json:"schema"`
	Item         WorkItem         `json:"item"`
	Part         int              `json:"part"`
	Done         bool             `json:"done"`
	Continuation string           `json:"continuation,omitempty"`
	Inventory    *audit.Inventory `json:"inventory"`
}

// parseScaleRequest recognises {"fnaudit": {...}}. ok is false for any other
// payload; a malformed "fnaudit" object is an error.
func parseScaleRequest(payload json.RawMessage) (ScaleRequest, bool, error) {
	var req ScaleRequest
	p := bytes.TrimSpace(payload)
	if len(p) == 0 || p[0] != '{' {
		return req, false, nil
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(p, &keys) != nil {
		return req, false, nil
	}
	raw, ok := keys["fnaudit"]
	if !ok {
		return req, false, nil
	}
	if len(keys) != 1 {
		return req, true, errors.New(`event: an organization-scale event has only the "fnaudit" object`)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, true, fmt.Errorf("event: invalid fnaudit object (fields: mode, execution, item, part, continuation, startTime): %v", err)
	}
	if req.StartTime != "" {
		if _, err := time.Parse(time.RFC3339Nano, req.StartTime); err != nil {
			return req, true, fmt.Errorf("event: fnaudit.startTime %q is not an RFC 3339 time", req.StartTime)
		}
	}
	if !executionPattern.MatchString(req.Execution) {
		return req, true, fmt.Errorf("event: fnaudit.execution %q is not an execution name (1-80 of A-Z a-z 0-9 - _)", req.Execution)
	}
	switch req.Mode {
	case modePlan, modePublish:
		if req.Item != nil || req.Part != 0 || req.Continuation != "" {
			return req, true, fmt.Errorf("event: fnaudit mode %s takes no item, part or continuation", req.Mode)
		}
	case modeCollect:
		if req.Item == nil {
			return req, true, errors.New("event: fnaudit mode collect needs an item")
		}
		if req.Part < 0 || req.Part >= maxParts {
			return req, true, fmt.Errorf("event: fnaudit.part %d is outside 0-%d", req.Part, maxParts-1)
		}
		if (req.Part == 0) != (req.Continuation == "") {
			return req, true, errors.New("event: fnaudit.continuation is given exactly with a part after 0")
		}
		if len(req.Continuation) > maxContinuation {
			return req, true, fmt.Errorf("event: fnaudit.continuation is longer than %d characters", maxContinuation)
		}
	default:
		return req, true, fmt.Errorf("event: fnaudit.mode %q is not plan, collect or publish", req.Mode)
	}
	return req, true, nil
}

// runScale runs one step. Every step needs the report bucket.
func (h *Handler) runScale(ctx context.Context, req ScaleRequest, log *slog.Logger) (*Result, error) {
	if h.cfg.ReportBucket == "" {
		return nil, fmt.Errorf("fnaudit %s: organization scale needs %s", req.Mode, envReportBucket)
	}
	log = log.With("mode", req.Mode, "execution", req.Execution)
	switch req.Mode {
	case modePlan:
		step, err := h.plan(ctx, req.Execution)
		if err != nil {
			return nil, err
		}
		log.InfoContext(ctx, "plan written", "key", step.Key, "items", step.Count)
		return &Result{Step: step}, nil
	case modeCollect:
		step, err := h.collectItem(ctx, req)
		if err != nil {
			return nil, err
		}
		log.InfoContext(ctx, "partial written", "key", step.Key, "functions", step.Functions, "gaps", step.Gaps)
		return &Result{Step: step, Functions: step.Functions, Gaps: step.Gaps}, nil
	default:
		return h.publishRun(ctx, req, log)
	}
}

func itemsKey(execution string) string { return scaleKeyPrefix + execution + "/items.json" }

func partialKey(execution string, it WorkItem, part int) string {
	return fmt.Sprintf("%s%s/partials/%s-%d.json", scaleKeyPrefix, execution, it.name(), part)
}

// plan lists the work items and writes them as a JSON array, the form the
// Distributed Map's ItemReader reads (InputType JSON).
func (h *Handler) plan(ctx context.Context, execution string) (*StepResult, error) {
	var items []WorkItem
	for _, p := range h.cfg.Providers {
		if p != audit.AWS {
			items = append(items, WorkItem{Provider: p})
			continue
		}
		accounts, org, err := h.planAccounts(ctx)
		if err != nil {
			return nil, err
		}
		if err := h.writeOrganization(ctx, execution, org); err != nil {
			return nil, fmt.Errorf("plan: %v", err)
		}
		for _, a := range accounts {
			regions := h.cfg.Regions
			if len(regions) == 0 {
				// A failure leaves the region empty: the collect step lists
				// the account's regions itself and records what it cannot read.
				var err error
				if regions, err = h.enabledRegions(ctx, a); err != nil {
					h.log.WarnContext(ctx, "plan: regions not listed; the collect step lists them itself",
						"account", a, "error", err.Error())
				}
			}
			if len(regions) == 0 {
				items = append(items, WorkItem{Provider: audit.AWS, Account: a})
			}
			for _, r := range regions {
				items = append(items, WorkItem{Provider: audit.AWS, Account: a, Region: r})
			}
		}
	}
	data, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	key := itemsKey(execution)
	if err := h.putJSON(ctx, key, data); err != nil {
		return nil, fmt.Errorf("plan: %v", err)
	}
	return &StepResult{Bucket: h.cfg.ReportBucket, Key: key, Count: len(items)}, nil
}

// planAccounts is the configured accounts, else (with an organization role)
// the organization's active accounts, else the function's own account. It
// reads the organization once for the run (scale_org.go): the accounts come
// from the same listing the collect steps are given.
func (h *Handler) planAccounts(ctx context.Context) ([]string, *runOrganization, error) {
	own, err := h.bucketOwner(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("plan: own account: %v", err)
	}
	org, listErr := h.readOrganization(ctx, own)
	switch {
	case len(h.cfg.Accounts) > 0:
		return h.cfg.Accounts, org, nil
	case h.cfg.OrgRole == "":
		return []string{own}, org, nil
	case listErr != nil:
		return nil, nil, fmt.Errorf("plan: organizations:ListAccounts: %w", listErr)
	case org.Listing == nil || len(org.Listing.Accounts) == 0:
		return nil, nil, fmt.Errorf("plan: the organization of account %s has no active account to audit (organizations:DescribeOrganization, ListAccounts)", own)
	}
	return slices.Sorted(maps.Keys(org.Listing.Accounts)), org, nil
}

// enabledRegions lists an account's enabled regions (account:ListRegions,
// with the account id for another account of the organization).
func (h *Handler) enabledRegions(ctx context.Context, acct string) ([]string, error) {
	if h.regions == nil {
		return nil, errors.New("no account client")
	}
	in := &account.ListRegionsInput{RegionOptStatusContains: []accounttypes.RegionOptStatus{
		accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault}}
	if own, err := h.bucketOwner(ctx); err != nil || own != acct {
		in.AccountId = aws.String(acct)
	}
	var names []string
	pager := account.NewListRegionsPaginator(h.regions, in)
	for pager.HasMorePages() {
		out, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range out.Regions {
			names = append(names, aws.ToString(r.RegionName))
		}
	}
	return names, nil
}

// collectItem audits one work item, or one part of it, within the
// invocation's budget and writes its partial inventory.
//
// Continuation: an AWS account-region item lists at most partFunctions
// functions (whole ListFunctions pages); when functions are left, the partial
// is not done and the step returns the ListFunctions marker as its
// continuation, which the next step (Part+1) starts from. Each part reads
// only its own functions (and IAM, the region's event source mappings and
// front doors again), so publish merges the parts as it merges items.
func (h *Handler) collectItem(ctx context.Context, req ScaleRequest) (*StepResult, error) {
	it := *req.Item
	if req.Continuation != "" && (it.Provider != audit.AWS || it.Region == "") {
		return nil, errors.New("event: fnaudit.continuation: only an aws item with a region continues")
	}
	scope := h.configuredScope()
	if !slices.Contains(scope.Providers, it.Provider) {
		return nil, fmt.Errorf("event: fnaudit.item: provider %q is not configured in %s", it.Provider, envProviders)
	}
	scope.Providers = []audit.Provider{it.Provider}
	if it.Provider == audit.AWS {
		var err error
		if it.Account == "" {
			return nil, errors.New("event: fnaudit.item: an aws item needs an account")
		}
		if scope.Accounts, err = narrow("item.account", h.cfg.Accounts, []string{it.Account}, accountPattern.MatchString); err != nil {
			return nil, err
		}
		scope.Organization = h.givenOrganization(ctx, req.Execution)
		if it.Region != "" {
			if scope.Regions, err = narrow("item.region", h.cfg.Regions, []string{it.Region}, regionPattern.MatchString); err != nil {
				return nil, err
			}
		}
	} else if it.Account != "" || it.Region != "" {
		return nil, fmt.Errorf("event: fnaudit.item: a %s item names no account or region", it.Provider)
	}
	var (
		nextMu sync.Mutex
		next   string
	)
	if it.Provider == audit.AWS && it.Region != "" {
		scope.StartMarker = req.Continuation
		scope.MaxFunctions = h.partFunctions(ctx)
		scope.OnStop = func(_, _, marker string) {
			nextMu.Lock()
			defer nextMu.Unlock()
			next = marker
		}
	}
	inv, _, _ := h.collect(ctx, scope)
	nextMu.Lock()
	cont := next
	nextMu.Unlock()
	if cont != "" && req.Part+1 >= maxParts {
		return nil, fmt.Errorf("collect: %s needs more than %d parts", it.name(), maxParts)
	}
	for i := range inv.Gaps {
		// A collector that failed as a whole says only its provider; here it
		// stands for this one item.
		if g := &inv.Gaps[i]; g.Account == "" && g.Provider == it.Provider {
			g.Account, g.Region = it.Account, it.Region
		}
	}
	p := partial{Schema: partialSchema, Item: it, Part: req.Part, Done: cont == "", Continuation: cont, Inventory: inv}
	data, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	key := partialKey(req.Execution, it, req.Part)
	if err := h.putJSON(ctx, key, data); err != nil {
		return nil, fmt.Errorf("collect: %v", err)
	}
	// The step judges its own part, so publish merges findings instead of
	// inventories (scale_analysis.go).
	if err := h.writeAnalysis(ctx, req, inv, cont); err != nil {
		return nil, fmt.Errorf("collect: %v", err)
	}
	return &StepResult{Bucket: h.cfg.ReportBucket, Key: key, Item: &it, Part: req.Part,
		Functions: len(inv.Functions), Gaps: len(inv.Gaps), Done: cont == "", Continuation: cont}, nil
}

// partFunctions is how many functions one collect step lists: what the
// documented GetPolicy quota reads in the collection budget (the time to the
// deadline less the margin kept for writing the partial), halved for the
// aliases' policies, the other calls and retries; at least
// minPartFunctions. Without a deadline (a test, a direct run) there is no
// limit. A 900 s invocation with the default 60 s margin lists about 6,300.
func (h *Handler) partFunctions(ctx context.Context) int {
	if h.partSize > 0 {
		return h.partSize
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return 0
	}
	left := time.Until(deadline)
	margin := h.cfg.DeadlineMargin
	if margin > left/3 {
		margin = left / 3
	}
	n := int((left - margin).Seconds() * getPolicyRate / 2)
	return max(n, minPartFunctions)
}

// readPartials reads an item's partials in order up to the one marked done.
func (h *Handler) readPartials(ctx context.Context, execution string, it WorkItem, owner string) ([]*audit.Inventory, *audit.Gap) {
	gap := func(reason audit.GapReason, msg string) *audit.Gap {
		return &audit.Gap{Provider: it.Provider, Account: it.Account, Region: it.Region, API: "collect",
			Data: audit.DataFunctions, Reason: reason, Message: msg}
	}
	var invs []*audit.Inventory
	for part := 0; part < maxParts; part++ {
		loc := s3Location{h.cfg.ReportBucket, partialKey(execution, it, part)}
		data, err := h.getObject(ctx, loc, owner, partialMaxBytes)
		var ae smithy.APIError
		switch {
		case errors.As(err, &ae) && ae.ErrorCode() == "NoSuchKey":
			return invs, gap(audit.GapError, missingPart(it, part, loc))
		case err != nil:
			return invs, gap(audit.GapError, fmt.Sprintf("read %s: %v: the functions of %s are not in this report", loc, err, it.name()))
		}
		var p partial
		if err := json.Unmarshal(data, &p); err != nil || p.Schema != partialSchema || p.Inventory == nil || p.Item != it || p.Part != part {
			return invs, gap(audit.GapInvalidData, fmt.Sprintf("%s is not the %s partial %d of %s", loc, partialSchema, part, it.name()))
		}
		invs = append(invs, p.Inventory)
		if p.Done {
			return invs, nil
		}
	}
	return invs, gap(audit.GapError, fmt.Sprintf("%s has more than %d partials", it.name(), maxParts))
}

// putJSON writes a JSON object to the report bucket.
func (h *Handler) putJSON(ctx context.Context, key string, data []byte) error {
	loc := s3Location{h.cfg.ReportBucket, key}
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return fmt.Errorf("write %s: %v", loc, err)
	}
	_, err = h.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:              aws.String(loc.Bucket),
		Key:                 aws.String(key),
		Body:                bytes.NewReader(data),
		ContentType:         aws.String("application/json"),
		ExpectedBucketOwner: aws.String(owner),
	})
	if err != nil {
		return fmt.Errorf("write %s: %v", loc, err)
	}
	return nil
}
