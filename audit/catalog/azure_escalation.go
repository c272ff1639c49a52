package catalog

// AzureEscalation is a way a managed identity's role assignments let it raise
// its own or another principal's privileges. Every group in AllOf must be
// permitted by some assignment at MinScope or broader (each group lists
// alternatives); Data marks groups of data actions (dataActions) rather than
// control-plane actions.
type AzureEscalation struct {
	ID    string
	Title string
	Why   string
	AllOf []AzureActionGroup
	// MinScope is the narrowest scope at which the permission is a risk.
	MinScope AzureScopeLevel
	// BeyondOwnApp: a grant scoped to the function's own app does not count (the
	// app can already run its own code).
	BeyondOwnApp bool
}

// AzureActionGroup is a set of alternative actions; any one satisfies it.
type AzureActionGroup struct {
	Actions []string
	Data    bool
}

// azureEscalations lists the escalation paths fnaudit checks, as data.
var azureEscalations = []AzureEscalation{
	{
		ID: "role-assignment-write", Title: "can create role assignments",
		Why:      "writing role assignments lets the identity grant itself, or anyone, Owner within the scope",
		AllOf:    []AzureActionGroup{{Actions: []string{"Microsoft.Authorization/roleAssignments/write"}}},
		MinScope: AzureScopeResource,
	},
	{
		ID: "role-definition-write", Title: "can change role definitions",
		Why:      "writing role definitions lets the identity add any action to a custom role it already holds",
		AllOf:    []AzureActionGroup{{Actions: []string{"Microsoft.Authorization/roleDefinitions/write"}}},
		MinScope: AzureScopeResource,
	},
	{
		ID: "assign-identity-and-deploy", Title: "can attach managed identities to compute it deploys",
		Why: "assigning a user-assigned identity to an app, VM or deployment it can create lets its code run as that identity",
		AllOf: []AzureActionGroup{
			{Actions: []string{"Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"}},
			{Actions: []string{"Microsoft.Web/sites/write", "Microsoft.Compute/virtualMachines/write",
				"Microsoft.Resources/deployments/write", "Microsoft.ContainerInstance/containerGroups/write",
				"Microsoft.App/containerApps/write", "Microsoft.Logic/workflows/write", "Microsoft.Automation/automationAccounts/write"}},
		},
		MinScope: AzureScopeResource,
	},
	{
		ID: "federated-credential-write", Title: "can add federated credentials to managed identities",
		Why:      "a federated identity credential lets tokens from an outside issuer act as the managed identity",
		AllOf:    []AzureActionGroup{{Actions: []string{"Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write"}}},
		MinScope: AzureScopeResource,
	},
	{
		ID: "web-app-code-write", Title: "can change other apps' code or configuration",
		Why: "writing another App Service or Function App (its settings, deployment or publishing credentials) runs code with that app's identity",
		AllOf: []AzureActionGroup{{Actions: []string{"Microsoft.Web/sites/write", "Microsoft.Web/sites/config/write",
			"Microsoft.Web/sites/publishxml/action", "Microsoft.Web/sites/extensions/write", "Microsoft.Web/sites/functions/write"}}},
		MinScope:     AzureScopeResource,
		BeyondOwnApp: true,
	},
	{
		ID: "vm-run-command", Title: "can run commands on virtual machines",
		Why:      "run command executes scripts as the VM's own managed identity and local system",
		AllOf:    []AzureActionGroup{{Actions: []string{"Microsoft.Compute/virtualMachines/runCommand/action", "Microsoft.Compute/virtualMachines/runCommands/write", "Microsoft.Compute/virtualMachines/extensions/write"}}},
		MinScope: AzureScopeResourceGroup,
	},
	{
		ID: "keyvault-access-policy-write", Title: "can grant itself Key Vault access",
		Why:      "writing a vault's access policies (or the vault) grants read access to every secret and key in vaults using the access policy model",
		AllOf:    []AzureActionGroup{{Actions: []string{"Microsoft.KeyVault/vaults/accessPolicies/write", "Microsoft.KeyVault/vaults/write"}}},
		MinScope: AzureScopeResourceGroup,
	},
	{
		ID: "keyvault-secrets-broad", Title: "can read Key Vault secrets or use keys across many vaults",
		Why: "reading every secret (or decrypting and signing with every key) in a resource group or subscription exposes other workloads' credentials",
		AllOf: []AzureActionGroup{{Data: true, Actions: []string{"Microsoft.KeyVault/vaults/secrets/getSecret/action",
			"Microsoft.KeyVault/vaults/keys/decrypt/action", "Microsoft.KeyVault/vaults/keys/unwrap/action",
			"Microsoft.KeyVault/vaults/keys/sign/action"}}},
		MinScope: AzureScopeResourceGroup,
	},
}

// AzureEscalations returns the escalation table (a copy).
func AzureEscalations() []AzureEscalation {
	return append([]AzureEscalation(nil), azureEscalations...)
}
