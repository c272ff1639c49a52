package awslambda

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"

	"github.com/fnaudit/fnaudit/audit"
)

// Organization membership in every scan. A principal in another account of
// the function's organization is not cross-account, so the collector lists
// the organization's accounts (organizations:ListAccounts) once per run,
// whether or not it audits them (Options.OrgRole): a plain scan from the
// management account or a delegated administrator knows them all. The answer
// is cached for the run and also names the accounts an OrgRole scan audits.
// When the listing fails (a member account may not call it), the inventory
// records the membership as unknown with the reason, and the report says so
// once.

// orgRate is the pace of Organizations calls (requests per second). The API
// is global and throttles per organization; the collector makes one
// DescribeOrganization and a ListAccounts call per 20 accounts (500 for the
// 10,000-account maximum: 100 seconds), so a steady low rate costs little,
// leaves room for other tools, and, without an org role, runs while the
// accounts are collected.
const orgRate = 5

// orgClient returns the Organizations client, paced at orgRate.
func orgClient(cfg aws.Config) *organizations.Client {
	lim := rate.NewLimiter(orgRate, 1)
	return organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		o.APIOptions = append(o.APIOptions, paceMiddleware(func(string) *rate.Limiter { return lim }))
	})
}

// orgMembership is the run's cached organization listing.
type orgMembership struct {
	once  sync.Once
	names map[string]string
	err   error
	// describeErr is why the organization could not be described (nil when
	// described, or when the account is in no organization).
	describeErr error
	read        bool // ListAccounts was attempted
	// background is done when a listing started in the background ends.
	background sync.WaitGroup
}

// describeOrgChecked returns the organization id; err is nil when the account
// is in no organization (AWSOrganizationsNotInUseException), which is an
// answer, not a failure.
func describeOrgChecked(ctx context.Context, api orgAPI) (string, error) {
	out, err := api.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "AWSOrganizationsNotInUseException" {
			return "", nil
		}
		return "", wrap("organizations describe organization", "", err)
	}
	if out.Organization == nil || deref(out.Organization.Id) == "" {
		// A 200 without the organization is invalid data, not "no organization".
		return "", missing("organizations:DescribeOrganization", "Organization")
	}
	return deref(out.Organization.Id), nil
}

// readOrg describes the caller's organization and, when there is one, lists
// its accounts once for the run. A listing given in Options.Organization
// stands for both calls.
func (r *run) readOrg(ctx context.Context, api orgAPI) {
	if l := r.c.opts.Organization; l != nil {
		r.orgID = l.ID
		r.org.once.Do(func() {
			r.org.read = true
			r.org.names = maps.Clone(l.Accounts)
			if len(l.Accounts) == 0 {
				r.org.err = errNoAccountsGiven
			}
		})
		return
	}
	id, err := describeOrgChecked(ctx, api)
	r.orgID, r.org.describeErr = id, err
	switch {
	case id == "":
	case r.c.opts.OrgRole != "":
		_, _ = r.orgAccounts(ctx, api) // the targets need it first
	default:
		// Only the membership record needs it: list while collecting.
		r.org.background.Add(1)
		go func() {
			defer r.org.background.Done()
			_, _ = r.orgAccounts(ctx, api)
		}()
	}
}

// orgAccounts returns the organization's active accounts by id with names,
// listed once per run.
func (r *run) orgAccounts(ctx context.Context, api orgAPI) (map[string]string, error) {
	r.org.once.Do(func() {
		r.org.read = true
		r.org.names, r.org.err = listOrgAccounts(ctx, api)
	})
	if r.org.err != nil {
		return nil, r.org.err
	}
	out := make(map[string]string, len(r.org.names))
	for k, v := range r.org.names {
		out[k] = v
	}
	return out, nil
}

// organizationRecords says what the run learned about the caller's
// organization: its members, or why they are unknown. An account in no
// organization has nothing to record. A listing given in
// Options.Organization is recorded as it is.
func (r *run) organizationRecords(caller string) []audit.Organization {
	if l := r.c.opts.Organization; l != nil {
		return cloneOrganizations(l.Records)
	}
	r.org.background.Wait()
	return membershipRecords(caller, r.orgID, r.org.describeErr, r.org.read, r.org.names, r.org.err)
}

// membershipRecords is the membership record of the caller's organization
// from what DescribeOrganization (id, describeErr) and ListAccounts (read
// says it was called; names, listErr) answered.
func membershipRecords(caller, id string, describeErr error, read bool, names map[string]string, listErr error) []audit.Organization {
	o := audit.Organization{Provider: audit.AWS, ID: id, Account: caller,
		Source: audit.Source{API: apiListAccounts}}
	switch {
	case describeErr != nil:
		o.ID = ""
		o.Source.API = "organizations:DescribeOrganization"
		o.Reason = "organizations:DescribeOrganization: " + string(classify(describeErr))
	case id == "":
		return nil
	case !read:
		o.Reason = "organizations:ListAccounts was not called"
	case listErr != nil:
		o.Reason = "organizations:ListAccounts: " + string(classify(listErr))
	case len(names) == 0:
		o.Reason = "organizations:ListAccounts named no active account"
	default:
		o.MembersKnown = true
		for id := range names {
			o.Members = append(o.Members, id)
		}
		sort.Strings(o.Members)
	}
	return []audit.Organization{o}
}

func cloneOrganizations(in []audit.Organization) []audit.Organization {
	if in == nil {
		return nil
	}
	out := slices.Clone(in)
	for i := range out {
		out[i].Members = slices.Clone(out[i].Members)
	}
	return out
}

// errNoAccountsGiven is the accounts' listing when Options.Organization
// names none.
var errNoAccountsGiven = errors.New("organizations: the organization listing given to the collector names no account")

// OrgListing is what one reading of the caller's organization found
// (ReadOrganization): the organization id, its active accounts and the
// membership record Collect stores. A caller that audits the organization in
// many Collect calls (organization scale: one per account-region) reads it
// once and passes it in Options.Organization, so the Organizations API, whose
// request rate is low and shared by the whole organization, is called once
// per run instead of once per Collect.
type OrgListing struct {
	// ID is the organization id; empty when the caller's account is in no
	// organization or DescribeOrganization failed.
	ID string `json:"id,omitempty"`
	// Accounts are the organization's active accounts by id, with their
	// names; empty when they could not be listed.
	Accounts map[string]string `json:"accounts,omitempty"`
	// Records are the membership records, as Collect stores them in
	// Inventory.Organizations: none for an account in no organization, else
	// one, whose membership is known or says why it is not.
	Records []audit.Organization `json:"records,omitempty"`
}

// Complete reports whether the listing is the whole answer: the caller's
// account is in no organization, or every record's membership is known. An
// incomplete listing (a call failed) is better read again than passed on.
func (l *OrgListing) Complete() bool {
	if l == nil {
		return false
	}
	for _, o := range l.Records {
		if !o.MembersKnown {
			return false
		}
	}
	return len(l.Records) > 0 || l.ID == ""
}

// ReadOrganization reads the caller's organization with the calls Collect
// makes: organizations:DescribeOrganization, then organizations:ListAccounts
// through every page (also when DescribeOrganization failed, so a caller that
// audits the accounts still learns them; not when the account is in no
// organization). caller is the account whose credentials api uses; the
// records name it. Use a client paced like Collect's (OrganizationsClient).
//
// The error is that of ListAccounts, when the accounts could not be listed;
// the listing is returned in every case, its record saying why the
// membership is unknown when it is (Complete).
func ReadOrganization(ctx context.Context, api OrganizationsAPI, caller string) (*OrgListing, error) {
	id, describeErr := describeOrgChecked(ctx, api)
	l := &OrgListing{ID: id}
	if describeErr == nil && id == "" {
		return l, nil
	}
	names, listErr := listOrgAccounts(ctx, api)
	l.Accounts = names
	l.Records = membershipRecords(caller, id, describeErr, true, names, listErr)
	return l, listErr
}

// OrganizationsClient returns an Organizations client for ReadOrganization,
// paced as Collect paces its own (5 requests per second).
func OrganizationsClient(cfg aws.Config) *organizations.Client { return orgClient(cfg) }
