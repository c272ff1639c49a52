package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/audit/report"
)

// htmlReport is where a run's HTML report was written: the one file a person
// opens in a browser to see the whole run (the digest lists only the worst).
type htmlReport struct {
	// URI is the object's s3:// URI.
	URI string
	// Console opens the object in the S3 console; empty in a partition
	// without a public console (the ISO partitions).
	Console string
}

// s3ConsoleHosts are the AWS Management Console's hosts by partition.
var s3ConsoleHosts = map[string]string{
	"aws":        "console.aws.amazon.com",
	"aws-cn":     "console.amazonaws.cn",
	"aws-us-gov": "console.amazonaws-us-gov.com",
}

// writeHTMLReport stores the HTML report beside the JSON report at jsonURI
// (same key, .html instead of .json), with the same request shape as the JSON
// upload. A failure is a warning in the digest, not a failed run: the JSON
// report is already stored.
func (h *Handler) writeHTMLReport(ctx context.Context, r *audit.Report, jsonURI string) htmlReport {
	page, err := h.putHTMLReport(ctx, r, jsonURI)
	if err != nil {
		r.Warnings = append(r.Warnings, err.Error())
	}
	return page
}

func (h *Handler) putHTMLReport(ctx context.Context, r *audit.Report, jsonURI string) (htmlReport, error) {
	rest, ok := strings.CutPrefix(jsonURI, "s3://")
	bucket, key, _ := strings.Cut(rest, "/")
	if !ok || bucket == "" || !strings.HasSuffix(key, ".json") {
		return htmlReport{}, fmt.Errorf("html report: %q is not the s3:// URI of a .json report", jsonURI)
	}
	loc := s3Location{bucket, strings.TrimSuffix(key, ".json") + ".html"}
	var buf bytes.Buffer
	if err := report.Render(&buf, report.HTML, r, report.Options{}); err != nil {
		return htmlReport{}, fmt.Errorf("html report: %w", err)
	}
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return htmlReport{}, fmt.Errorf("html report: %v", err)
	}
	_, err = h.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:              aws.String(loc.Bucket),
		Key:                 aws.String(loc.Key),
		Body:                bytes.NewReader(buf.Bytes()),
		ContentType:         aws.String("text/html; charset=utf-8"),
		ExpectedBucketOwner: aws.String(owner),
	})
	if err != nil {
		return htmlReport{}, fmt.Errorf("html report: write %s: %v", loc, err)
	}
	region := ""
	if c, ok := h.s3.(interface{ Options() s3.Options }); ok {
		region = c.Options().Region
	}
	return htmlReport{URI: loc.String(), Console: s3ConsoleURL(loc, region)}, nil
}

// s3ConsoleURL is the S3 console's page for the object at loc, in the
// partition of region (the bucket's region when known, else the function's);
// empty when that partition has no public console.
func s3ConsoleURL(loc s3Location, region string) string {
	host, ok := s3ConsoleHosts[catalog.AWSPartition(region)]
	if !ok {
		return ""
	}
	q := url.Values{}
	if region != "" {
		q.Set("region", region)
	}
	q.Set("prefix", loc.Key)
	return "https://" + host + "/s3/object/" + url.PathEscape(loc.Bucket) + "?" + q.Encode()
}
