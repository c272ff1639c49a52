package rules

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// azureExposure is the verdict on whether anyone on the internet can call an
// Azure function, with the settings that decided it.
type azureExposure struct {
	// Public: an anonymous HTTP trigger that the platform neither hides nor guards.
	Public bool
	// Unknown explains why no verdict was possible (a needed setting was not read).
	Unknown string
	// Why says, for a function that is not public, what protects it.
	Why      string
	Evidence []audit.Evidence
}

// azureAllowAll are access-restriction addresses that match every caller.
var azureAllowAll = map[string]bool{"any": true, "0.0.0.0/0": true, "::/0": true, "*": true}

// azureOpenServiceTags are service tags whose address ranges admit anyone:
// Internet is every address outside Azure's own, AzureCloud every Azure public
// address, which anyone can obtain by creating a VM or function of their own.
var azureOpenServiceTags = map[string]bool{"internet": true, "azurecloud": true}

// judgeAzureExposure decides whether fn is callable by anyone: its HTTP trigger is
// anonymous, the app is reachable from the internet (public network access not
// disabled, and not left unset on an app that has a private endpoint, where App
// Service turns public access off), access restrictions let every address in,
// and App Service Authentication does not require a login for the function's path.
func judgeAzureExposure(fn *audit.Function) azureExposure {
	az := fn.Azure
	if az == nil {
		return azureExposure{Unknown: "the function has no Azure facts"}
	}
	if !strings.EqualFold(az.AuthLevel, "anonymous") {
		if az.AuthLevel == "" {
			return azureExposure{Why: "no HTTP trigger"}
		}
		return azureExposure{Why: "HTTP trigger requires a key (authLevel=" + az.AuthLevel + ")"}
	}
	if az.Disabled {
		return azureExposure{Why: "function is disabled"}
	}
	var ev []audit.Evidence
	ev = append(ev, audit.Evidence{
		Source:   azureTriggerSource(fn),
		Path:     "properties.config.bindings[type=httpTrigger].authLevel",
		Fragment: "authLevel=anonymous",
	})

	// Network reachability.
	switch {
	case strings.EqualFold(az.PublicNetworkAccess, "Disabled"):
		return azureExposure{Why: "public network access is disabled"}
	case az.PublicNetworkAccess == "" && az.PrivateEndpoints > 0:
		return azureExposure{Why: fmt.Sprintf("reachable only through %d private endpoint(s): public network access is unset, which App Service treats as disabled once a private endpoint exists", az.PrivateEndpoints)}
	}
	pna := az.PublicNetworkAccess
	if pna == "" {
		pna = "unset (no private endpoint, so public access is on)"
	}
	ev = append(ev, audit.Evidence{Source: az.SiteSource, Path: "properties.publicNetworkAccess", Fragment: "publicNetworkAccess=" + pna})

	// Access restrictions.
	limited, why := azureRestrictionsLimit(az)
	if limited {
		return azureExposure{Why: why}
	}
	ev = append(ev, audit.Evidence{Source: az.ConfigSource, Path: "properties.ipSecurityRestrictions", Fragment: why})

	// Platform authentication.
	if az.Auth == nil {
		return azureExposure{Unknown: "App Service Authentication settings were not read"}
	}
	guarded, frag := azureAuthGuards(az.Auth, azureRoutePath(fn))
	if guarded {
		return azureExposure{Why: frag}
	}
	ev = append(ev, audit.Evidence{Source: az.Auth.Source, Path: "properties.globalValidation", Fragment: frag})
	return azureExposure{Public: true, Evidence: ev}
}

// azureRestrictionsLimit reports whether the app's access restrictions keep some
// callers out: unmatched requests are denied (explicit default action Deny, or no
// default action and at least one Allow rule, which adds the implicit "deny all")
// and no Allow rule matches every address.
func azureRestrictionsLimit(az *audit.AzureFunction) (bool, string) {
	var allows []audit.IPRestriction
	for _, r := range az.IPRestrictions {
		if strings.EqualFold(r.Action, "Allow") {
			allows = append(allows, r)
		}
	}
	def := az.IPRestrictionsDefaultAction
	denyUnmatched := strings.EqualFold(def, "Deny") || (def == "" && len(allows) > 0)
	if !denyUnmatched {
		if len(az.IPRestrictions) == 0 {
			return false, "no access restrictions; unmatched requests allowed"
		}
		return false, fmt.Sprintf("%d access restriction(s), unmatched requests allowed (default action Allow)", len(az.IPRestrictions))
	}
	for _, r := range allows {
		if azureAllowAll[strings.ToLower(strings.TrimSpace(r.IPAddress))] && r.VNetSubnet == "" &&
			(r.Tag == "" || strings.EqualFold(r.Tag, "Default")) {
			name := r.Name
			if name == "" {
				name = r.IPAddress
			}
			return false, fmt.Sprintf("access restriction %q allows %s", name, r.IPAddress)
		}
		if strings.EqualFold(r.Tag, "ServiceTag") && azureOpenServiceTags[azureServiceTagBase(r.IPAddress)] {
			name := r.Name
			if name == "" {
				name = r.IPAddress
			}
			return false, fmt.Sprintf("access restriction %q allows service tag %s, which anyone can send from", name, r.IPAddress)
		}
	}
	return true, fmt.Sprintf("access restrictions admit only %d listed source(s); unmatched requests denied", len(allows))
}

// azureAuthGuards reports whether App Service Authentication makes an
// unauthenticated request to path fail, and describes the setting. The platform
// requires a login only when it is enabled and globalValidation.requireAuthentication
// is true ("true if the authentication flow is required [when] any request is
// made"); unauthenticatedClientAction then says how a request without one is
// refused, and AllowAnonymous refuses nothing.
func azureAuthGuards(a *audit.AzureAuth, path string) (bool, string) {
	if !a.Enabled {
		return false, "App Service Authentication disabled (platform.enabled=false)"
	}
	action := a.UnauthenticatedAction
	if action == "" {
		action = "unset"
	}
	if !a.RequireAuthentication || strings.EqualFold(action, "AllowAnonymous") {
		return false, fmt.Sprintf("App Service Authentication enabled but unauthenticated requests allowed (requireAuthentication=%t, unauthenticatedClientAction=%s)", a.RequireAuthentication, action)
	}
	for _, ex := range a.ExcludedPaths {
		if azurePathExcluded(ex, path) {
			return false, fmt.Sprintf("App Service Authentication requires login but excludes %s (excludedPaths %q)", path, ex)
		}
	}
	return true, fmt.Sprintf("App Service Authentication requires login (unauthenticatedClientAction=%s)", action)
}

// azureRoutePath is the path the function answers at: /api/<route>, where the
// route defaults to the function's name. A host.json routePrefix other than
// "api" is not visible through the management API.
func azureRoutePath(fn *audit.Function) string {
	route := fn.Azure.Route
	if route == "" {
		route = fn.Name
	}
	return "/api/" + strings.TrimLeft(route, "/")
}

// azurePathExcluded reports whether an excludedPaths entry covers path. Entries
// are compared case-insensitively; an entry ending in "*" or naming a parent
// directory covers everything below it. Route parameters ({id}) match anything,
// so an exclusion of a concrete path under a templated route is counted too:
// when in doubt the function is treated as reachable without login.
func azurePathExcluded(excluded, path string) bool {
	e := strings.ToLower(strings.TrimRight(strings.TrimSpace(excluded), "/"))
	p := strings.ToLower(strings.TrimRight(path, "/"))
	if e == "" {
		return false
	}
	if strings.HasSuffix(e, "*") {
		return strings.HasPrefix(p, strings.TrimRight(strings.TrimSuffix(e, "*"), "/"))
	}
	if e == p || strings.HasPrefix(p, e+"/") {
		return true
	}
	// A templated route segment matches any concrete segment of the exclusion.
	es, ps := strings.Split(e, "/"), strings.Split(p, "/")
	if len(es) < len(ps) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") && strings.HasSuffix(ps[i], "}") {
			continue
		}
		if ps[i] != es[i] {
			return false
		}
	}
	return true
}

// azureTriggerSource returns where the function's HTTP trigger was read.
func azureTriggerSource(fn *audit.Function) audit.Source {
	for _, t := range fn.Triggers {
		if t.Kind == audit.TriggerHTTPURL && t.Source != (audit.Source{}) {
			return t.Source
		}
	}
	return fn.Source
}

// azureServiceTagBase lowercases a service tag and drops a regional suffix
// (AzureCloud.WestEurope -> azurecloud).
func azureServiceTagBase(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if base, _, ok := strings.Cut(tag, "."); ok {
		return base
	}
	return tag
}
