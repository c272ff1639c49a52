package gcpfake

import (
	"context"
	"slices"
	"strings"

	"cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The IAM admin API's service accounts (google.iam.admin.v1.IAM):
// ListServiceAccounts on projects/P and GetIamPolicy on
// projects/{P|-}/serviceAccounts/EMAIL, as the real service answers them.

// ListServiceAccounts lists a project's service accounts, a page at a time.
func (r *roles) ListServiceAccounts(_ context.Context, req *adminpb.ListServiceAccountsRequest) (*adminpb.ListServiceAccountsResponse, error) {
	p, err := r.s.check(req.GetName(), "iam", "iam.serviceAccounts.list")
	if err != nil {
		return nil, err
	}
	size := r.s.e.PageSize
	if n := int(req.GetPageSize()); n > 0 && n < size {
		size = n
	}
	start, end, next, err := page(req.GetPageToken(), len(p.ServiceAccounts), size)
	if err != nil {
		return nil, err
	}
	resp := &adminpb.ListServiceAccountsResponse{NextPageToken: next}
	for _, email := range p.ServiceAccounts[start:end] {
		resp.Accounts = append(resp.Accounts, &adminpb.ServiceAccount{
			Name:      "projects/" + p.ID + "/serviceAccounts/" + email,
			ProjectId: p.ID,
			Email:     email,
		})
	}
	return resp, nil
}

// GetIamPolicy returns a service account's IAM policy. The project may be "-"
// (inferred from the account); an account the estate does not describe has an
// empty policy unless its project denies access.
func (r *roles) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	res := req.GetResource()
	parts := strings.Split(res, "/")
	if len(parts) != 4 || parts[0] != "projects" || parts[2] != "serviceAccounts" || parts[3] == "" {
		return nil, status.Errorf(codes.InvalidArgument, "Invalid service account name %q.", res)
	}
	email := parts[3]
	p := r.s.project(res)
	if p == nil {
		for _, q := range r.s.e.Projects {
			if slices.Contains(q.ServiceAccounts, email) || strings.HasSuffix(email, "@"+q.ID+".iam.gserviceaccount.com") {
				p = q
				break
			}
		}
	}
	if p == nil {
		return &iampb.Policy{Version: 1}, nil
	}
	if p.Denied || slices.Contains(p.DeniedServiceAccounts, email) {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'iam.serviceAccounts.getIamPolicy' denied on resource (or it may not exist).")
	}
	return policyOrEmpty(p.ServiceAccountPolicies[email]), nil
}
