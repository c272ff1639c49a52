package gcpfunctions

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/fnaudit/fnaudit/audit"
)

// defaultUnreachableAfter is how many consecutive connection failures to one
// API open its breaker.
const defaultUnreachableAfter = 3

// connFailure reports whether err is a connection-level failure — the
// endpoint could not be reached at all: refused, reset, a name that does not
// resolve, a failed TLS handshake — and names the cause. gRPC reports these
// as UNAVAILABLE with the transport's reason in the message; a server's own
// UNAVAILABLE ("the service is currently unavailable") is an answer, not a
// connection failure.
func connFailure(err error) (string, bool) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "", false
	}
	var dns *net.DNSError
	var ua x509.UnknownAuthorityError
	var rec tls.RecordHeaderError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", true
	case errors.As(err, &dns):
		return "DNS lookup of " + dns.Name + " failed", true
	case errors.As(err, &ua), errors.As(err, &rec):
		return "TLS handshake failed", true
	}
	s, ok := status.FromError(err)
	if !ok || s.Code() != codes.Unavailable {
		return "", false
	}
	msg := s.Message()
	switch {
	case strings.Contains(msg, "connection refused"):
		return "connection refused", true
	case strings.Contains(msg, "connection reset"):
		return "connection reset", true
	case strings.Contains(msg, "no such host"), strings.Contains(msg, "name resolver"), strings.Contains(msg, "produced zero addresses"):
		return "DNS lookup failed", true
	case strings.Contains(msg, "authentication handshake failed"), strings.Contains(msg, "tls:"), strings.Contains(msg, "x509:"):
		return "TLS handshake failed", true
	case strings.Contains(msg, "error reading server preface"), strings.Contains(msg, "EOF"):
		return "connection closed without a response", true
	case strings.Contains(msg, "connection error"), strings.Contains(msg, "Error while dialing"):
		return "cannot connect", true
	}
	return "", false
}

// unreachableError is returned, without a request, for every call to an API
// whose breaker is open.
type unreachableError struct {
	api, cause string
	attempts   int
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("%s endpoint unreachable (%s) after %d attempts", e.api, e.cause, e.attempts)
}

// breakers hold one circuit breaker per API family (Cloud Functions, Cloud
// Run, Resource Manager, IAM). The endpoints are global, so a breaker covers
// every project: after threshold consecutive connection failures every
// further call to that API fails at once, and the gax retryer does not retry
// that error (it carries no gRPC code).
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

// opened lists the open breakers' errors, by API.
func (b *breakers) opened() []*unreachableError {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*unreachableError
	for _, e := range b.open {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].api < out[j].api })
	return out
}

func (b *breakers) after(family string, err error) {
	cause, failed := connFailure(err)
	if !failed && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		status.Code(err) == codes.Canceled || status.Code(err) == codes.DeadlineExceeded) {
		// The run's own end says nothing about the endpoint.
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open[family] != nil {
		return
	}
	if !failed {
		b.failures[family] = 0
		return
	}
	b.failures[family]++
	if n := b.failures[family]; n >= b.threshold {
		b.open[family] = &unreachableError{api: family, cause: cause, attempts: n}
	}
}

// interceptor stops calls to an API whose breaker is open and counts the
// outcome of every other call; it runs once per attempt.
func (b *breakers) interceptor() grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		family := apiFamily(method)
		b.mu.Lock()
		open := b.open[family]
		b.mu.Unlock()
		if open != nil {
			return open
		}
		err := invoker(ctx, method, req, reply, cc, opts...)
		b.after(family, err)
		return err
	}
}

// foldUnreachable folds the per-resource gaps the open breakers caused
// (audit.FoldUnreachable), naming the breakers' errors.
func foldUnreachable(gaps []audit.Gap, open []*unreachableError) []audit.Gap {
	causes := make([]string, len(open))
	for i, e := range open {
		causes[i] = e.Error()
	}
	return audit.FoldUnreachable(audit.GCP, gaps, causes)
}
