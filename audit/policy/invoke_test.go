package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	testAccount = "123456789012"
	testOrg     = "o-a1b2c3d4e5"
	testARN     = "arn:aws:lambda:us-east-1:123456789012:function:orders-api"
)

func testContext() InvokeContext {
	return InvokeContext{
		Account:     testAccount,
		OrgID:       testOrg,
		FunctionARN: testARN,
		Now:         time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
		Trusted:     func(a string) bool { return a == "444455556666" },
		InOrg:       func(a string) bool { return a == "210987654321" },
	}
}

// stmt builds a one-statement Lambda resource policy.
func stmt(body string) string {
	return `{"Version":"2012-10-17","Id":"default","Statement":[` + body + `]}`
}

// brief is the comparable part of an exposure.
type brief struct {
	Kind      ExposureKind
	Path      Path
	Principal string
	Account   string
	Missing   string
}

func briefs(v *InvokeVerdict) []brief {
	var out []brief
	for _, x := range v.Exposures {
		out = append(out, brief{x.Kind, x.Path, x.Principal, x.Account, x.Missing})
	}
	return out
}

func TestInvokeAccess(t *testing.T) {
	t.Parallel()
	const allowAll = `{"Sid":"public","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + testARN + `"`
	const s3 = `{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + testARN + `"`
	const urlNone = `{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + testARN + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`
	const urlInvoke = `{"Sid":"FunctionURLInvokeAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + testARN + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`
	anyAPI := brief{ExposureAnyAccount, PathInvoke, "*", "", ""}
	tests := []struct {
		name string
		doc  string
		auth string // URL AuthType
		now  time.Time
		want []brief
	}{
		{"principal star, no condition", stmt(allowAll + `}`), "", time.Time{}, []brief{anyAPI}},
		{"AWS star, lambda wildcard action", stmt(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:*","Resource":"*"}`), "", time.Time{}, []brief{anyAPI}},
		{"NotAction covering invoke", stmt(`{"Effect":"Allow","Principal":"*","NotAction":"lambda:DeleteFunction","Resource":"*"}`), "", time.Time{}, []brief{anyAPI}},
		{"Allow with NotPrincipal", stmt(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"lambda:InvokeFunction","Resource":"*"}`), "", time.Time{},
			[]brief{{ExposureAnyAccount, PathInvoke, "NotPrincipal", "", ""}}},
		{"star pinned by own SourceAccount", stmt(allowAll + `,"Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"}}}`), "", time.Time{}, nil},
		{"star pinned by own SourceArn", stmt(allowAll + `,"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/GET/orders"}}}`), "", time.Time{}, nil},
		{"star pinned by own org", stmt(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), "", time.Time{}, nil},
		{"star pinned by org paths", stmt(allowAll + `,"Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}}`), "", time.Time{}, nil},
		{"star pinned by VPC endpoint", stmt(allowAll + `,"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`), "", time.Time{}, nil},
		{"star pinned by event source token", stmt(allowAll + `,"Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.1234"}}}`), "", time.Time{}, nil},
		{"star pinned by narrow IP range", stmt(allowAll + `,"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`), "", time.Time{}, nil},
		{"IpAddress 0.0.0.0/0 pins nothing", stmt(allowAll + `,"Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}`), "", time.Time{}, []brief{anyAPI}},
		{"SourceAccount StringEquals star matches nothing", stmt(allowAll + `,"Condition":{"StringEquals":{"AWS:SourceAccount":"*"}}}`), "", time.Time{}, []brief{{ExposureMatchesNothing, PathInvoke, "*", "", ""}}},
		{"SourceAccount StringLike star pins nothing", stmt(allowAll + `,"Condition":{"StringLike":{"AWS:SourceAccount":"*"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"SourceArn arn:aws:s3:::* pins nothing", stmt(allowAll + `,"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::*"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"SourceArn execute-api:* pins nothing", stmt(allowAll + `,"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:*"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"SourceArn arn:aws:*:*:* pins nothing", stmt(allowAll + `,"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:*:*:*:*"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"StringLike only wildcards", stmt(allowAll + `,"Condition":{"StringLike":{"aws:PrincipalArn":["*","?*"]}}}`), "", time.Time{}, []brief{anyAPI}},
		{"org id wildcard pins nothing", stmt(allowAll + `,"Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"negated operator does not pin", stmt(allowAll + `,"Condition":{"StringNotEquals":{"aws:SourceAccount":"999999999999"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"SecureTransport does not pin", stmt(allowAll + `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"IfExists on SourceArn does not pin direct callers", stmt(allowAll + `,"Condition":{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:orders"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"IfExists on PrincipalAccount lets services through", stmt(allowAll + `,"Condition":{"StringEqualsIfExists":{"aws:PrincipalAccount":"123456789012"}}}`), "", time.Time{},
			[]brief{anyAPI}}, // an AWS service principal has no aws:PrincipalAccount, so IfExists lets it through
		{"ForAllValues does not pin", stmt(allowAll + `,"Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"expired grant", stmt(allowAll + `,"Condition":{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}}`), "", time.Time{}, nil},
		{"Deny removes public allow", stmt(allowAll + `},{"Sid":"deny","Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + testARN + `"}`), "", time.Time{}, nil},
		{"Deny outside org removes public allow", stmt(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), "", time.Time{}, nil},
		{"conditional Deny is not trusted", stmt(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), "", time.Time{}, []brief{anyAPI}},
		{"Deny on another resource", stmt(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:other"}`), "", time.Time{}, []brief{anyAPI}},
		{"S3 without source pins: confused deputy", stmt(s3 + `}`), "", time.Time{}, []brief{{ExposureConfusedDeputy, PathInvoke, "s3.amazonaws.com", "", ""}}},
		{"S3 pinned by account and bucket", stmt(s3 + `,"Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::orders-uploads"}}}`), "", time.Time{}, nil},
		{"S3 pinned by bucket only", stmt(s3 + `,"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::orders-uploads"}}}`), "", time.Time{},
			[]brief{{ExposureOwnerNotPinned, PathInvoke, "s3.amazonaws.com", "", ""}}},
		{"S3 pinned by SourceAccount star", stmt(s3 + `,"Condition":{"StringLike":{"AWS:SourceAccount":"*"}}}`), "", time.Time{}, []brief{{ExposureConfusedDeputy, PathInvoke, "s3.amazonaws.com", "", ""}}},
		{"API Gateway of another account", stmt(`{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:999999999999:abcdef1234/*"}}}`), "", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "apigateway.amazonaws.com", "999999999999", ""}}},
		{"API Gateway wildcard execute-api", stmt(`{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:*"}}}`), "", time.Time{},
			[]brief{{ExposureConfusedDeputy, PathInvoke, "apigateway.amazonaws.com", "", ""}}},
		{"cross-account role", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/partner-invoker"},"Action":"lambda:InvokeFunction","Resource":"*"}`), "", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "arn:aws:iam::999999999999:role/partner-invoker", "999999999999", ""}}},
		{"cross-account bare account id", stmt(`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"lambda:InvokeFunction","Resource":"*"}`), "", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "999999999999", "999999999999", ""}}},
		// urls-auth.html: since October 2025 an AWS_IAM URL caller needs
		// lambda:InvokeFunctionUrl and lambda:InvokeFunction; NONE URLs
		// authenticate nobody, so named grants are never used through them.
		{"cross-account role on the URL only: half grant", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/partner"},"Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}`), "AWS_IAM", time.Time{},
			[]brief{{ExposureCrossAccount, PathURL, "arn:aws:iam::999999999999:role/partner", "999999999999", ActionInvokeFunction}}},
		{"cross-account role with both URL permissions in two statements", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/partner"},"Action":"lambda:InvokeFunctionUrl","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/partner"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`), "AWS_IAM", time.Time{},
			[]brief{{ExposureCrossAccount, PathURL, "arn:aws:iam::999999999999:role/partner", "999999999999", ""}}},
		{"cross-account role with only via-URL InvokeFunction: half grant", stmt(`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`), "AWS_IAM", time.Time{},
			[]brief{{ExposureCrossAccount, PathURL, "999999999999", "999999999999", ActionInvokeFunctionURL}}},
		{"cross-account URL grant on a NONE URL is unusable", stmt(`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"lambda:InvokeFunctionUrl","Resource":"*"}`), "NONE", time.Time{}, nil},
		{"cross-account URL grant without a URL is unusable", stmt(`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"lambda:InvokeFunctionUrl","Resource":"*"}`), "", time.Time{}, nil},
		{"cross-account Invoke and URL: one exposure on the Invoke path", stmt(`{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":["lambda:InvokeFunction","lambda:InvokeFunctionUrl"],"Resource":"*"}`), "AWS_IAM", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "999999999999", "999999999999", ""}}},
		{"star with only InvokeFunctionUrl on an AWS_IAM URL: half grant", stmt(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*"}`), "AWS_IAM", time.Time{},
			[]brief{{ExposureAnyAccount, PathURL, "*", "", ActionInvokeFunction}}},
		{"trusted account", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"lambda:InvokeFunction","Resource":"*"}`), "", time.Time{}, nil},
		{"account in org", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"*"}`), "", time.Time{}, nil},
		{"own account role", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ops"},"Action":"lambda:InvokeFunction","Resource":"*"}`), "", time.Time{}, nil},
		{"star pinned to another org", stmt(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-zzzzzzzzzz"}}}`), "", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "*", "o-zzzzzzzzzz", ""}}},
		{"star pinned to another account's source", stmt(allowAll + `,"Condition":{"StringEquals":{"AWS:SourceAccount":"999999999999"}}}`), "", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "*", "999999999999", ""}}},
		{"SourceAccount list with another account", stmt(allowAll + `,"Condition":{"StringEquals":{"AWS:SourceAccount":["123456789012","999999999999"]}}}`), "", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "*", "999999999999", ""}}},
		{"SourceAccount trusted and untrusted", stmt(allowAll + `,"Condition":{"StringEquals":{"AWS:SourceAccount":["444455556666","999999999999"]}}}`), "", time.Time{},
			[]brief{{ExposureCrossAccount, PathInvoke, "*", "999999999999", ""}}},
		{"SourceAccount trusted only", stmt(allowAll + `,"Condition":{"StringEquals":{"AWS:SourceAccount":"444455556666"}}}`), "", time.Time{}, nil},
		{"own account AND other bucket", stmt(s3 + `,"Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::shared-*"}}}`), "", time.Time{}, nil},
		{"URL NONE with both permissions", stmt(urlNone + `,` + urlInvoke), "NONE", time.Time{}, []brief{{ExposurePublic, PathURL, "*", "", ""}}},
		{"URL NONE with only InvokeFunctionUrl", stmt(urlNone), "NONE", time.Time{}, []brief{{ExposurePublic, PathURL, "*", "", ActionInvokeFunction}}},
		{"URL NONE with only via-URL InvokeFunction", stmt(urlInvoke), "NONE", time.Time{}, []brief{{ExposurePublic, PathURL, "*", "", ActionInvokeFunctionURL}}},
		{"URL AWS_IAM with NONE-conditioned grants: the via-URL InvokeFunction is a half grant", stmt(urlNone + `,` + urlInvoke), "AWS_IAM", time.Time{},
			[]brief{{ExposureAnyAccount, PathURL, "*", "", ActionInvokeFunctionURL}}},
		{"no URL: URL grants are inert", stmt(urlNone + `,` + urlInvoke), "", time.Time{}, nil},
		{"URL NONE with unconditioned star", stmt(`{"Effect":"Allow","Principal":"*","Action":["lambda:InvokeFunction","lambda:InvokeFunctionUrl"],"Resource":"*"}`), "NONE", time.Time{},
			[]brief{anyAPI, {ExposurePublic, PathURL, "*", "", ""}}},
		{"URL NONE with Deny on URL callers", stmt(urlNone + `,` + urlInvoke + `,{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`), "NONE", time.Time{}, nil},
		{"URL AWS_IAM with star", stmt(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*"},` + urlInvoke), "AWS_IAM", time.Time{},
			[]brief{{ExposureAnyAccount, PathURL, "*", "", ""}}},
		{"Deny NotPrincipal own account", stmt(allowAll + `},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"lambda:InvokeFunction","Resource":"*"}`), "", time.Time{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			ctx := testContext()
			ctx.URLAuthType = tt.auth
			if !tt.now.IsZero() {
				ctx.Now = tt.now
			}
			v := InvokeAccess(doc, ctx)
			if diff := cmp.Diff(tt.want, briefs(v)); diff != "" {
				t.Errorf("exposures (-want +got):\n%s", diff)
				for _, sv := range v.Statements {
					t.Logf("Statement[%d]: %s", sv.Index, strings.Join(sv.Reasons, " | "))
				}
			}
			for _, x := range v.Exposures {
				if x.Reason == "" || len(x.Statements) == 0 {
					t.Errorf("exposure %+v lacks a reason or statements", x)
				}
			}
		})
	}
}

func TestConcreteValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, value string
		want       bool
	}{
		{"aws:SourceArn", "arn:aws:s3:::orders-uploads", true},
		{"aws:SourceArn", "arn:aws:s3:::orders-*", false},
		{"aws:SourceArn", "arn:aws:s3:::*", false},
		{"aws:SourceArn", "arn:aws:execute-api:*", false},
		{"aws:SourceArn", "arn:aws:execute-api:us-east-1:123456789012:api1/*", true},
		{"aws:SourceArn", "arn:aws:sns:*:*:orders", false},
		{"aws:SourceArn", "arn:aws:*:*:*", false},
		{"aws:SourceArn", "arn:aws:events:us-east-1:12345678901?:rule/x", false},
		{"aws:SourceAccount", "123456789012", true},
		{"aws:SourceAccount", "*", false},
		{"aws:SourceAccount", "", false},
		{"aws:PrincipalOrgID", "o-a1b2c3d4e5", true},
		{"aws:PrincipalOrgID", "o-*", false},
		{"aws:PrincipalOrgPaths", "o-a1b2c3d4e5/*", true},
		{"aws:PrincipalOrgPaths", "*/r-ab12/*", false},
		{"aws:userid", "AROAEXAMPLEID:*", true},
		{"aws:userid", "*:alice", false},
		{"aws:SourceVpce", "vpce-*", false},
	}
	for _, tt := range tests {
		if got := ConcreteValue(tt.key, tt.value); got != tt.want {
			t.Errorf("ConcreteValue(%q, %q) = %v, want %v", tt.key, tt.value, got, tt.want)
		}
	}
}
