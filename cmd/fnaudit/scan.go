package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// collectorFactory builds one provider's collector for a scope. The factories
// live in provider_<name>.go, one file per provider.
type collectorFactory func(ctx context.Context, f *scanFlags) (audit.Collector, error)

// factories maps each provider to its factory; tests replace entries.
var factories = map[audit.Provider]collectorFactory{
	audit.AWS:   newAWSCollector,
	audit.GCP:   newGCPCollector,
	audit.Azure: newAzureCollector,
}

// scopeFlags are the command-line form of scanFlags.
type scopeFlags struct {
	providers, regions, accounts, projects, subscriptions, trusted listFlag
	orgRole, externalID, profile                                   string
	timeout                                                        time.Duration
}

func (sf *scopeFlags) register(fs *flagSet, withTrusted bool) {
	fs.Var(&sf.providers, "provider", "comma-separated `PROVIDERS` to collect: aws, gcp, azure (default all three)")
	fs.Var(&sf.regions, "regions", "comma-separated `REGIONS` / locations to collect (default all)")
	fs.Var(&sf.accounts, "accounts", "comma-separated AWS account `IDS` (default the caller's account, or the organization's with --org-role)")
	fs.StringVar(&sf.orgRole, "org-role", "", "AWS role `NAME` to assume in each member account")
	fs.StringVar(&sf.externalID, "external-id", "", "external `ID` for assuming --org-role")
	fs.StringVar(&sf.profile, "profile", "", "AWS shared config `PROFILE`")
	fs.DurationVar(&sf.timeout, "timeout", 0, "stop collecting after `DURATION` (e.g. 10m); what was not read by then is reported as gaps (default no limit)")
	fs.Var(&sf.projects, "projects", "comma-separated GCP project `IDS` (default every project the caller can see)")
	fs.Var(&sf.subscriptions, "subscriptions", "comma-separated Azure subscription `IDS` (default every subscription the caller can see)")
	if withTrusted {
		fs.Var(&sf.trusted, "trusted-accounts", "comma-separated account / project / tenant `IDS` treated as your own")
	}
}

func (sf *scopeFlags) resolve(now time.Time, trusted []string) (*scanFlags, error) {
	out := &scanFlags{
		Regions: sf.regions, Accounts: sf.accounts, OrgRole: sf.orgRole, ExternalID: sf.externalID,
		Profile: sf.profile, Projects: sf.projects, Subscriptions: sf.subscriptions,
		TrustedAccounts: trusted, Now: now,
	}
	if len(sf.providers) == 0 {
		out.Providers = append([]audit.Provider(nil), audit.Providers()...)
	}
	seen := map[audit.Provider]bool{}
	for _, s := range sf.providers {
		p, err := audit.ParseProvider(s)
		if err != nil {
			return nil, &usageError{"--provider: " + err.Error()}
		}
		if !seen[p] {
			seen[p] = true
			out.Providers = append(out.Providers, p)
		}
	}
	if sf.timeout < 0 {
		return nil, &usageError{"--timeout must not be negative"}
	}
	if out.ExternalID != "" && out.OrgRole == "" {
		return nil, &usageError{"--external-id needs --org-role"}
	}
	return out, nil
}

func cmdScan(e *env, args []string) error {
	fs := newFlagSet(e, "scan", "scan [flags]")
	var rf reportFlags
	var sc scopeFlags
	rf.register(fs)
	sc.register(fs, false) // --trusted-accounts comes with the report flags
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	plan, err := rf.resolve()
	if err != nil {
		return err
	}
	sf, err := sc.resolve(plan.now, plan.trusted)
	if err != nil {
		return err
	}
	inv, err := collect(e, sf, sc.timeout)
	if err != nil {
		return err
	}
	return plan.analyzeAndReport(e, inv)
}

func cmdCollect(e *env, args []string) error {
	fs := newFlagSet(e, "collect", "collect [flags] --out FILE")
	var sc scopeFlags
	var out, now string
	sc.register(fs, true)
	fs.StringVar(&out, "out", "", "write the inventory JSON to `FILE` (- or empty: standard output)")
	fs.StringVar(&now, "now", "", "collection time stamped on the inventory, RFC 3339 (default: current time)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q (give the output file with --out)", pos[0])}
	}
	at, err := parseNow(now)
	if err != nil {
		return &usageError{"--now: " + err.Error()}
	}
	sf, err := sc.resolve(at, sc.trusted)
	if err != nil {
		return err
	}
	inv, err := collect(e, sf, sc.timeout)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(inv); err != nil {
			return fmt.Errorf("write inventory: %w", err)
		}
		return nil
	}
	if out == "" || out == "-" {
		err = write(e.stdout)
	} else {
		err = writeFileAtomic(out, write)
	}
	if err != nil {
		return err
	}
	if n := len(inv.Gaps); n > 0 {
		return &exitError{code: exitGaps, msg: fmt.Sprintf("%s: part of the estate could not be read (see the inventory's gaps)", plural(n, "gap"))}
	}
	return nil
}

// collect runs every requested provider's collector in parallel and merges the
// inventories in provider order. A provider that cannot start or fails outright
// becomes a gap (and a line on stderr) so the others still report; when none
// could collect anything, collect fails. A timeout above zero bounds the whole
// collection; collectors turn what they could not finish into gaps.
func collect(e *env, sf *scanFlags, timeout time.Duration) (*audit.Inventory, error) {
	if isTerminal(e.stderr) {
		sf.Progress = e.stderr
	}
	ctx := e.ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	type result struct {
		inv *audit.Inventory
		err error
	}
	results := make([]result, len(sf.Providers))
	var wg sync.WaitGroup
	for i, p := range sf.Providers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, err := collectOne(ctx, p, sf)
			results[i] = result{inv, err}
		}()
	}
	wg.Wait()

	var invs []*audit.Inventory
	var gaps []audit.Gap
	var failures []string
	for i, p := range sf.Providers {
		if err := results[i].err; err != nil {
			msg := oneLine(err.Error())
			failures = append(failures, msg)
			gaps = append(gaps, audit.Gap{Provider: p, API: "fnaudit:collect", Data: audit.DataFunctions,
				Reason: gapReason(err), Message: msg})
			continue
		}
		invs = append(invs, results[i].inv)
	}
	if len(invs) == 0 {
		return nil, fmt.Errorf("no provider could collect: %s", strings.Join(failures, "; "))
	}
	for _, g := range gaps {
		fmt.Fprintf(e.stderr, "fnaudit: %s: %s (recorded as a gap)\n", g.Provider, g.Message)
	}
	inv := audit.Merge(invs...)
	inv.Gaps = append(inv.Gaps, gaps...)
	if inv.GeneratedAt.IsZero() {
		inv.GeneratedAt = sf.Now
	}
	return inv, nil
}

// errNotAvailable marks factory errors: the provider is not built in or not
// configured, as opposed to failing while collecting.
type errNotAvailable struct{ err error }

func (e *errNotAvailable) Error() string { return e.err.Error() }
func (e *errNotAvailable) Unwrap() error { return e.err }

func gapReason(err error) audit.GapReason {
	var na *errNotAvailable
	switch {
	case errors.As(err, &na):
		return audit.GapNotAvailable
	case errors.Is(err, context.DeadlineExceeded):
		return audit.GapTimeout
	}
	return audit.GapError
}

func collectOne(ctx context.Context, p audit.Provider, sf *scanFlags) (inv *audit.Inventory, err error) {
	defer func() {
		// A collector is library code and should not panic; if one does, the
		// other providers' results still count.
		if v := recover(); v != nil {
			inv, err = nil, fmt.Errorf("collector panicked: %v", v)
		}
	}()
	factory := factories[p]
	if factory == nil {
		return nil, &errNotAvailable{fmt.Errorf("provider %s is not available in this build", p)}
	}
	c, err := factory(ctx, sf)
	if err != nil {
		return nil, &errNotAvailable{err}
	}
	if sf.Progress != nil {
		fmt.Fprintf(sf.Progress, "fnaudit: collecting %s...\n", p)
	}
	inv, err = c.Collect(ctx)
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	if inv == nil {
		return nil, fmt.Errorf("collect: collector returned no inventory")
	}
	return inv, nil
}
