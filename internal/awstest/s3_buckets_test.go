package awstest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestS3ListBuckets drives the SDK's ListBuckets paginator: the caller's
// account's buckets only, pages of MaxBuckets joined by ContinuationToken.
func TestS3ListBuckets(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount("123456789012")
	s.AddAccount("210987654321")
	for _, b := range []string{"acme-a", "acme-b", "acme-c", "acme-d", "acme-e"} {
		s.S3().CreateBucket(b, "123456789012")
	}
	s.S3().CreateBucket("partner-drop", "210987654321")
	s.S3().SetBucketRegion("acme-e", "eu-west-1")
	c := s3.NewFromConfig(sdkConfig(t, s, "123456789012", "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })
	p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{MaxBuckets: aws.Int32(2)})
	var names, regions []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, b := range out.Buckets {
			names = append(names, aws.ToString(b.Name))
			regions = append(regions, aws.ToString(b.BucketRegion))
		}
	}
	if diff := cmp.Diff([]string{"acme-a", "acme-b", "acme-c", "acme-d", "acme-e"}, names); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	if regions[4] != "eu-west-1" || regions[0] != "us-east-1" {
		t.Errorf("regions = %q", regions)
	}
	if pages != 3 || s.Calls("s3:ListBuckets") != 3 {
		t.Errorf("%d pages, %d calls; want 3 of each", pages, s.Calls("s3:ListBuckets"))
	}
	if _, err := c.ListBuckets(context.Background(), &s3.ListBucketsInput{MaxBuckets: aws.Int32(0)}); apiCode(err) != "InvalidArgument" {
		t.Errorf("MaxBuckets 0: %v, want InvalidArgument", err)
	}
}

// TestS3HeadBucket: 200 to the owner, 403 for another account's bucket, 404
// (the SDK's types.NotFound) for a name no bucket has.
func TestS3HeadBucket(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount("123456789012")
	s.AddAccount("210987654321")
	s.S3().CreateBucket("acme-a", "123456789012")
	s.S3().CreateBucket("partner-drop", "210987654321")
	c := s3.NewFromConfig(sdkConfig(t, s, "123456789012", "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	out, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("acme-a")})
	if err != nil || aws.ToString(out.BucketRegion) != "us-east-1" {
		t.Errorf("own bucket: %+v, %v", out, err)
	}
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("partner-drop")})
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Errorf("another account's bucket: %v, want a 403", err)
	}
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket")})
	var nf *s3types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("missing bucket: %v, want types.NotFound", err)
	}
}
