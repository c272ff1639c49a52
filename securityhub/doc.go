// Package securityhub turns an audit.Report into AWS Security Finding Format
// (ASFF) findings, built from the AWS SDK's own securityhub/types so the shape
// cannot drift from the API, and imports them into Security Hub with
// BatchImportFindings. It lives outside audit/, which imports no cloud SDK.
//
// # The mapping
//
// Findings maps each finding of a report to a types.AwsSecurityFinding for the
// account's "default" product (a custom integration):
//
//   - Account: Security Hub accepts a finding from the default product only from
//     the account named in its AwsAccountId, which must be 12 digits. An AWS
//     finding is filed under its own account and Region. Any other finding (a
//     GCP project, an Azure subscription, a rule error without an account) is
//     filed under Options.SecurityHubAccountID and SecurityHubRegion when they
//     are set, and left out when they are not: it has no AWS account a Security
//     Hub could accept it for. Its own project or subscription and region stay
//     in ProductFields and Resources[0].Details.Other.
//   - Id is "fnaudit/<AwsAccountId>/<Region>/<finding id>": stable across runs,
//     so a re-import updates the finding instead of adding a copy. GeneratorId
//     is the rule id. ProductArn is the account's default product in that
//     Region.
//   - CreatedAt, UpdatedAt, FirstObservedAt and LastObservedAt are the report's
//     GeneratedAt: fnaudit keeps no history, so every run reports what it saw.
//   - Compliance.Status is FAILED for fail and suppressed, WARNING for unknown (a
//     rule lacked data) and NOT_AVAILABLE for error (a rule broke). A suppressed
//     finding has Workflow.Status SUPPRESSED and a Note with the reason; all
//     others are NEW. Security Hub takes Workflow and Note only when it creates
//     a finding, so a suppression added later must be applied there too.
//   - Severity and Types are repeated in FindingProviderFields, which is where
//     Security Hub takes a provider's updates to them from.
//   - Title, Description, Remediation.Recommendation.Text and Note.Text are cut
//     to Security Hub's limits (256, 1024, 512 and 512 characters, counted in
//     UTF-16 units) with an ellipsis. ProductFields (at most 50 keys of up to
//     128 characters, values up to 2048) carry the rule, category, status,
//     native account and region, the suppression and up to 8 pieces of
//     evidence.
//
// Findings also returns an Omitted value: how many findings were left out
// (no AWS account and no Security Hub home given; below Options.MinSeverity)
// and, in Omitted.Messages, how to include them. Callers show it to people.
//
// # The document
//
// Render writes the findings as the indented JSON array that is the Findings
// member of a BatchImportFindings request (the file `aws securityhub
// batch-import-findings --findings file://...` reads). The SDK's types carry no
// JSON tags and the SDK's serializer is internal to it, so MarshalFindings
// encodes them by reflection under their field names, which are the ASFF
// attribute names; the tests compare its output with what the SDK client
// itself puts on the wire, and with the shapes of the Security Hub API model
// (testdata/asff-model.json, taken from the botocore service model). Output is deterministic: findings keep the report's
// order and map keys are sorted.
//
// # Import
//
// Import sends findings with BatchImportFindings in requests of at most 100
// findings and 6 MB (a finding over 240 KB is not sent), waiting on a
// rate limiter before each request (by default Security Hub's quota of 10
// requests per second, burst 30, per account and Region). Throttling is retried
// by the client's retryer (NewClient allows 10 attempts). Per-finding rejections
// (FailedFindings: Id, ErrorCode, ErrorMessage) and requests that failed as a
// whole are reported in ImportResult; one failed request does not stop the
// others. The caller needs the IAM permission Actions lists.
package securityhub
