// Package reporttest holds the sample report that the renderers' tests share
// (audit/report and securityhub): three providers and every finding status,
// so every format's golden files describe the same findings.
package reporttest

import (
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// Now is the sample report's time.
var Now = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

// The sample accounts.
const (
	AWSAccount        = "123456789012"
	GCPProject        = "acme-prod-123"
	AzureSubscription = "0b1f6471-1bf0-4dda-aec3-111122223333"
)

// AWSARN is the ARN of a function of the sample AWS account.
func AWSARN(name string) string {
	return "arn:aws:lambda:us-east-1:" + AWSAccount + ":function:" + name
}

// GCPName is the resource name of a function of the sample GCP project.
func GCPName(name string) string {
	return "projects/" + GCPProject + "/locations/europe-west1/functions/" + name
}

// AzureID is the ARM id of a function of an app of the sample subscription.
func AzureID(app, name string) string {
	return "/subscriptions/" + AzureSubscription + "/resourceGroups/rg-web/providers/Microsoft.Web/sites/" + app + "/functions/" + name
}

// Finding builds a finding with its id.
func Finding(rule, slug string, cat audit.Category, sev audit.Severity, st audit.Status, p audit.Provider, acct, region, resource, fn, title string) audit.Finding {
	return audit.Finding{
		ID: audit.FindingID(rule, resource, ""), Rule: rule, Slug: slug, Category: cat, Severity: sev, Status: st,
		Provider: p, Account: acct, Region: region, Resource: resource, Function: fn, Title: title,
	}
}

// Report is the sample report, summarized.
func Report() *audit.Report {
	pub := Finding("FNA-AWS-001", "aws-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusFail, audit.AWS,
		AWSAccount, "us-east-1", AWSARN("public-status"), "public-status", "Anyone on the internet can invoke the function")
	pub.Detail = "The function URL has AuthType NONE and the resource policy allows lambda:InvokeFunctionUrl to \"*\"."
	pub.Evidence = []audit.Evidence{
		{Source: audit.Source{API: "lambda:GetFunctionUrlConfig", Ref: AWSARN("public-status")}, Path: "AuthType", Fragment: "NONE"},
		{Source: audit.Source{API: "lambda:GetPolicy", Ref: AWSARN("public-status")}, Path: "Statement[Sid=FunctionURLAllowPublicAccess]",
			Fragment: `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl"}`},
	}
	pub.Remediation = "Set the function URL's AuthType to AWS_IAM, or remove the URL."

	admin := Finding("FNA-AWS-003", "aws-admin-access", audit.AdminAccess, audit.Critical, audit.StatusFail, audit.AWS,
		AWSAccount, "us-east-1", AWSARN("nightly-billing-export-to-data-warehouse"), "nightly-billing-export-to-data-warehouse",
		"The execution role has full administrative access")
	admin.Detail = "Policy AdministratorAccess allows \"*\" on \"*\"."
	admin.Remediation = "Replace AdministratorAccess with a policy listing the actions the function needs."

	gpub := Finding("FNA-GCP-001", "gcp-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusSuppressed, audit.GCP,
		GCPProject, "europe-west1", GCPName("webhook-intake"), "webhook-intake", "allUsers may invoke the function")
	gpub.Evidence = []audit.Evidence{{Source: audit.Source{API: "run.services.getIamPolicy", Ref: GCPName("webhook-intake")},
		Path: "bindings[roles/run.invoker]", Fragment: "allUsers"}}
	gpub.Suppression = &audit.Suppression{Reason: "public webhook, verifies HMAC signatures (SEC-118)",
		Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), Entry: "#1 rule=FNA-GCP-001 resource=projects/acme-prod-123/**"}

	geditor := Finding("FNA-GCP-003", "gcp-admin-access", audit.AdminAccess, audit.High, audit.StatusFail, audit.GCP,
		GCPProject, "europe-west1", GCPName("thumbnailer"), "thumbnailer", "The service account holds roles/editor on the project")
	geditor.Detail = "-- contains a comma, a \"quote\"\nand a newline"

	gunk := Finding("FNA-GCP-001", "gcp-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusUnknown, audit.GCP,
		"acme-data-456", "us-central1", "projects/acme-data-456/locations/us-central1/functions/etl-loader", "etl-loader",
		"not checked: allUsers may invoke the function")
	gunk.Detail = "data this rule needs could not be read: cloudfunctions.functions.getIamPolicy (access-denied)"

	azpub := Finding("FNA-AZ-001", "azure-public-invoke", audit.PublicInvoke, audit.High, audit.StatusFail, audit.Azure,
		AzureSubscription, "westeurope", AzureID("acme-orders-api", "HttpIngest"), "acme-orders-api/HttpIngest",
		"HTTP trigger allows anonymous calls without App Service authentication")
	azpub.Evidence = []audit.Evidence{{Source: audit.Source{API: "Microsoft.Web/sites/functions/read", Ref: AzureID("acme-orders-api", "HttpIngest")},
		Path: "config.bindings[0].authLevel", Fragment: "anonymous"}}
	azpub.Remediation = "=set authLevel to function and enable App Service authentication"

	azrt := Finding("FNA-AZ-006", "azure-deprecated-runtime", audit.DeprecatedRuntime, audit.Medium, audit.StatusFail, audit.Azure,
		AzureSubscription, "westeurope", AzureID("acme-legacy", "Report"), "acme-legacy/Report", "Runtime node|14 is past end of support")
	rt := Finding("FNA-AWS-006", "aws-deprecated-runtime", audit.DeprecatedRuntime, audit.Low, audit.StatusFail, audit.AWS,
		AWSAccount, "eu-west-1", "arn:aws:lambda:eu-west-1:"+AWSAccount+":function:resize", "resize", "Runtime python3.9 reaches end of support soon")
	broken := audit.Finding{ID: audit.FindingID("FNA-AZ-007", "rule:FNA-AZ-007", ""), Rule: "FNA-AZ-007", Slug: "azure-plaintext-secret",
		Category: audit.PlaintextSecret, Severity: audit.Info, Status: audit.StatusError, Provider: audit.Azure,
		Resource: "rule:FNA-AZ-007", Title: "rule failed: App setting holds a secret in plain text",
		Detail: "checking " + AzureID("acme-legacy", "Report") + ": panic: index out of range"}

	r := &audit.Report{
		Schema:      audit.ReportSchema,
		GeneratedAt: Now,
		Scope: audit.Scope{Providers: []audit.Provider{audit.AWS, audit.GCP, audit.Azure}, Accounts: 4,
			Regions: []string{"eu-west-1", "europe-west1", "us-central1", "us-east-1", "westeurope"}, Functions: 9},
		Findings: []audit.Finding{pub, admin, gpub, gunk, azpub, geditor, azrt, rt, broken},
		Gaps: []audit.Gap{
			{Provider: audit.AWS, Account: "210987654321", API: "sts:AssumeRole", Data: audit.DataFunctions,
				Reason: audit.GapAssumeRole, Message: "AccessDenied: not authorized to perform sts:AssumeRole on arn:aws:iam::210987654321:role/fnaudit-reader"},
			{Provider: audit.GCP, Account: "acme-data-456", Region: "us-central1", Resource: "projects/acme-data-456/locations/us-central1/functions/etl-loader",
				API: "cloudfunctions.functions.getIamPolicy", Data: audit.DataAccess, Reason: audit.GapAccessDenied, Message: "PermissionDenied"},
		},
		Warnings: []string{"suppression #2 rule=FNA-AWS-003 resource=** expired on 2026-10-31 and no longer suppresses (reason was: migration)"},
	}
	audit.SortFindings(r.Findings)
	r.Summarize()
	return r
}
