package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/fnaudit/fnaudit/audit"
)

// Analysis per part. Publish cannot hold an organization's inventory (about
// 20 KB per function at its peak: docs/lambda.md, "Memory of the publish
// step"), so every collect step analyzes the part it collected and writes the
// verdicts beside its partial inventory, under
// fnaudit/runs/<execution>/analyses/<item>-<part>.json. Publish then merges
// verdicts, one part at a time (audit.ReportMerger), and never decodes an
// inventory except to correct a part (below).
//
// A part's analysis equals what an analysis of the whole organization says
// of the part's functions: every rule judges one function from its own
// account's data (its policy, its identities and the account's IAM
// authorization details, which each part reads), the organization listing
// (each part holds it) and the front doors that target it. Front doors are the
// one input that crosses parts: an API in one account-region may integrate a
// function of another (API Gateway and CloudFront reach across regions and
// accounts). Each part records the doors that name a function it does not
// hold; publish gives every such door to the item holding the function, and
// when that item did not read the door itself, it analyzes the item's partials
// again with the door and replaces the item's verdicts.
//
// Gaps are judged per part: a part whose own IAM read failed marks its own
// functions unknown, not those of the account's other regions, which read IAM
// themselves.

const (
	analysisSchema = "fnaudit.analysis/v1"
	// analysisMaxBytes bounds one part's analysis read back (its findings and
	// control summaries: a few KB per function).
	analysisMaxBytes = 512 << 20
)

// partAnalysis is one collect step's verdicts.
type partAnalysis struct {
	Schema string   `json:"schema"`
	Item   WorkItem `json:"item"`
	Part   int      `json:"part"`
	Done   bool     `json:"done"`
	audit.ReportPart
	// Doors are the ids of the front doors the part read.
	Doors []string `json:"doors,omitempty"`
	// ForeignDoors are the part's doors with a target the part does not hold.
	ForeignDoors []audit.FrontDoor `json:"foreignDoors,omitempty"`
}

func analysisKey(execution string, it WorkItem, part int) string {
	return fmt.Sprintf("%s%s/analyses/%s-%d.json", scaleKeyPrefix, execution, it.name(), part)
}

// newPartAnalysis analyzes one part's inventory at the run's audit clock.
func (h *Handler) newPartAnalysis(req ScaleRequest, inv *audit.Inventory, cont string) *partAnalysis {
	a := &partAnalysis{Schema: analysisSchema, Item: *req.Item, Part: req.Part, Done: cont == "",
		ReportPart: audit.ReportPart{Report: h.analyze(inv, req.auditClock(h.now)), Accounts: audit.PartAccounts(inv)}}
	held := make(map[string]bool, len(inv.Functions))
	for i := range inv.Functions {
		held[inv.Functions[i].ID] = true
	}
	for _, d := range inv.FrontDoors {
		a.Doors = append(a.Doors, d.ID)
		for _, t := range d.Targets {
			if t.Resolution == "" && t.Function != "" && !held[t.Function] {
				a.ForeignDoors = append(a.ForeignDoors, d)
				break
			}
		}
	}
	return a
}

// writeAnalysis analyzes a collect step's part and writes the verdicts.
func (h *Handler) writeAnalysis(ctx context.Context, req ScaleRequest, inv *audit.Inventory, cont string) error {
	data, err := json.Marshal(h.newPartAnalysis(req, inv, cont))
	if err != nil {
		return err
	}
	return h.putJSON(ctx, analysisKey(req.Execution, *req.Item, req.Part), data)
}

// publishRun merges the run's verdicts and publishes its one digest. An item
// whose analyses are missing or unfinished (its child failed, timed out or
// was never run) is a gap for its whole scope (or for what its missing parts
// held), so the digest is never clean for it.
func (h *Handler) publishRun(ctx context.Context, req ScaleRequest, log *slog.Logger) (*Result, error) {
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: %v", err)
	}
	loc := s3Location{h.cfg.ReportBucket, itemsKey(req.Execution)}
	data, err := h.getObject(ctx, loc, owner, itemsMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("publish: read the plan %s: %v", loc, err)
	}
	var items []WorkItem
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("publish: the plan %s is not a list of work items: %v", loc, err)
	}
	now := req.auditClock(h.now)
	sm := newShardMerge(now)
	var failed []string
	collected := false
	for f := range h.fetchAll(ctx, req.Execution, items, owner) {
		for _, data := range f.parts {
			var a partAnalysis
			if err := json.Unmarshal(data, &a); err != nil || a.Report == nil {
				// fetchAnalyses checked the header; the body is what is broken.
				f.gap = f.item.gapf(audit.GapInvalidData, "an analysis of %s is not a %s object (%v): its verdicts are not in this report", f.item.name(), analysisSchema, err)
				break
			}
			sm.add(&a)
			collected = true
		}
		if f.gap != nil {
			sm.m.AddGap(*f.gap)
			failed = append(failed, f.gap.Message)
		}
	}
	for _, c := range sm.corrections() {
		h.correct(ctx, req.Execution, owner, sm, c)
	}
	r := sm.m.Report()
	return h.publishReport(ctx, log, h.configuredScope(), h.cfg.MinSeverity, Override{}, r, sm.m.Accounts(), failed, collected)
}

// publishReaders is how many items' analyses publish reads from S3 at once
// (thousands of small objects: one at a time, the requests' latency would
// add up to minutes). Their verdicts are still merged in the plan's order.
const publishReaders = 16

// fetched is one item's analyses as read from the bucket.
type fetched struct {
	item  WorkItem
	parts [][]byte
	gap   *audit.Gap
}

// fetchAll reads the items' analyses, up to publishReaders items ahead of
// the consumer, and yields them in the items' order.
func (h *Handler) fetchAll(ctx context.Context, execution string, items []WorkItem, owner string) func(yield func(fetched) bool) {
	return func(yield func(fetched) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		out := make([]chan fetched, len(items))
		for i := range out {
			out[i] = make(chan fetched, 1)
		}
		window := make(chan struct{}, publishReaders)
		go func() {
			for i, it := range items {
				select {
				case window <- struct{}{}:
				case <-ctx.Done():
					out[i] <- fetched{item: it, gap: it.gapf(audit.GapInterrupted, "the analyses of %s were not read: %v", it.name(), ctx.Err())}
					continue
				}
				go func() {
					parts, gap := h.fetchAnalyses(ctx, execution, it, owner)
					out[i] <- fetched{item: it, parts: parts, gap: gap}
				}()
			}
		}()
		for i := range items {
			f := <-out[i]
			select {
			case <-window:
			default:
			}
			if !yield(f) {
				return
			}
		}
	}
}

func (w WorkItem) gapf(reason audit.GapReason, format string, args ...any) *audit.Gap {
	return &audit.Gap{Provider: w.Provider, Account: w.Account, Region: w.Region, API: "collect",
		Data: audit.DataFunctions, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// missingPart is the gap message of an item whose part's object at loc is
// missing: the child that should have written it failed or timed out.
func missingPart(it WorkItem, part int, loc s3Location) string {
	if part == 0 {
		return fmt.Sprintf("the collect step for %s failed or timed out (no %s): %s", it.name(), loc, partsLost(it, part))
	}
	return fmt.Sprintf("the collect step for part %d of %s failed or timed out (no %s): %s", part, it.name(), loc, partsLost(it, part))
}

// partsLost says what a failed part leaves out: the whole item, or the
// functions the parts before it did not reach.
func partsLost(it WorkItem, part int) string {
	switch part {
	case 0:
		return fmt.Sprintf("the functions of %s were not audited", it.name())
	case 1:
		return fmt.Sprintf("the remaining functions of %s after part 0 were not audited (part 0's are in this report)", it.name())
	}
	return fmt.Sprintf("the remaining functions of %s after part %d were not audited (parts 0 to %d's are in this report)", it.name(), part-1, part-1)
}

// analysisHeader is what fetchAnalyses checks of each analysis.
type analysisHeader struct {
	Schema string   `json:"schema"`
	Item   WorkItem `json:"item"`
	Part   int      `json:"part"`
	Done   bool     `json:"done"`
}

// fetchAnalyses reads an item's analyses in order up to the one marked done.
// It returns them, and a gap when the item did not finish: what the missing
// part and those after it would have held was not audited.
func (h *Handler) fetchAnalyses(ctx context.Context, execution string, it WorkItem, owner string) ([][]byte, *audit.Gap) {
	var parts [][]byte
	for part := 0; part < maxParts; part++ {
		loc := s3Location{h.cfg.ReportBucket, analysisKey(execution, it, part)}
		data, err := h.getObject(ctx, loc, owner, analysisMaxBytes)
		var ae smithy.APIError
		switch {
		case errors.As(err, &ae) && ae.ErrorCode() == "NoSuchKey":
			return parts, it.gapf(audit.GapError, "%s", missingPart(it, part, loc))
		case err != nil:
			return parts, it.gapf(audit.GapError, "read %s: %v: %s", loc, err, partsLost(it, part))
		}
		var hd analysisHeader
		if err := json.Unmarshal(data, &hd); err != nil || hd.Schema != analysisSchema || hd.Item != it || hd.Part != part {
			return parts, it.gapf(audit.GapInvalidData, "%s is not the %s analysis %d of %s: %s", loc, analysisSchema, part, it.name(), partsLost(it, part))
		}
		parts = append(parts, data)
		if hd.Done {
			return parts, nil
		}
	}
	return parts, it.gapf(audit.GapError, "%s has more than %d parts", it.name(), maxParts)
}

// shardMerge merges part analyses and keeps what the front-door correction
// needs: the doors each item read and the doors that cross items.
type shardMerge struct {
	m   *audit.ReportMerger
	now time.Time
	// parts counts each item's analyses read.
	parts map[WorkItem]int
	// doors are the ids of the doors each item read (any part).
	doors map[WorkItem]map[string]bool
	// foreign are the doors naming a function outside their part, by id.
	foreign map[string]audit.FrontDoor
}

func newShardMerge(now time.Time) *shardMerge {
	return &shardMerge{m: audit.NewReportMerger(now), now: now, parts: map[WorkItem]int{}, doors: map[WorkItem]map[string]bool{},
		foreign: map[string]audit.FrontDoor{}}
}

func (s *shardMerge) add(a *partAnalysis) {
	s.m.Add(a.ReportPart)
	s.parts[a.Item]++
	if len(a.Doors) > 0 && s.doors[a.Item] == nil {
		s.doors[a.Item] = map[string]bool{}
	}
	for _, id := range a.Doors {
		s.doors[a.Item][id] = true
	}
	for _, d := range a.ForeignDoors {
		if _, ok := s.foreign[d.ID]; !ok {
			s.foreign[d.ID] = d
		}
	}
}

// correction is an item to analyze again with doors it did not read.
type correction struct {
	item  WorkItem
	parts int
	doors []audit.FrontDoor
}

// corrections finds, for every door that names a function outside its part,
// the item holding that function (by the control summaries, which list every
// analyzed function with its account and region); an item that did not read
// the door itself is to be analyzed again with it.
func (s *shardMerge) corrections() []correction {
	if len(s.foreign) == 0 {
		return nil
	}
	want := map[string][]string{} // function id -> foreign door ids naming it
	for id, d := range s.foreign {
		for _, t := range d.Targets {
			if t.Resolution == "" && t.Function != "" && !slices.Contains(want[t.Function], id) {
				want[t.Function] = append(want[t.Function], id)
			}
		}
	}
	byItem := map[WorkItem]map[string]bool{}
	for _, c := range s.m.ControlOf(func(id string) bool { return want[id] != nil }) {
		it, ok := s.itemOf(c)
		if !ok {
			continue
		}
		for _, door := range want[c.Function] {
			if s.doors[it][door] {
				continue
			}
			if byItem[it] == nil {
				byItem[it] = map[string]bool{}
			}
			byItem[it][door] = true
		}
	}
	var out []correction
	for it, ids := range byItem {
		c := correction{item: it, parts: s.parts[it]}
		for id := range ids {
			c.doors = append(c.doors, s.foreign[id])
		}
		sort.Slice(c.doors, func(i, j int) bool { return c.doors[i].ID < c.doors[j].ID })
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].item.name() < out[j].item.name() })
	return out
}

// itemOf is the item whose analyses hold a function: its provider, account
// and region, or its provider and account (an item without a region), or its
// provider alone (GCP and Azure items).
func (s *shardMerge) itemOf(c audit.FunctionControl) (WorkItem, bool) {
	for _, it := range []WorkItem{
		{Provider: c.Provider, Account: c.Account, Region: c.Region},
		{Provider: c.Provider, Account: c.Account},
		{Provider: c.Provider},
	} {
		if s.parts[it] > 0 {
			return it, true
		}
	}
	return WorkItem{}, false
}

// correct analyzes an item's partial inventories again with the doors from
// other items that reach its functions, and replaces the item's verdicts.
// When its partials cannot be read, the report says which doors were not
// judged.
func (h *Handler) correct(ctx context.Context, execution, owner string, sm *shardMerge, c correction) {
	invs, _ := h.readPartials(ctx, execution, c.item, owner)
	if len(invs) > c.parts {
		invs = invs[:c.parts] // only the parts whose verdicts were merged
	}
	if len(invs) < c.parts {
		ids := make([]string, 0, len(c.doors))
		for _, d := range c.doors {
			ids = append(ids, d.ID)
		}
		sm.m.AddWarning(fmt.Sprintf("front doors of other account-regions that reach functions of %s were not judged with them (%s): its partial inventories could not be read again",
			c.item.name(), strings.Join(ids, ", ")))
		return
	}
	sm.reanalyze(c, invs, h.analyze)
}

// reanalyze replaces an item's verdicts by an analysis of its partial
// inventories with the correction's doors added.
func (s *shardMerge) reanalyze(c correction, invs []*audit.Inventory, analyze func(*audit.Inventory, time.Time) *audit.Report) {
	inv, _ := audit.MergeChecked(invs...)
	have := map[string]bool{}
	for _, d := range inv.FrontDoors {
		have[d.ID] = true
	}
	for _, d := range c.doors {
		if !have[d.ID] {
			inv.FrontDoors = append(inv.FrontDoors, d)
		}
	}
	audit.LinkFrontDoors(inv)
	ids := make(map[string]bool, len(inv.Functions))
	for i := range inv.Functions {
		ids[inv.Functions[i].ID] = true
	}
	s.m.RemoveFunctions(ids)
	s.m.Add(audit.ReportPart{Report: analyze(inv, s.now), Accounts: audit.PartAccounts(inv)})
}
