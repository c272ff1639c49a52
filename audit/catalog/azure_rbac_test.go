package catalog

import "testing"

func TestAzureActionMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, action string
		want            bool
	}{
		{"*", "Microsoft.Web/sites/write", true},
		{"*/read", "Microsoft.Web/sites/read", true},
		{"*/read", "Microsoft.Web/sites/write", false},
		{"Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", true},
		{"Microsoft.Authorization/*", "microsoft.authorization/roleassignments/write", true},
		{"Microsoft.Storage/*", "Microsoft.Web/sites/write", false},
		{"Microsoft.KeyVault/vaults/secrets/*", "Microsoft.KeyVault/vaults/secrets/getSecret/action", true},
		{"Microsoft.Web/sites/write", "Microsoft.Web/sites/write", true},
		{"Microsoft.Web/sites/write", "Microsoft.Web/sites/writex", false},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action", true},
		{"Microsoft.Web/sites/*/write", "Microsoft.Web/sites/config/write", true},
		{"Microsoft.Web/sites/*/write", "Microsoft.Web/serverfarms/write", false},
		{"Microsoft.ManagedIdentity/*/assign/action", "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action", true},
	} {
		if got := AzureActionMatch(tc.pattern, tc.action); got != tc.want {
			t.Errorf("AzureActionMatch(%q, %q) = %v, want %v", tc.pattern, tc.action, got, tc.want)
		}
	}
}

func TestAzurePermits(t *testing.T) {
	contributorNot := []string{"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"}
	if _, ok := AzurePermits([]string{"*"}, contributorNot, "Microsoft.Authorization/roleAssignments/write"); ok {
		t.Error("Contributor must not permit role assignment writes")
	}
	if pat, ok := AzurePermits([]string{"*"}, contributorNot, "Microsoft.Web/sites/write"); !ok || pat != "*" {
		t.Errorf("Contributor must permit site writes, got %q %v", pat, ok)
	}
}

func TestAzureScopeOf(t *testing.T) {
	for _, tc := range []struct {
		scope string
		want  AzureScopeLevel
	}{
		{"/", AzureScopeRoot},
		{"/providers/Microsoft.Management/managementGroups/mg-acme", AzureScopeManagementGroup},
		{"/subscriptions/3f2a8c1e-6d4b-4e7a-9b2c-1a5d7e9f0b12", AzureScopeSubscription},
		{"/subscriptions/3f2a8c1e-6d4b-4e7a-9b2c-1a5d7e9f0b12/", AzureScopeSubscription},
		{"/subscriptions/s/resourceGroups/rg", AzureScopeResourceGroup},
		{"/subscriptions/s/resourcegroups/rg/providers/Microsoft.KeyVault/vaults/kv", AzureScopeResource},
		{"", AzureScopeUnknown},
		{"/foo", AzureScopeUnknown},
	} {
		if got := AzureScopeOf(tc.scope); got != tc.want {
			t.Errorf("AzureScopeOf(%q) = %v, want %v", tc.scope, got, tc.want)
		}
	}
	if !AzureScopeCovers("/subscriptions/S/resourceGroups/RG", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a") {
		t.Error("resource group must cover its site")
	}
	if AzureScopeCovers("/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg2/providers/Microsoft.Web/sites/a") {
		t.Error("rg must not cover rg2")
	}
}

func TestAzureBuiltinRoles(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range AzureBuiltinRoles() {
		if !azureIsGUID(r.ID) {
			t.Errorf("%s: id %q is not a lower-case GUID", r.Name, r.ID)
		}
		if seen[r.ID] || seen[r.Name] {
			t.Errorf("%s: duplicate", r.Name)
		}
		seen[r.ID], seen[r.Name] = true, true
	}
	for _, name := range []string{"Owner", "Contributor", "User Access Administrator", "Role Based Access Control Administrator"} {
		if _, ok := AzureAdminRole("", name); !ok {
			t.Errorf("%s must be an admin role", name)
		}
	}
	if _, ok := AzureAdminRole("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635", ""); !ok {
		t.Error("Owner by upper-case id must be admin")
	}
	if _, ok := AzureAdminRole("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "Owner"); ok {
		t.Error("a custom role id must not be judged by name")
	}
}

// TestAzureActionAppliesAt: an assignment applies to its scope and the
// resources below it (https://learn.microsoft.com/azure/role-based-access-control/scope-overview);
// on one resource, only that resource type's operations (and the
// Microsoft.Authorization extension resources) can take effect.
func TestAzureActionAppliesAt(t *testing.T) {
	kv := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
	for _, tc := range []struct {
		action, scope string
		want          bool
	}{
		{"Microsoft.Web/sites/write", "/subscriptions/s/resourceGroups/rg", true},
		{"Microsoft.Web/sites/write", "/subscriptions/s", true},
		{"Microsoft.Web/sites/write", kv, false},
		{"Microsoft.KeyVault/vaults/accessPolicies/write", kv, true},
		{"microsoft.keyvault/vaults/write", kv, true},
		{"Microsoft.Authorization/roleAssignments/write", kv, true},
		{"Microsoft.ManagedIdentity/userAssignedIdentities/assign/action", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1", true},
		{"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default/containers/c", true},
		{"Microsoft.Storage/storageAccounts/write", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default", false},
		{"Microsoft.Web/sites/write", "", false},
	} {
		if got := AzureActionAppliesAt(tc.action, tc.scope); got != tc.want {
			t.Errorf("AzureActionAppliesAt(%q, %q) = %v, want %v", tc.action, tc.scope, got, tc.want)
		}
	}
}
