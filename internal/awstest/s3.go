package awstest

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

func init() {
	mounts = append(mounts, func(s *Server) {
		s.Mount("s3", &S3{s: s, buckets: map[string]*s3Bucket{}, uploads: map[string]*s3Upload{}, minPart: S3MinPartSize})
	})
}

// S3 is the server's object store: GetObject and PutObject over S3's REST-XML
// protocol with path-style addressing (which the SDK uses for an IP-address
// endpoint such as the server's, or with the client's UsePathStyle option). It
// decodes aws-chunked uploads, checks and returns CRC32 checksums as S3 does,
// lets only the bucket owner's callers in, answers 403 AccessDenied when the
// x-amz-expected-bucket-owner header names another account, and honours
// If-None-Match: * on PutObject (412 PreconditionFailed when the key exists).
// It also speaks the multipart upload API (s3_multipart.go). Server.S3
// returns it.
type S3 struct {
	s *Server

	mu      sync.Mutex
	buckets map[string]*s3Bucket
	uploads map[string]*s3Upload // by upload id
	minPart int64                // the smallest part but the last (SetMinPartSize)
	seq     int
}

type s3Bucket struct {
	owner   string
	objects map[string]*s3Object
	region  string
}

// s3Object is a stored object: its bytes as the pieces it was uploaded in
// (one for PutObject, one per part for a multipart upload, so completing an
// upload copies nothing) and its ETag.
type s3Object struct {
	pieces [][]byte
	size   int
	etag   string // quoted
}

// bytes returns the object's content in one slice.
func (o *s3Object) bytes() []byte {
	if len(o.pieces) == 1 {
		return o.pieces[0]
	}
	out := make([]byte, 0, o.size)
	for _, p := range o.pieces {
		out = append(out, p...)
	}
	return out
}

// singleObject is an object written in one piece.
func singleObject(data []byte) *s3Object {
	sum := md5.Sum(data)
	return &s3Object{pieces: [][]byte{data}, size: len(data), etag: `"` + hex.EncodeToString(sum[:]) + `"`}
}

// S3 returns the server's S3 service.
func (s *Server) S3() *S3 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services["s3"].(*S3)
}

// CreateBucket adds an empty bucket owned by account; only the owner's callers
// may read and write it.
func (o *S3) CreateBucket(name, owner string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.buckets[name] == nil {
		o.buckets[name] = &s3Bucket{owner: owner, objects: map[string]*s3Object{}}
	}
}

// PutObject stores an object, creating nothing: the bucket must exist.
func (o *S3) PutObject(bucket, key string, data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buckets[bucket].objects[key] = singleObject(append([]byte(nil), data...))
}

// Object returns an object's content.
func (o *S3) Object(bucket, key string) ([]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.buckets[bucket]
	if b == nil {
		return nil, false
	}
	obj, ok := b.objects[key]
	if !ok {
		return nil, false
	}
	return obj.bytes(), true
}

// Keys returns the keys of a bucket's objects, sorted.
func (o *S3) Keys(bucket string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if b := o.buckets[bucket]; b != nil {
		return sortedKeys(b.objects)
	}
	return nil
}

// ServeHTTP serves path-style object requests: GET and PUT /bucket/key, and
// the multipart upload calls on /bucket/key (s3_multipart.go).
func (o *S3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o.serveBuckets(w, r) { // ListBuckets, HeadBucket (s3_buckets.go)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	var op string
	switch {
	case key == "":
		op = "s3:" + r.Method + "Bucket"
	case r.Method == http.MethodPost && q.Has("uploads"):
		op = "s3:CreateMultipartUpload"
	case r.Method == http.MethodPut && q.Has("uploadId"):
		op = "s3:UploadPart"
	case r.Method == http.MethodPost && q.Has("uploadId"):
		op = "s3:CompleteMultipartUpload"
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		op = "s3:AbortMultipartUpload"
	case r.Method == http.MethodGet:
		op = "s3:GetObject"
	case r.Method == http.MethodPut:
		op = "s3:PutObject"
	default:
		op = "s3:" + r.Method + "Object"
	}
	if !o.s.Admit(w, r, RESTXML, op, bucket+"/"+key) || o.s.checkDenied(w, r, RESTXML, op) {
		return
	}
	if !o.implemented(op) {
		WriteError(w, RESTXML, http.StatusNotImplemented, "NotImplemented", "awstest: "+op+" is not implemented")
		return
	}
	c := Caller(r)
	o.mu.Lock()
	b := o.buckets[bucket]
	o.mu.Unlock()
	switch {
	case b == nil:
		WriteError(w, RESTXML, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	case b.owner != c.Account:
		WriteError(w, RESTXML, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	case r.Header.Get("x-amz-expected-bucket-owner") != "" && r.Header.Get("x-amz-expected-bucket-owner") != b.owner:
		// S3 answers a request whose expected owner is not the bucket's with
		// 403, whatever the caller may do.
		WriteError(w, RESTXML, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}

	switch op {
	case "s3:GetObject":
		o.getObject(w, b, key)
	case "s3:PutObject":
		o.putObject(w, r, b, key)
	default:
		o.serveMultipart(w, r, op, bucket, key)
	}
}

// implemented reports whether the server answers op.
func (o *S3) implemented(op string) bool {
	switch op {
	case "s3:GetObject", "s3:PutObject", "s3:CreateMultipartUpload", "s3:UploadPart",
		"s3:CompleteMultipartUpload", "s3:AbortMultipartUpload":
		return true
	}
	return false
}

func (o *S3) getObject(w http.ResponseWriter, b *s3Bucket, key string) {
	o.mu.Lock()
	obj, ok := b.objects[key]
	o.mu.Unlock()
	if !ok {
		WriteError(w, RESTXML, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	w.Header().Set("ETag", obj.etag)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(obj.size))
	if len(obj.pieces) == 1 {
		// S3 returns a whole-object CRC32 for an object written in one piece;
		// a multipart object's checksum is of its parts, which GetObject
		// returns only with PartNumber.
		w.Header().Set("x-amz-checksum-crc32", crc32Base64(obj.pieces[0]))
	}
	for _, p := range obj.pieces {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

func (o *S3) putObject(w http.ResponseWriter, r *http.Request, b *s3Bucket, key string) {
	data, sums, err := readS3Body(r)
	if err != nil {
		WriteError(w, RESTXML, http.StatusBadRequest, "IncompleteBody", err.Error())
		return
	}
	if !checkCRC32(w, data, sums) {
		return
	}
	obj := singleObject(data)
	if r.Header.Get("If-None-Match") == "*" {
		// A conditional write: only when no object has the key. Checked and
		// stored under one lock, so two racing writes cannot both succeed.
		o.mu.Lock()
		_, exists := b.objects[key]
		if !exists {
			b.objects[key] = obj
		}
		o.mu.Unlock()
		if exists {
			WriteError(w, RESTXML, http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
			return
		}
	} else {
		o.mu.Lock()
		b.objects[key] = obj
		o.mu.Unlock()
	}
	w.Header().Set("ETag", obj.etag)
	w.Header().Set("x-amz-checksum-crc32", crc32Base64(data))
	w.WriteHeader(http.StatusOK)
}

func crc32Base64(data []byte) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.ChecksumIEEE(data))
	return base64.StdEncoding.EncodeToString(b[:])
}

// readS3Body reads an upload, decoding the aws-chunked encoding the SDK uses
// for streaming uploads and trailing checksums. It returns the data and the
// checksums the request carried, in headers or in aws-chunked trailers, by
// algorithm in lower case ("crc32", "crc32c", "sha256").
func readS3Body(r *http.Request) ([]byte, map[string]string, error) {
	sums := map[string]string{}
	for name, vs := range r.Header {
		if alg, ok := checksumHeader(name); ok && len(vs) > 0 {
			sums[alg] = vs[0]
		}
	}
	chunked := strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") ||
		strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-")
	if !chunked {
		data, err := readSized(r.Body, r.ContentLength)
		return data, sums, err
	}
	want := int64(-1)
	if dl := r.Header.Get("X-Amz-Decoded-Content-Length"); dl != "" {
		if n, err := strconv.ParseInt(dl, 10, 64); err == nil {
			want = n
		}
	}
	out := bytes.NewBuffer(make([]byte, 0, max(0, min(want, 1<<31))))
	br := bufio.NewReader(r.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, nil, fmt.Errorf("aws-chunked: reading chunk header: %w", err)
		}
		sizeHex, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		size, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil || size < 0 {
			return nil, nil, fmt.Errorf("aws-chunked: bad chunk size %q", sizeHex)
		}
		if size == 0 {
			break // trailers (checksums) follow; the stored data is complete
		}
		if _, err := io.CopyN(out, br, size); err != nil {
			return nil, nil, fmt.Errorf("aws-chunked: short chunk: %w", err)
		}
		if crlf, err := br.ReadString('\n'); err != nil || strings.TrimSpace(crlf) != "" {
			return nil, nil, fmt.Errorf("aws-chunked: missing chunk terminator")
		}
	}
	// Trailers: "name:value" lines up to an empty line or the body's end.
	for {
		line, err := br.ReadString('\n')
		if name, value, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			if alg, ok := checksumHeader(name); ok {
				sums[alg] = strings.TrimSpace(value)
			}
		}
		if err != nil || strings.TrimSpace(line) == "" {
			break
		}
	}
	if want >= 0 && want != int64(out.Len()) {
		return nil, nil, fmt.Errorf("aws-chunked: decoded %d bytes, header says %d", out.Len(), want)
	}
	return out.Bytes(), sums, nil
}

// readSized reads a body of n bytes (unknown when negative) into a slice of
// that size.
func readSized(body io.Reader, n int64) ([]byte, error) {
	if n < 0 || n > 1<<31 {
		return io.ReadAll(body)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(body, data); err != nil {
		return nil, fmt.Errorf("body shorter than its Content-Length %d: %w", n, err)
	}
	return data, nil
}

// checksumHeader reports whether a header or trailer name carries a checksum
// value (x-amz-checksum-crc32 and the like), and of which algorithm.
func checksumHeader(name string) (string, bool) {
	const prefix = "x-amz-checksum-"
	n := strings.ToLower(name)
	if !strings.HasPrefix(n, prefix) {
		return "", false
	}
	alg := strings.TrimPrefix(n, prefix)
	if alg == "algorithm" || alg == "type" || alg == "mode" {
		return "", false
	}
	return alg, true
}

// checkCRC32 writes S3's BadDigest answer and reports false when the request
// carried a CRC32 that is not data's.
func checkCRC32(w http.ResponseWriter, data []byte, sums map[string]string) bool {
	if want, ok := sums["crc32"]; ok && want != crc32Base64(data) {
		WriteError(w, RESTXML, http.StatusBadRequest, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
		return false
	}
	return true
}
