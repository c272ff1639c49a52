// Package suppress applies a suppressions file to a report: findings that a team
// has reviewed and accepted stay in the report, marked suppressed with the reason,
// instead of being dropped silently.
//
// # File format
//
// A suppressions file is YAML with one top-level key, suppressions, holding a list
// of entries:
//
//	suppressions:
//	  - rule: FNA-AWS-001            # a rule id or slug
//	    resource: "arn:aws:lambda:*:123456789012:function:public-status-*"
//	    reason: "status page is public by design (SEC-412)"
//	    expires: 2027-03-31          # optional; YYYY-MM-DD or RFC 3339
//	  - category: deprecated-runtime # or a whole category
//	    resource: "projects/acme-legacy-*/**"
//	    reason: "legacy project is being decommissioned"
//
// Each entry needs rule or category (or both, which must then both match), a
// resource glob and a reason. Unknown keys are errors, and so is a rule that
// fnaudit does not have (ids and slugs match case-insensitively; ParseOptions
// names other rules or lets unknown ones through), so a misspelt key or rule
// never turns into a suppression that silently matches nothing or everything.
//
// # Resource globs
//
// The glob is matched against the whole of a finding's resource id (the function's
// ARN, GCP resource name or Azure ARM id):
//
//   - * matches any run of characters except the separators '/' and ':'
//     (one ARN field or one path segment);
//   - ** matches any run of characters, separators included;
//   - ? matches one character other than a separator;
//   - every other character matches itself. Azure resource ids are compared
//     case-insensitively, as Azure treats them; AWS and GCP ids exactly.
//
// So "arn:aws:lambda:*:123456789012:function:*" matches every function of that
// account in any region, and "**" matches every resource.
//
// # Semantics
//
// Only findings with status fail are suppressed: an unknown finding means the
// rule could not look, and an error finding means it broke, and neither is
// something a reviewer can have accepted. The first entry that matches a finding
// wins. An entry expires at the end of its expires day (UTC) when given as a date,
// or at the given instant; an expired entry no longer suppresses and adds a warning
// to the report, so accepted risk is reviewed again rather than forgotten.
package suppress
