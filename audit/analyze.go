package audit

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

type accountKey struct {
	provider Provider
	id       string
}

// index holds lookups built once per analysis.
type index struct {
	identities map[string]*Identity
	accounts   map[accountKey]*Account
	trusted    map[string]bool
	gaps       map[accountKey][]*Gap // by provider and account ("" = every account)
	orgs       orgIndex
	// shared holds what several rules compute from the same inventory
	// (Pass.Shared).
	shared sync.Map
}

func newIndex(inv *Inventory, cfg *Config) *index {
	ix := &index{
		identities: make(map[string]*Identity, len(inv.Identities)),
		accounts:   make(map[accountKey]*Account, len(inv.Accounts)),
		trusted:    make(map[string]bool, len(cfg.TrustedAccounts)),
		gaps:       make(map[accountKey][]*Gap),
		orgs:       newOrgIndex(inv.Organizations),
	}
	for i := range inv.Identities {
		ix.identities[inv.Identities[i].ID] = &inv.Identities[i]
	}
	for i := range inv.Accounts {
		a := &inv.Accounts[i]
		ix.accounts[accountKey{a.Provider, a.ID}] = a
	}
	for _, a := range cfg.TrustedAccounts {
		ix.trusted[a] = true
	}
	for i := range inv.Gaps {
		g := &inv.Gaps[i]
		k := accountKey{g.Provider, g.Account}
		ix.gaps[k] = append(ix.gaps[k], g)
	}
	return ix
}

// GapsFor returns the gaps that leave part of fn's data unread: gaps of its
// provider whose account, region and resource are empty or match the function (the
// resource may name the function, one of its identities, or its Azure app).
func (ix *index) gapsFor(fn *Function) []*Gap {
	var out []*Gap
	for _, acct := range []string{fn.Account, ""} {
		for _, g := range ix.gaps[accountKey{fn.Provider, acct}] {
			if g.Region != "" && g.Region != fn.Region {
				continue
			}
			if g.Resource != "" && !gapNamesFunction(g.Resource, fn) {
				continue
			}
			out = append(out, g)
		}
		if fn.Account == "" {
			break
		}
	}
	return out
}

func gapNamesFunction(resource string, fn *Function) bool {
	if resource == fn.ID || resource == fn.Name {
		return true
	}
	for _, id := range fn.Identities {
		if resource == id {
			return true
		}
	}
	if fn.Azure != nil && strings.EqualFold(resource, fn.Azure.App) {
		return true
	}
	return false
}

// Analyze runs rules over the inventory and returns a report with sorted findings.
// It is pure and deterministic: the same inventory, rules and clock give the same
// report. A rule that panics yields one error finding for that rule and the other
// rules still run. A rule that needs data a Gap left unread reports unknown for
// the affected function instead of passing.
func Analyze(inv *Inventory, rules []Rule, cfg Config) *Report {
	if cfg.Now.IsZero() {
		cfg.Now = time.Now().UTC()
	}
	ix := newIndex(inv, &cfg)

	byProvider := make(map[Provider][]*Function)
	for i := range inv.Functions {
		fn := &inv.Functions[i]
		byProvider[fn.Provider] = append(byProvider[fn.Provider], fn)
	}

	// Rules are independent; run them in parallel and sort afterwards.
	perRule := make([][]Finding, len(rules))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range rules {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			perRule[i] = runRule(&rules[i], inv, byProvider[rules[i].Provider], ix, &cfg)
		}(i)
	}
	wg.Wait()

	var findings []Finding
	for _, fs := range perRule {
		findings = append(findings, fs...)
	}
	SortFindings(findings)

	r := &Report{
		Schema:      ReportSchema,
		GeneratedAt: cfg.Now,
		Scope:       scopeOf(inv),
		Findings:    findings,
		Gaps:        append([]Gap(nil), inv.Gaps...),
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Gaps == nil {
		r.Gaps = []Gap{}
	}
	SortGaps(r.Gaps)
	if len(inv.Functions) == 0 {
		r.Warnings = append(r.Warnings, noFunctionsWarning(inv))
	}
	r.Warnings = append(r.Warnings, orgWarnings(inv.Organizations)...)
	r.Warnings = append(r.Warnings, controlWarnings(inv)...)
	r.Summarize()
	return r
}

// noFunctionsWarning says that an analysis judged nothing, so that an empty
// inventory never reads as a clean estate.
func noFunctionsWarning(inv *Inventory) string {
	if len(inv.Gaps) > 0 {
		return noFunctionsWithGaps
	}
	if len(inv.Accounts) > 0 {
		return noFunctionsInScopes(len(inv.Accounts))
	}
	return noFunctionsPrefix + " and no scopes: nothing was judged"
}

const (
	noFunctionsPrefix   = "the inventory lists no functions"
	noFunctionsWithGaps = noFunctionsPrefix + ": nothing was judged, and the gaps below say what could not be read"
)

func noFunctionsInScopes(n int) string {
	return fmt.Sprintf(noFunctionsPrefix+" in its %d scope(s): nothing was judged; check the regions and accounts asked for", n)
}

// isNoFunctionsWarning tells noFunctionsWarning's text from other warnings.
func isNoFunctionsWarning(w string) bool { return strings.HasPrefix(w, noFunctionsPrefix) }

func runRule(rule *Rule, inv *Inventory, fns []*Function, ix *index, cfg *Config) (out []Finding) {
	memo := new(sync.Map)
	for _, fn := range fns {
		if gaps := neededGaps(rule, ix.gapsFor(fn)); len(gaps) > 0 {
			out = append(out, unknownFinding(rule, fn, gaps))
			continue
		}
		pass := &Pass{Rule: rule, Inventory: inv, Function: fn, Config: cfg, Now: cfg.Now, index: ix, memo: memo}
		if err := runCheck(rule, pass); err != nil {
			// A broken rule is reported once, as an error, and stops running: its
			// other verdicts cannot be trusted either.
			out = append(out, Finding{
				ID:       FindingID(rule.ID, "rule:"+rule.ID, ""),
				Rule:     rule.ID,
				Slug:     rule.Slug,
				Category: rule.Category,
				Severity: Info,
				Status:   StatusError,
				Provider: rule.Provider,
				Resource: "rule:" + rule.ID,
				Title:    "rule failed: " + rule.Title,
				Detail:   fmt.Sprintf("checking %s: %v", fn.ID, err),
			})
			return out
		}
		for _, res := range pass.results {
			out = append(out, newFinding(rule, fn, res))
		}
	}
	return out
}

func runCheck(rule *Rule, pass *Pass) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	if rule.Check == nil {
		return fmt.Errorf("rule %s has no Check", rule.ID)
	}
	rule.Check(pass)
	return nil
}

func neededGaps(rule *Rule, gaps []*Gap) []*Gap {
	var out []*Gap
	for _, g := range gaps {
		for _, need := range rule.Needs {
			if g.Data == need {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

func unknownFinding(rule *Rule, fn *Function, gaps []*Gap) Finding {
	var parts []string
	var ev []Evidence
	for _, g := range gaps {
		parts = append(parts, fmt.Sprintf("%s (%s)", g.API, g.Reason))
		ev = append(ev, Evidence{Source: Source{API: g.API, Ref: g.Resource}, Fragment: g.Message})
	}
	return Finding{
		ID:       FindingID(rule.ID, fn.ID, ""),
		Rule:     rule.ID,
		Slug:     rule.Slug,
		Category: rule.Category,
		Severity: rule.Severity,
		Status:   StatusUnknown,
		Provider: fn.Provider,
		Account:  fn.Account,
		Region:   fn.Region,
		Resource: fn.ID,
		Function: fn.Name,
		Title:    "not checked: " + rule.Title,
		Detail:   "data this rule needs could not be read: " + strings.Join(parts, "; "),
		Evidence: ev,
	}
}

func newFinding(rule *Rule, fn *Function, r Result) Finding {
	f := Finding{
		ID:          FindingID(rule.ID, fn.ID, r.Key),
		Rule:        rule.ID,
		Slug:        rule.Slug,
		Category:    rule.Category,
		Severity:    r.Severity,
		Status:      r.Status,
		Provider:    fn.Provider,
		Account:     fn.Account,
		Region:      fn.Region,
		Resource:    fn.ID,
		Function:    fn.Name,
		Key:         r.Key,
		Title:       r.Title,
		Detail:      r.Detail,
		Evidence:    r.Evidence,
		Remediation: r.Remediation,
		FrontDoor:   r.FrontDoor,
	}
	if f.Severity == "" {
		f.Severity = rule.Severity
	}
	if f.Status == "" {
		f.Status = StatusFail
	}
	if f.Title == "" {
		f.Title = rule.Title
	}
	if f.Remediation == "" {
		f.Remediation = rule.Remediation
	}
	return f
}

// SortFindings orders findings most severe first, then by provider, account,
// region, function, resource, rule and key: the report order. It sorts
// indices and permutes once, since findings are large to swap.
func SortFindings(fs []Finding) {
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return compareFindings(&fs[i], &fs[j]) })
	sorted := make([]Finding, len(fs))
	for to, from := range idx {
		sorted[to] = fs[from]
	}
	copy(fs, sorted)
}

func compareFindings(a, b *Finding) int {
	if c := cmp.Compare(b.Severity.Rank(), a.Severity.Rank()); c != 0 {
		return c
	}
	for _, p := range [...][2]string{
		{string(a.Provider), string(b.Provider)},
		{a.Account, b.Account},
		{a.Region, b.Region},
		{a.Function, b.Function},
		{a.Resource, b.Resource},
		{a.Rule, b.Rule},
		{a.Key, b.Key},
	} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	return 0
}

// SortGaps orders gaps by provider, account, region, resource and API.
func SortGaps(gs []Gap) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := &gs[i], &gs[j]
		for _, c := range [][2]string{
			{string(a.Provider), string(b.Provider)},
			{a.Account, b.Account},
			{a.Region, b.Region},
			{a.Resource, b.Resource},
			{a.API, b.API},
			{a.Message, b.Message},
		} {
			if c[0] != c[1] {
				return c[0] < c[1]
			}
		}
		return false
	})
}

func scopeOf(inv *Inventory) Scope {
	var s Scope
	provs := map[Provider]bool{}
	regions := map[string]bool{}
	accts := map[accountKey]bool{}
	for _, a := range inv.Accounts {
		provs[a.Provider] = true
		accts[accountKey{a.Provider, a.ID}] = true
		for _, r := range a.Regions {
			regions[r] = true
		}
	}
	for i := range inv.Functions {
		fn := &inv.Functions[i]
		provs[fn.Provider] = true
		accts[accountKey{fn.Provider, fn.Account}] = true
		if fn.Region != "" {
			regions[fn.Region] = true
		}
	}
	for _, p := range allProviders {
		if provs[p] {
			s.Providers = append(s.Providers, p)
		}
	}
	for r := range regions {
		s.Regions = append(s.Regions, r)
	}
	sort.Strings(s.Regions)
	s.Accounts = len(accts)
	s.Functions = len(inv.Functions)
	if s.Providers == nil {
		s.Providers = []Provider{}
	}
	if s.Regions == nil {
		s.Regions = []string{}
	}
	return s
}

// Summarize recomputes r.Summary from r.Findings and r.Gaps; call it after
// changing findings (for example after applying suppressions).
func (r *Report) Summarize() {
	s := Summary{
		Total:      len(r.Findings),
		BySeverity: map[Severity]int{},
		ByCategory: map[Category]int{},
		ByStatus:   map[Status]int{},
		ByProvider: map[Provider]int{},
		Gaps:       len(r.Gaps),
	}
	for _, sev := range allSeverities {
		s.BySeverity[sev] = 0
	}
	for _, c := range allCategories {
		s.ByCategory[c] = 0
	}
	for _, st := range allStatuses {
		s.ByStatus[st] = 0
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		s.ByStatus[f.Status]++
		if f.Status != StatusFail {
			continue
		}
		s.Open++
		s.BySeverity[f.Severity]++
		s.ByCategory[f.Category]++
		s.ByProvider[f.Provider]++
	}
	r.Summary = s
}
