package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOrganizationMembership(t *testing.T) {
	t.Parallel()
	fn := Function{Provider: AWS, Account: "123456789012", Region: "us-east-1", Name: "f", ID: "arn:aws:lambda:us-east-1:123456789012:function:f"}
	known := &Inventory{Schema: InventorySchema, Functions: []Function{fn},
		Accounts:      []Account{{Provider: AWS, ID: "123456789012", OrgID: "o-a1b2c3d4e5"}},
		Organizations: []Organization{{Provider: AWS, ID: "o-a1b2c3d4e5", Account: "123456789012", MembersKnown: true, Members: []string{"123456789012", "210987654321"}}}}
	unknown := &Inventory{Schema: InventorySchema, Functions: []Function{},
		Organizations: []Organization{{Provider: AWS, ID: "o-a1b2c3d4e5", Account: "555555555555", Reason: "access denied"}}}

	var got []bool
	probe := Rule{ID: "T-1", Slug: "t", Provider: AWS, Category: CrossAccountInvoke, Severity: Low, Check: func(p *Pass) {
		got = []bool{p.OrgMember("o-a1b2c3d4e5", "210987654321"), p.OrgMember("o-a1b2c3d4e5", "999999999999"), p.OrgMember("o-zzzzzzzzzz", "210987654321")}
	}}
	r := Analyze(known, []Rule{probe}, Config{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if diff := cmp.Diff([]bool{true, false, false}, got); diff != "" {
		t.Errorf("OrgMember (-want +got):\n%s", diff)
	}
	for _, w := range r.Warnings {
		if strings.Contains(w, "organization") {
			t.Errorf("a known membership warns: %q", w)
		}
	}

	// Merged with a record that could not list the members, the known
	// membership wins, and nothing warns.
	m, _ := MergeChecked(unknown, known)
	if len(m.Organizations) != 1 || !m.Organizations[0].MembersKnown {
		t.Fatalf("merged organizations = %+v", m.Organizations)
	}
	r = Analyze(unknown, nil, Config{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	var orgW []string
	for _, w := range r.Warnings {
		if strings.Contains(w, "o-a1b2c3d4e5") {
			orgW = append(orgW, w)
		}
	}
	if len(orgW) != 1 || !strings.Contains(orgW[0], "access denied") || !strings.Contains(orgW[0], "judged as outside") {
		t.Errorf("want one warning about the unknown membership, got %q", r.Warnings)
	}
}

func TestMergeBuckets(t *testing.T) {
	t.Parallel()
	a := &Inventory{Schema: InventorySchema, Accounts: []Account{{Provider: AWS, ID: "123456789012",
		Buckets: []BucketOwnership{{Name: "b1", Owner: BucketOwnerUnknown}, {Name: "b2", Owner: BucketOwnedByAccount}}}}}
	b := &Inventory{Schema: InventorySchema, Accounts: []Account{{Provider: AWS, ID: "123456789012",
		Buckets: []BucketOwnership{{Name: "b1", Owner: BucketNotFound}, {Name: "b3", Owner: BucketOwnedElsewhere}}}}}
	m := Merge(a, b)
	want := []BucketOwnership{{Name: "b1", Owner: BucketNotFound}, {Name: "b2", Owner: BucketOwnedByAccount}, {Name: "b3", Owner: BucketOwnedElsewhere}}
	if diff := cmp.Diff(want, m.Accounts[0].Buckets); diff != "" {
		t.Errorf("merged buckets (-want +got):\n%s", diff)
	}
	if a.Accounts[0].Buckets[0].Owner != BucketOwnerUnknown {
		t.Errorf("Merge changed its input")
	}
}
