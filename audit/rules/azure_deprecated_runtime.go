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
	lang, langOK := catalog.AzureStackSupport(fn.Runtime)
	langOver := langOK && !lang.EndOfSupport.IsZero() && !pass.Now.Before(lang.EndOfSupport)
	model, modelOK := catalog.AzureWorkerModelSupport(az.WorkerRuntime)
	modelOver := modelOK && !pass.Now.Before(model.EndOfSupport)
	if !langOver && !modelOver {
		return
	}
	ev := audit.Evidence{Source: az.ConfigSource, Path: "properties.linuxFxVersion", Fragment: "linuxFxVersion=" + az.LinuxFxVersion}
	if az.LinuxFxVersion == "" || modelOver {
		ev = audit.Evidence{Source: az.SettingsSource, Path: "properties.FUNCTIONS_WORKER_RUNTIME",
			Fragment: fmt.Sprintf("FUNCTIONS_WORKER_RUNTIME=%s, runtime %s", az.WorkerRuntime, azureRuntimeOrNone(fn.Runtime))}
		if az.NetFrameworkVersion != "" {
			ev.Fragment += ", netFrameworkVersion=" + az.NetFrameworkVersion
		}
	}
	var detail string
	switch {
	case modelOver && (!langOver || !lang.EndOfSupport.Before(model.EndOfSupport)):
		// The worker model's own end comes first (or the version is unknown):
		// an in-process app is past support whatever its .NET version.
		detail = fmt.Sprintf("The app runs .NET in the in-process model (FUNCTIONS_WORKER_RUNTIME=%s), whose support on Azure Functions ended on %s: %s.",
			az.WorkerRuntime, model.EndOfSupport.Format("2006-01-02"), model.Note)
	default:
		detail = fmt.Sprintf("The app runs %s %s, whose support on Azure Functions ended on %s.", lang.Stack, lang.Version, lang.EndOfSupport.Format("2006-01-02"))
		if lang.Note != "" {
			detail += " (" + lang.Note + ")"
		}
		if modelOver {
			detail += fmt.Sprintf(" It also uses the in-process model, whose support ended on %s.", model.EndOfSupport.Format("2006-01-02"))
		}
	}
	pass.Report(audit.Result{Key: "language", Detail: detail, Evidence: []audit.Evidence{ev}})
}

// azureRuntimeOrNone quotes a runtime for evidence; a stack with no version
// recorded reads as such.
func azureRuntimeOrNone(rt string) string {
	if rt == "" {
		return "(none recorded)"
	}
	return rt
}
