package control

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/awsiam"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// Control is one principal that can control one function, with the powers
// that reach it.
type Control struct {
	Principal audit.ControlPrincipal
	Powers    []audit.ControlPower
}

// Kinds returns the control kinds of the powers, in power order.
func (c *Control) Kinds() []audit.ControlKind {
	out := make([]audit.ControlKind, 0, len(c.Powers))
	for _, p := range c.Powers {
		out = append(out, p.Kind)
	}
	return out
}

// RunsAsIdentity reports whether some power lets the principal run code as
// the function's identity.
func (c *Control) RunsAsIdentity() bool {
	for _, p := range c.Powers {
		if p.Kind.RunsAsIdentity() {
			return true
		}
	}
	return false
}

// Analysis is the control verdict over one inventory: build it once with
// New, then ask per function. It is safe for concurrent use.
type Analysis struct {
	inv      *audit.Inventory
	accounts map[string]*accountIndex // AWS account id -> index
	stored   []audit.Controller       // controllers a collector judged

	mu    sync.Mutex
	trust map[string]*trustVerdict // role ARN -> verdict
	// idControls caches identityControls per role ARN.
	idControls map[string][]Control
	holds      map[holdsKey]bool
	functions  sync.Map                         // function id -> []Control
	roles      map[*audit.Identity]*awsiam.Role // identity -> effective permissions
}

// accountIndex finds, per action, the principals whose statements can
// reach a resource, through the account's distinct resource patterns.
type accountIndex struct {
	*account
	// exact maps a pattern without wildcards to its (action, evaluator) pairs.
	exact map[string][]hit
	// wild lists the patterns with wildcards, each with its pairs.
	wild []wildPattern
	// anywhere lists the pairs of NotResource statements (they may reach
	// anything the exclusions miss).
	anywhere []hit
	// byPrincipal maps "kind id" to the principal's evaluator.
	byPrincipal map[string]int
}

type hit struct{ action, eval int }

type wildPattern struct {
	pattern string
	hits    []hit
}

// New analyzes the inventory's AWS authorization details and collects its
// stored controllers. It never fails: what cannot be judged is named by
// Problems.
func New(inv *audit.Inventory) *Analysis {
	a := &Analysis{inv: inv, accounts: map[string]*accountIndex{}, stored: inv.Controllers,
		trust: map[string]*trustVerdict{}, roles: map[*audit.Identity]*awsiam.Role{}, idControls: map[string][]Control{}, holds: map[holdsKey]bool{}}
	for i := range inv.Accounts {
		acct := &inv.Accounts[i]
		if acct.Provider != audit.AWS || acct.AWS == nil {
			continue
		}
		a.accounts[acct.ID] = indexAccount(newAccount(acct.ID, acct.AWS))
	}
	return a
}

func indexAccount(acct *account) *accountIndex {
	ix := &accountIndex{account: acct, exact: map[string][]hit{}, byPrincipal: map[string]int{}}
	wild := map[string]int{}
	for ei, e := range acct.evals {
		ix.byPrincipal[string(e.principal.Kind)+" "+e.principal.ID] = ei
		for ai := 0; ai <= actPassRole; ai++ {
			for _, s := range e.acts[ai].allows {
				h := hit{ai, ei}
				if s.st.NotResource != nil {
					ix.anywhere = appendHit(ix.anywhere, h)
					continue
				}
				for _, r := range s.st.Resource {
					if !strings.ContainsAny(r, "*?") {
						ix.exact[r] = appendHit(ix.exact[r], h)
						continue
					}
					wi, ok := wild[r]
					if !ok {
						wi = len(ix.wild)
						wild[r] = wi
						ix.wild = append(ix.wild, wildPattern{pattern: r})
					}
					ix.wild[wi].hits = appendHit(ix.wild[wi].hits, h)
				}
			}
		}
	}
	return ix
}

func appendHit(list []hit, h hit) []hit {
	if n := len(list); n > 0 && list[n-1] == h {
		return list
	}
	return append(list, h)
}

// Problems lists what the analysis could not judge (documents missing or
// malformed), one line each, sorted.
func (a *Analysis) Problems() []string {
	var out []string
	for _, ix := range a.accounts {
		out = append(out, ix.problems...)
		for _, e := range ix.evals {
			for _, p := range e.problems {
				out = append(out, e.principal.ID+": "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Covered reports whether the inventory holds authorization details for
// the function's account (or stored controllers for its provider), so that
// an empty answer from Function means "nobody else" rather than "not read".
func (a *Analysis) Covered(fn *audit.Function) bool {
	if fn.Provider == audit.AWS {
		return a.accounts[fn.Account] != nil
	}
	for i := range a.stored {
		if a.stored[i].Provider == fn.Provider {
			return true
		}
	}
	return false
}

// Function returns the principals that can control the function, widest
// kind first, then by id. The answer is computed once per function id and
// shared: callers must not modify it.
func (a *Analysis) Function(fn *audit.Function) []Control {
	if v, ok := a.functions.Load(fn.ID); ok {
		return v.([]Control)
	}
	out := a.function(fn)
	v, _ := a.functions.LoadOrStore(fn.ID, out)
	return v.([]Control)
}

func (a *Analysis) function(fn *audit.Function) []Control {
	var out []Control
	if fn.Provider == audit.AWS {
		out = a.awsFunction(fn)
	}
	out = append(out, a.storedFor(fn)...)
	out = mergeControls(out)
	return out
}

// resources returns the ARNs the function's management actions name:
// unqualified, and with $LATEST and each alias for the qualified actions.
func resources(fn *audit.Function) (plain, qualified []string) {
	plain = []string{fn.ID}
	qualified = []string{fn.ID, fn.ID + ":$LATEST"}
	if fn.AWS != nil {
		for _, al := range fn.AWS.Aliases {
			qualified = append(qualified, fn.ID+":"+al)
		}
	}
	return plain, qualified
}

func (a *Analysis) awsFunction(fn *audit.Function) []Control {
	ix := a.accounts[fn.Account]
	role := ""
	if fn.AWS != nil {
		role = fn.AWS.Role
	}
	var out []Control
	if ix != nil {
		out = ix.functionControls(fn)
		if role != "" {
			out = append(out, a.identityControls(ix, role)...)
		}
	}
	rg, _ := resourceGrantees(fn)
	for _, g := range rg {
		out = append(out, granteeControl(g, fn.ID))
	}
	return out
}

// candidates returns the evaluators, in order, with actions in [lo, hi)
// whose allow statements name a pattern that matches one of the resources
// (the only pairs worth evaluating precisely), and per evaluator the
// bitmask of those actions.
func (ix *accountIndex) candidates(res []string, lo, hi int) (evals []int, masks []uint16) {
	masks = make([]uint16, len(ix.evals))
	add := func(hs []hit) {
		for _, h := range hs {
			if h.action < lo || h.action >= hi {
				continue
			}
			if masks[h.eval] == 0 {
				evals = append(evals, h.eval)
			}
			masks[h.eval] |= 1 << h.action
		}
	}
	add(ix.anywhere)
	for _, r := range res {
		add(ix.exact[r])
	}
	for i := range ix.wild {
		w := &ix.wild[i]
		for _, r := range res {
			if policy.MatchPatternCase(w.pattern, r) {
				add(w.hits)
				break
			}
		}
	}
	sort.Ints(evals)
	return evals, masks
}

// functionControls evaluates the candidates the index finds for the
// function's ARNs. A principal's answer depends only on which of its
// statements cover the function (and how their decidable conditions come
// out), so answers are shared between functions with the same signature.
func (ix *accountIndex) functionControls(fn *audit.Function) []Control {
	plain, qualified := resources(fn)
	evals, masks := ix.candidates(qualified, 0, nFunctionActs)
	var out []Control
	f := facts{functionARN: fn.ID}
	for _, ei := range evals {
		e := ix.evals[ei]
		sig, ok := e.signature(plain, qualified, f)
		if ok {
			if c, hit := e.cache.Load(sig); hit {
				if c := c.(*Control); c != nil {
					out = append(out, *c)
				}
				continue
			}
		}
		c := e.functionControl(masks[ei], plain, qualified, f)
		if ok {
			e.cache.Store(sig, c)
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

// functionControl evaluates one principal's candidate actions on a function.
func (e *evaluator) functionControl(mask uint16, plain, qualified []string, f facts) *Control {
	var powers []audit.ControlPower
	for ai := 0; ai < nFunctionActs; ai++ {
		if mask&(1<<ai) == 0 {
			continue
		}
		res := plain
		if actions[ai].qualified {
			res = qualified
		}
		refs, targets, conds := e.allowedOn(ai, res, f)
		if len(refs) == 0 {
			continue
		}
		powers = addPower(powers, actions[ai].kind, []string{actions[ai].name}, targets, conds, evidence(refs, actions[ai].name))
	}
	if len(powers) == 0 {
		return nil
	}
	return &Control{Principal: e.principal, Powers: powers}
}

// maxSignature is the number of statements a signature can describe (four
// bits each in a uint64); a principal with more is evaluated every time.
const maxSignature = 16

// signature describes how the principal's statements about the function's
// actions apply to one function: per statement, whether it covers the
// unqualified ARN, whether it covers a qualified one, and how its decidable
// conditions come out.
func (e *evaluator) signature(plain, qualified []string, f facts) (uint64, bool) {
	if len(e.fnStmts) > maxSignature {
		return 0, false
	}
	var sig uint64
	for i, s := range e.fnStmts {
		var bits uint64
		if s.st.MatchesResource(plain[0]) {
			bits |= 1
		}
		for _, r := range qualified[1:] {
			if s.st.MatchesResource(r) {
				bits |= 2
				break
			}
		}
		if len(s.st.Conditions) > 0 {
			bits |= uint64(judge(s.st, f)) << 2
		}
		sig |= bits << (4 * i)
	}
	return sig, true
}

// identityControls returns who can obtain the execution role without
// touching the function: through its trust policy (and, when it trusts its
// own account, the identity policies that allow sts:AssumeRole on it), or by
// passing it to a new function they create and run. It is computed once per
// role; callers must not modify the result.
func (a *Analysis) identityControls(ix *accountIndex, role string) []Control {
	a.mu.Lock()
	cs, ok := a.idControls[role]
	a.mu.Unlock()
	if ok {
		return cs
	}
	cs = a.computeIdentityControls(ix, role)
	a.mu.Lock()
	a.idControls[role] = cs
	a.mu.Unlock()
	return cs
}

func (a *Analysis) computeIdentityControls(ix *accountIndex, role string) []Control {
	var out []Control
	tv := a.trustOf(ix, role)
	if tv != nil {
		for _, g := range tv.grantees {
			out = append(out, granteeControl(g, role))
		}
	}
	roleRes := []string{role}
	evals, masks := ix.candidates(roleRes, actAssumeRole, actPassRole+1)
	for _, ei := range evals {
		e := ix.evals[ei]
		var powers []audit.ControlPower
		if tv != nil && tv.delegated && e.principal.ID != role && masks[ei]&(1<<actAssumeRole) != 0 {
			if refs, targets, conds := e.allowedOn(actAssumeRole, roleRes, facts{}); len(refs) > 0 {
				ev := append(evidence(refs, "sts:AssumeRole"), tv.delegation)
				powers = addPower(powers, audit.ControlAssumeIdentity, []string{"sts:AssumeRole"}, targets, conds, ev)
			}
		}
		if masks[ei]&(1<<actPassRole) != 0 {
			if p, ok := e.passPower(role); ok {
				powers = append(powers, p)
			}
		}
		if len(powers) > 0 {
			out = append(out, Control{Principal: e.principal, Powers: powers})
		}
	}
	return out
}

// passPower decides pass-identity: iam:PassRole on the role to Lambda,
// lambda:CreateFunction, and a way to run the new function
// (lambda:InvokeFunction or lambda:CreateEventSourceMapping).
func (e *evaluator) passPower(role string) (audit.ControlPower, bool) {
	if e.principal.ID == role {
		return audit.ControlPower{}, false
	}
	passRefs, targets, conds := e.allowedOn(actPassRole, []string{role}, facts{passedTo: lambdaService})
	if len(passRefs) == 0 {
		return audit.ControlPower{}, false
	}
	createRefs, c2 := e.allowedAnywhere(actCreate, facts{})
	if len(createRefs) == 0 {
		return audit.ControlPower{}, false
	}
	runName := "lambda:InvokeFunction"
	runRefs, c3 := e.allowedAnywhere(actInvoke, facts{})
	if len(runRefs) == 0 {
		runName = "lambda:CreateEventSourceMapping"
		runRefs, c3 = e.allowedAnywhere(actESM, facts{})
	}
	if len(runRefs) == 0 {
		return audit.ControlPower{}, false
	}
	ev := evidence(passRefs, "iam:PassRole")
	ev = append(ev, evidence(createRefs, "lambda:CreateFunction")...)
	ev = append(ev, evidence(runRefs, runName)...)
	return audit.ControlPower{Kind: audit.ControlPassIdentity,
		Actions:    []string{"iam:PassRole", "lambda:CreateFunction", runName},
		Targets:    targets,
		Conditions: appendUnique(appendUnique(conds, c2...), c3...),
		Evidence:   mergeEvidence(nil, ev)}, true
}

// trustOf returns the verdict on a role's trust policy, judged once; nil
// when the account's details lack the role.
func (a *Analysis) trustOf(ix *accountIndex, role string) *trustVerdict {
	a.mu.Lock()
	defer a.mu.Unlock()
	if v, ok := a.trust[role]; ok {
		return v
	}
	r := ix.roles[role]
	var v *trustVerdict
	if r != nil {
		v = judgeTrust(r, ix.id)
	}
	a.trust[role] = v
	return v
}

// TrustProblem returns why the role's trust policy could not be judged, or "".
func (a *Analysis) TrustProblem(fn *audit.Function) string {
	ix := a.accounts[fn.Account]
	if ix == nil || fn.AWS == nil || fn.AWS.Role == "" {
		return ""
	}
	v := a.trustOf(ix, fn.AWS.Role)
	if v == nil {
		return fmt.Sprintf("the authorization details of account %s do not list role %s", fn.Account, fn.AWS.Role)
	}
	return v.problem
}

func granteeControl(g grantee, target string) Control {
	kind := audit.ControlAssumeIdentity
	if g.ev.Via == "function policy" {
		kind = ""
	}
	var powers []audit.ControlPower
	if kind != "" {
		powers = addPower(nil, kind, g.actions, []string{target}, g.conds, []audit.ControlEvidence{g.ev})
	} else {
		for _, name := range g.actions {
			powers = addPower(powers, actionKind(name), []string{name}, []string{target}, g.conds, []audit.ControlEvidence{g.ev})
		}
	}
	return Control{Principal: g.principal, Powers: powers}
}

func actionKind(name string) audit.ControlKind {
	for _, a := range actions {
		if a.name == name {
			return a.kind
		}
	}
	return audit.ControlChangeConfig
}

// evidence renders statements as evidence for one action.
func evidence(refs []*stmtRef, action string) []audit.ControlEvidence {
	out := make([]audit.ControlEvidence, 0, len(refs))
	for _, r := range refs {
		ev := r.ev
		ev.Actions = []string{action}
		out = append(out, ev)
	}
	return out
}

// addPower adds actions to the power of the kind, or a new power.
func addPower(powers []audit.ControlPower, kind audit.ControlKind, acts, targets, conds []string, ev []audit.ControlEvidence) []audit.ControlPower {
	for i := range powers {
		if powers[i].Kind == kind {
			p := &powers[i]
			p.Actions = appendUnique(p.Actions, acts...)
			p.Targets = appendUnique(p.Targets, targets...)
			p.Conditions = appendUnique(p.Conditions, conds...)
			p.Evidence = mergeEvidence(p.Evidence, ev)
			return powers
		}
	}
	return append(powers, audit.ControlPower{Kind: kind, Actions: clone(acts),
		Targets: clone(targets), Conditions: clone(conds), Evidence: mergeEvidence(nil, ev)})
}

// clone copies a list; empty stays nil.
func clone(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return append([]string(nil), list...)
}

// mergeEvidence adds evidence, folding the actions of one statement together.
func mergeEvidence(list, add []audit.ControlEvidence) []audit.ControlEvidence {
	for _, e := range add {
		found := false
		for i := range list {
			x := &list[i]
			if x.PolicyID == e.PolicyID && x.Policy == e.Policy && x.Via == e.Via && x.Statement == e.Statement {
				x.Actions = appendUnique(x.Actions, e.Actions...)
				found = true
				break
			}
		}
		if !found {
			e.Actions = append([]string(nil), e.Actions...)
			list = append(list, e)
		}
	}
	return list
}

// controllerOrder ranks principal kinds for output: widest (any-principal) first.
var controllerOrder = func() map[audit.ControllerKind]int {
	m := map[audit.ControllerKind]int{}
	ks := audit.ControllerKinds()
	for i, k := range ks {
		m[k] = len(ks) - i
	}
	return m
}()

// powerOrder ranks control kinds in their declared order.
var powerOrder = func() map[audit.ControlKind]int {
	m := map[audit.ControlKind]int{}
	for i, k := range audit.ControlKinds() {
		m[k] = i
	}
	return m
}()

func comparePrincipals(a, b audit.ControlPrincipal) int {
	if a.Kind != b.Kind {
		return controllerOrder[a.Kind] - controllerOrder[b.Kind]
	}
	return strings.Compare(a.ID, b.ID)
}

// mergeControls sorts controls and folds the entries of one principal
// together. Entries may be shared with a cache, so a merge builds new
// power lists and never writes into the old ones.
func mergeControls(cs []Control) []Control {
	if len(cs) == 0 {
		return nil
	}
	slices.SortStableFunc(cs, func(a, b Control) int { return comparePrincipals(a.Principal, b.Principal) })
	out := cs[:1]
	for _, c := range cs[1:] {
		last := &out[len(out)-1]
		if last.Principal.Kind != c.Principal.Kind || last.Principal.ID != c.Principal.ID {
			out = append(out, c)
			continue
		}
		last.Powers = mergePowers(last.Powers, c.Powers)
	}
	return out
}

// mergePowers returns a new list with the powers of both, sorted by kind.
func mergePowers(a, b []audit.ControlPower) []audit.ControlPower {
	disjoint := true
	for _, p := range b {
		for _, q := range a {
			if p.Kind == q.Kind {
				disjoint = false
			}
		}
	}
	var out []audit.ControlPower
	if disjoint {
		out = make([]audit.ControlPower, 0, len(a)+len(b))
		out = append(append(out, a...), b...)
	} else {
		for _, p := range append(append([]audit.ControlPower(nil), a...), b...) {
			out = addPower(out, p.Kind, p.Actions, p.Targets, p.Conditions, p.Evidence)
		}
	}
	slices.SortStableFunc(out, func(x, y audit.ControlPower) int { return powerOrder[x.Kind] - powerOrder[y.Kind] })
	return out
}

// storedFor matches the stored controllers against the function: a target
// covers it when it equals the function's id, an identity of the function,
// or is a scope above it ("projects/p" covers "projects/p/locations/...").
func (a *Analysis) storedFor(fn *audit.Function) []Control {
	var out []Control
	for i := range a.stored {
		c := &a.stored[i]
		if c.Provider != fn.Provider {
			continue
		}
		var powers []audit.ControlPower
		for _, p := range c.Powers {
			if coversFunction(p, fn) {
				powers = append(powers, p)
			}
		}
		if len(powers) > 0 {
			out = append(out, Control{Principal: c.Principal, Powers: powers})
		}
	}
	return out
}

func coversFunction(p audit.ControlPower, fn *audit.Function) bool {
	ids := append([]string{fn.ID}, fn.Identities...)
	for _, ex := range p.Except {
		for _, id := range ids {
			if under(ex, id) {
				return false
			}
		}
	}
	for _, t := range p.Targets {
		for _, id := range ids {
			if under(t, id) {
				return true
			}
		}
	}
	return false
}

// under reports whether the target names the resource or a scope above it,
// or (AWS) is an ARN pattern matching it.
func under(target, id string) bool {
	if target == id || strings.HasPrefix(id, strings.TrimSuffix(target, "/")+"/") {
		return true
	}
	return strings.HasPrefix(target, "arn:") && policy.MatchPatternCase(target, id)
}

// Role returns the effective permissions of an identity, computed once per
// identity value (a role the inventory lists as an execution identity and
// the same role as a controller are judged from their own documents).
func (a *Analysis) Role(id *audit.Identity) *awsiam.Role {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := a.roles[id]; ok {
		return r
	}
	r := awsiam.Analyze(id)
	a.roles[id] = r
	return r
}

// Holds reports whether the principal can already do everything the
// execution role can (so controlling the function gains it nothing). Only
// principals of the inventory's AWS accounts are judged; any other answers
// false.
// The answer is computed once per principal and role.
func (a *Analysis) Holds(p audit.ControlPrincipal, role *audit.Identity) bool {
	if p.ID == role.ID {
		return true
	}
	ix := a.accounts[p.Account]
	if ix == nil {
		return false
	}
	key := holdsKey{string(p.Kind), p.ID, role.ID}
	a.mu.Lock()
	v, ok := a.holds[key]
	a.mu.Unlock()
	if ok {
		return v
	}
	if ei, ok := ix.byPrincipal[string(p.Kind)+" "+p.ID]; ok {
		v = a.Role(ix.evals[ei].ident).Covers(a.Role(role))
	}
	a.mu.Lock()
	a.holds[key] = v
	a.mu.Unlock()
	return v
}

type holdsKey struct{ kind, principal, role string }
