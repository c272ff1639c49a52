package gcpfunctions

import (
	"context"
	"slices"

	functionsv1 "cloud.google.com/go/functions/apiv1"
	functionsv1pb "cloud.google.com/go/functions/apiv1/functionspb"
	functions "cloud.google.com/go/functions/apiv2"
	"cloud.google.com/go/functions/apiv2/functionspb"
	iamadmin "cloud.google.com/go/iam/admin/apiv1"
	"cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	resourcemanager "cloud.google.com/go/resourcemanager/apiv3"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
	run "cloud.google.com/go/run/apiv2"
	"cloud.google.com/go/run/apiv2/runpb"
	"github.com/googleapis/gax-go/v2"
)

// The narrow read-only interfaces below list exactly the calls the collector
// makes; each is asserted against the real client.

// functionsV2API is the Cloud Functions v2 API: 2nd-gen functions and runtimes.
type functionsV2API interface {
	ListFunctions(ctx context.Context, req *functionspb.ListFunctionsRequest, opts ...gax.CallOption) *functions.FunctionIterator
	ListRuntimes(ctx context.Context, req *functionspb.ListRuntimesRequest, opts ...gax.CallOption) (*functionspb.ListRuntimesResponse, error)
	GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest, opts ...gax.CallOption) (*iampb.Policy, error)
}

// functionsV1API is the Cloud Functions v1 API: 1st-gen functions.
type functionsV1API interface {
	ListFunctions(ctx context.Context, req *functionsv1pb.ListFunctionsRequest, opts ...gax.CallOption) *functionsv1.CloudFunctionIterator
	GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest, opts ...gax.CallOption) (*iampb.Policy, error)
}

// runAPI is the Cloud Run v2 API: the services backing 2nd-gen functions.
type runAPI interface {
	GetService(ctx context.Context, req *runpb.GetServiceRequest, opts ...gax.CallOption) (*runpb.Service, error)
	GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest, opts ...gax.CallOption) (*iampb.Policy, error)
}

// projectsAPI is the Resource Manager v3 projects API.
type projectsAPI interface {
	GetProject(ctx context.Context, req *resourcemanagerpb.GetProjectRequest, opts ...gax.CallOption) (*resourcemanagerpb.Project, error)
	SearchProjects(ctx context.Context, req *resourcemanagerpb.SearchProjectsRequest, opts ...gax.CallOption) *resourcemanager.ProjectIterator
	GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest, opts ...gax.CallOption) (*iampb.Policy, error)
}

// foldersAPI is the Resource Manager v3 folders API.
type foldersAPI interface {
	GetFolder(ctx context.Context, req *resourcemanagerpb.GetFolderRequest, opts ...gax.CallOption) (*resourcemanagerpb.Folder, error)
	GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest, opts ...gax.CallOption) (*iampb.Policy, error)
}

// organizationsAPI is the Resource Manager v3 organizations API.
type organizationsAPI interface {
	GetOrganization(ctx context.Context, req *resourcemanagerpb.GetOrganizationRequest, opts ...gax.CallOption) (*resourcemanagerpb.Organization, error)
	GetIamPolicy(ctx context.Context, req *iampb.GetIamPolicyRequest, opts ...gax.CallOption) (*iampb.Policy, error)
}

// rolesAPI is the IAM admin API's role definitions.
type rolesAPI interface {
	GetRole(ctx context.Context, req *adminpb.GetRoleRequest, opts ...gax.CallOption) (*adminpb.Role, error)
}

var (
	_ functionsV2API   = (*functions.FunctionClient)(nil)
	_ functionsV1API   = (*functionsv1.CloudFunctionsClient)(nil)
	_ runAPI           = (*run.ServicesClient)(nil)
	_ projectsAPI      = (*resourcemanager.ProjectsClient)(nil)
	_ foldersAPI       = (*resourcemanager.FoldersClient)(nil)
	_ organizationsAPI = (*resourcemanager.OrganizationsClient)(nil)
	_ rolesAPI         = (*iamadmin.IamClient)(nil)
)

// API names recorded in Source.API and Gap.API. They are the IAM permissions the
// calls need, so a gap names what to grant.
const (
	apiListFunctions   = "cloudfunctions.functions.list"
	apiFunctionIAM     = "cloudfunctions.functions.getIamPolicy"
	apiListRuntimes    = "cloudfunctions.runtimes.list"
	apiRunGetService   = "run.services.get"
	apiRunServiceIAM   = "run.services.getIamPolicy"
	apiGetProject      = "resourcemanager.projects.get"
	apiProjectIAM      = "resourcemanager.projects.getIamPolicy"
	apiGetFolder       = "resourcemanager.folders.get"
	apiFolderIAM       = "resourcemanager.folders.getIamPolicy"
	apiOrganizationIAM = "resourcemanager.organizations.getIamPolicy"
	apiGetOrganization = "resourcemanager.organizations.get"
	apiGetRole         = "iam.roles.get"
)

// Permissions returns the IAM permissions the collector uses, sorted, as a new
// slice: grant them (for example through roles/cloudfunctions.viewer,
// roles/run.viewer, roles/iam.securityReviewer and roles/browser) to the
// identity that runs it.
func Permissions() []string { return slices.Clone(permissions) }

var permissions = []string{
	"cloudfunctions.functions.getIamPolicy",
	"cloudfunctions.functions.list",
	"cloudfunctions.runtimes.list",
	"iam.roles.get",
	"iam.serviceAccounts.getIamPolicy",
	"iam.serviceAccounts.list",
	"resourcemanager.folders.get",
	"resourcemanager.folders.getIamPolicy",
	"resourcemanager.organizations.get",
	"resourcemanager.organizations.getIamPolicy",
	"resourcemanager.projects.get",
	"resourcemanager.projects.getIamPolicy",
	"run.services.get",
	"run.services.getIamPolicy",
}
