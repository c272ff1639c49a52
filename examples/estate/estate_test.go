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
	for _, p := range audit.Providers() {
		if perProvider[p] == 0 {
			t.Errorf("the sample estate has no %s functions", p)
		}
	}
	if inv.GeneratedAt.IsZero() {
		t.Error("the sample estate has no generatedAt; use a fixed date")
	}
	t.Logf("%d files, %d functions (%v), %d identities, %d gaps", len(Files()), len(inv.Functions), perProvider,
		len(inv.Identities), len(inv.Gaps))
}
