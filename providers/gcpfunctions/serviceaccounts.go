package gcpfunctions

import (
	"context"
	"errors"
	"slices"
	"strings"

	"cloud.google.com/go/iam"
	iamadmin "cloud.google.com/go/iam/admin/apiv1"
	"cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/iterator"

	"github.com/fnaudit/fnaudit/audit"
)

// Service-account IAM policies. A role granted on a service account (Token
// Creator, Service Account User, Service Account Key Admin) is recorded in that
// account's own IAM policy, not in the project's, so a scan that reads only
// project, folder and organization policies cannot see it. The collector reads
// the IAM policy of the service accounts that matter:
//
//   - every service account of each audited project (iam.serviceAccounts.list):
//     these are the accounts a function's account could be allowed to act as;
//   - every account that runs a function, wherever it lives (a function may run
//     as an account of another project).
//
// Bindings found there are added to the function identities they name, with the
// scope projects/P/serviceAccounts/EMAIL; the rules tell the function's own
// account from the others.

// serviceAccountsAPI is the IAM admin API's service accounts.
type serviceAccountsAPI interface {
	ListServiceAccounts(ctx context.Context, req *adminpb.ListServiceAccountsRequest, opts ...gax.CallOption) *iamadmin.ServiceAccountIterator
	GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest) (*iam.Policy, error)
}

var _ serviceAccountsAPI = (*iamadmin.IamClient)(nil)

const (
	apiListServiceAccounts = "iam.serviceAccounts.list"
	apiServiceAccountIAM   = "iam.serviceAccounts.getIamPolicy"
)

// serviceAccountResource is the IAM resource name of a service account; "-"
// lets the API infer the project from the email.
func serviceAccountResource(project, email string) string {
	if project == "" {
		project = "-"
	}
	return "projects/" + project + "/serviceAccounts/" + email
}

// serviceAccountBindings reads the IAM policies of the service accounts that
// matter and returns their bindings by member. A denied or failed read leaves
// unseen whatever that account's policy grants to the functions' accounts, so
// it is an impersonation gap (the privilege-escalation verdict) for the
// identities of every audited project's functions.
func (col *Collector) serviceAccountBindings(ctx context.Context, fns []audit.Function, results []*projectResult) (map[string][]memberBinding, []audit.Gap) {
	out := map[string][]memberBinding{}
	if col.c.sas == nil {
		return out, nil
	}
	// The function identities a lost read concerns, by project.
	identities := map[string][]string{}
	targets := map[string]string{} // email -> resource name
	for i := range fns {
		f := &fns[i]
		if f.GCP == nil || f.GCP.ServiceAccount == "" {
			continue
		}
		if !slices.Contains(identities[f.Account], f.GCP.ServiceAccount) {
			identities[f.Account] = append(identities[f.Account], f.GCP.ServiceAccount)
		}
		targets[f.GCP.ServiceAccount] = serviceAccountResource("-", f.GCP.ServiceAccount)
	}
	var gaps []audit.Gap
	lost := func(api, what string, err error) {
		for _, p := range sortedKeys(identities) {
			for _, sa := range identities[p] {
				gaps = append(gaps, gap(p, "", sa, api, audit.DataImpersonation, err,
					"grants on "+what+" to this account are unknown"))
			}
		}
	}
	for _, r := range results {
		if r == nil || len(r.functions) == 0 {
			continue // no function of this project can be judged either way
		}
		it := col.c.sas.ListServiceAccounts(ctx, &adminpb.ListServiceAccountsRequest{Name: "projects/" + r.project}, col.call...)
		for {
			sa, err := it.Next()
			if errors.Is(err, iterator.Done) {
				break
			}
			if err != nil {
				lost(apiListServiceAccounts, "the service accounts of project "+r.project, err)
				break
			}
			targets[sa.GetEmail()] = serviceAccountResource(r.project, sa.GetEmail())
		}
	}
	emails := sortedKeys(targets)
	for _, email := range emails {
		res := targets[email]
		pol, err := col.c.sas.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: res, Options: policyOptions})
		if err != nil {
			lost(apiServiceAccountIAM, "service account "+email, err)
			continue
		}
		scope := serviceAccountResource(projectOfServiceAccount(res, email), email)
		col.keepServiceAccountPolicy(email, pol.InternalProto, audit.Source{API: apiServiceAccountIAM, Ref: scope})
		for m, bs := range bindingsByMember(pol.InternalProto, scope, audit.Source{API: apiServiceAccountIAM, Ref: scope}) {
			out[m] = append(out[m], bs...)
		}
	}
	return out, gaps
}

// projectOfServiceAccount names the project of a service account: the one in its
// resource name, else the one in a user-managed account's email, else "-".
func projectOfServiceAccount(resource, email string) string {
	if parts := strings.Split(resource, "/"); len(parts) >= 2 && parts[1] != "-" {
		return parts[1]
	}
	if at := strings.LastIndex(email, "@"); at >= 0 {
		if p, ok := strings.CutSuffix(email[at+1:], ".iam.gserviceaccount.com"); ok && !strings.HasPrefix(p, "gcp-sa-") {
			return p
		}
	}
	return "-"
}
