// Package awsfrontdoor reads the front doors of AWS Lambda functions: API
// Gateway REST API methods, HTTP and WebSocket API routes, AppSync GraphQL
// APIs with Lambda data sources, Application Load Balancer listener rules that
// forward to lambda target groups, and CloudFront distributions whose origin
// is a function URL. It describes each door as an
// audit.FrontDoor (address, network scope, authentication, network
// restrictions, resource policy, target function) and leaves judging to the
// rules.
//
// Every call is paced per account-region at the service's documented control
// plane quota (API Gateway: GetResources 5 per 2 seconds, all calls 10 per
// second; ELBv2 Describe* 10 per second; EC2 non-mutating 20 per second;
// CloudFront and AppSync, which publish no rate, 5 per second) and
// retried patiently when throttled. A call that fails is a gap with data kind
// front-doors, never an empty answer.
package awsfrontdoor
