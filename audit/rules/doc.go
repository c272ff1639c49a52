// Package rules holds fnaudit's rules, one per file: each file defines a Rule
// value with its metadata and a short pure check, its .md file is the embedded
// documentation, and testdata/<slug>/ holds fixture inventories with the findings
// they must produce. All lists every rule in one explicit slice.
package rules
