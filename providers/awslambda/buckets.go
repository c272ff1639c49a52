package awslambda

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// Whose bucket is it? An S3 source ARN (arn:aws:s3:::name) names no account,
// so a resource policy that trusts a bucket by name without aws:SourceAccount
// trusts whoever owns that name. For the buckets such statements name, the
// collector decides per account, once:
//
//   - s3:ListBuckets (paginated with ContinuationToken) lists the buckets the
//     account owns: a listed name is the account's own.
//   - For a name it does not list, s3:HeadBucket: 404 (NotFound /
//     NoSuchBucket) means no bucket has the name — anyone can create it; 403
//     (another account's bucket the auditor may not read), 301 (a bucket in
//     another region) or 200 (another account's bucket the auditor may read)
//     mean it exists, owned elsewhere. Any other answer leaves the owner
//     unknown.
//
// HeadBucket's IAM permission is s3:ListBucket on the bucket. The auditor is
// not granted it and needs not be: it asks only about buckets its account
// does not own, where S3 answers 403 for an existing bucket and 404 for a
// missing one whatever the caller's own permissions. So the auditor's policy
// gains only ListBuckets' IAM action, s3:ListAllMyBuckets.

// s3API lists the account's buckets (IAM action s3:ListAllMyBuckets).
type s3API interface {
	ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
}

// bucketProbeAPI asks whether a bucket of another account exists. It needs no
// permission of the auditor (see above), so it is not in Permissions().
type bucketProbeAPI interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

var (
	_ s3API          = (*s3.Client)(nil)
	_ bucketProbeAPI = (*s3.Client)(nil)
)

const (
	apiListBuckets = "s3:ListBuckets"
	apiHeadBucket  = "s3:HeadBucket"
	// s3Rate paces the bucket calls of one account (requests per second);
	// far below S3's rates, and there are few of them.
	s3Rate = 10
	// listBucketsPage is the page size asked of ListBuckets.
	listBucketsPage = 1000
)

// s3Client is the paced S3 client of an account. ListBuckets is global;
// HeadBucket of a bucket in another region answers 301, which is an answer.
func s3Client(cfg aws.Config) *s3.Client {
	lim := rate.NewLimiter(s3Rate, 1)
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.Region = "us-east-1"
		o.APIOptions = append(o.APIOptions, paceMiddleware(func(string) *rate.Limiter { return lim }))
		if o.BaseEndpoint != nil {
			// A custom endpoint (a local S3, or an emulator) is reached by
			// path: bucket host names need DNS the endpoint does not have.
			o.UsePathStyle = true
		}
	})
}

// bucketSources returns the S3 bucket names that Allow statements of the
// functions' resource policies trust by aws:SourceArn without an
// aws:SourceAccount or aws:SourceOwner pin, sorted and once each.
func bucketSources(fns []audit.Function) []string {
	seen := map[string]bool{}
	for i := range fns {
		if fns[i].AWS == nil {
			continue
		}
		for _, p := range fns[i].AWS.Policies {
			d, err := policy.Parse(p.Document)
			if err != nil {
				continue
			}
			for _, st := range d.Statements {
				if st.Effect != policy.EffectAllow {
					continue
				}
				var names []string
				pinned := false
				for _, c := range st.Conditions {
					switch {
					case c.KeyIs("aws:SourceAccount") || c.KeyIs("aws:SourceOwner"):
						pinned = pinned || !c.Op.Negated()
					case c.KeyIs("aws:SourceArn"):
						for _, v := range c.Values {
							if b := policy.S3BucketName(v); b != "" {
								names = append(names, b)
							}
						}
					}
				}
				if !pinned {
					for _, n := range names {
						seen[n] = true
					}
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// bucketOwners decides whose each named bucket is, with one ListBuckets
// listing and a HeadBucket per name the account does not own.
func bucketOwners(ctx context.Context, list s3API, probe bucketProbeAPI, acct string, names []string) []audit.BucketOwnership {
	if len(names) == 0 {
		return nil
	}
	out := make([]audit.BucketOwnership, 0, len(names))
	owned, err := listBuckets(ctx, list)
	if err != nil {
		msg := apiListBuckets + ": " + string(classify(err))
		for _, n := range names {
			out = append(out, audit.BucketOwnership{Name: n, Owner: audit.BucketOwnerUnknown, Message: msg,
				Source: audit.Source{API: apiListBuckets, Ref: acct}})
		}
		return out
	}
	for _, n := range names {
		if owned[n] {
			out = append(out, audit.BucketOwnership{Name: n, Owner: audit.BucketOwnedByAccount,
				Source: audit.Source{API: apiListBuckets, Ref: acct}})
			continue
		}
		b := audit.BucketOwnership{Name: n, Source: audit.Source{API: apiHeadBucket, Ref: "arn:aws:s3:::" + n}}
		b.Owner, b.Message = headBucket(ctx, probe, n)
		out = append(out, b)
	}
	return out
}

// listBuckets returns the names of the buckets the account owns.
func listBuckets(ctx context.Context, api s3API) (map[string]bool, error) {
	out := map[string]bool{}
	p := s3.NewListBucketsPaginator(api, &s3.ListBucketsInput{MaxBuckets: aws.Int32(listBucketsPage)})
	marks := markers{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("s3 list buckets", "", err)
		}
		for _, b := range page.Buckets {
			if n := deref(b.Name); n != "" {
				out[n] = true
			}
		}
		if marks.repeated(page.ContinuationToken) {
			return nil, wrap("s3 list buckets", "", errRepeatedMarker)
		}
	}
	return out, nil
}

// headBucket classifies S3's answer about a bucket the account does not own.
func headBucket(ctx context.Context, api bucketProbeAPI, name string) (audit.BucketOwner, string) {
	_, err := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	if err == nil {
		return audit.BucketOwnedElsewhere, ""
	}
	var nf *s3types.NotFound
	var nsb *s3types.NoSuchBucket
	if errors.As(err, &nf) || errors.As(err, &nsb) {
		return audit.BucketNotFound, ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && strings.EqualFold(ae.ErrorCode(), "NoSuchBucket") {
		return audit.BucketNotFound, ""
	}
	switch httpStatus(err) {
	case 404:
		return audit.BucketNotFound, ""
	case 403, 301:
		return audit.BucketOwnedElsewhere, ""
	}
	return audit.BucketOwnerUnknown, apiHeadBucket + ": " + string(classify(err))
}

// judgeBuckets records, on the account, whose the buckets its functions
// trust by name are.
func (r *run) judgeBuckets(ctx context.Context, t target, fns []audit.Function) {
	names := bucketSources(fns)
	if len(names) == 0 {
		return
	}
	c := s3Client(t.cfg)
	owners := bucketOwners(ctx, c, c, t.id, names)
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.accounts {
		if r.accounts[i].Provider == audit.AWS && r.accounts[i].ID == t.id {
			r.accounts[i].Buckets = owners
			return
		}
	}
}
