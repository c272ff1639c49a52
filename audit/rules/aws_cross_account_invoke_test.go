package rules

import "testing"

func TestAWSCrossAccountInvoke(t *testing.T) {
	failing, passing := runFixtures(t, AWSCrossAccountInvoke)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}

func TestAWSInvokeHelpers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"arn:aws:lambda:us-east-1:123456789012:function:orders", "arn:aws:lambda:us-east-1:123456789012:function:orders"},
		{"arn:aws:lambda:us-east-1:123456789012:function:orders:prod", "arn:aws:lambda:us-east-1:123456789012:function:orders"},
		{"arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:orders"},
		{"projects/p/locations/l/functions/f", "projects/p/locations/l/functions/f"},
	} {
		if got := unqualifiedARN(tt.in); got != tt.want {
			t.Errorf("unqualifiedARN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, tt := range []struct {
		q     string
		parts []string
		want  string
	}{
		{"", []string{"url"}, "url"},
		{"prod", []string{"url"}, "prod/url"},
		{"live", []string{"*", "o-zz9y8x7w6v"}, "live/*/o-zz9y8x7w6v"},
	} {
		if got := awsKey(tt.q, tt.parts...); got != tt.want {
			t.Errorf("awsKey(%q, %q) = %q, want %q", tt.q, tt.parts, got, tt.want)
		}
	}
}
