package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/secrets"
)

//go:embed gcp_plaintext_secret.md
var gcpPlaintextSecretDoc string

// GCPPlaintextSecret reports Cloud Functions with an environment variable that
// looked like a secret in plain text when it was collected.
var GCPPlaintextSecret = audit.Rule{
	ID:       "FNA-GCP-007",
	Slug:     "gcp-plaintext-secret",
	Category: audit.PlaintextSecret,
	Severity: audit.Medium,
	Provider: audit.GCP,
	Title:    "Cloud Function has a secret in a plain-text environment variable",
	Doc:      gcpPlaintextSecretDoc,
	Remediation: "Rotate the secret, store it in Secret Manager, and reference it from the function " +
		"(gcloud functions deploy NAME --set-secrets=VAR=SECRET:latest) instead of a plain environment variable.",
	References: []string{
		"https://cloud.google.com/functions/docs/configuring/secrets",
		"https://cloud.google.com/secret-manager/docs/best-practices",
	},
	Needs: []audit.DataKind{audit.DataEnvironment},
	Check: checkGCPPlaintextSecret,
}

func checkGCPPlaintextSecret(pass *audit.Pass) {
	fn := pass.Function
	for _, ev := range fn.Environment {
		if ev.Verdict != audit.ValueSecret {
			continue
		}
		frag := "detector=" + ev.Detector
		if h := secrets.SafeHint(ev.Detector, ev.Hint); h != "" {
			frag += " hint=" + h
		}
		pass.Report(audit.Result{
			Key:      ev.Name,
			Severity: secretSeverity(ev.Detector),
			Title:    fmt.Sprintf("Cloud Function has a secret in environment variable %s", ev.Name),
			Detail: fmt.Sprintf("Environment variable %s looked like a secret (%s) when it was collected. Anyone who can "+
				"view the function's configuration (roles/cloudfunctions.viewer, roles/run.viewer, deployment logs) "+
				"can read it.", ev.Name, ev.Detector),
			Evidence: []audit.Evidence{{Source: fn.Source, Path: "environmentVariables." + ev.Name, Fragment: frag}},
		})
	}
}
