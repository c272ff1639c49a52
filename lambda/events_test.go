package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
)

// sqsBatch wraps EventBridge events the way an SQS event source mapping
// delivers them to the function.
func sqsBatch(t testing.TB, bodies ...[]byte) []byte {
	t.Helper()
	type record struct {
		MessageID      string            `json:"messageId"`
		ReceiptHandle  string            `json:"receiptHandle"`
		Body           string            `json:"body"`
		Attributes     map[string]string `json:"attributes"`
		MD5OfBody      string            `json:"md5OfBody"`
		EventSource    string            `json:"eventSource"`
		EventSourceARN string            `json:"eventSourceARN"`
		AWSRegion      string            `json:"awsRegion"`
	}
	var recs []record
	for i, b := range bodies {
		recs = append(recs, record{
			MessageID:     fmt.Sprintf("059f36b4-87a3-44ab-83d2-%012d", i),
			ReceiptHandle: fmt.Sprintf("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a-%d", i),
			Body:          string(b),
			Attributes: map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1764838927000",
				"SenderId": "AIDAIENQZJOLO23YVJ4VO", "ApproximateFirstReceiveTimestamp": "1764838927100"},
			EventSource:    "aws:sqs",
			EventSourceARN: "arn:aws:sqs:us-east-1:" + securityID + ":fnaudit-changes",
			AWSRegion:      "us-east-1",
		})
	}
	out, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "cloudtrail", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseChangeSamples reads every CloudTrail sample: each names the
// function, role or policy it changed (or the front door), in the event's
// account and region, with who and when.
func TestParseChangeSamples(t *testing.T) {
	t.Parallel()
	orders := fnARN("us-east-1", "orders-api")
	role := "arn:aws:iam::" + acctProd + ":role/app-role"
	shared := "arn:aws:iam::" + acctProd + ":policy/app-shared"
	want := map[string]change{
		"AddPermission20150331v2":               {Functions: []string{orders}},
		"RemovePermission20150331v2":            {Functions: []string{orders}},
		"CreateFunctionUrlConfig20211031":       {Functions: []string{orders}},
		"UpdateFunctionUrlConfig20211031":       {Functions: []string{orders}},
		"DeleteFunctionUrlConfig20211031":       {Functions: []string{orders}},
		"CreateFunction20150331":                {Functions: []string{orders}},
		"DeleteFunction20150331":                {Functions: []string{fnARN("us-east-1", "retired-job")}},
		"UpdateFunctionConfiguration20150331v2": {Functions: []string{orders}},
		"UpdateFunctionCode20150331v2":          {Functions: []string{orders}},
		"PublishVersion20150331":                {Functions: []string{orders}},
		"CreateAlias20150331":                   {Functions: []string{orders}},
		"UpdateAlias20150331":                   {Functions: []string{orders}},
		"DeleteAlias20150331":                   {Functions: []string{orders}},
		"CreateEventSourceMapping20150331":      {Functions: []string{orders}},
		"UpdateEventSourceMapping20150331":      {Functions: []string{orders}},
		"DeleteEventSourceMapping20150331":      {Functions: []string{orders}},
		"PutRolePolicy":                         {Identities: []string{role}},
		"DeleteRolePolicy":                      {Identities: []string{role}},
		"AttachRolePolicy":                      {Identities: []string{role}},
		"DetachRolePolicy":                      {Identities: []string{role}},
		"UpdateAssumeRolePolicy":                {Identities: []string{role}},
		"PutRolePermissionsBoundary":            {Identities: []string{role}},
		"DeleteRolePermissionsBoundary":         {Identities: []string{role}},
		"CreatePolicyVersion":                   {Identities: []string{shared}},
		"SetDefaultPolicyVersion":               {Identities: []string{shared}},
		"CreateIntegration":                     {Functions: []string{orders}, Doors: []string{"a1b2c3d4e5"}},
		"UpdateRoute":                           {Doors: []string{"a1b2c3d4e5"}},
		"RegisterTargets": {Functions: []string{orders},
			Doors: []string{"arn:aws:elasticloadbalancing:us-east-1:" + acctProd + ":targetgroup/orders/0123456789abcdef"}},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "cloudtrail", "*.json"))
	if len(files) != len(want) {
		t.Errorf("%d samples, %d expectations", len(files), len(want))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, ok := want[name]
			if !ok {
				t.Fatalf("no expectation for sample %s", name)
			}
			got, skipped, err := parseChanges(sqsBatch(t, sample(t, name)))
			if err != nil || len(skipped) != 0 || len(got) != 1 {
				t.Fatalf("parse: %d changes, skipped %q, err %v", len(got), skipped, err)
			}
			c := got[0]
			if c.EventName != name || c.Account != acctProd || c.Region != "us-east-1" ||
				c.Who != "arn:aws:sts::"+acctProd+":assumed-role/deployer/ci-1234" || c.When.IsZero() || c.EventID == "" {
				t.Errorf("change = %+v", c)
			}
			if diff := cmp.Diff([3][]string{w.Functions, w.Identities, w.Doors}, [3][]string{c.Functions, c.Identities, c.Doors}); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseChangesSkips: a failed call, another detail-type, an unhandled
// event and a body that is not JSON are skipped with a reason, and the rest
// of the batch is kept.
func TestParseChangesSkips(t *testing.T) {
	t.Parallel()
	var failed map[string]any
	_ = json.Unmarshal(sample(t, "AddPermission20150331v2"), &failed)
	failed["detail"].(map[string]any)["errorCode"] = "AccessDeniedException"
	failedBody, _ := json.Marshal(failed)
	var tag map[string]any
	_ = json.Unmarshal(sample(t, "PutRolePolicy"), &tag)
	tag["detail"].(map[string]any)["eventName"] = "TagRole"
	tagBody, _ := json.Marshal(tag)
	got, skipped, err := parseChanges(sqsBatch(t, failedBody, readFile(t, "scheduled-event.json"), tagBody, []byte("not json"),
		sample(t, "PutRolePolicy")))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].EventName != "PutRolePolicy" {
		t.Errorf("kept %+v, want the PutRolePolicy change only", got)
	}
	for i, want := range []string{"failed (AccessDeniedException): nothing changed", `detail-type "Scheduled Event"`,
		"TagRole from iam.amazonaws.com is not a change", "not an EventBridge event"} {
		if i >= len(skipped) || !strings.Contains(skipped[i], want) {
			t.Errorf("skipped[%d] = %q, want it to say %q", i, skipped, want)
		}
	}
	if _, _, err := parseChanges([]byte(`{"Records": 7}`)); err == nil {
		t.Error("a malformed batch parsed")
	}
}

func TestFunctionARN(t *testing.T) {
	t.Parallel()
	const want = "arn:aws:lambda:eu-west-1:123456789012:function:orders-api"
	for _, in := range []string{
		"orders-api", "orders-api:live", "orders-api:42",
		"123456789012:function:orders-api", "123456789012:function:orders-api:live",
		"arn:aws:lambda:eu-west-1:123456789012:function:orders-api",
		"arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live",
	} {
		got, ok := functionARN(in, "aws", "123456789012", "eu-west-1")
		if !ok || got != want {
			t.Errorf("functionARN(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	// A full ARN names its own account and region.
	if got, _ := functionARN("arn:aws:lambda:us-east-2:210987654321:function:x", "aws", "123456789012", "eu-west-1"); got != "arn:aws:lambda:us-east-2:210987654321:function:x" {
		t.Errorf("full ARN of another region: %q", got)
	}
	for _, bad := range []string{"", "function:", "a/b"} {
		if got, ok := functionARN(bad, "aws", "123456789012", "eu-west-1"); ok {
			t.Errorf("functionARN(%q) = %q, want rejected", bad, got)
		}
	}
}

func TestIsSQSBatch(t *testing.T) {
	t.Parallel()
	if !isSQSBatch(sqsBatch(t, sample(t, "PutRolePolicy"))) {
		t.Error("an SQS batch is not recognized")
	}
	for _, p := range []string{`{}`, `{"Records":[]}`, `{"Records":[{"eventSource":"aws:s3"}]}`, `{"regions":["eu-west-1"]}`} {
		if isSQSBatch([]byte(p)) {
			t.Errorf("%s taken for an SQS batch", p)
		}
	}
	if isSQSBatch(sqsBatch(t)) {
		t.Error("a batch without records is taken for a batch of changes")
	}
}

// TestInScopeFrontDoors: a front-door change that names no function reaches
// the functions the stored state puts behind that door; without state, or
// outside the configured accounts and regions, it is dropped with a reason.
func TestInScopeFrontDoors(t *testing.T) {
	t.Parallel()
	h := &Handler{}
	changes, _, err := parseChanges(sqsBatch(t, sample(t, "UpdateRoute"), sample(t, "AddPermission20150331v2")))
	if err != nil || len(changes) != 2 {
		t.Fatalf("%d changes, %v", len(changes), err)
	}
	behind := fnARN("us-east-1", "orders-api")
	prev := &audit.Report{Findings: []audit.Finding{
		{Resource: behind, Account: acctProd, FrontDoor: &audit.DoorRef{ID: "apigw:a1b2c3d4e5/GET /orders", Parent: "a1b2c3d4e5"}},
		{Resource: fnARN("us-east-1", "elsewhere"), Account: acctProd, FrontDoor: &audit.DoorRef{ID: "apigw:zzz/GET /", Parent: "zzz"}},
	}}
	all := Scope{Providers: []audit.Provider{audit.AWS}}
	got, dropped := h.inScope(changes, all, prev)
	if len(got) != 2 || len(dropped) != 0 || cmp.Diff([]string{behind}, got[0].Functions) != "" {
		t.Errorf("with state: %+v, dropped %q", got, dropped)
	}
	got, dropped = h.inScope(changes, all, nil)
	if len(got) != 1 || got[0].EventName != "AddPermission20150331v2" || len(dropped) != 1 ||
		!strings.Contains(dropped[0], "UpdateRoute") {
		t.Errorf("without state: %+v, dropped %q", got, dropped)
	}
	for _, s := range []Scope{
		{Providers: []audit.Provider{audit.AWS}, Regions: []string{"eu-west-1"}},
		{Providers: []audit.Provider{audit.AWS}, Accounts: []string{acctDenied}},
		{Providers: []audit.Provider{audit.GCP}},
	} {
		if got, dropped := h.inScope(changes, s, prev); len(got) != 0 || len(dropped) == 0 {
			t.Errorf("scope %+v: kept %+v", s, got)
		}
	}
}
