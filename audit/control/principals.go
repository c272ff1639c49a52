package control

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// action is one AWS action that makes up a control power.
type action struct {
	name string
	kind audit.ControlKind // empty for the helper actions of pass-identity
	// onRole: the action's resource is the execution role, not the function.
	onRole bool
	// qualified: the action also takes a qualified ARN (an alias, $LATEST).
	qualified bool
}

// The actions indexed per principal. The first ones act on the function;
// sts:AssumeRole and iam:PassRole on its role; the last three are the create
// and run actions that pass-identity needs on any resource.
var actions = []action{
	{name: "lambda:UpdateFunctionCode", kind: audit.ControlChangeCode},
	{name: "lambda:UpdateFunctionConfiguration", kind: audit.ControlChangeConfig},
	{name: "lambda:AddPermission", kind: audit.ControlChangeInvokePolicy, qualified: true},
	{name: "lambda:PutResourcePolicy", kind: audit.ControlChangeInvokePolicy, qualified: true},
	{name: "lambda:CreateFunctionUrlConfig", kind: audit.ControlChangeInvokePolicy, qualified: true},
	{name: "lambda:UpdateFunctionUrlConfig", kind: audit.ControlChangeInvokePolicy, qualified: true},
	{name: "lambda:CreateAlias", kind: audit.ControlChangeInvokePolicy, qualified: true},
	{name: "lambda:UpdateAlias", kind: audit.ControlChangeInvokePolicy, qualified: true},
	{name: "sts:AssumeRole", kind: audit.ControlAssumeIdentity, onRole: true},
	{name: "iam:PassRole", kind: audit.ControlPassIdentity, onRole: true},
	{name: "lambda:CreateFunction"},
	{name: "lambda:InvokeFunction"},
	{name: "lambda:CreateEventSourceMapping"},
}

// Indexes into actions.
const (
	actAssumeRole = 8
	actPassRole   = 9
	actCreate     = 10
	actInvoke     = 11
	actESM        = 12
	nActions      = 13
	nFunctionActs = 8 // actions[:nFunctionActs] act on the function
)

// stmtRef is one statement with where it came from.
type stmtRef struct {
	st *policy.Statement
	ev audit.ControlEvidence
}

// grants are the statements of one principal that cover one action.
type grants struct {
	allows, denies, bounds []*stmtRef
}

// evaluator is one principal's effective control permissions.
type evaluator struct {
	principal audit.ControlPrincipal
	// fnStmts are the statements (allow, deny, boundary) about the
	// function's actions, for signatures; cache maps a signature to the
	// principal's *Control for functions with it (nil: no control).
	fnStmts []*stmtRef
	cache   sync.Map
	// ident is the principal's policies as an identity, for comparing its
	// power with an execution role's (audit/awsiam).
	ident       *audit.Identity
	hasBoundary bool
	acts        [nActions]grants
	problems    []string
}

// account is one AWS account's authorization details, parsed once.
type account struct {
	id       string
	data     *audit.AWSAccount
	managed  map[string]*audit.Policy // managed policy ARN -> policy
	parsed   map[string]*policy.Document
	groups   map[string]*audit.AWSPrincipal // group name -> group
	roles    map[string]*audit.AWSPrincipal // role ARN -> role
	evals    []*evaluator
	problems []string
}

// docSource is one policy document a principal holds.
type docSource struct {
	p   *audit.Policy
	via string
}

func newAccount(id string, data *audit.AWSAccount) *account {
	a := &account{id: id, data: data, managed: map[string]*audit.Policy{}, parsed: map[string]*policy.Document{},
		groups: map[string]*audit.AWSPrincipal{}, roles: map[string]*audit.AWSPrincipal{}}
	for i := range data.Policies {
		a.managed[data.Policies[i].ID] = &data.Policies[i]
	}
	for i := range data.Groups {
		a.groups[data.Groups[i].Name] = &data.Groups[i]
	}
	for i := range data.Roles {
		a.roles[data.Roles[i].ARN] = &data.Roles[i]
	}
	a.build()
	return a
}

// docsOf returns a principal's own policies (inline, then attached).
func (a *account) docsOf(p *audit.AWSPrincipal, via string) []docSource {
	var out []docSource
	for i := range p.Inline {
		out = append(out, docSource{&p.Inline[i], via})
	}
	for _, arn := range p.Attached {
		out = append(out, docSource{a.managedPolicy(arn), via})
	}
	return out
}

// managedPolicy returns the managed policy with the ARN; one the details
// lack is returned without a document (a problem when parsed).
func (a *account) managedPolicy(arn string) *audit.Policy {
	if p := a.managed[arn]; p != nil {
		return p
	}
	kind := audit.PolicyManaged
	if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
		kind = audit.PolicyAWSManaged
	}
	p := &audit.Policy{Kind: kind, Name: arn[strings.LastIndex(arn, "/")+1:], ID: arn}
	a.managed[arn] = p
	return p
}

// parse returns a policy's parsed document, once per managed policy.
func (a *account) parse(p *audit.Policy) (*policy.Document, error) {
	key := p.ID
	if key != "" {
		if d, ok := a.parsed[key]; ok {
			if d == nil {
				return nil, fmt.Errorf("policy %s is not readable", key)
			}
			return d, nil
		}
	}
	if len(bytes.TrimSpace(p.Document)) == 0 {
		if key != "" {
			a.parsed[key] = nil
		}
		return nil, fmt.Errorf("policy %s has no document", label(p))
	}
	d, err := policy.Parse(p.Document)
	if err != nil {
		if key != "" {
			a.parsed[key] = nil
		}
		return nil, fmt.Errorf("policy %s: %v", label(p), err)
	}
	if key != "" && p.Kind != audit.PolicyInline {
		a.parsed[key] = d
	}
	return d, nil
}

func label(p *audit.Policy) string {
	if p.ID != "" {
		return p.ID
	}
	return p.Name
}

// controls reports whether any statement of the documents covers a control action.
func (a *account) controls(docs []docSource) bool {
	for _, ds := range docs {
		d, err := a.parse(ds.p)
		if err != nil {
			continue
		}
		for i := range d.Statements {
			for _, act := range actions[:actPassRole+1] {
				if d.Statements[i].MatchesAction(act.name) {
					return true
				}
			}
		}
	}
	return false
}

// build creates the evaluators: roles, users, and groups for the users who
// hold control only through one group.
func (a *account) build() {
	type fold struct {
		group   *audit.AWSPrincipal
		members []string
	}
	folds := map[string]*fold{}
	var foldOrder []string
	for i := range a.data.Users {
		u := &a.data.Users[i]
		own := a.docsOf(u, "")
		var withControl []*audit.AWSPrincipal
		var all []docSource
		all = append(all, own...)
		for _, g := range u.Groups {
			grp := a.groups[g]
			if grp == nil {
				a.problems = append(a.problems, fmt.Sprintf("user %s is in group %s, which the details lack", u.ARN, g))
				continue
			}
			gd := a.docsOf(grp, "group "+grp.Name)
			if a.controls(gd) {
				withControl = append(withControl, grp)
			}
			all = append(all, gd...)
		}
		ownControl := a.controls(own)
		if !ownControl && len(withControl) == 0 {
			continue
		}
		if !ownControl && len(withControl) == 1 && u.Boundary == "" {
			g := withControl[0]
			f := folds[g.ARN]
			if f == nil {
				f = &fold{group: g}
				folds[g.ARN] = f
				foldOrder = append(foldOrder, g.ARN)
			}
			f.members = append(f.members, u.ARN)
			continue
		}
		p := audit.ControlPrincipal{Kind: audit.ControllerUser, ID: u.ARN, Name: u.Name, Account: a.id}
		a.evals = append(a.evals, a.evaluator(p, all, u.Boundary, u.Source))
	}
	for _, arn := range foldOrder {
		f := folds[arn]
		p := audit.ControlPrincipal{Kind: audit.ControllerGroupMember, ID: f.group.ARN, Name: f.group.Name,
			Account: a.id, Members: f.members, MemberCount: len(f.members)}
		a.evals = append(a.evals, a.evaluator(p, a.docsOf(f.group, "group "+f.group.Name), "", f.group.Source))
	}
	for i := range a.data.Roles {
		r := &a.data.Roles[i]
		if r.ServiceLinked {
			continue // only its service can assume it
		}
		docs := a.docsOf(r, "")
		if !a.controls(docs) {
			continue
		}
		p := audit.ControlPrincipal{Kind: audit.ControllerRole, ID: r.ARN, Name: r.Name, Account: a.id}
		a.evals = append(a.evals, a.evaluator(p, docs, r.Boundary, r.Source))
	}
}

// evaluator indexes a principal's statements by control action.
func (a *account) evaluator(p audit.ControlPrincipal, docs []docSource, boundary string, src audit.Source) *evaluator {
	e := &evaluator{principal: p, ident: &audit.Identity{Provider: audit.AWS, Account: a.id, ID: p.ID, Name: p.Name, Source: src}}
	add := func(ds docSource, asBoundary bool) {
		d, err := a.parse(ds.p)
		if err != nil {
			e.problems = append(e.problems, err.Error())
			return
		}
		for i := range d.Statements {
			st := &d.Statements[i]
			var ref *stmtRef
			for ai, act := range actions {
				if !st.MatchesAction(act.name) {
					continue
				}
				if ref == nil {
					ref = &stmtRef{st: st, ev: audit.ControlEvidence{Policy: ds.p.Name, PolicyID: ds.p.ID,
						Kind: ds.p.Kind, Via: ds.via, Statement: statementName(st), Source: ds.p.Source}}
					if ref.ev.Source.Ref == "" {
						ref.ev.Source.Ref = ds.p.ID
					}
				}
				if ai < nFunctionActs {
					e.fnStmts = appendRef(e.fnStmts, ref)
				}
				g := &e.acts[ai]
				switch {
				case st.Effect == policy.EffectDeny:
					g.denies = append(g.denies, ref)
				case asBoundary:
					g.bounds = append(g.bounds, ref)
				default:
					g.allows = append(g.allows, ref)
				}
			}
		}
	}
	for _, ds := range docs {
		add(ds, false)
		e.ident.Policies = append(e.ident.Policies, *ds.p)
	}
	if boundary != "" {
		e.hasBoundary = true
		bp := a.managedPolicy(boundary)
		add(docSource{bp, "permissions boundary"}, true)
		b := *bp
		b.Kind = audit.PolicyBoundary
		e.ident.Boundary = &b
	}
	return e
}

// statementName names a statement: "Sid=X" or its index.
func statementName(st *policy.Statement) string {
	if st.Sid != "" {
		return "Sid=" + st.Sid
	}
	return strconv.Itoa(st.Index)
}

// allowedOn returns the allow statements through which the principal may
// perform action ai on one of the resources, and the conditions taken as
// satisfiable; nil when it may not. Boundaries intersect, unconditional
// Denies (and Denies whose decidable conditions hold) subtract.
func (e *evaluator) allowedOn(ai int, resources []string, f facts) (refs []*stmtRef, targets, conds []string) {
	g := &e.acts[ai]
	if len(g.allows) == 0 || (e.hasBoundary && len(g.bounds) == 0) {
		return nil, nil, nil
	}
	for _, r := range resources {
		if denied(g.denies, r, f) {
			continue
		}
		var bconds []string
		if e.hasBoundary {
			ok := false
			for _, b := range g.bounds {
				if b.st.MatchesResource(r) && judge(b.st, f) != fails {
					ok = true
					bconds = append(bconds, conditionTexts(b.st, f)...)
					break
				}
			}
			if !ok {
				continue
			}
		}
		found := false
		for _, s := range g.allows {
			if !s.st.MatchesResource(r) || judge(s.st, f) == fails {
				continue
			}
			found = true
			refs = appendRef(refs, s)
			targets = appendUnique(targets, resourceText(s.st)...)
			conds = appendUnique(conds, conditionTexts(s.st, f)...)
		}
		if found {
			conds = appendUnique(conds, bconds...)
		}
	}
	return refs, targets, conds
}

// allowedAnywhere reports whether the principal may perform action ai on
// some resource of its choosing (a function it creates): some allow statement
// survives the boundary and no unconditional Deny covers every resource.
func (e *evaluator) allowedAnywhere(ai int, f facts) (refs []*stmtRef, conds []string) {
	g := &e.acts[ai]
	if len(g.allows) == 0 || (e.hasBoundary && len(g.bounds) == 0) {
		return nil, nil
	}
	for _, d := range g.denies {
		if d.st.NotResource == nil && contains(d.st.Resource, "*") && judge(d.st, f) == holds {
			return nil, nil
		}
	}
	for _, s := range g.allows {
		if judge(s.st, f) == fails {
			continue
		}
		refs = appendRef(refs, s)
		conds = appendUnique(conds, conditionTexts(s.st, f)...)
	}
	return refs, conds
}

func denied(denies []*stmtRef, r string, f facts) bool {
	for _, d := range denies {
		if d.st.MatchesResource(r) && judge(d.st, f) == holds {
			return true
		}
	}
	return false
}

// resourceText renders a statement's resource element for a power's targets.
func resourceText(st *policy.Statement) []string {
	if st.NotResource != nil {
		out := make([]string, 0, len(st.NotResource))
		for _, r := range st.NotResource {
			out = append(out, "NotResource "+r)
		}
		return out
	}
	return st.Resource
}

func appendRef(list []*stmtRef, r *stmtRef) []*stmtRef {
	for _, x := range list {
		if x == r {
			return list
		}
	}
	return append(list, r)
}

func appendUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		if !contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
