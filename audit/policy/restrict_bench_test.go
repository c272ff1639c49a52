package policy

import (
	"fmt"
	"strings"
	"testing"
)

// fencePolicy builds n statements: Allow "*", Deny fences with a pattern
// list each (StringNotLike aws:PrincipalArn), and Allows for a distinct
// outside role each — every Allow meets every fence.
func fencePolicy(b *testing.B, n int) *Document {
	b.Helper()
	var sb strings.Builder
	sb.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		switch i % 3 {
		case 0:
			sb.WriteString(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)
		case 1:
			fmt.Fprintf(&sb, `{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":["arn:aws:iam::%012d:*","arn:aws:iam::123456789012:*"]}}}`, i)
		case 2:
			fmt.Fprintf(&sb, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%012d:role/r"},"Action":"lambda:InvokeFunction","Resource":"*"}`, 200000000000+i)
		}
	}
	sb.WriteString(`]}`)
	d, err := Parse([]byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func benchFences(b *testing.B, n int) {
	d := fencePolicy(b, n)
	ctx := testContext()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		InvokeAccess(d, ctx)
	}
}

// BenchmarkInvokeAccessFences10k and 20k show the cost of Deny fences with
// pattern lists growing linearly with the document.
func BenchmarkInvokeAccessFences10k(b *testing.B) { benchFences(b, 10_000) }

// BenchmarkInvokeAccessFences20k: see BenchmarkInvokeAccessFences10k.
func BenchmarkInvokeAccessFences20k(b *testing.B) { benchFences(b, 20_000) }
