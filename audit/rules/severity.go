package rules

import (
	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/secrets"
)

// Severity calibration: one scale for every rule and every cloud, written
// down with how AWS Security Hub, Prowler and Microsoft Defender for Cloud
// rate the same condition. docs/rules.md prints it (see ruleReference).
//
//   - critical: exploitable by outsiders now — anyone on the internet, or
//     anyone who opens a free account (an AWS account, a Google account, an
//     Entra tenant), can invoke the function today;
//   - high: no outsider gets in by it alone, but whoever reaches the function
//     (its code, its deployers, its readers) gains power far beyond it:
//     administrative or escalation rights, a cloud credential in plain text, a
//     runtime that can no longer be patched or redeployed;
//   - medium: a bounded exposure or a weakness that needs another failure:
//     one named outside account, broad rights on one service, a deprecated
//     runtime, a non-cloud secret in plain text, a shared default identity;
//   - low: hardening — a condition not pinned, a runtime deprecated within 90
//     days, rights on a single resource;
//   - info: the audit could not judge (an unknown runtime).
//
// The same condition carries the same severity on every cloud.

// SeverityScale is the scale above, one line per level, for the rule reference.
var SeverityScale = [][2]string{
	{"critical", "exploitable by outsiders now: anyone on the internet, or anyone who opens a free account (AWS account, Google account, Entra tenant), can invoke the function today"},
	{"high", "no outsider gets in by it alone, but whoever reaches the function (its code, its deployers, its readers) gains power far beyond it: administrative or escalation rights, a cloud credential in plain text, a runtime that can no longer be patched or redeployed"},
	{"medium", "a bounded exposure or a weakness that needs another failure: one named outside account, broad rights on one service, a deprecated runtime, a non-cloud secret in plain text, a shared default identity"},
	{"low", "hardening: a condition not pinned, a runtime deprecated within 90 days, rights on a single resource"},
	{"info", "the audit could not judge (an unknown runtime)"},
}

// ExternalRating is how another tool rates the condition a rule checks.
type ExternalRating struct {
	Tool     string // "Security Hub", "Prowler", "Defender for Cloud"
	Control  string // the control, check or recommendation
	Severity string // as that tool names it
	Source   string // where the rating is published
}

// SeverityRationale says why a rule's severities are what they are.
type SeverityRationale struct {
	// Levels lists what the rule reports at each severity it uses.
	Levels string
	// Why relates the levels to the scale and to the other tools' ratings.
	Why    string
	Others []ExternalRating
}

// Sources of the external ratings. Prowler's are its checks' metadata files
// at commit 3e000faa3109 (2026-08-21) of github.com/prowler-cloud/prowler.
const (
	srcSecurityHubLambda  = "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html"
	srcSecurityHubIAM     = "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html"
	srcDefenderServerless = "https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-serverless-protection"
	prowlerAWS            = "https://github.com/prowler-cloud/prowler/tree/3e000faa3109230b748e4418a13c11c9e59f5cfb/prowler/providers/aws/services/"
	prowlerGCP            = "https://github.com/prowler-cloud/prowler/tree/3e000faa3109230b748e4418a13c11c9e59f5cfb/prowler/providers/gcp/services/"
	prowlerAzure          = "https://github.com/prowler-cloud/prowler/tree/3e000faa3109230b748e4418a13c11c9e59f5cfb/prowler/providers/azure/services/"
)

// prowler is a Prowler check's rating; dir is the provider's services
// directory and the check's service, e.g. prowlerAWS+"awslambda".
func prowler(dir, check, severity string) ExternalRating {
	return ExternalRating{Tool: "Prowler", Control: check, Severity: severity,
		Source: dir + "/" + check + "/" + check + ".metadata.json"}
}

var (
	shLambda1 = ExternalRating{"Security Hub", "Lambda.1 Lambda function policies should prohibit public access", "Critical", srcSecurityHubLambda}
	shLambda2 = ExternalRating{"Security Hub", "Lambda.2 Lambda functions should use supported runtimes", "Medium", srcSecurityHubLambda}
	shIAM1    = ExternalRating{"Security Hub", "IAM.1 IAM policies should not allow full \"*\" administrative privileges", "High", srcSecurityHubIAM}
	shIAM21   = ExternalRating{"Security Hub", "IAM.21 IAM customer managed policies you create should not allow wildcard actions for services", "Low", srcSecurityHubIAM}
	dfAzAuth  = ExternalRating{"Defender for Cloud", "Authentication should be enabled on Azure Functions (anonymous HTTP trigger)", "High", srcDefenderServerless}
	dfURLAuth = ExternalRating{"Defender for Cloud", "Authentication should be enabled on Lambda function URLs", "High", srcDefenderServerless}
)

const (
	whyPublic = "Anyone can invoke the function now: critical on every cloud, as Security Hub rates Lambda.1. " +
		"Prowler and Defender for Cloud rate the GCP, Azure and function-URL forms high; fnaudit keeps the same condition at the same severity on every cloud."
	whyAnyAccount = "Anyone can open the account the grant admits, so a grant to any account of a provider is as exploitable by outsiders as a public one: critical. " +
		"A grant to one named outside account or project is a bounded exposure: medium."
	whyAdmin = "Full control of the account, project or subscription is gained by whoever runs code in the function or can change it, not by an outsider through this finding alone: high, as Security Hub IAM.1 and Prowler's function-identity checks rate it. " +
		"Before this calibration AWS, GCP Owner and Azure subscription-scope findings were critical."
	whyControl = "Whoever can replace a function's code or configuration runs as its identity: control of the function is control of that identity. " +
		"Severity follows what the identity can do; an administrator identity makes it critical, an exception to the outsider-only scale because one compromised low-privilege principal — the commonest foothold — becomes administrator in one API call (Rhino Security Labs' Lambda methods, pathfinding.cloud's PassRole paths)."
	whyEscalation = "A path to more rights is not by itself exploitable from outside: high when it reaches the account, project or subscription, medium when it is confined to one resource, as Prowler rates privilege-escalation policies high."
	whyWildcard   = "Rights wider than the function needs matter only once the function or its deployers are compromised: a weakness, not an exposure. " +
		"Graded by what the wildcard reaches (the highest of the identity's wildcards): high for permissions management or organization-, folder- or subscription-wide roles, medium for write access or a project- or resource-group-wide role, low for read and list. " +
		"Security Hub IAM.21 rates a service-wide wildcard in a customer managed policy low; Prowler rates kms:* medium."
	whyRuntime = "An unpatched runtime is an operational and patching risk, not an exposure: deprecated (no security patches) is medium on every cloud, as Security Hub Lambda.2 and Prowler rate it; " +
		"past the last stage (AWS blocks updates, GCP decommissioned) high, because a security fix to the code can no longer be deployed; deprecated within 90 days low. Before this calibration a blocked-update AWS runtime was critical and a merely deprecated one high."
	whySecret = "Reading a setting needs read access to the function's configuration — an insider, not an outsider — so not critical. A credential of the cloud account itself (access keys, service-account keys, storage and Cosmos DB keys, SAS tokens, private keys) turns that read access into the credential's rights: high. " +
		"Any other secret (a third-party token, a password, a connection string, a high-entropy value) is medium. The grading is the same on every cloud; before this calibration GCP and Azure reported every secret high."
)

// severityRationales holds the rationale of every rule, by id.
var severityRationales = map[string]SeverityRationale{
	"FNA-AWS-001": {
		Levels: "critical: public or any-account Invoke, a function URL anyone or any account can call; high: any account through an AWS service, or a URL public only under AWS's temporary exception for older URLs; low: a public grant on a URL that answers 403",
		Why:    whyPublic + " A grant usable only through a service acting for an attacker's resource needs that resource set up first: high.",
		Others: []ExternalRating{shLambda1, prowler(prowlerAWS+"awslambda", "awslambda_function_not_publicly_accessible", "critical"),
			prowler(prowlerAWS+"awslambda", "awslambda_function_url_public", "high"), dfURLAuth},
	},
	"FNA-AWS-002": {
		Levels: "high: an AWS service may invoke for any account (confused deputy); medium: a named outside account or organization; low: a bucket source without its owner pinned",
		Why: whyAnyAccount + " A service that invokes for any account's resource is one step short of public: high. " +
			"Security Hub's Lambda.1 also fails an S3 grant without aws:SourceAccount and rates it critical; fnaudit rates an unpinned bucket owner low, " +
			"because a bucket name is global and owned by one account at a time: the grant is exploitable only while the bucket does not exist or changes hands, which is what the bucket-ownership verdicts decide.",
		Others: []ExternalRating{shLambda1},
	},
	"FNA-AWS-008": {
		Levels: "critical: a deployed, internet-facing door with no authentication, or IAM authentication whose API policy admits any AWS account; high: an API key only; low: no authentication but reachable from named networks only",
		Why: whyPublic + " " + whyAnyAccount + " An API key is not authentication (AWS documents that usage-plan keys must not be used for authorization) but must first be obtained: one step lower, high. " +
			"A door narrowed to named networks (IP allow-list, security group, VPC endpoint) admits anyone on those networks: low. Prowler rates an API Gateway stage without an authorizer medium, per API and without knowing which function it reaches.",
		Others: []ExternalRating{prowler(prowlerAWS+"apigateway", "apigateway_restapi_authorizers_enabled", "medium")},
	},
	"FNA-AWS-009": {
		Levels: "medium: an IAM-authorized method whose REST API policy admits named accounts outside the function's account and organization",
		Why:    whyAnyAccount,
	},
	"FNA-AWS-010": {
		Levels: "critical: principals holding less than an administrator execution role can change the function's code or configuration or pass its role; high: the role can escalate further; medium: any other role",
		Why:    whyControl,
	},
	"FNA-AWS-011": {
		Levels: "critical: anyone (an unpinned \"*\"), or an account outside the organization when the role is an administrator; high: an account outside the organization; medium: an account inside the organization, or control of the invoke policy only",
		Why:    whyControl + " Control from another account is reachable by whoever holds that account, which is outside the function owner's control: one step higher than the same power inside the organization.",
	},
	"FNA-AWS-012": {
		Levels: "high: the execution role, an administrator or escalation-capable role, is also trusted by another service, an identity provider or a principal; medium: any other role",
		Why:    "A trust policy that admits more than Lambda lets that principal take the role's power without touching the function. " + whyEscalation,
	},
	"FNA-GCP-009": {
		Levels: "critical: principals holding less than an Owner-level service account can act as it or mint its tokens; high: an Editor-level or escalation-capable account; medium: any other account",
		Why:    whyControl,
	},
	"FNA-GCP-010": {
		Levels: "critical: anyone (allUsers) or any Google account (allAuthenticatedUsers) can change the function or act as its account; high: an identity of another domain; medium: a principal of another project or an identity pool's external identities",
		Why:    whyPublic + " " + whyAnyAccount,
	},
	"FNA-GCP-011": {
		Levels: "high: every project editor (or holder of a project-, folder- or organization-wide actAs role) can act as an account that holds admin or escalation power; medium: any other account",
		Why:    whyControl + " Google's own default-service-account guidance recommends against Editor on default accounts for this reason.",
	},
	"FNA-AZ-008": {
		Levels: "critical: principals holding less than an Owner-level managed identity can write the app, its slots or settings, read its publishing credentials or assign roles on it; high: a Contributor-level or escalation-capable identity; medium: any other identity",
		Why:    whyControl,
	},
	"FNA-AZ-009": {
		Levels: "high: basic-auth SCM publishing is enabled on an app whose identity holds admin power; medium: basic-auth SCM or FTP publishing enabled otherwise",
		Why: "Basic-auth publishing credentials are a password that replaces the app's code without Entra ID, MFA or conditional access; Microsoft recommends disabling it. " +
			"Still a credential to obtain first, so not critical; high when the code it replaces runs as an administrator.",
	},
	"FNA-AZ-010": {
		Levels: "high: a principal of a foreign tenant can change the app",
		Why:    whyControl + " A foreign tenant's principal is outside the subscription owner's control.",
	},
	"FNA-AWS-003": {
		Levels: "high: the execution role can do everything, with or without conditions",
		Why:    whyAdmin,
		Others: []ExternalRating{shIAM1, prowler(prowlerAWS+"iam", "iam_role_administratoraccess_policy", "high"),
			prowler(prowlerAWS+"iam", "iam_inline_policy_no_administrative_privileges", "critical")},
	},
	"FNA-AWS-004": {
		Levels: "high: an escalation path; medium: one whose conditions the audit cannot evaluate",
		Why:    whyEscalation,
		Others: []ExternalRating{prowler(prowlerAWS+"iam", "iam_policy_allows_privilege_escalation", "high"),
			prowler(prowlerAWS+"iam", "iam_inline_policy_allows_privilege_escalation", "high")},
	},
	"FNA-AWS-005": {
		Levels: "high: a wildcard over permissions-management actions; medium: over write actions; low: over read and list actions",
		Why:    whyWildcard,
		Others: []ExternalRating{shIAM21, prowler(prowlerAWS+"iam", "iam_policy_no_full_access_to_kms", "medium")},
	},
	"FNA-AWS-006": {
		Levels: "high: updates blocked; medium: deprecated; low: deprecated within 90 days; info: unknown runtime",
		Why:    whyRuntime,
		Others: []ExternalRating{shLambda2, prowler(prowlerAWS+"awslambda", "awslambda_function_using_supported_runtimes", "medium")},
	},
	"FNA-AWS-007": {
		Levels: "high: a cloud key or private key; medium: any other secret",
		Why:    whySecret + " Prowler rates any secret in Lambda variables critical.",
		Others: []ExternalRating{prowler(prowlerAWS+"awslambda", "awslambda_function_no_secrets_in_variables", "critical")},
	},
	"FNA-GCP-001": {
		Levels: "critical: allUsers or allAuthenticatedUsers with ingress open to all; high: the same behind internal-and-load-balancer ingress; medium: internal-only ingress",
		Why:    whyPublic + " allAuthenticatedUsers admits anyone with a Google account, which anyone can create: critical like allUsers (before this calibration it was high). Restricted ingress lowers the severity because the caller must first be inside the network.",
		Others: []ExternalRating{prowler(prowlerGCP+"cloudfunction", "cloudfunction_function_not_publicly_accessible", "high")},
	},
	"FNA-GCP-002": {
		Levels: "medium: a member of another project or organization may invoke",
		Why:    whyAnyAccount,
	},
	"FNA-GCP-003": {
		Levels: "high: Owner, Editor, or a custom role that can rewrite an IAM policy",
		Why:    whyAdmin,
		Others: []ExternalRating{prowler(prowlerGCP+"iam", "iam_sa_no_administrative_privileges", "high")},
	},
	"FNA-GCP-004": {
		Levels: "high or medium by the method (catalog.GCPEscalations): rewriting an IAM policy, acting as or minting keys for other service accounts high; the weaker methods medium",
		Why: whyEscalation + " Prowler rates Service Account User or Token Creator held at project level medium; fnaudit rates it high when the function's own identity holds it, " +
			"because code in the function can then act as every service account of the project.",
		Others: []ExternalRating{prowler(prowlerGCP+"iam", "iam_no_service_roles_at_project_level", "medium")},
	},
	"FNA-GCP-005": {
		Levels: "high: a service-wide role bound on an organization or folder; medium: on a project",
		Why:    whyWildcard,
	},
	"FNA-GCP-006": {
		Levels: "high: decommissioned; medium: deprecated; low: deprecated within 90 days",
		Why:    whyRuntime,
	},
	"FNA-GCP-007": {
		Levels: "high: a cloud key or private key; medium: any other secret",
		Why:    whySecret + " Prowler has no check of Cloud Functions variables.",
	},
	"FNA-GCP-008": {
		Levels: "high: the default account still holds Editor or Owner; medium: a default account",
		Why:    "A shared default identity widens what a compromise of any one workload reaches: medium, as Prowler rates default service accounts of VMs and clusters; high when it still holds the basic Editor or Owner role, the same as FNA-GCP-003.",
		Others: []ExternalRating{prowler(prowlerGCP+"compute", "compute_instance_default_service_account_in_use", "medium")},
	},
	"FNA-AZ-001": {
		Levels: "critical: an anonymous HTTP trigger reachable from the internet without a login",
		Why:    whyPublic + " Before this calibration it was high on Azure alone.",
		Others: []ExternalRating{prowler(prowlerAzure+"app", "app_function_not_publicly_accessible", "high"), dfAzAuth},
	},
	"FNA-AZ-002": {
		Levels: "critical: a login that admits accounts of any tenant or of a consumer provider",
		Why:    whyAnyAccount + " Anyone can create an Entra tenant or a consumer account, so this is allAuthenticatedUsers on Azure (before this calibration it was medium).",
	},
	"FNA-AZ-003": {
		Levels: "high: Owner, Contributor, User Access Administrator or an equivalent custom role at subscription, management-group or resource-group scope; one step lower under an ABAC condition; low at one resource",
		Why:    whyAdmin,
		Others: []ExternalRating{prowler(prowlerAzure+"app", "app_function_identity_without_admin_privileges", "high")},
	},
	"FNA-AZ-004": {
		Levels: "high: an escalation path at resource-group scope or broader; medium: at one resource",
		Why:    whyEscalation,
		Others: []ExternalRating{prowler(prowlerAzure+"iam", "iam_role_user_access_admin_restricted", "high")},
	},
	"FNA-AZ-005": {
		Levels: "high: wildcard actions at subscription scope or broader; medium: at a narrower scope",
		Why:    whyWildcard,
	},
	"FNA-AZ-006": {
		Levels: "medium: a Functions host or language version past end of support",
		Why:    whyRuntime + " An Azure Functions host or language past end of support gets no security fixes but can still be deployed: the deprecated stage, medium (before this calibration the host was high).",
		Others: []ExternalRating{prowler(prowlerAzure+"app", "app_function_latest_runtime_version", "medium")},
	},
	"FNA-AZ-007": {
		Levels: "high: a cloud key or private key; medium: any other secret",
		Why:    whySecret,
	},
}

// SeverityRationaleFor returns the severity rationale of the rule with the given id.
func SeverityRationaleFor(id string) (SeverityRationale, bool) {
	r, ok := severityRationales[id]
	return r, ok
}

// secretSeverity is the severity of a plain-text secret found by detector,
// the same on every cloud: high for a credential of the cloud account itself
// or a private key, medium for any other secret.
func secretSeverity(detector string) audit.Severity {
	if d, ok := secrets.Lookup(detector); ok && (d.Kind == secrets.KindCloudKey || d.Kind == secrets.KindPrivateKey) {
		return audit.High
	}
	return audit.Medium
}
