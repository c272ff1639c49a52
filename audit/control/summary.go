package control

import (
	"github.com/fnaudit/fnaudit/audit"
)

// Summaries says who can change each function of the inventory, in the
// report's form (audit.Report.Control): per function, its controllers with the
// kinds of control they hold, in the order Function gives; functions in
// provider, account, region and name order. A function whose account lacks the
// data for the verdict is listed with Judged false.
func Summaries(inv *audit.Inventory) []audit.FunctionControl {
	a := New(inv)
	out := make([]audit.FunctionControl, 0, len(inv.Functions))
	for i := range inv.Functions {
		fn := &inv.Functions[i]
		fc := audit.FunctionControl{Function: fn.ID, Name: fn.Name, Provider: fn.Provider, Account: fn.Account,
			Region: fn.Region, Judged: a.Covered(fn)}
		for _, c := range a.Function(fn) {
			fc.Controllers = append(fc.Controllers, controller(c))
		}
		out = append(out, fc)
	}
	audit.SortControl(out)
	return out
}

func controller(c Control) audit.FunctionController {
	fc := audit.FunctionController{Principal: c.Principal}
	seen := map[audit.ControlKind]bool{}
	for _, p := range c.Powers {
		if !seen[p.Kind] {
			seen[p.Kind] = true
			fc.Kinds = append(fc.Kinds, p.Kind)
		}
		if len(p.Conditions) > 0 {
			fc.Conditional = true
		}
	}
	return fc
}
