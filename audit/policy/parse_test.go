package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want Document
	}{
		{
			name: "single statement object, string elements",
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want: Document{Version: "2012-10-17", Statements: []Statement{{
				Effect: EffectAllow, Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"}}}},
		},
		{
			name: "lambda add-permission s3 shape",
			doc: `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3-invoke","Effect":"Allow",
"Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",
"Resource":"arn:aws:lambda:us-east-1:123456789012:function:thumbs",
"Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}`,
			want: Document{Version: "2012-10-17", ID: "default", Statements: []Statement{{
				Sid: "s3-invoke", Effect: EffectAllow, Principal: &Principals{Service: []string{"s3.amazonaws.com"}},
				Action:   []string{"lambda:InvokeFunction"},
				Resource: []string{"arn:aws:lambda:us-east-1:123456789012:function:thumbs"},
				Conditions: []Condition{
					{Operator: "StringEquals", Op: StringEquals, Key: "AWS:SourceAccount", Values: []string{"123456789012"}},
					{Operator: "ArnLike", Op: ArnLike, Key: "AWS:SourceArn", Values: []string{"arn:aws:s3:::uploads"}},
				}}}},
		},
		{
			name: "principal star, NotPrincipal map, lists, NotAction, NotResource",
			doc: `{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":["iam:*","organizations:*"],"NotResource":"arn:aws:iam::*:role/admin"},
{"Effect":"deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root","111122223333"],"Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},"Action":"*","Resource":"*"}]}`,
			want: Document{Statements: []Statement{
				{Effect: EffectAllow, Principal: &Principals{Wildcard: true}, NotAction: []string{"iam:*", "organizations:*"},
					NotResource: []string{"arn:aws:iam::*:role/admin"}},
				{Index: 1, Effect: EffectDeny, NotPrincipal: &Principals{
					AWS: []string{"arn:aws:iam::123456789012:root", "111122223333"}, Federated: []string{"cognito-identity.amazonaws.com"},
					CanonicalUser: []string{"79a59df900b949e55d96a1e698fbaced"}},
					Action: []string{"*"}, Resource: []string{"*"}},
			}},
		},
		{
			name: "every operator family with prefixes and IfExists",
			doc: `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction","Condition":{
"ForAnyValue:StringLikeIfExists":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]},
"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]},
"StringNotEqualsIgnoreCase":{"aws:username":"Root"},
"NumericLessThanEquals":{"aws:MultiFactorAuthAge":3600},
"DateGreaterThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"},
"DateLessThan":{"aws:EpochTime":1767225600},
"Bool":{"aws:SecureTransport":true},
"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="},
"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},
"NotIpAddressIfExists":{"aws:VpcSourceIp":"10.0.0.1"},
"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"},
"Null":{"aws:TokenIssueTime":"false"}}}}`,
			want: Document{Version: "2008-10-17", Statements: []Statement{{Effect: EffectAllow, Action: []string{"lambda:InvokeFunction"},
				Conditions: []Condition{
					{Operator: "ForAnyValue:StringLikeIfExists", Op: StringLike, Set: ForAnyValue, IfExists: true, Key: "aws:PrincipalOrgPaths", Values: []string{"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}},
					{Operator: "ForAllValues:StringEquals", Op: StringEquals, Set: ForAllValues, Key: "aws:TagKeys", Values: []string{"env", "team"}},
					{Operator: "StringNotEqualsIgnoreCase", Op: StringNotEqualsIgnoreCase, Key: "aws:username", Values: []string{"Root"}},
					{Operator: "NumericLessThanEquals", Op: NumericLessThanEquals, Key: "aws:MultiFactorAuthAge", Values: []string{"3600"}},
					{Operator: "DateGreaterThan", Op: DateGreaterThan, Key: "aws:CurrentTime", Values: []string{"2025-01-01T00:00:00Z"}},
					{Operator: "DateLessThan", Op: DateLessThan, Key: "aws:EpochTime", Values: []string{"1767225600"}},
					{Operator: "Bool", Op: Bool, Key: "aws:SecureTransport", Values: []string{"true"}},
					{Operator: "BinaryEquals", Op: BinaryEquals, Key: "key", Values: []string{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}},
					{Operator: "IpAddress", Op: IPAddress, Key: "aws:SourceIp", Values: []string{"203.0.113.0/24", "2001:db8::/32"}},
					{Operator: "NotIpAddressIfExists", Op: NotIPAddress, IfExists: true, Key: "aws:VpcSourceIp", Values: []string{"10.0.0.1"}},
					{Operator: "ArnNotLike", Op: ArnNotLike, Key: "aws:PrincipalArn", Values: []string{"arn:aws:iam::*:role/x"}},
					{Operator: "Null", Op: Null, Key: "aws:TokenIssueTime", Values: []string{"false"}},
				}}}},
		},
		{
			name: "trust policy: no resource",
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
			want: Document{Version: "2012-10-17", Statements: []Statement{{Effect: EffectAllow,
				Principal: &Principals{Service: []string{"lambda.amazonaws.com"}}, Action: []string{"sts:AssumeRole"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, got, cmpopts.IgnoreFields(Statement{}, "Raw")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, st := range got.Statements {
				if !strings.HasPrefix(string(st.Raw), "{") {
					t.Errorf("statement %d Raw = %q, want the statement object", st.Index, st.Raw)
				}
			}
		})
	}
}

func TestParseURLEncoded(t *testing.T) {
	t.Parallel()
	enc := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22logs%3APutLogEvents%22%2C%22Resource%22%3A%22arn%3Aaws%3Alogs%3A*%3A*%3A*%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22k%22%3A%22a%2Bb%20c%22%7D%7D%7D%5D%7D"
	d, err := ParseURLEncoded(enc)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Statements[0].Resource[0]; got != "arn:aws:logs:*:*:*" {
		t.Errorf("resource = %q", got)
	}
	if got := d.Statements[0].Conditions[0].Values[0]; got != "a+b c" {
		t.Errorf("condition value = %q, want %q", got, "a+b c")
	}
	if _, err := ParseURLEncoded(`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"100%"}}`); err != nil {
		t.Errorf("plain JSON: %v", err)
	}
	if d, err := ParseURLEncoded("%7B%22Statement%22%3A+%7B%22Effect%22%3A+%22Allow%22%2C+%22Action%22%3A+%22a%3Ab%22%7D%7D"); err != nil || d.Statements[0].Action[0] != "a:b" {
		t.Errorf("form-encoded document: %v", err)
	}
	if _, err := ParseURLEncoded("%7B%zz"); err == nil || !strings.Contains(err.Error(), "URL-decode") {
		t.Errorf("bad escape: err = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ doc, want string }{
		{``, "policy: document is empty"},
		{`{"Statement":`, "policy: invalid JSON: unexpected end of JSON input"},
		{`[]`, "policy: document must be a JSON object, got a list"},
		{`{"Version":"2020-01-01","Statement":[]}`, `policy: Version: unknown policy language version "2020-01-01" (want 2012-10-17 or 2008-10-17)`},
		{`{"Version":"2012-10-17"}`, "policy: Statement: missing"},
		{`{"Statement":"x"}`, "policy: Statement: must be an object or a list of objects, got a string"},
		{`{"Statement":[],"Foo":1}`, `policy: Foo: unknown element (want Version, Id or Statement)`},
		{`{"Statement":[1]}`, "policy: Statement[0]: statement must be an object, got a number"},
		{`{"Statement":[{"Sid":"A","Action":"x:y"}]}`, `policy: Statement[0] (Sid "A").Effect: missing`},
		{`{"Statement":[{"Sid":"A","Effect":"Permit","Action":"x:y"}]}`, `policy: Statement[0] (Sid "A").Effect: "Permit" is not Allow or Deny`},
		{`{"Statement":[{"Effect":"Allow","Action":"x:y"},{"Sid":"S3","Effect":"Allow"}]}`, `policy: Statement[1] (Sid "S3").Action: missing (a statement needs Action or NotAction)`},
		{`{"Statement":[{"Sid":"B","Effect":"Allow","Action":"x","NotAction":"y"}]}`, `policy: Statement[0] (Sid "B").NotAction: a statement has Action or NotAction, not both`},
		{`{"Statement":[{"Sid":"B","Effect":"Allow","Action":5}]}`, `policy: Statement[0] (Sid "B").Action: must be a string or a list of strings, got a number`},
		{`{"Statement":[{"Sid":"B","Effect":"Allow","Action":["a",{}]}]}`, `policy: Statement[0] (Sid "B").Action: item 1 must be a string, got an object`},
		{`{"Statement":[{"Sid":"B","Effect":"Allow","Action":[]}]}`, `policy: Statement[0] (Sid "B").Action: must not be an empty list`},
		{`{"Statement":[{"Sid":"P","Effect":"Allow","Action":"a","Principal":"arn:aws:iam::1:root"}]}`, `policy: Statement[0] (Sid "P").Principal: must be "*" or an object such as {"AWS": ...}, got the string "arn:aws:iam::1:root"`},
		{`{"Statement":[{"Sid":"P","Effect":"Allow","Action":"a","Principal":{"User":"x"}}]}`, `policy: Statement[0] (Sid "P").Principal.User: unknown principal type (want AWS, Service, Federated or CanonicalUser)`},
		{`{"Statement":[{"Sid":"P","Effect":"Allow","Action":"a","Principal":{"AWS":7}}]}`, `policy: Statement[0] (Sid "P").Principal.AWS: must be a string or a list of strings, got a number`},
		{`{"Statement":[{"Sid":"P","Effect":"Allow","Action":"a","Principal":{}}]}`, `policy: Statement[0] (Sid "P").Principal: names no principal`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEqualz":{"k":"v"}}}]}`, `policy: Statement[0] (Sid "C").Condition.StringEqualz: unknown condition operator "StringEqualz"`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}]}`, `policy: Statement[0] (Sid "C").Condition.ForSomeValues:StringEquals: unknown set operator prefix "ForSomeValues" (want ForAnyValue: or ForAllValues:)`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"aws:SourceArn":{"x":1}}}}]}`, `policy: Statement[0] (Sid "C").Condition.StringEquals["aws:SourceArn"]: value must be a string, number or boolean, got an object`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"NumericLessThan":{"n":"ten"}}}]}`, `policy: Statement[0] (Sid "C").Condition.NumericLessThan["n"]: "ten" is not a number (operator NumericLessThan)`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}`, `policy: Statement[0] (Sid "C").Condition.IpAddress["aws:SourceIp"]: "10.0.0.0/33" is not an IP address or CIDR range (operator IpAddress)`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}`, `policy: Statement[0] (Sid "C").Condition.Bool["aws:SecureTransport"]: "yes" is not true or false (operator Bool)`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}]}`, `policy: Statement[0] (Sid "C").Condition.DateLessThan["aws:CurrentTime"]: "tomorrow" is not a date (operator DateLessThan wants ISO 8601 or epoch seconds)`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"NullIfExists":{"k":"true"}}}]}`, `policy: Statement[0] (Sid "C").Condition.NullIfExists: unknown condition operator "NullIfExists"`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k":[]}}}]}`, `policy: Statement[0] (Sid "C").Condition.StringEquals["k"]: must not be an empty list`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k":"a","K":"b"}}}]}`, `policy: Statement[0] (Sid "C").Condition.StringEquals["K"]: duplicate condition key`},
		// Past eight keys the check uses fold keys; it must find the same key
		// (case and Unicode folding as strings.EqualFold, e.g. the Kelvin sign).
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k1":"v","k2":"v","k3":"v","k4":"v","k5":"v","k6":"v","k7":"v","k8":"v","":"v","K3":"v"}}}]}`, `policy: Statement[0] (Sid "C").Condition.StringEquals[""]: empty condition key`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k1":"v","k2":"v","k3":"v","k4":"v","k5":"v","k6":"v","k7":"v","k8":"v","k9":"v","K3":"v","k1 ":"v"}}}]}`, `policy: Statement[0] (Sid "C").Condition.StringEquals["K3"]: duplicate condition key`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k1":"v","k2":"v","k3":"v","k4":"v","k5":"v","k6":"v","k7":"v","k8":"v","k9":"v","\u212a1":"v"}}}]}`, "policy: Statement[0] (Sid \"C\").Condition.StringEquals[\"\u212a1\"]: duplicate condition key"},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":{"StringEquals":{"k":"v"},"Bool":{"k":"true"},"IpAddress":{"k":"10.0.0.0/8"},"Null":{"k":"true"},"ArnLike":{"k":"a"},"DateLessThan":{"k":"2020-01-01"},"NumericLessThan":{"k":"1"},"StringLike":{"k":"v"},"BinaryEquals":{"k":"v"},"stringequals":{"k":"v"}}}]}`, `policy: Statement[0] (Sid "C").Condition.stringequals: duplicate condition operator`},
		{`{"Statement":[{"Sid":"C","Effect":"Allow","Action":"a","Condition":"x"}]}`, `policy: Statement[0] (Sid "C").Condition: must be an object of operators, got a string`},
		{`{"Statement":[{"Sid":"D","Effect":"Allow","Action":"a","Action":"b"}]}`, `policy: Statement[0] (Sid "D").Action: duplicate element`},
		{`{"Statement":[{"Sid":"E","Effect":"Allow","Action":"a","Resources":"*"}]}`, `policy: Statement[0] (Sid "E").Resources: unknown element (want Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition)`},
		{`{"Statement":[{"Sid":3,"Effect":"Allow","Action":"a"}]}`, `policy: Statement[0].Sid: must be a string, got a number`},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.doc))
		if err == nil {
			t.Errorf("Parse(%s): no error, want %q", tt.doc, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%s):\n got  %s\n want %s", tt.doc, err, tt.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
}

func TestMatchPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p, v        string
		fold, case_ bool
	}{
		{"lambda:InvokeFunction", "lambda:invokefunction", true, false},
		{"lambda:*", "lambda:InvokeFunctionUrl", true, true},
		{"lambda:Invoke*", "lambda:InvokeFunction", true, true},
		{"lambda:Invoke?unction", "lambda:InvokeFunction", true, true},
		{"lambda:Invoke?unction", "lambda:InvokeFunctionUrl", false, false},
		{"*", "", true, true},
		{"", "", true, true},
		{"", "a", false, false},
		{"a*b*c", "aXXbYYc", true, true},
		{"a*b*c", "aXXbYY", false, false},
		{"*:*", "lambda:x", true, true},
		{"arn:aws:s3:::*", "arn:aws:s3:::Bucket", true, true},
		{"arn:aws:s3:::bucket", "arn:aws:s3:::BUCKET", true, false},
		{"é*", "ÉTÉ", true, false},
		{"a**", "a", true, true},
		{"*a*a*a*a*a*a*a*b", strings.Repeat("a", 200), false, false},
	}
	for _, tt := range tests {
		if got := MatchPattern(tt.p, tt.v); got != tt.fold {
			t.Errorf("MatchPattern(%q, %q) = %v, want %v", tt.p, tt.v, got, tt.fold)
		}
		if got := MatchPatternCase(tt.p, tt.v); got != tt.case_ {
			t.Errorf("MatchPatternCase(%q, %q) = %v, want %v", tt.p, tt.v, got, tt.case_)
		}
	}
}

func TestMatchesActionAndResource(t *testing.T) {
	t.Parallel()
	d, err := Parse([]byte(`{"Statement":[
{"Effect":"Allow","Action":["lambda:Invoke*"],"Resource":"arn:aws:lambda:*:123456789012:function:app*"},
{"Effect":"Allow","NotAction":"lambda:InvokeFunctionUrl","NotResource":"arn:aws:lambda:*:*:function:admin"},
{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s0, s1, s2 := &d.Statements[0], &d.Statements[1], &d.Statements[2]
	for _, c := range []struct {
		got, want bool
		what      string
	}{
		{s0.MatchesAction("LAMBDA:invokefunction"), true, "s0 action folded"},
		{s0.MatchesAction("lambda:GetFunction"), false, "s0 other action"},
		{s0.MatchesResource("arn:aws:lambda:us-east-1:123456789012:function:app-api"), true, "s0 resource"},
		{s0.MatchesResource("arn:aws:lambda:us-east-1:123456789012:function:App-api"), false, "s0 resource case"},
		{s1.MatchesAction("lambda:InvokeFunction"), true, "s1 NotAction other"},
		{s1.MatchesAction("Lambda:InvokeFunctionURL"), false, "s1 NotAction excluded"},
		{s1.MatchesResource("arn:aws:lambda:us-east-1:1:function:admin"), false, "s1 NotResource excluded"},
		{s1.MatchesResource("arn:aws:lambda:us-east-1:1:function:web"), true, "s1 NotResource other"},
		{s2.MatchesResource("anything"), true, "s2 no resource element"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}
