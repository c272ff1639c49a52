package azuretest

// A Function App with no functions deployed yet.
const (
	// PrincipalStaging is the system-assigned identity of FunctionlessApp,
	// Contributor on the subscription.
	PrincipalStaging = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
	// FunctionlessApp is the name of the app WithFunctionlessApp adds, in
	// resource group FunctionlessAppGroup of SubProd.
	FunctionlessApp      = "func-staging-empty"
	FunctionlessAppGroup = "rg-staging"
)

// FunctionlessAppID is the ARM id of the app WithFunctionlessApp adds.
func FunctionlessAppID() string {
	return "/subscriptions/" + SubProd + "/resourceGroups/" + FunctionlessAppGroup + "/providers/Microsoft.Web/sites/" + FunctionlessApp
}

// WithFunctionlessApp adds to c a Function App whose function listing is empty:
// Windows, in-process .NET with no version recorded (FUNCTIONS_WORKER_RUNTIME=
// dotnet, no netFrameworkVersion), a storage account key in plain text in its
// app settings, and a system-assigned identity that is Contributor on the
// subscription. It returns c.
func (c *Cloud) WithFunctionlessApp() *Cloud {
	c.apps = append(c.apps, &fakeApp{
		sub: SubProd, rg: FunctionlessAppGroup, name: FunctionlessApp, location: "West Europe", kind: "functionapp",
		systemPrincipal: PrincipalStaging,
		settings: map[string]string{
			"FUNCTIONS_EXTENSION_VERSION": "~4",
			"FUNCTIONS_WORKER_RUNTIME":    "dotnet",
			"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=ststagingempty;" +
				"AccountKey=c3RhZ2luZy1leGFtcGxlLWtleS1ub3QtcmVhbC0wMTIzNDU2Nzg5YWJjZGVmZ2hpams=;EndpointSuffix=core.windows.net",
		},
	})
	c.assignments = append(c.assignments, fakeAssignment{name: "a-staging", principal: PrincipalStaging,
		roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c", scope: "/subscriptions/" + SubProd})
	return c
}
