package policy

import (
	"fmt"
	"strings"
	"testing"
)

// benchPolicy is a realistic function policy: the console's two function URL
// statements, an S3 trigger added by add-permission, and an organization grant.
const benchPolicy = `{"Version":"2012-10-17","Id":"default","Statement":[
{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders-api","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}},
{"Sid":"FunctionURLInvokeAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders-api","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}},
{"Sid":"s3-invoke","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders-api","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::acme-uploads"}}},
{"Sid":"org-invoke","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders-api","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`

// BenchmarkInvokeVerdict measures the verdict on one parsed policy.
func BenchmarkInvokeVerdict(b *testing.B) {
	d, err := Parse([]byte(benchPolicy))
	if err != nil {
		b.Fatal(err)
	}
	ctx := testContext()
	ctx.URLAuthType = "NONE"
	b.ReportAllocs()
	for b.Loop() {
		if v := InvokeAccess(d, ctx); !v.Public() {
			b.Fatal("want public")
		}
	}
}

// BenchmarkParse measures parsing the same policy.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse([]byte(benchPolicy)); err != nil {
			b.Fatal(err)
		}
	}
}

// bigPolicy builds a policy of n statements that makes every Allow meet
// every Deny: Allow statements for everyone and for a distinct outside role
// each, alternating with Deny statements (Principal "*" and NotPrincipal) that
// cover the action and resource but whose condition does not surely hold: the
// shape of a crafted inventory that analyze reads.
func bigPolicy(b *testing.B, n int) *Document {
	b.Helper()
	var sb strings.Builder
	sb.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		role := fmt.Sprintf("arn:aws:iam::%012d:role/r%d", 100000000000+i%5000, i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&sb, `{"Sid":"a%d","Effect":"Allow","Principal":"*","Action":["lambda:InvokeFunction","lambda:InvokeFunctionUrl"],"Resource":"*"}`, i)
		case 1:
			fmt.Fprintf(&sb, `{"Sid":"d%d","Effect":"Deny","Principal":"*","Action":"lambda:Invoke*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5","o-zz%08d"]}}}`, i, i)
		case 2:
			fmt.Fprintf(&sb, `{"Sid":"n%d","Effect":"Allow","Principal":{"AWS":%q},"Action":"lambda:InvokeFunction","Resource":"*"}`, i, role)
		case 3:
			fmt.Fprintf(&sb, `{"Sid":"x%d","Effect":"Deny","NotPrincipal":{"AWS":%q},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, i, role)
		}
	}
	sb.WriteString(`]}`)
	d, err := Parse([]byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func benchInvokeAccess(b *testing.B, n int) {
	d := bigPolicy(b, n)
	ctx := testContext()
	ctx.URLAuthType = "NONE"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		InvokeAccess(d, ctx)
	}
}

// BenchmarkInvokeAccess10k judges a policy of 10,000 statements.
func BenchmarkInvokeAccess10k(b *testing.B) { benchInvokeAccess(b, 10_000) }

// BenchmarkInvokeAccess100k judges a policy of 100,000 statements.
func BenchmarkInvokeAccess100k(b *testing.B) { benchInvokeAccess(b, 100_000) }

// BenchmarkParseManyConditionKeys parses one statement whose condition block
// has 20,000 keys under one operator. (Operators cannot grow the same way: a
// block holds at most the few hundred distinct valid operator spellings.)
func BenchmarkParseManyConditionKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{`)
	for i := 0; i < 20_000; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"k:key%d":"v"`, i)
	}
	sb.WriteString(`}}}}`)
	doc := []byte(sb.String())
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
