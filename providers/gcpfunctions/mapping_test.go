package gcpfunctions

import (
	"context"
	"errors"
	"fmt"
	"testing"

	functionsv1pb "cloud.google.com/go/functions/apiv1/functionspb"
	"cloud.google.com/go/functions/apiv2/functionspb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/type/expr"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/fnaudit/fnaudit/audit"
)

func TestPrincipalOf(t *testing.T) {
	for member, want := range map[string]audit.PrincipalKind{
		"allUsers":                       audit.PrincipalPublic,
		"principalSet://goog/public:all": audit.PrincipalPublic,
		"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:acme/x": audit.PrincipalSpecific,
		"allAuthenticatedUsers": audit.PrincipalAnyAuthenticated,
		"domain:acme.example":   audit.PrincipalOrganization,
		"principalSet://iam.googleapis.com/locations/global/workforcePools/acme/*": audit.PrincipalOrganization,
		"projectOwner:acme-prod-123": audit.PrincipalAccount,
		"projectViewer:partner-42":   audit.PrincipalAccount,
		"serviceAccount:service-481516234200@gcp-sa-pubsub.iam.gserviceaccount.com": audit.PrincipalService,
		"serviceAccount:481516234200@cloudservices.gserviceaccount.com":             audit.PrincipalService,
		"serviceAccount:orders@acme-prod-123.iam.gserviceaccount.com":               audit.PrincipalSpecific,
		"user:alice@acme.example": audit.PrincipalSpecific,
		"group:ops@acme.example":  audit.PrincipalSpecific,
		"deleted:serviceAccount:old@acme-prod-123.iam.gserviceaccount.com?uid=1": audit.PrincipalSpecific,
	} {
		got := principalOf(member)
		if got.Kind != want || got.ID != member {
			t.Errorf("principalOf(%q) = %+v, want kind %s", member, got, want)
		}
	}
}

func TestEventKind(t *testing.T) {
	for typ, want := range map[string]audit.TriggerKind{
		"google.cloud.pubsub.topic.v1.messagePublished":           audit.TriggerPubSub,
		"providers/cloud.pubsub/eventTypes/topic.publish":         audit.TriggerPubSub,
		"google.cloud.storage.object.v1.finalized":                audit.TriggerStorage,
		"google.storage.object.finalize":                          audit.TriggerStorage,
		"google.cloud.firestore.document.v1.written":              audit.TriggerEvent,
		"providers/google.firebase.database/eventTypes/ref.write": audit.TriggerEvent,
		"google.cloud.audit.log.v1.written":                       audit.TriggerEvent,
	} {
		if got, _ := eventKind(typ); got != want {
			t.Errorf("eventKind(%q) = %s, want %s", typ, got, want)
		}
	}
}

func TestIsDefaultSA(t *testing.T) {
	for _, tc := range []struct {
		email, project, number string
		want                   bool
	}{
		{"481516234200-compute@developer.gserviceaccount.com", "acme-prod-123", "481516234200", true},
		{"999-compute@developer.gserviceaccount.com", "acme-prod-123", "481516234200", false},
		{"999-compute@developer.gserviceaccount.com", "acme-prod-123", "", true},
		{"acme-prod-123@appspot.gserviceaccount.com", "acme-prod-123", "481516234200", true},
		{"orders@acme-prod-123.iam.gserviceaccount.com", "acme-prod-123", "481516234200", false},
	} {
		if got := isDefaultSA(tc.email, tc.project, tc.number); got != tc.want {
			t.Errorf("isDefaultSA(%q) = %v, want %v", tc.email, got, tc.want)
		}
	}
}

func TestMapFunctionV2(t *testing.T) {
	name := "projects/acme-prod-123/locations/europe-west1/functions/report-export"
	for _, tc := range []struct {
		desc      string
		in        *functionspb.Function
		sa        string
		isDefault bool
		gen       string
		triggers  []audit.TriggerKind
	}{
		{
			desc: "2nd gen without a service account runs as the compute default",
			in: &functionspb.Function{Name: name, Environment: functionspb.Environment_GEN_2,
				ServiceConfig: &functionspb.ServiceConfig{Uri: "https://x.run.app", Service: "projects/acme-prod-123/locations/europe-west1/services/report-export"}},
			sa: "481516234200-compute@developer.gserviceaccount.com", isDefault: true, gen: "2",
			triggers: []audit.TriggerKind{audit.TriggerHTTPURL},
		},
		{
			desc: "2nd gen event function still has an HTTPS URL",
			in: &functionspb.Function{Name: name, Environment: functionspb.Environment_GEN_2,
				EventTrigger:  &functionspb.EventTrigger{EventType: "google.cloud.pubsub.topic.v1.messagePublished", PubsubTopic: "projects/acme-prod-123/topics/t"},
				ServiceConfig: &functionspb.ServiceConfig{Uri: "https://x.run.app", ServiceAccountEmail: "fn@acme-prod-123.iam.gserviceaccount.com"}},
			sa: "fn@acme-prod-123.iam.gserviceaccount.com", gen: "2",
			triggers: []audit.TriggerKind{audit.TriggerPubSub, audit.TriggerHTTPURL},
		},
		{
			desc: "GEN_1 listed by v2 runs as the App Engine default",
			in: &functionspb.Function{Name: name, Environment: functionspb.Environment_GEN_1,
				ServiceConfig: &functionspb.ServiceConfig{SecurityLevel: functionspb.ServiceConfig_SECURE_OPTIONAL}},
			sa: "acme-prod-123@appspot.gserviceaccount.com", isDefault: true, gen: "1",
		},
	} {
		fn := mapFunctionV2(tc.in, "acme-prod-123", "481516234200")
		var kinds []audit.TriggerKind
		for _, tr := range fn.Triggers {
			kinds = append(kinds, tr.Kind)
		}
		if fn.GCP.ServiceAccount != tc.sa || fn.GCP.DefaultServiceAccount != tc.isDefault || fn.GCP.Generation != tc.gen ||
			fn.Region != "europe-west1" || fn.Name != "report-export" || !cmp.Equal(kinds, tc.triggers) {
			t.Errorf("%s: got %+v triggers %v", tc.desc, fn.GCP, kinds)
		}
		if tc.gen == "1" && (fn.GCP.RunService != "" || fn.GCP.SecurityLevel != "SECURE_OPTIONAL") {
			t.Errorf("%s: gen1 facts %+v", tc.desc, fn.GCP)
		}
	}
}

func TestMapFunctionV1(t *testing.T) {
	f := &functionsv1pb.CloudFunction{
		Name:    "projects/acme-prod-123/locations/us-east1/functions/billing-sync",
		Runtime: "python311",
		Trigger: &functionsv1pb.CloudFunction_EventTrigger{EventTrigger: &functionsv1pb.EventTrigger{
			EventType: "google.pubsub.topic.publish", Resource: "projects/acme-prod-123/topics/billing"}},
		EnvironmentVariables:       map[string]string{"TOPIC": "billing", "EMPTY": ""},
		SecretEnvironmentVariables: []*functionsv1pb.SecretEnvVar{{Key: "API_KEY", Secret: "api-key", Version: "1"}},
		IngressSettings:            functionsv1pb.CloudFunction_ALLOW_INTERNAL_AND_GCLB,
	}
	fn := mapFunctionV1(f, "acme-prod-123", "")
	want := []audit.EnvVar{
		{Name: "API_KEY", Verdict: audit.ValueReference, Detector: "secretmanager-reference"},
		{Name: "EMPTY", Verdict: audit.ValueEmpty},
		{Name: "TOPIC", Verdict: audit.ValuePlain},
	}
	if diff := cmp.Diff(want, fn.Environment); diff != "" {
		t.Errorf("environment (-want +got):\n%s", diff)
	}
	if fn.URL != "" || len(fn.Triggers) != 1 || fn.Triggers[0].Kind != audit.TriggerPubSub ||
		fn.Triggers[0].SourceID != "projects/acme-prod-123/topics/billing" || fn.GCP.Ingress != "ALLOW_INTERNAL_AND_GCLB" ||
		!fn.GCP.DefaultServiceAccount {
		t.Errorf("billing-sync: %+v", fn)
	}
}

func TestInvokeAccess(t *testing.T) {
	pol := &iampb.Policy{Bindings: []*iampb.Binding{
		{Role: "roles/run.invoker", Members: []string{"allUsers", "serviceAccount:a@p.iam.gserviceaccount.com"}},
		{Role: "roles/run.viewer", Members: []string{"allAuthenticatedUsers"}},
		{Role: "roles/run.invoker", Members: []string{"group:g@example.com"}, Condition: &expr.Expr{Expression: "request.time < timestamp(\"2027-01-01T00:00:00Z\")"}},
	}}
	src := audit.Source{API: apiRunServiceIAM, Ref: "svc"}
	got := invokeAccess(pol, func(r string) bool { return r == "roles/run.invoker" }, permInvokeGen2, src)
	want := []audit.Access{
		{Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "allUsers"}, Effect: audit.Allow, Actions: []string{permInvokeGen2}, Role: "roles/run.invoker", Auth: audit.AuthNone, Source: src},
		{Principal: audit.Principal{Kind: audit.PrincipalSpecific, ID: "serviceAccount:a@p.iam.gserviceaccount.com"}, Effect: audit.Allow, Actions: []string{permInvokeGen2}, Role: "roles/run.invoker", Auth: audit.AuthIAM, Source: src},
		{Principal: audit.Principal{Kind: audit.PrincipalSpecific, ID: "group:g@example.com"}, Effect: audit.Allow, Actions: []string{permInvokeGen2}, Role: "roles/run.invoker",
			Condition: "request.time < timestamp(\"2027-01-01T00:00:00Z\")", Auth: audit.AuthIAM, Source: src},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invokeAccess (-want +got):\n%s", diff)
	}
}

func TestGapReason(t *testing.T) {
	disabled, _ := status.New(codes.PermissionDenied, "Cloud Functions API has not been used in project 1 before or it is disabled.").
		WithDetails(&errdetails.ErrorInfo{Reason: "SERVICE_DISABLED", Domain: "googleapis.com"})
	for _, tc := range []struct {
		err  error
		want audit.GapReason
	}{
		{status.Error(codes.PermissionDenied, "denied"), audit.GapAccessDenied},
		{status.Error(codes.Unauthenticated, "no token"), audit.GapAccessDenied},
		{disabled.Err(), audit.GapNotEnabled},
		{status.Error(codes.ResourceExhausted, "quota"), audit.GapThrottled},
		{status.Error(codes.NotFound, "gone"), audit.GapNotFound},
		{status.Error(codes.Internal, "boom"), audit.GapError},
		{fmt.Errorf("list: %w", context.DeadlineExceeded), audit.GapTimeout},
		{errors.New("dial tcp: connection refused"), audit.GapError},
	} {
		if got := gapReason(tc.err); got != tc.want {
			t.Errorf("gapReason(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

func TestBoundedRetryer(t *testing.T) {
	// The retryer allows Attempts-1 retries of throttling and none of other errors.
	p := RetryPolicy{Attempts: 3}
	rt := &boundedRetryer{inner: retryerFor(p), left: 2}
	if _, ok := rt.Retry(status.Error(codes.PermissionDenied, "no")); ok {
		t.Error("retried PermissionDenied")
	}
	for i := 0; i < 2; i++ {
		if _, ok := rt.Retry(status.Error(codes.ResourceExhausted, "quota")); !ok {
			t.Errorf("retry %d of ResourceExhausted refused", i)
		}
	}
	if _, ok := rt.Retry(status.Error(codes.ResourceExhausted, "quota")); ok {
		t.Error("retried beyond the attempt budget")
	}
}

func TestMatchRuntime(t *testing.T) {
	rts := []*functionspb.ListRuntimesResponse_Runtime{
		{Name: "python38", Environment: functionspb.Environment_GEN_1, Stage: functionspb.ListRuntimesResponse_DECOMMISSIONED},
		{Name: "python38", Environment: functionspb.Environment_GEN_2, Stage: functionspb.ListRuntimesResponse_DEPRECATED},
		{Name: "nodejs20", Stage: functionspb.ListRuntimesResponse_GA},
	}
	if got := matchRuntime(rts, "python38", "1"); got.GetStage() != functionspb.ListRuntimesResponse_DECOMMISSIONED {
		t.Errorf("gen1 python38: %v", got)
	}
	if got := matchRuntime(rts, "python38", "2"); got.GetStage() != functionspb.ListRuntimesResponse_DEPRECATED {
		t.Errorf("gen2 python38: %v", got)
	}
	if got := matchRuntime(rts, "nodejs20", "2"); got == nil {
		t.Error("nodejs20 without environment not matched")
	}
	if got := matchRuntime(rts, "go125", "2"); got != nil {
		t.Errorf("go125 matched %v", got)
	}
	if got := runtimeSupport(rts[1], "projects/p/locations/l"); got.Stage != "DEPRECATED" || got.Source.API != apiListRuntimes {
		t.Errorf("runtimeSupport: %+v", got)
	}
}
