package azurefunctions

import (
	"encoding/json"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/secrets"
)

// API names recorded in Sources and Gaps: the RBAC action of the call.
const (
	apiSubscriptions   = "Microsoft.Resources/subscriptions/read"
	apiSites           = "Microsoft.Web/sites/read"
	apiConfig          = "Microsoft.Web/sites/config/read"
	apiAuthSettings    = "Microsoft.Web/sites/config/read authsettingsV2"
	apiAppSettings     = "Microsoft.Web/sites/config/list/action appsettings"
	apiPrivateEndpoint = "Microsoft.Web/sites/privateEndpointConnections/read"
	apiFunctions       = "Microsoft.Web/sites/functions/read"
	apiRoleAssignments = "Microsoft.Authorization/roleAssignments/read"
	apiRoleDefinitions = "Microsoft.Authorization/roleDefinitions/read"
)

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func strs(ps []*string) []string {
	var out []string
	for _, p := range ps {
		if p != nil && *p != "" {
			out = append(out, *p)
		}
	}
	return out
}

// isFunctionApp reports whether a site's kind marks it as a Function App
// ("functionapp", "functionapp,linux", "functionapp,linux,container,azurecontainerapps" ...).
func isFunctionApp(kind string) bool {
	return strings.Contains(strings.ToLower(kind), "functionapp")
}

// normalizeRegion turns a display location ("West Europe") into its name ("westeurope").
func normalizeRegion(loc string) string {
	return strings.ToLower(strings.ReplaceAll(loc, " ", ""))
}

// resourceGroupOf returns the resource group named in an ARM id.
func resourceGroupOf(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}

// lastSegment returns the final path segment of an ARM id.
func lastSegment(id string) string {
	id = strings.TrimRight(id, "/")
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// appFacts are the app-level facts shared by every function of an app.
type appFacts struct {
	site     *armappservice.Site
	id       string
	name     string
	rg       string
	region   string
	azure    audit.AzureFunction
	env      []audit.EnvVar
	disabled map[string]bool // function name (lower case) -> disabled by AzureWebJobs.<name>.Disabled
	idents   []audit.Identity
	stack    string // FunctionAppConfig runtime (Flex Consumption) or node default version, as name|version
	cfgStack string // language version from the site config (PowerShell, Java, .NET)
}

// stackFromConfig returns the language version a Windows site config names.
func stackFromConfig(c *armappservice.SiteConfig) string {
	switch {
	case str(c.PowerShellVersion) != "":
		return "powershell|" + strings.TrimPrefix(strings.ToLower(str(c.PowerShellVersion)), "~")
	case str(c.JavaVersion) != "":
		return "java|" + str(c.JavaVersion)
	}
	return ""
}

// siteFacts maps the site resource: kind, state, HTTPS-only, public network
// access and its managed identities.
func siteFacts(site *armappservice.Site, subscription string) appFacts {
	id := str(site.ID)
	f := appFacts{site: site, id: id, name: str(site.Name), rg: resourceGroupOf(id), region: normalizeRegion(str(site.Location)),
		disabled: map[string]bool{}}
	f.azure = audit.AzureFunction{
		App:           id,
		ResourceGroup: f.rg,
		Kind:          str(site.Kind),
		SiteSource:    audit.Source{API: apiSites, Ref: id},
	}
	if p := site.Properties; p != nil {
		if p.HTTPSOnly != nil {
			f.azure.HTTPSOnly = *p.HTTPSOnly
		}
		f.azure.PublicNetworkAccess = str(p.PublicNetworkAccess)
		f.azure.State = str(p.State)
		if p.ResourceGroup != nil && f.rg == "" {
			f.rg = *p.ResourceGroup
			f.azure.ResourceGroup = f.rg
		}
		if c := p.FunctionAppConfig; c != nil && c.Runtime != nil && c.Runtime.Name != nil {
			f.stack = strings.ToLower(string(*c.Runtime.Name))
			if v := str(c.Runtime.Version); v != "" {
				f.stack += "|" + v
			}
		}
		if p.SiteConfig != nil {
			applySiteConfig(&f.azure, p.SiteConfig)
		}
	}
	f.idents = siteIdentities(site, subscription)
	return f
}

// siteIdentities returns the app's managed identities, keyed by principal id.
func siteIdentities(site *armappservice.Site, subscription string) []audit.Identity {
	mi := site.Identity
	if mi == nil {
		return nil
	}
	var out []audit.Identity
	if pid := str(mi.PrincipalID); pid != "" {
		out = append(out, audit.Identity{
			Provider: audit.Azure, Account: subscription, ID: pid, Name: str(site.Name),
			Kind: "azure-system-assigned", Source: audit.Source{API: apiSites, Ref: str(site.ID)},
		})
	}
	keys := make([]string, 0, len(mi.UserAssignedIdentities))
	for k := range mi.UserAssignedIdentities {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u := mi.UserAssignedIdentities[k]
		if u == nil || str(u.PrincipalID) == "" {
			continue
		}
		out = append(out, audit.Identity{
			Provider: audit.Azure, Account: subscriptionOf(k, subscription), ID: str(u.PrincipalID), Name: lastSegment(k),
			Kind: "azure-user-assigned", Source: audit.Source{API: apiSites, Ref: k},
		})
	}
	return out
}

// identityTypeHas reports whether a managed identity type names kind
// ("SystemAssigned" or "UserAssigned"). The type is a comma-separated list whose
// spelling varies ("SystemAssigned, UserAssigned", "SystemAssigned,UserAssigned",
// lower case), so it is split and compared case-insensitively.
func identityTypeHas(t *armappservice.ManagedServiceIdentityType, kind string) bool {
	if t == nil {
		return false
	}
	for _, part := range strings.Split(string(*t), ",") {
		if strings.EqualFold(strings.TrimSpace(part), kind) {
			return true
		}
	}
	return false
}

// unresolvedIdentities names the identities a site declares whose principal
// id the response left out: without it their role assignments cannot be read.
func unresolvedIdentities(site *armappservice.Site) []string {
	mi := site.Identity
	if mi == nil {
		return nil
	}
	var out []string
	if identityTypeHas(mi.Type, "SystemAssigned") && str(mi.PrincipalID) == "" {
		out = append(out, "system-assigned")
	}
	keys := make([]string, 0, len(mi.UserAssignedIdentities))
	for k, u := range mi.UserAssignedIdentities {
		if u == nil || str(u.PrincipalID) == "" {
			keys = append(keys, lastSegment(k))
		}
	}
	sort.Strings(keys)
	return append(out, keys...)
}

// subscriptionOf returns the subscription named in an ARM id, or def.
func subscriptionOf(id, def string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if len(parts) >= 2 && strings.EqualFold(parts[0], "subscriptions") {
		return parts[1]
	}
	return def
}

// applySiteConfig copies the runtime, TLS and access-restriction settings.
func applySiteConfig(az *audit.AzureFunction, c *armappservice.SiteConfig) {
	az.LinuxFxVersion = str(c.LinuxFxVersion)
	az.NetFrameworkVersion = str(c.NetFrameworkVersion)
	if c.MinTLSVersion != nil {
		az.MinTLSVersion = string(*c.MinTLSVersion)
	}
	if c.PublicNetworkAccess != nil && az.PublicNetworkAccess == "" {
		az.PublicNetworkAccess = *c.PublicNetworkAccess
	}
	az.IPRestrictions = ipRestrictions(c.IPSecurityRestrictions)
	if c.IPSecurityRestrictionsDefaultAction != nil {
		az.IPRestrictionsDefaultAction = string(*c.IPSecurityRestrictionsDefaultAction)
	}
	az.SCMIPRestrictions = ipRestrictions(c.ScmIPSecurityRestrictions)
}

func ipRestrictions(rs []*armappservice.IPSecurityRestriction) []audit.IPRestriction {
	var out []audit.IPRestriction
	for _, r := range rs {
		if r == nil {
			continue
		}
		ir := audit.IPRestriction{
			Name:       str(r.Name),
			Action:     str(r.Action),
			VNetSubnet: str(r.VnetSubnetResourceID),
		}
		if ir.Action == "" {
			ir.Action = "Allow" // the API's default for a rule without an action
		}
		if r.Priority != nil {
			ir.Priority = int(*r.Priority)
		}
		if r.Tag != nil {
			ir.Tag = string(*r.Tag)
		}
		// A multi-source rule lists several ranges or service tags separated
		// by commas; each becomes an entry of its own so that an all-addresses
		// range among them is seen. An address with a separate subnetMask
		// becomes CIDR notation.
		addrs := strings.Split(str(r.IPAddress), ",")
		for _, a := range addrs {
			a = strings.TrimSpace(a)
			if a == "" && len(addrs) > 1 {
				continue
			}
			e := ir
			e.IPAddress = withMask(a, str(r.SubnetMask))
			out = append(out, e)
		}
	}
	return out
}

// withMask writes an IPv4 address and a dotted subnet mask as CIDR; anything
// else is returned unchanged.
func withMask(addr, mask string) string {
	if mask == "" || strings.Contains(addr, "/") {
		return addr
	}
	ip, m := net.ParseIP(addr).To4(), net.ParseIP(strings.TrimSpace(mask)).To4()
	if ip == nil || m == nil {
		return addr
	}
	ones, bits := net.IPMask(m).Size()
	if bits == 0 {
		return addr // not a contiguous mask
	}
	return ip.Mask(net.IPMask(m)).String() + "/" + strconv.Itoa(ones)
}

// settingsFacts inspects app settings: each value goes through the secret
// detector and is then dropped; the Functions host settings are kept because
// they are configuration, not secrets.
func settingsFacts(f *appFacts, settings map[string]*string) {
	names := make([]string, 0, len(settings))
	for k := range settings {
		names = append(names, k)
	}
	sort.Strings(names)
	f.env = f.env[:0]
	for _, name := range names {
		value := str(settings[name])
		switch strings.ToUpper(name) {
		case "FUNCTIONS_EXTENSION_VERSION":
			f.azure.ExtensionVersion = strings.TrimSpace(value)
		case "FUNCTIONS_WORKER_RUNTIME":
			f.azure.WorkerRuntime = strings.ToLower(strings.TrimSpace(value))
		case "WEBSITE_NODE_DEFAULT_VERSION":
			if f.stack == "" {
				f.stack = "node|" + strings.TrimPrefix(strings.TrimSpace(value), "~")
			}
		}
		up := strings.ToUpper(name)
		if strings.HasPrefix(up, "AZUREWEBJOBS.") && strings.HasSuffix(up, ".DISABLED") {
			v := strings.ToLower(strings.TrimSpace(value))
			if v == "true" || v == "1" {
				fn := name[len("AzureWebJobs.") : len(name)-len(".Disabled")]
				f.disabled[strings.ToLower(fn)] = true
			}
		}
		f.env = append(f.env, secrets.Inspect(name, value))
	}
}

// authFacts maps App Service Authentication (auth settings v2).
func authFacts(a *armappservice.SiteAuthSettingsV2Properties, ref string) *audit.AzureAuth {
	out := &audit.AzureAuth{Source: audit.Source{API: apiAuthSettings, Ref: ref}}
	if a == nil {
		return out
	}
	if a.Platform != nil && a.Platform.Enabled != nil {
		out.Enabled = *a.Platform.Enabled
	}
	if g := a.GlobalValidation; g != nil {
		if g.RequireAuthentication != nil {
			out.RequireAuthentication = *g.RequireAuthentication
		}
		if g.UnauthenticatedClientAction != nil {
			out.UnauthenticatedAction = string(*g.UnauthenticatedClientAction)
		}
		out.ExcludedPaths = strs(g.ExcludedPaths)
	}
	if ip := a.IdentityProviders; ip != nil {
		// A provider block counts unless it says enabled=false.
		add := func(name string, enabled *bool) {
			if enabled == nil || *enabled {
				out.IdentityProviders = append(out.IdentityProviders, name)
			}
		}
		if ip.AzureActiveDirectory != nil {
			add("azureActiveDirectory", ip.AzureActiveDirectory.Enabled)
			aad := ip.AzureActiveDirectory
			if aad.Enabled == nil || *aad.Enabled {
				if aad.Registration != nil {
					out.EntraIssuer = str(aad.Registration.OpenIDIssuer)
				}
				if v := aad.Validation; v != nil {
					if p := v.DefaultAuthorizationPolicy; p != nil {
						out.AllowedApplications = strs(p.AllowedApplications)
						if p.AllowedPrincipals != nil {
							out.AllowedIdentities = strs(p.AllowedPrincipals.Identities)
							out.AllowedGroups = strs(p.AllowedPrincipals.Groups)
						}
					}
					if j := v.JwtClaimChecks; j != nil {
						out.AllowedApplications = append(out.AllowedApplications, strs(j.AllowedClientApplications)...)
						out.AllowedGroups = append(out.AllowedGroups, strs(j.AllowedGroups)...)
					}
				}
			}
		}
		if ip.Apple != nil {
			add("apple", ip.Apple.Enabled)
		}
		if ip.Facebook != nil {
			add("facebook", ip.Facebook.Enabled)
		}
		if ip.GitHub != nil {
			add("gitHub", ip.GitHub.Enabled)
		}
		if ip.Google != nil {
			add("google", ip.Google.Enabled)
		}
		if ip.Twitter != nil {
			add("twitter", ip.Twitter.Enabled)
		}
		if ip.LegacyMicrosoftAccount != nil {
			add("legacyMicrosoftAccount", ip.LegacyMicrosoftAccount.Enabled)
		}
		if ip.AzureStaticWebApps != nil {
			add("azureStaticWebApps", ip.AzureStaticWebApps.Enabled)
		}
		names := make([]string, 0, len(ip.CustomOpenIDConnectProviders))
		for k, p := range ip.CustomOpenIDConnectProviders {
			if p != nil && (p.Enabled == nil || *p.Enabled) {
				names = append(names, "customOpenIdConnect:"+k)
			}
		}
		sort.Strings(names)
		out.IdentityProviders = append(out.IdentityProviders, names...)
	}
	return out
}

// binding is one entry of a function.json "bindings" array.
type binding struct {
	Type      string   `json:"type"`
	Direction string   `json:"direction"`
	Name      string   `json:"name"`
	AuthLevel string   `json:"authLevel"`
	Route     string   `json:"route"`
	Methods   []string `json:"methods"`
	// Sources named by event triggers.
	QueueName     string `json:"queueName"`
	TopicName     string `json:"topicName"`
	EventHubName  string `json:"eventHubName"`
	Path          string `json:"path"`
	Schedule      string `json:"schedule"`
	Connection    string `json:"connection"`
	DatabaseName  string `json:"databaseName"`
	ContainerName string `json:"containerName"`
}

// triggerOf finds the trigger binding in a function envelope's config (the
// function.json document, delivered as untyped JSON). The document is read
// leniently: the ARM schema types config as an untyped object, so a field of an
// unexpected type (a method list given as one string, a numeric authLevel, a
// config delivered as a JSON string) must not hide the trigger itself.
func triggerOf(config any) (binding, bool) {
	if s, ok := config.(string); ok {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return binding{}, false
		}
		config = v
	}
	doc, ok := asObject(config)
	if !ok {
		return binding{}, false
	}
	list, _ := field(doc, "bindings").([]any)
	for _, item := range list {
		m, ok := asObject(item)
		if !ok {
			continue
		}
		b := binding{
			Type:          text(field(m, "type")),
			Direction:     text(field(m, "direction")),
			Name:          text(field(m, "name")),
			AuthLevel:     authLevelText(field(m, "authLevel")),
			Route:         text(field(m, "route")),
			Methods:       texts(field(m, "methods")),
			QueueName:     text(field(m, "queueName")),
			TopicName:     text(field(m, "topicName")),
			EventHubName:  text(field(m, "eventHubName")),
			Path:          text(field(m, "path")),
			Schedule:      text(field(m, "schedule")),
			Connection:    text(field(m, "connection")),
			DatabaseName:  text(field(m, "databaseName")),
			ContainerName: text(field(m, "containerName")),
		}
		if strings.HasSuffix(strings.ToLower(b.Type), "trigger") {
			return b, true
		}
	}
	return binding{}, false
}

// asObject returns v as a JSON object, whatever concrete map type the SDK or a
// test handed over.
func asObject(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case nil:
		return nil, false
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil, false
	}
	return m, true
}

// field returns m[key], matching the key case-insensitively as the Functions
// host reads function.json.
func field(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// text returns a string field; numbers and booleans are spelled out, anything
// else is "".
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64, bool, json.Number:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return ""
}

// texts returns a string list field: an array of strings or one
// comma-separated string.
func texts(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s := strings.TrimSpace(text(e)); s != "" {
				out = append(out, s)
			}
		}
	case []string:
		for _, s := range x {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case string:
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// authLevelNames are the values of the host's AuthorizationLevel enum, for an
// authLevel serialized as its number.
var authLevelNames = []string{"anonymous", "user", "function", "system", "admin"}

func authLevelText(v any) string {
	if f, ok := v.(float64); ok && f >= 0 && int(f) < len(authLevelNames) && f == float64(int(f)) {
		return authLevelNames[int(f)]
	}
	return text(v)
}

// triggerKinds maps binding types to the model's trigger kinds.
var triggerKinds = map[string]audit.TriggerKind{
	"httptrigger":                  audit.TriggerHTTPURL,
	"timertrigger":                 audit.TriggerSchedule,
	"queuetrigger":                 audit.TriggerQueue,
	"servicebustrigger":            audit.TriggerQueue,
	"blobtrigger":                  audit.TriggerStorage,
	"eventhubtrigger":              audit.TriggerStream,
	"kafkatrigger":                 audit.TriggerStream,
	"cosmosdbtrigger":              audit.TriggerStream,
	"eventgridtrigger":             audit.TriggerPubSub,
	"signalrtrigger":               audit.TriggerEvent,
	"daprtopictrigger":             audit.TriggerPubSub,
	"orchestrationtrigger":         audit.TriggerService,
	"activitytrigger":              audit.TriggerService,
	"entitytrigger":                audit.TriggerService,
	"durableclient":                audit.TriggerService,
	"rabbitmqtrigger":              audit.TriggerQueue,
	"sqltrigger":                   audit.TriggerStream,
	"mysqltrigger":                 audit.TriggerStream,
	"webpubsubtrigger":             audit.TriggerEvent,
	"warmuptrigger":                audit.TriggerOther,
	"daprbindingtrigger":           audit.TriggerEvent,
	"daprserviceinvocationtrigger": audit.TriggerService,
}

// functionRecord maps one function envelope plus its app's facts to a Function.
func functionRecord(fe *armappservice.FunctionEnvelope, app *appFacts, subscription string) audit.Function {
	fid := str(fe.ID)
	name := lastSegment(str(fe.Name))
	src := audit.Source{API: apiFunctions, Ref: fid}
	az := app.azure // copy
	az.IPRestrictions = append([]audit.IPRestriction(nil), app.azure.IPRestrictions...)
	az.SCMIPRestrictions = append([]audit.IPRestriction(nil), app.azure.SCMIPRestrictions...)
	if app.azure.Auth != nil {
		a := *app.azure.Auth
		az.Auth = &a
	}
	fn := audit.Function{
		Provider: audit.Azure,
		Account:  subscription,
		Region:   app.region,
		Name:     name,
		ID:       fid,
		Runtime:  runtimeOf(app),
		Tags:     tagsOf(app.site.Tags),
		Source:   src,
	}
	if strings.HasPrefix(strings.ToUpper(az.LinuxFxVersion), "DOCKER|") {
		fn.PackageType = "container"
	}
	if len(app.env) > 0 {
		fn.Environment = append([]audit.EnvVar(nil), app.env...)
	}
	for _, id := range app.idents {
		fn.Identities = append(fn.Identities, id.ID)
	}
	var b binding
	var ok bool
	if p := fe.Properties; p != nil {
		fn.URL = str(p.InvokeURLTemplate)
		if p.IsDisabled != nil && *p.IsDisabled {
			az.Disabled = true
		}
		b, ok = triggerOf(p.Config)
	}
	if app.disabled[strings.ToLower(name)] {
		az.Disabled = true
	}
	if ok {
		kind, known := triggerKinds[strings.ToLower(b.Type)]
		if !known {
			kind = audit.TriggerOther
		}
		t := audit.Trigger{Kind: kind, Service: b.Type, Name: b.Name, SourceID: bindingSource(b), Source: src}
		if kind == audit.TriggerHTTPURL {
			level := strings.ToLower(strings.TrimSpace(b.AuthLevel))
			if level == "" {
				level = "function" // the Functions host default
			}
			az.AuthLevel = level
			az.Route = b.Route
			az.Methods = b.Methods
			switch level {
			case "anonymous":
				t.Auth = audit.AuthNone
				fn.Access = append(fn.Access, audit.Access{
					Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "*"},
					Effect:    audit.Allow, Actions: []string{"http:anonymous"}, Auth: audit.AuthNone, Source: src,
				})
			default:
				t.Auth = audit.AuthKey
				fn.Access = append(fn.Access, audit.Access{
					Principal: audit.Principal{Kind: audit.PrincipalKeyHolder, ID: level + "-key"},
					Effect:    audit.Allow, Actions: []string{"http:" + level}, Auth: audit.AuthKey, Source: src,
				})
			}
		} else {
			t.Auth = audit.AuthService
		}
		fn.Triggers = append(fn.Triggers, t)
	}
	fn.Azure = &az
	return fn
}

// bindingSource names what feeds an event trigger: the queue, topic, hub, blob
// path or schedule.
func bindingSource(b binding) string {
	for _, s := range []string{b.QueueName, b.TopicName, b.EventHubName, b.Path, b.ContainerName, b.Schedule} {
		if s != "" {
			return s
		}
	}
	return ""
}

// runtimeOf returns the app's language stack as "<stack>|<version>" in lower
// case: from linuxFxVersion on Linux ("Python|3.11"), from the Flex Consumption
// runtime, or from the worker runtime and its version settings on Windows.
func runtimeOf(app *appFacts) string {
	fx := app.azure.LinuxFxVersion
	if fx != "" && !strings.HasPrefix(strings.ToUpper(fx), "DOCKER|") {
		return strings.ToLower(fx)
	}
	if app.stack != "" {
		return app.stack
	}
	w := app.azure.WorkerRuntime
	switch {
	case strings.HasPrefix(w, "dotnet"):
		if v := strings.TrimPrefix(strings.ToLower(app.azure.NetFrameworkVersion), "v"); v != "" {
			return w + "|" + v
		}
	case w == "powershell" || w == "java":
		if app.cfgStack != "" {
			return app.cfgStack
		}
	}
	return w
}

func tagsOf(tags map[string]*string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = str(v)
	}
	return out
}

// rolePolicy maps a role assignment and its definition to a Policy with the
// definition's permissions as Grants at the assignment's scope.
func rolePolicy(ra *armauthorization.RoleAssignment, def *roleDef) audit.Policy {
	p := ra.Properties
	scope := str(p.Scope)
	pol := audit.Policy{
		Kind:      audit.PolicyRoleAssignment,
		Name:      def.name,
		ID:        str(p.RoleDefinitionID),
		Scope:     scope,
		Condition: str(p.Condition),
		Source:    audit.Source{API: apiRoleAssignments, Ref: str(ra.ID)},
	}
	if pol.Name == "" {
		pol.Name = lastSegment(pol.ID)
	}
	for _, perm := range def.perms {
		pol.Grants = append(pol.Grants, audit.Grant{
			Effect:         audit.Allow,
			Actions:        perm.actions,
			NotActions:     perm.notActions,
			DataActions:    perm.dataActions,
			NotDataActions: perm.notDataActions,
			Scope:          scope,
			Condition:      pol.Condition,
		})
	}
	return pol
}

// roleDef is a role definition's name and permissions.
type roleDef struct {
	name  string
	perms []permBlock
}

type permBlock struct {
	actions, notActions, dataActions, notDataActions []string
}

func roleDefFrom(d *armauthorization.RoleDefinition) *roleDef {
	out := &roleDef{}
	if d == nil || d.Properties == nil {
		return out
	}
	out.name = str(d.Properties.RoleName)
	for _, p := range d.Properties.Permissions {
		if p == nil {
			continue
		}
		out.perms = append(out.perms, permBlock{strs(p.Actions), strs(p.NotActions), strs(p.DataActions), strs(p.NotDataActions)})
	}
	return out
}
