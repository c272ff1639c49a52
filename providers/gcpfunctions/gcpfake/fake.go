// Package gcpfake is an in-process fake of the Google Cloud APIs the
// gcpfunctions collector reads: Cloud Functions v2 and v1, Cloud Run v2,
// Resource Manager v3 (projects, folders, organizations) and the IAM admin roles
// API. It is a real gRPC server built from the generated server types, so the
// real Google Cloud Go clients talk to it over the wire protocol; tests (and the
// command line's tests) point the collector at it with ClientOptions.
//
// It serves an Estate: projects with functions of both generations, backing Cloud
// Run services, IAM policies, folders, organizations and role definitions. It
// pages every list, can deny a project (PERMISSION_DENIED), mark an API disabled
// in a project (PERMISSION_DENIED with reason SERVICE_DISABLED) and throttle the
// first calls (RESOURCE_EXHAUSTED).
package gcpfake

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	functionsv1pb "cloud.google.com/go/functions/apiv1/functionspb"
	"cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
	"cloud.google.com/go/run/apiv2/runpb"
	"google.golang.org/api/option"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// Estate is what the fake serves. Build it before Start and do not change it
// afterwards.
type Estate struct {
	Projects []*Project
	// Folders maps "folders/N" to the folder.
	Folders map[string]*Folder
	// Organizations maps "organizations/N" to its IAM policy; an organization
	// missing here answers PERMISSION_DENIED.
	Organizations map[string]*iampb.Policy
	// OrganizationDomains maps "organizations/N" to its primary domain; an
	// organization missing here answers GetOrganization with PERMISSION_DENIED.
	OrganizationDomains map[string]string
	// Roles maps a role name (roles/x, projects/p/roles/x, organizations/o/roles/x)
	// to its permissions; other roles answer NOT_FOUND.
	Roles map[string][]string
	// PageSize is the page size of every list (default 2).
	PageSize int
	// ThrottleFirst makes the first N calls answer RESOURCE_EXHAUSTED.
	ThrottleFirst int
	// Latency delays every call, as a remote API would (for benchmarks).
	Latency time.Duration
	// Unimplemented lists gRPC methods answering UNIMPLEMENTED, as an emulator
	// or an independent implementation without them would: a method name
	// ("ListRuntimes") or a service-qualified one
	// ("google.cloud.functions.v1.CloudFunctionsService/ListFunctions").
	Unimplemented []string
}

// Project is one project of the estate.
type Project struct {
	ID, Number, DisplayName string
	// Parent is "folders/N" or "organizations/N".
	Parent string
	// Denied makes every call naming the project answer PERMISSION_DENIED.
	Denied bool
	// DisabledAPIs lists API prefixes ("cloudfunctions", "run") answering
	// PERMISSION_DENIED with reason SERVICE_DISABLED.
	DisabledAPIs []string
	// DeleteRequested marks the project DELETE_REQUESTED; the fake's project
	// search, like an implementation ignoring the state:ACTIVE query, still
	// returns it.
	DeleteRequested bool
	// MetadataDenied makes only GetProject answer PERMISSION_DENIED (the
	// project's number and parent stay unknown to the collector).
	MetadataDenied bool
	// V1Denied makes only the Cloud Functions v1 listing answer PERMISSION_DENIED.
	V1Denied bool
	// V1FailAfterFirstPage makes the v1 listing answer INTERNAL for every page
	// after the first.
	V1FailAfterFirstPage bool
	// FunctionsV2 are the functions the v2 API lists (both generations, 1st gen
	// with environment GEN_1); FunctionsV1 those the v1 API lists.
	FunctionsV2 []*functionspb.Function
	FunctionsV1 []*functionsv1pb.CloudFunction
	// Unreachable lists locations the function listings report as unreachable.
	Unreachable []string
	// Services are the Cloud Run services; ServicePolicies and FunctionPolicies
	// the IAM policies by resource name (missing means an empty policy).
	Services         []*runpb.Service
	ServicePolicies  map[string]*iampb.Policy
	FunctionPolicies map[string]*iampb.Policy
	// Policy is the project's IAM policy.
	Policy *iampb.Policy
	// Runtimes are the runtimes the v2 API lists, for every location.
	Runtimes []*functionspb.ListRuntimesResponse_Runtime
	// ServiceAccounts are the service account emails the IAM admin API lists for
	// the project; ServiceAccountPolicies their IAM policies by email (missing
	// means an empty policy); DeniedServiceAccounts answer getIamPolicy with
	// PERMISSION_DENIED (serviceaccounts.go).
	ServiceAccounts        []string
	ServiceAccountPolicies map[string]*iampb.Policy
	DeniedServiceAccounts  []string
}

// Folder is a folder with its parent and IAM policy (nil policy: denied).
type Folder struct {
	Parent string
	Policy *iampb.Policy
}

// Server is a running fake.
type Server struct {
	Addr string

	e     *Estate
	srv   *grpc.Server
	lis   net.Listener
	n     atomic.Int64
	mu    sync.Mutex
	calls map[string]int
}

// Start serves e on a local port until Close.
func Start(e *Estate) (*Server, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("gcpfake: listen: %w", err)
	}
	if e.PageSize <= 0 {
		e.PageSize = 2
	}
	s := &Server{Addr: lis.Addr().String(), e: e, lis: lis, calls: map[string]int{}}
	s.srv = grpc.NewServer(grpc.UnaryInterceptor(s.intercept))
	functionspb.RegisterFunctionServiceServer(s.srv, &fnV2{s: s})
	functionsv1pb.RegisterCloudFunctionsServiceServer(s.srv, &fnV1{s: s})
	iampb.RegisterIAMPolicyServer(s.srv, &iamPolicy{s: s})
	runpb.RegisterServicesServer(s.srv, &runSvc{s: s})
	resourcemanagerpb.RegisterProjectsServer(s.srv, &projects{s: s})
	resourcemanagerpb.RegisterFoldersServer(s.srv, &folders{s: s})
	resourcemanagerpb.RegisterOrganizationsServer(s.srv, &orgs{s: s})
	adminpb.RegisterIAMServer(s.srv, &roles{s: s})
	go s.srv.Serve(lis) //nolint:errcheck // returns when stopped
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Stop() }

// ClientOptions point a Google Cloud client at the fake without credentials.
func (s *Server) ClientOptions() []option.ClientOption {
	return []option.ClientOption{
		option.WithEndpoint(s.Addr),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())),
	}
}

// Calls returns how many times the gRPC method (e.g. "GetRole") was called,
// throttled calls included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func (s *Server) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	m := info.FullMethod[strings.LastIndexByte(info.FullMethod, '/')+1:]
	s.mu.Lock()
	s.calls[m]++
	s.mu.Unlock()
	if d := s.e.Latency; d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		}
	}
	for _, u := range s.e.Unimplemented {
		if u == m || strings.HasSuffix(info.FullMethod, "."+u) {
			return nil, status.Errorf(codes.Unimplemented, "Method not found: %s", info.FullMethod)
		}
	}
	if s.n.Add(1) <= int64(s.e.ThrottleFirst) {
		return nil, status.Error(codes.ResourceExhausted, "Quota exceeded for quota metric 'Read requests' (fake)")
	}
	return h(ctx, req)
}

// project returns the project a resource name belongs to.
func (s *Server) project(name string) *Project {
	parts := strings.Split(name, "/")
	if len(parts) < 2 || parts[0] != "projects" {
		return nil
	}
	for _, p := range s.e.Projects {
		if p.ID == parts[1] || p.Number == parts[1] {
			return p
		}
	}
	return nil
}

// check applies the project's denial and disabled-API settings for api.
func (s *Server) check(name, api, perm string) (*Project, error) {
	p := s.project(name)
	if p == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission '%s' denied on resource '%s' (or it may not exist).", perm, name)
	}
	if p.Denied {
		return nil, status.Errorf(codes.PermissionDenied, "Permission '%s' denied on resource '%s' (or it may not exist).", perm, name)
	}
	for _, d := range p.DisabledAPIs {
		if d == api {
			st := status.Newf(codes.PermissionDenied, "%s API has not been used in project %s before or it is disabled.", api, p.Number)
			st, _ = st.WithDetails(&errdetails.ErrorInfo{Reason: "SERVICE_DISABLED", Domain: "googleapis.com",
				Metadata: map[string]string{"service": api + ".googleapis.com", "consumer": "projects/" + p.Number}})
			return nil, st.Err()
		}
	}
	return p, nil
}

// page returns the window of n items for a page token and the next token.
func page(token string, n, size int) (start, end int, next string, err error) {
	if token != "" {
		start, err = strconv.Atoi(token)
		if err != nil || start < 0 || start > n {
			return 0, 0, "", status.Errorf(codes.InvalidArgument, "invalid page token %q", token)
		}
	}
	end = start + size
	if end >= n {
		return start, n, "", nil
	}
	return start, end, strconv.Itoa(end), nil
}

// inParent reports whether a resource name is under parent, where parent may
// use the "-" wildcard location.
func inParent(name, parent string) bool {
	if strings.HasSuffix(parent, "/locations/-") {
		return strings.HasPrefix(name, strings.TrimSuffix(parent, "-"))
	}
	return strings.HasPrefix(name, parent+"/")
}

type fnV2 struct {
	functionspb.UnimplementedFunctionServiceServer
	s *Server
}

func (f *fnV2) ListFunctions(_ context.Context, req *functionspb.ListFunctionsRequest) (*functionspb.ListFunctionsResponse, error) {
	p, err := f.s.check(req.GetParent(), "cloudfunctions", "cloudfunctions.functions.list")
	if err != nil {
		return nil, err
	}
	var all []*functionspb.Function
	for _, fn := range p.FunctionsV2 {
		if inParent(fn.GetName(), strings.Replace(req.GetParent(), "projects/"+p.Number+"/", "projects/"+p.ID+"/", 1)) {
			all = append(all, fn)
		}
	}
	start, end, next, err := page(req.GetPageToken(), len(all), f.s.e.PageSize)
	if err != nil {
		return nil, err
	}
	return &functionspb.ListFunctionsResponse{Functions: all[start:end], NextPageToken: next, Unreachable: p.Unreachable}, nil
}

func (f *fnV2) ListRuntimes(_ context.Context, req *functionspb.ListRuntimesRequest) (*functionspb.ListRuntimesResponse, error) {
	p, err := f.s.check(req.GetParent(), "cloudfunctions", "cloudfunctions.runtimes.list")
	if err != nil {
		return nil, err
	}
	return &functionspb.ListRuntimesResponse{Runtimes: p.Runtimes}, nil
}

type iamPolicy struct {
	iampb.UnimplementedIAMPolicyServer
	s *Server
}

// GetIamPolicy serves the v2 functions API's IAM mixin.
func (i *iamPolicy) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	p, err := i.s.check(req.GetResource(), "cloudfunctions", "cloudfunctions.functions.getIamPolicy")
	if err != nil {
		return nil, err
	}
	return policyOrEmpty(p.FunctionPolicies[req.GetResource()]), nil
}

type fnV1 struct {
	functionsv1pb.UnimplementedCloudFunctionsServiceServer
	s *Server
}

func (f *fnV1) ListFunctions(_ context.Context, req *functionsv1pb.ListFunctionsRequest) (*functionsv1pb.ListFunctionsResponse, error) {
	p, err := f.s.check(req.GetParent(), "cloudfunctions", "cloudfunctions.functions.list")
	if err != nil {
		return nil, err
	}
	if p.V1Denied {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'cloudfunctions.functions.list' denied on resource '%s' (v1)", req.GetParent())
	}
	if p.V1FailAfterFirstPage && req.GetPageToken() != "" {
		return nil, status.Error(codes.Internal, "internal error (fake)")
	}
	var all []*functionsv1pb.CloudFunction
	for _, fn := range p.FunctionsV1 {
		if inParent(fn.GetName(), req.GetParent()) {
			all = append(all, fn)
		}
	}
	start, end, next, err := page(req.GetPageToken(), len(all), f.s.e.PageSize)
	if err != nil {
		return nil, err
	}
	return &functionsv1pb.ListFunctionsResponse{Functions: all[start:end], NextPageToken: next, Unreachable: p.Unreachable}, nil
}

func (f *fnV1) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	p, err := f.s.check(req.GetResource(), "cloudfunctions", "cloudfunctions.functions.getIamPolicy")
	if err != nil {
		return nil, err
	}
	return policyOrEmpty(p.FunctionPolicies[req.GetResource()]), nil
}

type runSvc struct {
	runpb.UnimplementedServicesServer
	s *Server
}

func (r *runSvc) GetService(_ context.Context, req *runpb.GetServiceRequest) (*runpb.Service, error) {
	p, err := r.s.check(req.GetName(), "run", "run.services.get")
	if err != nil {
		return nil, err
	}
	for _, svc := range p.Services {
		if svc.GetName() == req.GetName() {
			return svc, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "Resource '%s' was not found", req.GetName())
}

func (r *runSvc) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	p, err := r.s.check(req.GetResource(), "run", "run.services.getIamPolicy")
	if err != nil {
		return nil, err
	}
	for _, svc := range p.Services {
		if svc.GetName() == req.GetResource() {
			return policyOrEmpty(p.ServicePolicies[req.GetResource()]), nil
		}
	}
	// Like the real API: no service, no policy.
	return nil, status.Errorf(codes.NotFound, "Resource '%s' was not found", req.GetResource())
}

type projects struct {
	resourcemanagerpb.UnimplementedProjectsServer
	s *Server
}

func (pr *projects) GetProject(_ context.Context, req *resourcemanagerpb.GetProjectRequest) (*resourcemanagerpb.Project, error) {
	p, err := pr.s.check(req.GetName(), "cloudresourcemanager", "resourcemanager.projects.get")
	if err != nil {
		return nil, err
	}
	if p.MetadataDenied {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'resourcemanager.projects.get' denied on resource '%s'", req.GetName())
	}
	return projectPB(p), nil
}

func projectPB(p *Project) *resourcemanagerpb.Project {
	st := resourcemanagerpb.Project_ACTIVE
	if p.DeleteRequested {
		st = resourcemanagerpb.Project_DELETE_REQUESTED
	}
	return &resourcemanagerpb.Project{Name: "projects/" + p.Number, ProjectId: p.ID, Parent: p.Parent,
		DisplayName: p.DisplayName, State: st}
}

func (pr *projects) SearchProjects(_ context.Context, req *resourcemanagerpb.SearchProjectsRequest) (*resourcemanagerpb.SearchProjectsResponse, error) {
	var all []*Project
	for _, p := range pr.s.e.Projects {
		if !p.Denied {
			all = append(all, p)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	start, end, next, err := page(req.GetPageToken(), len(all), pr.s.e.PageSize)
	if err != nil {
		return nil, err
	}
	resp := &resourcemanagerpb.SearchProjectsResponse{NextPageToken: next}
	for _, p := range all[start:end] {
		resp.Projects = append(resp.Projects, projectPB(p))
	}
	return resp, nil
}

func (pr *projects) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	p, err := pr.s.check(req.GetResource(), "cloudresourcemanager", "resourcemanager.projects.getIamPolicy")
	if err != nil {
		return nil, err
	}
	return policyOrEmpty(p.Policy), nil
}

type folders struct {
	resourcemanagerpb.UnimplementedFoldersServer
	s *Server
}

func (f *folders) GetFolder(_ context.Context, req *resourcemanagerpb.GetFolderRequest) (*resourcemanagerpb.Folder, error) {
	fo, ok := f.s.e.Folders[req.GetName()]
	if !ok {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'resourcemanager.folders.get' denied on resource '%s'", req.GetName())
	}
	return &resourcemanagerpb.Folder{Name: req.GetName(), Parent: fo.Parent}, nil
}

func (f *folders) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	fo, ok := f.s.e.Folders[req.GetResource()]
	if !ok || fo.Policy == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'resourcemanager.folders.getIamPolicy' denied on resource '%s'", req.GetResource())
	}
	return fo.Policy, nil
}

type orgs struct {
	resourcemanagerpb.UnimplementedOrganizationsServer
	s *Server
}

func (o *orgs) GetOrganization(_ context.Context, req *resourcemanagerpb.GetOrganizationRequest) (*resourcemanagerpb.Organization, error) {
	d, ok := o.s.e.OrganizationDomains[req.GetName()]
	if !ok {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'resourcemanager.organizations.get' denied on resource '%s'", req.GetName())
	}
	return &resourcemanagerpb.Organization{Name: req.GetName(), DisplayName: d}, nil
}

func (o *orgs) GetIamPolicy(_ context.Context, req *iampb.GetIamPolicyRequest) (*iampb.Policy, error) {
	pol, ok := o.s.e.Organizations[req.GetResource()]
	if !ok || pol == nil {
		return nil, status.Errorf(codes.PermissionDenied, "Permission 'resourcemanager.organizations.getIamPolicy' denied on resource '%s'", req.GetResource())
	}
	return pol, nil
}

type roles struct {
	adminpb.UnimplementedIAMServer
	s *Server
}

func (r *roles) GetRole(_ context.Context, req *adminpb.GetRoleRequest) (*adminpb.Role, error) {
	if strings.HasPrefix(req.GetName(), "projects/") {
		if _, err := r.s.check(req.GetName(), "iam", "iam.roles.get"); err != nil {
			return nil, err
		}
	}
	perms, ok := r.s.e.Roles[req.GetName()]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "The role named %s was not found.", req.GetName())
	}
	return &adminpb.Role{Name: req.GetName(), IncludedPermissions: perms}, nil
}

func policyOrEmpty(p *iampb.Policy) *iampb.Policy {
	if p == nil {
		return &iampb.Policy{Version: 1}
	}
	return p
}
