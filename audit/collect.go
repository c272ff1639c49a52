package audit

import (
	"context"
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
// into one. Identities with the same id are kept once; GeneratedAt is the latest.
func Merge(invs ...*Inventory) *Inventory {
	out := &Inventory{Schema: InventorySchema, Functions: []Function{}}
	seenIdent := map[string]bool{}
	seenAcct := map[accountKey]int{}
	for _, inv := range invs {
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
				continue
			}
			seenAcct[k] = len(out.Accounts)
			a.Regions = append([]string(nil), a.Regions...)
			out.Accounts = append(out.Accounts, a)
		}
		out.Functions = append(out.Functions, inv.Functions...)
		for _, id := range inv.Identities {
			if seenIdent[id.ID] {
				continue
			}
			seenIdent[id.ID] = true
			out.Identities = append(out.Identities, id)
		}
		out.Gaps = append(out.Gaps, inv.Gaps...)
	}
	return out
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
