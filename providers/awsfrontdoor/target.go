package awsfrontdoor

import (
	"regexp"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

var stageVar = regexp.MustCompile(`\$\{stageVariables\.([A-Za-z0-9_]+)\}`)

// lambdaTarget turns an integration URI into a door target. The URI is either
// API Gateway's Lambda path
// (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION/invocations)
// or, for HTTP APIs, the function ARN itself. The function may carry an alias
// or version and may be named through stage variables, resolved with vars.
// ok is false when the URI is not a Lambda integration at all.
func lambdaTarget(integration, uri string, vars map[string]string, src audit.Source) (audit.DoorTarget, bool) {
	fn := uri
	if i := strings.Index(uri, ":lambda:path/"); i >= 0 {
		j := strings.Index(uri, "/functions/")
		if j < 0 {
			return audit.DoorTarget{}, false
		}
		fn = strings.TrimSuffix(uri[j+len("/functions/"):], "/invocations")
	} else if !strings.HasPrefix(uri, "arn:") || !strings.Contains(uri, ":lambda:") {
		return audit.DoorTarget{}, false
	}
	t := audit.DoorTarget{Integration: integration, URI: uri, Source: src}
	fn = stageVar.ReplaceAllStringFunc(fn, func(m string) string {
		if v, ok := vars[stageVar.FindStringSubmatch(m)[1]]; ok {
			return v
		}
		return m
	})
	if strings.Contains(fn, "${") {
		t.Resolution = audit.TargetUnresolved
		return t, true
	}
	arn, qual, ok := splitFunctionARN(fn)
	if !ok {
		t.Resolution = audit.TargetUnresolved
		return t, true
	}
	t.Function, t.Qualifier = arn, qual
	return t, true
}

// splitFunctionARN splits arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
// into the unqualified ARN (a Function.ID) and the qualifier.
func splitFunctionARN(s string) (string, string, bool) {
	p := strings.Split(s, ":")
	if len(p) < 7 || len(p) > 8 || p[0] != "arn" || p[2] != "lambda" || p[5] != "function" || p[6] == "" {
		return "", "", false
	}
	if len(p) == 8 {
		return strings.Join(p[:7], ":"), p[7], true
	}
	return s, "", true
}

// Resolve marks every door target that names no function of inv: a function
// in a collected account-region that is not there is not-found (a leftover
// integration), one elsewhere is outside-scope. CloudFront targets name a
// function URL; they are matched to the function whose URL trigger has that
// host. Call it after the functions are collected, then audit.LinkFrontDoors.
func Resolve(inv *audit.Inventory) {
	have := map[string]bool{}
	byURLHost := map[string]string{}
	collected := map[string]bool{} // account/region
	for _, fn := range inv.Functions {
		have[fn.ID] = true
		collected[fn.Account+"/"+fn.Region] = true
		for _, tr := range fn.Triggers {
			if tr.Kind == audit.TriggerHTTPURL {
				byURLHost[urlHost(tr.SourceID)] = fn.ID
			}
		}
	}
	for _, a := range inv.Accounts {
		if a.Provider != audit.AWS {
			continue
		}
		for _, r := range a.Regions {
			collected[a.ID+"/"+r] = true
		}
	}
	for i := range inv.FrontDoors {
		d := &inv.FrontDoors[i]
		if d.Provider != audit.AWS {
			continue
		}
		for j := range d.Targets {
			t := &d.Targets[j]
			if t.Function == "" && t.Resolution == audit.TargetUnresolved && strings.Contains(t.URI, ".lambda-url.") {
				if id, ok := byURLHost[urlHost(t.URI)]; ok {
					t.Function, t.Resolution = id, ""
				}
				continue
			}
			if t.Function == "" || t.Resolution != "" || have[t.Function] {
				continue
			}
			p := strings.Split(t.Function, ":")
			if collected[p[4]+"/"+p[3]] {
				t.Resolution = audit.TargetNotFound
			} else {
				t.Resolution = audit.TargetOutsideScope
			}
		}
	}
}

func urlHost(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[:i]
	}
	return strings.ToLower(u)
}
