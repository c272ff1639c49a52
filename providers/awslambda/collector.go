package awslambda

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/providers/awsfrontdoor"
)

// Options configure a Collector. The zero value audits every enabled region of
// the account the default credentials belong to.
type Options struct {
	// Regions to audit; empty means every region enabled for each account
	// (account:ListRegions).
	Regions []string
	// Accounts narrows the audit to these account ids. Without OrgRole only the
	// caller's own account can be audited.
	Accounts []string
	// OrgRole is the name of a role to assume in every active account of the
	// organization (organizations:ListAccounts from the caller's account, which
	// must be the management or a delegated administrator account). The caller's
	// own account is audited with its own credentials.
	OrgRole string
	// ExternalID is passed to sts:AssumeRole with OrgRole.
	ExternalID string
	// Profile selects a shared config profile (including SSO profiles); empty
	// uses the SDK's default chain (environment, AWS_PROFILE, default profile,
	// container and instance roles).
	Profile string
	// Progress, when set, receives the run's counts as it goes: accounts,
	// account-regions and functions (audit.Progress), at most ten reports a
	// second and a final one with Done set. The collector prints nothing.
	Progress audit.ProgressFunc
	// Now is the clock stamped on the inventory; nil means time.Now.
	Now func() time.Time
	// Concurrency is how many account-regions are collected at once (default 8).
	Concurrency int
	// Quotas override the documented request rates the collector paces itself to.
	Quotas Quotas
	// MaxAttempts is how often a throttled or failed call is tried (default 10).
	MaxAttempts int
	// ConfigOptions are extra options for config.LoadDefaultConfig, e.g. a
	// custom HTTP client or credentials provider.
	ConfigOptions []func(*config.LoadOptions) error

	// UnreachableAfter is how many consecutive connection failures (refused,
	// reset, DNS, TLS) to one service in one account-region stop every
	// further call to it there; the rest of its work becomes one gap
	// (default 3).
	UnreachableAfter int
	// RetryDelay, when set, replaces the delay before every retry; nil waits
	// what the service's Retry-After asks, else an exponential backoff (a
	// short one after a connection failure). Tests use it to retry at once.
	RetryDelay func(attempt int, err error) time.Duration
	// FrontDoors tunes the front-door collection (providers/awsfrontdoor).
	FrontDoors awsfrontdoor.Options

	// Functions and Identities narrow the audit to what a change touched
	// (narrow.go). Functions are unqualified function ARNs: each is read with
	// lambda:GetFunctionConfiguration and its own policy, alias, URL and event
	// source mapping calls, without listing its region. Identities are IAM role
	// or customer-managed policy ARNs: the functions whose execution role is
	// one of those roles, or attaches one of those policies, are audited
	// (one lambda:ListFunctions listing per region of the account). The
	// accounts audited are those the ARNs name, within Accounts; IAM is still
	// read once per account.
	Functions  []string
	Identities []string

	// StartMarker and MaxFunctions split one account-region's collection
	// across calls (organization scale's continuation). StartMarker is the
	// lambda:ListFunctions marker to start listing from; MaxFunctions > 0
	// stops listing once at least that many functions are listed (the page
	// that crosses it is finished, so a part may hold up to one page more).
	// Only the listed functions are read, so each part's inventory stands on
	// its own; IAM, the event source mappings and the region's front doors are
	// read again by every part. Both need exactly one account and one region
	// and no Functions or Identities.
	StartMarker  string
	MaxFunctions int
	// OnStop, when set, is called with the marker to pass as StartMarker to
	// continue when the listing stopped at MaxFunctions with functions left.
	// It is not called when the listing finished.
	OnStop func(account, region, marker string)

	// Organization, when set, is the caller's organization as
	// ReadOrganization read it before (organization scale reads it once per
	// run rather than once per account-region): Collect then makes no
	// Organizations call, takes the organization id and, with OrgRole, the
	// accounts from it, and records its Records unchanged in
	// Inventory.Organizations. nil: Collect reads the organization itself
	// (DescribeOrganization, and ListAccounts once per Collect).
	Organization *OrgListing
}

// Collector lists the Lambda functions, triggers and execution roles of AWS
// accounts into an audit.Inventory. It implements audit.Collector.
type Collector struct {
	opts Options
	cfg  aws.Config
	// http is the HTTP client the collector built (nil when ConfigOptions
	// supplied one); Close releases its idle connections.
	http *http.Client
	// narrow is set when Options.Functions or Options.Identities is.
	narrow *narrowing
}

var _ audit.Collector = (*Collector)(nil)

// New checks the options and loads the AWS configuration from the SDK's standard
// chain (environment, shared config and credentials files, the selected
// profile, SSO, container and instance credentials). Endpoints honour
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>. New makes no API calls.
func New(ctx context.Context, opts Options) (*Collector, error) {
	for _, r := range opts.Regions {
		if strings.TrimSpace(r) == "" || strings.ContainsAny(r, " /") {
			return nil, fmt.Errorf("aws: invalid region %q", r)
		}
	}
	for _, a := range opts.Accounts {
		if !isAccountID(a) {
			return nil, fmt.Errorf("aws: invalid account id %q (want 12 digits)", a)
		}
	}
	if opts.ExternalID != "" && opts.OrgRole == "" {
		return nil, errors.New("aws: an external id needs an org role to assume")
	}
	if strings.ContainsAny(opts.OrgRole, ":") {
		return nil, fmt.Errorf("aws: org role %q must be a role name (with an optional path), not an ARN", opts.OrgRole)
	}
	if l := opts.Organization; l != nil {
		for _, o := range l.Records {
			if o.Provider != audit.AWS {
				return nil, fmt.Errorf("aws: the organization listing holds a %s record; want aws", o.Provider)
			}
		}
	}
	if opts.MaxFunctions < 0 {
		return nil, fmt.Errorf("aws: max functions %d is negative", opts.MaxFunctions)
	}
	if opts.StartMarker != "" || opts.MaxFunctions > 0 {
		if len(dedupe(slices.Sorted(slices.Values(opts.Accounts)))) != 1 || len(dedupe(slices.Sorted(slices.Values(opts.Regions)))) != 1 ||
			len(opts.Functions) > 0 || len(opts.Identities) > 0 {
			return nil, errors.New("aws: a start marker or max functions needs exactly one account and one region, and no functions or identities")
		}
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	opts.Quotas = opts.Quotas.withDefaults()
	if opts.Now == nil {
		opts.Now = time.Now
	}

	load := []func(*config.LoadOptions) error{config.WithRetryer(newRetryer(opts.MaxAttempts, opts.RetryDelay))}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	load = append(load, opts.ConfigOptions...)
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("aws: load configuration: %w", err)
	}
	if cfg.Region == "" {
		// Global services (IAM, Organizations, account) need some region to sign.
		cfg.Region = "us-east-1"
	}
	c := &Collector{opts: opts, cfg: cfg}
	if c.narrow, err = newNarrowing(opts.Functions, opts.Identities, opts.Accounts); err != nil {
		return nil, err
	}
	if c.narrow != nil {
		c.opts.Accounts = c.narrow.accounts()
	}
	c.cfg.HTTPClient, c.http = ownHTTPClient(cfg.HTTPClient)
	return c, nil
}

// ownHTTPClient replaces the SDK's default buildable HTTP client, whose
// connection pools cannot be reached (each service client copies it), with a
// client of the same transport settings (proxy, TLS, custom CA bundle) and
// timeout that every service client shares and Close can release. What the
// SDK adds only to buildable clients is lost: defaults-mode timeouts (none in
// the default legacy mode) and the opt-in per-service read timeouts
// (AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026; Lambda has none). Any other client
// (one passed in ConfigOptions, or a buildable client with a read timeout) is
// kept as it is and stays the caller's.
func ownHTTPClient(hc aws.HTTPClient) (aws.HTTPClient, *http.Client) {
	bc, ok := hc.(*awshttp.BuildableClient)
	if !ok {
		return hc, nil
	}
	if _, set := bc.GetReadTimeout(); set {
		return hc, nil
	}
	own := &http.Client{
		Transport: bc.GetTransport(),
		Timeout:   bc.GetTimeout(),
		// The AWS APIs the collector calls do not redirect; a 3xx answer is
		// returned to the SDK, which reports it, rather than followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return own, own
}

// Close releases the idle connections of the HTTP client the collector built;
// a client passed in ConfigOptions is the caller's and left alone. It is safe
// to call more than once, and a later Collect opens new connections.
func (c *Collector) Close() error {
	if c.http != nil {
		c.http.CloseIdleConnections()
	}
	return nil
}

// Provider returns audit.AWS.
func (c *Collector) Provider() audit.Provider { return audit.AWS }

// target is one account to audit and the configuration that reaches it.
type target struct {
	id, name string
	cfg      aws.Config
	// assume says cfg is still to be made by assuming the org role.
	assume bool
	// breakers stop calls to a service of the account that cannot be reached.
	breakers *breakerSet
}

// run is the state of one Collect call.
type run struct {
	c     *Collector
	orgID string
	// base is the caller's configuration with callerBreakers installed.
	base           aws.Config
	callerBreakers *breakerSet
	org            orgMembership

	mu        sync.Mutex
	functions []audit.Function
	idents    []audit.Identity
	gaps      []audit.Gap
	accounts  []audit.Account
	doors     []audit.FrontDoor

	progress *audit.ProgressCounter
}

func (r *run) addGap(g audit.Gap) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gaps = append(r.gaps, g)
}

// Collect audits the configured scope. It fails only when nothing can be read
// (no credentials, sts:GetCallerIdentity refused); anything narrower becomes a
// Gap in the inventory.
func (c *Collector) Collect(ctx context.Context) (*audit.Inventory, error) {
	// The caller's account is known only from the first answer; its breakers
	// name it from then on.
	callerBreakers := newBreakerSet("", c.opts.UnreachableAfter)
	base := withBreakers(c.cfg, callerBreakers)
	stsc := sts.NewFromConfig(base)
	me, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, wrap("get caller identity", "", err)
	}
	caller, partition := callerOf(deref(me.Account), deref(me.Arn), c.cfg.Region)
	if caller == "" {
		return nil, wrap("get caller identity", "", missing("sts:GetCallerIdentity", "Account (nor an ARN naming one)"))
	}
	callerBreakers.setAccount(caller)
	r := &run{c: c, progress: audit.NewProgressCounter(audit.AWS, c.opts.Progress), base: base, callerBreakers: callerBreakers}
	defer r.progress.Finish()

	orgs := orgClient(base)
	r.readOrg(ctx, orgs)
	if err := r.org.describeErr; err != nil {
		if reason := classify(err); reason != audit.GapNotEnabled && reason != audit.GapAccessDenied {
			g := gapFor(caller, "", "", apiDescribeOrg, audit.DataConfig, err)
			g.Message = "the organization could not be described (" + g.Message +
				"); conditions on the organization id are judged without knowing the caller's organization"
			r.addGap(g)
		}
	}
	targets := r.targets(ctx, orgs, caller)
	r.progress.AddScopes(len(targets))

	// Accounts and account-regions each run Concurrency at a time. An account
	// holds its slot while its regions wait for theirs; region slots never wait
	// for account slots, so the two cannot deadlock.
	acctSem := make(chan struct{}, c.opts.Concurrency)
	sem := make(chan struct{}, c.opts.Concurrency)
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Add(1)
		go func(t target) {
			defer wg.Done()
			defer r.progress.AddScopesDone(1)
			acctSem <- struct{}{}
			defer func() { <-acctSem }()
			if t.assume {
				cfg, err := assumeRole(ctx, c.cfg, stsc, partition, t.id, c.opts.OrgRole, c.opts.ExternalID)
				if err != nil {
					g := gapFor(t.id, "", "", apiAssumeRole, audit.DataFunctions, err)
					switch g.Reason {
					case audit.GapTimeout, audit.GapInterrupted, audit.GapUnreachable:
						// The cause is the run or the endpoint, not the role.
					default:
						g.Reason = audit.GapAssumeRole
					}
					r.addGap(g)
					r.addAccount(audit.Account{Provider: audit.AWS, ID: t.id, Name: t.name, OrgID: r.orgID})
					return
				}
				t.breakers = newBreakerSet(t.id, c.opts.UnreachableAfter)
				t.cfg = withBreakers(cfg, t.breakers)
			}
			r.collectAccount(ctx, t, sem)
		}(t)
	}
	wg.Wait()

	inv := audit.NewInventory(c.opts.Now())
	inv.Functions = append(inv.Functions, r.functions...)
	inv.Identities = r.idents
	inv.Gaps = r.gaps
	inv.Accounts = r.accounts
	inv.Organizations = r.organizationRecords(caller)
	inv.FrontDoors = r.sortedDoors()
	awsfrontdoor.Resolve(inv)
	audit.LinkFrontDoors(inv)
	sort.Slice(inv.Functions, func(i, j int) bool {
		a, b := &inv.Functions[i], &inv.Functions[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.ID < b.ID
	})
	sort.Slice(inv.Identities, func(i, j int) bool { return inv.Identities[i].ID < inv.Identities[j].ID })
	sort.Slice(inv.Accounts, func(i, j int) bool { return inv.Accounts[i].ID < inv.Accounts[j].ID })
	audit.SortGaps(inv.Gaps)
	return inv, nil
}

// callerOf returns the caller's account and partition from GetCallerIdentity's
// answer, whose fields are all optional in the API model: the account from the
// ARN when the Account field is missing, the partition from the region when
// the ARN is.
func callerOf(acct, arn, region string) (string, string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return acct, catalog.AWSPartition(region)
	}
	if acct == "" && isAccountID(parts[4]) {
		acct = parts[4]
	}
	return acct, arnPartition(arn)
}

func arnPartition(arn string) string {
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// targets resolves the accounts to audit. Accounts other than the caller's are
// reached by assuming the org role later, in parallel; without an org role
// they are recorded with an assume-role gap.
func (r *run) targets(ctx context.Context, orgs orgAPI, caller string) []target {
	o := r.c.opts
	want := map[string]bool{}
	for _, a := range o.Accounts {
		want[a] = true
	}
	type acct struct{ id, name string }
	var list []acct
	if o.OrgRole != "" {
		names, err := map[string]string{}, error(nil)
		if r.c.narrow == nil {
			// A narrowed audit names its accounts and needs no listing.
			names, err = r.orgAccounts(ctx, orgs)
		}
		switch {
		case len(want) > 0:
			// The accounts are named: the organization listing only adds their
			// names, so its failure is no gap.
			named := map[string]string{}
			for a := range want {
				named[a] = names[a]
			}
			names = named
		case err != nil:
			g := gapFor(caller, "", "", apiListAccounts, audit.DataFunctions, err)
			g.Message = "the organization's accounts could not be listed (" + g.Message + "); only the caller's account " +
				caller + " was audited"
			r.addGap(g)
			names = map[string]string{caller: ""}
		case len(names) == 0:
			// An organization always holds its management account; an empty
			// listing is a service that does not know the organization.
			r.addGap(audit.Gap{Provider: audit.AWS, Account: caller, API: apiListAccounts, Data: audit.DataFunctions,
				Reason: audit.GapInvalidData, Message: "the organization listing named no active account; only the caller's account " + caller + " was audited"})
			names = map[string]string{caller: ""}
		}
		for _, id := range sortedKeys(names) {
			list = append(list, acct{id, names[id]})
		}
	} else {
		list = append(list, acct{id: caller})
		for _, id := range sortedKeys(want) {
			if id != caller {
				list = append(list, acct{id: id})
			}
		}
	}

	var out []target
	for _, a := range list {
		if len(want) > 0 && !want[a.id] {
			continue
		}
		if a.id == caller {
			out = append(out, target{id: a.id, name: a.name, cfg: r.base, breakers: r.callerBreakers})
			continue
		}
		unreachable := audit.Account{Provider: audit.AWS, ID: a.id, Name: a.name, OrgID: r.orgID}
		if o.OrgRole == "" {
			r.addAccount(unreachable)
			r.addGap(audit.Gap{Provider: audit.AWS, Account: a.id, API: apiAssumeRole, Data: audit.DataFunctions,
				Reason: audit.GapAssumeRole, Message: "account " + a.id + " is not the caller's and no org role was given"})
			continue
		}
		out = append(out, target{id: a.id, name: a.name, assume: true})
	}
	return out
}

func (r *run) addAccount(a audit.Account) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.accounts = append(r.accounts, a)
}

// listOrgAccounts returns the organization's active accounts by id with names.
func listOrgAccounts(ctx context.Context, api orgAPI) (map[string]string, error) {
	out := map[string]string{}
	p := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
	marks := markers{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("organizations list accounts", "", err)
		}
		if page.Accounts == nil {
			return nil, wrap("organizations list accounts", "", missing("organizations:ListAccounts", "Accounts list"))
		}
		for _, a := range page.Accounts {
			// Status is deprecated in favour of State; an account that reports
			// neither (as some emulators do) is taken as active.
			reported := a.Status != "" || a.State != ""
			if reported && a.Status != orgtypes.AccountStatusActive && a.State != orgtypes.AccountStateActive {
				continue
			}
			if id := deref(a.Id); id != "" {
				out[id] = deref(a.Name)
			}
		}
		if marks.repeated(page.NextToken) {
			return nil, wrap("organizations list accounts", "", errRepeatedMarker)
		}
	}
	return out, nil
}

// assumeRole returns a configuration whose credentials come from assuming
// role in account, refreshed by the SDK as they expire. It assumes the role
// once up front so an unreachable account is known before any other call.
func assumeRole(ctx context.Context, base aws.Config, api stsAPI, partition, acct, role, externalID string) (aws.Config, error) {
	role = strings.Trim(role, "/")
	arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, acct, role)
	prov := stscreds.NewAssumeRoleProvider(api, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "fnaudit"
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
	})
	cache := aws.NewCredentialsCache(prov)
	if _, err := cache.Retrieve(ctx); err != nil {
		return aws.Config{}, wrap("assume role", arn, err)
	}
	cfg := base.Copy()
	cfg.Credentials = cache
	return cfg, nil
}

// collectAccount audits one account: its regions in parallel (bounded by sem)
// and its IAM roles once.
func (r *run) collectAccount(ctx context.Context, t target, sem chan struct{}) {
	regions, regionGap := r.regions(ctx, t)
	if regionGap != nil {
		r.addGap(*regionGap)
	}
	r.addAccount(audit.Account{Provider: audit.AWS, ID: t.id, Name: t.name, OrgID: r.orgID, Regions: regions})
	r.progress.AddRegions(len(regions))

	var details iamDetails
	var iamErr error
	var wg sync.WaitGroup
	var roles roleFilter
	if r.c.narrow.hasIdentities(t.id) {
		// The roles to look for are known only once IAM is read.
		details, iamErr = r.readIAM(ctx, t)
		roles = r.c.narrow.roles(t.id, details)
	} else {
		wg.Add(1)
		go func() {
			defer wg.Done()
			details, iamErr = r.readIAM(ctx, t)
		}()
	}

	var fnsMu sync.Mutex
	var fns []audit.Function
	for _, region := range regions {
		wg.Add(1)
		go func(region string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			got := r.collectRegion(ctx, t, region, roles)
			fnsMu.Lock()
			fns = append(fns, got...)
			fnsMu.Unlock()
			r.progress.AddRegionsDone(1)
		}(region)
	}
	if r.c.narrow == nil {
		r.addFrontDoors(awsfrontdoor.CollectCloudFront(ctx, t.cfg, t.id, r.frontDoorOptions()))
	}
	wg.Wait()

	if iamErr != nil {
		r.addGap(gapFor(t.id, "", "", apiAuthDetails, audit.DataIdentity, iamErr))
	}
	r.judgeBuckets(ctx, t, fns) // buckets.go
	idents, gaps := r.identities(t.id, fns, details, iamErr == nil)
	if iamErr == nil {
		authz, authzGaps := mapAuthorization(t.id, details)
		r.setAuthorization(t.id, authz, authzGaps)
	}
	r.mu.Lock()
	r.functions = append(r.functions, fns...)
	r.idents = append(r.idents, idents...)
	r.gaps = append(r.gaps, gaps...)
	r.mu.Unlock()
}

// regions returns the regions to audit in an account: the configured ones, or
// those enabled for it. When they cannot be listed the configuration's region
// is audited and the gap says the rest was not.
func (r *run) regions(ctx context.Context, t target) ([]string, *audit.Gap) {
	if out, ok := r.c.narrow.regionsOf(t.id, r.c.opts.Regions); ok {
		return out, nil
	}
	if len(r.c.opts.Regions) > 0 {
		out := append([]string(nil), r.c.opts.Regions...)
		sort.Strings(out)
		return dedupe(out), nil
	}
	api := account.NewFromConfig(t.cfg)
	var out []string
	p := account.NewListRegionsPaginator(api, &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{
			accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	})
	fallback := func(err error) ([]string, *audit.Gap) {
		g := gapFor(t.id, "", "", apiListRegions, audit.DataFunctions, err)
		g.Message = "only the configured region " + t.cfg.Region + " was audited, because the enabled regions could not be listed (" +
			g.Message + "); name the regions to audit (--regions) to audit others"
		return []string{t.cfg.Region}, &g
	}
	marks := markers{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fallback(err)
		}
		if page.Regions == nil {
			return fallback(missing("account:ListRegions", "Regions list"))
		}
		for _, reg := range page.Regions {
			if name := deref(reg.RegionName); name != "" {
				out = append(out, name)
			}
		}
		if marks.repeated(page.NextToken) {
			return fallback(errRepeatedMarker)
		}
	}
	if len(out) == 0 {
		// Every account has enabled regions; an empty answer is an endpoint
		// that does not really implement the listing.
		return fallback(fmt.Errorf("%w (the listing named no region)", missing("account:ListRegions", "enabled region")))
	}
	sort.Strings(out)
	return dedupe(out), nil
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// readIAM reads every role and managed policy of the account, paced at the IAM
// quota.
func (r *run) readIAM(ctx context.Context, t target) (iamDetails, error) {
	lim := rate.NewLimiter(rate.Limit(r.c.opts.Quotas.IAM), 1)
	api := iam.NewFromConfig(t.cfg, func(o *iam.Options) {
		o.APIOptions = append(o.APIOptions, paceMiddleware(func(string) *rate.Limiter { return lim }))
	})
	return readAuthDetails(ctx, api)
}

func readAuthDetails(ctx context.Context, api iamAPI) (iamDetails, error) {
	var d iamDetails
	p := iam.NewGetAccountAuthorizationDetailsPaginator(api, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []iamtypes.EntityType{iamtypes.EntityTypeRole, iamtypes.EntityTypeLocalManagedPolicy,
			iamtypes.EntityTypeAWSManagedPolicy, iamtypes.EntityTypeUser, iamtypes.EntityTypeGroup},
	})
	marks := markers{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return iamDetails{}, err
		}
		if page.RoleDetailList == nil && page.Policies == nil {
			// Asked for roles and managed policies, IAM sends both lists on
			// every page, empty or not.
			return iamDetails{}, missing("iam:GetAccountAuthorizationDetails", "RoleDetailList and Policies lists")
		}
		d.Roles = append(d.Roles, page.RoleDetailList...)
		d.Policies = append(d.Policies, page.Policies...)
		d.Users = append(d.Users, page.UserDetailList...)
		d.Groups = append(d.Groups, page.GroupDetailList...)
		if page.IsTruncated && deref(page.Marker) == "" {
			return iamDetails{}, errTruncatedNoMarker
		}
		if page.IsTruncated && marks.repeated(page.Marker) {
			return iamDetails{}, errRepeatedMarker
		}
	}
	return d, nil
}

// identities returns the execution roles the account's functions use. A role
// a function names that the account does not have (deleted, or in another
// account) becomes a gap on that role, so identity rules report unknown.
func (r *run) identities(acct string, fns []audit.Function, d iamDetails, ok bool) ([]audit.Identity, []audit.Gap) {
	if !ok {
		return nil, nil
	}
	roles, gaps := mapRoles(acct, d)
	used := map[string]bool{}
	for i := range fns {
		if fns[i].AWS != nil && fns[i].AWS.Role != "" {
			used[fns[i].AWS.Role] = true
		}
	}
	var out []audit.Identity
	keep := map[string]bool{}
	for _, arn := range sortedKeys(used) {
		if id, ok := roles[arn]; ok {
			out = append(out, id)
			keep[arn] = true
			continue
		}
		gaps = append(gaps, audit.Gap{Provider: audit.AWS, Account: acct, Resource: arn, API: apiAuthDetails,
			Data: audit.DataIdentity, Reason: audit.GapNotFound, Message: missingRoleMessage(acct, arn)})
		keep[arn] = true
	}
	// Only gaps about roles in use matter to the analysis.
	var kept []audit.Gap
	for _, g := range gaps {
		if keep[g.Resource] {
			kept = append(kept, g)
		}
	}
	return out, kept
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// missingRoleMessage says why an execution role's permissions are unknown. A
// role ARN of another account (which Lambda itself does not accept, but an
// emulator may report) is said to be out of reach rather than missing.
func missingRoleMessage(acct, arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	switch {
	case len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/"):
		return fmt.Sprintf("execution role %q is not an IAM role ARN", arn)
	case parts[4] != acct:
		return "execution role " + arn + " belongs to account " + parts[4] + ", not to the function's account " + acct +
			"; its permissions were not read"
	}
	return "execution role " + arn + " is not a role of account " + acct
}

// withBreakers returns a copy of cfg whose clients go through the breakers of set.
func withBreakers(cfg aws.Config, set *breakerSet) aws.Config {
	out := cfg.Copy()
	// Clipped: clients built from out concurrently (Lambda, the front-door
	// services) append their own middleware to this slice; with spare
	// capacity they would write into one shared backing array.
	out.APIOptions = slices.Clip(append(append([]func(*middleware.Stack) error(nil), cfg.APIOptions...), set.middleware))
	return out
}
