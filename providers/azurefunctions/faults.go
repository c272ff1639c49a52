package azurefunctions

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"syscall"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/fnaudit/fnaudit/audit"
)

// missingError is a successful answer that lacks a member ARM always
// returns: a list without its "value" array, a configuration resource
// without "properties". The SDK decodes such an answer (even an empty body)
// without complaint into the zero value; taken at its word it would say
// "nothing there", so it is invalid data instead.
type missingError struct {
	call, member string
}

func (e *missingError) Error() string {
	return fmt.Sprintf("the answer of %s has no %q, which the API always returns; the answer was not used", e.call, e.member)
}

func missing(call, member string) error { return &missingError{call: call, member: member} }

// connFailure reports whether err is a connection-level failure — no HTTP
// answer came back: the connection was refused or reset, the name did not
// resolve, the TLS handshake failed — and names the cause. An answer with a
// status (an azcore.ResponseError) and the run's own end are not.
func connFailure(err error) (string, bool) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "", false
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return "", false
	}
	var dns *net.DNSError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var cv *tls.CertificateVerificationError
	var rec tls.RecordHeaderError
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset", true
	case errors.As(err, &dns):
		return "DNS lookup of " + dns.Name + " failed", true
	case errors.As(err, &ua), errors.As(err, &he), errors.As(err, &cv), errors.As(err, &rec):
		return "TLS handshake failed", true
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host", true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without a response", true
	case errors.As(err, &op) && op.Op == "dial":
		return "cannot connect", true
	}
	return "", false
}

// defaultUnreachableAfter is how many consecutive connection failures to one
// ARM host open its breaker.
const defaultUnreachableAfter = 3

// unreachableError is returned, without a request, for every call to a host
// whose breaker is open. The SDK's retry policy does not retry it.
type unreachableError struct {
	host, cause string
	attempts    int
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("%s: endpoint unreachable (%s) after %d attempts", e.host, e.cause, e.attempts)
}

// NonRetriable tells azcore's retry policy not to retry the error.
func (*unreachableError) NonRetriable() {}

// breakers hold one circuit breaker per host (ARM is one global endpoint, so
// in practice one for the whole run). After threshold consecutive connection
// failures every further call fails at once, so a dead endpoint costs a few
// attempts instead of every retry of every call.
type breakers struct {
	threshold int
	mu        sync.Mutex
	failures  map[string]int
	open      map[string]*unreachableError
}

func newBreakers(threshold int) *breakers {
	if threshold <= 0 {
		threshold = defaultUnreachableAfter
	}
	return &breakers{threshold: threshold, failures: map[string]int{}, open: map[string]*unreachableError{}}
}

func (b *breakers) opened() []*unreachableError {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*unreachableError
	for _, e := range b.open {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].host < out[j].host })
	return out
}

// Do implements policy.Policy; installed per retry, it sees every attempt.
func (b *breakers) Do(req *policy.Request) (*http.Response, error) {
	host := req.Raw().URL.Host
	b.mu.Lock()
	open := b.open[host]
	b.mu.Unlock()
	if open != nil {
		return nil, open
	}
	resp, err := req.Next()
	cause, failed := connFailure(err)
	if !failed && err != nil && resp == nil {
		// Neither an answer nor a connection failure (the run ended).
		return resp, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open[host] != nil {
		return resp, err
	}
	if !failed {
		b.failures[host] = 0
		return resp, err
	}
	b.failures[host]++
	if n := b.failures[host]; n >= b.threshold {
		b.open[host] = &unreachableError{host: host, cause: cause, attempts: n}
	}
	return resp, err
}

// withBreakers returns a copy of opts with b as a per-retry policy.
func withBreakers(opts *arm.ClientOptions, b *breakers) *arm.ClientOptions {
	var out arm.ClientOptions
	if opts != nil {
		out = *opts
	}
	out.PerRetryPolicies = append(append([]policy.Policy(nil), out.PerRetryPolicies...), b)
	return &out
}

// foldUnreachable folds the per-resource gaps the open breakers caused
// (audit.FoldUnreachable), naming the breakers' errors.
func foldUnreachable(gaps []audit.Gap, open []*unreachableError) []audit.Gap {
	causes := make([]string, len(open))
	for i, e := range open {
		causes[i] = e.Error()
	}
	return audit.FoldUnreachable(audit.Azure, gaps, causes)
}
