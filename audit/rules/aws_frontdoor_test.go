package rules

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
)

// TestAWSDoorPolicy: the API resource policy verdict for anonymous callers and
// for any AWS principal, on the method GET /users/{id} of API abc123.
func TestAWSDoorPolicy(t *testing.T) {
	t.Parallel()
	const allowAll = `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`
	cases := []struct {
		name, statements  string
		anonymous, signed string
		narrowed          []string
	}{
		{"no policy", ``, "none", "none", nil},
		{"allow all (shorthand)", allowAll, "open", "open", nil},
		{"allow all (ARN)", `{"Effect":"Allow","Principal":"*","Action":"execute-api:*","Resource":"arn:aws:execute-api:eu-west-1:123456789012:abc123/*"}`, "open", "open", nil},
		{"allow another method", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/POST/*"}`, "closed", "closed", nil},
		{"allow another API", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:123456789012:zzz999/*"}`, "closed", "closed", nil},
		{"allow org only", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`, "closed", "closed", nil},
		{"allow named range", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`, "narrowed", "narrowed", []string{"203.0.113.0/24"}},
		{"allow /4 is not narrow", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/4"}}}`, "open", "open", nil},
		{"allow vpce wildcard is not narrow", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}}`, "open", "open", nil},
		{"deny all", allowAll + `,{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`, "closed", "closed", nil},
		{"deny outside range", allowAll + `,{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}}`, "narrowed", "narrowed", []string{"203.0.113.0/24", "2001:db8::/32"}},
		{"deny outside vpce", allowAll + `,{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60718"}}}`, "narrowed", "narrowed", []string{"vpce-0a1b2c3d4e5f60718"}},
		{"deny listed range only", allowAll + `,{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}`, "open", "open", nil},
		{"deny on another method", allowAll + `,{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/DELETE/*"}`, "open", "open", nil},
	}
	for _, tc := range cases {
		d := &audit.FrontDoor{AWS: &audit.AWSFrontDoor{SourceARN: "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/users/{id}"}}
		if tc.statements != "" {
			d.Policy = json.RawMessage(`{"Version":"2012-10-17","Statement":[` + tc.statements + `]}`)
		}
		doc, err := awsParseDoorPolicy(d)
		anon, signed := awsDoorPolicy(d, doc, err, false), awsDoorPolicy(d, doc, err, true)
		if anon.err != nil || anon.state != tc.anonymous || signed.state != tc.signed {
			t.Errorf("%s: anonymous %q (err %v), signed %q; want %q, %q", tc.name, anon.state, anon.err, signed.state, tc.anonymous, tc.signed)
		}
		if diff := cmp.Diff(tc.narrowed, anon.narrowedTo); diff != "" {
			t.Errorf("%s: narrowed to (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestAWSDoorNetworks: security groups are unioned; one open group opens the door.
func TestAWSDoorNetworks(t *testing.T) {
	t.Parallel()
	sg := func(vals ...string) audit.NetworkRestriction {
		return audit.NetworkRestriction{Kind: audit.RestrictSecurityGroup, ID: "sg-1", Values: vals, Port: 443}
	}
	for _, tc := range []struct {
		name   string
		rs     []audit.NetworkRestriction
		want   []string
		closed bool
	}{
		{"none", nil, nil, false},
		{"open", []audit.NetworkRestriction{sg("0.0.0.0/0")}, nil, false},
		{"corporate", []audit.NetworkRestriction{sg("203.0.113.0/24")}, []string{"203.0.113.0/24"}, false},
		{"one of two open", []audit.NetworkRestriction{sg("203.0.113.0/24"), sg("::/0")}, nil, false},
		{"no ingress on the port", []audit.NetworkRestriction{sg()}, nil, true},
		{"deny-list does not narrow", []audit.NetworkRestriction{{Kind: audit.RestrictIPDeny, Values: []string{"198.51.100.0/24"}}}, nil, false},
	} {
		got, _, closed := awsDoorNetworks(&audit.FrontDoor{Restrictions: tc.rs})
		if diff := cmp.Diff(tc.want, got); diff != "" || closed != tc.closed {
			t.Errorf("%s: closed %v (want %v), networks (-want +got):\n%s", tc.name, closed, tc.closed, diff)
		}
	}
}

// BenchmarkFrontDoorRules runs the two front door rules over one account-region
// of issue 13's size: 200 REST APIs of 10 methods each in front of 2,000
// functions, half of the methods without authentication.
func BenchmarkFrontDoorRules(b *testing.B) {
	const acct, region = "123456789012", "us-east-1"
	inv := audit.NewInventory(fixtureDefaultNow)
	for i := 0; i < 2000; i++ {
		arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:fn-%04d", region, acct, i)
		doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":%q,"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:%s:%s:api%03d/*"}}}]}`, arn, region, acct, i/10)
		inv.Functions = append(inv.Functions, audit.Function{Provider: audit.AWS, Account: acct, Region: region, ID: arn, Name: fmt.Sprintf("fn-%04d", i),
			AWS: &audit.AWSFunction{Policies: []audit.ResourcePolicy{{Document: json.RawMessage(doc)}}}})
	}
	for api := 0; api < 200; api++ {
		for m := 0; m < 10; m++ {
			auth := audit.DoorAuthNone
			if m%2 == 1 {
				auth = audit.DoorAuthIAM
			}
			inv.FrontDoors = append(inv.FrontDoors, audit.FrontDoor{
				Kind: audit.DoorRESTMethod, Provider: audit.AWS, Account: acct, Region: region,
				ID:    fmt.Sprintf("arn:aws:apigateway:%s::/restapis/api%03d/resources/r%d/methods/GET", region, api, m),
				State: audit.DoorDeployed, Scope: audit.ScopeInternet,
				Addresses: []audit.DoorAddress{{Method: "GET", URL: fmt.Sprintf("https://api%03d.execute-api.%s.amazonaws.com/prod/r%d", api, region, m)}},
				Auth:      []audit.DoorAuth{{Type: auth}},
				Policy:    json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}`),
				Targets:   []audit.DoorTarget{{Function: inv.Functions[api*10+m].ID, Integration: "AWS_PROXY"}},
				AWS:       &audit.AWSFrontDoor{SourceARN: fmt.Sprintf("arn:aws:execute-api:%s:%s:api%03d/prod/GET/r%d", region, acct, api, m)},
			})
		}
	}
	audit.LinkFrontDoors(inv)
	if err := inv.Validate(); err != nil {
		b.Fatal(err)
	}
	rs := []audit.Rule{AWSOpenFrontDoor, AWSFrontDoorCrossAccount}
	cfg := audit.Config{Now: fixtureDefaultNow}
	b.ReportAllocs()
	b.ResetTimer()
	var findings int
	for i := 0; i < b.N; i++ {
		findings = len(audit.Analyze(inv, rs, cfg).Findings)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(inv.FrontDoors)), "ns/door")
	b.ReportMetric(float64(findings), "findings")
}
