// Package report renders an audit.Report for people and for machines.
//
// Formats:
//
//   - text: the findings by severity (most severe first), each with its title
//     and its function, account and region, after a summary by severity,
//     category and provider; then the suppressed findings with their reasons,
//     the coverage gaps, any warnings and how to see more (--details, fnaudit
//     rules ID). Lines wrap at Options.Width (DefaultTextWidth when piped) with
//     a hanging indent; nothing is cut. No ANSI escape codes unless
//     Options.Color is set.
//   - json: the report itself, schema "fnaudit.report/v1"; its JSON Schema is
//     report.schema.json in this package (Schema returns it, ValidateJSON checks a
//     document against it).
//   - ocsf: a JSON array of OCSF 1.3 Detection Finding objects (class_uid 2004),
//     the form Prowler emits and AWS Security Lake / Security Hub ingest.
//   - csv: RFC 4180, a header row and one row per finding; cells that a
//     spreadsheet would read as a formula are neutralized.
//   - html: one self-contained page for people: the summary at a glance
//     (exposure, and open findings by severity, category, provider and
//     account as SVG bar charts drawn at render time), every coverage gap,
//     the functions ranked worst first, and every finding as a <details>
//     element with its detail, evidence and remediation. Its size does not
//     grow with the estate's: it lists the 1,000 highest-ranked functions with
//     their findings and who can change them, folds gaps past 1,000 the way
//     the digest does (no gap is left out), and says what it left out; the
//     JSON report lists everything. No script, no external resource; a
//     Content-Security-Policy forbids every fetch, and a print stylesheet
//     opens every finding. All text is escaped by html/template.
//
// The AWS Security Finding Format (asff) for Security Hub is not here: package
// github.com/fnaudit/fnaudit/securityhub builds it from the AWS SDK's own types,
// which this package, like all of audit/, does not import.
//
// NewDigest renders the plain-text email digest the scheduled Lambda publishes.
// RankFunctions is the risk ranking it and the HTML report order functions by
// (reach × power, then exploitability aids; docs/rules.md). Diff compares two
// reports of the same scope by finding id: new, resolved (never for a place a
// gap of the newer report left unread), accepted, unverified and remaining.
//
// Text meant for a terminal escapes control and invisible formatting characters
// (see Visible): names and messages in a report come from the audited estate and
// are not trusted.
//
// Options.MinSeverity hides findings below a severity from the findings list of
// every format. The summary is never filtered: it always describes the whole
// analysis, so "3 findings below medium not shown" is visible instead of the
// counts silently shrinking; the text format says how many were hidden. Error
// findings (a rule that broke) are always listed, whatever their severity, since
// they mean part of the audit did not happen. Gaps are never filtered.
//
// Output is deterministic: the only clock is Report.GeneratedAt, findings keep the
// analyzer's sorted order, and nothing iterates a map into the output unsorted.
package report
