package awstest_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

const (
	mpOwner  = "123456789012"
	mpBucket = "acme-reports"
)

// multipartServer is a server with one bucket and an SDK client of its owner.
func multipartServer(t *testing.T) (*awstest.Server, *s3.Client) {
	t.Helper()
	s := awstest.New(t)
	s.AddAccount(mpOwner)
	s.AddAccount("210987654321")
	s.S3().CreateBucket(mpBucket, mpOwner)
	c := s3.NewFromConfig(sdkConfig(t, s, mpOwner, "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })
	return s, c
}

// mpUpload drives one upload through the SDK client.
type mpUpload struct {
	t   *testing.T
	c   *s3.Client
	key string
	id  *string
}

func startUpload(t *testing.T, c *s3.Client, key string) *mpUpload {
	t.Helper()
	out, err := c.CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: aws.String(mpBucket),
		Key: aws.String(key), ContentType: aws.String("application/json"), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32,
		ExpectedBucketOwner: aws.String(mpOwner)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Bucket) != mpBucket || aws.ToString(out.Key) != key || aws.ToString(out.UploadId) == "" {
		t.Fatalf("CreateMultipartUpload = bucket %q key %q id %q", aws.ToString(out.Bucket), aws.ToString(out.Key), aws.ToString(out.UploadId))
	}
	return &mpUpload{t: t, c: c, key: key, id: out.UploadId}
}

func (u *mpUpload) part(n int32, data []byte) (s3types.CompletedPart, error) {
	out, err := u.c.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(mpBucket), Key: aws.String(u.key),
		UploadId: u.id, PartNumber: aws.Int32(n), Body: bytes.NewReader(data), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32,
		ExpectedBucketOwner: aws.String(mpOwner)})
	if err != nil {
		return s3types.CompletedPart{}, err
	}
	return s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32}, nil
}

func (u *mpUpload) mustPart(n int32, data []byte) s3types.CompletedPart {
	u.t.Helper()
	p, err := u.part(n, data)
	if err != nil {
		u.t.Fatalf("UploadPart %d: %v", n, err)
	}
	return p
}

func (u *mpUpload) complete(parts ...s3types.CompletedPart) (*s3.CompleteMultipartUploadOutput, error) {
	return u.c.CompleteMultipartUpload(context.Background(), &s3.CompleteMultipartUploadInput{Bucket: aws.String(mpBucket),
		Key: aws.String(u.key), UploadId: u.id, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts},
		ExpectedBucketOwner: aws.String(mpOwner)})
}

func (u *mpUpload) abort() error {
	_, err := u.c.AbortMultipartUpload(context.Background(), &s3.AbortMultipartUploadInput{Bucket: aws.String(mpBucket),
		Key: aws.String(u.key), UploadId: u.id, ExpectedBucketOwner: aws.String(mpOwner)})
	return err
}

// An upload of parts of S3's real minimum size completes into the
// concatenation of its parts, with S3's multipart ETag and a composite CRC32,
// and GetObject returns it.
func TestS3MultipartUpload(t *testing.T) {
	t.Parallel()
	s, c := multipartServer(t)
	p1 := bytes.Repeat([]byte("a"), awstest.S3MinPartSize)
	p2 := bytes.Repeat([]byte("b"), awstest.S3MinPartSize)
	p3 := []byte("tail")
	u := startUpload(t, c, "fnaudit/reports/r.json")
	parts := []s3types.CompletedPart{u.mustPart(1, p1), u.mustPart(2, p2), u.mustPart(3, p3)}
	if got := s.S3().Uploads(); len(got) != 1 || got[0] != mpBucket+"/fnaudit/reports/r.json" {
		t.Errorf("uploads in progress = %v", got)
	}
	out, err := u.complete(parts...)
	if err != nil {
		t.Fatal(err)
	}
	var mds []byte
	for _, p := range [][]byte{p1, p2, p3} {
		sum := md5.Sum(p)
		mds = append(mds, sum[:]...)
	}
	sum := md5.Sum(mds)
	wantETag := `"` + hex.EncodeToString(sum[:]) + `-3"`
	if aws.ToString(out.ETag) != wantETag || !strings.HasSuffix(aws.ToString(out.ChecksumCRC32), "-3") ||
		aws.ToString(out.Bucket) != mpBucket || aws.ToString(out.Key) != "fnaudit/reports/r.json" {
		t.Errorf("CompleteMultipartUpload = ETag %s checksum %s bucket %s key %s; want ETag %s", aws.ToString(out.ETag),
			aws.ToString(out.ChecksumCRC32), aws.ToString(out.Bucket), aws.ToString(out.Key), wantETag)
	}
	want := bytes.Join([][]byte{p1, p2, p3}, nil)
	if got, ok := s.S3().Object(mpBucket, "fnaudit/reports/r.json"); !ok || !bytes.Equal(got, want) {
		t.Errorf("stored object: %d bytes, want %d", len(got), len(want))
	}
	get, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(mpBucket), Key: aws.String("fnaudit/reports/r.json")})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(get.Body)
	_ = get.Body.Close()
	if err != nil || !bytes.Equal(body, want) || aws.ToString(get.ETag) != wantETag {
		t.Errorf("GetObject: %d bytes, ETag %s, %v", len(body), aws.ToString(get.ETag), err)
	}
	if got := s.S3().Uploads(); len(got) != 0 {
		t.Errorf("uploads in progress after completion = %v", got)
	}
	if n := s.Calls("s3:UploadPart"); n != 3 {
		t.Errorf("s3:UploadPart calls = %d, want 3", n)
	}
	// A completed upload is gone.
	if _, err := u.part(4, p3); apiCode(err) != "NoSuchUpload" {
		t.Errorf("UploadPart after completion: %v, want NoSuchUpload", err)
	}
}

// S3's answers to uploads that break its rules, at its real part size.
func TestS3MultipartEntityTooSmall(t *testing.T) {
	t.Parallel()
	_, c := multipartServer(t)
	u := startUpload(t, c, "k")
	small := u.mustPart(1, bytes.Repeat([]byte("x"), awstest.S3MinPartSize-1))
	last := u.mustPart(2, []byte("y"))
	if _, err := u.complete(small, last); apiCode(err) != "EntityTooSmall" {
		t.Errorf("complete with a small first part: %v, want EntityTooSmall", err)
	}
	// The last part alone may be small.
	if _, err := u.complete(last); err != nil {
		t.Errorf("complete with one small part: %v", err)
	}
}

func TestS3MultipartErrors(t *testing.T) {
	t.Parallel()
	s, c := multipartServer(t)
	s.S3().SetMinPartSize(4)
	ctx := context.Background()

	u := startUpload(t, c, "k")
	a, b := u.mustPart(1, []byte("aaaa")), u.mustPart(2, []byte("bb"))
	wrongETag := a
	wrongETag.ETag = aws.String(`"00000000000000000000000000000000"`)
	wrongSum := a
	wrongSum.ChecksumCRC32 = b.ChecksumCRC32
	noSum := a
	noSum.ChecksumCRC32 = nil
	missing := s3types.CompletedPart{PartNumber: aws.Int32(3), ETag: b.ETag, ChecksumCRC32: b.ChecksumCRC32}
	for _, tc := range []struct {
		name  string
		parts []s3types.CompletedPart
		code  string
	}{
		{"descending", []s3types.CompletedPart{b, a}, "InvalidPartOrder"},
		{"repeated", []s3types.CompletedPart{a, a}, "InvalidPartOrder"},
		{"wrong etag", []s3types.CompletedPart{wrongETag, b}, "InvalidPart"},
		{"wrong checksum", []s3types.CompletedPart{wrongSum, b}, "InvalidPart"},
		{"not uploaded", []s3types.CompletedPart{a, missing}, "InvalidPart"},
		{"checksum missing", []s3types.CompletedPart{noSum, b}, "InvalidRequest"},
	} {
		if _, err := u.complete(tc.parts...); apiCode(err) != tc.code {
			t.Errorf("%s: complete error %v, want %s", tc.name, err, tc.code)
		}
	}
	for _, n := range []int32{0, awstest.S3MaxParts + 1} {
		if _, err := u.part(n, []byte("x")); apiCode(err) != "InvalidArgument" {
			t.Errorf("part number %d: %v, want InvalidArgument", n, err)
		}
	}
	// A part whose CRC32 is not its data's is refused.
	_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(mpBucket), Key: aws.String("k"), UploadId: u.id,
		PartNumber: aws.Int32(5), Body: strings.NewReader("data"), ChecksumCRC32: aws.String("AAAAAA==")})
	if apiCode(err) != "BadDigest" {
		t.Errorf("part with a wrong CRC32: %v, want BadDigest", err)
	}
	// An upload of another key, or an unknown id, does not exist.
	other := &mpUpload{t: t, c: c, key: "other", id: u.id}
	if _, err := other.part(1, []byte("x")); apiCode(err) != "NoSuchUpload" {
		t.Errorf("part for another key: %v, want NoSuchUpload", err)
	}
	unknown := &mpUpload{t: t, c: c, key: "k", id: aws.String("nope")}
	if err := unknown.abort(); apiCode(err) != "NoSuchUpload" {
		t.Errorf("abort of an unknown upload: %v, want NoSuchUpload", err)
	}
	// A part re-uploaded replaces the earlier one; parts left out of the
	// list are discarded.
	a2 := u.mustPart(1, []byte("AAAA"))
	u.mustPart(3, []byte("left out"))
	if _, err := u.complete(a2, b); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.S3().Object(mpBucket, "k"); string(got) != "AAAAbb" {
		t.Errorf("object = %q, want AAAAbb", got)
	}

	// Abort discards the parts; the upload is gone.
	v := startUpload(t, c, "aborted")
	p := v.mustPart(1, []byte("data"))
	if err := v.abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.complete(p); apiCode(err) != "NoSuchUpload" {
		t.Errorf("complete after abort: %v, want NoSuchUpload", err)
	}
	if err := v.abort(); apiCode(err) != "NoSuchUpload" {
		t.Errorf("second abort: %v, want NoSuchUpload", err)
	}
	if _, ok := s.S3().Object(mpBucket, "aborted"); ok || len(s.S3().Uploads()) != 0 {
		t.Errorf("aborted upload left an object or an upload: %v", s.S3().Uploads())
	}
}

// A part whose checksum algorithm is not the upload's (here: the SDK's
// default CRC32 on an upload created without one) cannot be completed, as
// S3 answers; without checksums on either side the upload completes.
func TestS3MultipartChecksumAlgorithm(t *testing.T) {
	t.Parallel()
	s, c := multipartServer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		calc aws.RequestChecksumCalculation
		code string
	}{
		{"sdk default crc32 parts", aws.RequestChecksumCalculationWhenSupported, "InvalidPart"},
		{"no checksums", aws.RequestChecksumCalculationWhenRequired, ""},
	} {
		key := "plain-" + fmt.Sprint(tc.calc)
		opt := func(o *s3.Options) { o.RequestChecksumCalculation = tc.calc }
		cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(mpBucket), Key: aws.String(key)}, opt)
		if err != nil {
			t.Fatal(err)
		}
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(mpBucket), Key: aws.String(key), UploadId: cr.UploadId,
			PartNumber: aws.Int32(1), Body: strings.NewReader("data")}, opt)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(mpBucket), Key: aws.String(key),
			UploadId: cr.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{
				{PartNumber: aws.Int32(1), ETag: up.ETag}}}}, opt)
		if apiCode(err) != tc.code || (tc.code == "" && err != nil) {
			t.Errorf("%s: complete error %v, want %q", tc.name, err, tc.code)
		}
	}
	if got, _ := s.S3().Object(mpBucket, "plain-"+fmt.Sprint(aws.RequestChecksumCalculationWhenRequired)); string(got) != "data" {
		t.Errorf("object = %q", got)
	}
}

// Every multipart call checks the expected bucket owner and the caller.
func TestS3MultipartExpectedOwner(t *testing.T) {
	t.Parallel()
	s, c := multipartServer(t)
	ctx := context.Background()
	u := startUpload(t, c, "k")
	p := u.mustPart(1, []byte("data"))
	wrong := aws.String("210987654321")
	calls := map[string]func() error{
		"create": func() error {
			_, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(mpBucket), Key: aws.String("k"), ExpectedBucketOwner: wrong})
			return err
		},
		"part": func() error {
			_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(mpBucket), Key: aws.String("k"), UploadId: u.id,
				PartNumber: aws.Int32(2), Body: strings.NewReader("x"), ExpectedBucketOwner: wrong})
			return err
		},
		"complete": func() error {
			_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(mpBucket), Key: aws.String("k"),
				UploadId: u.id, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{p}}, ExpectedBucketOwner: wrong})
			return err
		},
		"abort": func() error {
			_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(mpBucket), Key: aws.String("k"),
				UploadId: u.id, ExpectedBucketOwner: wrong})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); apiCode(err) != "AccessDenied" {
			t.Errorf("%s expecting another owner: %v, want AccessDenied", name, err)
		}
	}
	oc := s3.NewFromConfig(sdkConfig(t, s, "210987654321", "us-east-1"), func(o *s3.Options) { o.UsePathStyle = true })
	other := &mpUpload{t: t, c: oc, key: "k", id: u.id}
	if err := other.abort(); apiCode(err) != "AccessDenied" {
		t.Errorf("another account's abort: %v, want AccessDenied", err)
	}
	if _, err := u.complete(p); err != nil {
		t.Errorf("the upload survived the refused calls: %v", err)
	}
}
