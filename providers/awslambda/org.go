package awslambda

import (
	"context"
	"errors"
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
// its accounts once for the run.
func (r *run) readOrg(ctx context.Context, api orgAPI) {
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
// organization has nothing to record.
func (r *run) organizationRecords(caller string) []audit.Organization {
	r.org.background.Wait()
	o := audit.Organization{Provider: audit.AWS, ID: r.orgID, Account: caller,
		Source: audit.Source{API: apiListAccounts}}
	switch {
	case r.org.describeErr != nil:
		o.Source.API = "organizations:DescribeOrganization"
		o.Reason = "organizations:DescribeOrganization: " + string(classify(r.org.describeErr))
	case r.orgID == "":
		return nil
	case !r.org.read:
		o.Reason = "organizations:ListAccounts was not called"
	case r.org.err != nil:
		o.Reason = "organizations:ListAccounts: " + string(classify(r.org.err))
	case len(r.org.names) == 0:
		o.Reason = "organizations:ListAccounts named no active account"
	default:
		o.MembersKnown = true
		for id := range r.org.names {
			o.Members = append(o.Members, id)
		}
		sort.Strings(o.Members)
	}
	return []audit.Organization{o}
}
