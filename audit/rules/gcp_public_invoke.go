package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed gcp_public_invoke.md
var gcpPublicInvokeDoc string

// GCPPublicInvoke reports Cloud Functions that anyone (allUsers, or a 2nd-gen
// function whose Cloud Run invoker IAM check is disabled) or any Google account
// (allAuthenticatedUsers) may invoke.
var GCPPublicInvoke = audit.Rule{
	ID:       "FNA-GCP-001",
	Slug:     "gcp-public-invoke",
	Category: audit.PublicInvoke,
	Severity: audit.Critical,
	Provider: audit.GCP,
	Title:    "Cloud Function can be invoked by anyone",
	Doc:      gcpPublicInvokeDoc,
	Remediation: "Remove allUsers and allAuthenticatedUsers from the function's invoker role " +
		"(gcloud functions remove-invoker-policy-binding / gcloud run services remove-iam-policy-binding), " +
		"re-enable the Cloud Run invoker IAM check (gcloud run services update --invoker-iam-check), " +
		"grant roles/run.invoker or roles/cloudfunctions.invoker to the specific callers, and restrict " +
		"ingress to internal traffic where callers allow it.",
	References: []string{
		"https://cloud.google.com/functions/docs/securing/managing-access-iam",
		"https://cloud.google.com/run/docs/securing/managing-access",
		"https://cloud.google.com/run/docs/securing/security",
		"https://cloud.google.com/functions/docs/networking/network-settings",
	},
	Needs: []audit.DataKind{audit.DataAccess, audit.DataConfig},
	Check: checkGCPPublicInvoke,
}

func checkGCPPublicInvoke(pass *audit.Pass) {
	fn := pass.Function
	ingress := gcpIngressOf(fn)
	var plainHTTP string
	if fn.GCP != nil && fn.GCP.SecurityLevel == "SECURE_OPTIONAL" {
		plainHTTP = " Its HTTPS trigger's security level is SECURE_OPTIONAL, so it also answers plain HTTP."
	}
	if fn.GCP != nil && fn.GCP.InvokerIAMDisabled {
		ev := []audit.Evidence{{
			Source:   audit.Source{API: "run.services.get", Ref: fn.GCP.RunService},
			Path:     "invokerIamDisabled",
			Fragment: "true",
		}, gcpIngressEvidence(fn)}
		pass.Report(audit.Result{
			Key:      "invoker-iam-disabled",
			Severity: gcpPublicSeverity(audit.PrincipalPublic, ingress),
			Title:    "Cloud Function's invoker IAM check is disabled",
			Detail: fmt.Sprintf("The backing Cloud Run service %s has the invoker IAM check disabled, so any "+
				"caller reaching its URL invokes the function without credentials; %s.%s",
				fn.GCP.RunService, gcpIngressPhrase(fn), plainHTTP),
			Evidence: ev,
		})
	}
	// A 1st-gen function with only an event trigger has no HTTPS endpoint: an
	// invoker binding cannot be used from the internet, only through the
	// management API's test call, which the invoker role does not include.
	// Only a function known to be event-triggered is lowered; one listed with no
	// trigger at all is judged as reachable.
	noEndpoint := fn.GCP != nil && fn.GCP.Generation == "1" && fn.URL == "" && len(fn.Triggers) > 0 && !gcpHasHTTPTrigger(fn)
	for i := range fn.Access {
		a := &fn.Access[i]
		if a.Effect != audit.Allow || a.Role == "" || !gcpGrantsNow(a.Condition, pass.Now) {
			continue // an expired time-bound binding grants nothing
		}
		var who, title string
		switch a.Principal.Kind {
		case audit.PrincipalPublic:
			who, title = "anyone (no credentials needed)", "Cloud Function can be invoked by anyone (allUsers)"
		case audit.PrincipalAnyAuthenticated:
			who, title = "any Google account (including accounts outside your organization)",
				"Cloud Function can be invoked by any Google account (allAuthenticatedUsers)"
		default:
			continue
		}
		sev, reach := gcpPublicSeverity(a.Principal.Kind, ingress), gcpIngressPhrase(fn)
		if noEndpoint {
			sev = audit.Low
			reach = "it has no HTTPS trigger, so the binding is unusable until one is added"
		}
		pass.Report(audit.Result{
			Key:      a.Role + "|" + a.Principal.ID,
			Severity: sev,
			Title:    title,
			Detail: fmt.Sprintf("The function's IAM policy binds %s to %s, so %s can invoke it; %s.%s%s",
				a.Role, a.Principal.ID, who, reach, gcpConditionNote(a.Condition, pass.Now), plainHTTP),
			Evidence: []audit.Evidence{gcpAccessEvidence(a), gcpIngressEvidence(fn)},
		})
	}
}
