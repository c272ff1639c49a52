package azuretest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	appfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	authfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	subfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/fake"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// Cloud is an Azure estate served by the SDK's own fake servers
// (armappservice/v4/fake, armauthorization/v2/fake, armsubscriptions/fake),
// wired into real SDK clients through their server transports. Each subscription
// gets its own WebApps fake (the fake handlers do not see the subscription id);
// a small router sends each request to the right fake by its ARM path.
type Cloud struct {
	tenant        string
	subs          []string        // subscriptions the credential can list
	denied        map[string]bool // subscriptions whose reads fail with AuthorizationFailed
	apps          []*fakeApp
	assignments   []fakeAssignment
	roleDefs      map[string]*armauthorization.RoleDefinition // by GUID
	denyRoleDefs  bool                                        // GetByID answers 403
	pageSize      int
	throttleSites int               // the first N site-list calls answer 429
	subStates     map[string]string // subscription state by id; default "Enabled"
	sparse        bool              // answer with only the required fields (see Sparse)
	// ignoreAssignedTo makes role assignment listings ignore $filter=assignedTo().
	ignoreAssignedTo bool
	hidePrincipals   bool // site identities without principal ids (see HideIdentityPrincipals)
	// deniedScopes are scopes (lower case) whose role assignment listing
	// answers AuthorizationFailed (see DenyAssignmentsAt).
	deniedScopes map[string]bool

	latency time.Duration // added to every request

	calls atomic.Int64
}

type fakeApp struct {
	sub, rg, name, location, kind string
	pna                           *string
	linuxFx, netFx                string
	privateEndpoints              []string // connection status per endpoint
	restrictions                  []*armappservice.IPSecurityRestriction
	defaultAction                 *armappservice.DefaultAction
	auth                          *armappservice.SiteAuthSettingsV2Properties // nil: 404
	settings                      map[string]string
	settingsStatus                int // non-zero: ListApplicationSettings fails with it
	systemPrincipal               string
	userAssigned                  map[string]string // identity resource id -> principal id
	functions                     []fakeFn
	// basicSCM and basicFTP are the basic-auth publishing policies
	// (basicPublishingCredentialsPolicies/scm and /ftp); publishingDenied
	// makes both reads answer AuthorizationFailed.
	basicSCM, basicFTP bool
	publishingDenied   bool
}

// publishingPolicy is the app's basicPublishingCredentialsPolicies/<kind> resource.
func (a *fakeApp) publishingPolicy(kind string, allow bool) armappservice.CsmPublishingCredentialsPoliciesEntity {
	return armappservice.CsmPublishingCredentialsPoliciesEntity{
		ID:         to.Ptr(a.id() + "/basicPublishingCredentialsPolicies/" + kind),
		Name:       to.Ptr(kind),
		Type:       to.Ptr("Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
		Properties: &armappservice.CsmPublishingCredentialsPoliciesEntityProperties{Allow: to.Ptr(allow)},
	}
}

type fakeFn struct {
	name     string
	bindings []map[string]any
	disabled bool
}

type fakeAssignment struct {
	name, principal, roleGUID, scope, condition string
	// principalType is User, Group or ServicePrincipal (the default).
	principalType string
}

func (a *fakeApp) id() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Web/sites/%s", a.sub, a.rg, a.name)
}

func (a *fakeApp) site() *armappservice.Site {
	s := &armappservice.Site{
		ID: to.Ptr(a.id()), Name: to.Ptr(a.name), Location: to.Ptr(a.location), Kind: to.Ptr(a.kind),
		Type: to.Ptr("Microsoft.Web/sites"),
		Properties: &armappservice.SiteProperties{
			HTTPSOnly: to.Ptr(true), PublicNetworkAccess: a.pna, State: to.Ptr("Running"),
			DefaultHostName: to.Ptr(a.name + ".azurewebsites.net"),
		},
		Tags: map[string]*string{"team": to.Ptr("payments")},
	}
	if a.systemPrincipal != "" || len(a.userAssigned) > 0 {
		mi := &armappservice.ManagedServiceIdentity{UserAssignedIdentities: map[string]*armappservice.UserAssignedIdentity{}}
		switch {
		case a.systemPrincipal != "" && len(a.userAssigned) > 0:
			mi.Type = to.Ptr(armappservice.ManagedServiceIdentityTypeSystemAssignedUserAssigned)
		case a.systemPrincipal != "":
			mi.Type = to.Ptr(armappservice.ManagedServiceIdentityTypeSystemAssigned)
		default:
			mi.Type = to.Ptr(armappservice.ManagedServiceIdentityTypeUserAssigned)
		}
		if a.systemPrincipal != "" {
			mi.PrincipalID = to.Ptr(a.systemPrincipal)
			mi.TenantID = to.Ptr("5d3c2b1a-0f9e-4d8c-b7a6-958473625140")
		}
		for k, v := range a.userAssigned {
			mi.UserAssignedIdentities[k] = &armappservice.UserAssignedIdentity{PrincipalID: to.Ptr(v), ClientID: to.Ptr("c-" + v)}
		}
		s.Identity = mi
	}
	return s
}

// webServer builds the WebApps fake for one subscription.
func (fc *Cloud) webServer(sub string) *appfake.ServerFactory {
	var apps []*fakeApp
	for _, a := range fc.apps {
		if a.sub == sub {
			apps = append(apps, a)
		}
	}
	find := func(rg, name string) *fakeApp {
		for _, a := range apps {
			if strings.EqualFold(a.rg, rg) && strings.EqualFold(a.name, name) {
				return a
			}
		}
		return nil
	}
	notFound := func(e *azfake.ErrorResponder) { e.SetResponseError(http.StatusNotFound, "ResourceNotFound") }
	denied := fc.denied[sub]
	ws := appfake.WebAppsServer{
		NewListPager: func(*armappservice.WebAppsClientListOptions) (resp azfake.PagerResponder[armappservice.WebAppsClientListResponse]) {
			if denied {
				resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
				return
			}
			// Function apps interleaved with a plain web app that must be skipped.
			all := []*armappservice.Site{{ID: to.Ptr("/subscriptions/" + sub + "/resourceGroups/rg-web/providers/Microsoft.Web/sites/www-acme"),
				Name: to.Ptr("www-acme"), Kind: to.Ptr("app,linux"), Location: to.Ptr("West Europe")}}
			for _, a := range apps {
				site := a.site()
				if fc.sparse {
					site.Properties, site.Tags, site.Type = nil, nil, nil
				}
				if fc.hidePrincipals && site.Identity != nil {
					// The type spelled another way, and no principal ids.
					site.Identity.Type = to.Ptr(armappservice.ManagedServiceIdentityType(
						strings.ToLower(strings.ReplaceAll(string(*site.Identity.Type), " ", ""))))
					site.Identity.PrincipalID = nil
					for k := range site.Identity.UserAssignedIdentities {
						site.Identity.UserAssignedIdentities[k] = &armappservice.UserAssignedIdentity{}
					}
				}
				all = append(all, site)
			}
			for start := 0; start < len(all); start += fc.pageSize {
				end := min(start+fc.pageSize, len(all))
				resp.AddPage(http.StatusOK, armappservice.WebAppsClientListResponse{
					WebAppCollection: armappservice.WebAppCollection{Value: all[start:end]}}, nil)
			}
			return
		},
		GetConfiguration: func(_ context.Context, rg, name string, _ *armappservice.WebAppsClientGetConfigurationOptions) (resp azfake.Responder[armappservice.WebAppsClientGetConfigurationResponse], errResp azfake.ErrorResponder) {
			a := find(rg, name)
			if a == nil {
				notFound(&errResp)
				return
			}
			cfg := &armappservice.SiteConfig{
				MinTLSVersion:                       to.Ptr(armappservice.SupportedTLSVersionsOne2),
				IPSecurityRestrictions:              a.restrictions,
				IPSecurityRestrictionsDefaultAction: a.defaultAction,
				ScmIPSecurityRestrictionsUseMain:    to.Ptr(true),
			}
			if a.linuxFx != "" {
				cfg.LinuxFxVersion = to.Ptr(a.linuxFx)
			}
			if a.netFx != "" {
				cfg.NetFrameworkVersion = to.Ptr(a.netFx)
			}
			resp.SetResponse(http.StatusOK, armappservice.WebAppsClientGetConfigurationResponse{SiteConfigResource: armappservice.SiteConfigResource{
				ID: to.Ptr(a.id() + "/config/web"), Name: to.Ptr("web"), Properties: cfg}}, nil)
			return
		},
		ListApplicationSettings: func(_ context.Context, rg, name string, _ *armappservice.WebAppsClientListApplicationSettingsOptions) (resp azfake.Responder[armappservice.WebAppsClientListApplicationSettingsResponse], errResp azfake.ErrorResponder) {
			a := find(rg, name)
			switch {
			case a == nil:
				notFound(&errResp)
			case a.settingsStatus != 0:
				errResp.SetResponseError(a.settingsStatus, "AuthorizationFailed")
			default:
				props := map[string]*string{}
				for k, v := range a.settings {
					props[k] = to.Ptr(v)
				}
				resp.SetResponse(http.StatusOK, armappservice.WebAppsClientListApplicationSettingsResponse{StringDictionary: armappservice.StringDictionary{
					ID: to.Ptr(a.id() + "/config/appsettings"), Properties: props}}, nil)
			}
			return
		},
		GetAuthSettingsV2WithoutSecrets: func(_ context.Context, rg, name string, _ *armappservice.WebAppsClientGetAuthSettingsV2WithoutSecretsOptions) (resp azfake.Responder[armappservice.WebAppsClientGetAuthSettingsV2WithoutSecretsResponse], errResp azfake.ErrorResponder) {
			a := find(rg, name)
			if a == nil || a.auth == nil {
				notFound(&errResp)
				return
			}
			resp.SetResponse(http.StatusOK, armappservice.WebAppsClientGetAuthSettingsV2WithoutSecretsResponse{SiteAuthSettingsV2: armappservice.SiteAuthSettingsV2{
				ID: to.Ptr(a.id() + "/config/authsettingsV2"), Properties: a.auth}}, nil)
			return
		},
		GetScmAllowed: func(_ context.Context, rg, name string, _ *armappservice.WebAppsClientGetScmAllowedOptions) (resp azfake.Responder[armappservice.WebAppsClientGetScmAllowedResponse], errResp azfake.ErrorResponder) {
			a := find(rg, name)
			if a == nil {
				notFound(&errResp)
				return
			}
			if a.publishingDenied {
				errResp.SetResponseError(http.StatusForbidden, "AuthorizationFailed")
				return
			}
			resp.SetResponse(http.StatusOK, armappservice.WebAppsClientGetScmAllowedResponse{
				CsmPublishingCredentialsPoliciesEntity: a.publishingPolicy("scm", a.basicSCM)}, nil)
			return
		},
		GetFtpAllowed: func(_ context.Context, rg, name string, _ *armappservice.WebAppsClientGetFtpAllowedOptions) (resp azfake.Responder[armappservice.WebAppsClientGetFtpAllowedResponse], errResp azfake.ErrorResponder) {
			a := find(rg, name)
			if a == nil {
				notFound(&errResp)
				return
			}
			if a.publishingDenied {
				errResp.SetResponseError(http.StatusForbidden, "AuthorizationFailed")
				return
			}
			resp.SetResponse(http.StatusOK, armappservice.WebAppsClientGetFtpAllowedResponse{
				CsmPublishingCredentialsPoliciesEntity: a.publishingPolicy("ftp", a.basicFTP)}, nil)
			return
		},
		NewGetPrivateEndpointConnectionListPager: func(rg, name string, _ *armappservice.WebAppsClientGetPrivateEndpointConnectionListOptions) (resp azfake.PagerResponder[armappservice.WebAppsClientGetPrivateEndpointConnectionListResponse]) {
			a := find(rg, name)
			// ARM sends "value": [] for an app without connections.
			conns := []*armappservice.RemotePrivateEndpointConnectionARMResource{}
			if a != nil {
				for i, st := range a.privateEndpoints {
					conns = append(conns, &armappservice.RemotePrivateEndpointConnectionARMResource{
						ID: to.Ptr(fmt.Sprintf("%s/privateEndpointConnections/pe-%d", a.id(), i)),
						Properties: &armappservice.RemotePrivateEndpointConnectionARMResourceProperties{
							PrivateLinkServiceConnectionState: &armappservice.PrivateLinkConnectionState{Status: to.Ptr(st)},
						}})
				}
			}
			resp.AddPage(http.StatusOK, armappservice.WebAppsClientGetPrivateEndpointConnectionListResponse{
				PrivateEndpointConnectionCollection: armappservice.PrivateEndpointConnectionCollection{Value: conns}}, nil)
			return
		},
		NewListFunctionsPager: func(rg, name string, _ *armappservice.WebAppsClientListFunctionsOptions) (resp azfake.PagerResponder[armappservice.WebAppsClientListFunctionsResponse]) {
			a := find(rg, name)
			if a == nil {
				resp.AddResponseError(http.StatusNotFound, "ResourceNotFound")
				return
			}
			var envs []*armappservice.FunctionEnvelope
			for _, f := range a.functions {
				bindings := make([]any, len(f.bindings))
				for i, b := range f.bindings {
					bindings[i] = b
				}
				env := &armappservice.FunctionEnvelope{
					ID:   to.Ptr(a.id() + "/functions/" + f.name),
					Name: to.Ptr(a.name + "/" + f.name),
					Properties: &armappservice.FunctionEnvelopeProperties{
						Config:            map[string]any{"bindings": bindings},
						InvokeURLTemplate: to.Ptr("https://" + a.name + ".azurewebsites.net/api/" + strings.ToLower(f.name)),
						IsDisabled:        to.Ptr(f.disabled),
						Language:          to.Ptr("node"),
					}}
				if fc.sparse {
					// No id, no optional properties, and function.json as a
					// JSON string rather than an object.
					raw, _ := json.Marshal(map[string]any{"bindings": bindings})
					env.ID = nil
					env.Properties = &armappservice.FunctionEnvelopeProperties{Config: string(raw)}
				}
				envs = append(envs, env)
			}
			if len(envs) == 0 {
				resp.AddPage(http.StatusOK, armappservice.WebAppsClientListFunctionsResponse{
					FunctionEnvelopeCollection: armappservice.FunctionEnvelopeCollection{Value: []*armappservice.FunctionEnvelope{}}}, nil)
			}
			for start := 0; start < len(envs); start += fc.pageSize {
				end := min(start+fc.pageSize, len(envs))
				resp.AddPage(http.StatusOK, armappservice.WebAppsClientListFunctionsResponse{
					FunctionEnvelopeCollection: armappservice.FunctionEnvelopeCollection{Value: envs[start:end]}}, nil)
			}
			return
		},
	}
	return &appfake.ServerFactory{WebAppsServer: ws}
}

func (fc *Cloud) authServer() *authfake.ServerFactory {
	return &authfake.ServerFactory{
		RoleAssignmentsServer: authfake.RoleAssignmentsServer{
			NewListForScopePager: func(scope string, opts *armauthorization.RoleAssignmentsClientListForScopeOptions) (resp azfake.PagerResponder[armauthorization.RoleAssignmentsClientListForScopeResponse]) {
				sub := subscriptionOf(scope, "")
				if fc.denied[sub] {
					resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
					return
				}
				// The fake's path pattern leaves the scope's leading "/" out.
				scope = "/" + strings.TrimPrefix(scope, "/")
				pid := ""
				atScope := opts != nil && opts.Filter != nil && strings.EqualFold(strings.TrimSpace(*opts.Filter), "atScope()")
				if fc.deniedScopes[strings.ToLower(scope)] {
					resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
					return
				}
				if opts != nil && opts.Filter != nil {
					if m := regexp.MustCompile(`assignedTo\('([^']+)'\)`).FindStringSubmatch(*opts.Filter); m != nil {
						pid = m[1]
					}
				}
				var out []*armauthorization.RoleAssignment
				for _, a := range fc.assignments {
					if atScope {
						// At the scope or above it.
						if !catalog.AzureScopeCovers(a.scope, scope) {
							continue
						}
					} else {
						if a.principal != pid && !fc.ignoreAssignedTo {
							continue
						}
						// Visible from this subscription: at, above or below it.
						if !catalog.AzureScopeCovers(a.scope, "/subscriptions/"+sub) && subscriptionOf(a.scope, "") != sub {
							continue
						}
					}
					ptype := armauthorization.PrincipalTypeServicePrincipal
					if a.principalType != "" {
						ptype = armauthorization.PrincipalType(a.principalType)
					}
					out = append(out, &armauthorization.RoleAssignment{
						ID:   to.Ptr(strings.TrimRight(a.scope, "/") + "/providers/Microsoft.Authorization/roleAssignments/" + a.name),
						Name: to.Ptr(a.name), Type: to.Ptr("Microsoft.Authorization/roleAssignments"),
						Properties: &armauthorization.RoleAssignmentProperties{
							PrincipalID:      to.Ptr(a.principal),
							PrincipalType:    to.Ptr(ptype),
							RoleDefinitionID: to.Ptr("/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions/" + a.roleGUID),
							Scope:            to.Ptr(a.scope),
							Condition:        optional(a.condition),
						}})
				}
				// One assignment per page, so paging is exercised.
				if len(out) == 0 {
					resp.AddPage(http.StatusOK, armauthorization.RoleAssignmentsClientListForScopeResponse{
						RoleAssignmentListResult: armauthorization.RoleAssignmentListResult{Value: []*armauthorization.RoleAssignment{}}}, nil)
				}
				for _, ra := range out {
					resp.AddPage(http.StatusOK, armauthorization.RoleAssignmentsClientListForScopeResponse{
						RoleAssignmentListResult: armauthorization.RoleAssignmentListResult{Value: []*armauthorization.RoleAssignment{ra}}}, nil)
				}
				return
			},
		},
		RoleDefinitionsServer: authfake.RoleDefinitionsServer{
			GetByID: func(_ context.Context, roleID string, _ *armauthorization.RoleDefinitionsClientGetByIDOptions) (resp azfake.Responder[armauthorization.RoleDefinitionsClientGetByIDResponse], errResp azfake.ErrorResponder) {
				if fc.denyRoleDefs {
					errResp.SetResponseError(http.StatusForbidden, "AuthorizationFailed")
					return
				}
				def, ok := fc.roleDefs[catalog.AzureRoleGUID(roleID)]
				if !ok {
					errResp.SetResponseError(http.StatusNotFound, "RoleDefinitionDoesNotExist")
					return
				}
				resp.SetResponse(http.StatusOK, armauthorization.RoleDefinitionsClientGetByIDResponse{RoleDefinition: *def}, nil)
				return
			},
		},
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (fc *Cloud) subServer() *subfake.ServerFactory {
	return &subfake.ServerFactory{Server: subfake.Server{
		NewListPager: func(*armsubscriptions.ClientListOptions) (resp azfake.PagerResponder[armsubscriptions.ClientListResponse]) {
			if len(fc.subs) == 0 {
				resp.AddPage(http.StatusOK, armsubscriptions.ClientListResponse{SubscriptionListResult: armsubscriptions.SubscriptionListResult{
					Value: []*armsubscriptions.Subscription{}}}, nil)
			}
			for _, s := range fc.subs {
				resp.AddPage(http.StatusOK, armsubscriptions.ClientListResponse{SubscriptionListResult: armsubscriptions.SubscriptionListResult{
					Value: []*armsubscriptions.Subscription{fc.subscription(s)}}}, nil)
			}
			return
		},
		Get: func(_ context.Context, id string, _ *armsubscriptions.ClientGetOptions) (resp azfake.Responder[armsubscriptions.ClientGetResponse], errResp azfake.ErrorResponder) {
			if fc.denied[id] {
				errResp.SetResponseError(http.StatusForbidden, "AuthorizationFailed")
				return
			}
			resp.SetResponse(http.StatusOK, armsubscriptions.ClientGetResponse{Subscription: *fc.subscription(id)}, nil)
			return
		},
	}}
}

func (fc *Cloud) subscription(id string) *armsubscriptions.Subscription {
	s := &armsubscriptions.Subscription{
		ID: to.Ptr("/subscriptions/" + id), SubscriptionID: to.Ptr(id), DisplayName: to.Ptr("acme-" + id[:4]),
		TenantID: to.Ptr(fc.tenant), State: to.Ptr(armsubscriptions.SubscriptionStateEnabled),
	}
	if st, ok := fc.subStates[id]; ok {
		s.State = to.Ptr(armsubscriptions.SubscriptionState(st))
	}
	return s
}

// router sends each request to the fake that serves its ARM path.
type router struct {
	fc        *Cloud
	mu        sync.Mutex
	throttled map[string]int
	web       map[string]policy.Transporter
	auth      policy.Transporter
	subs      policy.Transporter
}

// throttle reports whether this site-list call of sub is one of the first
// throttleSites, which answer 429.
func (r *router) throttle(sub string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.throttled[sub] >= r.fc.throttleSites {
		return false
	}
	r.throttled[sub]++
	return true
}

func (r *router) Do(req *http.Request) (*http.Response, error) {
	r.fc.calls.Add(1)
	if r.fc.latency > 0 {
		select {
		case <-time.After(r.fc.latency):
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	p := req.URL.Path
	switch {
	case strings.Contains(strings.ToLower(p), "/providers/microsoft.authorization/"):
		return r.auth.Do(req)
	case strings.Contains(strings.ToLower(p), "/providers/microsoft.web/"):
		sub := subscriptionOf(p, "")
		if strings.HasSuffix(strings.ToLower(p), "/providers/microsoft.web/sites") && r.throttle(sub) {
			// ARM's throttling answer, as a real HTTP response: the SDK fakes can
			// only return non-retriable errors, so the router plays ARM here and
			// the SDK's retry policy must take it from there.
			return &http.Response{
				StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests", Request: req,
				Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"0"},
					"X-Ms-Error-Code": {"TooManyRequests"}},
				Body: io.NopCloser(strings.NewReader(`{"error":{"code":"TooManyRequests","message":"Number of read requests for subscription exceeded the limit."}}`)),
			}, nil
		}
		t, ok := r.web[sub]
		if !ok {
			return nil, fmt.Errorf("fake cloud: no subscription %q", sub)
		}
		return t.Do(req)
	}
	return r.subs.Do(req)
}

// ClientOptions returns SDK client options whose transport is the fake cloud,
// with retries fast enough for tests.
func (fc *Cloud) ClientOptions() *arm.ClientOptions {
	if fc.pageSize == 0 {
		fc.pageSize = 2
	}
	if fc.tenant == "" {
		fc.tenant = "5d3c2b1a-0f9e-4d8c-b7a6-958473625140"
	}
	r := &router{fc: fc, web: map[string]policy.Transporter{}, throttled: map[string]int{},
		auth: authfake.NewServerFactoryTransport(fc.authServer()),
		subs: subfake.NewServerFactoryTransport(fc.subServer())}
	// Pre-build every subscription's WebApps fake so the router is read-only
	// while the collector runs in parallel.
	seen := map[string]bool{}
	for _, s := range fc.subs {
		seen[s] = true
	}
	for _, a := range fc.apps {
		seen[a.sub] = true
	}
	for s := range seen {
		r.web[s] = appfake.NewServerFactoryTransport(fc.webServer(s))
	}
	return &arm.ClientOptions{ClientOptions: policy.ClientOptions{
		Transport: r,
		Retry:     policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond},
	}}
}

// BuiltinDefs returns role definitions for the catalog's built-in roles.
func BuiltinDefs() map[string]*armauthorization.RoleDefinition {
	out := map[string]*armauthorization.RoleDefinition{}
	for _, r := range catalog.AzureBuiltinRoles() {
		out[r.ID] = RoleDefinition(r.ID, r.Name, "BuiltInRole", r.Actions, r.NotActions, r.DataActions, r.NotDataActions)
	}
	return out
}

// RoleDefinition builds a role definition with one permission block.
func RoleDefinition(guid, name, typ string, actions, notActions, dataActions, notDataActions []string) *armauthorization.RoleDefinition {
	ptrs := func(ss []string) []*string {
		var out []*string
		for _, s := range ss {
			out = append(out, to.Ptr(s))
		}
		return out
	}
	return &armauthorization.RoleDefinition{
		ID: to.Ptr("/providers/Microsoft.Authorization/roleDefinitions/" + guid), Name: to.Ptr(guid),
		Properties: &armauthorization.RoleDefinitionProperties{
			RoleName: to.Ptr(name), RoleType: to.Ptr(typ),
			Permissions: []*armauthorization.Permission{{Actions: ptrs(actions), NotActions: ptrs(notActions),
				DataActions: ptrs(dataActions), NotDataActions: ptrs(notDataActions)}},
		}}
}

// HTTPTrigger returns function.json bindings for an HTTP trigger ("" leaves authLevel unset).
func HTTPTrigger(authLevel string) []map[string]any {
	b := map[string]any{"type": "httpTrigger", "direction": "in", "name": "req", "methods": []any{"get", "post"}}
	if authLevel != "" {
		b["authLevel"] = authLevel
	}
	return []map[string]any{b, {"type": "http", "direction": "out", "name": "res"}}
}

// EventTrigger returns function.json bindings for a non-HTTP trigger.
func EventTrigger(typ string, extra map[string]any) []map[string]any {
	b := map[string]any{"type": typ, "direction": "in", "name": "msg"}
	for k, v := range extra {
		b[k] = v
	}
	return []map[string]any{b}
}

// subscriptionOf returns the subscription named in an ARM path, or def.
func subscriptionOf(id, def string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if len(parts) >= 2 && strings.EqualFold(parts[0], "subscriptions") {
		return parts[1]
	}
	return def
}

// Calls returns how many requests reached the fake cloud.
func (fc *Cloud) Calls() int64 { return fc.calls.Load() }

// DenyRoleDefinitions makes role definition reads fail with AuthorizationFailed.
func (fc *Cloud) DenyRoleDefinitions() { fc.denyRoleDefs = true }

// SetLatency delays every request by d, like a distant ARM endpoint.
func (fc *Cloud) SetLatency(d time.Duration) { fc.latency = d }

// HideSubscriptions makes the subscription list empty.
func (fc *Cloud) HideSubscriptions() { fc.subs = nil }

// ThrottleSites makes the first n site-list calls of each subscription answer 429.
func (fc *Cloud) ThrottleSites(n int) { fc.throttleSites = n }

// SetSubscriptionState makes the subscription list and Get report sub in state
// (for example "Disabled", "Warned" or a lower-case spelling).
func (fc *Cloud) SetSubscriptionState(sub, state string) {
	if fc.subStates == nil {
		fc.subStates = map[string]string{}
	}
	fc.subStates[sub] = state
}

// Sparse makes the fake answer like a minimal implementation of the ARM API:
// sites without properties or tags, and function envelopes without an id,
// invoke URL or disabled flag, whose function.json comes as a JSON string.
func (fc *Cloud) Sparse() { fc.sparse = true }

// IgnoreAssignedToFilter makes role assignment listings answer every assignment
// visible from the subscription, as an implementation without the
// assignedTo() filter would.
func (fc *Cloud) IgnoreAssignedToFilter() { fc.ignoreAssignedTo = true }

// HideIdentityPrincipals makes the site listing declare each app's managed
// identities (type spelled in lower case without spaces) without their
// principal ids.
func (fc *Cloud) HideIdentityPrincipals() { fc.hidePrincipals = true }

// DenyAssignmentsAt makes listing the role assignments at scope (an app's ARM
// id) fail with AuthorizationFailed.
func (fc *Cloud) DenyAssignmentsAt(scope string) {
	if fc.deniedScopes == nil {
		fc.deniedScopes = map[string]bool{}
	}
	fc.deniedScopes[strings.ToLower(scope)] = true
}

// DenyPublishingPolicies makes reading the app's basic-auth publishing
// policies fail with AuthorizationFailed.
func (fc *Cloud) DenyPublishingPolicies(app string) {
	for _, a := range fc.apps {
		if a.name == app {
			a.publishingDenied = true
		}
	}
}
