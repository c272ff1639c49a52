package awslambda

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// defaultUnreachableAfter is how many consecutive connection failures to one
// service in one account-region open its breaker.
const defaultUnreachableAfter = 3

// missingError is a successful answer that lacks a member the API always
// returns (a listing without its list, GetPolicy without the document). The
// SDK reads such an answer without complaint, as the zero value; taken at its
// word it would say "nothing there", so it is invalid data instead.
type missingError struct {
	op, member string
}

func (e *missingError) Error() string {
	return fmt.Sprintf("the answer of %s has no %s, which the API always returns; the answer was not used", e.op, e.member)
}

// missing returns the error for an answer of op that lacks member.
func missing(op, member string) error { return &missingError{op: op, member: member} }

// unreachableError is returned, without a request, for every call to a service
// whose breaker is open.
type unreachableError struct {
	service, scope, cause string
	attempts              int
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("%s in %s: endpoint unreachable (%s) after %d attempts", e.service, e.scope, e.cause, e.attempts)
}

// connFailure reports whether err is a connection-level failure — no HTTP
// response came back: the connection was refused or reset, the name did not
// resolve, the TLS handshake failed — and names the cause. Throttling and 5xx
// answers are responses, not connection failures; nor is the run's own end
// (a cancelled or expired context).
func connFailure(err error) (string, bool) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "", false
	}
	var se *smithyhttp.RequestSendError
	if !errors.As(err, &se) {
		return "", false
	}
	var dns *net.DNSError
	var rec tls.RecordHeaderError
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var alert tls.AlertError
	var ne net.Error
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset", true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed without a response", true
	case errors.As(err, &dns):
		return "DNS lookup of " + dns.Name + " failed", true
	case errors.As(err, &rec), errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &he),
		errors.As(err, &ci), errors.As(err, &alert):
		return "TLS handshake failed", true
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host", true
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer from the endpoint in time", true
	case errors.As(err, &op) && op.Op == "dial":
		return "cannot connect", true
	}
	return "request could not be sent", true
}

// breakerSet holds one circuit breaker per service and region, for the calls
// of one account. After threshold consecutive connection failures to a
// service in a region, every further call to it there fails at once with an
// unreachableError, so a dead endpoint costs a few attempts instead of every
// retry of every call.
type breakerSet struct {
	account   string
	threshold int

	mu       sync.Mutex
	breakers map[string]*breaker
}

type breaker struct {
	failures int
	open     *unreachableError
}

func newBreakerSet(account string, threshold int) *breakerSet {
	if threshold <= 0 {
		threshold = defaultUnreachableAfter
	}
	return &breakerSet{account: account, threshold: threshold, breakers: map[string]*breaker{}}
}

// setAccount names the account once it is known.
func (s *breakerSet) setAccount(account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.account = account
}

func breakerKey(service, region string) string { return strings.ToLower(service) + "/" + region }

// opened returns the error of the open breaker of service in region, or nil.
func (s *breakerSet) opened(service, region string) *unreachableError {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.breakers[breakerKey(service, region)]; b != nil {
		return b.open
	}
	return nil
}

func (s *breakerSet) before(service, region string) error {
	if e := s.opened(service, region); e != nil {
		return e
	}
	return nil
}

// after records the outcome of one attempt.
func (s *breakerSet) after(service, region string, err error) {
	cause, failed := connFailure(err)
	reached := err == nil || httpStatus(err) != 0 || isDeserialization(err)
	if !failed && !reached {
		// Neither a response nor a connection failure (the run ended, the
		// pacer gave up): it says nothing about the endpoint.
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := breakerKey(service, region)
	b := s.breakers[k]
	if b == nil {
		b = &breaker{}
		s.breakers[k] = b
	}
	if b.open != nil {
		return
	}
	if !failed {
		b.failures = 0
		return
	}
	b.failures++
	if b.failures >= s.threshold {
		scope := s.account
		switch {
		case scope == "":
			scope = region
		case region != "":
			scope += "/" + region
		}
		b.open = &unreachableError{service: strings.ToLower(service), scope: scope, cause: cause, attempts: b.failures}
	}
}

func isDeserialization(err error) bool {
	var de *smithy.DeserializationError
	return errors.As(err, &de)
}

// middleware adds the breakers to every client made from a configuration. It
// runs once per attempt (after the retry middleware), so retries count.
func (s *breakerSet) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("fnauditBreaker",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			service, region := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetRegion(ctx)
			if err := s.before(service, region); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			out, md, err := next.HandleFinalize(ctx, in)
			s.after(service, region, err)
			return out, md, err
		}), middleware.After)
}
