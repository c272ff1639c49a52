package policy

import "testing"

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
