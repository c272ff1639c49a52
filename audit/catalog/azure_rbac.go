package catalog

import (
	"strings"
)

// AzureScopeLevel classifies an Azure RBAC scope by breadth.
type AzureScopeLevel int

// Azure scope levels from narrowest to broadest.
const (
	AzureScopeUnknown AzureScopeLevel = iota
	AzureScopeResource
	AzureScopeResourceGroup
	AzureScopeSubscription
	AzureScopeManagementGroup
	AzureScopeRoot
)

// String names the level as Azure documentation does.
func (l AzureScopeLevel) String() string {
	switch l {
	case AzureScopeResource:
		return "resource"
	case AzureScopeResourceGroup:
		return "resource group"
	case AzureScopeSubscription:
		return "subscription"
	case AzureScopeManagementGroup:
		return "management group"
	case AzureScopeRoot:
		return "root"
	}
	return "unknown"
}

// AzureScopeOf classifies an ARM scope: "/" (root), /providers/Microsoft.Management/
// managementGroups/{id}, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{rg},
// or anything below a resource group (a resource). Comparison ignores case and a
// trailing slash, as ARM does.
func AzureScopeOf(scope string) AzureScopeLevel {
	s := strings.TrimSpace(scope)
	if s == "/" {
		return AzureScopeRoot
	}
	s = strings.Trim(s, "/")
	if s == "" {
		return AzureScopeUnknown
	}
	parts := strings.Split(s, "/")
	switch {
	case len(parts) == 4 && strings.EqualFold(parts[0], "providers") &&
		strings.EqualFold(parts[1], "Microsoft.Management") && strings.EqualFold(parts[2], "managementGroups"):
		return AzureScopeManagementGroup
	case strings.EqualFold(parts[0], "subscriptions") && len(parts) == 2:
		return AzureScopeSubscription
	case strings.EqualFold(parts[0], "subscriptions") && len(parts) == 4 && strings.EqualFold(parts[2], "resourceGroups"):
		return AzureScopeResourceGroup
	case strings.EqualFold(parts[0], "subscriptions") && len(parts) > 4:
		return AzureScopeResource
	}
	return AzureScopeUnknown
}

// AzureScopeCovers reports whether an assignment at scope applies to the resource
// with ARM id resource: the scope is the resource itself or one of its ancestors.
// Management-group and root scopes cover everything (their hierarchy is not part
// of an ARM id, so the answer errs on the side of "covers").
func AzureScopeCovers(scope, resource string) bool {
	switch AzureScopeOf(scope) {
	case AzureScopeRoot, AzureScopeManagementGroup:
		return true
	case AzureScopeUnknown:
		return false
	}
	s := strings.ToLower(strings.TrimRight(scope, "/"))
	r := strings.ToLower(strings.TrimRight(resource, "/"))
	return r == s || strings.HasPrefix(r, s+"/")
}

// AzureActionMatch reports whether an Azure RBAC action pattern matches action.
// Azure compares operations case-insensitively and a "*" in a pattern matches any
// run of characters, including "/" ("Microsoft.Storage/*", "*/read",
// "Microsoft.Authorization/*/Write"). A "/*/" segment also matches no segment at
// all, the way built-in roles use it: Managed Identity Operator's
// "userAssignedIdentities/*/assign/action" grants "userAssignedIdentities/assign/action".
func AzureActionMatch(pattern, action string) bool {
	p, a := strings.ToLower(pattern), strings.ToLower(action)
	if azureWildcardMatch(p, a) {
		return true
	}
	return strings.Contains(p, "/*/") && azureWildcardMatch(strings.ReplaceAll(p, "/*/", "/"), a)
}

// azureWildcardMatch matches s against p where '*' matches any run of bytes.
func azureWildcardMatch(p, s string) bool {
	// Iterative glob match with backtracking to the last star.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// AzurePermits reports whether a role definition permission block (its actions
// and notActions, or its dataActions and notDataActions) allows action: some
// pattern in allow matches and none in deny does. It returns the matching allow
// pattern for evidence.
func AzurePermits(allow, deny []string, action string) (string, bool) {
	for _, d := range deny {
		if AzureActionMatch(d, action) {
			return "", false
		}
	}
	for _, a := range allow {
		if AzureActionMatch(a, action) {
			return a, true
		}
	}
	return "", false
}

// AzureReadOnlyPattern reports whether an action pattern can only match read
// operations ("*/read", "Microsoft.Web/sites/*/read").
func AzureReadOnlyPattern(pattern string) bool {
	return strings.HasSuffix(strings.ToLower(pattern), "/read")
}

// AzureScopeResourceType returns the resource type of a resource scope
// (".../providers/Microsoft.KeyVault/vaults/kv" is "Microsoft.KeyVault/vaults",
// ".../providers/Microsoft.Storage/storageAccounts/sa/blobServices/default" is
// "Microsoft.Storage/storageAccounts/blobServices"); "" for broader scopes.
func AzureScopeResourceType(scope string) string {
	if AzureScopeOf(scope) != AzureScopeResource {
		return ""
	}
	s := strings.Trim(strings.TrimSpace(scope), "/")
	i := strings.LastIndex(strings.ToLower(s), "/providers/")
	if i < 0 {
		return ""
	}
	parts := strings.Split(s[i+len("/providers/"):], "/")
	if len(parts) < 3 {
		return ""
	}
	typ := []string{parts[0]}
	for j := 1; j < len(parts); j += 2 {
		typ = append(typ, parts[j])
	}
	return strings.Join(typ, "/")
}

// AzureActionAppliesAt reports whether an operation can act on something at
// scope (never at an unclassified scope). At subscription, management-group or resource-group scope every
// operation can; on one resource only the operations of that resource's type
// and its children, and the Microsoft.Authorization operations (role
// assignments, locks and policies are extension resources that attach to any
// scope). So Contributor on a key vault cannot write a web app.
func AzureActionAppliesAt(action, scope string) bool {
	typ := AzureScopeResourceType(scope)
	if typ == "" {
		l := AzureScopeOf(scope)
		return l != AzureScopeResource && l != AzureScopeUnknown
	}
	a := strings.ToLower(action)
	if strings.HasPrefix(a, "microsoft.authorization/") {
		return true
	}
	return strings.HasPrefix(a, strings.ToLower(typ)+"/")
}
