package audit

import "slices"

// Interner shares the strings that findings and control summaries repeat.
// Decoded from JSON, every finding of a rule holds its own copy of the rule's
// title, remediation and evidence source, and every control summary its own
// copy of an account's administrators; a report of 100,000 functions holds
// half the bytes once they are shared. The zero value is ready to use; an
// Interner is not safe for concurrent use.
type Interner struct {
	strs map[string]string
}

// String returns the interned copy of s.
func (in *Interner) String(s string) string {
	if c, ok := in.strs[s]; ok {
		return c
	}
	if in.strs == nil {
		in.strs = map[string]string{}
	}
	in.strs[s] = s
	return s
}

// Finding shares the strings f repeats with other findings: everything but
// its id, resource and function (those are the function's own; the control
// summary holds the function id too). Its evidence list is clipped to its
// length.
func (in *Interner) Finding(f *Finding) {
	f.Rule, f.Slug, f.Account, f.Region = in.String(f.Rule), in.String(f.Slug), in.String(f.Account), in.String(f.Region)
	f.Category, f.Severity = Category(in.String(string(f.Category))), Severity(in.String(string(f.Severity)))
	f.Status, f.Provider = Status(in.String(string(f.Status))), Provider(in.String(string(f.Provider)))
	f.Key, f.Title, f.Detail, f.Remediation = in.String(f.Key), in.String(f.Title), in.String(f.Detail), in.String(f.Remediation)
	for i := range f.Evidence {
		e := &f.Evidence[i]
		e.Source.API, e.Source.Ref = in.String(e.Source.API), in.String(e.Source.Ref)
		e.Path, e.Fragment = in.String(e.Path), in.String(e.Fragment)
	}
	f.Evidence = slices.Clip(f.Evidence)
}

// Control shares the strings c repeats with other control summaries: all
// but the function's id (an account's administrators control each of its
// functions).
func (in *Interner) Control(c *FunctionControl) {
	c.Name, c.Account, c.Region = in.String(c.Name), in.String(c.Account), in.String(c.Region)
	c.Provider = Provider(in.String(string(c.Provider)))
	c.Controllers = slices.Clip(c.Controllers)
	for i := range c.Controllers {
		p := &c.Controllers[i].Principal
		p.Kind = ControllerKind(in.String(string(p.Kind)))
		p.ID, p.Name, p.Account = in.String(p.ID), in.String(p.Name), in.String(p.Account)
		for j, s := range p.Members {
			p.Members[j] = in.String(s)
		}
		for j, k := range c.Controllers[i].Kinds {
			c.Controllers[i].Kinds[j] = ControlKind(in.String(string(k)))
		}
	}
}
