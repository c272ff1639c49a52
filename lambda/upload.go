package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// A report is written to S3 as it is rendered: the render streams through a
// pipe into a buffer of one part, and each full part goes out with
// UploadPart, so the publish step holds one part, not the report (an
// 800,000-function report is about 3.8 GB). S3 takes parts of 5 MiB to 5 GiB,
// the last one smaller, and at most 10,000 of them (Amazon S3 User Guide,
// "Amazon S3 multipart upload limits"); 8 MiB parts allow reports up to
// 80 GiB. A report smaller than one part is one PutObject.
const (
	reportPartSize = 8 << 20
	s3MaxParts     = 10000
	// abortTimeout bounds the AbortMultipartUpload that cleans up after a
	// failed upload; it runs even when the invocation's context is done.
	abortTimeout = 30 * time.Second
)

// streamUpload writes one object from a render function, in parts.
type streamUpload struct {
	api      s3API
	loc      s3Location
	owner    string // ExpectedBucketOwner on every call
	ctype    string // the object's Content-Type
	partSize int
	maxParts int
}

// newStreamUpload returns an upload to loc of parts of the handler's part
// size (reportPartSize unless a test set uploadPartSize).
func (h *Handler) newStreamUpload(loc s3Location, owner, contentType string) *streamUpload {
	size := reportPartSize
	if h.uploadPartSize > 0 {
		size = h.uploadPartSize
	}
	return &streamUpload{api: h.s3, loc: loc, owner: owner, ctype: contentType, partSize: size, maxParts: s3MaxParts}
}

// run renders into the object. On any failure, of the render or of a call,
// it aborts the multipart upload, so no part is left behind, stops the
// render, and returns the error; the object is then not written.
func (u *streamUpload) run(ctx context.Context, render func(io.Writer) error) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := render(pw)
		pw.CloseWithError(err) // nil closes with io.EOF
		done <- err
	}()
	err := u.send(ctx, pr)
	// Stop the render if the upload gave up first, and wait for it, so
	// nothing writes after run returns.
	pr.CloseWithError(errUploadStopped)
	renderErr := <-done
	if renderErr != nil && !errors.Is(renderErr, errUploadStopped) {
		return fmt.Errorf("render: %w", renderErr)
	}
	return err
}

var errUploadStopped = errors.New("upload stopped")

// send reads the rendered bytes from r and uploads them.
func (u *streamUpload) send(ctx context.Context, r io.Reader) error {
	buf := make([]byte, u.partSize)
	n, err := io.ReadFull(r, buf)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		// The whole object fits one part: one PutObject.
		_, err := u.api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(u.loc.Bucket), Key: aws.String(u.loc.Key),
			Body: bytes.NewReader(buf[:n]), ContentType: aws.String(u.ctype), ExpectedBucketOwner: aws.String(u.owner)})
		return err
	case err != nil:
		return err
	}
	created, err := u.api.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(u.loc.Bucket),
		Key: aws.String(u.loc.Key), ContentType: aws.String(u.ctype), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32,
		ExpectedBucketOwner: aws.String(u.owner)})
	if err != nil {
		return err
	}
	id := created.UploadId
	parts, err := u.sendParts(ctx, id, r, buf)
	if err == nil {
		_, err = u.api.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(u.loc.Bucket),
			Key: aws.String(u.loc.Key), UploadId: id, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts},
			ExpectedBucketOwner: aws.String(u.owner)})
	}
	if err != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
		defer cancel()
		if _, aerr := u.api.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: aws.String(u.loc.Bucket),
			Key: aws.String(u.loc.Key), UploadId: id, ExpectedBucketOwner: aws.String(u.owner)}); aerr != nil {
			return fmt.Errorf("%w; abort multipart upload %s: %v (the bucket's lifecycle rule removes its parts)", err, aws.ToString(id), aerr)
		}
		return err
	}
	return nil
}

// sendParts uploads buf, already full, and then every further part read from
// r, and returns the parts for CompleteMultipartUpload.
func (u *streamUpload) sendParts(ctx context.Context, id *string, r io.Reader, buf []byte) ([]s3types.CompletedPart, error) {
	var parts []s3types.CompletedPart
	n := len(buf)
	for num := int32(1); ; num++ {
		if int(num) > u.maxParts {
			return nil, fmt.Errorf("the object needs more than %d parts of %d bytes", u.maxParts, u.partSize)
		}
		out, err := u.api.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(u.loc.Bucket), Key: aws.String(u.loc.Key),
			UploadId: id, PartNumber: aws.Int32(num), Body: bytes.NewReader(buf[:n]),
			ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32, ExpectedBucketOwner: aws.String(u.owner)})
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", num, err)
		}
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(num), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
		n, err = io.ReadFull(r, buf)
		switch {
		case errors.Is(err, io.EOF):
			return parts, nil // the last part was full
		case errors.Is(err, io.ErrUnexpectedEOF):
			// A short last part: upload it; the next read's io.EOF ends
			// the loop.
		case err != nil:
			return nil, err
		}
	}
}
