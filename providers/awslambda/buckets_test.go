package awslambda

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// bucketStmt trusts S3 notifications from a bucket, optionally pinning the owner.
func bucketStmt(fn, bucket, owner string) string {
	cond := `"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::` + bucket + `"}`
	if owner != "" {
		cond += `,"StringEquals":{"AWS:SourceAccount":"` + owner + `"}`
	}
	return fmt.Sprintf(`{"Sid":"s3-%s","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:%s","Condition":{%s}}`, bucket, fn, cond)
}

// seedBuckets: one account whose functions trust three buckets by name
// without an owner pin — its own, another account's, and one that exists
// nowhere — and a fourth with aws:SourceAccount (no ownership question).
func seedBuckets(t *testing.T) *awstest.Server {
	s := awstest.New(t)
	a := s.AddAccount(mgmtAcct)
	s.AddAccount("999999999999")
	for _, b := range []string{"acme-a", "acme-b", "acme-uploads", "acme-z"} {
		s.S3().CreateBucket(b, mgmtAcct)
	}
	s.S3().CreateBucket("partner-drop", "999999999999")
	s.S3().SetBucketRegion("partner-drop", "eu-west-1")
	s.SetPageSize("s3", 2)
	east := a.AddRegion("us-east-1")
	east.Functions = []*awstest.Function{
		{Name: "ingest", Runtime: "python3.12", Handler: "h", Policy: doc(bucketStmt("ingest", "acme-uploads", ""), bucketStmt("ingest", "partner-drop", ""))},
		{Name: "legacy", Runtime: "python3.12", Handler: "h", Policy: doc(bucketStmt("legacy", "acme-old-uploads", ""))},
		{Name: "pinned", Runtime: "python3.12", Handler: "h", Policy: doc(bucketStmt("pinned", "gone-bucket", mgmtAcct))},
	}
	return s
}

func TestCollectBucketOwners(t *testing.T) {
	t.Parallel()
	s := seedBuckets(t)
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []audit.BucketOwnership{
		{Name: "acme-old-uploads", Owner: audit.BucketNotFound, Source: audit.Source{API: "s3:HeadBucket", Ref: "arn:aws:s3:::acme-old-uploads"}},
		{Name: "acme-uploads", Owner: audit.BucketOwnedByAccount, Source: audit.Source{API: "s3:ListBuckets", Ref: mgmtAcct}},
		{Name: "partner-drop", Owner: audit.BucketOwnedElsewhere, Source: audit.Source{API: "s3:HeadBucket", Ref: "arn:aws:s3:::partner-drop"}},
	}
	if len(inv.Accounts) != 1 {
		t.Fatalf("accounts = %+v", inv.Accounts)
	}
	if diff := cmp.Diff(want, inv.Accounts[0].Buckets); diff != "" {
		t.Errorf("buckets (-want +got):\n%s", diff)
	}
	// Four own buckets at two a page: two ListBuckets pages, once for the
	// account; a HeadBucket for each name the account does not own.
	if got := s.Calls("s3:ListBuckets"); got != 2 {
		t.Errorf("s3:ListBuckets called %d times, want 2", got)
	}
	if got := s.Calls("s3:HeadBucket"); got != 2 {
		t.Errorf("s3:HeadBucket called %d times, want 2", got)
	}
	if err := inv.Validate(); err != nil {
		t.Errorf("inventory does not validate: %v", err)
	}
}

// TestCollectBucketOwnersDenied: a refused ListBuckets leaves every named
// bucket's owner unknown — never "the account's".
func TestCollectBucketOwnersDenied(t *testing.T) {
	t.Parallel()
	s := seedBuckets(t)
	s.Inject(awstest.Fault{Op: "s3:ListBuckets", Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	for _, b := range inv.Accounts[0].Buckets {
		if b.Owner != audit.BucketOwnerUnknown || b.Message != "s3:ListBuckets: access-denied" {
			t.Errorf("bucket %+v, want unknown with the reason", b)
		}
	}
	if len(inv.Accounts[0].Buckets) != 3 {
		t.Errorf("buckets = %+v", inv.Accounts[0].Buckets)
	}
	if got := s.Calls("s3:HeadBucket"); got != 0 {
		t.Errorf("s3:HeadBucket called %d times after ListBuckets failed", got)
	}
}

// TestCollectNoBucketSources: an account whose policies name no bucket makes
// no S3 call.
func TestCollectNoBucketSources(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount(mgmtAcct).AddRegion("us-east-1").Functions = []*awstest.Function{
		{Name: "pinned", Runtime: "python3.12", Handler: "h", Policy: doc(bucketStmt("pinned", "acme-uploads", mgmtAcct))}}
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if got := s.Calls("s3:ListBuckets") + s.Calls("s3:HeadBucket"); got != 0 {
		t.Errorf("%d S3 calls without a bucket source", got)
	}
	if inv.Accounts[0].Buckets != nil {
		t.Errorf("buckets = %+v", inv.Accounts[0].Buckets)
	}
}

func TestBucketSources(t *testing.T) {
	t.Parallel()
	fn := func(policy string) audit.Function {
		return audit.Function{AWS: &audit.AWSFunction{Policies: []audit.ResourcePolicy{{Document: []byte(policy)}}}}
	}
	got := bucketSources([]audit.Function{
		fn(doc(bucketStmt("f", "b-two", ""), bucketStmt("f", "a-one", ""))),
		fn(doc(bucketStmt("f", "b-two", ""), bucketStmt("f", "pinned", mgmtAcct))),
		fn(doc(`{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":["arn:aws:s3:::wild-*","arn:aws:s3:::c-three/in/*"]}}}`)),
		fn(doc(`{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::deny-only"}}}`)),
		fn(`not json`),
		{},
	})
	if diff := cmp.Diff([]string{"a-one", "b-two", "c-three"}, got); diff != "" {
		t.Errorf("bucket sources (-want +got):\n%s", diff)
	}
}
