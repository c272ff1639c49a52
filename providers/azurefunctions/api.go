package azurefunctions

import (
	"context"
	"slices"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/appservice/armappservice/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
)

// The interfaces below list exactly the Azure calls the collector makes; all are
// reads. Permissions maps each to the Azure RBAC action it needs, and a test keeps
// the two in step.

// subscriptionsAPI lists and names subscriptions.
type subscriptionsAPI interface {
	NewListPager(*armsubscriptions.ClientListOptions) *runtime.Pager[armsubscriptions.ClientListResponse]
	Get(context.Context, string, *armsubscriptions.ClientGetOptions) (armsubscriptions.ClientGetResponse, error)
}

// webAppsAPI reads Function Apps, per subscription.
type webAppsAPI interface {
	NewListPager(*armappservice.WebAppsClientListOptions) *runtime.Pager[armappservice.WebAppsClientListResponse]
	GetConfiguration(context.Context, string, string, *armappservice.WebAppsClientGetConfigurationOptions) (armappservice.WebAppsClientGetConfigurationResponse, error)
	ListApplicationSettings(context.Context, string, string, *armappservice.WebAppsClientListApplicationSettingsOptions) (armappservice.WebAppsClientListApplicationSettingsResponse, error)
	GetAuthSettingsV2WithoutSecrets(context.Context, string, string, *armappservice.WebAppsClientGetAuthSettingsV2WithoutSecretsOptions) (armappservice.WebAppsClientGetAuthSettingsV2WithoutSecretsResponse, error)
	NewGetPrivateEndpointConnectionListPager(string, string, *armappservice.WebAppsClientGetPrivateEndpointConnectionListOptions) *runtime.Pager[armappservice.WebAppsClientGetPrivateEndpointConnectionListResponse]
	NewListFunctionsPager(string, string, *armappservice.WebAppsClientListFunctionsOptions) *runtime.Pager[armappservice.WebAppsClientListFunctionsResponse]
	GetScmAllowed(context.Context, string, string, *armappservice.WebAppsClientGetScmAllowedOptions) (armappservice.WebAppsClientGetScmAllowedResponse, error)
	GetFtpAllowed(context.Context, string, string, *armappservice.WebAppsClientGetFtpAllowedOptions) (armappservice.WebAppsClientGetFtpAllowedResponse, error)
}

// roleAssignmentsAPI lists a principal's role assignments.
type roleAssignmentsAPI interface {
	NewListForScopePager(string, *armauthorization.RoleAssignmentsClientListForScopeOptions) *runtime.Pager[armauthorization.RoleAssignmentsClientListForScopeResponse]
}

// roleDefinitionsAPI reads a role definition's permissions.
type roleDefinitionsAPI interface {
	GetByID(context.Context, string, *armauthorization.RoleDefinitionsClientGetByIDOptions) (armauthorization.RoleDefinitionsClientGetByIDResponse, error)
}

var (
	_ subscriptionsAPI   = (*armsubscriptions.Client)(nil)
	_ webAppsAPI         = (*armappservice.WebAppsClient)(nil)
	_ roleAssignmentsAPI = (*armauthorization.RoleAssignmentsClient)(nil)
	_ roleDefinitionsAPI = (*armauthorization.RoleDefinitionsClient)(nil)
)

// permission is one Azure RBAC action the collector needs and the SDK call that
// uses it.
type permission struct {
	Action string
	Call   string
}

// permissionCalls is the collector's least-privilege action list, one entry
// per interface method above.
var permissionCalls = []permission{
	{"Microsoft.Resources/subscriptions/read", "armsubscriptions.Client.NewListPager"},
	{"Microsoft.Resources/subscriptions/read", "armsubscriptions.Client.Get"},
	{"Microsoft.Web/sites/read", "armappservice.WebAppsClient.NewListPager"},
	{"Microsoft.Web/sites/config/read", "armappservice.WebAppsClient.GetConfiguration"},
	{"Microsoft.Web/sites/config/list/action", "armappservice.WebAppsClient.ListApplicationSettings"},
	{"Microsoft.Web/sites/config/read", "armappservice.WebAppsClient.GetAuthSettingsV2WithoutSecrets"},
	{"Microsoft.Web/sites/privateEndpointConnections/read", "armappservice.WebAppsClient.NewGetPrivateEndpointConnectionListPager"},
	{"Microsoft.Web/sites/functions/read", "armappservice.WebAppsClient.NewListFunctionsPager"},
	{"Microsoft.Web/sites/basicPublishingCredentialsPolicies/read", "armappservice.WebAppsClient.GetScmAllowed"},
	{"Microsoft.Web/sites/basicPublishingCredentialsPolicies/read", "armappservice.WebAppsClient.GetFtpAllowed"},
	{"Microsoft.Authorization/roleAssignments/read", "armauthorization.RoleAssignmentsClient.NewListForScopePager"},
	{"Microsoft.Authorization/roleDefinitions/read", "armauthorization.RoleDefinitionsClient.GetByID"},
}

// Permissions returns the Azure RBAC actions the collector uses, sorted and
// distinct, as a new slice. The built-in Reader role covers all but
// Microsoft.Web/sites/config/list/action (reading app settings); without it the
// settings become a gap and plaintext secrets go unchecked.
func Permissions() []string {
	out := make([]string, 0, len(permissionCalls))
	for _, p := range permissionCalls {
		out = append(out, p.Action)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
