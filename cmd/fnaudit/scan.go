package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// defaultTimeout bounds scan and collect unless --timeout says otherwise.
const defaultTimeout = time.Hour

// scopeFlags are the command-line form of scanFlags.
type scopeFlags struct {
	providers, regions, accounts, projects, subscriptions, trusted listFlag
	orgRole, externalID, profile                                   string
	timeout                                                        time.Duration
	quiet                                                          bool
}

// providerFlags lists the flags that apply to one provider only.
var providerFlags = []struct {
	name     string
	provider audit.Provider
}{
	{"accounts", audit.AWS}, {"org-role", audit.AWS}, {"external-id", audit.AWS}, {"profile", audit.AWS},
	{"projects", audit.GCP}, {"subscriptions", audit.Azure},
}

func (sf *scopeFlags) register(fs *pflag.FlagSet, withTrusted bool) {
	fs.Var(&sf.providers, "provider", "comma-separated `PROVIDERS` to collect: aws, gcp, azure (default: every cloud whose credentials resolve; the others are skipped with a note on stderr)")
	fs.Var(&sf.regions, "regions", "comma-separated `REGIONS` / locations to collect (default all)")
	fs.Var(&sf.accounts, "accounts", "AWS: comma-separated account `IDS` (default the caller's account, or the organization's with --org-role)")
	fs.StringVar(&sf.orgRole, "org-role", "", "AWS: role `NAME` to assume in each member account")
	fs.StringVar(&sf.externalID, "external-id", "", "AWS: external `ID` for assuming --org-role")
	fs.StringVar(&sf.profile, "profile", "", "AWS: shared config `PROFILE` (default $AWS_PROFILE)")
	fs.DurationVar(&sf.timeout, "timeout", defaultTimeout, "stop collecting after `DURATION`; what was not read by then is reported as gaps (0: no limit)")
	fs.Var(&sf.projects, "projects", "GCP: comma-separated project `IDS` (default every project the caller can see)")
	fs.Var(&sf.subscriptions, "subscriptions", "Azure: comma-separated subscription `IDS` (default every subscription the caller can see)")
	fs.BoolVarP(&sf.quiet, "quiet", "q", false, "no progress lines on stderr")
	if withTrusted {
		fs.Var(&sf.trusted, "trusted-accounts", "comma-separated account / project / tenant `IDS` treated as your own")
		bindEnv(fs, "trusted-accounts")
	}
	for _, name := range []string{"provider", "regions", "accounts", "org-role", "external-id", "projects", "subscriptions", "timeout"} {
		bindEnv(fs, name)
	}
}

func (sf *scopeFlags) resolve(fs *pflag.FlagSet, o *origins, now time.Time, trusted []string) (*scanFlags, error) {
	out := &scanFlags{
		Regions: sf.regions, Accounts: sf.accounts, OrgRole: sf.orgRole, ExternalID: sf.externalID,
		Profile: sf.profile, Projects: sf.projects, Subscriptions: sf.subscriptions,
		TrustedAccounts: trusted, Now: now, Required: map[audit.Provider]bool{},
	}
	given := func(name string) bool { f := fs.Lookup(name); return f != nil && f.Changed }
	explicit := given("provider") || o.fromEnv("provider")
	if explicit && len(sf.providers) == 0 {
		return nil, &usageError{o.label("provider") + ": empty (want aws, gcp, azure or a comma-separated list; leave it out to scan every cloud with credentials)"}
	}
	if !explicit {
		out.Providers = append([]audit.Provider(nil), audit.Providers()...)
	}
	seen := map[audit.Provider]bool{}
	for _, s := range sf.providers {
		p, err := audit.ParseProvider(s)
		if err != nil {
			return nil, &usageError{o.label("provider") + ": " + err.Error()}
		}
		if !seen[p] {
			seen[p] = true
			out.Providers = append(out.Providers, p)
			out.Required[p] = true
		}
	}
	// A provider's own flag on the command line names that provider: it must be
	// scanned, and without --provider its credentials must resolve. From the
	// environment such a value only applies when its provider is scanned.
	for _, pf := range providerFlags {
		switch {
		case given(pf.name) && explicit && !seen[pf.provider]:
			return nil, &usageError{fmt.Sprintf("--%s applies to %s only, which %s leaves out", pf.name, pf.provider, o.label("provider"))}
		case given(pf.name):
			out.Required[pf.provider] = true
		case o.fromEnv(pf.name) && !slices.Contains(out.Providers, pf.provider):
			clearScope(out, pf.name)
		}
	}
	if sf.timeout < 0 {
		return nil, &usageError{o.label("timeout") + " must not be negative (0 means no limit)"}
	}
	if out.ExternalID != "" && out.OrgRole == "" {
		return nil, &usageError{o.label("external-id") + " needs --org-role"}
	}
	return out, nil
}

// clearScope drops a provider-specific value that came from the environment
// for a provider that is not scanned.
func clearScope(f *scanFlags, name string) {
	switch name {
	case "accounts":
		f.Accounts = nil
	case "org-role":
		f.OrgRole = ""
	case "external-id":
		f.ExternalID = ""
	case "profile":
		f.Profile = ""
	case "projects":
		f.Projects = nil
	case "subscriptions":
		f.Subscriptions = nil
	}
}

const scopeHelp = `Without --provider, fnaudit audits every cloud whose credentials resolve and
says on stderr which it skipped for lack of credentials; a skipped cloud is
not a gap. With --provider (or a provider's own flag such as --projects),
missing credentials are an error (exit 2). How credentials are found:
  aws    the SDK's default chain: environment, shared config and --profile /
         AWS_PROFILE (SSO included), container and instance roles
  gcp    Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
         gcloud auth application-default login, the metadata server)
  azure  DefaultAzureCredential (environment, workload identity, managed
         identity, Azure CLI); fnaudit asks it for a token, waiting at most 20s

SIGINT (Ctrl-C) and SIGTERM stop the collection: fnaudit reports what it read,
lists the rest as gaps and exits 3. So does --timeout (default 1h).`

func newScanCmd(e *env) *cobra.Command {
	var rf reportFlags
	var sc scopeFlags
	cmd := &cobra.Command{
		Use:   "scan [flags]",
		Short: "Collect from AWS, GCP and Azure, then analyze",
		Long:  "Collects the functions, triggers and identities of your clouds and reports the findings.\n\n" + scopeHelp,
		Example: `  fnaudit scan                                         # every cloud with credentials
  fnaudit scan --provider aws --regions us-east-1,eu-west-1
  fnaudit scan --provider aws --org-role FnauditAudit --format json --output report.json
  fnaudit scan --provider gcp --projects acme-prod-123 --fail-on high
  fnaudit scan --provider azure --subscriptions 0b1f6471-1bf0-4dda-aec3-111122223333
  FNAUDIT_FORMAT=ocsf FNAUDIT_OUTPUT=findings.json fnaudit scan --timeout 3h`,
		Args: noArgs(""),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := applyEnv(cmd.Flags(), e.getenv)
			if err != nil {
				return err
			}
			plan, err := rf.resolve(o)
			if err != nil {
				return err
			}
			sf, err := sc.resolve(cmd.Flags(), o, plan.now, plan.trusted)
			if err != nil {
				return err
			}
			inv, err := collect(e, sf, sc.timeout, sc.quiet)
			if err != nil {
				return err
			}
			return plan.analyzeAndReport(e, inv)
		},
	}
	rf.register(cmd.Flags())
	sc.register(cmd.Flags(), false) // --trusted-accounts comes with the report flags
	registerCompletions(cmd)
	return cmd
}

func newCollectCmd(e *env) *cobra.Command {
	var sc scopeFlags
	var out, now string
	cmd := &cobra.Command{
		Use:   "collect [flags] --out FILE",
		Short: "Collect only and write the inventory JSON",
		Long: "Collects like scan and writes the inventory (fnaudit.inventory/v1) for fnaudit analyze.\n" +
			"The file is created 0600. Exit 3 when the inventory has gaps.\n\n" + scopeHelp,
		Example: `  fnaudit collect --provider aws --out aws.json
  fnaudit collect --provider gcp,azure --regions europe-west1,westeurope --out eu.json
  fnaudit collect | fnaudit analyze -`,
		Args: noArgs("give the output file with --out"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := applyEnv(cmd.Flags(), e.getenv)
			if err != nil {
				return err
			}
			at, err := parseNow(now)
			if err != nil {
				return &usageError{"--now: " + err.Error()}
			}
			sf, err := sc.resolve(cmd.Flags(), o, at, sc.trusted)
			if err != nil {
				return err
			}
			if out != "-" {
				if err := checkOutput(out, "--out"); err != nil {
					return err
				}
			}
			inv, err := collect(e, sf, sc.timeout, sc.quiet)
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
				err = writeOutput(out, write)
			}
			if err != nil {
				return err
			}
			if n := len(inv.Gaps); n > 0 {
				return &exitError{code: exitGaps, msg: fmt.Sprintf("%s: part of the estate could not be read (see the inventory's gaps)", plural(n, "gap"))}
			}
			return nil
		},
	}
	sc.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&out, "out", "", "write the inventory JSON to `FILE` (- or empty: standard output)")
	cmd.Flags().StringVar(&now, "now", "", "collection `TIME` stamped on the inventory, RFC 3339 (default: current time)")
	registerCompletions(cmd)
	return cmd
}

// errTimedOut is the cause of a collection that --timeout ended.
var errTimedOut = errors.New("--timeout reached")

// collect runs every requested provider's collector in parallel and merges the
// inventories in provider order.
//
// First each provider's credentials are checked: without --provider a cloud
// whose credentials do not resolve is skipped with one line on stderr; a
// required provider (see scanFlags.Required) without credentials is an error
// (exit 2) before anything is collected. A provider that then cannot start or
// fails outright becomes a gap (and a line on stderr) so the others still
// report; when none could collect anything, collect fails with exit 4. A
// timeout above zero bounds the whole collection; collectors turn what they
// could not finish into gaps. When the run's context ends (SIGINT, SIGTERM,
// --timeout), what was collected is returned with a gap for each provider that
// had not finished, so the report is still written (exit 3).
func collect(e *env, sf *scanFlags, timeout time.Duration, quiet bool) (*audit.Inventory, error) {
	sf.Debug, sf.Log = e.debug, e.stderr
	ctx := e.ctx
	if e.catchSignals {
		var stop func()
		ctx, stop = notifyContext(ctx)
		defer stop()
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, errTimedOut)
		defer cancel()
	}

	providers, err := checkCredentials(ctx, e, sf)
	if err != nil {
		return nil, err
	}

	// One display for every provider, fed by the collectors' audit.Progress
	// reports: a rewritten line on a terminal, a line every progressInterval
	// in a log.
	disp := newDisplay(e.stderr, isTerminal(e.stderr), time.Now)
	if !quiet {
		sf.OnProgress = disp.update
		stopTicker := disp.every(progressInterval)
		defer stopTicker()
	}
	type result struct {
		inv     *audit.Inventory
		err     error
		stopped bool // the run's context ended before the collector returned
	}
	results := make([]result, len(providers))
	var wg sync.WaitGroup
	for i, p := range providers {
		disp.started(p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, err := collectOne(ctx, p, sf)
			results[i] = result{inv, err, ctx.Err() != nil}
			disp.finished(p)
		}()
	}
	wg.Wait()

	stopCause := ""
	if ctx.Err() != nil {
		stopCause = stopReason(ctx)
		fmt.Fprintf(e.stderr, "fnaudit: %s: collection stopped; what was not read is reported as gaps\n", stopCause)
	}
	var invs []*audit.Inventory
	var gaps []audit.Gap
	var failures []string
	for i, p := range providers {
		r := results[i]
		if r.err != nil {
			msg := explain(p, sf, r.err)
			reason := gapReason(r.err)
			if r.stopped {
				msg, reason = fmt.Sprintf("%s before the collection finished (%s)", stopCause, msg), audit.GapTimeout
			}
			failures = append(failures, fmt.Sprintf("%s: %s", p, msg))
			gaps = append(gaps, audit.Gap{Provider: p, API: "fnaudit:collect", Data: audit.DataFunctions, Reason: reason, Message: msg})
			if e.debug {
				fmt.Fprintf(e.stderr, "fnaudit: %s: debug: %s\n", p, oneLine(r.err.Error()))
			}
			continue
		}
		if r.stopped {
			gaps = append(gaps, audit.Gap{Provider: p, API: "fnaudit:collect", Data: audit.DataFunctions, Reason: audit.GapTimeout,
				Message: stopCause + " before the collection finished; what was not read by then is missing"})
		}
		invs = append(invs, r.inv)
	}
	if len(invs) == 0 && stopCause == "" {
		return nil, &exitError{code: exitNoProvider, msg: "no provider could collect: " + strings.Join(failures, "; ")}
	}
	for _, g := range gaps {
		fmt.Fprintf(e.stderr, "fnaudit: %s: %s (recorded as a gap)\n", g.Provider, oneLine(g.Message))
	}
	inv := audit.Merge(invs...)
	inv.Gaps = append(inv.Gaps, gaps...)
	if inv.GeneratedAt.IsZero() {
		inv.GeneratedAt = sf.Now
	}
	return inv, nil
}

// stopReason names why ctx ended: the signal, or --timeout.
func stopReason(ctx context.Context) string {
	cause := context.Cause(ctx)
	var se *signalError
	switch {
	case errors.As(cause, &se):
		return "interrupted by " + se.name()
	case errors.Is(cause, errTimedOut), errors.Is(cause, context.DeadlineExceeded):
		return "--timeout reached"
	}
	return "cancelled"
}

// checkCredentials runs the credential check of every provider in sf and
// returns the providers to collect. Skipped clouds get one line on stderr.
func checkCredentials(ctx context.Context, e *env, sf *scanFlags) ([]audit.Provider, error) {
	errs := make([]error, len(sf.Providers))
	var wg sync.WaitGroup
	for i, p := range sf.Providers {
		check := credentialChecks[p]
		if check == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = check(ctx, sf)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		// Stopped while checking: collect nothing; every provider becomes a gap
		// that says why, and the (empty) report is still written.
		return sf.Providers, nil
	}
	var run []audit.Provider
	var missing, skipped, skipLines []string
	var detail []string
	for i, p := range sf.Providers {
		err := errs[i]
		if err == nil {
			run = append(run, p)
			continue
		}
		msg := explain(p, sf, err)
		detail = append(detail, fmt.Sprintf("%s: %v", p, errors.Unwrap(err)))
		if sf.Required[p] {
			missing = append(missing, fmt.Sprintf("%s: %s", p, msg))
			continue
		}
		skipped = append(skipped, string(p))
		skipLines = append(skipLines, fmt.Sprintf("fnaudit: skipping %s: %s\n", p, msg))
		if e.debug {
			skipLines = append(skipLines, fmt.Sprintf("fnaudit: %s: debug: %s\n", p, oneLine(fmt.Sprint(errors.Unwrap(err)))))
		}
	}
	if len(missing) > 0 {
		// Nothing runs: the one line says what to fix.
		return nil, &exitError{code: exitUsage, msg: strings.Join(missing, "; "), detail: strings.Join(detail, "; ")}
	}
	for _, l := range skipLines {
		fmt.Fprint(e.stderr, l)
	}
	if len(run) == 0 {
		return nil, &exitError{code: exitNoProvider, msg: fmt.Sprintf("no provider could collect: no credentials for %s (see the lines above)", strings.Join(skipped, ", "))}
	}
	return run, nil
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
	case errors.Is(err, context.Canceled):
		return audit.GapInterrupted
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
	inv, err = c.Collect(ctx)
	if err != nil {
		return nil, err
	}
	if inv == nil {
		return nil, fmt.Errorf("the collector returned no inventory")
	}
	return inv, nil
}
