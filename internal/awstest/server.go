package awstest

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// mounts lists functions that mount a service on every new Server. Files of this
// package that add a service append to it (see the package documentation).
var mounts []func(*Server)

// Protocol is an AWS wire protocol; it decides the shape of error responses.
type Protocol int

// The AWS protocols the server speaks.
const (
	RESTJSON Protocol = iota // Lambda, account
	JSON11                   // Organizations (x-amz-json-1.1)
	Query                    // IAM, STS, SNS: form-encoded requests, XML responses
	RESTXML                  // S3
)

// Server is a local AWS endpoint. Build the estate with AddAccount, point the SDK
// at URL, and read Calls / Throttled afterwards.
type Server struct {
	// URL is the base URL of the server, e.g. "http://127.0.0.1:41234".
	URL string

	srv *httptest.Server

	mu       sync.Mutex
	services map[string]http.Handler
	accounts map[string]*Account
	keys     map[string]string // access key id -> account id
	orgID    string
	mgmt     string // management account id
	calls    map[string]int
	// callsOn counts calls per operation and resource (op + "\x00" + resource).
	callsOn   map[string]int
	throttled map[string]int
	faults    []*Fault
	latency   time.Duration
	quotas    Quotas
	buckets   map[string]*bucket
	seq       int
	pageSizes map[string]int
	// rawIAMDocs makes IAM return policy documents not URL-encoded.
	rawIAMDocs bool
	// recording keeps every admitted call in recorded (RecordCalls).
	recording bool
	recorded  []Call
}

// Call is one call the server received: its operation ("s3:GetObject"), the
// resource it named where the handler passes one ("bucket/key" for S3, the
// topic ARN for SNS) and the calling account.
type Call struct {
	Op, Resource, Account string
}

// New starts a server and closes it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a server; the caller must Close it. Prefer New in tests.
func NewServer() *Server {
	s := &Server{
		services:  map[string]http.Handler{},
		accounts:  map[string]*Account{},
		keys:      map[string]string{},
		calls:     map[string]int{},
		callsOn:   map[string]int{},
		throttled: map[string]int{},
		buckets:   map[string]*bucket{},
		pageSizes: map[string]int{},
	}
	s.Mount("lambda", lambdaService{s})
	s.Mount("iam", iamService{s})
	s.Mount("sts", stsService{s})
	s.Mount("organizations", orgService{s})
	s.Mount("account", accountService{s})
	for _, m := range mounts {
		m(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Mount serves requests signed for service (the SigV4 credential scope's service
// name, e.g. "sns") with h. A later Mount of the same name replaces the earlier.
func (s *Server) Mount(service string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.services[service] = h
}

// CallerInfo is who made a request, from its SigV4 credential scope.
type CallerInfo struct {
	AccessKey string
	Account   string // empty when the access key is unknown
	Region    string
	Service   string
}

type callerKey struct{}

// Caller returns the caller of a request the server is handling.
func Caller(r *http.Request) CallerInfo {
	c, _ := r.Context().Value(callerKey{}).(CallerInfo)
	return c
}

// parseScope reads "Credential=AKID/date/region/service/aws4_request" from a SigV4
// Authorization header.
func parseScope(auth string) (CallerInfo, bool) {
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return CallerInfo{}, false
	}
	cred := auth[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return CallerInfo{}, false
	}
	return CallerInfo{AccessKey: parts[0], Region: parts[2], Service: parts[3]}, true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	c, ok := parseScope(r.Header.Get("Authorization"))
	if !ok {
		http.Error(w, "awstest: request is not SigV4-signed", http.StatusForbidden)
		return
	}
	s.mu.Lock()
	h := s.services[c.Service]
	c.Account = s.keys[c.AccessKey]
	s.mu.Unlock()
	if h == nil {
		http.Error(w, fmt.Sprintf("awstest: no service %q mounted", c.Service), http.StatusNotImplemented)
		return
	}
	r = r.WithContext(contextWith(r, c))
	fw := &faultWriter{ResponseWriter: w}
	h.ServeHTTP(fw, r)
	fw.finish()
}

// faultWriter is the ResponseWriter every handler writes to. A Truncate fault
// makes it hold the handler's answer and send only its first half; a Reset
// fault hijacks the connection underneath it.
type faultWriter struct {
	http.ResponseWriter
	truncate bool
	status   int
	buf      []byte
}

func (w *faultWriter) WriteHeader(status int) {
	if !w.truncate {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	if w.status == 0 {
		w.status = status
	}
}

func (w *faultWriter) Write(b []byte) (int, error) {
	if !w.truncate {
		return w.ResponseWriter.Write(b)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf = append(w.buf, b...)
	return len(b), nil
}

// Hijack hands over the connection (for a Reset fault).
func (w *faultWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("awstest: the connection cannot be hijacked")
	}
	return hj.Hijack()
}

// finish sends a truncated answer: its status and headers, and the first half
// of its body with a Content-Length that matches, so the client reads a
// complete HTTP response whose body stops mid-document.
func (w *faultWriter) finish() {
	if !w.truncate || w.status == 0 {
		return
	}
	half := w.buf[:len(w.buf)/2]
	w.ResponseWriter.Header().Set("Content-Length", strconv.Itoa(len(half)))
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(half)
}

// AddAccount adds an account (or returns the existing one) with its own access
// key. The first account added is the organization's management account.
func (s *Server) AddAccount(id string) *Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[id]; a != nil {
		return a
	}
	a := &Account{ID: id, Name: "account-" + id, Regions: map[string]*Region{}, Status: "ACTIVE"}
	s.accounts[id] = a
	s.keys[AccessKeyFor(id)] = id
	if s.mgmt == "" {
		s.mgmt = id
	}
	return a
}

// Update runs f under the server's lock, so a test may change the estate
// between calls of the code under test without racing the handlers.
func (s *Server) Update(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// SetOrganization sets the organization id and management account. Accounts
// with InOrg set are its members.
func (s *Server) SetOrganization(orgID, management string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgID, s.mgmt = orgID, management
}

// Env returns the environment that points the AWS SDK (and so fnaudit) at the
// server with the credentials of account: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_REGION.
func (s *Server) Env(account, region string) map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL":      s.URL,
		"AWS_ACCESS_KEY_ID":     AccessKeyFor(account),
		"AWS_SECRET_ACCESS_KEY": "awstest-secret",
		"AWS_REGION":            region,
	}
}

// SetEnv sets Env(account, region) for the rest of the test (t.Setenv, so the
// test must not be parallel), and points the shared config and credentials
// files at nothing so the developer's own AWS setup cannot interfere.
func (s *Server) SetEnv(t testing.TB, account, region string) {
	t.Helper()
	for k, v := range s.Env(account, region) {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// AccessKeyFor returns the access key id the server assigns to an account's own
// (long-term) credentials. Any secret key is accepted.
func AccessKeyFor(account string) string { return "AKIATEST" + account }

// AccessKey returns the access key id of an account's own credentials.
func (s *Server) AccessKey(account string) string { return AccessKeyFor(account) }

// SetPageSize makes list operations of service ("lambda", "iam",
// "organizations") return at most n items per page, below the service's own
// maximum, so tests can exercise pagination with small estates.
func (s *Server) SetPageSize(service string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSizes[service] = n
}

// pageSize returns the page size for service given the service's maximum.
func (s *Server) pageSize(service string, max int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := s.pageSizes[service]; n > 0 && n < max {
		return n
	}
	return max
}

// SetLatency delays every call by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Quotas are request rates per second the server enforces with token buckets
// (capacity Burst, or one second's worth when zero). Zero rates are unlimited.
type Quotas struct {
	// LambdaGetPolicy applies to lambda:GetPolicy per account and region.
	LambdaGetPolicy float64
	// LambdaControl applies to the other Lambda control-plane calls per account
	// and region.
	LambdaControl float64
	// IAM applies to IAM calls per account.
	IAM float64
	// SecurityHubImport applies to securityhub:BatchImportFindings per account
	// and region.
	SecurityHubImport float64
	Burst             float64
}

// DocumentedQuotas returns AWS's published rates: 15 GetPolicy and 15 other
// control-plane requests per second per account-region for Lambda, and about 20
// requests per second per account for IAM.
func DocumentedQuotas() Quotas { return Quotas{LambdaGetPolicy: 15, LambdaControl: 15, IAM: 20} }

// SetQuotas makes the server throttle calls beyond q.
func (s *Server) SetQuotas(q Quotas) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotas = q
	s.buckets = map[string]*bucket{}
}

// FaultKind is how a Fault breaks a call.
type FaultKind int

// The kinds of fault.
const (
	// Respond sends an answer of the Fault's own (the default): an AWS
	// error, or Body verbatim.
	Respond FaultKind = iota
	// EmptyBody answers 200 (or Status) with no body at all.
	EmptyBody
	// Truncate serves the call and sends only the first half of the answer's
	// body (with a Content-Length that matches it).
	Truncate
	// Reset closes the connection without sending anything.
	Reset
)

// Fault is an error the server returns instead of serving matching calls.
type Fault struct {
	// Kind is how the call is broken; Respond (the zero value) sends the
	// answer the fields below describe.
	Kind FaultKind
	// Op is the operation, e.g. "lambda:GetPolicy"; "lambda:*" matches every
	// operation of a service and "" every operation.
	Op string
	// Account, Region and Resource (a function name) narrow the match when set.
	Account, Region, Resource string
	// Status, Code and Message make the error response; Status 0 means 400.
	Status  int
	Code    string
	Message string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Body, when set, is sent verbatim (with ContentType, default text/html)
	// instead of an AWS error document, and Code and Message are ignored. With
	// Status 200 it is a canned answer: the odd but successful responses of an
	// emulator (missing fields, a repeated page marker). With an error status
	// it is what a proxy or an emulator that lacks the operation sends.
	Body, ContentType string
	// After lets the first After matching calls through before the fault
	// applies (to fail, say, the second page of a listing).
	After int
	// Times is how many calls fail; 0 means every matching call.
	Times int

	seen, hits int
}

// Inject plants a fault. Faults are tried in the order they were injected.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Calls returns how many calls of op ("lambda:GetPolicy") the server received,
// including throttled and failed ones. With a service prefix and "*"
// ("lambda:*") it sums that service's operations.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sumMatching(s.calls, op)
}

// CallsOn returns how many calls of op the server received for one resource
// (a Lambda function's name, as the handlers of per-function calls admit it).
func (s *Server) CallsOn(op, resource string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsOn[op+"\x00"+resource]
}

// Throttled returns how many calls of op the server throttled (by quota or by an
// injected throttling fault). It accepts the same patterns as Calls.
func (s *Server) Throttled(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sumMatching(s.throttled, op)
}

// CallCounts returns a copy of the per-operation call counters.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// RecordCalls makes the server keep every call it receives from now on, for
// TakeCalls; counters alone do not say who called what.
func (s *Server) RecordCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recording = true
}

// TakeCalls returns the calls received since RecordCalls or the last
// TakeCalls, oldest first, and forgets them.
func (s *Server) TakeCalls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.recorded
	s.recorded = nil
	return out
}

// ResetCounters zeroes the call and throttle counters.
func (s *Server) ResetCounters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.callsOn = map[string]int{}
	s.throttled = map[string]int{}
}

func sumMatching(m map[string]int, op string) int {
	if !strings.HasSuffix(op, "*") {
		return m[op]
	}
	prefix := strings.TrimSuffix(op, "*")
	n := 0
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

// Admit counts a call of op, waits the configured latency, and applies injected
// faults and quotas. It reports false after writing an error response in proto's
// shape; the handler must then return. resource (optional) is matched against
// Fault.Resource.
func (s *Server) Admit(w http.ResponseWriter, r *http.Request, proto Protocol, op string, resource ...string) bool {
	c := Caller(r)
	res := ""
	if len(resource) > 0 {
		res = resource[0]
	}
	s.mu.Lock()
	s.calls[op]++
	if res != "" {
		s.callsOn[op+"\x00"+res]++
	}
	if s.recording {
		s.recorded = append(s.recorded, Call{Op: op, Resource: res, Account: c.Account})
	}
	lat := s.latency
	s.mu.Unlock()
	if lat > 0 {
		time.Sleep(lat)
	}

	s.mu.Lock()
	if c.Account == "" && op != "" {
		s.mu.Unlock()
		code := "UnrecognizedClientException"
		if proto == Query {
			code = "InvalidClientTokenId"
		}
		WriteError(w, proto, http.StatusForbidden, code, "The security token included in the request is invalid.")
		return false
	}
	for _, f := range s.faults {
		if !f.matches(op, c, res) {
			continue
		}
		f.seen++
		if f.seen <= f.After {
			continue
		}
		f.hits++
		if isThrottleCode(f.Code) {
			s.throttled[op]++
		}
		s.mu.Unlock()
		switch f.Kind {
		case Truncate:
			if fw, ok := w.(*faultWriter); ok {
				fw.truncate = true
				return true
			}
		case Reset:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					if tc, ok := conn.(*net.TCPConn); ok {
						// Send a TCP reset rather than an orderly close.
						_ = tc.SetLinger(0)
					}
					_ = conn.Close()
				}
			}
			return false
		case EmptyBody:
			status := f.Status
			if status == 0 {
				status = http.StatusOK
			}
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(status)
			return false
		}
		status := f.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		if f.Body != "" {
			ct := f.ContentType
			if ct == "" {
				ct = "text/html"
			}
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(f.Body))
			return false
		}
		msg := f.Message
		if msg == "" {
			msg = f.Code
		}
		WriteError(w, proto, status, f.Code, msg)
		return false
	}
	if b := s.bucketFor(op, c); b != nil && !b.take(time.Now()) {
		s.throttled[op]++
		s.mu.Unlock()
		writeThrottle(w, proto, op)
		return false
	}
	s.mu.Unlock()
	return true
}

func (f *Fault) matches(op string, c CallerInfo, resource string) bool {
	if f.Times > 0 && f.hits >= f.Times {
		return false
	}
	switch {
	case f.Op == "" || f.Op == op:
	case strings.HasSuffix(f.Op, ":*") && strings.HasPrefix(op, strings.TrimSuffix(f.Op, "*")):
	default:
		return false
	}
	if f.Account != "" && f.Account != c.Account {
		return false
	}
	if f.Region != "" && f.Region != c.Region {
		return false
	}
	if f.Resource != "" && f.Resource != resource {
		return false
	}
	return true
}

func isThrottleCode(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded":
		return true
	}
	return false
}

// bucketFor returns the token bucket that limits op for the caller, or nil.
// s.mu must be held.
func (s *Server) bucketFor(op string, c CallerInfo) *bucket {
	var rate float64
	var key string
	switch {
	case op == "lambda:GetPolicy":
		rate, key = s.quotas.LambdaGetPolicy, "lambda-policy/"+c.Account+"/"+c.Region
	case strings.HasPrefix(op, "lambda:"):
		rate, key = s.quotas.LambdaControl, "lambda/"+c.Account+"/"+c.Region
	case strings.HasPrefix(op, "iam:"):
		rate, key = s.quotas.IAM, "iam/"+c.Account
	case op == "securityhub:BatchImportFindings":
		rate, key = s.quotas.SecurityHubImport, "securityhub/"+c.Account+"/"+c.Region
	}
	if rate <= 0 {
		return nil
	}
	b := s.buckets[key]
	if b == nil {
		burst := s.quotas.Burst
		if burst <= 0 {
			burst = rate
		}
		b = &bucket{rate: rate, capacity: burst, tokens: burst, last: time.Now()}
		s.buckets[key] = b
	}
	return b
}

type bucket struct {
	rate, capacity, tokens float64
	last                   time.Time
}

func (b *bucket) take(now time.Time) bool {
	b.tokens += now.Sub(b.last).Seconds() * b.rate
	if b.tokens > b.capacity {
		b.tokens = b.capacity
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func writeThrottle(w http.ResponseWriter, proto Protocol, op string) {
	switch {
	case strings.HasPrefix(op, "lambda:"):
		w.Header().Set("Retry-After", "1")
		WriteError(w, proto, http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded")
	case proto == Query:
		WriteError(w, proto, http.StatusBadRequest, "Throttling", "Rate exceeded")
	default:
		WriteError(w, proto, http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded")
	}
}

// WriteError writes an AWS error response in proto's shape.
func WriteError(w http.ResponseWriter, proto Protocol, status int, code, message string) {
	switch proto {
	case RESTJSON, JSON11:
		ct := "application/json"
		if proto == JSON11 {
			ct = "application/x-amz-json-1.1"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		body := map[string]string{"__type": code, "message": message, "Message": message}
		if proto == RESTJSON {
			body["Type"] = "User"
			if code == "TooManyRequestsException" {
				body["Reason"] = "CallerRateLimitExceeded"
			}
		}
		_ = json.NewEncoder(w).Encode(body)
	case Query:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		typ := "Sender"
		if status >= 500 {
			typ = "Receiver"
		}
		fmt.Fprintf(w, "<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>awstest</RequestId></ErrorResponse>",
			typ, xmlEscape(code), xmlEscape(message))
	case RESTXML:
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<Error><Code>%s</Code><Message>%s</Message><RequestId>awstest</RequestId></Error>",
			xmlEscape(code), xmlEscape(message))
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeJSON writes v as a 200 JSON response with content type ct.
func writeJSON(w http.ResponseWriter, ct string, v any) {
	w.Header().Set("Content-Type", ct)
	_ = json.NewEncoder(w).Encode(v)
}

// nextSeq returns a number unique within the server. s.mu must be held.
func (s *Server) nextSeq() int {
	s.seq++
	return s.seq
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pageOf returns the items of one page after marker (an index) and the marker of
// the next page, or "" on the last page.
func pageOf[T any](items []T, marker string, size int) ([]T, string) {
	start, _ := strconv.Atoi(marker)
	if start < 0 || start > len(items) {
		start = len(items)
	}
	end := start + size
	if end >= len(items) {
		return items[start:], ""
	}
	return items[start:end], strconv.Itoa(end)
}

// DeadURL returns the URL of a local port that refuses connections (a
// listener opened and closed again). Point one service at it with
// AWS_ENDPOINT_URL_<SERVICE> to test an endpoint that is down.
func DeadURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}
