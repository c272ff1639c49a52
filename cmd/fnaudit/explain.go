package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/aws/smithy-go"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/fnaudit/fnaudit/audit"
)

// explain turns a provider's failure into one line a person can act on: what
// failed and the usual fix, without the SDK's error chain (--debug prints
// that). It never starts with the provider's name; the caller adds it once.
func explain(p audit.Provider, f *scanFlags, err error) string {
	var nc *noCredentialsError
	if errors.As(err, &nc) {
		return nc.msg
	}
	switch p {
	case audit.AWS:
		if msg := explainAWS(f, err); msg != "" {
			return msg
		}
	case audit.GCP:
		if msg := explainGCP(err); msg != "" {
			return msg
		}
	case audit.Azure:
		if msg := explainAzure(err); msg != "" {
			return msg
		}
	}
	return trimProvider(p, err.Error())
}

// trimProvider drops the "aws: " the provider packages put before their
// errors, so that a line reads "fnaudit: aws: ...", not "aws: aws: ...".
func trimProvider(p audit.Provider, msg string) string {
	for {
		t := strings.TrimPrefix(msg, string(p)+": ")
		if t == msg {
			return msg
		}
		msg = t
	}
}

func explainAWS(f *scanFlags, err error) string {
	profile := awsProfile(f)
	if isSSOError(err) {
		return "the SSO session has expired or was never started (" + awsFix(profile, true) + ")"
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return ""
	}
	op := ""
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		op = oe.Service() + " " + oe.Operation()
	}
	switch code := ae.ErrorCode(); code {
	case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
		return fmt.Sprintf("the credentials have expired (%s)", awsFix(profile, true))
	case "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidAccessKeyId", "IncompleteSignature":
		return fmt.Sprintf("AWS rejected the credentials (%s; %s)", code, awsFix(profile, false))
	default:
		if strings.Contains(code, "AccessDenied") || code == "UnauthorizedOperation" {
			return fmt.Sprintf("access denied to %s (give the caller the read-only permissions in docs/aws.md)", orWhat(op, "an AWS API"))
		}
	}
	return ""
}

func explainGCP(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		if code == "" {
			code = fmt.Sprintf("HTTP %d", re.Response.StatusCode)
		}
		return fmt.Sprintf("the Application Default Credentials could not get a token (%s; %s)", code, gcpFix)
	}
	// The status the service sent, not one rebuilt from the wrapped text.
	var gs interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &gs) {
		return ""
	}
	st := gs.GRPCStatus()
	switch st.Code() {
	case codes.Unauthenticated:
		return "Google rejected the Application Default Credentials (" + gcpFix + ")"
	case codes.PermissionDenied:
		return fmt.Sprintf("permission denied: %s (give the caller the roles in docs/gcp.md)", firstSentence(st.Message()))
	}
	return ""
}

func explainAzure(err error) string {
	var afe *azidentity.AuthenticationFailedError
	if errors.As(err, &afe) {
		return "Azure sign-in failed (" + azureFix + ")"
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		switch re.StatusCode {
		case http.StatusUnauthorized:
			return fmt.Sprintf("Azure rejected the credential (%s; %s)", orWhat(re.ErrorCode, "401"), azureFix)
		case http.StatusForbidden:
			return fmt.Sprintf("permission denied (%s; give the caller the Reader role, see docs/azure.md)", orWhat(re.ErrorCode, "403"))
		}
	}
	if strings.Contains(err.Error(), "DefaultAzureCredential: failed to acquire a token") {
		return "no Azure credential could get a token (" + azureFix + ")"
	}
	return ""
}

func orWhat(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// firstSentence keeps the first line of a service's message.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, "\n"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
