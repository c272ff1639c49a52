package awsfrontdoor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fnaudit/fnaudit/audit"
)

const reasonThrottled = audit.GapThrottled

// reasonOf turns an SDK error into a gap reason.
func reasonOf(err error) audit.GapReason {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch code {
		case "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException":
			return audit.GapThrottled
		case "UnrecognizedClientException", "InvalidClientTokenId", "OptInRequired", "AuthFailure", "SubscriptionRequiredException":
			return audit.GapNotEnabled
		case "NotFoundException", "LoadBalancerNotFound", "ListenerNotFound", "TargetGroupNotFound", "InvalidGroup.NotFound", "NoSuchResource":
			return audit.GapNotFound
		case "UnauthorizedOperation", "ForbiddenException", "UnauthorizedException":
			return audit.GapAccessDenied
		case "InvalidAction", "UnknownOperationException", "NotImplemented":
			return audit.GapNotEnabled
		}
		if strings.Contains(code, "AccessDenied") {
			return audit.GapAccessDenied
		}
	}
	// The run's end, not the endpoint: a cancel (SIGINT, SIGTERM) is an
	// interruption, a passed deadline a timeout.
	if errors.Is(err, context.Canceled) {
		return audit.GapInterrupted
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return audit.GapTimeout
	}
	if errors.Is(err, errRepeatedToken) {
		return audit.GapInvalidData
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		switch s := re.HTTPStatusCode(); {
		case s == 401 || s == 403:
			return audit.GapAccessDenied
		case s == 429:
			return audit.GapThrottled
		case s >= 200 && s < 300:
			return audit.GapInvalidData
		}
	}
	return audit.GapError
}

// errCode returns the AWS error code of err, or its HTTP status, or "error".
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "" {
		return ae.ErrorCode()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 0 {
		return fmt.Sprintf("HTTP %d", re.HTTPStatusCode())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "the run's deadline passed before the call finished"
	}
	if errors.Is(err, context.Canceled) {
		return "the run was interrupted before the call finished"
	}
	if errors.Is(err, errRepeatedToken) {
		return "a repeated page token"
	}
	// No answer at all (a refused connection, a DNS failure): the innermost
	// error says why.
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return "no answer (" + err.Error() + ")"
}

// iamAction names the IAM action behind an operation ("apigateway:GetRoutes"
// is authorized as apigateway:GET).
func iamAction(op string) string {
	if strings.HasPrefix(op, "apigateway:") {
		return "apigateway:GET"
	}
	return op
}

// gap records a failed call: what was not read, where, and why, in one line
// ("front doors of us-east-1 not read: AccessDenied on apigateway:GET (apigateway:GetRestApis)").
func gap(account, region, resource, op, what string, err error) audit.Gap {
	where := region
	if where == "" {
		where = "account " + account
	}
	sep := " of "
	if strings.Contains(what, " of ") {
		sep = " in " // "front doors of REST API abc123 in eu-west-1"
	}
	msg := fmt.Sprintf("%s%s%s not read: %s on %s", what, sep, where, errCode(err), iamAction(op))
	if iamAction(op) != op {
		msg += " (" + strings.TrimPrefix(op, "apigateway:") + ")"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "" && ae.ErrorMessage() != ae.ErrorCode() {
		msg += ": " + ae.ErrorMessage()
	}
	return audit.Gap{Provider: audit.AWS, Account: account, Region: region, Resource: resource, API: op,
		Data: audit.DataFrontDoors, Reason: reasonOf(err), Message: msg}
}
