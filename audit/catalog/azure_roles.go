package catalog

import "strings"

// AzureRole is a built-in Azure role definition: its well-known id (the GUID is
// the same in every tenant) and its permission block, as Microsoft publishes it in
// "Azure built-in roles". Only the roles fnaudit reasons about are listed; the
// provider reads every assigned role's definition from the API and uses this
// table only when that read is denied.
type AzureRole struct {
	Name           string
	ID             string // GUID of /providers/Microsoft.Authorization/roleDefinitions/{ID}
	Actions        []string
	NotActions     []string
	DataActions    []string
	NotDataActions []string
	// Admin explains why the role administers its whole scope; empty when it does not.
	Admin string
}

// azureRoles lists built-in roles. Every name and id is checked against the
// published list in testdata/azure_builtin_roles.tsv (Microsoft's "Azure built-in
// roles" reference) by TestAzureBuiltinRoleIDsArePublished.
var azureRoles = []AzureRole{
	{
		Name: "Owner", ID: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
		Actions: []string{"*"},
		Admin:   "every action in the scope, including granting roles to anyone",
	},
	{
		Name: "Contributor", ID: "b24988ac-6180-42a0-ab88-20f7382dd24c",
		Actions: []string{"*"},
		NotActions: []string{
			"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
			"Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write",
			"Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action",
			"Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete",
			"Microsoft.Resources/deploymentStacks/manageDenySetting/action",
			"Microsoft.Subscription/cancel/action", "Microsoft.Subscription/enable/action",
		},
		Admin: "create, change and delete every resource in the scope, and run code as any managed identity there",
	},
	{
		Name: "User Access Administrator", ID: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
		Actions: []string{"*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"},
		Admin:   "grants any role, Owner included, to anyone in the scope",
	},
	{
		Name: "Role Based Access Control Administrator", ID: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
		Actions: []string{"Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete",
			"*/read", "Microsoft.Support/*"},
		Admin: "assigns any role, Owner included, in the scope unless a condition restricts it",
	},
	{
		Name: "Reader", ID: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
		Actions: []string{"*/read"},
	},
	{
		Name: "Website Contributor", ID: "de139f84-1756-47ae-9be6-808fbbe84772",
		Actions: []string{"Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Insights/components/*",
			"Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*",
			"Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
			"Microsoft.Web/certificates/*", "Microsoft.Web/listSitesAssignedToHostName/read",
			"Microsoft.Web/serverFarms/join/action", "Microsoft.Web/serverFarms/read", "Microsoft.Web/sites/*"},
	},
	{
		Name: "Managed Identity Operator", ID: "f1a07417-d97a-45cb-824c-7a7467783830",
		Actions: []string{"Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
			"Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", "Microsoft.Authorization/*/read",
			"Microsoft.Insights/alertRules/*", "Microsoft.Resources/subscriptions/resourceGroups/read",
			"Microsoft.Resources/deployments/*", "Microsoft.Support/*"},
	},
	{
		Name: "Key Vault Administrator", ID: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
		Actions: []string{"Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*",
			"Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
			"Microsoft.KeyVault/checkNameAvailability/read", "Microsoft.KeyVault/deletedVaults/read",
			"Microsoft.KeyVault/locations/*/read", "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"},
		DataActions: []string{"Microsoft.KeyVault/vaults/*"},
	},
	{
		Name: "Key Vault Secrets User", ID: "4633458b-17de-408a-b874-0445c86b69e6",
		DataActions: []string{"Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"},
	},
	{
		Name: "Key Vault Secrets Officer", ID: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
		Actions: []string{"Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*",
			"Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
			"Microsoft.KeyVault/checkNameAvailability/read", "Microsoft.KeyVault/deletedVaults/read",
			"Microsoft.KeyVault/locations/*/read", "Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/operations/read"},
		DataActions: []string{"Microsoft.KeyVault/vaults/secrets/*"},
	},
	{
		Name: "Key Vault Crypto User", ID: "12338af0-0e69-4776-bea7-57ae8d297424",
		DataActions: []string{"Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/update/action",
			"Microsoft.KeyVault/vaults/keys/backup/action", "Microsoft.KeyVault/vaults/keys/encrypt/action",
			"Microsoft.KeyVault/vaults/keys/decrypt/action", "Microsoft.KeyVault/vaults/keys/wrap/action",
			"Microsoft.KeyVault/vaults/keys/unwrap/action", "Microsoft.KeyVault/vaults/keys/sign/action",
			"Microsoft.KeyVault/vaults/keys/verify/action"},
	},
	{
		Name: "Storage Blob Data Reader", ID: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
		Actions:     []string{"Microsoft.Storage/storageAccounts/blobServices/containers/read", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"},
		DataActions: []string{"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"},
	},
	{
		Name: "Storage Blob Data Contributor", ID: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
		Actions: []string{"Microsoft.Storage/storageAccounts/blobServices/containers/delete",
			"Microsoft.Storage/storageAccounts/blobServices/containers/read",
			"Microsoft.Storage/storageAccounts/blobServices/containers/write",
			"Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"},
		DataActions: []string{"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
			"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
			"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
			"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
			"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"},
	},
	{
		Name: "Storage Blob Data Owner", ID: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
		Actions:     []string{"Microsoft.Storage/storageAccounts/blobServices/containers/*", "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"},
		DataActions: []string{"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"},
	},
	{
		Name: "Storage Queue Data Contributor", ID: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
		Actions: []string{"Microsoft.Storage/storageAccounts/queueServices/queues/delete",
			"Microsoft.Storage/storageAccounts/queueServices/queues/read",
			"Microsoft.Storage/storageAccounts/queueServices/queues/write"},
		DataActions: []string{"Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete",
			"Microsoft.Storage/storageAccounts/queueServices/queues/messages/read",
			"Microsoft.Storage/storageAccounts/queueServices/queues/messages/write",
			"Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action"},
	},
}

// AzureBuiltinRoles returns the built-in role table (a copy safe to modify).
func AzureBuiltinRoles() []AzureRole {
	return append([]AzureRole(nil), azureRoles...)
}

// AzureRoleGUID returns the GUID at the end of a role definition id
// (/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{GUID},
// /providers/Microsoft.Authorization/roleDefinitions/{GUID} or the bare GUID).
func AzureRoleGUID(id string) string {
	id = strings.TrimRight(strings.TrimSpace(id), "/")
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		id = id[i+1:]
	}
	return strings.ToLower(id)
}

// AzureBuiltinRole returns the built-in role whose definition id (in any of its
// forms) is id.
func AzureBuiltinRole(id string) (AzureRole, bool) {
	g := AzureRoleGUID(id)
	if g == "" {
		return AzureRole{}, false
	}
	for _, r := range azureRoles {
		if r.ID == g {
			return r, true
		}
	}
	return AzureRole{}, false
}

// AzureAdminRole returns why the role with definition id (or, when the id is
// not a known built-in, with the built-in name) administers its scope, if it
// does. Matching by name is a fallback for inventories that carry no id: a
// custom role cannot reuse a built-in role's name.
func AzureAdminRole(id, name string) (string, bool) {
	if r, ok := AzureBuiltinRole(id); ok {
		return r.Admin, r.Admin != ""
	}
	if id != "" && AzureRoleGUID(id) != "" && azureIsGUID(AzureRoleGUID(id)) {
		// A custom role's own GUID: judge it by its permissions, not its name.
		return "", false
	}
	for _, r := range azureRoles {
		if strings.EqualFold(r.Name, strings.TrimSpace(name)) {
			return r.Admin, r.Admin != ""
		}
	}
	return "", false
}

func azureIsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", c) {
				return false
			}
		}
	}
	return true
}
