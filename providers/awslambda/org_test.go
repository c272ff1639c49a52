package awslambda

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// TestCollectOrgMembershipWithoutOrgRole: a plain scan from the management
// account lists the organization's accounts once (paginated), without
// auditing them, so same-org grants are judged inside.
func TestCollectOrgMembershipWithoutOrgRole(t *testing.T) {
	t.Parallel()
	s := seedEstate(t)
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []audit.Organization{{Provider: audit.AWS, ID: org, Account: mgmtAcct, MembersKnown: true,
		Members: []string{mgmtAcct, memberAcct, lockedAcct}, Source: audit.Source{API: apiListAccounts}}}
	sort.Strings(want[0].Members)
	if diff := cmp.Diff(want, inv.Organizations); diff != "" {
		t.Errorf("organizations (-want +got):\n%s", diff)
	}
	// Three accounts at a page size of two: two pages, read once.
	if got := s.Calls("organizations:ListAccounts"); got != 2 {
		t.Errorf("organizations:ListAccounts called %d times, want 2 (two pages, once per run)", got)
	}
	for _, a := range inv.Accounts {
		if a.ID != mgmtAcct {
			t.Errorf("account %s audited without an org role", a.ID)
		}
	}
}

// TestCollectOrgMembershipOnceWithOrgRole: the OrgRole scan reuses the one
// listing for its targets and the membership record.
func TestCollectOrgMembershipOnceWithOrgRole(t *testing.T) {
	t.Parallel()
	s := seedEstate(t)
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, OrgRole: auditRole, ExternalID: "acme-audit"})
	if got := s.Calls("organizations:ListAccounts"); got != 2 {
		t.Errorf("organizations:ListAccounts called %d times, want 2 (two pages, once per run)", got)
	}
	if len(inv.Organizations) != 1 || !inv.Organizations[0].MembersKnown || len(inv.Organizations[0].Members) != 3 {
		t.Errorf("organizations = %+v", inv.Organizations)
	}
}

// TestCollectOrgMembershipDenied: a member account may describe its
// organization but not list its accounts: the membership is recorded as
// unknown, with the reason, once; no gap per function.
func TestCollectOrgMembershipDenied(t *testing.T) {
	t.Parallel()
	s := seedEstate(t)
	inv := collect(t, s, memberAcct, Options{Regions: []string{"us-east-1"}})
	want := []audit.Organization{{Provider: audit.AWS, ID: org, Account: memberAcct,
		Reason: "organizations:ListAccounts: access-denied", Source: audit.Source{API: apiListAccounts}}}
	if diff := cmp.Diff(want, inv.Organizations); diff != "" {
		t.Errorf("organizations (-want +got):\n%s", diff)
	}
	for _, g := range inv.Gaps {
		if g.API == apiListAccounts {
			t.Errorf("a denied organization listing became a gap: %+v", g)
		}
	}
	r := audit.Analyze(inv, nil, audit.Config{Now: fixedNow})
	n := 0
	for _, w := range r.Warnings {
		if strings.Contains(w, "could not be listed") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("want one warning about the membership, got %q", r.Warnings)
	}
}

// TestCollectNoOrganization: an account in no organization records nothing.
func TestCollectNoOrganization(t *testing.T) {
	t.Parallel()
	s := awstest.New(t)
	s.AddAccount(mgmtAcct).AddRegion("us-east-1")
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if len(inv.Organizations) != 0 {
		t.Errorf("organizations = %+v, want none", inv.Organizations)
	}
	if got := s.Calls("organizations:ListAccounts"); got != 0 {
		t.Errorf("organizations:ListAccounts called %d times outside an organization", got)
	}
}

// TestCollectOrgDescribeDenied: when the organization itself cannot be
// described, the record says so (no id, unknown membership).
func TestCollectOrgDescribeDenied(t *testing.T) {
	t.Parallel()
	s := seedEstate(t)
	s.Inject(awstest.Fault{Op: "organizations:DescribeOrganization", Status: 400, Code: "AccessDeniedException",
		Message: "You don't have permissions to access this resource."})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []audit.Organization{{Provider: audit.AWS, Account: mgmtAcct,
		Reason: "organizations:DescribeOrganization: access-denied", Source: audit.Source{API: "organizations:DescribeOrganization"}}}
	if diff := cmp.Diff(want, inv.Organizations); diff != "" {
		t.Errorf("organizations (-want +got):\n%s", diff)
	}
	if got := s.Calls("organizations:ListAccounts"); got != 0 {
		t.Errorf("organizations:ListAccounts called %d times without an organization id", got)
	}
	if err := inv.Validate(); err != nil {
		t.Errorf("inventory does not validate: %v", err)
	}
}
