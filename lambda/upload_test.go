package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

const uploadBucket = "acme-fnaudit"

// uploadServer is a local S3 with the report bucket, parts of at least
// minPart bytes, and an upload of parts of partSize through the real client.
func uploadServer(t *testing.T, minPart int64, partSize int) (*awstest.Server, *streamUpload) {
	t.Helper()
	srv := awstest.New(t)
	srv.AddAccount(securityID)
	srv.S3().CreateBucket(uploadBucket, securityID)
	srv.S3().SetMinPartSize(minPart)
	awsCfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(srv.URL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(srv.AccessKey(securityID), "secret", "")),
		config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true })
	return srv, &streamUpload{api: c, loc: s3Location{uploadBucket, "fnaudit/reports/r.json"}, owner: securityID,
		ctype: "application/json", partSize: partSize, maxParts: s3MaxParts}
}

// writeChunks renders data in writes of odd sizes, as the report writer does.
func writeChunks(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		for len(data) > 0 {
			n := min(len(data), 777)
			if _, err := w.Write(data[:n]); err != nil {
				return err
			}
			data = data[n:]
		}
		return nil
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// Objects of every size relative to the part size arrive whole: below one
// part as one PutObject, otherwise in parts with no empty last part.
func TestStreamUploadSizes(t *testing.T) {
	t.Parallel()
	const part = 4096
	for _, tc := range []struct {
		size, parts int
	}{
		{0, 0}, {1, 0}, {part - 1, 0}, {part, 1}, {part + 1, 2}, {3 * part, 3}, {3*part + 5, 4},
	} {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			t.Parallel()
			srv, u := uploadServer(t, part, part)
			data := pattern(tc.size)
			if err := u.run(context.Background(), writeChunks(data)); err != nil {
				t.Fatal(err)
			}
			got, ok := srv.S3().Object(uploadBucket, u.loc.Key)
			if !ok || !bytes.Equal(got, data) {
				t.Errorf("object: %d bytes (stored %v), want %d", len(got), ok, len(data))
			}
			puts, creates := srv.Calls("s3:PutObject"), srv.Calls("s3:CreateMultipartUpload")
			if tc.parts == 0 && (puts != 1 || creates != 0) || tc.parts > 0 && (puts != 0 || creates != 1) {
				t.Errorf("PutObject %d, CreateMultipartUpload %d calls", puts, creates)
			}
			if n := srv.Calls("s3:UploadPart"); n != tc.parts {
				t.Errorf("UploadPart calls = %d, want %d", n, tc.parts)
			}
			if up := srv.S3().Uploads(); len(up) != 0 {
				t.Errorf("uploads left in progress: %v", up)
			}
		})
	}
}

// Any failure aborts the upload: no object, no parts left, the render
// stopped, and the error says what failed.
func TestStreamUploadFailures(t *testing.T) {
	t.Parallel()
	const part = 4096
	boom := errors.New("render broke")
	for _, tc := range []struct {
		name   string
		fault  *awstest.Fault
		render func(io.Writer) error
		owner  string
		max    int
		want   string
		aborts int
	}{
		{name: "render fails after two parts", render: func(w io.Writer) error {
			if err := writeChunks(pattern(2*part + 10))(w); err != nil {
				return err
			}
			return boom
		}, want: "render: render broke", aborts: 1},
		{name: "render fails in the first part", render: func(w io.Writer) error {
			_, _ = w.Write([]byte("{"))
			return boom
		}, want: "render: render broke"},
		{name: "second part refused", fault: &awstest.Fault{Op: "s3:UploadPart", After: 1, Status: 500, Code: "InternalError"},
			render: writeChunks(pattern(5 * part)), want: "part 2: ", aborts: 1},
		{name: "complete refused", fault: &awstest.Fault{Op: "s3:CompleteMultipartUpload", Status: 500, Code: "InternalError"},
			render: writeChunks(pattern(2 * part)), want: "CompleteMultipartUpload", aborts: 1},
		{name: "create refused", fault: &awstest.Fault{Op: "s3:CreateMultipartUpload", Status: 403, Code: "AccessDenied"},
			render: writeChunks(pattern(2 * part)), want: "AccessDenied"},
		{name: "another owner", owner: "210987654321", render: writeChunks(pattern(2 * part)), want: "AccessDenied"},
		{name: "too many parts", max: 2, render: writeChunks(pattern(3 * part)), want: "more than 2 parts of 4096 bytes", aborts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, u := uploadServer(t, part, part)
			if tc.fault != nil {
				srv.Inject(*tc.fault)
			}
			if tc.owner != "" {
				u.owner = tc.owner
			}
			if tc.max > 0 {
				u.maxParts = tc.max
			}
			err := u.run(context.Background(), tc.render)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if _, ok := srv.S3().Object(uploadBucket, u.loc.Key); ok {
				t.Error("a failed upload wrote the object")
			}
			if up := srv.S3().Uploads(); len(up) != 0 {
				t.Errorf("uploads left in progress: %v", up)
			}
			if n := srv.Calls("s3:AbortMultipartUpload"); n != tc.aborts {
				t.Errorf("AbortMultipartUpload calls = %d, want %d", n, tc.aborts)
			}
		})
	}
}

// An upload that fails after the invocation's context ended still aborts.
func TestStreamUploadAbortsAfterCancel(t *testing.T) {
	t.Parallel()
	const part = 4096
	srv, u := uploadServer(t, part, part)
	ctx, cancel := context.WithCancel(context.Background())
	err := u.run(ctx, func(w io.Writer) error {
		if err := writeChunks(pattern(2 * part))(w); err != nil {
			return err
		}
		cancel() // the deadline passes while the report is written
		return writeChunks(pattern(2 * part))(w)
	})
	if err == nil {
		t.Fatal("upload succeeded after its context ended")
	}
	if up := srv.S3().Uploads(); len(up) != 0 || srv.Calls("s3:AbortMultipartUpload") != 1 {
		t.Errorf("uploads left in progress: %v; aborts %d", up, srv.Calls("s3:AbortMultipartUpload"))
	}
}

// The handler's report goes out in parts when it is larger than one, and
// reads back as the same report.
func TestWriteReportInParts(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, env{envReportBucket: uploadBucket}, static(findingsEstate()))
	hs.srv.S3().SetMinPartSize(1024)
	hs.h.uploadPartSize = 1024
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: estateTime}
	for i := range 40 {
		r.Findings = append(r.Findings, audit.Finding{ID: fmt.Sprint(i), Rule: "FNA-AWS-001", Title: "<public> & open",
			Resource: fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:fn-%d", acctProd, i), Status: audit.StatusFail})
	}
	r.Summarize()
	uri, key, err := hs.h.writeReport(context.Background(), r, estateTime)
	if err != nil {
		t.Fatal(err)
	}
	if uri != "s3://"+uploadBucket+"/"+key || !strings.HasPrefix(key, reportKeyPrefix) {
		t.Errorf("writeReport = %q, %q", uri, key)
	}
	got, _ := hs.srv.S3().Object(uploadBucket, key)
	var want bytes.Buffer
	if err := report.Render(&want, report.JSON, r, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("stored report differs from the rendered one:\n%s", got)
	}
	if n := hs.srv.Calls("s3:UploadPart"); n < 2 {
		t.Errorf("UploadPart calls = %d; the report should span parts", n)
	}
}
