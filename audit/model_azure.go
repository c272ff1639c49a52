package audit

// AzureFunction holds the Azure Function App facts the rules judge. Most of them
// belong to the app and are repeated for each of its functions.
type AzureFunction struct {
	// App is the Function App's ARM id; Function.ID is the function's own ARM id.
	App           string `json:"app"`
	ResourceGroup string `json:"resourceGroup,omitempty"`
	Kind          string `json:"kind,omitempty"` // e.g. "functionapp,linux"
	// AuthLevel is the HTTP trigger's authLevel: anonymous, function or admin;
	// empty for non-HTTP functions.
	AuthLevel string `json:"authLevel,omitempty"`
	// Route is the HTTP trigger's route template (the function name when unset);
	// the function answers at /api/<route> unless the host changes the prefix.
	Route string `json:"route,omitempty"`
	// Methods lists the HTTP methods the trigger accepts (empty = all).
	Methods []string `json:"methods,omitempty"`
	// Disabled is true when the function is disabled (isDisabled or an
	// AzureWebJobs.<name>.Disabled setting) and cannot be invoked.
	Disabled bool `json:"disabled,omitempty"`
	// State is the app's state (Running, Stopped).
	State string `json:"state,omitempty"`
	// ExtensionVersion is FUNCTIONS_EXTENSION_VERSION (~4, ~3, ...).
	ExtensionVersion string `json:"extensionVersion,omitempty"`
	// WorkerRuntime is FUNCTIONS_WORKER_RUNTIME (node, python, dotnet-isolated, ...).
	WorkerRuntime string `json:"workerRuntime,omitempty"`
	// LinuxFxVersion / NetFrameworkVersion etc. as reported by the site config.
	LinuxFxVersion      string `json:"linuxFxVersion,omitempty"`
	NetFrameworkVersion string `json:"netFrameworkVersion,omitempty"`
	HTTPSOnly           bool   `json:"httpsOnly,omitempty"`
	MinTLSVersion       string `json:"minTlsVersion,omitempty"`
	// PublicNetworkAccess is "Enabled", "Disabled" or empty (null in the API).
	PublicNetworkAccess string `json:"publicNetworkAccess,omitempty"`
	// PrivateEndpoints counts approved private endpoint connections.
	PrivateEndpoints int `json:"privateEndpoints,omitempty"`
	// IPRestrictions are the app's access restrictions (ipSecurityRestrictions).
	IPRestrictions []IPRestriction `json:"ipRestrictions,omitempty"`
	// IPRestrictionsDefaultAction is Allow or Deny (empty = Allow).
	IPRestrictionsDefaultAction string `json:"ipRestrictionsDefaultAction,omitempty"`
	// SCMIPRestrictions are the deployment (Kudu) site's restrictions.
	SCMIPRestrictions []IPRestriction `json:"scmIpRestrictions,omitempty"`
	// Auth is App Service Authentication (auth settings v2); nil when unread.
	Auth *AzureAuth `json:"auth,omitempty"`
	// SiteSource is where the site facts (kind, httpsOnly, publicNetworkAccess,
	// private endpoints) were read; ConfigSource where the site config
	// (runtime versions, access restrictions, TLS) was read; SettingsSource where
	// the app settings were read.
	SiteSource     Source `json:"siteSource,omitzero"`
	ConfigSource   Source `json:"configSource,omitzero"`
	SettingsSource Source `json:"settingsSource,omitzero"`
	// AppOnly marks the record of a Function App with no functions deployed:
	// Function.ID is the app's ARM id and Function.Name the app's name. The app
	// still has a runtime, app settings and managed identities, which the
	// runtime, secret and identity rules judge; it has no triggers, so nothing
	// invokes it yet.
	AppOnly bool `json:"appOnly,omitempty"`
	// BasicPublishing is whether the app accepts basic-auth (user name and
	// password) publishing; nil when it was not read.
	BasicPublishing *AzureBasicPublishing `json:"basicPublishing,omitempty"`
}

// AzureBasicPublishing is an app's basic-auth publishing policies
// (basicPublishingCredentialsPolicies/scm and /ftp): whether the SCM (Kudu,
// zip deploy, Git) and FTP endpoints accept the app's publishing user name and
// password. A nil field was not read.
type AzureBasicPublishing struct {
	SCM    *bool  `json:"scm,omitempty"`
	FTP    *bool  `json:"ftp,omitempty"`
	Source Source `json:"source"`
}

// IPRestriction is one access restriction rule of an app.
type IPRestriction struct {
	Name       string `json:"name,omitempty"`
	Action     string `json:"action"` // Allow or Deny
	Priority   int    `json:"priority,omitempty"`
	IPAddress  string `json:"ipAddress,omitempty"`  // CIDR or service tag
	Tag        string `json:"tag,omitempty"`        // Default, XffProxy, ServiceTag
	VNetSubnet string `json:"vnetSubnet,omitempty"` // subnet resource id
}

// AzureAuth is an app's App Service Authentication ("Easy Auth") setting.
type AzureAuth struct {
	Enabled bool `json:"enabled"`
	// RequireAuthentication is globalValidation.requireAuthentication.
	RequireAuthentication bool `json:"requireAuthentication,omitempty"`
	// UnauthenticatedAction is RedirectToLoginPage, Return401, Return403, Return404
	// or AllowAnonymous.
	UnauthenticatedAction string   `json:"unauthenticatedAction,omitempty"`
	IdentityProviders     []string `json:"identityProviders,omitempty"`
	// ExcludedPaths are paths that skip authentication.
	ExcludedPaths []string `json:"excludedPaths,omitempty"`
	// EntraIssuer is the Microsoft Entra provider's openIdIssuer (or the issuer
	// implied by its tenant), e.g. https://login.microsoftonline.com/<tenant>/v2.0,
	// or the multi-tenant .../common/v2.0 and .../organizations/v2.0.
	EntraIssuer string `json:"entraIssuer,omitempty"`
	// AllowedApplications, AllowedIdentities and AllowedGroups restrict which
	// Entra callers the platform admits (validation.defaultAuthorizationPolicy and
	// jwtClaimChecks); empty lists admit every caller the issuer authenticates.
	AllowedApplications []string `json:"allowedApplications,omitempty"`
	AllowedIdentities   []string `json:"allowedIdentities,omitempty"`
	AllowedGroups       []string `json:"allowedGroups,omitempty"`
	// AllowedTenants lists the tenants the Entra provider accepts tokens from
	// (validation.jwtClaimChecks / allowed tenants), when set.
	AllowedTenants []string `json:"allowedTenants,omitempty"`
	Source         Source   `json:"source,omitzero"`
}
