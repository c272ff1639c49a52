package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The cases cite the IAM User Guide:
//   - vars:    "IAM policy elements: Variables and tags"
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
//   - version: "IAM JSON policy elements: Version" (without Version, or with
//     2008-10-17, ${...} is a literal string)
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
//   - ops:     "IAM JSON policy elements: Condition operators" (the
//     IgnoreCase string operators)
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
func TestInvokeAccessPolicyVariables(t *testing.T) {
	t.Parallel()
	const allowAll = `{"Sid":"v","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + testARN + `"`
	const s3 = `{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + testARN + `"`
	const urlInvoke = `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + testARN + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`
	v2012 := func(body string) string { return `{"Version":"2012-10-17","Statement":[` + body + `]}` }
	v2008 := func(body string) string { return `{"Version":"2008-10-17","Statement":[` + body + `]}` }
	none := func(body string) string { return `{"Statement":[` + body + `]}` }
	anyAPI := brief{ExposureAnyAccount, PathInvoke, "*", "", ""}
	cross := func(p, a string) []brief { return []brief{{ExposureCrossAccount, PathInvoke, p, a, ""}} }
	tests := []struct {
		name  string
		doc   string
		auth  string
		noOrg bool // the function's organization is not known
		want  []brief
	}{
		// vars: the variable is replaced by the request's own value, so the
		// condition holds for every caller that has the key: public.
		{"PrincipalAccount equals itself", v2012(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}}`), "", false, []brief{anyAPI}},
		{"PrincipalAccount equals itself, other case and default", v2012(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"${AWS:principalaccount, '123456789012'}"}}}`), "", false, []brief{anyAPI}},
		{"PrincipalOrgID equals itself", v2012(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"${aws:PrincipalOrgID}"}}}`), "", false, []brief{anyAPI}},
		{"PrincipalArn like itself", v2012(allowAll + `,"Condition":{"ArnLike":{"aws:PrincipalArn":"${aws:PrincipalArn}"}}}`), "", false, []brief{anyAPI}},
		{"SourceAccount equals itself: confused deputy", v2012(s3 + `,"Condition":{"StringEquals":{"aws:SourceAccount":"${aws:SourceAccount}"}}}`), "", false,
			[]brief{{ExposureConfusedDeputy, PathInvoke, "s3.amazonaws.com", "", ""}}},
		// vars: a variable of another request key is what the caller makes it.
		{"PrincipalArn with the caller's account", v2012(allowAll + `,"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/admin"}}}`), "", false, []brief{anyAPI}},
		{"SourceArn with the source's account", v2012(s3 + `,"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads-${aws:SourceAccount}"}}}`), "", false,
			[]brief{{ExposureConfusedDeputy, PathInvoke, "s3.amazonaws.com", "", ""}}},
		// vars: literal parts keep their meaning.
		{"literal account, variable role name", v2012(allowAll + `,"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::999999999999:role/${aws:username}"}}}`), "", false, cross("*", "999999999999")},
		{"own account, variable role name", v2012(allowAll + `,"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/${aws:username}"}}}`), "", false, nil},
		// vars: the resource keys resolve to the function's own account and organization.
		{"PrincipalAccount equals ResourceAccount", v2012(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}}`), "", false, nil},
		{"PrincipalOrgID equals ResourceOrgID", v2012(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"${aws:ResourceOrgID}"}}}`), "", false, nil},
		{"PrincipalOrgID equals ResourceOrgID, organization unknown", v2012(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"${aws:ResourceOrgID}"}}}`), "", true, nil},
		{"SourceAccount equals ResourceAccount", v2012(s3 + `,"Condition":{"StringEquals":{"aws:SourceAccount":"${aws:ResourceAccount}"}}}`), "", false, nil},
		// vars ("Policy variables with no value", "Specifying default values"): a
		// service has no aws:PrincipalAccount, so the value matches nothing, or
		// the default stands in.
		{"no value for the caller", v2012(s3 + `,"Condition":{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}}`), "", false, nil},
		{"default for the caller", v2012(s3 + `,"Condition":{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount, '999999999999'}"}}}`), "", false,
			cross("s3.amazonaws.com", "999999999999")},
		// vars ("Special characters"): ${*} is a literal asterisk, not a wildcard.
		{"escaped asterisk is literal", v2012(allowAll + `,"Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::999999999999:role/${*}"}}}`), "", false, cross("*", "999999999999")},
		{"escaped asterisk in the account is literal", v2012(allowAll + `,"Condition":{"StringLike":{"aws:PrincipalAccount":"${*}"}}}`), "", false, cross("*", "*")},
		{"plain asterisk is a wildcard", v2012(allowAll + `,"Condition":{"StringLike":{"aws:PrincipalAccount":"*"}}}`), "", false, []brief{anyAPI}},
		// version: without 2012-10-17 the text is literal: an account named
		// "${aws:PrincipalAccount}" (reported as the outside account it names).
		{"2008-10-17: literal", v2008(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}}`), "", false, cross("*", "${aws:PrincipalAccount}")},
		{"no Version: literal", none(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}}`), "", false, cross("*", "${aws:PrincipalAccount}")},
		{"2008-10-17: own account literal", v2008(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}}`), "", false, cross("*", "${aws:ResourceAccount}")},
		// Deny statements with variables.
		{"Deny outside ResourceAccount", v2012(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}}`), "", false, nil},
		{"Deny outside ResourceOrgID", v2012(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"${aws:ResourceOrgID}"}}}`), "", false, nil},
		{"Deny unless equal to itself never holds", v2012(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}}`), "", false, []brief{anyAPI}},
		// Known keys: a variable of the key itself holds; one of another key
		// is uncertain, so a Deny with it does not surely remove the grant.
		{"URL auth type equals itself", v2012(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"${lambda:FunctionUrlAuthType}"}}},` + urlInvoke), "NONE", false,
			[]brief{{ExposurePublic, PathURL, "*", "", ""}}},
		// The caller sends its own User-Agent, so it can make the value "NONE".
		{"URL auth type from the caller", v2012(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"${aws:UserAgent}"}}},` + urlInvoke), "NONE", false,
			[]brief{{ExposurePublic, PathURL, "*", "", ""}}},
		// vars ("Policy variables with no value"): an anonymous caller has no
		// aws:username, so the value matches nothing.
		{"URL auth type from a key anonymous callers lack", v2012(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"${aws:username}"}}},` + urlInvoke), "NONE", false,
			[]brief{{ExposurePublic, PathURL, "*", "", ActionInvokeFunctionURL}}},
		{"Deny on a caller-decided auth type is not sure", v2012(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*"},` + urlInvoke + `,{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"${aws:UserAgent}"}}}`), "NONE", false,
			[]brief{{ExposurePublic, PathURL, "*", "", ""}}},
		{"Deny on the auth type equal to itself holds", v2012(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*"},` + urlInvoke + `,{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"${lambda:FunctionUrlAuthType}"}}}`), "NONE", false, nil},
		// ops: the IgnoreCase operators compare without case, so the own
		// organization in another case is the own organization.
		{"own org, other case, IgnoreCase", v2012(allowAll + `,"Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalOrgID":"O-A1B2C3D4E5"}}}`), "", false, nil},
		{"own org paths, other case, IgnoreCase", v2012(allowAll + `,"Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalOrgPaths":"O-A1B2C3D4E5/r-ab12/*"}}}`), "", false, nil},
		{"own org, other case, case-sensitive", v2012(allowAll + `,"Condition":{"StringEquals":{"aws:PrincipalOrgID":"O-A1B2C3D4E5"}}}`), "", false, cross("*", "O-A1B2C3D4E5")},
		{"Deny outside own org, other case, IgnoreCase", v2012(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalOrgID":"O-A1B2C3D4E5"}}}`), "", false, nil},
		{"Deny outside own org, other case, case-sensitive", v2012(allowAll + `},{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"O-A1B2C3D4E5"}}}`), "", false, cross("*", "O-A1B2C3D4E5")}, // the Deny spares only callers of that (differently spelled) organization, as the Allow of the same value admits them
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			ctx := testContext()
			ctx.URLAuthType = tt.auth
			if tt.noOrg {
				ctx.OrgID, ctx.InOrg = "", nil
			}
			v := InvokeAccess(doc, ctx)
			if diff := cmp.Diff(tt.want, briefs(v)); diff != "" {
				t.Errorf("exposures (-want +got):\n%s", diff)
				for _, sv := range v.Statements {
					t.Logf("Statement[%d]: %s", sv.Index, strings.Join(sv.Reasons, " | "))
				}
			}
			for _, x := range v.Exposures {
				if strings.ContainsAny(x.Reason+x.Account, string([]rune{litStar, litQuest})) || strings.Contains(x.Reason+x.Account, ownOrgID) {
					t.Errorf("exposure shows an internal placeholder: %+v", x)
				}
			}
		})
	}
}

func TestResolveVariables(t *testing.T) {
	t.Parallel()
	e := &evaluator{doc: &Document{Version: "2012-10-17"}, ctx: testContext()}
	tests := []struct {
		key, value string
		cl         class
		want       resolved
	}{
		{"aws:principalaccount", "${aws:PrincipalAccount}", classAPI, resolved{text: "*", dependent: true, self: true}},
		{"aws:principalaccount", "${ aws:PrincipalAccount , 'x' }", classAPI, resolved{text: "*", dependent: true, self: true}},
		{"aws:principalarn", "arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}", classAPI, resolved{text: "arn:aws:iam::*:user/*", dependent: true}},
		{"aws:principalaccount", "${aws:ResourceAccount}", classAPI, resolved{text: testAccount}},
		{"aws:principalorgid", "${aws:ResourceOrgID}", classAPI, resolved{text: testOrg}},
		{"aws:sourceaccount", "${aws:PrincipalAccount}", classService, resolved{text: "", null: true}},
		{"aws:sourceaccount", "${aws:PrincipalAccount, 'it''s'}", classService, resolved{text: "it's"}},
		{"aws:sourceaccount", "${aws:PrincipalAccount, 'a}b'}", classService, resolved{text: "a}b"}},
		{"aws:principalarn", "a${*}b${?}c${$}d", classAPI, resolved{text: "a" + string(litStar) + "b" + string(litQuest) + "c$d"}},
		{"aws:principalarn", "open ${aws:username", classAPI, resolved{text: "open ${aws:username"}},
		{"aws:principalarn", "${s3:prefix}", classAPI, resolved{text: "*", dependent: true}},
	}
	for _, tt := range tests {
		if got := e.resolve(tt.key, tt.value, tt.cl); got != tt.want {
			t.Errorf("resolve(%q, %q) = %+v, want %+v", tt.key, tt.value, got, tt.want)
		}
	}
	old := &evaluator{doc: &Document{Version: "2008-10-17"}, ctx: testContext()}
	c := &Condition{Values: []string{"${aws:PrincipalAccount}"}}
	if got := old.resolveValues(nil, c, "aws:principalaccount", classAPI); got[0] != (resolved{text: "${aws:PrincipalAccount}"}) {
		t.Errorf("2008-10-17 resolved %+v, want the literal text", got[0])
	}
}
