package awstest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestSNSPublish(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount("123456789012")
	other := s.AddAccount("210987654321")
	topic := "arn:aws:sns:eu-west-1:123456789012:fnaudit"
	s.SNS().CreateTopic(topic)
	ctx := context.Background()
	c := sns.NewFromConfig(sdkConfig(t, s, "123456789012", "eu-west-1"))

	msg := `{"default":"plain","email":"for people","sqs":"{\"a\":1}"}`
	out, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Subject: aws.String("fnaudit: 1 critical"),
		Message: aws.String(msg), MessageStructure: aws.String("json")})
	if err != nil || aws.ToString(out.MessageId) == "" {
		t.Fatalf("Publish = %v, %v", out, err)
	}
	got := s.SNS().Messages()
	if len(got) != 1 || got[0].Subject != "fnaudit: 1 critical" || got[0].Body("email") != "for people" ||
		got[0].Body("https") != "plain" || got[0].Body("sqs") != `{"a":1}` || got[0].Account != "123456789012" {
		t.Fatalf("messages = %+v", got)
	}

	for _, tc := range []struct {
		name string
		in   sns.PublishInput
		code string
	}{
		{"too long", sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(strings.Repeat("x", awstest.SNSMaxMessageBytes+1))}, "InvalidParameter"},
		{"subject too long", sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"), Subject: aws.String(strings.Repeat("s", 101))}, "InvalidParameter"},
		{"subject line break", sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"), Subject: aws.String("a\nb")}, "InvalidParameter"},
		{"subject not ascii", sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m"), Subject: aws.String("fnaudit \u202e")}, "InvalidParameter"},
		{"no default", sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"email":"x"}`), MessageStructure: aws.String("json")}, "InvalidParameter"},
		{"not json", sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{`), MessageStructure: aws.String("json")}, "InvalidParameter"},
		{"no topic", sns.PublishInput{TopicArn: aws.String(topic + "-nope"), Message: aws.String("m")}, "NotFound"},
	} {
		if _, err := c.Publish(ctx, &tc.in); apiCode(err) != tc.code {
			t.Errorf("%s: Publish error = %v, want code %s", tc.name, err, tc.code)
		}
	}
	// The whole limit is usable.
	if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(strings.Repeat("x", awstest.SNSMaxMessageBytes))}); err != nil {
		t.Errorf("Publish of exactly the limit: %v", err)
	}
	// Another account may not publish; a denied caller gets AuthorizationError-shaped errors.
	oc := sns.NewFromConfig(sdkConfig(t, s, "210987654321", "eu-west-1"))
	if _, err := oc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")}); apiCode(err) != "AuthorizationError" {
		t.Errorf("cross-account Publish error = %v", err)
	}
	other.Deny = []string{"sns:*"}
	if _, err := oc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("t")}); apiCode(err) != "AccessDenied" {
		t.Errorf("denied CreateTopic error = %v", err)
	}
	ct, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	if err != nil || aws.ToString(ct.TopicArn) != "arn:aws:sns:eu-west-1:123456789012:alerts" {
		t.Fatalf("CreateTopic = %v, %v", ct, err)
	}
	if n := s.Calls("sns:Publish"); n != 10 {
		t.Errorf("sns:Publish calls = %d, want 10", n)
	}
}

func TestS3Objects(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount("123456789012")
	s.AddAccount("210987654321")
	s.S3().CreateBucket("acme-reports", "123456789012")
	s.S3().PutObject("acme-reports", "config/suppressions.yaml", []byte("suppressions: []\n"))
	ctx := context.Background()
	c := s3.NewFromConfig(sdkConfig(t, s, "123456789012", "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })

	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("acme-reports"), Key: aws.String("config/suppressions.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	_ = got.Body.Close()
	if string(body) != "suppressions: []\n" {
		t.Errorf("GetObject body = %q", body)
	}

	data := bytes.Repeat([]byte("{\"finding\":1}\n"), 20000)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-reports"), Key: aws.String("fnaudit/r.json"),
		Body: bytes.NewReader(data), ContentType: aws.String("application/json")}); err != nil {
		t.Fatal(err)
	}
	if stored, ok := s.S3().Object("acme-reports", "fnaudit/r.json"); !ok || !bytes.Equal(stored, data) {
		t.Errorf("stored object has %d bytes, want %d", len(stored), len(data))
	}
	// Streaming uploads (over TLS) come aws-chunked with a trailing checksum.
	chunked := "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
	req, _ := http.NewRequest(http.MethodPut, s.URL+"/acme-reports/fnaudit/stream.json", strings.NewReader(chunked))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.AccessKey("123456789012")+"/20261128/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	req.Header.Set("X-Amz-Decoded-Content-Length", "11")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("chunked PUT = %v, %v", resp, err)
	}
	_ = resp.Body.Close()
	if stored, _ := s.S3().Object("acme-reports", "fnaudit/stream.json"); string(stored) != "hello world" {
		t.Errorf("streamed object = %q", stored)
	}

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("acme-reports"), Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("missing key error = %v", err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nope"), Key: aws.String("k")}); apiCode(err) != "NoSuchBucket" {
		t.Errorf("missing bucket error = %v", err)
	}
	oc := s3.NewFromConfig(sdkConfig(t, s, "210987654321", "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := oc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("acme-reports"), Key: aws.String("fnaudit/r.json")}); apiCode(err) != "AccessDenied" {
		t.Errorf("other account's GetObject error = %v", err)
	}
	if keys := s.S3().Keys("acme-reports"); len(keys) != 3 {
		t.Errorf("keys = %v", keys)
	}
}

// x-amz-expected-bucket-owner: a request naming another account as the owner is
// refused, even from the owner's own callers; naming the owner succeeds. And
// If-None-Match: * writes a key only once.
func TestS3ExpectedOwnerAndConditionalPut(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount("123456789012")
	s.S3().CreateBucket("acme-reports", "123456789012")
	s.S3().PutObject("acme-reports", "config/suppressions.yaml", []byte("suppressions: []\n"))
	ctx := context.Background()
	c := s3.NewFromConfig(sdkConfig(t, s, "123456789012", "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })

	for _, tc := range []struct{ owner, want string }{{"123456789012", ""}, {"210987654321", "AccessDenied"}} {
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("acme-reports"), Key: aws.String("config/suppressions.yaml"),
			ExpectedBucketOwner: aws.String(tc.owner)})
		if apiCode(err) != tc.want || (tc.want == "" && err != nil) {
			t.Errorf("GetObject expecting owner %s: error %v, want %q", tc.owner, err, tc.want)
		}
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-reports"), Key: aws.String("fnaudit/" + tc.owner),
			Body: strings.NewReader("{}"), ExpectedBucketOwner: aws.String(tc.owner)})
		if apiCode(err) != tc.want || (tc.want == "" && err != nil) {
			t.Errorf("PutObject expecting owner %s: error %v, want %q", tc.owner, err, tc.want)
		}
	}
	if _, ok := s.S3().Object("acme-reports", "fnaudit/210987654321"); ok {
		t.Error("a refused PutObject stored its object")
	}

	put := func(body string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-reports"), Key: aws.String("fnaudit/runs/e1"),
			Body: strings.NewReader(body), IfNoneMatch: aws.String("*")})
		return err
	}
	if err := put("first"); err != nil {
		t.Fatal(err)
	}
	if err := put("second"); apiCode(err) != "PreconditionFailed" {
		t.Errorf("second conditional put: error %v, want PreconditionFailed", err)
	}
	if got, _ := s.S3().Object("acme-reports", "fnaudit/runs/e1"); string(got) != "first" {
		t.Errorf("object = %q, want the first write kept", got)
	}
}
