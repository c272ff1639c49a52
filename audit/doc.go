// Package audit is fnaudit's provider-neutral core: the inventory model that
// provider adapters fill (functions, triggers, identities, access, gaps), the rule
// type, the analyzer that runs rules into findings, and the report they make.
//
// The package imports no cloud SDK. Providers describe (providers/...), rules judge
// (audit/rules), shells wire (cmd/fnaudit, lambda).
package audit
