package gcpfunctions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	functionsv1 "cloud.google.com/go/functions/apiv1"
	functions "cloud.google.com/go/functions/apiv2"
	iamadmin "cloud.google.com/go/iam/admin/apiv1"
	resourcemanager "cloud.google.com/go/resourcemanager/apiv3"
	run "cloud.google.com/go/run/apiv2"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/option"
	"google.golang.org/grpc"

	"github.com/fnaudit/fnaudit/audit"
)

// Options configure a Collector.
type Options struct {
	// Projects are the project ids to audit. Empty means every active project the
	// credentials can find through Resource Manager's project search.
	Projects []string
	// Regions limits the audit to these locations (us-central1, europe-west1, ...);
	// empty means every location. Functions are always listed with locations/-.
	Regions []string
	// ClientOptions are passed to every Google Cloud client: credentials, an
	// endpoint (option.WithEndpoint), gRPC dial options. Empty means Application
	// Default Credentials and the public endpoints.
	ClientOptions []option.ClientOption
	// SkipAncestors skips reading the folder and organization IAM policies above
	// each project.
	SkipAncestors bool
	// ProjectConcurrency is how many projects are read at once (default 4) and
	// CallConcurrency how many per-function calls run at once in a project
	// (default 8).
	ProjectConcurrency int
	CallConcurrency    int
	// Retry says how throttled and unavailable calls are retried.
	Retry RetryPolicy
	// CallsPerSecond paces the calls to each API (Cloud Functions, Cloud Run,
	// Resource Manager, IAM) across all projects: 0 means 10 per second with
	// bursts of 20, below the APIs' default per-minute read quotas; a negative
	// value does not pace (tests against a local fake).
	CallsPerSecond float64
	// Now stamps the inventory; nil means time.Now.
	Now func() time.Time
	// Progress, when set, receives the run's counts as it goes: projects,
	// project-locations of functions and functions (audit.Progress), counted
	// as each project finishes, at most ten reports a second and a final one
	// with Done set. The collector prints nothing.
	Progress audit.ProgressFunc

	// UnreachableAfter is how many consecutive connection failures (refused,
	// reset, DNS, TLS) to one API stop every further call to it; the calls it
	// stops become one gap per project and kind of data (default 3).
	UnreachableAfter int
}

// clients are the API surfaces the collector uses.
type clients struct {
	fnV2    functionsV2API
	fnV1    functionsV1API
	run     runAPI
	proj    projectsAPI
	folders foldersAPI
	orgs    organizationsAPI
	roles   rolesAPI
	sas     serviceAccountsAPI // service-account IAM policies (serviceaccounts.go)
}

// Collector collects Cloud Functions into an inventory. It implements
// audit.Collector. Close it when done.
type Collector struct {
	opts    Options
	c       clients
	closers []io.Closer
	call    []gax.CallOption

	brk       *breakers // nil with clients that are not gRPC (tests)
	roleMu    sync.Mutex
	roleCache map[string]*roleEntry
	ancMu     sync.Mutex
	ancCache  map[string]*ancestorEntry
	ctl       controlStash // what the control pass needs (control.go)
}

var _ audit.Collector = (*Collector)(nil)

// New creates the Google Cloud clients and returns a Collector. It fails only
// when a client cannot be created (for example no credentials were found).
func New(ctx context.Context, opts Options) (*Collector, error) {
	limiter := newRateLimiter(opts.CallsPerSecond)
	brk := newBreakers(opts.UnreachableAfter)
	co := append(append([]option.ClientOption(nil), opts.ClientOptions...),
		option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(brk.interceptor(), limiter.interceptor())))
	col := &Collector{opts: opts, brk: brk}
	fail := func(what string, err error) (*Collector, error) {
		col.Close()
		return nil, fmt.Errorf("gcp: create %s client: %w", what, err)
	}
	v2, err := functions.NewFunctionClient(ctx, co...)
	if err != nil {
		return fail("cloud functions v2", err)
	}
	col.closers = append(col.closers, v2)
	v1, err := functionsv1.NewCloudFunctionsClient(ctx, co...)
	if err != nil {
		return fail("cloud functions v1", err)
	}
	col.closers = append(col.closers, v1)
	rs, err := run.NewServicesClient(ctx, co...)
	if err != nil {
		return fail("cloud run", err)
	}
	col.closers = append(col.closers, rs)
	pc, err := resourcemanager.NewProjectsClient(ctx, co...)
	if err != nil {
		return fail("resource manager projects", err)
	}
	col.closers = append(col.closers, pc)
	fc, err := resourcemanager.NewFoldersClient(ctx, co...)
	if err != nil {
		return fail("resource manager folders", err)
	}
	col.closers = append(col.closers, fc)
	oc, err := resourcemanager.NewOrganizationsClient(ctx, co...)
	if err != nil {
		return fail("resource manager organizations", err)
	}
	col.closers = append(col.closers, oc)
	ic, err := iamadmin.NewIamClient(ctx, co...)
	if err != nil {
		return fail("iam admin", err)
	}
	col.closers = append(col.closers, ic)
	col.init(clients{fnV2: v2, fnV1: v1, run: rs, proj: pc, folders: fc, orgs: oc, roles: ic, sas: ic})
	return col, nil
}

func (col *Collector) init(c clients) {
	col.c = c
	col.call = []gax.CallOption{col.opts.Retry.callOption()}
	col.roleCache = map[string]*roleEntry{}
	col.ancCache = map[string]*ancestorEntry{}
	if col.opts.ProjectConcurrency <= 0 {
		col.opts.ProjectConcurrency = 4
	}
	if col.opts.CallConcurrency <= 0 {
		col.opts.CallConcurrency = 8
	}
}

// Close closes the clients' gRPC connections. It is safe to call more than
// once; the collector cannot collect after it.
func (col *Collector) Close() error {
	var errs []error
	for _, c := range col.closers {
		if err := c.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	col.closers = nil
	return errors.Join(errs...)
}

// Provider returns audit.GCP.
func (col *Collector) Provider() audit.Provider { return audit.GCP }

// Collect reads every project in scope. It returns an error only when the scope
// itself cannot be determined (no projects given and the project search fails);
// every narrower failure is a Gap in the inventory.
func (col *Collector) Collect(ctx context.Context) (*audit.Inventory, error) {
	now := time.Now
	if col.opts.Now != nil {
		now = col.opts.Now
	}
	inv := audit.NewInventory(now())
	progress := audit.NewProgressCounter(audit.GCP, col.opts.Progress)
	defer progress.Finish()
	projects := dedupe(col.opts.Projects)
	if len(projects) == 0 {
		found, err := col.searchProjects(ctx)
		if err != nil {
			return nil, err
		}
		projects = found
	}
	progress.AddScopes(len(projects))

	results := make([]*projectResult, len(projects))
	sem := make(chan struct{}, col.opts.ProjectConcurrency)
	var wg sync.WaitGroup
	for i, p := range projects {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = col.collectProject(ctx, p)
			locations := map[string]bool{}
			for _, f := range results[i].functions {
				locations[f.Region] = true
			}
			progress.AddRegions(len(locations))
			progress.AddRegionsDone(len(locations))
			progress.AddFunctions(len(results[i].functions))
			progress.AddScopesDone(1)
		}()
	}
	wg.Wait()

	for _, r := range results {
		inv.Accounts = append(inv.Accounts, r.account)
		inv.Functions = append(inv.Functions, r.functions...)
		inv.Gaps = append(inv.Gaps, r.gaps...)
	}
	idents, gaps := col.identities(ctx, inv.Functions, results)
	inv.Identities = idents
	inv.Gaps = append(inv.Gaps, gaps...)
	ctls, ctlGaps := col.controls(ctx, results, gaps) // control.go
	inv.Controllers = controllers(inv.Functions, ctls)
	inv.Gaps = append(inv.Gaps, ctlGaps...)
	if col.brk != nil {
		inv.Gaps = foldUnreachable(inv.Gaps, col.brk.opened())
	}

	sort.Slice(inv.Functions, func(i, j int) bool { return inv.Functions[i].ID < inv.Functions[j].ID })
	sort.Slice(inv.Identities, func(i, j int) bool { return inv.Identities[i].ID < inv.Identities[j].ID })
	audit.SortGaps(inv.Gaps)
	return inv, nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// inRegions reports whether a location is in scope.
func (col *Collector) inRegions(loc string) bool {
	if len(col.opts.Regions) == 0 {
		return true
	}
	for _, r := range col.opts.Regions {
		if r == loc {
			return true
		}
	}
	return false
}

// gap builds a gap of this provider.
func gap(project, region, resource, api string, data audit.DataKind, err error, note string) audit.Gap {
	msg := gapMessage(err)
	if note != "" {
		msg = note + ": " + msg
	}
	return audit.Gap{Provider: audit.GCP, Account: project, Region: region, Resource: resource,
		API: api, Data: data, Reason: gapReason(err), Message: msg}
}
