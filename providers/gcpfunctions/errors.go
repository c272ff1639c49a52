package gcpfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/googleapis/gax-go/v2"
	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// gapReason classifies an API error at the adapter boundary.
//
// PermissionDenied is access-denied unless its ErrorInfo reason says the API is
// not enabled in the project (SERVICE_DISABLED, or the older
// "has not been used ... or it is disabled" message), which is not-enabled.
func gapReason(err error) audit.GapReason {
	if err == nil {
		return ""
	}
	switch {
	case errors.Is(err, context.Canceled):
		return audit.GapInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		return audit.GapTimeout
	}
	var ue *unreachableError
	var me *missingError
	switch {
	case errors.As(err, &ue):
		return audit.GapUnreachable
	case errors.As(err, &me):
		return audit.GapInvalidData
	}
	if _, ok := connFailure(err); ok {
		return audit.GapUnreachable
	}
	code := status.Code(err)
	reason := ""
	if ae, ok := apierror.FromError(err); ok {
		reason = ae.Reason()
		if ae.GRPCStatus() != nil {
			code = ae.GRPCStatus().Code()
		}
	}
	if reason == "SERVICE_DISABLED" || reason == "API_DISABLED" ||
		strings.Contains(err.Error(), "has not been used in project") ||
		strings.Contains(err.Error(), "API has not been enabled") {
		return audit.GapNotEnabled
	}
	switch code {
	case codes.PermissionDenied, codes.Unauthenticated:
		return audit.GapAccessDenied
	case codes.ResourceExhausted:
		return audit.GapThrottled
	case codes.NotFound:
		return audit.GapNotFound
	case codes.DeadlineExceeded:
		return audit.GapTimeout
	case codes.Canceled:
		return audit.GapInterrupted
	case codes.Unimplemented:
		// The endpoint does not offer the method (an emulator or an
		// independent implementation without the v1 API or the runtimes
		// list): the API is not there to read.
		return audit.GapNotEnabled
	case codes.InvalidArgument, codes.FailedPrecondition:
		return audit.GapError
	}
	return audit.GapError
}

// gapMessage shortens an error for Gap.Message: the status message without the
// details the client libraries append.
func gapMessage(err error) string {
	switch {
	case errors.Is(err, context.Canceled) || status.Code(err) == codes.Canceled:
		return "the run was interrupted before the call finished"
	case errors.Is(err, context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded:
		return "the run's deadline passed before the call finished"
	}
	if cause, ok := connFailure(err); ok {
		return "endpoint unreachable (" + cause + ")"
	}
	if s, ok := status.FromError(err); ok && s.Message() != "" {
		return s.Code().String() + ": " + s.Message()
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i > 0 {
		msg = msg[:i]
	}
	return msg
}

// RetryPolicy says how throttled (RESOURCE_EXHAUSTED) and unavailable calls are
// retried; the zero value means the defaults.
type RetryPolicy struct {
	// Attempts is the total number of tries per call (default 5).
	Attempts int
	// Initial and Max bound the exponential backoff (defaults 500ms and 30s).
	Initial, Max time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 5
	}
	if p.Initial <= 0 {
		p.Initial = 500 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = 30 * time.Second
	}
	return p
}

// callOption returns the gax retry option applied to every call. The client
// libraries' own retry settings cover only UNAVAILABLE (and not for every
// method), so quota errors, which Google documents as retryable with backoff, are
// added here with a bounded number of attempts.
func (p RetryPolicy) callOption() gax.CallOption {
	p = p.withDefaults()
	return gax.WithRetry(func() gax.Retryer {
		return &boundedRetryer{inner: retryerFor(p), left: p.Attempts - 1}
	})
}

// retryerFor retries throttling and unavailability with exponential backoff.
func retryerFor(p RetryPolicy) gax.Retryer {
	p = p.withDefaults()
	return gax.OnCodes([]codes.Code{codes.ResourceExhausted, codes.Unavailable},
		gax.Backoff{Initial: p.Initial, Max: p.Max, Multiplier: 2})
}

type boundedRetryer struct {
	inner gax.Retryer
	left  int
	// conn counts the call's attempts that failed to connect.
	conn int
}

// connAttempts caps the attempts of one call that fail to connect, and
// connMaxDelay the wait before retrying one: a connection failure is no sign
// of load, and the breakers stop calling an endpoint that keeps failing.
const (
	connAttempts = 3
	connMaxDelay = 500 * time.Millisecond
)

func (r *boundedRetryer) Retry(err error) (time.Duration, bool) {
	if r.left <= 0 {
		return 0, false
	}
	_, conn := connFailure(err)
	if conn {
		r.conn++
		if r.conn >= connAttempts {
			return 0, false
		}
	}
	d, ok := r.inner.Retry(err)
	if ok {
		r.left--
	}
	if conn && d > connMaxDelay {
		d = connMaxDelay
	}
	return d, ok
}

// missingError is an answer that lacks a field the API always fills (a
// listed function without its resource name).
type missingError struct {
	call, field string
}

func (e *missingError) Error() string {
	return fmt.Sprintf("the answer of %s has no %s, which the API always returns; the answer was not used", e.call, e.field)
}
