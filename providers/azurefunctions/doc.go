// Package azurefunctions collects Azure Function Apps into an audit.Inventory
// with the Azure SDK for Go.
//
// For each subscription in scope (by default every subscription the credential
// can see) it lists the sites whose kind contains "functionapp", reads each app's
// site config (runtime versions, minimum TLS, access restrictions), its app
// settings (the values pass through the secret detector and are dropped), its App
// Service Authentication settings, its private endpoint connections and its
// functions with their trigger bindings. Every function of an app becomes one
// audit.Function whose Azure block repeats the app's facts. The app's managed
// identities (system-assigned and user-assigned) become audit.Identity values
// with one Policy per role assignment, at any scope, and the role definition's
// permissions expanded into Grants.
//
// The collector describes; it never judges. Whether an anonymous trigger is
// public, or a role administrative, is decided by the rules in audit/rules.
//
// Anything it cannot read — a subscription that denies access, one app's
// settings, an identity's role assignments — becomes an audit.Gap naming the
// subscription, resource, API and reason, and collection goes on. Errors are
// classified from azcore.ResponseError: AuthorizationFailed and 401/403 are
// access-denied, 404 not-found, 429 after the SDK's retries throttled.
//
// The calls made are listed in Permissions; a role granting exactly those
// actions is enough to audit a subscription.
package azurefunctions
