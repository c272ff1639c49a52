package gcpfake

import (
	"cloud.google.com/go/functions/apiv1/functionspb"
	functionsv2pb "cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/run/apiv2/runpb"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/genproto/googleapis/type/expr"
)

// The scenario's projects: one readable project with functions of both
// generations, one that denies everything, one where Cloud Functions is disabled.
const (
	ProdProject   = "acme-prod-123"
	ProdNumber    = "481516234200"
	DeniedProject = "acme-denied-456"
	DevProject    = "acme-dev-789"
)

// SA returns the e-mail of the scenario's user-managed service account name.
func SA(name string) string { return name + "@" + ProdProject + ".iam.gserviceaccount.com" }

// FunctionName returns the resource name of a scenario function.
func FunctionName(loc, name string) string { return fnName(loc, name) }

func fnName(loc, name string) string {
	return "projects/" + ProdProject + "/locations/" + loc + "/functions/" + name
}

func svcName(loc, name string) string {
	return "projects/" + ProdProject + "/locations/" + loc + "/services/" + name
}

func v2fn(loc, name, sa, runtime string, ingress functionsv2pb.ServiceConfig_IngressSettings, env map[string]string) *functionsv2pb.Function {
	return &functionsv2pb.Function{
		Name:        fnName(loc, name),
		Environment: functionsv2pb.Environment_GEN_2,
		State:       functionsv2pb.Function_ACTIVE,
		Url:         "https://" + loc + "-" + ProdProject + ".cloudfunctions.net/" + name,
		BuildConfig: &functionsv2pb.BuildConfig{Runtime: runtime},
		ServiceConfig: &functionsv2pb.ServiceConfig{
			Service:              svcName(loc, name),
			Uri:                  "https://" + name + "-abc123-uc.a.run.app",
			ServiceAccountEmail:  sa,
			IngressSettings:      ingress,
			EnvironmentVariables: env,
		},
	}
}

func bind(role string, members ...string) *iampb.Binding {
	return &iampb.Binding{Role: role, Members: members}
}

// Scenario is an estate that plants one case of every GCP rule: in
// acme-prod-123, 2nd-gen webhook-stripe (allUsers invoker, storage.admin, a
// Stripe key in plain text), report-export (allAuthenticatedUsers, default
// compute account with roles/editor, python38 decommissioned per the runtimes
// API), image-resize (invoker IAM check disabled, conditional Token Creator),
// orders-api (internal ingress, a cross-project conditional invoker, a custom
// invoker role, a custom role with setIamPolicy); 1st-gen legacy-upload
// (allUsers, SECURE_OPTIONAL, App Engine default account, nodejs10, an AWS key)
// and billing-sync (Pub/Sub, domain invoker, projectIamAdmin on the folder).
// A service account of acme-ops-777 holds roles/run.invoker on the whole project;
// the folder grants roles/cloudfunctions.invoker to an auditors group.
// acme-denied-456 denies every call; acme-dev-789 has Cloud Functions disabled;
// the organization's policy is unreadable. Every list pages by two.
func Scenario() *Estate {
	webhook := v2fn("us-central1", "webhook-stripe", SA("webhook"), "nodejs20", functionsv2pb.ServiceConfig_ALLOW_ALL,
		map[string]string{"STRIPE_SECRET_KEY": "sk_live_51H8aQ2JkLmNoPqRsTuVwXyZ0123456789", "LOG_LEVEL": "info"})
	webhook.ServiceConfig.SecretEnvironmentVariables = []*functionsv2pb.SecretEnvVar{{Key: "DB_PASSWORD", ProjectId: ProdProject, Secret: "db-password", Version: "latest"}}
	report := v2fn("europe-west1", "report-export", "", "python38", functionsv2pb.ServiceConfig_ALLOW_ALL, nil)
	// The API fills in the default compute account when none was chosen.
	report.ServiceConfig.ServiceAccountEmail = ProdNumber + "-compute@developer.gserviceaccount.com"
	images := v2fn("us-central1", "image-resize", SA("images"), "go122", functionsv2pb.ServiceConfig_ALLOW_ALL, nil)
	images.EventTrigger = &functionsv2pb.EventTrigger{
		EventType:    "google.cloud.storage.object.v1.finalized",
		EventFilters: []*functionsv2pb.EventFilter{{Attribute: "bucket", Value: "acme-uploads"}},
	}
	orders := v2fn("us-central1", "orders-api", SA("orders"), "python312", functionsv2pb.ServiceConfig_ALLOW_INTERNAL_ONLY, nil)
	legacyV2 := &functionsv2pb.Function{Name: fnName("us-central1", "legacy-upload"), Environment: functionsv2pb.Environment_GEN_1,
		BuildConfig: &functionsv2pb.BuildConfig{Runtime: "nodejs10"}}
	billingV2 := &functionsv2pb.Function{Name: fnName("us-east1", "billing-sync"), Environment: functionsv2pb.Environment_GEN_1,
		BuildConfig: &functionsv2pb.BuildConfig{Runtime: "python311"}}

	legacy := &functionspb.CloudFunction{
		Name: fnName("us-central1", "legacy-upload"), Runtime: "nodejs10", Status: functionspb.CloudFunctionStatus_ACTIVE,
		IngressSettings: functionspb.CloudFunction_ALLOW_ALL,
		Trigger: &functionspb.CloudFunction_HttpsTrigger{HttpsTrigger: &functionspb.HttpsTrigger{
			Url: "https://us-central1-" + ProdProject + ".cloudfunctions.net/legacy-upload", SecurityLevel: functionspb.HttpsTrigger_SECURE_OPTIONAL}},
		EnvironmentVariables: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLQ", "BUCKET": "acme-legacy"},
	}
	billing := &functionspb.CloudFunction{
		Name: fnName("us-east1", "billing-sync"), Runtime: "python311", Status: functionspb.CloudFunctionStatus_ACTIVE,
		ServiceAccountEmail: SA("billing"), IngressSettings: functionspb.CloudFunction_ALLOW_INTERNAL_ONLY,
		Trigger: &functionspb.CloudFunction_EventTrigger{EventTrigger: &functionspb.EventTrigger{
			EventType: "google.pubsub.topic.publish", Resource: "projects/" + ProdProject + "/topics/billing-events", Service: "pubsub.googleapis.com"}},
	}

	prod := &Project{
		ID: ProdProject, Number: ProdNumber, DisplayName: "Acme Production", Parent: "folders/111",
		FunctionsV2: []*functionsv2pb.Function{webhook, legacyV2, report, images, billingV2, orders},
		FunctionsV1: []*functionspb.CloudFunction{legacy, billing},
		Services: []*runpb.Service{
			{Name: svcName("us-central1", "webhook-stripe")},
			{Name: svcName("europe-west1", "report-export")},
			{Name: svcName("us-central1", "image-resize"), InvokerIamDisabled: true},
			{Name: svcName("us-central1", "orders-api")},
		},
		ServicePolicies: map[string]*iampb.Policy{
			svcName("us-central1", "webhook-stripe"): {Version: 1, Bindings: []*iampb.Binding{bind("roles/run.invoker", "allUsers")}},
			svcName("europe-west1", "report-export"): {Version: 1, Bindings: []*iampb.Binding{bind("roles/run.invoker", "allAuthenticatedUsers")}},
			svcName("us-central1", "orders-api"): {Version: 3, Bindings: []*iampb.Binding{
				bind("roles/run.invoker", "serviceAccount:"+SA("frontend")),
				bind("projects/"+ProdProject+"/roles/apiCaller", "group:partners@example.org", "group:storefront@acme.example"),
				{Role: "roles/run.invoker", Members: []string{"serviceAccount:batch@acme-shared-999.iam.gserviceaccount.com"},
					Condition: &expr.Expr{Title: "until-2027", Expression: `request.time < timestamp("2027-01-01T00:00:00Z")`}},
			}},
		},
		FunctionPolicies: map[string]*iampb.Policy{
			fnName("us-central1", "legacy-upload"): {Version: 1, Bindings: []*iampb.Binding{bind("roles/cloudfunctions.invoker", "allUsers")}},
			fnName("us-east1", "billing-sync"):     {Version: 1, Bindings: []*iampb.Binding{bind("roles/cloudfunctions.invoker", "domain:acme.example")}},
		},
		Policy: &iampb.Policy{Version: 3, Bindings: []*iampb.Binding{
			bind("roles/editor", "serviceAccount:"+ProdNumber+"-compute@developer.gserviceaccount.com", "serviceAccount:"+ProdProject+"@appspot.gserviceaccount.com"),
			bind("projects/"+ProdProject+"/roles/accessProvisioner", "serviceAccount:"+SA("orders")),
			bind("roles/storage.admin", "serviceAccount:"+SA("webhook")),
			bind("roles/pubsub.publisher", "serviceAccount:"+SA("billing")),
			bind("roles/run.invoker", "serviceAccount:scheduler@acme-ops-777.iam.gserviceaccount.com"),
			{Role: "roles/iam.serviceAccountTokenCreator", Members: []string{"serviceAccount:" + SA("images")},
				Condition: &expr.Expr{Title: "weekdays", Expression: `request.time.getDayOfWeek("Europe/Berlin") < 5`}},
		}},
		Runtimes: []*functionsv2pb.ListRuntimesResponse_Runtime{
			{Name: "python38", Stage: functionsv2pb.ListRuntimesResponse_DEPRECATED,
				DeprecationDate: &date.Date{Year: 2024, Month: 10, Day: 14}, DecommissionDate: &date.Date{Year: 2025, Month: 10, Day: 14}},
			{Name: "python312", Stage: functionsv2pb.ListRuntimesResponse_GA},
			{Name: "nodejs20", Stage: functionsv2pb.ListRuntimesResponse_GA},
		},
	}
	return &Estate{
		PageSize: 2,
		Projects: []*Project{
			prod,
			{ID: DeniedProject, Number: "222222222222", Denied: true},
			{ID: DevProject, Number: "333333333333", Parent: "organizations/999", DisabledAPIs: []string{"cloudfunctions"},
				Policy: &iampb.Policy{}},
		},
		Folders: map[string]*Folder{
			"folders/111": {Parent: "organizations/999", Policy: &iampb.Policy{Bindings: []*iampb.Binding{
				bind("roles/resourcemanager.projectIamAdmin", "serviceAccount:"+SA("billing")),
				bind("roles/cloudfunctions.invoker", "group:auditors@acme.example"),
			}}},
		},
		// organizations/999's policy is not readable; its domain is.
		OrganizationDomains: map[string]string{"organizations/999": "acme.example"},
		Roles: map[string][]string{
			"roles/editor":                                         {"cloudfunctions.functions.update", "iam.serviceAccounts.actAs", "run.routes.invoke", "storage.buckets.delete"},
			"roles/run.invoker":                                    {"run.routes.invoke"},
			"roles/cloudfunctions.invoker":                         {"cloudfunctions.functions.invoke"},
			"roles/storage.admin":                                  {"storage.buckets.create", "storage.buckets.delete", "storage.objects.get"},
			"roles/pubsub.publisher":                               {"pubsub.topics.publish"},
			"roles/iam.serviceAccountTokenCreator":                 {"iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.signBlob", "iam.serviceAccounts.signJwt", "iam.serviceAccounts.implicitDelegation"},
			"roles/resourcemanager.projectIamAdmin":                {"resourcemanager.projects.getIamPolicy", "resourcemanager.projects.setIamPolicy"},
			"projects/" + ProdProject + "/roles/accessProvisioner": {"resourcemanager.projects.getIamPolicy", "resourcemanager.projects.setIamPolicy"},
			"projects/" + ProdProject + "/roles/apiCaller":         {"run.routes.invoke"},
		},
	}
}
