package gcpfunctions

import (
	"fmt"
	"sort"
	"strings"

	functionsv1pb "cloud.google.com/go/functions/apiv1/functionspb"
	"cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"google.golang.org/genproto/googleapis/type/date"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/secrets"
)

// Mapping from the Google Cloud API types to the model: pure functions, tested
// with table tests in mapping_test.go.

// Permissions that let a caller invoke a function. A role grants invocation when
// its permissions include the one for the function's generation.
const (
	permInvokeGen1 = "cloudfunctions.functions.invoke"
	permInvokeGen2 = "run.routes.invoke"
)

// knownInvokeRoles are the predefined roles known to carry an invoke permission,
// used when a role's definition cannot be read.
var knownInvokeRoles = map[string]bool{
	"roles/cloudfunctions.invoker":   true,
	"roles/cloudfunctions.admin":     true,
	"roles/cloudfunctions.developer": true,
	"roles/run.invoker":              true,
	"roles/run.servicesInvoker":      true,
	"roles/run.admin":                true,
	"roles/owner":                    true,
	"roles/editor":                   true,
}

// locationOf returns L from projects/P/locations/L/...; "" when absent.
func locationOf(name string) string {
	parts := strings.Split(name, "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "locations" {
			return parts[i+1]
		}
	}
	return ""
}

// projectNumberOf returns N from projects/N/... when N is a project number
// (all digits); "" otherwise.
func projectNumberOf(name string) string {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 3 || parts[0] != "projects" || parts[1] == "" {
		return ""
	}
	for _, r := range parts[1] {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return parts[1]
}

// shortName returns the last segment of a resource name.
func shortName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// defaultComputeSA and appEngineSA are the default runtime service accounts of
// 2nd-gen and 1st-gen functions.
func defaultComputeSA(projectNumber string) string {
	return projectNumber + "-compute@developer.gserviceaccount.com"
}

func appEngineSA(project string) string { return project + "@appspot.gserviceaccount.com" }

// isDefaultSA reports whether email is one of the project's default service
// accounts: the Compute Engine default account (any project number when the
// number is unknown) or the App Engine default account.
func isDefaultSA(email, project, projectNumber string) bool {
	if email == appEngineSA(project) {
		return true
	}
	if projectNumber != "" {
		return email == defaultComputeSA(projectNumber)
	}
	return strings.HasSuffix(email, "-compute@developer.gserviceaccount.com")
}

// environment inspects each variable's value with the secret detector and keeps
// only the verdict; secret references become reference entries. Sorted by name.
func environment(vars map[string]string, secretVars []*functionspb.SecretEnvVar) []audit.EnvVar {
	var out []audit.EnvVar
	for name, value := range vars {
		out = append(out, secrets.Inspect(name, value))
	}
	for _, s := range secretVars {
		out = append(out, audit.EnvVar{Name: s.GetKey(), Verdict: audit.ValueReference, Detector: "secretmanager-reference"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ingressV2 maps the v2 ingress enum to the model's ALLOW_* names.
func ingressV2(s functionspb.ServiceConfig_IngressSettings) string {
	switch s {
	case functionspb.ServiceConfig_ALLOW_ALL:
		return "ALLOW_ALL"
	case functionspb.ServiceConfig_ALLOW_INTERNAL_ONLY:
		return "ALLOW_INTERNAL_ONLY"
	case functionspb.ServiceConfig_ALLOW_INTERNAL_AND_GCLB:
		return "ALLOW_INTERNAL_AND_GCLB"
	case functionspb.ServiceConfig_INGRESS_SETTINGS_UNSPECIFIED:
		return ""
	}
	// A value newer than this client: kept as sent (the rules treat an
	// ingress they do not know as ALLOW_ALL).
	return s.String()
}

func ingressV1(s functionsv1pb.CloudFunction_IngressSettings) string {
	switch s {
	case functionsv1pb.CloudFunction_ALLOW_ALL:
		return "ALLOW_ALL"
	case functionsv1pb.CloudFunction_ALLOW_INTERNAL_ONLY:
		return "ALLOW_INTERNAL_ONLY"
	case functionsv1pb.CloudFunction_ALLOW_INTERNAL_AND_GCLB:
		return "ALLOW_INTERNAL_AND_GCLB"
	case functionsv1pb.CloudFunction_INGRESS_SETTINGS_UNSPECIFIED:
		return ""
	}
	return s.String()
}

// runServiceName returns the full name of a function's Cloud Run service. The
// API documents projects/P/locations/L/services/S, but a bare service id (as
// some implementations and older responses give) is qualified with the
// function's project and location so GetService and GetIamPolicy can use it.
func runServiceName(svc, project, location string) string {
	if svc == "" || strings.HasPrefix(svc, "projects/") || location == "" {
		return svc
	}
	return "projects/" + project + "/locations/" + location + "/services/" + shortName(svc)
}

// eventKind classifies an event type of either API generation.
func eventKind(eventType string) (audit.TriggerKind, string) {
	t := strings.ToLower(eventType)
	switch {
	case strings.Contains(t, "pubsub"):
		return audit.TriggerPubSub, "pubsub"
	case strings.Contains(t, "storage"):
		return audit.TriggerStorage, "storage"
	case strings.Contains(t, "firestore"):
		return audit.TriggerEvent, "firestore"
	case strings.Contains(t, "firebase"):
		return audit.TriggerEvent, "firebase"
	case strings.Contains(t, "audit.log"):
		return audit.TriggerEvent, "eventarc-audit-log"
	case strings.Contains(t, "scheduler"):
		return audit.TriggerSchedule, "scheduler"
	}
	return audit.TriggerEvent, "eventarc"
}

// mapFunctionV2 maps a function listed by the v2 API. project is the project id
// the listing was made for and projectNumber its number ("" when unknown).
func mapFunctionV2(f *functionspb.Function, project, projectNumber string) audit.Function {
	src := audit.Source{API: apiListFunctions, Ref: f.GetName()}
	gen := "2"
	if f.GetEnvironment() == functionspb.Environment_GEN_1 {
		gen = "1"
	}
	sc := f.GetServiceConfig()
	if projectNumber == "" {
		// Without the project's metadata the build's name may still carry
		// the number (projects/NUMBER/locations/L/builds/B).
		projectNumber = projectNumberOf(f.GetBuildConfig().GetBuild())
	}
	sa := sc.GetServiceAccountEmail()
	explicit := sa != ""
	if !explicit {
		if gen == "1" {
			sa = appEngineSA(project)
		} else if projectNumber != "" {
			sa = defaultComputeSA(projectNumber)
		}
	}
	fn := audit.Function{
		Provider:    audit.GCP,
		Account:     project,
		Region:      locationOf(f.GetName()),
		Name:        shortName(f.GetName()),
		ID:          f.GetName(),
		Runtime:     f.GetBuildConfig().GetRuntime(),
		PackageType: "source",
		URL:         firstNonEmpty(f.GetUrl(), sc.GetUri()),
		Description: f.GetDescription(),
		Environment: environment(sc.GetEnvironmentVariables(), sc.GetSecretEnvironmentVariables()),
		Tags:        copyLabels(f.GetLabels()),
		Source:      src,
		GCP: &audit.GCPFunction{
			Generation:            gen,
			ServiceAccount:        sa,
			DefaultServiceAccount: sa != "" && (!explicit || isDefaultSA(sa, project, projectNumber)),
			Ingress:               ingressV2(sc.GetIngressSettings()),
			RunService:            runServiceName(sc.GetService(), project, locationOf(f.GetName())),
			State:                 f.GetState().String(),
			ProjectNumber:         projectNumber,
		},
	}
	if gen == "1" {
		fn.GCP.RunService = ""
		if sl := sc.GetSecurityLevel(); sl != functionspb.ServiceConfig_SECURITY_LEVEL_UNSPECIFIED {
			fn.GCP.SecurityLevel = sl.String()
		}
	}
	if sa != "" {
		fn.Identities = []string{sa}
	}
	if et := f.GetEventTrigger(); et != nil {
		kind, service := eventKind(et.GetEventType())
		source := et.GetPubsubTopic()
		for _, flt := range et.GetEventFilters() {
			if source == "" && (flt.GetAttribute() == "bucket" || flt.GetAttribute() == "database" || flt.GetAttribute() == "serviceName") {
				source = flt.GetAttribute() + "=" + flt.GetValue()
			}
		}
		fn.Triggers = append(fn.Triggers, audit.Trigger{
			Kind: kind, Service: service, SourceID: source, Auth: audit.AuthIAM,
			Name: firstNonEmpty(et.GetTrigger(), et.GetEventType()), Source: src,
		})
	}
	if fn.URL != "" {
		// Every 2nd-gen function, event-triggered ones included, answers HTTPS on
		// its Cloud Run URL; callers need the invoker role unless the check is off.
		fn.Triggers = append(fn.Triggers, audit.Trigger{Kind: audit.TriggerHTTPURL, Service: "https", SourceID: fn.URL, Auth: audit.AuthIAM, Source: src})
	}
	return fn
}

// mapFunctionV1 maps a 1st-gen function listed by the v1 API.
func mapFunctionV1(f *functionsv1pb.CloudFunction, project, projectNumber string) audit.Function {
	src := audit.Source{API: apiListFunctions, Ref: f.GetName()}
	sa := f.GetServiceAccountEmail()
	explicit := sa != ""
	if !explicit {
		sa = appEngineSA(project)
	}
	fn := audit.Function{
		Provider:    audit.GCP,
		Account:     project,
		Region:      locationOf(f.GetName()),
		Name:        shortName(f.GetName()),
		ID:          f.GetName(),
		Runtime:     f.GetRuntime(),
		PackageType: "source",
		Description: f.GetDescription(),
		Environment: environment(f.GetEnvironmentVariables(), nil),
		Identities:  []string{sa},
		Tags:        copyLabels(f.GetLabels()),
		Source:      src,
		GCP: &audit.GCPFunction{
			Generation:            "1",
			ServiceAccount:        sa,
			DefaultServiceAccount: !explicit || isDefaultSA(sa, project, projectNumber),
			Ingress:               ingressV1(f.GetIngressSettings()),
			State:                 f.GetStatus().String(),
			ProjectNumber:         projectNumber,
		},
	}
	for _, s := range f.GetSecretEnvironmentVariables() {
		fn.Environment = append(fn.Environment, audit.EnvVar{Name: s.GetKey(), Verdict: audit.ValueReference, Detector: "secretmanager-reference"})
	}
	sort.Slice(fn.Environment, func(i, j int) bool { return fn.Environment[i].Name < fn.Environment[j].Name })
	if h := f.GetHttpsTrigger(); h != nil {
		fn.URL = h.GetUrl()
		if h.GetSecurityLevel() != functionsv1pb.HttpsTrigger_SECURITY_LEVEL_UNSPECIFIED {
			fn.GCP.SecurityLevel = h.GetSecurityLevel().String()
		}
		fn.Triggers = append(fn.Triggers, audit.Trigger{Kind: audit.TriggerHTTPURL, Service: "https", SourceID: fn.URL, Auth: audit.AuthIAM, Source: src})
	}
	if et := f.GetEventTrigger(); et != nil {
		kind, service := eventKind(et.GetEventType())
		fn.Triggers = append(fn.Triggers, audit.Trigger{
			Kind: kind, Service: firstNonEmpty(et.GetService(), service), SourceID: et.GetResource(),
			Auth: audit.AuthService, Name: et.GetEventType(), Source: src,
		})
	}
	return fn
}

func copyLabels(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// googleManagedDomains are the e-mail domains of Google-managed service agents.
var googleManagedDomains = []string{
	"cloudservices.gserviceaccount.com",
	"cloudbuild.gserviceaccount.com",
	"gcf-admin-robot.iam.gserviceaccount.com",
	"serverless-robot-prod.iam.gserviceaccount.com",
	"gcp-sa-pubsub.iam.gserviceaccount.com",
	"gcp-sa-eventarc.iam.gserviceaccount.com",
	"gcp-sa-cloudscheduler.iam.gserviceaccount.com",
	"containerregistry.iam.gserviceaccount.com",
}

// principalOf classifies an IAM policy member.
//
//	allUsers, principalSet://goog/public:all -> public
//	allAuthenticatedUsers            -> any-authenticated
//	domain:example.com               -> organization
//	projectOwner|Editor|Viewer:P     -> account
//	principalSet://... (pools)       -> organization
//	serviceAccount:<Google agent>    -> service
//	user:, group:, serviceAccount:, principal://, deleted:... -> specific
//
// The id keeps the member string as written in the policy.
func principalOf(member string) audit.Principal {
	switch {
	case member == "allUsers", member == "principalSet://goog/public:all":
		// principalSet://goog/public:all is the v2 identifier for every
		// principal (deny and principal access boundary policies); an allow
		// policy that carried it would be as public as allUsers.
		return audit.Principal{Kind: audit.PrincipalPublic, ID: member}
	case member == "allAuthenticatedUsers":
		return audit.Principal{Kind: audit.PrincipalAnyAuthenticated, ID: member}
	case strings.HasPrefix(member, "domain:"), strings.HasPrefix(member, "principalSet://"):
		return audit.Principal{Kind: audit.PrincipalOrganization, ID: member}
	case strings.HasPrefix(member, "projectOwner:"), strings.HasPrefix(member, "projectEditor:"), strings.HasPrefix(member, "projectViewer:"):
		return audit.Principal{Kind: audit.PrincipalAccount, ID: member}
	case strings.HasPrefix(member, "serviceAccount:"):
		email := strings.TrimPrefix(member, "serviceAccount:")
		at := strings.LastIndexByte(email, '@')
		if at >= 0 {
			domain := email[at+1:]
			for _, d := range googleManagedDomains {
				if domain == d {
					return audit.Principal{Kind: audit.PrincipalService, ID: member}
				}
			}
			if strings.HasPrefix(domain, "gcp-sa-") {
				return audit.Principal{Kind: audit.PrincipalService, ID: member}
			}
		}
	}
	return audit.Principal{Kind: audit.PrincipalSpecific, ID: member}
}

// invokeAccess lists one access entry per member of every binding whose role
// grants invocation (invokes reports that), in policy order.
func invokeAccess(policy *iampb.Policy, invokes func(role string) bool, action string, src audit.Source) []audit.Access {
	var out []audit.Access
	for _, b := range policy.GetBindings() {
		if !invokes(b.GetRole()) {
			continue
		}
		for _, m := range b.GetMembers() {
			p := principalOf(m)
			auth := audit.AuthIAM
			if p.Kind == audit.PrincipalPublic {
				auth = audit.AuthNone
			}
			out = append(out, audit.Access{
				Principal: p,
				Effect:    audit.Allow,
				Actions:   []string{action},
				Role:      b.GetRole(),
				Condition: b.GetCondition().GetExpression(),
				Auth:      auth,
				Source:    src,
			})
		}
	}
	return out
}

// memberBinding is one role bound to a member at a scope.
type memberBinding struct {
	Role      string
	Scope     string
	Condition string
	Source    audit.Source
}

// bindingsByMember indexes a resource-manager policy's bindings by member.
func bindingsByMember(policy *iampb.Policy, scope string, src audit.Source) map[string][]memberBinding {
	out := map[string][]memberBinding{}
	for _, b := range policy.GetBindings() {
		mb := memberBinding{Role: b.GetRole(), Scope: scope, Condition: b.GetCondition().GetExpression(), Source: src}
		for _, m := range b.GetMembers() {
			out[m] = append(out[m], mb)
		}
	}
	return out
}

// bindingPolicy turns a binding into a model policy with the role's permissions
// (nil when the role could not be expanded; the caller records a gap).
func bindingPolicy(b memberBinding, permissions []string) audit.Policy {
	p := audit.Policy{
		Kind:      audit.PolicyBinding,
		Name:      b.Role,
		ID:        b.Role,
		Scope:     b.Scope,
		Condition: b.Condition,
		Source:    b.Source,
	}
	if permissions != nil {
		perms := append([]string(nil), permissions...)
		sort.Strings(perms)
		p.Grants = []audit.Grant{{Effect: audit.Allow, Actions: perms, Condition: b.Condition, Scope: b.Scope}}
	}
	return p
}

// matchRuntime finds a runtime in a runtimes list, preferring the entry of the
// function's generation (the list may hold a GEN_1 and a GEN_2 entry per name).
func matchRuntime(rts []*functionspb.ListRuntimesResponse_Runtime, name, generation string) *functionspb.ListRuntimesResponse_Runtime {
	want := functionspb.Environment_GEN_2
	if generation == "1" {
		want = functionspb.Environment_GEN_1
	}
	var fallback *functionspb.ListRuntimesResponse_Runtime
	for _, rt := range rts {
		if rt.GetName() != name {
			continue
		}
		if rt.GetEnvironment() == want {
			return rt
		}
		if fallback == nil {
			fallback = rt
		}
	}
	return fallback
}

// runtimeSupport maps a runtimes-list entry.
func runtimeSupport(rt *functionspb.ListRuntimesResponse_Runtime, parent string) *audit.GCPRuntimeSupport {
	return &audit.GCPRuntimeSupport{
		Runtime:          rt.GetName(),
		Stage:            rt.GetStage().String(),
		DeprecationDate:  formatDate(rt.GetDeprecationDate()),
		DecommissionDate: formatDate(rt.GetDecommissionDate()),
		Source:           audit.Source{API: apiListRuntimes, Ref: parent},
	}
}

func formatDate(d *date.Date) string {
	if d == nil || d.GetYear() == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
}
