package catalog

import "slices"

// GCPEscalation is one way a GCP principal holding a set of permissions can raise
// its own privileges or act as another principal. A principal can use the method
// when it holds every permission in Requires.
type GCPEscalation struct {
	// ID is a stable short name used as the finding key.
	ID       string
	Requires []string
	// Severity is "high" or "medium": holding a way to escalate is not by itself
	// exploitable from outside (critical is kept for that; see docs/rules.md).
	Severity string
	// Summary says what an attacker does with the permissions.
	Summary string
}

// GCPEscalations lists the privilege-escalation methods the rules look for, most
// direct first. Methods that need iam.serviceAccounts.actAs plus a way to run code
// are listed with both permissions; GCPEscalationActAsAlone covers actAs held
// without any such way.
func GCPEscalations() []GCPEscalation {
	out := slices.Clone(gcpEscalations)
	for i := range out {
		out[i].Requires = slices.Clone(out[i].Requires)
	}
	return out
}

var gcpEscalations = []GCPEscalation{
	{ID: "set-org-iam-policy", Requires: []string{"resourcemanager.organizations.setIamPolicy"}, Severity: "high",
		Summary: "rewrite the organization IAM policy and grant itself any role everywhere"},
	{ID: "set-folder-iam-policy", Requires: []string{"resourcemanager.folders.setIamPolicy"}, Severity: "high",
		Summary: "rewrite a folder IAM policy and grant itself any role on every project below it"},
	{ID: "set-project-iam-policy", Requires: []string{"resourcemanager.projects.setIamPolicy"}, Severity: "high",
		Summary: "rewrite the project IAM policy and grant itself roles/owner"},
	{ID: "sa-get-access-token", Requires: []string{"iam.serviceAccounts.getAccessToken"}, Severity: "high",
		Summary: "mint OAuth access tokens for other service accounts and act with their permissions"},
	{ID: "sa-sign-blob", Requires: []string{"iam.serviceAccounts.signBlob"}, Severity: "high",
		Summary: "sign arbitrary blobs as other service accounts, e.g. self-signed token requests"},
	{ID: "sa-sign-jwt", Requires: []string{"iam.serviceAccounts.signJwt"}, Severity: "high",
		Summary: "sign JWTs as other service accounts and exchange them for their access tokens"},
	{ID: "sa-implicit-delegation", Requires: []string{"iam.serviceAccounts.implicitDelegation"}, Severity: "high",
		Summary: "chain token requests through other service accounts to reach their delegates"},
	{ID: "sa-key-create", Requires: []string{"iam.serviceAccountKeys.create"}, Severity: "high",
		Summary: "create long-lived keys for other service accounts and log in as them"},
	{ID: "sa-set-iam-policy", Requires: []string{"iam.serviceAccounts.setIamPolicy"}, Severity: "high",
		Summary: "grant itself token-creator or user rights on other service accounts"},
	{ID: "custom-role-update", Requires: []string{"iam.roles.update"}, Severity: "high",
		Summary: "add permissions to the custom roles it already holds"},
	{ID: "functions-update-actas", Requires: []string{"cloudfunctions.functions.update", "iam.serviceAccounts.actAs"}, Severity: "high",
		Summary: "redeploy a Cloud Function with its own code running as another service account"},
	{ID: "functions-create-actas", Requires: []string{"cloudfunctions.functions.create", "iam.serviceAccounts.actAs"}, Severity: "high",
		Summary: "deploy a Cloud Function running as another service account"},
	{ID: "run-services-update-actas", Requires: []string{"run.services.update", "iam.serviceAccounts.actAs"}, Severity: "high",
		Summary: "redeploy a Cloud Run service (or 2nd-gen function) as another service account"},
	{ID: "run-services-create-actas", Requires: []string{"run.services.create", "iam.serviceAccounts.actAs"}, Severity: "high",
		Summary: "deploy a Cloud Run service running as another service account"},
	{ID: "deploymentmanager-actas", Requires: []string{"deploymentmanager.deployments.create", "iam.serviceAccounts.actAs"}, Severity: "high",
		Summary: "create a Deployment Manager deployment, which runs as the project's powerful Google APIs service agent"},
	{ID: "compute-instances-create-actas", Requires: []string{"compute.instances.create", "iam.serviceAccounts.actAs"}, Severity: "high",
		Summary: "start a VM running as another service account and read its token from the metadata server"},
	{ID: "cloudbuild-builds-create", Requires: []string{"cloudbuild.builds.create"}, Severity: "high",
		Summary: "run a build as the Cloud Build service account and use its permissions"},
	{ID: "scheduler-jobs-create-actas", Requires: []string{"cloudscheduler.jobs.create", "iam.serviceAccounts.actAs"}, Severity: "medium",
		Summary: "schedule authenticated HTTP calls made with another service account's identity"},
}

// GCPEscalationActAsAlone is reported when a principal can act as other service
// accounts but holds no permission in GCPEscalations that turns it into running
// code: not exploitable alone, one extra grant away.
func GCPEscalationActAsAlone() GCPEscalation {
	e := gcpEscalationActAsAlone
	e.Requires = slices.Clone(e.Requires)
	return e
}

var gcpEscalationActAsAlone = GCPEscalation{
	ID: "sa-actas", Requires: []string{"iam.serviceAccounts.actAs"}, Severity: "medium",
	Summary: "act as other service accounts; any permission to deploy code (functions, Cloud Run, VMs) completes an escalation",
}
