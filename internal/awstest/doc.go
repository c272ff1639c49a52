// Package awstest is a local AWS endpoint for tests: one httptest server that
// speaks the real wire protocols of the AWS services fnaudit calls, so tests drive
// the real aws-sdk-go-v2 clients (pointed at Server.URL through AWS_ENDPOINT_URL or
// config.WithBaseEndpoint) instead of mocks.
//
// # Routing
//
// Every SDK request is SigV4-signed. The server reads the credential scope of the
// Authorization header ("Credential=AKID/20260101/us-east-1/lambda/aws4_request")
// and dispatches on its service name ("lambda", "iam", "sts", "organizations",
// "account", ...). The access key id names the calling account: each seeded
// account has its own key (Server.AccessKey), and sts:AssumeRole hands out keys
// for the target account. The region of the scope is the region of the call.
//
// # Adding a service from another file
//
// A service is an http.Handler mounted under its signing name:
//
//	func (s *Server) Mount(service string, h http.Handler)
//
// Files added to this package (for example sns.go, s3.go, securityhub.go) register their service
// with a function listed in the package-level mounts slice, which New calls for
// every server:
//
//	func init() { mounts = append(mounts, func(s *Server) { s.Mount("sns", snsHandler{s}) }) }
//
// (init is used here, inside test infrastructure only, so that a file can add a
// service without editing this one.) Inside a handler, Caller(r) returns the
// calling account and region, and Server.Admit counts the call, applies the
// configured latency, throttling and injected faults, and reports whether the
// handler should go on:
//
//	func (h snsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
//		c := Caller(r)
//		if !h.s.Admit(w, r, Query, "sns:Publish") {
//			return // Admit already wrote the error response
//		}
//		...
//	}
//
// WriteError writes an error in a protocol's own shape (REST-JSON, JSON 1.1,
// Query XML, REST-XML), so the SDK's deserializers classify it as the real
// service's error would be.
//
// # State, counters and faults
//
// The estate is plain Go data (accounts -> regions -> functions, roles,
// managed policies) that a test builds through AddAccount before calling the
// code under test. Calls(op) and Throttled(op) count requests per operation
// ("lambda:GetPolicy"). SetLatency adds a delay to every call, SetQuotas makes
// the server throttle each account-region with token buckets at AWS's documented
// rates, SetPageSize shrinks list pages, and Inject plants faults (HTTP
// status, error code, Retry-After) for N matching calls, optionally after
// letting the first few through. A Fault's Kind breaks a call below the API:
// EmptyBody answers with no body, Truncate sends half of the real answer,
// Reset closes the connection without an answer; DeadURL is a port that
// refuses connections, for AWS_ENDPOINT_URL_<SERVICE>.
//
// # Emulating other endpoints
//
// Code under test meets real AWS and independent emulators, which answer within
// the wire protocol but differently from this server. A Fault with a Body sends
// that body verbatim: with an error status it is a proxy's HTML page or an
// error without a code; with status 200 it is a canned answer (fields left out,
// a page marker repeated, an empty listing). SetRawIAMDocuments makes IAM
// return policy documents as plain JSON instead of URL-encoded, and
// ManagedPolicy.DefaultVersionID names a default version the version list
// lacks.
//
// # Front doors
//
// frontdoor.go and the files beside it (apigateway.go, elbv2.go, ec2.go,
// cloudfront.go) serve API Gateway (v1 and v2, both signed "apigateway"),
// Elastic Load Balancing v2, EC2 DescribeSecurityGroups and CloudFront from
// one estate, Server.FrontDoors, with its own quotas (FrontDoorQuotas).
//
// # Pointing code at the server
//
// Library code takes config.WithBaseEndpoint(s.URL) and static credentials
// with the key AccessKeyFor(account) (any secret). Code that builds its own
// configuration, like the fnaudit command, reads the environment: Env returns
// AWS_ENDPOINT_URL, the credentials and the region, and SetEnv sets them for a
// (non-parallel) test and hides the developer's own AWS config files.
package awstest
