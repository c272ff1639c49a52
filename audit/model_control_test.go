package audit

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func controlInventory() *Inventory {
	return &Inventory{
		Schema: InventorySchema,
		Accounts: []Account{{Provider: AWS, ID: "123456789012", AWS: &AWSAccount{
			Users: []AWSPrincipal{{ARN: "arn:aws:iam::123456789012:user/ana", Name: "ana", Groups: []string{"developers"},
				Attached: []string{"arn:aws:iam::123456789012:policy/deploy"}}},
			Groups: []AWSPrincipal{{ARN: "arn:aws:iam::123456789012:group/developers", Name: "developers"}},
			Roles: []AWSPrincipal{{ARN: "arn:aws:iam::123456789012:role/fn", Name: "fn",
				Trust: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}},
			Policies: []Policy{{Kind: PolicyManaged, Name: "deploy", ID: "arn:aws:iam::123456789012:policy/deploy",
				Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}]}`)}},
		}}},
		Functions: []Function{{Provider: GCP, Account: "p", ID: "projects/p/locations/l/functions/f", Name: "f"}},
		Controllers: []Controller{{Provider: GCP,
			Principal: ControlPrincipal{Kind: ControllerGroupMember, ID: "group:dev@example.com", MemberCount: 27},
			Powers: []ControlPower{{Kind: ControlActAs, Actions: []string{"iam.serviceAccounts.actAs"},
				Targets:  []string{"projects/p"},
				Evidence: []ControlEvidence{{Policy: "roles/iam.serviceAccountUser", Kind: PolicyBinding, Source: Source{API: "resourcemanager.projects.getIamPolicy", Ref: "projects/p"}}}}}}},
	}
}

// TestControlRoundTrip: controllers and AWS authorization details survive JSON
// and pass the published schema and Validate.
func TestControlRoundTrip(t *testing.T) {
	t.Parallel()
	inv := controlInventory()
	data, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseInventory(data)
	if err != nil {
		t.Fatalf("ParseInventory: %v", err)
	}
	if d := cmp.Diff(inv, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}

// TestControlEnumsStrict: an unknown control kind is a load error naming it.
func TestControlEnumsStrict(t *testing.T) {
	t.Parallel()
	data, _ := json.Marshal(controlInventory())
	bad := strings.Replace(string(data), `"act-as"`, `"act-like"`, 1)
	_, err := ParseInventory([]byte(bad))
	if err == nil || !strings.Contains(err.Error(), "act-like") {
		t.Fatalf("ParseInventory(unknown control kind) = %v, want an error naming it", err)
	}
	if len(ControlKinds()) != 15 || len(ControllerKinds()) != 10 {
		t.Errorf("enum lists: %d control kinds, %d controller kinds", len(ControlKinds()), len(ControllerKinds()))
	}
	ks := ControlKinds()
	ks[0] = "x"
	if ControlKinds()[0] != ControlChangeCode {
		t.Error("ControlKinds returned the package's own slice")
	}
}

// TestControlWarning: a report over AWS authorization details says that
// organization policies were not applied; one without them does not.
func TestControlWarning(t *testing.T) {
	t.Parallel()
	cfg := Config{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	r := Analyze(controlInventory(), nil, cfg)
	if !containsString(r.Warnings, SCPNotApplied) {
		t.Errorf("warnings = %q, want the SCP note", r.Warnings)
	}
	inv := controlInventory()
	inv.Accounts[0].AWS = nil
	inv.Functions = append(inv.Functions, Function{Provider: AWS, Account: "123456789012", ID: "arn:aws:lambda:us-east-1:123456789012:function:f", Name: "f"})
	r = Analyze(inv, nil, cfg)
	if containsString(r.Warnings, SCPNotApplied) {
		t.Errorf("warnings = %q without authorization details", r.Warnings)
	}
	want := "who can change a function was not judged in AWS account(s) 123456789012: the inventory holds no IAM authorization details for them (an older collection, or iam:GetAccountAuthorizationDetails failed; see the gaps)"
	if !containsString(r.Warnings, want) {
		t.Errorf("warnings = %q, want the accounts not judged", r.Warnings)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestPassShared: a value several rules share is computed once per analysis.
func TestPassShared(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	computed := 0
	check := func(pass *Pass) {
		v := pass.Shared("test/value", func() any {
			mu.Lock()
			computed++
			mu.Unlock()
			return 42
		}).(int)
		if v != 42 {
			t.Errorf("Shared = %d", v)
		}
	}
	inv := controlInventory()
	inv.Functions = append(inv.Functions, Function{Provider: GCP, Account: "p", ID: "projects/p/locations/l/functions/g", Name: "g"})
	rules := []Rule{{ID: "T-1", Provider: GCP, Category: AdminAccess, Severity: Low, Check: check},
		{ID: "T-2", Provider: GCP, Category: AdminAccess, Severity: Low, Check: check}}
	Analyze(inv, rules, Config{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if computed != 1 {
		t.Errorf("computed %d times over 2 rules and 2 functions, want once", computed)
	}
}
