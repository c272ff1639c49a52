package awslambda

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// readOrganization runs ReadOrganization against the server with acct's
// credentials and the paced client Collect uses.
func readOrganization(t *testing.T, s *awstest.Server, acct string) (*OrgListing, error) {
	t.Helper()
	o := testOptions(s, acct, Options{})
	cfg, err := config.LoadDefaultConfig(context.Background(), o.ConfigOptions...)
	if err != nil {
		t.Fatal(err)
	}
	return ReadOrganization(context.Background(), OrganizationsClient(cfg), acct)
}

// orgCalls is how many Organizations calls the server received.
func orgCalls(s *awstest.Server) int { return s.Calls("organizations:*") }

// TestCollectGivenOrganization: a listing read once by ReadOrganization and
// given to Collect replaces Collect's own Organizations calls, and the
// inventory is the one Collect builds by reading the organization itself,
// with and without an org role.
func TestCollectGivenOrganization(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"plain", Options{Regions: []string{"us-east-1"}}},
		{"org role", Options{Regions: []string{"us-east-1"}, OrgRole: auditRole, ExternalID: "acme-audit"}},
		{"org role, one account", Options{Regions: []string{"us-east-1"}, OrgRole: auditRole, ExternalID: "acme-audit",
			Accounts: []string{memberAcct}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := collect(t, seedEstate(t), mgmtAcct, tc.opts)

			s := seedEstate(t)
			l, err := readOrganization(t, s, mgmtAcct)
			if err != nil || !l.Complete() {
				t.Fatalf("ReadOrganization = %+v, %v; want a complete listing", l, err)
			}
			// DescribeOrganization and two pages of ListAccounts.
			if n, pages := orgCalls(s), s.Calls("organizations:ListAccounts"); n != 3 || pages != 2 {
				t.Errorf("ReadOrganization made %d Organizations calls (%d ListAccounts), want 3 (2)", n, pages)
			}
			s.ResetCounters()
			o := tc.opts
			o.Organization = l
			got := collect(t, s, mgmtAcct, o)
			if n := orgCalls(s); n != 0 {
				t.Errorf("Collect with a listing made %d Organizations calls, want none", n)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("inventory with a given listing differs from Collect's own reading (-own +given):\n%s", diff)
			}
			if diff := cmp.Diff(l.Records, got.Organizations); diff != "" {
				t.Errorf("organizations are not the given records (-given +got):\n%s", diff)
			}
		})
	}
}

// TestCollectWithoutOrganizationListing: the zero value still reads the
// organization once per Collect.
func TestCollectWithoutOrganizationListing(t *testing.T) {
	t.Parallel()
	s := seedEstate(t)
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if d, l := s.Calls("organizations:DescribeOrganization"), s.Calls("organizations:ListAccounts"); d != 1 || l != 2 {
		t.Errorf("DescribeOrganization %d, ListAccounts %d; want 1 and 2 pages", d, l)
	}
	if len(inv.Organizations) != 1 || !inv.Organizations[0].MembersKnown {
		t.Errorf("organizations = %+v", inv.Organizations)
	}
}

// TestReadOrganizationAnswers: every outcome of the reading gives the record
// Collect would have stored itself, and says whether it is the whole answer.
func TestReadOrganizationAnswers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		server   func(t testing.TB) *awstest.Server
		acct     string
		complete bool
		listErr  string // a substring of ReadOrganization's error; "" for none
		accounts int
	}{
		{"management account", seedEstate, mgmtAcct, true, "", 3},
		{"member may not list", seedEstate, memberAcct, false, "AccessDenied", 0},
		{"no organization", func(t testing.TB) *awstest.Server {
			s := awstest.New(t)
			s.AddAccount(mgmtAcct).AddRegion("us-east-1")
			return s
		}, mgmtAcct, true, "", 0},
		{"describe denied", func(t testing.TB) *awstest.Server {
			s := seedEstate(t)
			s.Inject(awstest.Fault{Op: "organizations:DescribeOrganization", Status: 400, Code: "AccessDeniedException",
				Message: "You don't have permissions to access this resource."})
			return s
		}, mgmtAcct, false, "", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			own := collect(t, tc.server(t), tc.acct, Options{Regions: []string{"us-east-1"}})
			s := tc.server(t)
			l, err := readOrganization(t, s, tc.acct)
			switch {
			case tc.listErr == "" && err != nil, tc.listErr != "" && (err == nil || !strings.Contains(err.Error(), tc.listErr)):
				t.Errorf("error %v, want %q", err, tc.listErr)
			}
			if l == nil {
				t.Fatal("no listing")
			}
			if l.Complete() != tc.complete || len(l.Accounts) != tc.accounts {
				t.Errorf("listing %+v: complete %v, want %v; %d accounts, want %d", l, l.Complete(), tc.complete, len(l.Accounts), tc.accounts)
			}
			if diff := cmp.Diff(own.Organizations, l.Records); diff != "" {
				t.Errorf("records differ from Collect's own (-collect +listing):\n%s", diff)
			}
			// Given to Collect, even an incomplete listing is recorded as it is
			// and replaces every Organizations call.
			s.ResetCounters()
			got := collect(t, s, tc.acct, Options{Regions: []string{"us-east-1"}, Organization: l})
			if n := orgCalls(s); n != 0 {
				t.Errorf("Collect with a listing made %d Organizations calls", n)
			}
			if diff := cmp.Diff(l.Records, got.Organizations); diff != "" {
				t.Errorf("organizations (-given +got):\n%s", diff)
			}
		})
	}
}

// TestCollectGivenListingWithoutAccounts: an org-role Collect given a
// listing without accounts audits only the caller's account and says why,
// as when its own listing fails.
func TestCollectGivenListingWithoutAccounts(t *testing.T) {
	t.Parallel()
	s := seedEstate(t)
	l := &OrgListing{ID: org, Records: []audit.Organization{{Provider: audit.AWS, ID: org, Account: mgmtAcct,
		Reason: "organizations:ListAccounts: throttled", Source: audit.Source{API: apiListAccounts}}}}
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, OrgRole: auditRole, ExternalID: "acme-audit",
		Organization: l})
	if n := orgCalls(s); n != 0 {
		t.Errorf("%d Organizations calls, want none", n)
	}
	if len(inv.Accounts) != 1 || inv.Accounts[0].ID != mgmtAcct {
		t.Errorf("accounts = %+v, want only the caller's", inv.Accounts)
	}
	found := false
	for _, g := range inv.Gaps {
		if g.API == apiListAccounts && strings.Contains(g.Message, "only the caller's account") {
			found = true
		}
	}
	if !found {
		t.Errorf("no gap says the organization's accounts were not listed: %+v", inv.Gaps)
	}
}

func TestNewRejectsForeignOrganizationRecord(t *testing.T) {
	t.Parallel()
	_, err := New(context.Background(), Options{Organization: &OrgListing{
		Records: []audit.Organization{{Provider: audit.GCP, ID: "organizations/1", Account: "p"}}}})
	if err == nil || !strings.Contains(err.Error(), "gcp record") {
		t.Errorf("New = %v, want an error naming the gcp record", err)
	}
	var nilListing *OrgListing
	if nilListing.Complete() {
		t.Error("a nil listing is complete")
	}
}
