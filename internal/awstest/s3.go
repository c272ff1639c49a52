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
	mounts = append(mounts, func(s *Server) { s.Mount("s3", &S3{s: s, buckets: map[string]*s3Bucket{}}) })
}

// S3 is the server's object store: GetObject and PutObject over S3's REST-XML
// protocol with path-style addressing (which the SDK uses for an IP-address
// endpoint such as the server's, or with the client's UsePathStyle option). It
// decodes aws-chunked uploads, checks and returns CRC32 checksums as S3 does,
// lets only the bucket owner's callers in, answers 403 AccessDenied when the
// x-amz-expected-bucket-owner header names another account, and honours
// If-None-Match: * on PutObject (412 PreconditionFailed when the key exists). Server.S3 returns it.
type S3 struct {
	s *Server

	mu      sync.Mutex
	buckets map[string]*s3Bucket
}

type s3Bucket struct {
	owner   string
	objects map[string][]byte
	region  string
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
		o.buckets[name] = &s3Bucket{owner: owner, objects: map[string][]byte{}}
	}
}

// PutObject stores an object, creating nothing: the bucket must exist.
func (o *S3) PutObject(bucket, key string, data []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buckets[bucket].objects[key] = append([]byte(nil), data...)
}

// Object returns an object's content.
func (o *S3) Object(bucket, key string) ([]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.buckets[bucket]
	if b == nil {
		return nil, false
	}
	data, ok := b.objects[key]
	return data, ok
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

// ServeHTTP serves path-style object requests: GET and PUT /bucket/key.
func (o *S3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o.serveBuckets(w, r) { // ListBuckets, HeadBucket (s3_buckets.go)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	var op string
	switch {
	case key == "":
		op = "s3:" + r.Method + "Bucket"
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
	if op != "s3:GetObject" && op != "s3:PutObject" {
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

	if op == "s3:GetObject" {
		data, ok := o.Object(bucket, key)
		if !ok {
			WriteError(w, RESTXML, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
			return
		}
		sum := md5.Sum(data)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Header().Set("x-amz-checksum-crc32", crc32Base64(data))
		_, _ = w.Write(data)
		return
	}

	data, err := readS3Body(r)
	if err != nil {
		WriteError(w, RESTXML, http.StatusBadRequest, "IncompleteBody", err.Error())
		return
	}
	if want := r.Header.Get("x-amz-checksum-crc32"); want != "" && want != crc32Base64(data) {
		WriteError(w, RESTXML, http.StatusBadRequest, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
		return
	}
	if r.Header.Get("If-None-Match") == "*" {
		// A conditional write: only when no object has the key. Checked and
		// stored under one lock, so two racing writes cannot both succeed.
		o.mu.Lock()
		_, exists := b.objects[key]
		if !exists {
			b.objects[key] = append([]byte(nil), data...)
		}
		o.mu.Unlock()
		if exists {
			WriteError(w, RESTXML, http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
			return
		}
	} else {
		o.PutObject(bucket, key, data)
	}
	sum := md5.Sum(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	w.Header().Set("x-amz-checksum-crc32", crc32Base64(data))
	w.WriteHeader(http.StatusOK)
}

func crc32Base64(data []byte) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.ChecksumIEEE(data))
	return base64.StdEncoding.EncodeToString(b[:])
}

// readS3Body reads an upload, decoding the aws-chunked encoding the SDK uses
// for streaming uploads and trailing checksums.
func readS3Body(r *http.Request) ([]byte, error) {
	chunked := strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") ||
		strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-")
	if !chunked {
		return io.ReadAll(r.Body)
	}
	var out bytes.Buffer
	br := bufio.NewReader(r.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("aws-chunked: reading chunk header: %w", err)
		}
		sizeHex, _, _ := strings.Cut(strings.TrimSpace(line), ";")
		size, err := strconv.ParseInt(sizeHex, 16, 64)
		if err != nil || size < 0 {
			return nil, fmt.Errorf("aws-chunked: bad chunk size %q", sizeHex)
		}
		if size == 0 {
			break // trailers (checksums) follow; the stored data is complete
		}
		if _, err := io.CopyN(&out, br, size); err != nil {
			return nil, fmt.Errorf("aws-chunked: short chunk: %w", err)
		}
		if crlf, err := br.ReadString('\n'); err != nil || strings.TrimSpace(crlf) != "" {
			return nil, fmt.Errorf("aws-chunked: missing chunk terminator")
		}
	}
	if dl := r.Header.Get("X-Amz-Decoded-Content-Length"); dl != "" {
		if n, err := strconv.Atoi(dl); err == nil && n != out.Len() {
			return nil, fmt.Errorf("aws-chunked: decoded %d bytes, header says %d", out.Len(), n)
		}
	}
	return out.Bytes(), nil
}
