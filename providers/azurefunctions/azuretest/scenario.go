package azuretest

import (
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
)

// Ids used by Scenario.
const (
	SubProd   = "3f2a8c1e-6d4b-4e7a-9b2c-1a5d7e9f0b12"
	SubDenied = "9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a"

	PrincipalPayments = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f" // system-assigned, Owner on the subscription
	PrincipalOrders   = "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e" // user-assigned, custom role
	PrincipalLedger   = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" // system-assigned, data roles only

	CustomRoleGUID = "6a1f3c2e-9b8d-4e7f-a6c5-3d2e1f0a9b8c"

	// Principals that can (or, for the reader, cannot) change
	// func-payments-prod: Contributor on the app, Website Contributor on its
	// resource group, Reader on the app.
	UserContributor = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
	UserWebsite     = "3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a"
	UserReader      = "4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b"
)

// Scenario is the estate of issue 7: paging, an anonymous trigger behind
// EasyAuth, one without, one behind a private endpoint only, a function-key
// trigger, Owner at subscription scope, a user-assigned identity with a custom
// role, and AuthorizationFailed on one subscription; for issue 15, users with
// Contributor and Reader on func-payments-prod and Website Contributor on its
// resource group, and basic-auth SCM publishing enabled on it.
func Scenario() *Cloud {
	uaiID := "/subscriptions/" + SubProd + "/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders-shared"
	defs := BuiltinDefs()
	defs[CustomRoleGUID] = RoleDefinition(CustomRoleGUID, "Orders Platform Operator", "CustomRole",
		[]string{"Microsoft.Web/sites/*", "Microsoft.Storage/*", "Microsoft.Resources/subscriptions/resourceGroups/read"}, nil, nil, nil)
	return &Cloud{
		subs:     []string{SubProd, SubDenied},
		denied:   map[string]bool{SubDenied: true},
		pageSize: 2,
		roleDefs: defs,
		apps: []*fakeApp{
			{
				sub: SubProd, rg: "rg-payments-prod", name: "func-payments-prod", location: "West Europe", kind: "functionapp,linux",
				pna: to.Ptr("Enabled"), linuxFx: "Node|22", systemPrincipal: PrincipalPayments,
				basicSCM: true,
				auth:     &armappservice.SiteAuthSettingsV2Properties{Platform: &armappservice.AuthPlatform{Enabled: to.Ptr(false)}},
				settings: map[string]string{
					"FUNCTIONS_EXTENSION_VERSION":          "~4",
					"FUNCTIONS_WORKER_RUNTIME":             "node",
					"STRIPE_API_KEY":                       "sk_live_51HxQ2aLkdIEXAMPLE0nq8ZfT3xY7vB2mW9rK4pL6sD1",
					"PAYMENTS_DB_PASSWORD":                 "@Microsoft.KeyVault(SecretUri=https://kv-payments-prod.vault.azure.net/secrets/db-password/)",
					"AzureWebJobs.LegacyCallback.Disabled": "true",
				},
				functions: []fakeFn{
					{name: "StripeWebhook", bindings: HTTPTrigger("anonymous")},
					{name: "RefundPayment", bindings: HTTPTrigger("function")},
					{name: "CapturePayment", bindings: HTTPTrigger("")},
					{name: "LegacyCallback", bindings: HTTPTrigger("anonymous")},
					{name: "SettlementQueue", bindings: EventTrigger("queueTrigger", map[string]any{"queueName": "settlements", "connection": "AzureWebJobsStorage"})},
				},
			},
			{
				sub: SubProd, rg: "rg-portal-prod", name: "func-portal-prod", location: "West Europe", kind: "functionapp",
				netFx: "v8.0", userAssigned: map[string]string{uaiID: PrincipalOrders},
				auth: &armappservice.SiteAuthSettingsV2Properties{
					Platform: &armappservice.AuthPlatform{Enabled: to.Ptr(true)},
					GlobalValidation: &armappservice.GlobalValidation{RequireAuthentication: to.Ptr(true),
						UnauthenticatedClientAction: to.Ptr(armappservice.UnauthenticatedClientActionV2Return401)},
					IdentityProviders: &armappservice.IdentityProviders{AzureActiveDirectory: &armappservice.AzureActiveDirectory{
						Enabled: to.Ptr(true), Registration: &armappservice.AzureActiveDirectoryRegistration{
							OpenIDIssuer: to.Ptr("https://sts.windows.net/5d3c2b1a-0f9e-4d8c-b7a6-958473625140/v2.0"), ClientID: to.Ptr("portal-client")}}},
				},
				settings:  map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~4", "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated"},
				functions: []fakeFn{{name: "GetDashboard", bindings: HTTPTrigger("anonymous")}},
			},
			{
				sub: SubProd, rg: "rg-ledger-prod", name: "func-ledger-internal", location: "North Europe", kind: "functionapp,linux",
				linuxFx: "Python|3.11", privateEndpoints: []string{"Approved", "Rejected"}, systemPrincipal: PrincipalLedger,
				auth:      nil, // never configured: the API answers 404
				settings:  map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~4", "FUNCTIONS_WORKER_RUNTIME": "python"},
				functions: []fakeFn{{name: "PostJournal", bindings: HTTPTrigger("anonymous")}},
			},
			{
				sub: SubProd, rg: "rg-reports", name: "func-reports-legacy", location: "West Europe", kind: "functionapp",
				netFx: "v4.0", pna: to.Ptr("Enabled"), userAssigned: map[string]string{uaiID: PrincipalOrders},
				restrictions:   []*armappservice.IPSecurityRestriction{{Name: to.Ptr("office"), Action: to.Ptr("Allow"), IPAddress: to.Ptr("203.0.113.0/24"), Priority: to.Ptr[int32](100)}},
				auth:           &armappservice.SiteAuthSettingsV2Properties{},
				settings:       map[string]string{"FUNCTIONS_EXTENSION_VERSION": "~3", "FUNCTIONS_WORKER_RUNTIME": "dotnet"},
				settingsStatus: 403,
				functions: []fakeFn{
					{name: "NightlyExport", bindings: EventTrigger("timerTrigger", map[string]any{"schedule": "0 0 2 * * *"})},
					{name: "ExportNow", bindings: HTTPTrigger("anonymous")},
				},
			},
		},
		assignments: []fakeAssignment{
			{name: "a1", principal: PrincipalPayments, roleGUID: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", scope: "/subscriptions/" + SubProd},
			{name: "a2", principal: PrincipalOrders, roleGUID: CustomRoleGUID, scope: "/subscriptions/" + SubProd},
			{name: "a3", principal: PrincipalLedger, roleGUID: "4633458b-17de-408a-b874-0445c86b69e6",
				scope: "/subscriptions/" + SubProd + "/resourceGroups/rg-ledger-prod/providers/Microsoft.KeyVault/vaults/kv-ledger"},
			{name: "a4", principal: PrincipalOrders, roleGUID: "acdd72a7-3385-48ef-bd42-f606fba81ae7", scope: "/providers/Microsoft.Management/managementGroups/mg-acme"},
			{name: "a5", principal: UserContributor, principalType: "User", roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c",
				scope: "/subscriptions/" + SubProd + "/resourceGroups/rg-payments-prod/providers/Microsoft.Web/sites/func-payments-prod"},
			{name: "a6", principal: UserWebsite, principalType: "User", roleGUID: "de139f84-1756-47ae-9be6-808fbbe84772",
				scope: "/subscriptions/" + SubProd + "/resourceGroups/rg-payments-prod"},
			{name: "a7", principal: UserReader, principalType: "User", roleGUID: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
				scope: "/subscriptions/" + SubProd + "/resourceGroups/rg-payments-prod/providers/Microsoft.Web/sites/func-payments-prod"},
		},
	}
}
