// Package gcpfunctions collects Google Cloud Functions, 1st and 2nd generation,
// into an audit.Inventory: each function's runtime, URL, triggers, ingress and
// environment variable names (values inspected for secrets and dropped), who may
// invoke it (the function's IAM policy for 1st gen, the backing Cloud Run
// service's IAM policy and invoker-check setting for 2nd gen), and what its
// runtime service account may do (project, folder and organization IAM bindings,
// each role expanded into its permissions through the IAM roles API).
//
// It uses the Google Cloud Go clients (cloud.google.com/go/functions apiv2 and
// apiv1, run apiv2, resourcemanager apiv3, iam admin apiv1) with Application
// Default Credentials; Options.ClientOptions reach every client, so tests and
// other callers can point them at another endpoint.
//
// The adapter describes and never judges. Whatever it cannot read — a project
// that denies access, an API that is not enabled, a location that did not answer,
// a role it cannot expand — becomes an audit.Gap naming the project, location and
// API, so a rule that needs that data reports unknown instead of passing.
//
// The calls it makes are listed by the narrow interfaces in api.go and by
// Permissions, which is also the auditor's least-privilege permission list.
package gcpfunctions
