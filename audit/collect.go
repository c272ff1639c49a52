package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Collector lists one provider's functions, triggers and identities into an
// Inventory. Implementations live in providers/; each is configured with its scope
// (accounts / projects / subscriptions, regions) when constructed.
//
// Collect returns an error only when nothing could be collected at all (no
// credentials, an invalid scope). Anything narrower — one account, region, API call
// or resource that could not be read — is recorded as a Gap in the returned
// inventory and collection goes on.
type Collector interface {
	Provider() Provider
	Collect(ctx context.Context) (*Inventory, error)
}

// NewInventory returns an empty inventory stamped with the schema and time.
func NewInventory(now time.Time) *Inventory {
	return &Inventory{Schema: InventorySchema, GeneratedAt: now.UTC(), Functions: []Function{}}
}

// Merge combines inventories collected separately (by provider, account or region)
// into one. Identities and functions with the same id are kept once; GeneratedAt
// is the latest. Merge drops the conflicts MergeChecked reports; callers that read
// inventories from users should call MergeChecked and show its warnings.
func Merge(invs ...*Inventory) *Inventory {
	out, _ := MergeChecked(invs...)
	return out
}

// MergeChecked is Merge that also says what it could not merge cleanly: an
// identity or a function that appears in two inventories with different content
// (the first is kept, so the verdict rests on one of two contradictory
// descriptions). Exact repeats, as when the same inventory is given twice, are
// folded silently. The warnings are one line each, in input order.
func MergeChecked(invs ...*Inventory) (*Inventory, []string) {
	out := &Inventory{Schema: InventorySchema, Functions: []Function{}}
	seenIdent := map[string]int{} // identity id -> index in out.Identities
	seenFn := map[string]int{}    // function id -> index in out.Functions
	seenAcct := map[accountKey]int{}
	seenGap := map[string]bool{} // exact repeats of a gap are folded
	seenDoor := map[string]int{} // front door id -> index in out.FrontDoors
	seenCtl := map[string]bool{} // exact repeats of a controller are folded
	var warnings []string
	for n, inv := range invs {
		if inv == nil {
			continue
		}
		if inv.GeneratedAt.After(out.GeneratedAt) {
			out.GeneratedAt = inv.GeneratedAt
		}
		for _, a := range inv.Accounts {
			k := accountKey{a.Provider, a.ID}
			if i, ok := seenAcct[k]; ok {
				out.Accounts[i].Regions = unionStrings(out.Accounts[i].Regions, a.Regions)
				if out.Accounts[i].OrgID == "" {
					out.Accounts[i].OrgID = a.OrgID
				}
				if out.Accounts[i].Name == "" {
					out.Accounts[i].Name = a.Name
				}
				if out.Accounts[i].AWS == nil {
					out.Accounts[i].AWS = a.AWS
				}
				continue
			}
			seenAcct[k] = len(out.Accounts)
			a.Regions = append([]string(nil), a.Regions...)
			out.Accounts = append(out.Accounts, a)
		}
		for _, fn := range inv.Functions {
			if fn.ID == "" {
				out.Functions = append(out.Functions, fn)
				continue
			}
			if i, ok := seenFn[fn.ID]; ok {
				// FrontDoors is derived from the doors (rebuilt below), so
				// an input that lacks it describes the same function.
				a, b := out.Functions[i], fn
				a.FrontDoors, b.FrontDoors = nil, nil
				if !sameJSON(a, b) {
					warnings = append(warnings, fmt.Sprintf(
						"function %s is described differently by input %d; kept the first description", fn.ID, n+1))
				}
				continue
			}
			seenFn[fn.ID] = len(out.Functions)
			out.Functions = append(out.Functions, fn)
		}
		for _, id := range inv.Identities {
			if i, ok := seenIdent[id.ID]; ok {
				if !sameJSON(out.Identities[i], id) {
					warnings = append(warnings, fmt.Sprintf(
						"identity %s is described differently by input %d; kept the first description", id.ID, n+1))
				}
				continue
			}
			seenIdent[id.ID] = len(out.Identities)
			out.Identities = append(out.Identities, id)
		}
		for _, d := range inv.FrontDoors {
			if i, ok := seenDoor[d.ID]; ok {
				if !sameJSON(out.FrontDoors[i], d) {
					warnings = append(warnings, fmt.Sprintf(
						"front door %s is described differently by input %d; kept the first description", d.ID, n+1))
				}
				continue
			}
			seenDoor[d.ID] = len(out.FrontDoors)
			out.FrontDoors = append(out.FrontDoors, d)
		}
		for _, c := range inv.Controllers {
			k, err := json.Marshal(c)
			if err == nil && seenCtl[string(k)] {
				continue
			}
			seenCtl[string(k)] = true
			out.Controllers = append(out.Controllers, c)
		}
		for _, g := range inv.Gaps {
			k, err := json.Marshal(g)
			if err == nil && seenGap[string(k)] {
				continue
			}
			seenGap[string(k)] = true
			out.Gaps = append(out.Gaps, g)
		}
	}
	if len(out.FrontDoors) > 0 {
		// A door collected with one input may target a function listed by
		// another (an API in one account integrating a function of another):
		// such a target is no longer outside the scope, and the
		// back-references are rebuilt over the merged whole.
		for i := range out.FrontDoors {
			d := &out.FrontDoors[i]
			for j, t := range d.Targets {
				if _, ok := seenFn[t.Function]; ok && t.Resolution == TargetOutsideScope {
					d.Targets = append([]DoorTarget(nil), d.Targets...)
					d.Targets[j].Resolution = ""
				}
			}
		}
		LinkFrontDoors(out)
	}
	return out, warnings
}

// sameJSON reports whether a and b serialize identically: the inventory's own
// notion of equal content (nil and empty lists both omitted alike).
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func unionStrings(a, b []string) []string {
	set := map[string]bool{}
	for _, s := range a {
		set[s] = true
	}
	for _, s := range b {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
