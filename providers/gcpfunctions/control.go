package gcpfunctions

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"

	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
	"google.golang.org/genproto/googleapis/type/expr"

	"github.com/fnaudit/fnaudit/audit"
)

// Who can control a function (issue 15): every member of an IAM binding that
// covers the function, its Cloud Run service or its runtime service account and
// whose role carries a control permission. The bindings come from the policies
// the collector reads anyway (the function's or its service's own policy, the
// project's, its folders' and its organization's, the service accounts'), plus
// the 2nd-gen function's own Cloud Functions policy and, for a runtime account
// of a project outside the audit, that project's policy and ancestors.

// The control permissions and what each lets a member do.
const (
	controlUpdate = "update"  // change the code or configuration: run as its identity
	controlSetIAM = "set-iam" // change who may invoke it
	controlActAs  = "act-as"  // obtain its identity without touching it
)

// controlPermissions maps each control permission to what it allows and the
// resource kinds whose policies can grant it ("function", "service",
// "service-account"; project, folder and organization policies grant all of
// them to everything below).
var controlPermissions = map[string]struct{ what, on string }{
	"cloudfunctions.functions.update":        {controlUpdate, "function"},
	"cloudfunctions.functions.setIamPolicy":  {controlSetIAM, "function"},
	"run.services.update":                    {controlUpdate, "service"},
	"run.services.setIamPolicy":              {controlSetIAM, "service"},
	"iam.serviceAccounts.actAs":              {controlActAs, "service-account"},
	"iam.serviceAccounts.getAccessToken":     {controlActAs, "service-account"},
	"iam.serviceAccounts.signBlob":           {controlActAs, "service-account"},
	"iam.serviceAccounts.signJwt":            {controlActAs, "service-account"},
	"iam.serviceAccounts.implicitDelegation": {controlActAs, "service-account"},
	"iam.serviceAccountKeys.create":          {controlActAs, "service-account"},
}

// gcpControl is one binding that lets a member control a function: the member,
// the role and where it is bound, and the control permissions the role carries
// that apply to the function.
type gcpControl struct {
	Member      string
	Role        string
	Scope       string // the resource the binding is on
	Target      string // what it controls: "function", "service" or "service-account"
	Condition   string
	Permissions []string // sorted
	Source      audit.Source
}

// controlStash keeps what the access and service-account reads saw, for the
// control pass after them.
type controlStash struct {
	mu sync.Mutex
	// fnPolicies are the function's (1st gen) or service's (2nd gen)
	// policies read by readAccess, by function id.
	fnPolicies map[string]scopePolicy
	// saPolicies are the service-account policies read, by email.
	saPolicies map[string]scopePolicy
	// projects caches the policies of runtime accounts' projects outside
	// the audit.
	projects map[string]*outsideProject
}

type outsideProject struct {
	once     sync.Once
	policies []scopePolicy
	gaps     []audit.Gap // account left empty
}

func (s *controlStash) init() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fnPolicies == nil {
		s.fnPolicies = map[string]scopePolicy{}
		s.saPolicies = map[string]scopePolicy{}
		s.projects = map[string]*outsideProject{}
	}
}

// keepFunctionPolicy records the function's (or its service's) policy.
func (col *Collector) keepFunctionPolicy(fnID string, pol *iampb.Policy, src audit.Source) {
	col.ctl.init()
	col.ctl.mu.Lock()
	col.ctl.fnPolicies[fnID] = scopePolicy{pol, src}
	col.ctl.mu.Unlock()
}

// keepServiceAccountPolicy records a service account's policy.
func (col *Collector) keepServiceAccountPolicy(email string, pol *iampb.Policy, src audit.Source) {
	col.ctl.init()
	col.ctl.mu.Lock()
	col.ctl.saPolicies[email] = scopePolicy{pol, src}
	col.ctl.mu.Unlock()
}

// controlData is the data kind of the gaps the control reads leave.
const controlData = audit.DataControl

// controlResult is what the control pass found. Bindings above a function
// are shared by every function they cover, so they are kept once: per
// project and generation for those on the function, per runtime account for
// those on its identity.
type controlResult struct {
	own     map[string][]gcpControl // by function id: its own and its service's policies
	project map[string][]gcpControl // by projectKey: project, folder and organization policies
	account map[string][]gcpControl // by service account: its policy and its project's and ancestors'
	fns     map[string]fnControlRef // by function id
}

// fnControlRef says which shared lists apply to a function.
type fnControlRef struct {
	project, account string
}

// projectKey keys the project-level list of a project's functions of one
// generation (2nd gen adds the Cloud Run permissions).
func projectKey(project, generation string) string { return project + "|" + generation }

// forFunction returns every binding that lets a member control the
// function, sorted.
func (cr *controlResult) forFunction(id string) []gcpControl {
	ref := cr.fns[id]
	var out []gcpControl
	out = append(out, cr.own[id]...)
	out = append(out, cr.project[ref.project]...)
	if ref.account != "" {
		out = append(out, cr.account[ref.account]...)
	}
	return sortControls(out)
}

// controls computes, for every function, the bindings that let a member
// control it, and the gaps that leave some of them unseen.
func (col *Collector) controls(ctx context.Context, results []*projectResult, idGaps []audit.Gap) (*controlResult, []audit.Gap) {
	col.ctl.init()
	cr := &controlResult{own: map[string][]gcpControl{}, project: map[string][]gcpControl{},
		account: map[string][]gcpControl{}, fns: map[string]fnControlRef{}}
	var gaps []audit.Gap
	byProject := map[string]*projectResult{}
	for _, r := range results {
		if r != nil {
			byProject[r.project] = r
		}
	}
	type v2read struct {
		fn  *audit.Function
		pol *iampb.Policy
		err error
	}
	var v2 []*v2read
	for _, r := range results {
		if r == nil || len(r.functions) == 0 {
			continue
		}
		// Reads of the project's and its ancestors' policies that failed
		// hide grants on every function of the project.
		gaps = append(gaps, scopeGaps(r.project, r.gaps, "")...)
		projectPolicies := scopePoliciesOf(r)
		for i := range r.functions {
			fn := &r.functions[i]
			ref := fnControlRef{project: projectKey(r.project, fn.GCP.Generation), account: fn.GCP.ServiceAccount}
			cr.fns[fn.ID] = ref
			if _, done := cr.project[ref.project]; !done {
				kinds := map[string]bool{"function": true}
				if fn.GCP.Generation == "2" {
					kinds["service"] = true
				}
				list := []gcpControl{}
				for _, sp := range projectPolicies {
					c, g := col.controlBindings(ctx, r.project, "", "", sp, sp.src.Ref, "function", kinds)
					list = append(list, c...)
					gaps = append(gaps, g...)
				}
				cr.project[ref.project] = list
			}
			// The function's (1st gen) or service's (2nd gen) own policy.
			col.ctl.mu.Lock()
			own, ok := col.ctl.fnPolicies[fn.ID]
			col.ctl.mu.Unlock()
			if ok {
				target := "function"
				if fn.GCP.Generation == "2" {
					target = "service"
				}
				c, g := col.controlBindings(ctx, fn.Account, fn.Region, fn.ID, own, own.src.Ref, target, map[string]bool{target: true})
				cr.own[fn.ID] = append(cr.own[fn.ID], c...)
				gaps = append(gaps, g...)
			} else {
				gaps = append(gaps, readGaps(r.gaps, fn.ID, fn.Account, "who can change the function there is unknown",
					apiFunctionIAM, apiRunServiceIAM, apiRunGetService)...)
			}
			// A 2nd-gen function also has a Cloud Functions policy of its
			// own, read below in parallel.
			if fn.GCP.Generation == "2" {
				v2 = append(v2, &v2read{fn: fn})
			}
			if sa := fn.GCP.ServiceAccount; sa != "" {
				if _, done := cr.account[sa]; !done {
					list, g := col.accountControls(ctx, sa, fn.Account, byProject, idGaps)
					cr.account[sa] = list
					gaps = append(gaps, g...)
				} else {
					gaps = append(gaps, col.accountGaps(sa, fn.Account, byProject, idGaps)...)
				}
			}
		}
	}
	sem := make(chan struct{}, col.opts.CallConcurrency)
	var wg sync.WaitGroup
	for _, rd := range v2 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rd.pol, rd.err = col.c.fnV2.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: rd.fn.ID, Options: policyOptions}, col.call...)
		}()
	}
	wg.Wait()
	for _, rd := range v2 {
		fn := rd.fn
		if rd.err != nil {
			gaps = append(gaps, gap(fn.Account, fn.Region, fn.ID, apiFunctionIAM, controlData, rd.err,
				"Cloud Functions IAM policy of the 2nd-gen function; who can update it there is unknown"))
			continue
		}
		c, g := col.controlBindings(ctx, fn.Account, fn.Region, fn.ID, scopePolicy{rd.pol, audit.Source{API: apiFunctionIAM, Ref: fn.ID}},
			fn.ID, "function", map[string]bool{"function": true})
		cr.own[fn.ID] = append(cr.own[fn.ID], c...)
		gaps = append(gaps, g...)
	}
	return cr, dedupeGaps(gaps)
}

// accountControls returns the bindings that let a member act as the runtime
// account sa of a function of project fnProject: those in its own policy and
// in the policies of its project and that project's ancestors; with the gaps
// for fnProject.
func (col *Collector) accountControls(ctx context.Context, sa, fnProject string, byProject map[string]*projectResult, idGaps []audit.Gap) ([]gcpControl, []audit.Gap) {
	kinds := map[string]bool{"service-account": true}
	list := []gcpControl{}
	var gaps []audit.Gap
	add := func(sp scopePolicy) {
		c, g := col.controlBindings(ctx, fnProject, "", sa, sp, sp.src.Ref, "service-account", kinds)
		list = append(list, c...)
		gaps = append(gaps, g...)
	}
	col.ctl.mu.Lock()
	sp, ok := col.ctl.saPolicies[sa]
	col.ctl.mu.Unlock()
	if ok {
		add(sp)
	}
	home := saProject(sa, fnProject)
	if hr, ok := byProject[home]; ok {
		for _, sp := range scopePoliciesOf(hr) {
			add(sp)
		}
	} else if home != "" {
		pols, _ := col.outsideProjectPolicies(ctx, home)
		for _, sp := range pols {
			add(sp)
		}
	}
	return list, append(gaps, col.accountGaps(sa, fnProject, byProject, idGaps)...)
}

// accountGaps returns the control gaps, for a function of fnProject, of the
// reads about its runtime account sa that failed.
func (col *Collector) accountGaps(sa, fnProject string, byProject map[string]*projectResult, idGaps []audit.Gap) []audit.Gap {
	var gaps []audit.Gap
	col.ctl.mu.Lock()
	_, ok := col.ctl.saPolicies[sa]
	col.ctl.mu.Unlock()
	if !ok {
		gaps = append(gaps, readGaps(idGaps, sa, fnProject, "who can act as it there is unknown", apiServiceAccountIAM)...)
	}
	home := saProject(sa, fnProject)
	switch hr, audited := byProject[home]; {
	case home == "":
		gaps = append(gaps, audit.Gap{Provider: audit.GCP, Account: fnProject, Resource: sa, API: apiProjectIAM,
			Data: controlData, Reason: audit.GapInvalidData,
			Message: "the runtime service account's project cannot be told from its e-mail; grants on it in that project are unknown"})
	case audited:
		if home != fnProject {
			for _, g := range scopeGaps(home, hr.gaps, sa) {
				g.Account = fnProject
				gaps = append(gaps, g)
			}
		}
	default:
		col.ctl.mu.Lock()
		e := col.ctl.projects[home]
		col.ctl.mu.Unlock()
		if e != nil {
			for _, g := range e.gaps {
				g.Account = fnProject
				if g.API == apiProjectIAM || g.API == apiGetProject {
					g.Resource = sa // ancestors' gaps keep naming the ancestor
				}
				gaps = append(gaps, g)
			}
		}
	}
	return gaps
}

// readGaps copies, as control gaps of account, the gaps of the given calls
// about resource: the failed reads that left a policy unread. When none is
// found the policy was not read for a reason recorded elsewhere, and one gap
// says so.
func readGaps(gs []audit.Gap, resource, account, what string, apis ...string) []audit.Gap {
	var out []audit.Gap
	for _, g := range gs {
		if g.Resource != resource || !slices.Contains(apis, g.API) {
			continue
		}
		if g.API == apiServiceAccountIAM && !strings.Contains(g.Message, "service account "+resource+" ") {
			continue // another account's policy, recorded on this identity
		}
		c := g
		c.Account, c.Data = account, controlData
		c.Message = g.Message + "; " + what
		out = append(out, c)
	}
	if len(out) == 0 {
		out = append(out, audit.Gap{Provider: audit.GCP, Account: account, Resource: resource, API: apis[0],
			Data: controlData, Reason: audit.GapError, Message: "IAM policy not read; " + what})
	}
	return out
}

// scopePoliciesOf rebuilds a project's and its ancestors' policies, by scope,
// from the member index the project read kept.
func scopePoliciesOf(r *projectResult) []scopePolicy {
	type key struct{ scope, role, cond string }
	byScope := map[string]*iampb.Policy{}
	srcs := map[string]audit.Source{}
	var order []string
	idx := map[key]*iampb.Binding{}
	for _, m := range r.bindings {
		for _, member := range sortedKeys(m) {
			for _, b := range m[member] {
				pol, ok := byScope[b.Scope]
				if !ok {
					pol = &iampb.Policy{}
					byScope[b.Scope] = pol
					srcs[b.Scope] = b.Source
					order = append(order, b.Scope)
				}
				k := key{b.Scope, b.Role, b.Condition}
				bd, ok := idx[k]
				if !ok {
					bd = &iampb.Binding{Role: b.Role}
					if b.Condition != "" {
						bd.Condition = &expr.Expr{Expression: b.Condition}
					}
					idx[k] = bd
					pol.Bindings = append(pol.Bindings, bd)
				}
				bd.Members = append(bd.Members, member)
			}
		}
	}
	out := make([]scopePolicy, 0, len(order))
	for _, s := range order {
		out = append(out, scopePolicy{byScope[s], srcs[s]})
	}
	return out
}

// scopeGaps turns the failed reads of a project's and its ancestors' policies
// into control gaps of that project, about resource (empty: every function).
func scopeGaps(project string, gs []audit.Gap, resource string) []audit.Gap {
	var out []audit.Gap
	for _, g := range gs {
		switch g.API {
		case apiProjectIAM, apiFolderIAM, apiOrganizationIAM, apiGetFolder:
		default:
			continue
		}
		what := "grants there on the project's functions are unknown"
		if resource != "" {
			what = "grants there on the runtime service account " + resource + " are unknown"
		}
		c := g
		c.Account, c.Data = project, controlData
		c.Message = policyName(g) + " not read (" + g.Message + "); " + what
		if g.API == apiProjectIAM {
			c.Resource = resource
		} else {
			// A folder or organization policy most auditors cannot read:
			// the gap names the ancestor, so it is reported without making
			// every function's control verdict unknown (docs/gcp.md).
			c.Message += "; controllers granted there are not reported"
		}
		out = append(out, c)
	}
	return out
}

func policyName(g audit.Gap) string {
	switch {
	case g.Resource != "":
		return "IAM policy of " + g.Resource
	case g.API == apiProjectIAM && g.Account != "":
		return "IAM policy of projects/" + g.Account
	}
	return "IAM policy (" + g.API + ")"
}

// outsideProjectPolicies reads the IAM policy of a runtime account's project
// that is not audited, with its ancestors', once per run.
func (col *Collector) outsideProjectPolicies(ctx context.Context, project string) ([]scopePolicy, []audit.Gap) {
	col.ctl.mu.Lock()
	e, ok := col.ctl.projects[project]
	if !ok {
		e = &outsideProject{}
		col.ctl.projects[project] = e
	}
	col.ctl.mu.Unlock()
	e.once.Do(func() {
		name := "projects/" + project
		note := "the runtime service account's project " + project + " (not audited)"
		pol, err := col.c.proj.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: name, Options: policyOptions}, col.call...)
		if err != nil {
			e.gaps = append(e.gaps, gap("", "", "", apiProjectIAM, controlData, err, "IAM policy of "+note))
		} else {
			e.policies = append(e.policies, scopePolicy{pol, audit.Source{API: apiProjectIAM, Ref: name}})
		}
		if col.opts.SkipAncestors {
			return
		}
		p, err := col.c.proj.GetProject(ctx, &resourcemanagerpb.GetProjectRequest{Name: name}, col.call...)
		if err != nil {
			e.gaps = append(e.gaps, gap("", "", "", apiGetProject, controlData, err, "parent of "+note))
			return
		}
		anc, _, _, ag := col.ancestors(ctx, project, p.GetParent())
		for _, a := range anc {
			e.policies = append(e.policies, scopePolicy{a.policy, a.src})
		}
		for _, g := range ag {
			g.Data = controlData
			e.gaps = append(e.gaps, g)
		}
	})
	return e.policies, e.gaps
}

// controlBindings returns the bindings of one policy that let a member control
// a function through a target of the given kinds, each role expanded once per
// run. A role whose definition cannot be read is a gap (on project, region and
// resource): its members may control the function.
func (col *Collector) controlBindings(ctx context.Context, project, region, resource string, sp scopePolicy, scope, target string, kinds map[string]bool) ([]gcpControl, []audit.Gap) {
	var out []gcpControl
	var gaps []audit.Gap
	for _, b := range sp.policy.GetBindings() {
		if len(b.GetMembers()) == 0 {
			continue
		}
		perms, err := col.rolePermissions(ctx, b.GetRole())
		if err != nil {
			gaps = append(gaps, gap(project, region, resource, apiGetRole, controlData, err,
				"role "+b.GetRole()+" bound on "+scope+"; whether its members can change the function is unknown"))
			continue
		}
		var ctlPerms []string
		for _, p := range perms {
			if cp, ok := controlPermissions[p]; ok && kinds[cp.on] {
				ctlPerms = append(ctlPerms, p)
			}
		}
		if len(ctlPerms) == 0 {
			continue
		}
		sort.Strings(ctlPerms)
		for _, m := range b.GetMembers() {
			out = append(out, gcpControl{Member: m, Role: b.GetRole(), Scope: scope, Target: target,
				Condition: b.GetCondition().GetExpression(), Permissions: ctlPerms, Source: sp.src})
		}
	}
	return out, gaps
}

// saProject names the project a runtime service account belongs to: the one
// in a user-managed account's e-mail, the App Engine default account's
// project, or the function's own project for the default compute account
// (PROJECT_NUMBER-compute@...), which Google creates in the function's project.
// "" when it cannot be told (a Google-managed agent of another project).
func saProject(email, fnProject string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	local, domain := email[:at], email[at+1:]
	switch {
	case domain == "developer.gserviceaccount.com" && strings.HasSuffix(local, "-compute"):
		return fnProject
	case domain == "appspot.gserviceaccount.com":
		return local
	}
	if p, ok := strings.CutSuffix(domain, ".iam.gserviceaccount.com"); ok && !strings.HasPrefix(p, "gcp-sa-") {
		return p
	}
	return ""
}

func sortControls(cs []gcpControl) []gcpControl {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Member != b.Member {
			return a.Member < b.Member
		}
		if a.Scope != b.Scope {
			return a.Scope < b.Scope
		}
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		return a.Condition < b.Condition
	})
	// The same binding seen twice (a policy read through two paths) once.
	uniq := cs[:0]
	for i, c := range cs {
		if i > 0 {
			p := cs[i-1]
			if p.Member == c.Member && p.Scope == c.Scope && p.Role == c.Role && p.Condition == c.Condition && p.Target == c.Target {
				continue
			}
		}
		uniq = append(uniq, c)
	}
	return uniq
}

// dedupeGaps drops repeated gaps (one failed read reported for several
// functions of a project with an empty resource).
func dedupeGaps(gs []audit.Gap) []audit.Gap {
	seen := map[audit.Gap]bool{}
	out := gs[:0]
	for _, g := range gs {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}
