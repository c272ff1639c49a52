package awstest

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// S3's multipart upload limits (Amazon S3 User Guide, "Amazon S3 multipart
// upload limits").
const (
	// S3MinPartSize is the smallest part of a multipart upload but the last:
	// 5 MiB. The last part may be smaller.
	S3MinPartSize = 5 << 20
	// S3MaxPartSize is the largest part: 5 GiB.
	S3MaxPartSize = 5 << 30
	// S3MaxParts is the most parts an upload has: part numbers run from 1 to
	// 10,000.
	S3MaxParts = 10000
)

// s3Upload is a multipart upload in progress.
type s3Upload struct {
	bucket, key string
	// algorithm is the checksum algorithm CreateMultipartUpload named
	// (x-amz-checksum-algorithm), in lower case; empty for none.
	algorithm string
	parts     map[int]*s3Part
}

// s3Part is an uploaded part.
type s3Part struct {
	data []byte
	etag string // quoted MD5 of data
	// alg is the algorithm of the checksum the part carried ("" for none)
	// and sum its value.
	alg, sum string
}

// SetMinPartSize lowers (or raises) the size every part but the last of a
// multipart upload must reach, S3MinPartSize by default, so a test can
// upload several parts without megabytes of data.
func (o *S3) SetMinPartSize(n int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.minPart = n
}

// Uploads returns the multipart uploads in progress (neither completed nor
// aborted) as "bucket/key" strings, sorted.
func (o *S3) Uploads() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, u := range o.uploads {
		out = append(out, u.bucket+"/"+u.key)
	}
	slices.Sort(out)
	return out
}

// serveMultipart answers the multipart upload calls on /bucket/key, for a
// caller already admitted to the bucket:
//
//   - CreateMultipartUpload (POST ?uploads): an upload id in an
//     InitiateMultipartUploadResult; x-amz-checksum-algorithm CRC32 or none.
//   - UploadPart (PUT ?partNumber=N&uploadId=U): the part's ETag (its MD5),
//     its CRC32 checked as PutObject checks it; a part number outside 1 to
//     10,000 is InvalidArgument, a part above 5 GiB EntityTooLarge.
//   - CompleteMultipartUpload (POST ?uploadId=U, a CompleteMultipartUpload
//     document): the object made of the listed parts, in a
//     CompleteMultipartUploadResult with the multipart ETag (the MD5 of the
//     parts' MD5s, "-" and the part count). A part not uploaded, with another
//     ETag or checksum, or whose checksum is of another algorithm than the
//     upload's is InvalidPart; parts not in ascending order InvalidPartOrder;
//     a part but the last below the minimum size EntityTooSmall; an upload
//     created with CRC32 needs each part's ChecksumCRC32 (InvalidRequest).
//     Uploaded parts the document leaves out are discarded.
//   - AbortMultipartUpload (DELETE ?uploadId=U): 204, the parts discarded.
//
// An upload id that is unknown, completed, aborted or of another bucket or
// key is NoSuchUpload (404).
func (o *S3) serveMultipart(w http.ResponseWriter, r *http.Request, op, bucket, key string) {
	if op == "s3:CreateMultipartUpload" {
		o.createUpload(w, r, bucket, key)
		return
	}
	id := r.URL.Query().Get("uploadId")
	o.mu.Lock()
	u := o.uploads[id]
	o.mu.Unlock()
	if u == nil || u.bucket != bucket || u.key != key {
		WriteError(w, RESTXML, http.StatusNotFound, "NoSuchUpload",
			"The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
		return
	}
	switch op {
	case "s3:UploadPart":
		o.uploadPart(w, r, u)
	case "s3:CompleteMultipartUpload":
		o.completeUpload(w, r, id, u)
	case "s3:AbortMultipartUpload":
		o.mu.Lock()
		delete(o.uploads, id)
		o.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}
}

const s3XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"

func (o *S3) createUpload(w http.ResponseWriter, r *http.Request, bucket, key string) {
	alg := strings.ToLower(r.Header.Get("x-amz-checksum-algorithm"))
	if alg != "" && alg != "crc32" {
		WriteError(w, RESTXML, http.StatusNotImplemented, "NotImplemented", "awstest: multipart uploads support the CRC32 checksum only, not "+alg)
		return
	}
	if t := r.Header.Get("x-amz-checksum-type"); t != "" && t != "COMPOSITE" {
		WriteError(w, RESTXML, http.StatusNotImplemented, "NotImplemented", "awstest: multipart uploads support composite checksums only, not "+t)
		return
	}
	o.mu.Lock()
	o.seq++
	sum := md5.Sum([]byte(fmt.Sprintf("%s/%s/%d", bucket, key, o.seq)))
	id := "awstest-" + hex.EncodeToString(sum[:])
	o.uploads[id] = &s3Upload{bucket: bucket, key: key, algorithm: alg, parts: map[int]*s3Part{}}
	o.mu.Unlock()
	if alg != "" {
		w.Header().Set("x-amz-checksum-algorithm", strings.ToUpper(alg))
		w.Header().Set("x-amz-checksum-type", "COMPOSITE")
	}
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<InitiateMultipartUploadResult xmlns="%s"><Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId></InitiateMultipartUploadResult>`,
		s3XMLNS, xmlEscape(bucket), xmlEscape(key), id)
}

func (o *S3) uploadPart(w http.ResponseWriter, r *http.Request, u *s3Upload) {
	n, err := strconv.Atoi(r.URL.Query().Get("partNumber"))
	if err != nil || n < 1 || n > S3MaxParts {
		WriteError(w, RESTXML, http.StatusBadRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
		return
	}
	if r.ContentLength > S3MaxPartSize {
		WriteError(w, RESTXML, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
		return
	}
	data, sums, err := readS3Body(r)
	if err != nil {
		WriteError(w, RESTXML, http.StatusBadRequest, "IncompleteBody", err.Error())
		return
	}
	if len(sums) > 1 {
		WriteError(w, RESTXML, http.StatusBadRequest, "InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		return
	}
	if !checkCRC32(w, data, sums) {
		return
	}
	md := md5.Sum(data)
	p := &s3Part{data: data, etag: `"` + hex.EncodeToString(md[:]) + `"`}
	for alg, sum := range sums {
		p.alg, p.sum = alg, sum
	}
	o.mu.Lock()
	u.parts[n] = p // a part uploaded again replaces the earlier one
	o.mu.Unlock()
	w.Header().Set("ETag", p.etag)
	if p.alg != "" {
		w.Header().Set("x-amz-checksum-"+p.alg, p.sum)
	}
	w.WriteHeader(http.StatusOK)
}

// completeRequest is the CompleteMultipartUpload document.
type completeRequest struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber    int
		ETag          string
		ChecksumCRC32 string
	} `xml:"Part"`
}

func (o *S3) completeUpload(w http.ResponseWriter, r *http.Request, id string, u *s3Upload) {
	body, _, err := readS3Body(r)
	if err != nil {
		WriteError(w, RESTXML, http.StatusBadRequest, "IncompleteBody", err.Error())
		return
	}
	var req completeRequest
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Parts) == 0 {
		WriteError(w, RESTXML, http.StatusBadRequest, "MalformedXML",
			"The XML you provided was not well-formed or did not validate against our published schema")
		return
	}
	const invalidPart = "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
	o.mu.Lock()
	minPart := o.minPart
	parts := make([]*s3Part, len(req.Parts))
	for i, rp := range req.Parts {
		if i > 0 && rp.PartNumber <= req.Parts[i-1].PartNumber {
			o.mu.Unlock()
			WriteError(w, RESTXML, http.StatusBadRequest, "InvalidPartOrder",
				"The list of parts was not in ascending order. The parts list must be specified in order by part number.")
			return
		}
	}
	for i, rp := range req.Parts {
		p := u.parts[rp.PartNumber]
		if p == nil || strings.Trim(rp.ETag, `"`) != strings.Trim(p.etag, `"`) || p.alg != u.algorithm {
			o.mu.Unlock()
			WriteError(w, RESTXML, http.StatusBadRequest, "InvalidPart", invalidPart)
			return
		}
		if u.algorithm == "crc32" {
			switch rp.ChecksumCRC32 {
			case "":
				o.mu.Unlock()
				WriteError(w, RESTXML, http.StatusBadRequest, "InvalidRequest", fmt.Sprintf(
					"The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.", rp.PartNumber))
				return
			case p.sum:
			default:
				o.mu.Unlock()
				WriteError(w, RESTXML, http.StatusBadRequest, "InvalidPart", invalidPart)
				return
			}
		}
		parts[i] = p
	}
	for _, p := range parts[:len(parts)-1] {
		if int64(len(p.data)) < minPart {
			o.mu.Unlock()
			WriteError(w, RESTXML, http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
			return
		}
	}
	obj := &s3Object{}
	mds := md5.New()
	crcs := crc32.NewIEEE()
	for _, p := range parts {
		obj.pieces = append(obj.pieces, p.data)
		obj.size += len(p.data)
		raw, _ := hex.DecodeString(strings.Trim(p.etag, `"`))
		mds.Write(raw)
		if p.alg == "crc32" {
			sum, _ := base64.StdEncoding.DecodeString(p.sum)
			crcs.Write(sum)
		}
	}
	obj.etag = fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(mds.Sum(nil)), len(parts))
	o.buckets[u.bucket].objects[u.key] = obj
	delete(o.uploads, id)
	o.mu.Unlock()

	checksum := ""
	if u.algorithm == "crc32" {
		// A composite checksum: the CRC32 of the parts' CRC32s, "-" and
		// the part count.
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], crcs.Sum32())
		checksum = fmt.Sprintf("<ChecksumCRC32>%s-%d</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>",
			base64.StdEncoding.EncodeToString(b[:]), len(parts))
	}
	w.Header().Set("Content-Type", "application/xml")
	_, _ = io.WriteString(w, fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<CompleteMultipartUploadResult xmlns="%s"><Location>%s</Location><Bucket>%s</Bucket><Key>%s</Key><ETag>%s</ETag>%s</CompleteMultipartUploadResult>`,
		s3XMLNS, xmlEscape(o.s.URL+"/"+u.bucket+"/"+u.key), xmlEscape(u.bucket), xmlEscape(u.key), xmlEscape(obj.etag), checksum))
}
