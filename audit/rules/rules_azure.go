package rules

import "github.com/fnaudit/fnaudit/audit"

// azureRules lists the Azure rules in catalogue order.
func azureRules() []audit.Rule {
	return []audit.Rule{
		AzurePublicInvoke,
		AzureCrossTenantInvoke,
		AzureAdminAccess,
		AzurePrivilegeEscalation,
		AzureWildcardPermission,
		AzureDeprecatedRuntime,
		AzurePlaintextSecret,
		AzureControlEscalation,
		AzureBasicAuthPublishing,
		AzureExternalControl,
	}
}
