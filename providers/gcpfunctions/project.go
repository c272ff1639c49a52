package gcpfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	functionsv1pb "cloud.google.com/go/functions/apiv1/functionspb"
	"cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
	"cloud.google.com/go/run/apiv2/runpb"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/fnaudit/fnaudit/audit"
)

// projectResult is what one project yielded.
type projectResult struct {
	project   string
	account   audit.Account
	functions []audit.Function
	gaps      []audit.Gap
	// bindings are the project's and its ancestors' IAM bindings by member.
	bindings []map[string][]memberBinding
}

// policyOptions requests IAM policy version 3, so conditional bindings come back
// with their conditions.
var policyOptions = &iampb.GetPolicyOptions{RequestedPolicyVersion: 3}

func (col *Collector) searchProjects(ctx context.Context) ([]string, error) {
	it := col.c.proj.SearchProjects(ctx, &resourcemanagerpb.SearchProjectsRequest{Query: "state:ACTIVE"}, col.call...)
	var out []string
	for {
		p, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("gcp: search projects: %w", err)
		}
		// The state:ACTIVE query is the server's to apply; a project being
		// deleted that comes back anyway is not audited.
		if st := p.GetState(); st != resourcemanagerpb.Project_ACTIVE && st != resourcemanagerpb.Project_STATE_UNSPECIFIED {
			continue
		}
		if p.GetProjectId() == "" {
			continue
		}
		out = append(out, p.GetProjectId())
	}
	if len(out) == 0 {
		return nil, errors.New("gcp: no projects given and the project search found none; pass --projects")
	}
	return out, nil
}

func (col *Collector) collectProject(ctx context.Context, project string) *projectResult {
	r := &projectResult{project: project, account: audit.Account{Provider: audit.GCP, ID: project}}
	projectName := "projects/" + project
	var number, parent string
	p, projErr := col.c.proj.GetProject(ctx, &resourcemanagerpb.GetProjectRequest{Name: projectName}, col.call...)
	if projErr == nil && !strings.HasPrefix(p.GetName(), "projects/") {
		// The name (projects/NUMBER) is what the metadata is read for.
		projErr = &missingError{call: apiGetProject, field: "project name (projects/NUMBER)"}
	}
	if err := projErr; err != nil {
		// Without the project's metadata the audit continues: the number only
		// sharpens default-account detection and the parent leads to ancestors.
		r.gaps = append(r.gaps, gap(project, "", projectName, apiGetProject, audit.DataConfig, err, "project metadata"))
	} else {
		number = strings.TrimPrefix(p.GetName(), "projects/")
		parent = p.GetParent()
		r.account.Name = p.GetDisplayName()
	}

	fns, fnGaps := col.listFunctions(ctx, project, number)
	r.gaps = append(r.gaps, fnGaps...)
	for _, l := range fns {
		if projErr != nil && l.fn.GCP.Generation == "2" && l.fn.GCP.ServiceAccount == "" {
			// No serviceAccountEmail means the default compute account, whose
			// address needs the project number the metadata read would give.
			r.gaps = append(r.gaps, gap(project, l.fn.Region, l.fn.ID, apiGetProject, audit.DataIdentity, projErr,
				"runtime service account unknown (none named and no project number)"))
		}
	}

	// The project's IAM policy and its ancestors': their bindings are what
	// service accounts may do, and their invoker grants reach every function of
	// the project.
	var inherited []scopePolicy
	pol, err := col.c.proj.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: projectName, Options: policyOptions}, col.call...)
	if err != nil {
		r.gaps = append(r.gaps, gap(project, "", "", apiProjectIAM, audit.DataIdentity, err,
			"project IAM policy (service-account grants and project-wide invokers)"))
	} else {
		src := audit.Source{API: apiProjectIAM, Ref: projectName}
		r.bindings = append(r.bindings, bindingsByMember(pol, projectName, src))
		inherited = append(inherited, scopePolicy{pol, src})
	}
	domain := ""
	if !col.opts.SkipAncestors && parent != "" {
		anc, org, dom, gaps := col.ancestors(ctx, project, parent)
		for _, a := range anc {
			r.bindings = append(r.bindings, a.bindings)
			inherited = append(inherited, scopePolicy{a.policy, a.src})
		}
		r.gaps = append(r.gaps, gaps...)
		r.account.OrgID, domain = org, dom
	}

	// Per-function reads run in parallel within the project.
	perFn := make([][]audit.Gap, len(fns))
	sem := make(chan struct{}, col.opts.CallConcurrency)
	var wg sync.WaitGroup
	for i := range fns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			perFn[i] = col.readAccess(ctx, &fns[i].fn, fns[i].viaV2, inherited)
		}()
	}
	wg.Wait()
	for _, g := range perFn {
		r.gaps = append(r.gaps, g...)
	}

	regions := map[string]bool{}
	for _, f := range fns {
		r.functions = append(r.functions, f.fn)
		regions[f.fn.Region] = true
	}
	r.gaps = append(r.gaps, col.attachRuntimes(ctx, project, r.functions)...)
	for loc := range regions {
		r.account.Regions = append(r.account.Regions, loc)
	}
	if len(col.opts.Regions) > 0 {
		r.account.Regions = append([]string(nil), col.opts.Regions...)
	}
	sortStrings(r.account.Regions)

	for i := range r.functions {
		r.functions[i].GCP.OrganizationDomain = domain
	}
	return r
}

// listed is a function mapped from one of the list APIs.
type listed struct {
	fn    audit.Function
	viaV2 bool
}

// listFunctions lists 2nd-gen functions through the v2 API and 1st-gen ones
// through the v1 API, which alone reports the HTTPS trigger's security level.
// The v2 API lists 1st-gen functions too (environment GEN_1); those are used
// only when the v1 listing failed, so nothing is listed twice and nothing is
// lost when one API is unavailable.
func (col *Collector) listFunctions(ctx context.Context, project, number string) ([]listed, []audit.Gap) {
	parent := "projects/" + project + "/locations/-"
	var gaps []audit.Gap
	var out []listed

	var gen1FromV2 []audit.Function
	v2ok := true
	it := col.c.fnV2.ListFunctions(ctx, &functionspb.ListFunctionsRequest{Parent: parent}, col.call...)
	unreachable := map[string]bool{}
	for {
		f, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			v2ok = false
			gaps = append(gaps, gap(project, "", "", apiListFunctions, audit.DataFunctions, err, "Cloud Functions v2 API (2nd gen)"))
			break
		}
		if resp, ok := it.Response.(*functionspb.ListFunctionsResponse); ok {
			for _, u := range resp.GetUnreachable() {
				unreachable[u] = true
			}
		}
		if f.GetName() == "" {
			gaps = append(gaps, nameless(project, "v2"))
			continue
		}
		fn := mapFunctionV2(f, project, number)
		if !col.inRegions(fn.Region) {
			continue
		}
		if fn.GCP.Generation == "1" {
			gen1FromV2 = append(gen1FromV2, fn)
			continue
		}
		out = append(out, listed{fn: fn, viaV2: true})
	}

	v1 := col.c.fnV1.ListFunctions(ctx, &functionsv1pb.ListFunctionsRequest{Parent: parent}, col.call...)
	var v1err error
	for {
		f, err := v1.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			v1err = err
			break
		}
		if resp, ok := v1.Response.(*functionsv1pb.ListFunctionsResponse); ok {
			for _, u := range resp.GetUnreachable() {
				unreachable[u] = true
			}
		}
		if f.GetName() == "" {
			gaps = append(gaps, nameless(project, "v1"))
			continue
		}
		fn := mapFunctionV1(f, project, number)
		if !col.inRegions(fn.Region) {
			continue
		}
		out = append(out, listed{fn: fn})
	}
	if v1err != nil {
		if v2ok {
			// The v2 listing covers 1st gen too; only the security level is lost
			// for the functions the v1 listing did not reach.
			fromV1 := map[string]bool{}
			for _, l := range out {
				fromV1[l.fn.ID] = !l.viaV2
			}
			for _, fn := range gen1FromV2 {
				if fromV1[fn.ID] {
					continue
				}
				out = append(out, listed{fn: fn, viaV2: true})
				gaps = append(gaps, gap(project, fn.Region, fn.ID, apiListFunctions, audit.DataConfig, v1err,
					"Cloud Functions v1 API (1st gen); HTTPS security level unknown"))
			}
		} else {
			gaps = append(gaps, gap(project, "", "", apiListFunctions, audit.DataFunctions, v1err, "Cloud Functions v1 API (1st gen)"))
		}
	}
	// A function is listed once even if an API repeats it across pages.
	seen := map[string]bool{}
	uniq := out[:0]
	for _, l := range out {
		if !seen[l.fn.ID] {
			seen[l.fn.ID] = true
			uniq = append(uniq, l)
		}
	}
	out = uniq
	for _, u := range sortedKeys(unreachable) {
		loc := locationOf(u)
		if loc == "" {
			loc = u
		}
		if !col.inRegions(loc) {
			continue
		}
		gaps = append(gaps, audit.Gap{Provider: audit.GCP, Account: project, Region: loc, API: apiListFunctions,
			Data: audit.DataFunctions, Reason: audit.GapError, Message: "location did not answer the function listing"})
	}
	return out, gaps
}

// scopePolicy is a project, folder or organization IAM policy with its source.
type scopePolicy struct {
	policy *iampb.Policy
	src    audit.Source
}

// readAccess fills in who may invoke the function: its own (1st gen) or its
// service's (2nd gen) policy, then the invoker grants of the project, folder
// and organization policies that could be read, which apply to every function
// below them.
func (col *Collector) readAccess(ctx context.Context, fn *audit.Function, viaV2 bool, inherited []scopePolicy) []audit.Gap {
	var gaps []audit.Gap
	if fn.GCP.Generation == "2" {
		svc := fn.GCP.RunService
		if svc == "" {
			return []audit.Gap{{Provider: audit.GCP, Account: fn.Account, Region: fn.Region, Resource: fn.ID,
				API: apiRunGetService, Data: audit.DataAccess, Reason: audit.GapInvalidData,
				Message: "2nd-gen function names no backing Cloud Run service"}}
		}
		s, err := col.c.run.GetService(ctx, &runpb.GetServiceRequest{Name: svc}, col.call...)
		switch {
		case err == nil:
			if s.GetInvokerIamDisabled() {
				fn.GCP.InvokerIAMDisabled = true
				fn.Access = append(fn.Access, audit.Access{
					Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "*"},
					Effect:    audit.Allow, Actions: []string{permInvokeGen2}, Auth: audit.AuthNone,
					Source: audit.Source{API: apiRunGetService, Ref: svc},
				})
			}
		case status.Code(err) == codes.NotFound:
			// The service was deleted (or is being replaced) after the
			// function was listed: its policy cannot be read either, so
			// one gap says so instead of two failed reads.
			gaps = append(gaps, gap(fn.Account, fn.Region, fn.ID, apiRunGetService, audit.DataAccess, err,
				"backing Cloud Run service "+svc+" not found (deleted?); invokers unknown"))
			col.inheritedAccess(ctx, fn, inherited)
			return gaps
		default:
			gaps = append(gaps, gap(fn.Account, fn.Region, fn.ID, apiRunGetService, audit.DataAccess, err, "backing Cloud Run service "+svc))
		}
		pol, err := col.c.run.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: svc, Options: policyOptions}, col.call...)
		if err != nil {
			gaps = append(gaps, gap(fn.Account, fn.Region, fn.ID, apiRunServiceIAM, audit.DataAccess, err, "Cloud Run service IAM policy"))
		} else {
			fn.Access = append(fn.Access, invokeAccess(pol, col.invokes(ctx, permInvokeGen2), permInvokeGen2,
				audit.Source{API: apiRunServiceIAM, Ref: svc})...)
			col.keepFunctionPolicy(fn.ID, pol, audit.Source{API: apiRunServiceIAM, Ref: svc})
			gaps = append(gaps, col.unreadRoles(ctx, fn, pol)...)
		}
	} else {
		req := &iampb.GetIamPolicyRequest{Resource: fn.ID, Options: policyOptions}
		var pol *iampb.Policy
		var err error
		if viaV2 {
			pol, err = col.c.fnV2.GetIamPolicy(ctx, req, col.call...)
		} else {
			pol, err = col.c.fnV1.GetIamPolicy(ctx, req, col.call...)
		}
		if err != nil {
			gaps = append(gaps, gap(fn.Account, fn.Region, fn.ID, apiFunctionIAM, audit.DataAccess, err, "function IAM policy"))
		} else {
			fn.Access = append(fn.Access, invokeAccess(pol, col.invokes(ctx, permInvokeGen1), permInvokeGen1,
				audit.Source{API: apiFunctionIAM, Ref: fn.ID})...)
			col.keepFunctionPolicy(fn.ID, pol, audit.Source{API: apiFunctionIAM, Ref: fn.ID})
			gaps = append(gaps, col.unreadRoles(ctx, fn, pol)...)
		}
	}
	col.inheritedAccess(ctx, fn, inherited)
	return gaps
}

// inheritedAccess adds the invoker grants of the project, folder and
// organization policies and derives the HTTPS entry point's auth.
func (col *Collector) inheritedAccess(ctx context.Context, fn *audit.Function, inherited []scopePolicy) {
	perm := permInvokeGen2
	if fn.GCP.Generation == "1" {
		perm = permInvokeGen1
	}
	for _, sp := range inherited {
		fn.Access = append(fn.Access, invokeAccess(sp.policy, col.invokes(ctx, perm), perm, sp.src)...)
	}
	// The HTTPS entry point's auth follows from the access entries.
	for _, a := range fn.Access {
		if a.Principal.Kind == audit.PrincipalPublic {
			for i := range fn.Triggers {
				if fn.Triggers[i].Kind == audit.TriggerHTTPURL {
					fn.Triggers[i].Auth = audit.AuthNone
				}
			}
		}
	}
}

// unreadRoles returns one access gap per role bound in the function's (or its
// service's) own policy whose definition could not be read: its members may or
// may not be able to invoke. Roles in project and ancestor policies are not
// reported here (most of them have nothing to do with invocation; their read
// failures already reach the identities that hold them).
func (col *Collector) unreadRoles(ctx context.Context, fn *audit.Function, pol *iampb.Policy) []audit.Gap {
	var gaps []audit.Gap
	seen := map[string]bool{}
	for _, b := range pol.GetBindings() {
		role := b.GetRole()
		if knownInvokeRoles[role] || seen[role] || len(b.GetMembers()) == 0 {
			continue
		}
		seen[role] = true
		if _, err := col.rolePermissions(ctx, role); err != nil {
			gaps = append(gaps, gap(fn.Account, fn.Region, fn.ID, apiGetRole, audit.DataAccess, err,
				"role "+role+" bound on the function; whether its members may invoke is unknown"))
		}
	}
	return gaps
}

// invokes returns a predicate telling whether a role carries perm: known
// invoker roles directly, any other role through its definition.
func (col *Collector) invokes(ctx context.Context, perm string) func(string) bool {
	return func(role string) bool {
		if knownInvokeRoles[role] {
			return true
		}
		perms, err := col.rolePermissions(ctx, role)
		if err != nil {
			return false
		}
		for _, p := range perms {
			if p == perm {
				return true
			}
		}
		return false
	}
}

// attachRuntimes reads the runtimes list of each location that has functions
// and records each function's runtime lifecycle. A failure leaves the rules on
// the embedded table and is recorded as a gap on the runtimes list itself (it
// does not make any function's checks unknown).
func (col *Collector) attachRuntimes(ctx context.Context, project string, fns []audit.Function) []audit.Gap {
	byLoc := map[string][]int{}
	for i := range fns {
		// A function whose name carries no location cannot be matched to a
		// location's runtimes list.
		if fns[i].Runtime != "" && fns[i].Region != "" {
			byLoc[fns[i].Region] = append(byLoc[fns[i].Region], i)
		}
	}
	var gaps []audit.Gap
	for _, loc := range sortedKeys(byLoc) {
		parent := "projects/" + project + "/locations/" + loc
		resp, err := col.c.fnV2.ListRuntimes(ctx, &functionspb.ListRuntimesRequest{Parent: parent}, col.call...)
		if err != nil {
			gaps = append(gaps, gap(project, loc, parent+"/runtimes", apiListRuntimes, audit.DataConfig, err,
				"runtime lifecycle; rules use the embedded runtime table"))
			continue
		}
		for _, i := range byLoc[loc] {
			if rt := matchRuntime(resp.GetRuntimes(), fns[i].Runtime, fns[i].GCP.Generation); rt != nil {
				fns[i].GCP.RuntimeSupport = runtimeSupport(rt, parent)
			}
		}
	}
	return gaps
}

// ancestorEntry caches one folder's or organization's policy and parent.
type ancestorEntry struct {
	once     sync.Once
	policy   *iampb.Policy
	src      audit.Source
	parent   string
	domain   string // an organization's primary domain
	bindings map[string][]memberBinding
	gaps     []audit.Gap // recorded with an empty account; copied per project
}

// ancestors walks from a project's parent up to its organization, reading each
// IAM policy it can. Unreadable ancestors become gaps naming the ancestor as
// the resource: they are reported, but they do not make the project's identity
// checks unknown, because most auditors cannot read organization policy.
func (col *Collector) ancestors(ctx context.Context, project, parent string) (_ []*ancestorEntry, org, domain string, _ []audit.Gap) {
	var out []*ancestorEntry
	var gaps []audit.Gap
	for depth := 0; parent != "" && depth < 12; depth++ {
		e := col.ancestor(ctx, parent)
		if strings.HasPrefix(parent, "organizations/") {
			org, domain = parent, e.domain
		}
		if e.policy != nil {
			out = append(out, e)
		}
		for _, g := range e.gaps {
			g.Account = project
			gaps = append(gaps, g)
		}
		parent = e.parent
	}
	return out, org, domain, gaps
}

func (col *Collector) ancestor(ctx context.Context, name string) *ancestorEntry {
	col.ancMu.Lock()
	e, ok := col.ancCache[name]
	if !ok {
		e = &ancestorEntry{}
		col.ancCache[name] = e
	}
	col.ancMu.Unlock()
	e.once.Do(func() {
		req := &iampb.GetIamPolicyRequest{Resource: name, Options: policyOptions}
		var pol *iampb.Policy
		var err error
		api := apiOrganizationIAM
		if strings.HasPrefix(name, "folders/") {
			api = apiFolderIAM
			f, ferr := col.c.folders.GetFolder(ctx, &resourcemanagerpb.GetFolderRequest{Name: name}, col.call...)
			if ferr != nil {
				e.gaps = append(e.gaps, gap("", "", name, apiGetFolder, audit.DataIdentity, ferr, "folder above the project; ancestors above it not read"))
			} else {
				e.parent = f.GetParent()
			}
			pol, err = col.c.folders.GetIamPolicy(ctx, req, col.call...)
		} else if strings.HasPrefix(name, "organizations/") {
			o, oerr := col.c.orgs.GetOrganization(ctx, &resourcemanagerpb.GetOrganizationRequest{Name: name}, col.call...)
			if oerr != nil {
				e.gaps = append(e.gaps, gap("", "", name, apiGetOrganization, audit.DataAccess, oerr,
					"organization domain; invokers of other domains are not judged"))
			} else {
				e.domain = o.GetDisplayName()
			}
			pol, err = col.c.orgs.GetIamPolicy(ctx, req, col.call...)
		} else {
			return
		}
		if err != nil {
			e.gaps = append(e.gaps, gap("", "", name, api, audit.DataIdentity, err, "IAM policy inherited by the project"))
			return
		}
		e.policy, e.src = pol, audit.Source{API: api, Ref: name}
		e.bindings = bindingsByMember(pol, name, e.src)
	})
	return e
}

// nameless is the gap for a listed function without a resource name: it can
// be neither identified nor read further, so it is skipped, not dropped
// silently.
func nameless(project, version string) audit.Gap {
	return gap(project, "", "", apiListFunctions, audit.DataFunctions,
		&missingError{call: apiListFunctions + " (" + version + ")", field: "function name"},
		"a listed function was skipped")
}
