package awslambda

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fnaudit/fnaudit/audit"
)

func sendErr(err error) error {
	// As the SDK returns it: the transport's error inside a RequestSendError
	// inside the operation error.
	return &smithy.OperationError{ServiceID: "Lambda", OperationName: "GetPolicy",
		Err: &smithyhttp.RequestSendError{Err: err}}
}

func TestConnFailure(t *testing.T) {
	t.Parallel()
	dial := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
	}
	for _, tc := range []struct {
		name  string
		err   error
		cause string // "" = not a connection failure
	}{
		{"refused", sendErr(dial(syscall.ECONNREFUSED)), "connection refused"},
		{"reset", sendErr(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), "connection reset"},
		{"closed", sendErr(fmt.Errorf("Get \"x\": %w", io.EOF)), "connection closed without a response"},
		{"dns", sendErr(&net.OpError{Op: "dial", Err: &net.DNSError{Name: "lambda.example", Err: "no such host"}}), "DNS lookup of lambda.example failed"},
		{"tls", sendErr(&tls509{}), "TLS handshake failed"},
		{"unreachable", sendErr(dial(syscall.EHOSTUNREACH)), "no route to host"},
		{"other send failure", sendErr(errors.New("proxyconnect tcp: something")), "request could not be sent"},
		{"deadline", sendErr(context.DeadlineExceeded), ""},
		{"canceled", sendErr(context.Canceled), ""},
		{"5xx answer", &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 502}}, Err: errors.New("x")}, ""},
		{"api error", &smithy.GenericAPIError{Code: "ThrottlingException"}, ""},
	} {
		cause, ok := connFailure(tc.err)
		if ok != (tc.cause != "") || cause != tc.cause {
			t.Errorf("%s: connFailure = %q, %v; want %q", tc.name, cause, ok, tc.cause)
		}
	}
}

// tls509 is an x509 verification failure as the TLS handshake reports it.
type tls509 struct{}

func (tls509) Error() string { return "x509: certificate signed by unknown authority" }
func (tls509) Unwrap() error { return x509.UnknownAuthorityError{} }

func TestClassifyRunEndAndConnection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err    error
		reason audit.GapReason
		msg    string
	}{
		{sendErr(context.DeadlineExceeded), audit.GapTimeout, "the run's deadline passed before the call finished"},
		{sendErr(context.Canceled), audit.GapInterrupted, "the run was interrupted before the call finished"},
		{sendErr(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), audit.GapUnreachable,
			"endpoint unreachable (connection refused)"},
		{&unreachableError{service: "lambda", scope: "123456789012/us-east-1", cause: "connection refused", attempts: 3},
			audit.GapUnreachable, "lambda in 123456789012/us-east-1: endpoint unreachable (connection refused) after 3 attempts"},
		{missing("lambda:GetPolicy", "Policy document"), audit.GapInvalidData,
			"the answer of lambda:GetPolicy has no Policy document, which the API always returns; the answer was not used"},
	} {
		if got := classify(tc.err); got != tc.reason {
			t.Errorf("classify(%v) = %s, want %s", tc.err, got, tc.reason)
		}
		if got := errorMessage(tc.err); got != tc.msg {
			t.Errorf("errorMessage(%v) = %q, want %q", tc.err, got, tc.msg)
		}
	}
}

func TestBreakerOpensAfterConsecutiveFailures(t *testing.T) {
	t.Parallel()
	refused := sendErr(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	answered := &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 502}}, Err: errors.New("502")}
	set := newBreakerSet(mgmtAcct, 3)
	// A response in between starts the count again; the run's own end does
	// not count either way.
	for _, err := range []error{refused, refused, answered, refused, sendErr(context.Canceled), refused} {
		set.after("Lambda", "us-east-1", err)
	}
	if e := set.opened("Lambda", "us-east-1"); e != nil {
		t.Fatalf("open after 2 consecutive failures: %v", e)
	}
	set.after("Lambda", "us-east-1", refused)
	e := set.opened("Lambda", "us-east-1")
	if e == nil || e.Error() != "lambda in 123456789012/us-east-1: endpoint unreachable (connection refused) after 3 attempts" {
		t.Fatalf("breaker = %v", e)
	}
	if err := set.before("Lambda", "us-east-1"); !errors.As(err, new(*unreachableError)) {
		t.Errorf("call through an open breaker: %v", err)
	}
	if set.opened("Lambda", "eu-west-1") != nil || set.opened("IAM", "us-east-1") != nil {
		t.Error("the breaker of one service and region opened others")
	}
	if notWhenUnreachable(fmt.Errorf("op: %w", e)) != aws.FalseTernary {
		t.Error("an open breaker's error is retried")
	}
	if notWhenUnreachable(refused) != aws.UnknownTernary {
		t.Error("a connection failure before the breaker opens is not left to the standard retry rules")
	}
}

func TestConnectionFailuresRetrySoon(t *testing.T) {
	t.Parallel()
	b := newRetryer(10, nil)().(interface {
		RetryDelay(int, error) (time.Duration, error)
	})
	refused := sendErr(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond} {
		if d, err := b.RetryDelay(attempt, refused); err != nil || d != want {
			t.Errorf("delay after attempt %d = %v, %v; want %v", attempt, d, err, want)
		}
	}
	// The third failed attempt ends the call with its own error.
	if _, err := b.RetryDelay(connAttempts, refused); err != refused {
		t.Errorf("after %d attempts: %v, want the connection failure itself", connAttempts, err)
	}
	if d := connBackoff(9); d != 500*time.Millisecond {
		t.Errorf("connBackoff(9) = %v, want the 500ms cap", d)
	}
}
