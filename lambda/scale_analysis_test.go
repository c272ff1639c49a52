package main

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/examples/estate"
)

// splitEstate cuts an inventory into the parts an organization-scale run
// collects: one per AWS account-region (the account's IAM details in every
// part of the account, as each collect step reads them) and one per GCP or
// Azure provider. Front doors go to the part of their own account and region,
// as the collector reads them.
func splitEstate(t *testing.T, inv *audit.Inventory) map[WorkItem]*audit.Inventory {
	t.Helper()
	itemOf := func(p audit.Provider, acct, region string) WorkItem {
		if p != audit.AWS {
			return WorkItem{Provider: p}
		}
		return WorkItem{Provider: p, Account: acct, Region: region}
	}
	parts := map[WorkItem]*audit.Inventory{}
	part := func(it WorkItem) *audit.Inventory {
		if parts[it] == nil {
			parts[it] = &audit.Inventory{Schema: inv.Schema, GeneratedAt: inv.GeneratedAt, Functions: []audit.Function{},
				Organizations: inv.Organizations}
		}
		return parts[it]
	}
	for _, fn := range inv.Functions {
		p := part(itemOf(fn.Provider, fn.Account, fn.Region))
		fn.FrontDoors = nil // LinkFrontDoors sets what the part's own doors reach
		p.Functions = append(p.Functions, fn)
	}
	for _, d := range inv.FrontDoors {
		p := part(itemOf(d.Provider, d.Account, d.Region))
		p.FrontDoors = append(p.FrontDoors, d)
	}
	for it, p := range parts {
		for _, a := range inv.Accounts {
			if a.Provider == it.Provider && (it.Account == "" || a.ID == it.Account) {
				p.Accounts = append(p.Accounts, a)
			}
		}
		for _, id := range inv.Identities {
			if id.Provider == it.Provider {
				p.Identities = append(p.Identities, id)
			}
		}
		for _, c := range inv.Controllers {
			if c.Provider == it.Provider {
				p.Controllers = append(p.Controllers, c)
			}
		}
		for _, g := range inv.Gaps {
			if g.Provider == it.Provider && (g.Account == "" || it.Account == "" || g.Account == it.Account) &&
				(g.Region == "" || it.Region == "" || g.Region == it.Region) {
				p.Gaps = append(p.Gaps, g)
			}
		}
		audit.LinkFrontDoors(p)
	}
	return parts
}

// mergeParts runs what the collect steps and publish do with the parts:
// analyze each (through JSON, as S3 carries it), merge, correct.
func mergeParts(t *testing.T, h *Handler, parts map[WorkItem]*audit.Inventory, now time.Time, correct bool) (*audit.Report, []correction) {
	t.Helper()
	items := make([]WorkItem, 0, len(parts))
	for it := range parts {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].name() < items[j].name() })
	sm := newShardMerge(now)
	for _, it := range items {
		req := ScaleRequest{Mode: modeCollect, Execution: "x", Item: &it, StartTime: now.Format(time.RFC3339)}
		data, err := json.Marshal(h.newPartAnalysis(req, parts[it], ""))
		if err != nil {
			t.Fatal(err)
		}
		var a partAnalysis
		if err := json.Unmarshal(data, &a); err != nil {
			t.Fatal(err)
		}
		sm.add(&a)
	}
	cs := sm.corrections()
	if correct {
		for _, c := range cs {
			sm.reanalyze(c, []*audit.Inventory{parts[c.item]}, h.analyze)
		}
	}
	return sm.m.Report(), cs
}

// TestPartAnalysesMatchWholeAnalysis: the verdicts publish merges from the
// parts' analyses are those of one analysis of the whole estate — findings,
// control summaries, gaps and scope — also when front doors reach functions
// of another region or account (the correction), which the test shows
// matters: without it the verdicts differ.
func TestPartAnalysesMatchWholeAnalysis(t *testing.T) {
	base, err := estate.Load()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	h := &Handler{rules: rules.All(), cfg: Config{}}
	moveDoors := func(acct, region string) func(*audit.Inventory) {
		return func(inv *audit.Inventory) {
			for i := range inv.FrontDoors {
				if d := &inv.FrontDoors[i]; d.Provider == audit.AWS {
					if acct != "" {
						d.Account = acct
					}
					d.Region = region
				}
			}
		}
	}
	for _, tc := range []struct {
		name     string
		edit     func(*audit.Inventory)
		crossing bool
	}{
		{"as collected", func(*audit.Inventory) {}, false},
		{"doors in another region", moveDoors("", "ap-south-1"), true},
		{"doors in another account", moveDoors("210987654321", "us-east-1"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := cloneInventory(t, base)
			tc.edit(inv)
			want := h.analyze(inv, now)
			parts := splitEstate(t, inv)
			if len(parts) < 3 {
				t.Fatalf("the estate splits into %d parts; want several", len(parts))
			}
			got, cs := mergeParts(t, h, parts, now, true)
			if (len(cs) > 0) != tc.crossing {
				t.Fatalf("corrections %v, want some: %v", cs, tc.crossing)
			}
			sameVerdicts(t, got, want)
			t.Logf("%d parts, %d corrections, %d findings, %d control summaries, %d gaps", len(parts), len(cs),
				len(got.Findings), len(got.Control), len(got.Gaps))
			if tc.crossing {
				uncorrected, _ := mergeParts(t, h, parts, now, false)
				if reflect.DeepEqual(findingIDs(uncorrected), findingIDs(want)) &&
					reflect.DeepEqual(uncorrected.Findings, want.Findings) {
					t.Fatal("without the correction the verdicts are the same: the case does not test it")
				}
			}
		})
	}
}

func sameVerdicts(t *testing.T, got, want *audit.Report) {
	t.Helper()
	if g, w := findingIDs(got), findingIDs(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("finding ids differ:\n got  %v\n want %v", g, w)
	}
	for i := range want.Findings {
		if !reflect.DeepEqual(jsonOf(t, got.Findings[i]), jsonOf(t, want.Findings[i])) {
			t.Fatalf("finding %s differs:\n got  %s\n want %s", want.Findings[i].ID, jsonOf(t, got.Findings[i]), jsonOf(t, want.Findings[i]))
		}
	}
	if g, w := jsonOf(t, got.Control), jsonOf(t, want.Control); g != w {
		t.Fatalf("control summaries differ:\n got  %s\n want %s", g, w)
	}
	if g, w := jsonOf(t, got.Gaps), jsonOf(t, want.Gaps); g != w {
		t.Fatalf("gaps differ:\n got  %s\n want %s", g, w)
	}
	if g, w := jsonOf(t, got.Scope), jsonOf(t, want.Scope); g != w {
		t.Fatalf("scope differs: got %s, want %s", g, w)
	}
	if g, w := jsonOf(t, got.Summary), jsonOf(t, want.Summary); g != w {
		t.Fatalf("summary differs: got %s, want %s", g, w)
	}
	for _, w := range want.Warnings {
		if !slices.Contains(got.Warnings, w) {
			t.Errorf("warning %q of the whole analysis is not in the merged report %q", w, got.Warnings)
		}
	}
}

func findingIDs(r *audit.Report) []string {
	out := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		out = append(out, f.ID)
	}
	return out
}

func cloneInventory(t *testing.T, inv *audit.Inventory) *audit.Inventory {
	t.Helper()
	var out audit.Inventory
	if err := json.Unmarshal([]byte(jsonOf(t, inv)), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}
