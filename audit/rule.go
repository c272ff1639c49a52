package audit

import (
	"sync"
	"time"
)

// Rule is one check, defined as a value: its metadata and a pure Check function.
// Rules never call cloud APIs; they judge the Inventory.
type Rule struct {
	// ID is the stable identifier, e.g. "FNA-AWS-001".
	ID string
	// Slug is a readable stable name, e.g. "aws-public-invoke".
	Slug     string
	Category Category
	// Severity is the default severity of a finding; a check may raise or lower it.
	Severity Severity
	// Provider is the provider whose functions the rule checks.
	Provider    Provider
	Title       string
	Doc         string // markdown, embedded from the rule's .md file
	Remediation string
	References  []string
	// Needs lists the inventory data the rule depends on; a Gap covering any of
	// them for a function makes the rule report unknown for that function. A
	// rule that judges only what the function listing itself carries (its
	// runtime, its service account) needs nothing a gap could hide.
	Needs []DataKind
	// Check judges one function and reports what it finds through pass.Report.
	Check func(pass *Pass)
}

// Config carries the analyzer's settings.
type Config struct {
	// Now is the audit's clock, used by time-dependent rules (runtime end of
	// support) and the report's timestamp. Zero means time.Now().
	Now time.Time
	// TrustedAccounts are account / project / subscription ids whose access is
	// not reported as cross-account.
	TrustedAccounts []string
}

// Result is what a check reports; empty fields take the rule's defaults.
type Result struct {
	Key         string
	Severity    Severity
	Title       string
	Detail      string
	Evidence    []Evidence
	Remediation string
	// Status defaults to StatusFail; a check may report StatusUnknown when it
	// cannot decide from the data it has.
	Status Status
	// FrontDoor names the front door the result is about, if any.
	FrontDoor *DoorRef
}

// Pass is the context of one check of one function.
type Pass struct {
	Rule      *Rule
	Inventory *Inventory
	Function  *Function
	Config    *Config
	// Now is the audit's clock.
	Now time.Time

	index   *index
	memo    *sync.Map
	results []Result
}

// Report records a result for the function under check.
func (p *Pass) Report(r Result) { p.results = append(p.results, r) }

// Identity returns the identity with the given id, or nil.
func (p *Pass) Identity(id string) *Identity { return p.index.identities[id] }

// Identities returns the function's execution identities that are in the inventory.
func (p *Pass) Identities() []*Identity {
	var out []*Identity
	for _, id := range p.Function.Identities {
		if ident := p.index.identities[id]; ident != nil {
			out = append(out, ident)
		}
	}
	return out
}

// Account returns the audited account with the function's provider and the given
// id, or nil.
func (p *Pass) Account(id string) *Account {
	return p.index.accounts[accountKey{p.Function.Provider, id}]
}

// Trusted reports whether the account id is in Config.TrustedAccounts.
func (p *Pass) Trusted(account string) bool { return p.index.trusted[account] }

// Shared returns the value computed for key during this analysis by any
// rule, computing it on first use: a verdict several rules read (who can
// change a function) is built once. Keys are namespaced by the package that
// computes them; compute must be pure.
func (p *Pass) Shared(key string, compute func() any) any {
	if v, ok := p.index.shared.Load(key); ok {
		return v
	}
	v, _ := p.index.shared.LoadOrStore(key, compute())
	return v
}

// Memo returns the value computed for key by this rule during this analysis,
// computing it on first use. Rules use it to judge an identity once even when
// thousands of functions share it. compute must be pure.
func (p *Pass) Memo(key string, compute func() any) any {
	if v, ok := p.memo.Load(key); ok {
		return v
	}
	v, _ := p.memo.LoadOrStore(key, compute())
	return v
}
