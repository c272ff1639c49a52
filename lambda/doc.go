// Command lambda is fnaudit's scheduled AWS Lambda function: on an EventBridge
// schedule it audits the configured accounts (and GCP projects / Azure
// subscriptions), analyzes them with every rule, applies the suppressions and
// publishes one SNS message with MessageStructure=json: a plain-text digest for
// email subscribers and the JSON report for machines, within SNS's 262,144
// bytes.
//
// It is a thin shell over the library: main builds a Handler from the
// environment (setup.go, config.go) and starts the runtime. The Handler
// collects through audit.Collector values (the provider adapters in
// collectors.go, or any collector a test injects), bounded by the
// invocation's deadline; message.go fits the digest (audit/report.NewDigest)
// and the report into one message, every account that was not fully audited
// named. runs.go makes a duplicated EventBridge event (same id) mail once and
// learns the account every S3 call expects to own its bucket. A direct
// invocation may narrow the scope with an Override payload. An SQS batch of
// CloudTrail changes forwarded from member accounts (event mode, events.go)
// re-audits only the functions they touched and mails only what is new.
//
// Build with `make -C lambda build` (linux/arm64, -tags lambda.norpc) and
// deploy template.yaml; docs/lambda.md is the guide, including the
// environment variables.
package main
