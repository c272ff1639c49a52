package estate

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	if len(Files()) == 0 {
		t.Skip("the sample estate has no inventory files yet")
	}
	inv, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.Validate(); err != nil {
		t.Errorf("merged estate: %v", err)
	}
	ids := map[string]string{}
	perProvider := map[audit.Provider]int{}
	for _, fn := range inv.Functions {
		if prev, dup := ids[fn.ID]; dup {
			t.Errorf("function id %s appears twice (%s and %s)", fn.ID, prev, fn.Name)
		}
		ids[fn.ID] = fn.Name
		perProvider[fn.Provider]++
	}
	for _, p := range audit.Providers {
		if perProvider[p] == 0 {
			t.Errorf("the sample estate has no %s functions", p)
		}
	}
	if inv.GeneratedAt.IsZero() {
		t.Error("the sample estate has no generatedAt; use a fixed date")
	}
	// Front doors reach functions of other files once merged.
	if len(inv.FrontDoors) == 0 {
		t.Error("the sample estate has no front doors")
	}
	for _, d := range inv.FrontDoors {
		for _, tg := range d.Targets {
			if tg.Resolution != "" {
				t.Errorf("front door %s: target %s still %s after the merge", d.ID, tg.Function, tg.Resolution)
			}
		}
	}
	reached := 0
	for i := range inv.Functions {
		if len(inv.Functions[i].FrontDoors) > 0 {
			reached++
		}
	}
	if reached == 0 {
		t.Error("no function of the sample estate lists a front door")
	}
	t.Logf("%d files, %d functions (%v), %d identities, %d front doors, %d gaps", len(Files()), len(inv.Functions), perProvider,
		len(inv.Identities), len(inv.FrontDoors), len(inv.Gaps))
}
