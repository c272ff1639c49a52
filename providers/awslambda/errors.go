package awslambda

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fnaudit/fnaudit/audit"
)

// classify turns an AWS SDK error into a gap reason. The SDK error is the only
// place the distinction lives, so it is made here, at the adapter boundary.
func classify(err error) audit.GapReason {
	if err == nil {
		return ""
	}
	// The run's own end comes first: a call cut short by the deadline or an
	// interrupt fails with whatever the transport was doing at the time.
	switch {
	case errors.Is(err, context.Canceled):
		return audit.GapInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		return audit.GapTimeout
	}
	var me *missingError
	if errors.As(err, &me) {
		return audit.GapInvalidData
	}
	var ue *unreachableError
	if errors.As(err, &ue) {
		return audit.GapUnreachable
	}
	if _, ok := connFailure(err); ok {
		return audit.GapUnreachable
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch code := ae.ErrorCode(); code {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
			"AuthorizationErrorException", "KMSAccessDeniedException":
			return audit.GapAccessDenied
		case "UnrecognizedClientException", "InvalidClientTokenId", "OptInRequired",
			"AWSOrganizationsNotInUseException", "SubscriptionRequiredException":
			// An opted-out region does not know the account's credentials.
			return audit.GapNotEnabled
		case "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
			"RequestLimitExceeded", "RequestThrottled", "RequestThrottledException":
			return audit.GapThrottled
		case "ResourceNotFoundException", "NoSuchEntity", "NoSuchEntityException", "AccountNotFoundException":
			return audit.GapNotFound
		case "ExpiredToken", "ExpiredTokenException", "RegionDisabledException":
			return audit.GapAssumeRole
		case "Forbidden", "ForbiddenException", "AuthFailure", "UnauthorizedException", "NotAuthorized":
			return audit.GapAccessDenied
		case "UnknownOperationException", "UnknownOperation", "InvalidAction", "NotImplemented",
			"NotImplementedException", "UnsupportedOperation", "UnsupportedOperationException":
			// An endpoint (typically an emulator) without this operation.
			return audit.GapNotEnabled
		}
		// Also AccessDeniedForDependencyException and service-prefixed variants.
		if strings.Contains(ae.ErrorCode(), "AccessDenied") {
			return audit.GapAccessDenied
		}
	}
	if errors.Is(err, errRepeatedMarker) || errors.Is(err, errTruncatedNoMarker) {
		return audit.GapInvalidData
	}
	// No error code the collector knows (none at all, or a body that is not an
	// AWS error, as a proxy or an incomplete emulator sends): the HTTP status is
	// all there is. A 404 stays a plain error: without a code it does not say
	// that the resource is missing, only that something at that URL is.
	switch status := httpStatus(err); {
	case status >= 200 && status < 300:
		// A success whose body the SDK could not read.
		return audit.GapInvalidData
	case status == 401 || status == 403:
		return audit.GapAccessDenied
	case status == 429:
		return audit.GapThrottled
	case status == 501:
		return audit.GapNotEnabled
	}
	return audit.GapError
}

// httpStatus returns the HTTP status of the response behind err, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// hasCode reports whether err carries a real AWS error code (the SDK reports
// "UnknownError" when the response had none).
func hasCode(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	c := ae.ErrorCode()
	return c != "" && c != "UnknownError"
}

// errRepeatedMarker ends a listing whose service returned a page marker it had
// already returned, which would otherwise page forever.
var errRepeatedMarker = errors.New("the service returned a page marker it had already returned, so the listing was stopped there")

// errTruncatedNoMarker ends a listing that says more pages follow but gives
// no marker to ask for them (the SDK would stop there without a word).
var errTruncatedNoMarker = errors.New("the service said the listing was truncated but gave no marker for the rest")

// markers remembers the page markers of one listing.
type markers map[string]bool

// repeated reports whether next was already returned by this listing, and
// remembers it.
func (m markers) repeated(next *string) bool {
	if next == nil || *next == "" {
		return false
	}
	if m[*next] {
		return true
	}
	m[*next] = true
	return false
}

// isNotFound reports whether err says the resource does not exist: for an
// optional sub-resource (a policy, a URL configuration) that means "none".
func isNotFound(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ResourceNotFoundException", "NoSuchEntity", "NoSuchEntityException":
		return true
	}
	return false
}

// errorMessage is a one-line description of err for a gap: the API error code
// and message when there is one (the SDK's full error repeats the operation and
// request id, which the gap already names).
func errorMessage(err error) string {
	var ae smithy.APIError
	var me *missingError
	var ue *unreachableError
	status := httpStatus(err)
	switch {
	case errors.Is(err, context.Canceled):
		return "the run was interrupted before the call finished"
	case errors.Is(err, context.DeadlineExceeded):
		return "the run's deadline passed before the call finished"
	case errors.As(err, &me):
		return oneLine(err.Error())
	case errors.As(err, &ue):
		return ue.Error()
	}
	if cause, ok := connFailure(err); ok {
		return "endpoint unreachable (" + cause + ")"
	}
	switch {
	case hasCode(err) && errors.As(err, &ae):
		msg := ae.ErrorMessage()
		if msg == "" {
			return ae.ErrorCode()
		}
		return ae.ErrorCode() + ": " + msg
	case status != 0 && errors.As(err, &ae):
		if ae.ErrorMessage() == "" {
			return fmt.Sprintf("HTTP %d without an AWS error code", status)
		}
		return oneLine(fmt.Sprintf("HTTP %d without an AWS error code: %s", status, ae.ErrorMessage()))
	case status != 0:
		// The body was not an AWS response (an HTML page, say); the SDK's
		// error says why it could not be read.
		var re *smithyhttp.ResponseError
		errors.As(err, &re)
		if status < 300 {
			return oneLine(fmt.Sprintf("HTTP %d with a body that is not the operation's response (%v)", status, re.Err))
		}
		return oneLine(fmt.Sprintf("HTTP %d without an AWS error response (%v)", status, re.Err))
	}
	return oneLine(err.Error())
}

// oneLine folds a message onto one line and bounds its length: a message may
// quote whatever an endpoint sent.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 300
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "..."
	}
	return s
}

// gapFor builds the gap for a failed call.
func gapFor(account, region, resource, api string, data audit.DataKind, err error) audit.Gap {
	return audit.Gap{
		Provider: audit.AWS,
		Account:  account,
		Region:   region,
		Resource: resource,
		API:      api,
		Data:     data,
		Reason:   classify(err),
		Message:  errorMessage(err),
	}
}

// wrap wraps err once with the operation and the resource it was about.
func wrap(op, resource string, err error) error {
	if resource == "" {
		return fmt.Errorf("aws: %s: %w", op, err)
	}
	return fmt.Errorf("aws: %s %s: %w", op, resource, err)
}
