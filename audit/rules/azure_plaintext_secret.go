package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/secrets"
)

//go:embed azure_plaintext_secret.md
var azurePlaintextSecretDoc string

// AzurePlaintextSecret reports app settings of an Azure function's app whose
// values looked like secrets at collection time rather than Key Vault or App
// Configuration references.
var AzurePlaintextSecret = audit.Rule{
	ID:       "FNA-AZ-007",
	Slug:     "azure-plaintext-secret",
	Category: audit.PlaintextSecret,
	Severity: audit.Medium,
	Provider: audit.Azure,
	Title:    "Azure function app setting holds a secret in plain text",
	Doc:      azurePlaintextSecretDoc,
	Remediation: "Move the value to Key Vault and replace the setting with a reference " +
		"(@Microsoft.KeyVault(SecretUri=...)) read with the app's managed identity, or use an " +
		"identity-based connection that needs no secret; then rotate the exposed value.",
	References: []string{
		"https://learn.microsoft.com/azure/app-service/app-service-key-vault-references",
		"https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection",
	},
	Needs: []audit.DataKind{audit.DataEnvironment},
	Check: checkAzurePlaintextSecret,
}

func checkAzurePlaintextSecret(pass *audit.Pass) {
	fn := pass.Function
	src := fn.Source
	if fn.Azure != nil && fn.Azure.SettingsSource != (audit.Source{}) {
		src = fn.Azure.SettingsSource
	}
	for _, e := range fn.Environment {
		if e.Verdict != audit.ValueSecret {
			continue
		}
		frag := "detector=" + e.Detector
		if h := secrets.SafeHint(e.Detector, e.Hint); h != "" {
			frag += ", hint " + h
		}
		pass.Report(audit.Result{
			Key:      e.Name,
			Severity: secretSeverity(e.Detector),
			Detail:   fmt.Sprintf("App setting %s holds what looks like a secret (%s) in plain text; anyone who can read the app's settings can read it.", e.Name, e.Detector),
			Evidence: []audit.Evidence{{Source: src, Path: "properties." + e.Name, Fragment: frag}},
		})
	}
}
