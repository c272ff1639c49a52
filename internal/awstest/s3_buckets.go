package awstest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// serveBuckets answers the bucket-level calls the auditor makes:
//
//   - ListBuckets (GET /): the caller's account's buckets, sorted by name,
//     paginated with max-buckets (1 to 10,000; default: all) and
//     continuation-token, filtered by prefix, in a ListAllMyBucketsResult.
//   - HeadBucket (HEAD /bucket): 200 with x-amz-bucket-region to the owner's
//     callers, 403 when the bucket belongs to another account, 404 when no
//     bucket has the name — S3's answers to a caller that lacks
//     s3:ListBucket on a bucket it does not own. HEAD answers carry no body.
//
// It reports whether it handled the request.
func (o *S3) serveBuckets(w http.ResponseWriter, r *http.Request) bool {
	path := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case path == "" && r.Method == http.MethodGet:
		o.listBuckets(w, r)
	case path != "" && !strings.Contains(path, "/") && r.Method == http.MethodHead:
		o.headBucket(w, r, path)
	default:
		return false
	}
	return true
}

// SetBucketRegion records the region a bucket lives in (default us-east-1).
func (o *S3) SetBucketRegion(name, region string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if b := o.buckets[name]; b != nil {
		b.region = region
	}
}

func (o *S3) listBuckets(w http.ResponseWriter, r *http.Request) {
	const op = "s3:ListBuckets"
	if !o.s.Admit(w, r, RESTXML, op) || o.s.checkDenied(w, r, RESTXML, op) {
		return
	}
	q := r.URL.Query()
	size := 10000
	if v := q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			WriteError(w, RESTXML, http.StatusBadRequest, "InvalidArgument", "max-buckets must be between 1 and 10000")
			return
		}
		size = n
	}
	size = min(size, o.s.pageSize("s3", size))
	c := Caller(r)
	prefix := q.Get("prefix")
	o.mu.Lock()
	var names []string
	for _, name := range sortedKeys(o.buckets) {
		if o.buckets[name].owner == c.Account && strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	regions := map[string]string{}
	for _, n := range names {
		regions[n] = o.buckets[n].regionOrDefault()
	}
	o.mu.Unlock()
	page, next := pageOf(names, q.Get("continuation-token"), size)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	fmt.Fprintf(&b, "<Owner><ID>%s</ID></Owner><Buckets>", xmlEscape("canonical-"+c.Account))
	for _, n := range page {
		fmt.Fprintf(&b, "<Bucket><Name>%s</Name><CreationDate>2025-01-01T00:00:00.000Z</CreationDate><BucketRegion>%s</BucketRegion></Bucket>",
			xmlEscape(n), xmlEscape(regions[n]))
	}
	b.WriteString("</Buckets>")
	if next != "" {
		fmt.Fprintf(&b, "<ContinuationToken>%s</ContinuationToken>", xmlEscape(next))
	}
	if prefix != "" {
		fmt.Fprintf(&b, "<Prefix>%s</Prefix>", xmlEscape(prefix))
	}
	b.WriteString("</ListAllMyBucketsResult>")
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write([]byte(b.String()))
}

func (o *S3) headBucket(w http.ResponseWriter, r *http.Request, name string) {
	const op = "s3:HeadBucket"
	if !o.s.Admit(w, r, RESTXML, op, name) || o.s.checkDenied(w, r, RESTXML, op) {
		return
	}
	c := Caller(r)
	o.mu.Lock()
	b := o.buckets[name]
	var owner, region string
	if b != nil {
		owner, region = b.owner, b.regionOrDefault()
	}
	o.mu.Unlock()
	switch {
	case b == nil:
		w.WriteHeader(http.StatusNotFound)
	case owner != c.Account:
		w.WriteHeader(http.StatusForbidden)
	default:
		w.Header().Set("x-amz-bucket-region", region)
		w.WriteHeader(http.StatusOK)
	}
}

func (b *s3Bucket) regionOrDefault() string {
	if b.region == "" {
		return "us-east-1"
	}
	return b.region
}
