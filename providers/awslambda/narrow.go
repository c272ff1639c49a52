package awslambda

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

const apiGetFunctionConfig = "lambda:GetFunctionConfiguration"

// narrowing is a collection limited to named functions and to the functions
// of named identities (Options.Functions, Options.Identities).
type narrowing struct {
	// functions: account -> region -> function names.
	functions map[string]map[string][]string
	// roleNames: account -> role names (a role name is unique in its account,
	// whatever its path, and CloudTrail's IAM events name roles by name).
	roleNames map[string]map[string]bool
	// policies: account -> customer-managed policy ARNs.
	policies map[string]map[string]bool
}

// newNarrowing parses the ARNs; it returns nil when both lists are empty. An
// ARN of an account outside accounts (when accounts is not empty) is an error,
// so a narrowed audit never widens the configured one.
func newNarrowing(functions, identities, accounts []string) (*narrowing, error) {
	if len(functions) == 0 && len(identities) == 0 {
		return nil, nil
	}
	allowed := map[string]bool{}
	for _, a := range accounts {
		allowed[a] = true
	}
	check := func(acct, arn string) error {
		if len(allowed) > 0 && !allowed[acct] {
			return fmt.Errorf("aws: %s is in account %s, outside the accounts to audit", arn, acct)
		}
		return nil
	}
	n := &narrowing{functions: map[string]map[string][]string{}, roleNames: map[string]map[string]bool{},
		policies: map[string]map[string]bool{}}
	for _, arn := range functions {
		p := strings.Split(arn, ":")
		if len(p) != 7 || p[0] != "arn" || p[2] != "lambda" || p[5] != "function" || !isAccountID(p[4]) || p[3] == "" || p[6] == "" {
			return nil, fmt.Errorf("aws: %q is not an unqualified Lambda function ARN", arn)
		}
		if err := check(p[4], arn); err != nil {
			return nil, err
		}
		if n.functions[p[4]] == nil {
			n.functions[p[4]] = map[string][]string{}
		}
		n.functions[p[4]][p[3]] = append(n.functions[p[4]][p[3]], p[6])
	}
	for _, arn := range identities {
		p := strings.SplitN(arn, ":", 6)
		if len(p) != 6 || p[0] != "arn" || p[2] != "iam" || !isAccountID(p[4]) {
			return nil, fmt.Errorf("aws: %q is not an IAM role or customer-managed policy ARN", arn)
		}
		if err := check(p[4], arn); err != nil {
			return nil, err
		}
		switch {
		case strings.HasPrefix(p[5], "role/"):
			name := p[5][strings.LastIndexByte(p[5], '/')+1:]
			if n.roleNames[p[4]] == nil {
				n.roleNames[p[4]] = map[string]bool{}
			}
			n.roleNames[p[4]][name] = true
		case strings.HasPrefix(p[5], "policy/"):
			if n.policies[p[4]] == nil {
				n.policies[p[4]] = map[string]bool{}
			}
			n.policies[p[4]][arn] = true
		default:
			return nil, fmt.Errorf("aws: %q is not an IAM role or customer-managed policy ARN", arn)
		}
	}
	return n, nil
}

// accounts returns the accounts the ARNs name, sorted.
func (n *narrowing) accounts() []string {
	set := map[string]bool{}
	for a := range n.functions {
		set[a] = true
	}
	for a := range n.roleNames {
		set[a] = true
	}
	for a := range n.policies {
		set[a] = true
	}
	return sortedKeys(set)
}

func (n *narrowing) hasIdentities(acct string) bool {
	return n != nil && (len(n.roleNames[acct]) > 0 || len(n.policies[acct]) > 0)
}

// regionsOf returns the regions of the account's named functions, within
// configured (when set), and true when only those are to be read: when the
// account has identities to follow, its functions are found by listing every
// region to audit, so it returns false.
func (n *narrowing) regionsOf(acct string, configured []string) ([]string, bool) {
	if n == nil || n.hasIdentities(acct) {
		return nil, false
	}
	allowed := map[string]bool{}
	for _, r := range configured {
		allowed[r] = true
	}
	var out []string
	for r := range n.functions[acct] {
		if len(allowed) == 0 || allowed[r] {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out, true
}

// functionsIn returns the named functions of one account-region.
func (n *narrowing) functionsIn(acct, region string) []string {
	if n == nil {
		return nil
	}
	out := append([]string(nil), n.functions[acct][region]...)
	sort.Strings(out)
	return dedupe(out)
}

// roleFilter holds the role ARNs whose functions a narrowed collection keeps
// when it lists a region; nil keeps none.
type roleFilter map[string]bool

// roles returns the ARNs of the account's roles named, or attaching (or
// bounded by) a named managed policy. A named role the details do not hold
// (IAM unreadable, or just deleted) is still matched by name.
func (n *narrowing) roles(acct string, d iamDetails) roleFilter {
	out := roleFilter{}
	names := n.roleNames[acct]
	pols := n.policies[acct]
	for _, r := range d.Roles {
		arn, hit := deref(r.Arn), names[deref(r.RoleName)]
		for _, p := range r.AttachedManagedPolicies {
			hit = hit || pols[deref(p.PolicyArn)]
		}
		if r.PermissionsBoundary != nil {
			hit = hit || pols[deref(r.PermissionsBoundary.PermissionsBoundaryArn)]
		}
		if hit && arn != "" {
			out[arn] = true
		}
	}
	for name := range names {
		out["name:"+name] = true
	}
	return out
}

// keeps reports whether a function whose execution role is roleARN is kept.
func (f roleFilter) keeps(roleARN string) bool {
	if len(f) == 0 || roleARN == "" {
		return false
	}
	return f[roleARN] || f["name:"+roleARN[strings.LastIndexByte(roleARN, '/')+1:]]
}

// collectNarrowed reads the named functions of one account-region, and, when
// roles is not empty, the region's listed functions whose execution role it
// keeps. A named function that no longer exists is simply absent (it was
// deleted); any other failure to read it is a gap on that function. Each
// function's event source mappings are listed for that function only.
func collectNarrowed(ctx context.Context, api lambdaAPI, acct, region string, names []string, roles roleFilter, done func()) ([]audit.Function, []audit.Gap) {
	var gaps []audit.Gap
	var fns []*audit.Function
	seen := map[string]bool{}
	add := func(fc *lambdatypes.FunctionConfiguration) {
		fn, g := mapFunction(acct, region, fc)
		if g != nil {
			gaps = append(gaps, *g)
		}
		if fn.ID == "" || seen[fn.ID] {
			return
		}
		seen[fn.ID] = true
		fns = append(fns, &fn)
	}
	for _, name := range names {
		out, err := api.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name)})
		switch {
		case err != nil && isNotFound(err):
		case err != nil:
			arn := fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", catalog.AWSPartition(region), region, acct, name)
			gaps = append(gaps, gapFor(acct, region, arn, apiGetFunctionConfig, audit.DataFunctions, err))
		default:
			add(configOf(out))
		}
	}
	if len(roles) > 0 {
		p := lambda.NewListFunctionsPaginator(api, &lambda.ListFunctionsInput{})
		marks := markers{}
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err == nil && page.Functions == nil {
				err = missing("lambda:ListFunctions", "Functions list")
			}
			if err != nil {
				gaps = append(gaps, gapFor(acct, region, "", apiListFunctions, audit.DataFunctions, err))
				break
			}
			for i := range page.Functions {
				if roles.keeps(deref(page.Functions[i].Role)) {
					add(&page.Functions[i])
				}
			}
			if marks.repeated(page.NextMarker) {
				gaps = append(gaps, gapFor(acct, region, "", apiListFunctions, audit.DataFunctions, errRepeatedMarker))
				break
			}
		}
	}

	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, functionWorkers)
	for _, fn := range fns {
		wg.Add(1)
		go func(fn *audit.Function) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			got := readFunction(ctx, api, fn)
			trigs, err := functionESMs(ctx, api, fn.ID)
			mu.Lock()
			defer mu.Unlock()
			gaps = append(gaps, got...)
			if err != nil {
				gaps = append(gaps, gapFor(acct, region, fn.ID, apiListESMs, audit.DataTriggers, err))
			}
			fn.Triggers = append(fn.Triggers, trigs...)
			if done != nil {
				done()
			}
		}(fn)
	}
	wg.Wait()
	out := make([]audit.Function, 0, len(fns))
	for _, fn := range fns {
		out = append(out, *fn)
	}
	return out, gaps
}

// functionESMs lists the event source mappings of one function.
func functionESMs(ctx context.Context, api lambdaAPI, arn string) ([]audit.Trigger, error) {
	var out []audit.Trigger
	p := lambda.NewListEventSourceMappingsPaginator(api, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String(arn)})
	marks, seen := markers{}, map[string]bool{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if isNotFound(err) {
				return out, nil
			}
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
			if unqualifiedARN(deref(m.FunctionArn)) == arn || deref(m.FunctionArn) == "" {
				out = append(out, esmTrigger(m))
			}
		}
		if marks.repeated(page.NextMarker) {
			return out, errRepeatedMarker
		}
	}
	return out, nil
}

// configOf turns GetFunctionConfiguration's answer into the listing's shape,
// with every field mapFunction reads.
func configOf(o *lambda.GetFunctionConfigurationOutput) *lambdatypes.FunctionConfiguration {
	return &lambdatypes.FunctionConfiguration{
		FunctionArn:   o.FunctionArn,
		FunctionName:  o.FunctionName,
		Runtime:       o.Runtime,
		PackageType:   o.PackageType,
		Description:   o.Description,
		Role:          o.Role,
		Architectures: o.Architectures,
		Layers:        o.Layers,
		Environment:   o.Environment,
		Handler:       o.Handler,
		Version:       o.Version,
		LastModified:  o.LastModified,
	}
}
