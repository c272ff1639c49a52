package securityhub

import (
	"flag"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	goldenfile "github.com/fnaudit/fnaudit/internal/golden"
)

// update rewrites testdata/*.golden: go test ./securityhub -update.
var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, name, got, *update)
}

// The fixture is audit/report's test report (three providers, every status),
// so the ASFF goldens describe the same findings as the other formats'.
var testNow = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

const (
	awsAcct = "123456789012"
	gcpProj = "acme-prod-123"
	azSub   = "0b1f6471-1bf0-4dda-aec3-111122223333"
)

func awsARN(name string) string {
	return "arn:aws:lambda:us-east-1:" + awsAcct + ":function:" + name
}

func gcpName(name string) string {
	return "projects/" + gcpProj + "/locations/europe-west1/functions/" + name
}

func azID(app, name string) string {
	return "/subscriptions/" + azSub + "/resourceGroups/rg-web/providers/Microsoft.Web/sites/" + app + "/functions/" + name
}

func mk(rule, slug string, cat audit.Category, sev audit.Severity, st audit.Status, p audit.Provider, acct, region, resource, fn, title string) audit.Finding {
	return audit.Finding{
		ID: audit.FindingID(rule, resource, ""), Rule: rule, Slug: slug, Category: cat, Severity: sev, Status: st,
		Provider: p, Account: acct, Region: region, Resource: resource, Function: fn, Title: title,
	}
}

// testReport is a fixed report over three providers with every status, gaps and a
// warning.
func testReport() *audit.Report {
	pub := mk("FNA-AWS-001", "aws-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusFail, audit.AWS,
		awsAcct, "us-east-1", awsARN("public-status"), "public-status", "Anyone on the internet can invoke the function")
	pub.Detail = "The function URL has AuthType NONE and the resource policy allows lambda:InvokeFunctionUrl to \"*\"."
	pub.Evidence = []audit.Evidence{
		{Source: audit.Source{API: "lambda:GetFunctionUrlConfig", Ref: awsARN("public-status")}, Path: "AuthType", Fragment: "NONE"},
		{Source: audit.Source{API: "lambda:GetPolicy", Ref: awsARN("public-status")}, Path: "Statement[Sid=FunctionURLAllowPublicAccess]",
			Fragment: `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl"}`},
	}
	pub.Remediation = "Set the function URL's AuthType to AWS_IAM, or remove the URL."

	admin := mk("FNA-AWS-003", "aws-admin-access", audit.AdminAccess, audit.Critical, audit.StatusFail, audit.AWS,
		awsAcct, "us-east-1", awsARN("nightly-billing-export-to-data-warehouse"), "nightly-billing-export-to-data-warehouse",
		"The execution role has full administrative access")
	admin.Detail = "Policy AdministratorAccess allows \"*\" on \"*\"."
	admin.Remediation = "Replace AdministratorAccess with a policy listing the actions the function needs."

	gpub := mk("FNA-GCP-001", "gcp-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusSuppressed, audit.GCP,
		gcpProj, "europe-west1", gcpName("webhook-intake"), "webhook-intake", "allUsers may invoke the function")
	gpub.Evidence = []audit.Evidence{{Source: audit.Source{API: "run.services.getIamPolicy", Ref: gcpName("webhook-intake")},
		Path: "bindings[roles/run.invoker]", Fragment: "allUsers"}}
	gpub.Suppression = &audit.Suppression{Reason: "public webhook, verifies HMAC signatures (SEC-118)",
		Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), Entry: "#1 rule=FNA-GCP-001 resource=projects/acme-prod-123/**"}

	geditor := mk("FNA-GCP-003", "gcp-admin-access", audit.AdminAccess, audit.High, audit.StatusFail, audit.GCP,
		gcpProj, "europe-west1", gcpName("thumbnailer"), "thumbnailer", "The service account holds roles/editor on the project")
	geditor.Detail = "-- contains a comma, a \"quote\"\nand a newline"

	gunk := mk("FNA-GCP-001", "gcp-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusUnknown, audit.GCP,
		"acme-data-456", "us-central1", "projects/acme-data-456/locations/us-central1/functions/etl-loader", "etl-loader",
		"not checked: allUsers may invoke the function")
	gunk.Detail = "data this rule needs could not be read: cloudfunctions.functions.getIamPolicy (access-denied)"

	azpub := mk("FNA-AZ-001", "azure-public-invoke", audit.PublicInvoke, audit.High, audit.StatusFail, audit.Azure,
		azSub, "westeurope", azID("acme-orders-api", "HttpIngest"), "acme-orders-api/HttpIngest",
		"HTTP trigger allows anonymous calls without App Service authentication")
	azpub.Evidence = []audit.Evidence{{Source: audit.Source{API: "Microsoft.Web/sites/functions/read", Ref: azID("acme-orders-api", "HttpIngest")},
		Path: "config.bindings[0].authLevel", Fragment: "anonymous"}}
	azpub.Remediation = "=set authLevel to function and enable App Service authentication"

	azrt := mk("FNA-AZ-006", "azure-deprecated-runtime", audit.DeprecatedRuntime, audit.Medium, audit.StatusFail, audit.Azure,
		azSub, "westeurope", azID("acme-legacy", "Report"), "acme-legacy/Report", "Runtime node|14 is past end of support")
	rt := mk("FNA-AWS-006", "aws-deprecated-runtime", audit.DeprecatedRuntime, audit.Low, audit.StatusFail, audit.AWS,
		awsAcct, "eu-west-1", "arn:aws:lambda:eu-west-1:"+awsAcct+":function:resize", "resize", "Runtime python3.9 reaches end of support soon")
	broken := audit.Finding{ID: audit.FindingID("FNA-AZ-007", "rule:FNA-AZ-007", ""), Rule: "FNA-AZ-007", Slug: "azure-plaintext-secret",
		Category: audit.PlaintextSecret, Severity: audit.Info, Status: audit.StatusError, Provider: audit.Azure,
		Resource: "rule:FNA-AZ-007", Title: "rule failed: App setting holds a secret in plain text",
		Detail: "checking " + azID("acme-legacy", "Report") + ": panic: index out of range"}

	r := &audit.Report{
		Schema:      audit.ReportSchema,
		GeneratedAt: testNow,
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
