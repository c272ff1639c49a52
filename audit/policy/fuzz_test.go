package policy

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParse feeds the parser arbitrary bytes: it must never panic, an error
// must be one line, and a parsed document's statements must be consistent.
func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
		`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}]}`,
		`{"Statement":[{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`,
		`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root"],"CanonicalUser":"x"},"NotAction":["iam:*"],"NotResource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:PrincipalOrgPaths":["o-1/*"]},"NumericLessThan":{"n":1},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01"},"Bool":{"b":true},"IpAddress":{"aws:SourceIp":"0.0.0.0/0"},"Null":{"k":"false"},"BinaryEquals":{"k":"AA=="}}}]}`,
		`{"Statement":[1,null,"x"]}`,
		`{"Statement":{"Effect":"allow","Action":[],"Principal":{}}}`,
		`[]`, `""`, `{`, `{"Version":5}`, `null`,
		"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%7D%7D",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:Invoke*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}","aws:PrincipalOrgID":"${aws:ResourceOrgID, 'o-x'}"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/${*}${?}${$}"}}},{"Effect":"Deny","NotPrincipal":{"AWS":"999999999999"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalOrgID":"${aws:ResourceOrgID"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"*"}}},{"Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":["123456789012","999999999999"]}}},{"Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*","Condition":{"ForAnyValue:ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::999999999999:*"},"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			if d != nil {
				t.Fatalf("Parse returned a document and an error %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
		} else {
			for i, st := range d.Statements {
				if st.Index != i {
					t.Fatalf("statement %d has Index %d", i, st.Index)
				}
				if st.Effect != EffectAllow && st.Effect != EffectDeny {
					t.Fatalf("statement %d effect %q", i, st.Effect)
				}
				if (st.Action == nil) == (st.NotAction == nil) {
					t.Fatalf("statement %d: Action %v NotAction %v", i, st.Action, st.NotAction)
				}
				st.MatchesAction("lambda:InvokeFunction")
				st.MatchesResource("arn:aws:lambda:us-east-1:123456789012:function:f")
			}
			// IAM's URL encoding of the same document parses to the same statements.
			enc, err := ParseURLEncoded(url.PathEscape(string(data)))
			if err != nil || len(enc.Statements) != len(d.Statements) {
				t.Fatalf("URL-encoded form: %v (%d statements)", err, len(d.Statements))
			}
			for _, auth := range []string{"", "NONE", "AWS_IAM"} {
				v := InvokeAccess(d, InvokeContext{Account: "123456789012", OrgID: "o-a1b2c3d4e5",
					FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f", URLAuthType: auth})
				for _, x := range v.Exposures {
					if x.Reason == "" || len(x.Statements) == 0 {
						t.Fatalf("exposure without reason or statements: %+v", x)
					}
				}
			}
			// The Deny index answers as a scan of the document does.
			e := &evaluator{doc: d, ctx: testContext()}
			for _, cl := range []class{classAPI, classURLAnon, classURLIAM, classService} {
				for _, who := range []party{{}, {service: "s3.amazonaws.com"}, {principal: "999999999999", account: "999999999999"}} {
					want := e.deniedScan(cl, ActionInvokeFunction, who)
					if r := e.restrictedScan(cl, ActionInvokeFunction, who); r >= 0 && (want < 0 || r < want) {
						want = r
					}
					if got := e.denied(cl, ActionInvokeFunction, who); got != want {
						t.Fatalf("denied(%v, %+v) = %d, scan says %d", cl, who, got, want)
					}
				}
			}
		}
		if _, err := ParseURLEncoded(string(data)); err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error: %q", err)
		}
	})
}
