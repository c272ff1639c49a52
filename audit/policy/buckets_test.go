package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestS3BucketName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"arn:aws:s3:::acme-uploads":                        "acme-uploads",
		"arn:aws:s3:::acme-uploads/incoming/*":             "acme-uploads",
		"arn:aws-cn:s3:::acme-cn":                          "acme-cn",
		"arn:aws:s3:::acme-*":                              "",
		"arn:aws:s3:::*":                                   "",
		"arn:aws:sns:us-east-1:123456789012:topic":         "",
		"arn:aws:s3:us-east-1:123456789012:accesspoint/ap": "",
		"acme-uploads":                                     "",
	} {
		if got := S3BucketName(in); got != want {
			t.Errorf("S3BucketName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOwnerNotPinnedNamesBuckets: an S3 source without an owner pin names
// its buckets, merged across statements, so a rule can ask whose they are.
func TestOwnerNotPinnedNamesBuckets(t *testing.T) {
	t.Parallel()
	s3 := func(arns string) string {
		return `{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":` + arns + `}}}`
	}
	doc, err := Parse([]byte(stmt(s3(`["arn:aws:s3:::b-two","arn:aws:s3:::a-one/prefix/*"]`) + "," + s3(`"arn:aws:s3:::b-two"`))))
	if err != nil {
		t.Fatal(err)
	}
	v := InvokeAccess(doc, testContext())
	if len(v.Exposures) != 1 || v.Exposures[0].Kind != ExposureOwnerNotPinned {
		t.Fatalf("exposures = %+v", v.Exposures)
	}
	if diff := cmp.Diff([]string{"a-one", "b-two"}, v.Exposures[0].Buckets); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
}
