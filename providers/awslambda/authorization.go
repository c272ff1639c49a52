package awslambda

import (
	"fmt"
	"sort"
	"strings"

	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/fnaudit/fnaudit/audit"
)

// mapAuthorization turns an account's authorization details into what
// audit/control needs to say who can change its functions: users (with their
// groups, policies and boundary), groups, roles (with trust policies) and
// every managed policy's default document, once, referenced by ARN. Access
// keys, passwords and login profiles are not part of the details and are
// never read. A document that does not decode is left out and becomes a gap
// on its principal (Data control), so the verdict names what it lacks.
func mapAuthorization(account string, d iamDetails) (*audit.AWSAccount, []audit.Gap) {
	out := &audit.AWSAccount{Source: audit.Source{API: apiAuthDetails, Ref: "arn:aws:iam::" + account + ":root"}}
	var gaps []audit.Gap
	gap := func(ref, msg string) {
		gaps = append(gaps, audit.Gap{Provider: audit.AWS, Account: account, Resource: ref, API: apiAuthDetails,
			Data: audit.DataControl, Reason: audit.GapInvalidData, Message: msg})
	}
	for _, p := range d.Policies {
		arn := deref(p.Arn)
		pol := audit.Policy{Kind: managedKind(arn), Name: deref(p.PolicyName), ID: arn, Source: audit.Source{API: apiAuthDetails, Ref: arn}}
		def := deref(p.DefaultVersionId)
		for _, v := range p.PolicyVersionList {
			only := def == "" && len(p.PolicyVersionList) == 1
			if !v.IsDefaultVersion && !only && (def == "" || deref(v.VersionId) != def) {
				continue
			}
			doc, err := decodeDocument(deref(v.Document))
			if err != nil {
				gap(arn, fmt.Sprintf("managed policy %s: %v", arn, err))
				continue
			}
			pol.Document = doc
		}
		if pol.Document == nil {
			continue
		}
		out.Policies = append(out.Policies, pol)
	}
	inline := func(owner, name, raw string) (audit.Policy, bool) {
		doc, err := decodeDocument(raw)
		if err != nil {
			gap(owner, fmt.Sprintf("inline policy %s of %s: %v", name, owner, err))
			return audit.Policy{}, false
		}
		return audit.Policy{Kind: audit.PolicyInline, Name: name, Document: doc, Source: audit.Source{API: apiAuthDetails, Ref: owner}}, true
	}
	attached := func(refs []iamtypes.AttachedPolicy) []string {
		var arns []string
		for _, a := range refs {
			arns = append(arns, deref(a.PolicyArn))
		}
		return arns
	}
	boundary := func(b *iamtypes.AttachedPermissionsBoundary) string {
		if b == nil {
			return ""
		}
		return deref(b.PermissionsBoundaryArn)
	}
	for _, u := range d.Users {
		arn := deref(u.Arn)
		p := audit.AWSPrincipal{ARN: arn, Name: deref(u.UserName), Attached: attached(u.AttachedManagedPolicies),
			Boundary: boundary(u.PermissionsBoundary), Groups: append([]string(nil), u.GroupList...),
			Source: audit.Source{API: apiAuthDetails, Ref: arn}}
		for _, ip := range u.UserPolicyList {
			if pol, ok := inline(arn, deref(ip.PolicyName), deref(ip.PolicyDocument)); ok {
				p.Inline = append(p.Inline, pol)
			}
		}
		out.Users = append(out.Users, p)
	}
	for _, g := range d.Groups {
		arn := deref(g.Arn)
		p := audit.AWSPrincipal{ARN: arn, Name: deref(g.GroupName), Attached: attached(g.AttachedManagedPolicies),
			Source: audit.Source{API: apiAuthDetails, Ref: arn}}
		for _, ip := range g.GroupPolicyList {
			if pol, ok := inline(arn, deref(ip.PolicyName), deref(ip.PolicyDocument)); ok {
				p.Inline = append(p.Inline, pol)
			}
		}
		out.Groups = append(out.Groups, p)
	}
	for _, r := range d.Roles {
		arn := deref(r.Arn)
		p := audit.AWSPrincipal{ARN: arn, Name: deref(r.RoleName), Attached: attached(r.AttachedManagedPolicies),
			Boundary: boundary(r.PermissionsBoundary), ServiceLinked: strings.HasPrefix(deref(r.Path), "/aws-service-role/"),
			Source: audit.Source{API: apiAuthDetails, Ref: arn}}
		for _, ip := range r.RolePolicyList {
			if pol, ok := inline(arn, deref(ip.PolicyName), deref(ip.PolicyDocument)); ok {
				p.Inline = append(p.Inline, pol)
			}
		}
		if t := deref(r.AssumeRolePolicyDocument); t != "" {
			doc, err := decodeDocument(t)
			if err != nil {
				gap(arn, fmt.Sprintf("trust policy of %s: %v", arn, err))
			} else {
				p.Trust = doc
			}
		}
		out.Roles = append(out.Roles, p)
	}
	for _, list := range [][]audit.AWSPrincipal{out.Users, out.Groups, out.Roles} {
		sort.Slice(list, func(i, j int) bool { return list[i].ARN < list[j].ARN })
	}
	sort.Slice(out.Policies, func(i, j int) bool { return out.Policies[i].ID < out.Policies[j].ID })
	return out, gaps
}

// setAuthorization attaches an account's authorization details to the
// account already recorded for it.
func (r *run) setAuthorization(acct string, a *audit.AWSAccount, gaps []audit.Gap) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.accounts {
		if r.accounts[i].ID == acct {
			r.accounts[i].AWS = a
		}
	}
	r.gaps = append(r.gaps, gaps...)
}
