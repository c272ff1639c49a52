package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/awslambda"
)

// The organization once per run. Every collect step's AWS collector records
// the organization's membership (so a grant to another member account is not
// judged cross-account), which it reads with organizations:DescribeOrganization
// and a paginated organizations:ListAccounts. Organizations' request rate is
// low and shared by the whole organization, and a run has one collect step
// per account-region, up to MaxConcurrency at once; so the plan step reads the
// organization once (awslambda.ReadOrganization, the collector's own calls),
// takes the accounts to audit from that same listing, and writes what it read
// to fnaudit/runs/<execution>/organization.json. Each AWS collect step reads
// that object and hands the listing to its collector
// (awslambda.Options.Organization), which then makes no Organizations call.
// When the plan's reading was incomplete (a call was denied or failed), or
// the object is missing or malformed, the step reads the organization itself
// as a single run does, so the membership is never silently absent.

// orgAPI is the Organizations calls of the plan step: the collector's.
type orgAPI = awslambda.OrganizationsAPI

const (
	orgSchema = "fnaudit.organization/v1"
	// orgMaxBytes bounds organization.json: 10,000 accounts (Organizations'
	// most) with 50-character names are about 1 MB.
	orgMaxBytes = 8 << 20
)

func orgKey(execution string) string { return scaleKeyPrefix + execution + "/organization.json" }

// runOrganization is organization.json: the plan's reading of the
// organization.
type runOrganization struct {
	Schema string `json:"schema"`
	// Complete says the collect steps use Listing instead of reading the
	// organization themselves.
	Complete bool `json:"complete"`
	// Error says why the reading is incomplete.
	Error   string                `json:"error,omitempty"`
	Listing *awslambda.OrgListing `json:"listing,omitempty"`
}

// readOrganization reads the organization of the function's account (own)
// for the plan. err is why the accounts could not be listed; the returned
// object says what the collect steps may use in every case.
func (h *Handler) readOrganization(ctx context.Context, own string) (*runOrganization, error) {
	ro := &runOrganization{Schema: orgSchema}
	if h.org == nil {
		err := errors.New("no organizations client")
		ro.Error = err.Error()
		return ro, err
	}
	l, err := awslambda.ReadOrganization(ctx, h.org, own)
	ro.Listing = l
	ro.Complete = err == nil && l.Complete()
	switch {
	case err != nil:
		ro.Error = "organizations:ListAccounts: " + err.Error()
	case !ro.Complete:
		for _, o := range l.Records {
			if !o.MembersKnown {
				ro.Error = o.Reason
				break
			}
		}
	}
	return ro, err
}

// writeOrganization writes the plan's reading to organization.json; an
// incomplete one is written too, saying why, and the collect steps read the
// organization themselves.
func (h *Handler) writeOrganization(ctx context.Context, execution string, ro *runOrganization) error {
	if !ro.Complete {
		h.log.WarnContext(ctx, "plan: the organization could not be read in full; every collect step reads it itself",
			"execution", execution, "error", ro.Error)
	}
	data, err := json.Marshal(ro)
	if err != nil {
		return err
	}
	return h.putJSON(ctx, orgKey(execution), data)
}

// givenOrganization is the plan's reading of the organization for an AWS
// collect step, or nil when the step must read it itself: the plan's reading
// was incomplete, or organization.json is missing or malformed (a warning).
func (h *Handler) givenOrganization(ctx context.Context, execution string) *awslambda.OrgListing {
	loc := s3Location{h.cfg.ReportBucket, orgKey(execution)}
	fallBack := func(msg string, err error) *awslambda.OrgListing {
		h.log.WarnContext(ctx, "collect: "+msg+"; the step reads the organization itself",
			"execution", execution, "key", loc.String(), "error", err.Error())
		return nil
	}
	owner, err := h.bucketOwner(ctx)
	if err != nil {
		return fallBack("the plan's organization listing was not read", err)
	}
	data, err := h.getObject(ctx, loc, owner, orgMaxBytes)
	if err != nil {
		return fallBack("the plan's organization listing was not read", err)
	}
	ro, err := parseRunOrganization(data)
	if err != nil {
		return fallBack("the plan's organization listing is malformed", err)
	}
	if !ro.Complete {
		h.log.InfoContext(ctx, "collect: the plan could not read the organization in full; the step reads it itself",
			"execution", execution, "error", ro.Error)
		return nil
	}
	return ro.Listing
}

// parseRunOrganization decodes organization.json and checks what the
// collector would record from it.
func parseRunOrganization(data []byte) (*runOrganization, error) {
	var ro runOrganization
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ro); err != nil {
		return nil, fmt.Errorf("not JSON of %s: %v", orgSchema, err)
	}
	if ro.Schema != orgSchema {
		return nil, fmt.Errorf("schema %q, want %s", ro.Schema, orgSchema)
	}
	if !ro.Complete {
		return &ro, nil
	}
	l := ro.Listing
	if !l.Complete() {
		return nil, errors.New("marked complete, but its listing is not")
	}
	for _, id := range slices.Sorted(maps.Keys(l.Accounts)) {
		if !accountPattern.MatchString(id) {
			return nil, fmt.Errorf("account %q is not a 12-digit account id", id)
		}
	}
	for _, o := range l.Records {
		if o.Provider != audit.AWS || o.ID != l.ID || !accountPattern.MatchString(o.Account) {
			return nil, fmt.Errorf("record %q of account %q is not an aws record of organization %q", o.ID, o.Account, l.ID)
		}
		for _, m := range o.Members {
			if !accountPattern.MatchString(m) {
				return nil, fmt.Errorf("member %q is not a 12-digit account id", m)
			}
		}
	}
	return &ro, nil
}
