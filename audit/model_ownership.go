package audit

import "slices"

// Organization is what a collection learned about an organization's member
// accounts, so that a grant to another account of the same organization is not
// judged cross-account.
type Organization struct {
	Provider Provider `json:"provider"`
	// ID is the organization id (o-...); empty when the organization itself
	// could not be read.
	ID string `json:"id,omitempty"`
	// Account is the account whose credentials read (or tried to read) it.
	Account string `json:"account"`
	// MembersKnown is true when Members is the organization's complete list
	// of active accounts.
	MembersKnown bool `json:"membersKnown,omitempty"`
	// Members are the member account ids, sorted.
	Members []string `json:"members,omitempty"`
	// Reason says, when MembersKnown is false, why the membership is unknown.
	Reason string `json:"reason,omitempty"`
	Source Source `json:"source"`
}

// BucketOwner says whose an S3 bucket is, as seen from the account that names it.
type BucketOwner string

// Bucket owners.
const (
	// BucketOwnedByAccount: the account's own s3:ListBuckets lists it.
	BucketOwnedByAccount BucketOwner = "account"
	// BucketOwnedElsewhere: not the account's, and it exists (s3:HeadBucket
	// answered 403, 301 or 200).
	BucketOwnedElsewhere BucketOwner = "other-account"
	// BucketNotFound: not the account's, and no bucket of that name exists
	// (s3:HeadBucket answered 404): anyone can create it.
	BucketNotFound BucketOwner = "nobody"
	// BucketOwnerUnknown: the calls that decide it failed (see Message).
	BucketOwnerUnknown BucketOwner = "unknown"
)

// allBucketOwners lists every bucket owner value.
// allBucketOwners lists every bucket-ownership verdict.
func BucketOwners() []BucketOwner {
	return slices.Clone(allBucketOwners)
}

var allBucketOwners = []BucketOwner{BucketOwnedByAccount, BucketOwnedElsewhere, BucketNotFound, BucketOwnerUnknown}

// String returns the owner value.
func (o BucketOwner) String() string { return string(o) }

// UnmarshalJSON accepts only known bucket owner values.
func (o *BucketOwner) UnmarshalJSON(b []byte) error {
	return decodeEnum(b, "bucket owner", allBucketOwners, o)
}

// BucketOwnership is the owner of an S3 bucket that one of the account's
// functions names as a source (aws:SourceArn arn:aws:s3:::name), with the
// call the verdict rests on.
type BucketOwnership struct {
	Name  string      `json:"name"`
	Owner BucketOwner `json:"owner"`
	// Message explains an unknown owner (the error class, never a secret).
	Message string `json:"message,omitempty"`
	// Source is s3:ListBuckets (owned, or unknown because it failed) or
	// s3:HeadBucket (elsewhere, nobody, or unknown because it failed).
	Source Source `json:"source"`
}

// mergeOrganizations folds organization records of several inventories:
// one per provider and organization id (per account when the id is empty);
// a complete membership wins over an unknown one, and two complete ones are
// joined.
func mergeOrganizations(out, in []Organization) []Organization {
	for _, o := range in {
		i := -1
		for k := range out {
			if out[k].Provider == o.Provider && out[k].ID == o.ID && (o.ID != "" || out[k].Account == o.Account) {
				i = k
				break
			}
		}
		switch {
		case i < 0:
			o.Members = append([]string(nil), o.Members...)
			out = append(out, o)
		case o.MembersKnown && !out[i].MembersKnown:
			o.Members = append([]string(nil), o.Members...)
			out[i] = o
		case o.MembersKnown:
			out[i].Members = unionStrings(out[i].Members, o.Members)
		}
	}
	return out
}

// mergeBuckets adds the bucket verdicts of b that a does not hold; a known
// owner replaces an unknown one.
func mergeBuckets(a, b []BucketOwnership) []BucketOwnership {
	for _, x := range b {
		i := -1
		for k := range a {
			if a[k].Name == x.Name {
				i = k
				break
			}
		}
		switch {
		case i < 0:
			a = append(a, x)
		case a[i].Owner == BucketOwnerUnknown && x.Owner != BucketOwnerUnknown:
			a[i] = x
		}
	}
	return a
}

// orgIndex maps a provider's organization id to its members, for the
// organizations whose membership is known.
type orgIndex map[accountKey]map[string]bool

func newOrgIndex(orgs []Organization) orgIndex {
	ix := orgIndex{}
	for _, o := range orgs {
		if !o.MembersKnown || o.ID == "" {
			continue
		}
		k := accountKey{o.Provider, o.ID}
		if ix[k] == nil {
			ix[k] = make(map[string]bool, len(o.Members))
		}
		for _, m := range o.Members {
			ix[k][m] = true
		}
	}
	return ix
}

// orgWarnings says once per organization whose membership is unknown that
// grants to other accounts are judged as outside it.
func orgWarnings(orgs []Organization) []string {
	var out []string
	for _, o := range orgs {
		if o.MembersKnown {
			continue
		}
		what := "organization " + o.ID
		if o.ID == "" {
			what = "the organization of account " + o.Account
		}
		w := what + ": its member accounts could not be listed"
		if o.Reason != "" {
			w += " (" + o.Reason + ")"
		}
		out = append(out, w+"; grants to accounts outside the inventory are judged as outside the organization (list partners as trusted accounts, or scan with credentials that may call organizations:ListAccounts)")
	}
	return out
}
