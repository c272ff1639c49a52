package azurefunctions

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
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
