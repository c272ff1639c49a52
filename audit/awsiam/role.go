package awsiam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// Grant is one statement of one policy that allows (or denies) something, with
// where it came from so a finding can quote it.
type Grant struct {
	// Policy is the policy name; PolicyID its ARN (empty for inline policies).
	Policy   string
	PolicyID string
	Kind     audit.PolicyKind
	// Statement is the parsed statement; Statement.Raw is its JSON.
	Statement *policy.Statement
	// Resources are the resources the grant reaches after intersecting with the
	// permissions boundary; "*" means every resource.
	Resources []string
	// NotResources are the statement's NotResource patterns, if it used them.
	NotResources []string
	// Conditions are the statement's conditions plus those of the boundary
	// statement that let it through.
	Conditions []policy.Condition
	Source     audit.Source

	fragment string // the statement's compact JSON, rendered once per document
}

// Conditional reports whether the grant only applies under conditions.
func (g *Grant) Conditional() bool { return len(g.Conditions) > 0 }

// AllResources reports whether the grant reaches every resource ("*", or a
// NotResource exclusion).
func (g *Grant) AllResources() bool {
	if len(g.NotResources) > 0 {
		return true
	}
	for _, r := range g.Resources {
		if r == "*" {
			return true
		}
	}
	return false
}

// Path names the statement inside its policy: Statement[Sid=X] or Statement[2].
func (g *Grant) Path() string {
	if g.Statement.Sid != "" {
		return fmt.Sprintf("Statement[Sid=%s]", g.Statement.Sid)
	}
	return fmt.Sprintf("Statement[%d]", g.Statement.Index)
}

// Name names the policy and statement for a finding's detail, e.g.
// `AdministratorAccess Statement[0]`.
func (g *Grant) Name() string { return g.Policy + " " + g.Path() }

// maxFragment bounds the statement JSON quoted as evidence.
const maxFragment = 1000

// Evidence quotes the grant: the policy it came from, the statement's path and
// the statement's JSON (compacted, at most 1000 bytes).
func (g *Grant) Evidence() audit.Evidence {
	src := g.Source
	if src.Ref == "" {
		src.Ref = g.PolicyID
	}
	frag := g.fragment
	if frag == "" {
		frag = fragment(g.Statement)
	}
	path := g.Path()
	if g.Policy != "" {
		path = g.Policy + "." + path
	}
	return audit.Evidence{Source: src, Path: path, Fragment: frag}
}

// fragment renders a statement as compact JSON of at most maxFragment bytes.
func fragment(st *policy.Statement) string {
	var buf bytes.Buffer
	frag := string(st.Raw)
	if json.Compact(&buf, st.Raw) == nil {
		frag = buf.String()
	}
	if len(frag) > maxFragment {
		frag = frag[:maxFragment] + "..."
	}
	return frag
}

// ConditionText renders the grant's conditions for a finding's detail, e.g.
// `StringEquals aws:RequestedRegion=[eu-west-1]`.
func (g *Grant) ConditionText() string {
	parts := make([]string, 0, len(g.Conditions))
	for _, c := range g.Conditions {
		parts = append(parts, fmt.Sprintf("%s %s=[%s]", c.Operator, c.Key, strings.Join(c.Values, ",")))
	}
	return strings.Join(parts, "; ")
}

// stmt is a parsed statement with its expanded action set.
type stmt struct {
	grant Grant
	// actions are the catalog actions the statement covers (NotAction already
	// complemented).
	actions *catalog.AWSSet
	// serviceWide lists the Action patterns that cover a whole service or every
	// service ("*", "s3:*"), or "NotAction" for a NotAction statement.
	serviceWide []string
}

// matches reports whether the statement covers an action, using the catalog
// set for known actions and pattern matching for actions the catalog lacks.
func (s *stmt) matches(action string, id int, known bool) bool {
	if known {
		return s.actions.HasID(id)
	}
	return s.grant.Statement.MatchesAction(action)
}

// Role is an execution role's effective permissions.
type Role struct {
	ID      string
	Name    string
	Account string

	allows   []*stmt
	denies   []*stmt
	boundary []*stmt // the boundary's Allow statements
	// HasBoundary is true when the role has a permissions boundary.
	HasBoundary bool
	// Problems lists documents that could not be judged (missing or malformed),
	// one message each; a verdict drawn without them may be incomplete.
	Problems []string
}

// knownManaged holds the documents of AWS managed policies that an inventory
// may list without their document, where the verdict needs them. Only
// AdministratorAccess is needed for the admin verdict.
var knownManaged = map[string]string{
	"arn:aws:iam::aws:policy/AdministratorAccess": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
}

// Analyze computes the effective permissions of an AWS role. It never fails:
// a policy that cannot be parsed is skipped and named in Role.Problems.
func Analyze(id *audit.Identity) *Role {
	r := &Role{ID: id.ID, Name: id.Name, Account: id.Account}
	for i := range id.Policies {
		p := &id.Policies[i]
		if p.Kind == audit.PolicyBoundary {
			r.addBoundary(p)
			continue
		}
		r.addPolicy(p, false)
	}
	if id.Boundary != nil {
		r.addBoundary(id.Boundary)
	}
	return r
}

func (r *Role) addBoundary(p *audit.Policy) {
	r.HasBoundary = true
	r.addPolicy(p, true)
}

func (r *Role) addPolicy(p *audit.Policy, boundary bool) {
	doc := p.Document
	if len(bytes.TrimSpace(doc)) == 0 {
		if known, ok := knownManaged[p.ID]; ok {
			doc = json.RawMessage(known)
		} else {
			r.Problems = append(r.Problems, fmt.Sprintf("policy %s has no document", policyLabel(p)))
			return
		}
	}
	pd := parseCached(doc)
	if pd.err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("policy %s: %v", policyLabel(p), pd.err))
		return
	}
	for i := range pd.doc.Statements {
		st := &pd.doc.Statements[i]
		s := &stmt{grant: Grant{
			Policy: p.Name, PolicyID: p.ID, Kind: p.Kind, Statement: st,
			Resources: st.Resource, NotResources: st.NotResource,
			Conditions: st.Conditions, Source: p.Source, fragment: pd.stmts[i].fragment,
		}, actions: pd.stmts[i].actions, serviceWide: pd.stmts[i].serviceWide}
		if st.Resource == nil && st.NotResource == nil {
			s.grant.Resources = star
		}
		switch {
		case st.Effect == policy.EffectDeny:
			r.denies = append(r.denies, s)
		case boundary:
			r.boundary = append(r.boundary, s)
		default:
			r.allows = append(r.allows, s)
		}
	}
}

var star = []string{"*"}

// parsedDoc is a policy document parsed and expanded once. Roles share
// documents (AWS managed policies, team policies, the same inline policy
// stamped on every function's role), so parsing is cached by content.
type parsedDoc struct {
	raw   []byte
	doc   *policy.Document
	stmts []parsedStmt
	err   error
}

type parsedStmt struct {
	actions     *catalog.AWSSet
	serviceWide []string
	fragment    string
}

// maxDocCache bounds the document cache; past it documents are parsed each
// time (correct, only slower).
const maxDocCache = 16384

var (
	docCache     sync.Map // uint64 hash -> []*parsedDoc
	docCacheLen  atomic.Int64
	docCacheSeed = maphash.MakeSeed()
)

func parseCached(raw []byte) *parsedDoc {
	h := maphash.Bytes(docCacheSeed, raw)
	if v, ok := docCache.Load(h); ok {
		for _, pd := range v.([]*parsedDoc) {
			if bytes.Equal(pd.raw, raw) {
				return pd
			}
		}
	}
	pd := &parsedDoc{raw: append([]byte(nil), raw...)}
	pd.doc, pd.err = policy.Parse(raw)
	if pd.err == nil {
		pd.stmts = make([]parsedStmt, len(pd.doc.Statements))
		for i := range pd.doc.Statements {
			pd.stmts[i].actions, pd.stmts[i].serviceWide = expand(&pd.doc.Statements[i])
			pd.stmts[i].fragment = fragment(&pd.doc.Statements[i])
		}
	}
	if docCacheLen.Load() < maxDocCache {
		docCacheLen.Add(1)
		v, _ := docCache.LoadOrStore(h, []*parsedDoc{})
		// A colliding hash keeps a short list; replacing it races harmlessly
		// (a lost entry is parsed again next time).
		docCache.Store(h, append(append([]*parsedDoc(nil), v.([]*parsedDoc)...), pd))
	}
	return pd
}

func policyLabel(p *audit.Policy) string {
	if p.ID != "" {
		return p.ID
	}
	return p.Name
}

// expand returns the catalog actions a statement covers and its service-wide
// patterns.
func expand(st *policy.Statement) (*catalog.AWSSet, []string) {
	if st.NotAction != nil {
		excluded := catalog.NewAWSSet()
		for _, p := range st.NotAction {
			excluded.UnionInPlace(catalog.ExpandAWSSet(p))
		}
		return excluded.Complement(), []string{"NotAction"}
	}
	if len(st.Action) == 1 {
		set := catalog.ExpandAWSSet(st.Action[0])
		return set, serviceWide(st.Action)
	}
	set := catalog.NewAWSSet()
	for _, p := range st.Action {
		set.UnionInPlace(catalog.ExpandAWSSet(p))
	}
	return set, serviceWide(st.Action)
}

func serviceWide(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		if p == "*" || strings.HasSuffix(p, ":*") {
			out = append(out, p)
		}
	}
	return out
}

// Access is what the role may do with one action.
type Access struct {
	Action string
	// Grants are the Allow statements that grant the action, after the boundary
	// and unconditional Denies; empty when the action is not allowed.
	Grants []Grant
	// ConditionalDenies are Deny statements covering the action whose
	// condition the audit cannot evaluate.
	ConditionalDenies []Grant
}

// Allowed reports whether some grant allows the action.
func (a Access) Allowed() bool { return len(a.Grants) > 0 }

// Unconditional reports whether some grant allows the action without conditions.
func (a Access) Unconditional() bool {
	for i := range a.Grants {
		if !a.Grants[i].Conditional() {
			return true
		}
	}
	return false
}

// Allowed returns the grants through which the role may perform action
// ("service:Action", case-insensitive).
func (r *Role) Allowed(action string) Access {
	id, known := catalog.AWSActionID(action)
	if c, ok := catalog.AWSCanonical(action); ok {
		action = c
	}
	return r.allowed(action, id, known)
}

func (r *Role) allowed(action string, id int, known bool) Access {
	acc := Access{Action: action}
	denies := r.unconditionalDenies(action, id, known)
	for _, a := range r.allows {
		if denies.everywhere {
			break
		}
		if !a.matches(action, id, known) {
			continue
		}
		g := a.grant
		if r.HasBoundary {
			var ok bool
			if g, ok = r.throughBoundary(g, action, id, known); !ok {
				continue
			}
		}
		if denies.remove(&g) {
			continue
		}
		if !reachable(&g, id, known) {
			continue // e.g. iam:PassRole listed in a statement about S3 buckets
		}
		acc.Grants = append(acc.Grants, g)
	}
	for _, d := range r.denies {
		if d.grant.Conditional() && d.matches(action, id, known) {
			acc.ConditionalDenies = append(acc.ConditionalDenies, d.grant)
		}
	}
	return acc
}

// resourceServices caches catalog.AWSResourceServices by action id.
var resourceServices sync.Map // int -> []string

// reachable reports whether a grant's resources can name a resource of the
// action: a statement that lists iam:PassRole next to S3 actions on a bucket
// ARN grants no PassRole at all. Grants on "*", resources that are not ARNs,
// actions the catalog does not know and actions with no resource types are
// given the benefit of the doubt.
func reachable(g *Grant, id int, known bool) bool {
	if !known || g.AllResources() || len(g.Resources) == 0 {
		return true
	}
	v, ok := resourceServices.Load(id)
	if !ok {
		svcs, _ := catalog.AWSResourceServices(catalog.AWSActionName(id))
		v, _ = resourceServices.LoadOrStore(id, svcs)
	}
	svcs := v.([]string)
	if len(svcs) == 0 {
		return true
	}
	for _, r := range g.Resources {
		parts := strings.SplitN(r, ":", 4)
		if len(parts) < 3 || parts[0] != "arn" {
			return true
		}
		for _, svc := range svcs {
			if svc == "*" || policy.MatchPattern(parts[2], svc) {
				return true
			}
		}
	}
	return false
}

// throughBoundary intersects a grant with the boundary statements that allow
// the same action; ok is false when the boundary allows the action nowhere.
func (r *Role) throughBoundary(g Grant, action string, id int, known bool) (Grant, bool) {
	var res []string
	var conds []policy.Condition
	found := false
	for _, b := range r.boundary {
		if !b.matches(action, id, known) {
			continue
		}
		inter := intersect(g.Resources, g.NotResources, b.grant.Resources, b.grant.NotResources)
		if len(inter) == 0 {
			continue
		}
		if !found || (!b.grant.Conditional() && len(conds) > 0) {
			conds = b.grant.Conditions
		}
		found = true
		res = appendUnique(res, inter...)
	}
	if !found {
		return g, false
	}
	out := g
	out.Resources = res
	if !(len(res) == 1 && res[0] == "*") {
		// Narrowed by the boundary to named resources: the grant's NotResource
		// exclusions no longer describe it.
		out.NotResources = nil
	}
	if len(conds) > 0 {
		out.Conditions = append(append([]policy.Condition(nil), g.Conditions...), conds...)
	}
	return out, true
}

// intersect returns the resource patterns reachable through both a grant and a
// boundary statement. "*" (or a NotResource statement, treated as "*") yields
// the other side; otherwise a pattern survives when the other side's pattern
// covers it.
func intersect(a, aNot, b, bNot []string) []string {
	aAll := len(aNot) > 0 || contains(a, "*")
	bAll := len(bNot) > 0 || contains(b, "*")
	switch {
	case aAll && bAll:
		return []string{"*"}
	case aAll:
		return b
	case bAll:
		return a
	}
	var out []string
	for _, x := range a {
		for _, y := range b {
			if policy.MatchPatternCase(y, x) {
				out = appendUnique(out, x)
			} else if policy.MatchPatternCase(x, y) {
				out = appendUnique(out, y)
			}
		}
	}
	return out
}

// denySet holds the unconditional Denies of one action, found once per
// action rather than for every grant, and indexed so that a role of many
// statements is judged in about linear time.
type denySet struct {
	// everywhere: a Deny on every resource removes every grant.
	everywhere bool
	// literal maps each resource ARN named without wildcards to the Denies
	// (of only such ARNs) that list it.
	literal map[string][]*stmt
	// patterns are the other Denies (wildcards, NotResource).
	patterns []*stmt
}

func (r *Role) unconditionalDenies(action string, id int, known bool) denySet {
	var ds denySet
	for _, d := range r.denies {
		if d.grant.Conditional() || !d.matches(action, id, known) {
			continue
		}
		res, not := d.grant.Resources, d.grant.NotResources
		switch {
		case len(not) == 0 && contains(res, "*"):
			ds.everywhere = true
		case len(not) == 0 && len(res) > 0 && !anyWildcard(res):
			if ds.literal == nil {
				ds.literal = map[string][]*stmt{}
			}
			for _, x := range res {
				if l := ds.literal[x]; len(l) == 0 || l[len(l)-1] != d {
					ds.literal[x] = append(l, d)
				}
			}
		default:
			ds.patterns = append(ds.patterns, d)
		}
	}
	return ds
}

// remove reports whether one of the Denies covers every resource the grant
// reaches. A Deny of literal ARNs covers a grant only when the grant names
// exactly those ARNs (a literal pattern matches only itself), so only the
// Denies listing the grant's first resource are candidates.
func (ds *denySet) remove(g *Grant) bool {
	if ds.everywhere {
		return true
	}
	if len(g.Resources) > 0 && len(g.NotResources) == 0 {
		for _, d := range ds.literal[g.Resources[0]] {
			if coversResources(d.grant.Resources, d.grant.NotResources, g.Resources, g.NotResources) {
				return true
			}
		}
	}
	for _, d := range ds.patterns {
		if coversResources(d.grant.Resources, d.grant.NotResources, g.Resources, g.NotResources) {
			return true
		}
	}
	return false
}

func anyWildcard(list []string) bool {
	for _, x := range list {
		if strings.ContainsAny(x, "*?") {
			return true
		}
	}
	return false
}

// coversResources reports whether a Deny's resources cover every resource of a
// grant.
func coversResources(deny, denyNot, res, resNot []string) bool {
	if len(denyNot) > 0 {
		// Deny on everything except some resources: it covers the grant only if
		// no grant resource can fall into an exclusion.
		for _, r := range res {
			if r == "*" || len(resNot) > 0 {
				return false
			}
			for _, x := range denyNot {
				if policy.MatchPatternCase(x, r) || policy.MatchPatternCase(r, x) {
					return false
				}
			}
		}
		return len(res) > 0
	}
	if contains(deny, "*") {
		return true
	}
	if len(resNot) > 0 {
		return false
	}
	for _, r := range res {
		covered := false
		for _, d := range deny {
			if policy.MatchPatternCase(d, r) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	return len(res) > 0
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func appendUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		if !contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// allowedSet returns the catalog actions the role may perform on every
// resource ("*"), counting only grants that pass filter, after the boundary
// and unconditional Denies on every resource.
func (r *Role) allowedSet(unconditionalOnly bool) *catalog.AWSSet {
	set := catalog.NewAWSSet()
	for _, a := range r.allows {
		if !a.grant.AllResources() || (unconditionalOnly && a.grant.Conditional()) {
			continue
		}
		set.UnionInPlace(a.actions)
	}
	if r.HasBoundary {
		b := catalog.NewAWSSet()
		for _, s := range r.boundary {
			if !s.grant.AllResources() || (unconditionalOnly && s.grant.Conditional()) {
				continue
			}
			b.UnionInPlace(s.actions)
		}
		set = set.Intersect(b)
	}
	for _, d := range r.denies {
		if d.grant.Conditional() || !contains(d.grant.Resources, "*") {
			continue
		}
		set = set.Minus(d.actions)
	}
	return set
}
