// Package providertest is the conformance suite every provider adapter passes.
//
// The suite describes a small provider-neutral Estate (a readable account, an
// account that denies access, functions that are public, invoked by a service
// pinned to its source, or run with an all-powerful identity, more functions than
// one list page, throttled calls). Each adapter's test seeds that estate into its
// local fake of the cloud API — an httptest server for AWS, fake gRPC servers for
// GCP, the Azure SDK's fake transports — and returns a collector pointed at it;
// Run then collects, analyzes with every rule, and checks what any correct adapter
// must produce. Memory is an in-memory adapter that passes the same suite and
// documents the contract by example.
package providertest
