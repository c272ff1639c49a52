package azurefunctions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/fnaudit/fnaudit/audit"
)

// classify maps an Azure SDK error to a gap reason. The raw error stays reachable
// through the gap's message and the wrapped error.
func classify(err error) audit.GapReason {
	if err == nil {
		return ""
	}
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
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		code := strings.ToLower(re.ErrorCode)
		switch {
		case strings.Contains(code, "authorizationfailed"), strings.Contains(code, "invalidauthenticationtoken"),
			re.StatusCode == http.StatusUnauthorized, re.StatusCode == http.StatusForbidden:
			return audit.GapAccessDenied
		case code == "missingsubscriptionregistration", strings.Contains(code, "disabledsubscription"),
			strings.Contains(code, "subscriptionnotregistered"):
			return audit.GapNotEnabled
		case re.StatusCode == http.StatusNotFound, strings.HasSuffix(code, "notfound"):
			return audit.GapNotFound
		case re.StatusCode == http.StatusTooManyRequests:
			return audit.GapThrottled
		}
		return audit.GapError
	}
	var afe *azidentity.AuthenticationFailedError
	if errors.As(err, &afe) || strings.Contains(err.Error(), "DefaultAzureCredential") {
		// No token: the credential chain found nothing usable or was refused.
		return audit.GapAssumeRole
	}
	return audit.GapError
}

// isNotFound reports whether err is a 404 from ARM.
func isNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// gapMessage is a short, single-line description of err for a Gap: the ARM error
// code and status when there is one, never a token or request body.
func gapMessage(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "the run was interrupted before the call finished"
	case errors.Is(err, context.DeadlineExceeded):
		return "the run's deadline passed before the call finished"
	}
	var me *missingError
	if errors.As(err, &me) {
		return me.Error()
	}
	var ue *unreachableError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	if cause, ok := connFailure(err); ok {
		return "endpoint unreachable (" + cause + ")"
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		if re.ErrorCode != "" {
			return fmt.Sprintf("%s (HTTP %d)", re.ErrorCode, re.StatusCode)
		}
		return fmt.Sprintf("HTTP %d", re.StatusCode)
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}
