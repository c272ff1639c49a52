package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed azure_deprecated_runtime.md
var azureDeprecatedRuntimeDoc string

// AzureDeprecatedRuntime reports Azure functions on a Functions host (1.x–3.x) or
// language version past Microsoft's end of support; the dates are in
// audit/catalog (AzureRuntimes).
var AzureDeprecatedRuntime = audit.Rule{
	ID:       "FNA-AZ-006",
	Slug:     "azure-deprecated-runtime",
	Category: audit.DeprecatedRuntime,
	Severity: audit.Medium,
	Provider: audit.Azure,
	Title:    "Azure function runs on a runtime past end of support",
	Doc:      azureDeprecatedRuntimeDoc,
	Remediation: "Migrate the app to Functions host 4.x (FUNCTIONS_EXTENSION_VERSION=~4) and a supported " +
		"language version, then redeploy.",
	References: []string{
		"https://learn.microsoft.com/azure/azure-functions/functions-versions",
		"https://learn.microsoft.com/azure/azure-functions/language-support-policy",
		"https://learn.microsoft.com/azure/azure-functions/supported-languages",
	},
	Needs: []audit.DataKind{audit.DataConfig, audit.DataEnvironment},
	Check: checkAzureDeprecatedRuntime,
}

func checkAzureDeprecatedRuntime(pass *audit.Pass) {
	fn := pass.Function
	az := fn.Azure
	if az == nil {
		return
	}
	if s, ok := catalog.AzureHostSupport(az.ExtensionVersion); ok && !s.EndOfSupport.IsZero() && !pass.Now.Before(s.EndOfSupport) {
		pass.Report(audit.Result{
			Key:      "host",
			Severity: audit.Medium,
			Title:    "Azure function runs on a Functions host past end of support",
			Detail: fmt.Sprintf("FUNCTIONS_EXTENSION_VERSION is %s: Functions host %s.x support ended on %s (%s). The host no longer receives security fixes.",
				az.ExtensionVersion, s.Version, s.EndOfSupport.Format("2006-01-02"), s.Note),
			Evidence: []audit.Evidence{{Source: az.SettingsSource, Path: "properties.FUNCTIONS_EXTENSION_VERSION",
				Fragment: "FUNCTIONS_EXTENSION_VERSION=" + az.ExtensionVersion}},
		})
	}
	if s, ok := catalog.AzureStackSupport(fn.Runtime); ok && !s.EndOfSupport.IsZero() && !pass.Now.Before(s.EndOfSupport) {
		ev := audit.Evidence{Source: az.ConfigSource, Path: "properties.linuxFxVersion", Fragment: "linuxFxVersion=" + az.LinuxFxVersion}
		if az.LinuxFxVersion == "" {
			ev = audit.Evidence{Source: az.SettingsSource, Path: "properties.FUNCTIONS_WORKER_RUNTIME",
				Fragment: fmt.Sprintf("FUNCTIONS_WORKER_RUNTIME=%s, runtime %s", az.WorkerRuntime, fn.Runtime)}
			if az.NetFrameworkVersion != "" {
				ev.Fragment += ", netFrameworkVersion=" + az.NetFrameworkVersion
			}
		}
		detail := fmt.Sprintf("The app runs %s %s, whose support on Azure Functions ended on %s.", s.Stack, s.Version, s.EndOfSupport.Format("2006-01-02"))
		if s.Note != "" {
			detail += " (" + s.Note + ")"
		}
		pass.Report(audit.Result{Key: "language", Detail: detail, Evidence: []audit.Evidence{ev}})
	}
}
