package awslambda

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/fnaudit/fnaudit/audit"
)

// classify turns an AWS SDK error into a gap reason. The SDK error is the only
// place the distinction lives, so it is made here, at the adapter boundary.
func classify(err error) audit.GapReason {
	if err == nil {
		return ""
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
		}
		if strings.HasSuffix(ae.ErrorCode(), "AccessDenied") {
			return audit.GapAccessDenied
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return audit.GapTimeout
	}
	return audit.GapError
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
	if errors.As(err, &ae) {
		msg := ae.ErrorMessage()
		if msg == "" {
			return ae.ErrorCode()
		}
		return ae.ErrorCode() + ": " + msg
	}
	return err.Error()
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
