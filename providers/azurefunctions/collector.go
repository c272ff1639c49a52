package azurefunctions

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Options configure a Collector.
type Options struct {
	// Subscriptions are the subscription ids to audit; empty means every
	// subscription the credential can list.
	Subscriptions []string
	// Regions limits the audit to apps in these locations ("westeurope" or
	// "West Europe"); empty means every location.
	Regions []string
	// Credential authenticates the calls; nil uses azidentity.DefaultAzureCredential
	// (environment, workload identity, managed identity, Azure CLI, ...).
	Credential azcore.TokenCredential
	// ClientOptions configure every SDK client (cloud, retries, transport); tests
	// inject the SDK's fake server transports here. Nil uses the defaults.
	ClientOptions *arm.ClientOptions
	// Concurrency bounds the apps read in parallel per subscription and the
	// subscriptions read in parallel; 0 means 4. ARM allows about 250 reads per
	// subscription per minute per principal, and the SDK retries 429 with its
	// Retry-After.
	Concurrency int
	// Now stamps the inventory; nil uses time.Now.
	Now func() time.Time
	// Progress, when set, receives the run's counts as it goes: subscriptions,
	// subscription-locations of function apps and functions (audit.Progress),
	// at most ten reports a second and a final one with Done set. The
	// collector prints nothing.
	Progress audit.ProgressFunc

	// UnreachableAfter is how many consecutive connection failures (refused,
	// reset, DNS, TLS) to the ARM endpoint stop every further call to it; the
	// calls it stops become one gap per subscription and kind of data
	// (default 3).
	UnreachableAfter int
}

// Collector collects Azure Function Apps; it implements audit.Collector.
type Collector struct {
	opts  Options
	cred  azcore.TokenCredential
	copts *arm.ClientOptions

	// Client constructors, replaced only by tests of failure paths.
	newSubscriptions   func() (subscriptionsAPI, error)
	newWebApps         func(sub string) (webAppsAPI, error)
	newRoleAssignments func(sub string) (roleAssignmentsAPI, error)
	newRoleDefinitions func() (roleDefinitionsAPI, error)

	// brk stops calls to an unreachable ARM endpoint; installed into copts
	// once, before the first client is built.
	brk     *breakers
	brkOnce sync.Once
}

var _ audit.Collector = (*Collector)(nil)

// New returns a collector for opts. It fails only when no credential can be
// built; unreadable subscriptions become gaps when collecting. It makes no API
// calls (ctx is for the shape the three collectors share).
func New(ctx context.Context, opts Options) (*Collector, error) {
	c := &Collector{opts: opts, cred: opts.Credential, copts: opts.ClientOptions}
	if c.cred == nil {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure: default credential: %w", err)
		}
		c.cred = cred
	}
	if c.opts.Concurrency <= 0 {
		c.opts.Concurrency = 4
	}
	if c.opts.Now == nil {
		c.opts.Now = time.Now
	}
	c.opts.Subscriptions = append([]string(nil), opts.Subscriptions...)
	for i, s := range c.opts.Subscriptions {
		s = strings.TrimSpace(s)
		if s == "" || strings.ContainsAny(s, "/ ") {
			return nil, fmt.Errorf("azure: subscription %d: %q is not a subscription id", i+1, opts.Subscriptions[i])
		}
		c.opts.Subscriptions[i] = s
	}
	c.newSubscriptions = func() (subscriptionsAPI, error) { return armsubscriptions.NewClient(c.cred, c.copts) }
	c.newWebApps = func(sub string) (webAppsAPI, error) { return armappservice.NewWebAppsClient(sub, c.cred, c.copts) }
	c.newRoleAssignments = func(sub string) (roleAssignmentsAPI, error) {
		return armauthorization.NewRoleAssignmentsClient(sub, c.cred, c.copts)
	}
	c.newRoleDefinitions = func() (roleDefinitionsAPI, error) {
		return armauthorization.NewRoleDefinitionsClient(c.cred, c.copts)
	}
	return c, nil
}

// Provider returns audit.Azure.
func (c *Collector) Provider() audit.Provider { return audit.Azure }

// Close releases what the collector holds. The SDK clients live only for a
// run, and their transport is ClientOptions.Transport (the caller's) or the
// Azure SDK's process-wide default client, shared with every other Azure
// client in the program and so left open; there is nothing else to release.
// It is safe to call more than once.
func (c *Collector) Close() error { return nil }

// subscription is one subscription in scope.
type subscription struct {
	id, name, tenant string
}

// run holds one collection's state.
type run struct {
	c   *Collector
	mu  sync.Mutex
	inv *audit.Inventory
	// identities by principal id, and which subscriptions' functions use them.
	idents map[string]*audit.Identity
	// readable lists subscriptions whose sites could be listed.
	readable []string
	roleDefs sync.Map // role definition GUID -> *roleDefResult
	// controls are the role assignments that let principals control each
	// app, by lower-case app id (control.go).
	controls map[string]*appControl

	progress *audit.ProgressCounter
}

type roleDefResult struct {
	once sync.Once
	def  *roleDef
	err  error
}

// Collect reads every subscription in scope. It returns an error only when the
// subscriptions cannot even be listed; anything narrower is a gap.
func (c *Collector) Collect(ctx context.Context) (*audit.Inventory, error) {
	r, err := c.collect(ctx)
	if err != nil {
		return nil, err
	}
	return r.inv, nil
}

// collect is Collect, returning the run's state.
func (c *Collector) collect(ctx context.Context) (*run, error) {
	c.brkOnce.Do(func() {
		c.brk = newBreakers(c.opts.UnreachableAfter)
		c.copts = withBreakers(c.copts, c.brk)
	})
	r := &run{c: c, inv: audit.NewInventory(c.opts.Now()), idents: map[string]*audit.Identity{},
		progress: audit.NewProgressCounter(audit.Azure, c.opts.Progress)}
	defer r.progress.Finish()
	subs, err := c.subscriptions(ctx, r)
	if err != nil {
		reason := classify(err)
		if reason != audit.GapTimeout && reason != audit.GapInterrupted {
			return nil, err
		}
		// The run ended before the subscriptions were listed: that is a gap
		// (everything is unread), not a configuration error.
		r.addGap(audit.Gap{API: apiSubscriptions, Data: audit.DataFunctions, Reason: reason, Message: gapMessage(err)})
		return r, nil
	}
	r.progress.AddScopes(len(subs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.opts.Concurrency)
	for _, s := range subs {
		wg.Add(1)
		go func(s subscription) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r.collectSubscription(ctx, s)
		}(s)
	}
	wg.Wait()
	if err := r.noCredentials(); err != nil {
		return nil, err
	}
	r.collectRoleAssignments(ctx)
	r.controls = r.collectControls(ctx) // control.go
	r.inv.Controllers = azureControllers(r.inv, r.controls)

	inv := r.inv
	for _, id := range r.idents {
		inv.Identities = append(inv.Identities, *id)
	}
	sort.Slice(inv.Functions, func(i, j int) bool { return inv.Functions[i].ID < inv.Functions[j].ID })
	sort.Slice(inv.Identities, func(i, j int) bool { return inv.Identities[i].ID < inv.Identities[j].ID })
	sort.Slice(inv.Accounts, func(i, j int) bool { return inv.Accounts[i].ID < inv.Accounts[j].ID })
	inv.Gaps = foldUnreachable(inv.Gaps, c.brk.opened())
	audit.SortGaps(inv.Gaps)
	return r, nil
}

// inRegion reports whether an app's location is in scope.
func (c *Collector) inRegion(loc string) bool {
	if len(c.opts.Regions) == 0 {
		return true
	}
	n := normalizeRegion(loc)
	for _, r := range c.opts.Regions {
		if normalizeRegion(r) == n {
			return true
		}
	}
	return false
}

// subscriptions resolves the scope: the given ids (named when Get succeeds) or
// every subscription the credential can list.
func (c *Collector) subscriptions(ctx context.Context, r *run) ([]subscription, error) {
	client, err := c.newSubscriptions()
	if err != nil {
		return nil, fmt.Errorf("azure: subscriptions client: %w", err)
	}
	if len(c.opts.Subscriptions) > 0 {
		var out []subscription
		for _, id := range c.opts.Subscriptions {
			s := subscription{id: id}
			// Naming a subscription is a courtesy: when it fails, listing its
			// sites will fail the same way and record the gap.
			if resp, err := client.Get(ctx, id, nil); err == nil {
				s.name, s.tenant = str(resp.DisplayName), str(resp.TenantID)
				if skip, why := skipSubscription(resp.State); skip {
					r.addGap(audit.Gap{Account: id, API: apiSubscriptions, Data: audit.DataFunctions,
						Reason: audit.GapNotEnabled, Message: why})
					continue
				}
			}
			out = append(out, s)
		}
		return out, nil
	}
	var out []subscription
	pager := client.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err == nil && page.Value == nil {
			err = missing("the subscription listing", "value")
		}
		if err != nil {
			return nil, fmt.Errorf("azure: list subscriptions: %w", err)
		}
		for _, s := range page.Value {
			if s == nil || str(s.SubscriptionID) == "" {
				continue
			}
			if skip, why := skipSubscription(s.State); skip {
				r.addGap(audit.Gap{Account: str(s.SubscriptionID), API: apiSubscriptions, Data: audit.DataFunctions,
					Reason: audit.GapNotEnabled, Message: why})
				continue
			}
			out = append(out, subscription{id: str(s.SubscriptionID), name: str(s.DisplayName), tenant: str(s.TenantID)})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("azure: the credential can see no enabled subscription (pass --subscriptions)")
	}
	return out, nil
}

// skipSubscription reports whether a subscription in this state is left out,
// with the gap message saying why. Enabled, Warned and PastDue subscriptions
// still run their apps and are read; Disabled and Deleted ones are skipped (their
// apps are stopped and the reads fail or describe nothing running). The state
// is compared case-insensitively and an absent or unknown state is read, so
// that an implementation spelling states differently loses nothing.
func skipSubscription(state *armsubscriptions.SubscriptionState) (bool, string) {
	if state == nil {
		return false, ""
	}
	st := strings.TrimSpace(string(*state))
	for _, off := range []armsubscriptions.SubscriptionState{armsubscriptions.SubscriptionStateDisabled, armsubscriptions.SubscriptionStateDeleted} {
		if strings.EqualFold(st, string(off)) {
			return true, "subscription state " + st + "; skipped"
		}
	}
	return false, ""
}

// noCredentials returns an error when no subscription could be read because no
// token could be obtained at all: that is a configuration problem, not a gap.
func (r *run) noCredentials() error {
	if len(r.readable) > 0 || len(r.inv.Gaps) == 0 {
		return nil
	}
	for _, g := range r.inv.Gaps {
		if g.Reason != audit.GapAssumeRole {
			return nil
		}
	}
	return fmt.Errorf("azure: no credentials: %s", r.inv.Gaps[0].Message)
}

func (r *run) addGap(g audit.Gap) {
	g.Provider = audit.Azure
	r.mu.Lock()
	r.inv.Gaps = append(r.inv.Gaps, g)
	r.mu.Unlock()
}

// failed records err as a gap and returns true, or returns false for nil.
func (r *run) failed(err error, g audit.Gap) bool {
	if err == nil {
		return false
	}
	g.Reason = classify(err)
	g.Message = gapMessage(err)
	r.addGap(g)
	return true
}

// collectSubscription lists the subscription's Function Apps and reads each.
func (r *run) collectSubscription(ctx context.Context, s subscription) {
	c := r.c
	defer r.progress.AddScopesDone(1)
	client, err := c.newWebApps(s.id)
	if r.failed(err, audit.Gap{Account: s.id, API: apiSites, Data: audit.DataFunctions}) {
		return
	}
	var sites []*armappservice.Site
	pager := client.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err == nil && page.Value == nil {
			err = missing("the app listing", "value")
		}
		if r.failed(err, audit.Gap{Account: s.id, API: apiSites, Data: audit.DataFunctions}) {
			// Keep what earlier pages returned: those apps are real.
			if len(sites) == 0 {
				return
			}
			break
		}
		for _, site := range page.Value {
			if site != nil && isFunctionApp(str(site.Kind)) && str(site.ID) != "" && c.inRegion(str(site.Location)) {
				sites = append(sites, site)
			}
		}
	}
	r.mu.Lock()
	r.readable = append(r.readable, s.id)
	r.mu.Unlock()

	regions := map[string]bool{}
	for _, site := range sites {
		regions[normalizeRegion(str(site.Location))] = true
	}
	r.progress.AddRegions(len(regions))
	defer r.progress.AddRegionsDone(len(regions))
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.opts.Concurrency)
	var fnsMu sync.Mutex
	var fns []audit.Function
	for _, site := range sites {
		wg.Add(1)
		go func(site *armappservice.Site) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			got := r.collectApp(ctx, client, s.id, site)
			fnsMu.Lock()
			fns = append(fns, got...)
			fnsMu.Unlock()
		}(site)
	}
	wg.Wait()

	acct := audit.Account{Provider: audit.Azure, ID: s.id, Name: s.name, OrgID: s.tenant}
	for reg := range regions {
		if reg != "" {
			acct.Regions = append(acct.Regions, reg)
		}
	}
	sort.Strings(acct.Regions)
	r.mu.Lock()
	r.inv.Accounts = append(r.inv.Accounts, acct)
	r.inv.Functions = append(r.inv.Functions, fns...)
	r.mu.Unlock()
}

// collectApp reads one app's configuration, settings, authentication, private
// endpoints and functions.
func (r *run) collectApp(ctx context.Context, client webAppsAPI, sub string, site *armappservice.Site) []audit.Function {
	app := siteFacts(site, sub)
	rg, name := app.rg, app.name
	gap := func(api string, data audit.DataKind) audit.Gap {
		return audit.Gap{Account: sub, Region: app.region, Resource: app.id, API: api, Data: data}
	}

	cfg, err := client.GetConfiguration(ctx, rg, name, nil)
	if err == nil && cfg.Properties == nil {
		err = missing("the app's web configuration", "properties")
	}
	if !r.failed(err, gap(apiConfig, audit.DataConfig)) {
		applySiteConfig(&app.azure, cfg.Properties)
		app.cfgStack = stackFromConfig(cfg.Properties)
		app.azure.ConfigSource = audit.Source{API: apiConfig, Ref: app.id + "/config/web"}
	}

	settings, err := client.ListApplicationSettings(ctx, rg, name, nil)
	if err == nil && settings.Properties == nil {
		// "properties" is {} for an app without settings.
		err = missing("the app's application settings", "properties")
	}
	if !r.failed(err, gap(apiAppSettings, audit.DataEnvironment)) {
		settingsFacts(&app, settings.Properties)
		app.azure.SettingsSource = audit.Source{API: apiAppSettings, Ref: app.id + "/config/appsettings"}
	}
	settings.Properties = nil // the values are not kept past inspection

	auth, err := client.GetAuthSettingsV2WithoutSecrets(ctx, rg, name, nil)
	if err == nil && auth.Properties == nil {
		// An app that never configured authentication answers 404 or a
		// resource with properties; a 200 without them says nothing.
		err = missing("the app's authentication settings", "properties")
	}
	switch {
	case err == nil:
		app.azure.Auth = authFacts(auth.Properties, app.id+"/config/authsettingsV2")
	case isNotFound(err):
		// No auth settings resource: authentication was never configured.
		app.azure.Auth = authFacts(nil, app.id+"/config/authsettingsV2")
	default:
		r.failed(err, gap(apiAuthSettings, audit.DataAccess))
	}

	pe := client.NewGetPrivateEndpointConnectionListPager(rg, name, nil)
	for pe.More() {
		page, err := pe.NextPage(ctx)
		if err == nil && page.Value == nil {
			err = missing("the private endpoint connection listing", "value")
		}
		if err != nil {
			if !isNotFound(err) {
				r.failed(err, gap(apiPrivateEndpoint, audit.DataAccess))
			}
			break
		}
		for _, conn := range page.Value {
			if conn == nil || conn.Properties == nil {
				continue
			}
			st := conn.Properties.PrivateLinkServiceConnectionState
			if st == nil || strings.EqualFold(str(st.Status), "Approved") {
				app.azure.PrivateEndpoints++
			}
		}
	}

	r.addIdentities(app.idents)
	if missing := unresolvedIdentities(site); len(missing) > 0 {
		r.addGap(audit.Gap{Account: sub, Region: app.region, Resource: app.id, API: apiSites, Data: audit.DataIdentity,
			Reason: audit.GapInvalidData, Message: "managed identity without a principal id: " + strings.Join(missing, ", ")})
	}

	var fns []audit.Function
	fp := client.NewListFunctionsPager(rg, name, nil)
	listed := true // the listing completed, so an empty one means no functions
	for fp.More() {
		page, err := fp.NextPage(ctx)
		if err == nil && page.Value == nil {
			err = missing("the function listing", "value")
		}
		if r.failed(err, gap(apiFunctions, audit.DataFunctions)) {
			listed = false
			break
		}
		for _, fe := range page.Value {
			if fe == nil {
				continue
			}
			if str(fe.ID) == "" {
				// The id is documented but not required; a named function is
				// still a function, addressed under its app.
				n := lastSegment(str(fe.Name))
				if n == "" {
					continue
				}
				cp := *fe
				cp.ID = to.Ptr(app.id + "/functions/" + n)
				fe = &cp
			}
			fns = append(fns, functionRecord(fe, &app, sub))
		}
	}
	if len(fns) == 0 && listed {
		fns = append(fns, appRecord(&app, sub)) // appsonly.go
	}
	r.progress.AddFunctions(len(fns))
	return fns
}

// addIdentities records identities, once per principal id.
func (r *run) addIdentities(ids []audit.Identity) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if _, ok := r.idents[id.ID]; ok {
			continue
		}
		cp := id
		r.idents[id.ID] = &cp
	}
}

// collectRoleAssignments lists every identity's role assignments in each
// readable subscription (assignedTo() returns assignments at, above and below
// the subscription, including those through group membership) and expands
// each role definition once per run.
func (r *run) collectRoleAssignments(ctx context.Context) {
	if len(r.idents) == 0 {
		return
	}
	sort.Strings(r.readable)
	defs, err := r.c.newRoleDefinitions()
	if err != nil {
		for pid := range r.idents {
			r.addGap(audit.Gap{Resource: pid, API: apiRoleDefinitions, Data: audit.DataIdentity, Reason: classify(err), Message: gapMessage(err)})
		}
		return
	}
	pids := make([]string, 0, len(r.idents))
	for pid := range r.idents {
		pids = append(pids, pid)
	}
	sort.Strings(pids)
	type job struct{ pid, sub string }
	results := make(map[job][]audit.Policy)
	var resMu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, r.c.opts.Concurrency)
	for _, sub := range r.readable {
		client, err := r.c.newRoleAssignments(sub)
		if err != nil {
			for _, pid := range pids {
				r.failed(err, audit.Gap{Resource: pid, API: apiRoleAssignments, Data: audit.DataIdentity})
			}
			continue
		}
		// One subscription's principals are listed one after another: the calls
		// share a path (only $filter differs), and ARM's read quota is per
		// subscription anyway. Subscriptions proceed in parallel.
		wg.Add(1)
		go func(sub string, client roleAssignmentsAPI) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, pid := range pids {
				pols := r.listAssignments(ctx, client, defs, sub, pid)
				resMu.Lock()
				results[job{pid, sub}] = pols
				resMu.Unlock()
			}
		}(sub, client)
	}
	wg.Wait()
	for _, pid := range pids {
		seen := map[string]bool{}
		ident := r.idents[pid]
		for _, sub := range r.readable {
			for _, p := range results[job{pid, sub}] {
				key := strings.ToLower(p.Source.Ref)
				if seen[key] {
					continue // an assignment above the subscription is listed in each
				}
				seen[key] = true
				ident.Policies = append(ident.Policies, p)
			}
		}
		sort.Slice(ident.Policies, func(i, j int) bool { return ident.Policies[i].Source.Ref < ident.Policies[j].Source.Ref })
	}
}

// listAssignments lists pid's role assignments visible from subscription sub.
// A failure is a gap on the identity; it carries no account so that it marks the
// identity's functions in every subscription, and names sub in its message.
func (r *run) listAssignments(ctx context.Context, client roleAssignmentsAPI, defs roleDefinitionsAPI, sub, pid string) []audit.Policy {
	filter := fmt.Sprintf("assignedTo('%s')", pid)
	pager := client.NewListForScopePager("/subscriptions/"+sub, &armauthorization.RoleAssignmentsClientListForScopeOptions{Filter: &filter})
	var out []audit.Policy
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err == nil && page.Value == nil {
			err = missing("the role assignment listing", "value")
		}
		if err != nil {
			r.addGap(audit.Gap{Resource: pid, API: apiRoleAssignments, Data: audit.DataIdentity,
				Reason: classify(err), Message: "subscription " + sub + ": " + gapMessage(err)})
			return out
		}
		for _, ra := range page.Value {
			if ra == nil || ra.Properties == nil || !assignedTo(ra.Properties, pid) {
				continue
			}
			// assignedTo() also returns assignments to groups the identity is a
			// member of; they apply to it all the same.
			def := r.roleDefinition(ctx, defs, str(ra.Properties.RoleDefinitionID), pid)
			out = append(out, rolePolicy(ra, def))
		}
	}
	return out
}

// assignedTo reports whether an assignment listed for pid can apply to it. The
// assignedTo() filter is the server's; an implementation that ignores it returns
// other principals' assignments too. Those made to another user, service
// principal or managed identity are dropped; group assignments (the identity
// may be a member) and assignments whose principal is not stated are kept.
func assignedTo(p *armauthorization.RoleAssignmentProperties, pid string) bool {
	other := str(p.PrincipalID)
	if other == "" || strings.EqualFold(other, pid) {
		return true
	}
	switch strings.ToLower(string(ptrOr(p.PrincipalType, ""))) {
	case "user", "serviceprincipal", "device":
		return false
	}
	return true
}

func ptrOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// roleDefinition reads a role definition once per run. When the read fails, a
// built-in role is taken from the catalog; a custom role stays without grants and
// the identity gets a gap.
func (r *run) roleDefinition(ctx context.Context, client roleDefinitionsAPI, id, pid string) *roleDef {
	key := catalog.AzureRoleGUID(id)
	v, _ := r.roleDefs.LoadOrStore(key, &roleDefResult{})
	res := v.(*roleDefResult)
	res.once.Do(func() {
		resp, err := client.GetByID(ctx, id, nil)
		if err == nil && resp.Properties == nil {
			err = missing("the role definition", "properties")
		}
		if err != nil {
			res.err = err
			return
		}
		res.def = roleDefFrom(&resp.RoleDefinition)
	})
	if res.err == nil {
		return res.def
	}
	if b, ok := catalog.AzureBuiltinRole(id); ok {
		return &roleDef{name: b.Name, perms: []permBlock{{b.Actions, b.NotActions, b.DataActions, b.NotDataActions}}}
	}
	r.addGap(audit.Gap{Resource: pid, API: apiRoleDefinitions, Data: audit.DataIdentity,
		Reason: classify(res.err), Message: "role definition " + id + ": " + gapMessage(res.err)})
	return &roleDef{}
}
