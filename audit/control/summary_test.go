package control_test

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/examples/estate"
)

// TestSummariesOfTheSampleEstate: every function is listed once, in a stable
// order; the sample AWS account's authorization details make its functions
// judged with named controllers; a function of an account without details
// is listed as not judged rather than as "nobody".
func TestSummariesOfTheSampleEstate(t *testing.T) {
	t.Parallel()
	inv, err := estate.Load()
	if err != nil {
		t.Fatal(err)
	}
	got := control.Summaries(inv)
	if len(got) != len(inv.Functions) {
		t.Fatalf("%d summaries for %d functions", len(got), len(inv.Functions))
	}
	seen := map[string]bool{}
	judgedWithControllers := 0
	for i, fc := range got {
		if seen[fc.Function] {
			t.Errorf("function %s listed twice", fc.Function)
		}
		seen[fc.Function] = true
		if i > 0 {
			prev := got[i-1]
			if prev.Provider > fc.Provider || prev.Provider == fc.Provider && prev.Account > fc.Account {
				t.Errorf("order: %s/%s before %s/%s", prev.Provider, prev.Account, fc.Provider, fc.Account)
			}
		}
		if !fc.Judged && len(fc.Controllers) > 0 {
			t.Errorf("%s: controllers listed although not judged", fc.Name)
		}
		if fc.Judged && len(fc.Controllers) > 0 {
			judgedWithControllers++
			for _, c := range fc.Controllers {
				if c.Principal.ID == "" || len(c.Kinds) == 0 {
					t.Errorf("%s: controller without id or kinds: %+v", fc.Name, c)
				}
			}
		}
	}
	if judgedWithControllers == 0 {
		t.Error("no function of the sample estate has a judged controller")
	}
	if again := control.Summaries(inv); len(again) != len(got) || again[0].Function != got[0].Function {
		t.Error("summaries are not deterministic")
	}
	_ = audit.AWS
}
