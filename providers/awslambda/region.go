package awslambda

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/fnaudit/fnaudit/audit"
)

// functionWorkers is how many functions of one account-region are read at once.
// The limiters set the pace; the workers only need to keep both of them (GetPolicy
// and the other calls) busy while earlier calls are in flight or retrying.
const functionWorkers = 8

// collectRegion audits one account-region with its own paced Lambda client.
func (r *run) collectRegion(ctx context.Context, t target, region string, roles roleFilter) []audit.Function {
	if r.c.narrow == nil {
		// A narrowed (event-mode) audit reads only the functions a change
		// touched, not the region's front doors; event mode keeps the last
		// full run's front-door verdicts (lambda/events.go).
		defer r.frontDoorsOf(ctx, t, region)() // in parallel: their quotas are not Lambda's
	}
	lim := newLambdaLimiters(r.c.opts.Quotas)
	api := lambda.NewFromConfig(t.cfg, func(o *lambda.Options) {
		o.Region = region
		o.APIOptions = append(o.APIOptions, paceMiddleware(lim.forOperation))
	})
	var fns []audit.Function
	var gaps []audit.Gap
	if r.c.narrow != nil {
		fns, gaps = collectNarrowed(ctx, api, t.id, region, r.c.narrow.functionsIn(t.id, region), roles,
			func() { r.progress.AddFunctions(1) })
	} else {
		var next string
		fns, gaps, next = collectLambda(ctx, api, t.id, region, r.c.opts.StartMarker, r.c.opts.MaxFunctions,
			func() { r.progress.AddFunctions(1) })
		if next != "" && r.c.opts.OnStop != nil {
			r.c.opts.OnStop(t.id, region, next)
		}
	}
	gaps = foldUnreachable(gaps, t.breakers.opened("Lambda", region), t.id, region)
	r.mu.Lock()
	r.gaps = append(r.gaps, gaps...)
	r.mu.Unlock()
	return fns
}

// collectLambda lists the functions of one account-region and reads, per
// function, its resource policies (function and aliases), its URL
// configurations where they can matter, and the triggers of the region's event
// source mappings. done is called once per finished function.
//
// The listing starts at marker (empty: the first page). With max > 0 it stops
// after the page on which at least max functions are listed and returns the
// marker to continue from (empty when the listing finished).
func collectLambda(ctx context.Context, api lambdaAPI, acct, region, marker string, max int, done func()) ([]audit.Function, []audit.Gap, string) {
	var gaps []audit.Gap
	var gapsMu sync.Mutex
	addGap := func(g audit.Gap) {
		gapsMu.Lock()
		gaps = append(gaps, g)
		gapsMu.Unlock()
	}

	in := &lambda.ListFunctionsInput{}
	if marker != "" {
		in.Marker = aws.String(marker)
	}
	pages := lambda.NewListFunctionsPaginator(api, in)
	first, err := pages.NextPage(ctx)
	if err == nil && first.Functions == nil {
		err = missing("lambda:ListFunctions", "Functions list")
	}
	if err != nil {
		// Nothing of this region is readable (opted out, denied): one gap says so,
		// instead of one per call that would fail the same way.
		addGap(gapFor(acct, region, "", apiListFunctions, audit.DataFunctions, err))
		return nil, gaps, ""
	}

	type esmResult struct {
		byFunction map[string][]audit.Trigger
		err        error
	}
	esmCh := make(chan esmResult, 1)
	go func() {
		m, err := listESMs(ctx, api)
		esmCh <- esmResult{m, err}
	}()

	var fns []*audit.Function
	jobs := make(chan *audit.Function, 2*functionWorkers)
	var wg sync.WaitGroup
	for i := 0; i < functionWorkers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fn := range jobs {
				for _, g := range readFunction(ctx, api, fn) {
					addGap(g)
				}
				if done != nil {
					done()
				}
			}
		}()
	}
	seen := map[string]bool{}
	emit := func(page *lambda.ListFunctionsOutput) {
		for i := range page.Functions {
			fn, g := mapFunction(acct, region, &page.Functions[i])
			if g != nil {
				addGap(*g)
			}
			if fn.ID == "" {
				addGap(audit.Gap{Provider: audit.AWS, Account: acct, Region: region, API: apiListFunctions,
					Data: audit.DataFunctions, Reason: audit.GapInvalidData,
					Message: "a listed function had neither a name nor an ARN and was skipped"})
				continue
			}
			if seen[fn.ID] {
				// A page served twice (a service that ignored the marker).
				continue
			}
			seen[fn.ID] = true
			p := &fn
			fns = append(fns, p)
			jobs <- p
		}
	}
	marks := markers{}
	stopped := func(err error) {
		g := gapFor(acct, region, "", apiListFunctions, audit.DataFunctions, err)
		g.Message = fmt.Sprintf("listing stopped after %d functions: %s", len(fns), g.Message)
		addGap(g)
	}
	var next string
	full := func(page *lambda.ListFunctionsOutput) bool {
		if max > 0 && len(fns) >= max && deref(page.NextMarker) != "" {
			next = deref(page.NextMarker)
			return true
		}
		return false
	}
	emit(first)
	marks.repeated(first.NextMarker) // remembers the first page's marker
	for enough := full(first); !enough && pages.HasMorePages(); {
		page, err := pages.NextPage(ctx)
		if err == nil && page.Functions == nil {
			err = missing("lambda:ListFunctions", "Functions list")
		}
		if err != nil {
			stopped(err)
			break
		}
		emit(page)
		if marks.repeated(page.NextMarker) {
			stopped(errRepeatedMarker)
			break
		}
		enough = full(page)
	}
	close(jobs)
	wg.Wait()

	esm := <-esmCh
	if esm.err != nil {
		addGap(gapFor(acct, region, "", apiListESMs, audit.DataTriggers, esm.err))
	}
	out := make([]audit.Function, 0, len(fns))
	for _, fn := range fns {
		fn.Triggers = append(fn.Triggers, esm.byFunction[fn.ID]...)
		out = append(out, *fn)
	}
	return out, gaps, next
}

// listESMs lists the region's event source mappings once and groups their
// triggers by unqualified function ARN.
func listESMs(ctx context.Context, api lambdaAPI) (map[string][]audit.Trigger, error) {
	out := map[string][]audit.Trigger{}
	p := lambda.NewListEventSourceMappingsPaginator(api, &lambda.ListEventSourceMappingsInput{})
	marks, seen := markers{}, map[string]bool{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, err
		}
		if page.EventSourceMappings == nil {
			return out, missing("lambda:ListEventSourceMappings", "EventSourceMappings list")
		}
		for i := range page.EventSourceMappings {
			m := &page.EventSourceMappings[i]
			if id := deref(m.UUID); id != "" {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			arn := unqualifiedARN(deref(m.FunctionArn))
			out[arn] = append(out[arn], esmTrigger(m))
		}
		if marks.repeated(page.NextMarker) {
			return out, errRepeatedMarker
		}
	}
	return out, nil
}

// readFunction fills fn's resource policies, aliases, access entries, triggers
// and URLs, and returns the gaps of the calls that failed.
//
// URL configurations are read only when some statement of the function's or an
// alias's policy can allow lambda:InvokeFunctionUrl, or when a policy could not
// be read: without such a statement a URL (whatever its auth type) can only be
// called by principals of the function's own account through their identity
// policies, which no invocation verdict depends on. See docs/aws.md.
func readFunction(ctx context.Context, api lambdaAPI, fn *audit.Function) []audit.Gap {
	var gaps []audit.Gap
	gap := func(api string, err error) {
		gaps = append(gaps, gapFor(fn.Account, fn.Region, fn.ID, api, audit.DataAccess, err))
	}

	var (
		wg      sync.WaitGroup
		pol     *lambda.GetPolicyOutput
		polErr  error
		aliases []string
		aliErr  error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		pol, polErr = api.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(fn.ID)})
	}()
	p := lambda.NewListAliasesPaginator(api, &lambda.ListAliasesInput{FunctionName: aws.String(fn.ID)})
	marks, seenAlias := markers{}, map[string]bool{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err == nil && page.Aliases == nil {
			err = missing("lambda:ListAliases", "Aliases list")
		}
		if err != nil {
			aliErr = err
			break
		}
		for _, a := range page.Aliases {
			name := deref(a.Name)
			if name == "" {
				name = qualifierOf(deref(a.AliasArn))
			}
			if name == "" || seenAlias[name] {
				// Nameless: reading its policy would read the function's again.
				continue
			}
			seenAlias[name] = true
			aliases = append(aliases, name)
		}
		if marks.repeated(page.NextMarker) {
			aliErr = errRepeatedMarker
			break
		}
	}
	wg.Wait()

	needURL := false
	addPolicy := func(qualifier string, out *lambda.GetPolicyOutput, err error) {
		switch {
		case err != nil && isNotFound(err):
			// No resource policy: nobody outside the account can invoke.
		case err != nil:
			gap(apiGetPolicy, err)
			needURL = true
		case out == nil || strings.TrimSpace(deref(out.Policy)) == "":
			// GetPolicy answers a function without a policy with
			// ResourceNotFoundException; a success without the document says
			// nothing about what it grants.
			gap(apiGetPolicy, missing("lambda:GetPolicy", "Policy document"))
			needURL = true
		default:
			facts, perr := mapPolicy(fn.ID, qualifier, deref(out.Policy))
			needURL = needURL || facts.URLInvoke
			if perr != nil {
				g := gapFor(fn.Account, fn.Region, fn.ID, apiGetPolicy, audit.DataAccess, perr)
				g.Reason = audit.GapInvalidData
				gaps = append(gaps, g)
				return
			}
			fn.AWS.Policies = append(fn.AWS.Policies, facts.Policy)
			fn.Access = append(fn.Access, facts.Access...)
			fn.Triggers = append(fn.Triggers, facts.Triggers...)
		}
	}
	addPolicy("", pol, polErr)

	if aliErr != nil {
		if !isNotFound(aliErr) {
			gap(apiListAliases, aliErr)
			needURL = true
		}
	}
	fn.AWS.Aliases = aliases
	for _, a := range aliases {
		out, err := api.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(fn.ID), Qualifier: aws.String(a)})
		addPolicy(a, out, err)
	}

	if !needURL {
		fn.AWS.URLsChecked = true
		return gaps
	}
	up := lambda.NewListFunctionUrlConfigsPaginator(api, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String(fn.ID)})
	urlMarks, seenURL := markers{}, map[string]bool{}
	for up.HasMorePages() {
		page, err := up.NextPage(ctx)
		if err == nil && page.FunctionUrlConfigs == nil {
			err = missing("lambda:ListFunctionUrlConfigs", "FunctionUrlConfigs list")
		}
		if err != nil {
			if isNotFound(err) {
				break
			}
			gap(apiListURLs, err)
			return gaps
		}
		for i := range page.FunctionUrlConfigs {
			u, trig := mapURL(&page.FunctionUrlConfigs[i])
			if seenURL[u.Qualifier+" "+u.URL] {
				continue
			}
			seenURL[u.Qualifier+" "+u.URL] = true
			fn.AWS.URLs = append(fn.AWS.URLs, u)
			fn.Triggers = append(fn.Triggers, trig)
			if u.Qualifier == "" || fn.URL == "" {
				fn.URL = u.URL
			}
		}
		if urlMarks.repeated(page.NextMarker) {
			gap(apiListURLs, errRepeatedMarker)
			return gaps
		}
	}
	fn.AWS.URLsChecked = true
	return gaps
}

// foldUnreachable replaces the gaps that an open breaker (open, nil when the
// service stayed reachable) caused in one account-region by one gap per kind
// of data, naming the cause and how much was lost.
func foldUnreachable(gaps []audit.Gap, open *unreachableError, acct, region string) []audit.Gap {
	if open == nil {
		return gaps
	}
	var kept []audit.Gap
	byData := map[audit.DataKind][]audit.Gap{}
	for _, g := range gaps {
		if g.Reason == audit.GapUnreachable {
			byData[g.Data] = append(byData[g.Data], g)
			continue
		}
		kept = append(kept, g)
	}
	for _, data := range audit.DataKinds() {
		lost := byData[data]
		if len(lost) == 0 {
			continue
		}
		fns := map[string]bool{}
		apis := map[string]bool{}
		for _, g := range lost {
			if g.Resource != "" {
				fns[g.Resource] = true
			}
			apis[g.API] = true
		}
		var what string
		switch {
		case data == audit.DataFunctions && strings.HasPrefix(lost[0].Message, "listing stopped after"):
			what = "the function " + strings.SplitN(lost[0].Message, ":", 2)[0]
		case data == audit.DataFunctions:
			what = "the region's functions were not listed"
		case data == audit.DataTriggers && len(fns) == 0:
			what = "the region's event source mappings were not read"
		case len(fns) > 0:
			what = fmt.Sprintf("%d functions' %s not read", len(fns), dataWords(data))
		default:
			what = dataWords(data) + " not read"
		}
		api := strings.Join(sortedKeys(apis), ", ")
		kept = append(kept, audit.Gap{Provider: audit.AWS, Account: acct, Region: region, API: api, Data: data,
			Reason: audit.GapUnreachable, Message: open.Error() + "; " + what})
	}
	return kept
}

func dataWords(d audit.DataKind) string {
	switch d {
	case audit.DataAccess:
		return "policies, aliases or URL configurations"
	case audit.DataTriggers:
		return "triggers"
	}
	return string(d) + " data"
}
