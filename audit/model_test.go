package audit

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

func readSmall(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/small.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestInventoryRoundTrip(t *testing.T) {
	t.Parallel()
	inv, err := ParseInventory(readSmall(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseInventory(out)
	if err != nil {
		t.Fatalf("re-reading marshalled inventory: %v", err)
	}
	// Policy documents are compacted by the first marshal; from then on the
	// round trip must be exact.
	out2, err := json.Marshal(again)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(out), string(out2)); diff != "" {
		t.Errorf("round trip changed the inventory (-first +second):\n%s", diff)
	}
	// Reading the v1 file added a front-doors gap for each of its two accounts.
	if len(again.Functions) != 2 || len(again.Identities) != 2 || len(again.Gaps) != 3 {
		t.Errorf("lost elements: %d functions, %d identities, %d gaps", len(again.Functions), len(again.Identities), len(again.Gaps))
	}
}

// TestSchemaFileUpToDate keeps the published schema identical to the one the
// loader enforces (derived from the Go types). Run with -update after changing
// the model.
func TestSchemaFileUpToDate(t *testing.T) {
	t.Parallel()
	golden.File(t, "inventory.schema.json", InventoryJSONSchema(), *update)
	if _, err := compiledSchema(); err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
}

func TestMalformedInventories(t *testing.T) {
	t.Parallel()
	good := string(readSmall(t))
	cases := []struct {
		name, input, want string
	}{
		{"empty", "", "inventory is empty"},
		{"truncated", good[:len(good)/2], "invalid JSON: unexpected end of input"},
		{"syntax", `{"schema": "fnaudit.inventory/v1", "functions": [}`, "line 1, column"},
		{"not an object", `[1,2]`, "inventory must be a JSON object"},
		{"missing schema", `{"functions": []}`, "schema: missing"},
		{"wrong schema", `{"schema": "fnaudit.inventory/v9", "functions": []}`, `schema: "fnaudit.inventory/v9" is not a supported`},
		{"unknown provider", strings.Replace(good, `"provider": "gcp", "account": "acme-prod-123", "region"`, `"provider": "oracle", "account": "acme-prod-123", "region"`, 1), `functions[1].provider: "oracle" is not allowed: value must be one of`},
		{"unknown principal kind", strings.Replace(good, `"kind": "public"`, `"kind": "everyone"`, 1), "functions[1].access[0].principal.kind"},
		{"policy is a number", strings.Replace(good, `"policies": [{"document": {"Version"`, `"policies": [{"document": 42, "x": {"Version"`, 1), "functions[0].aws.policies[0]"},
		{"unknown field", strings.Replace(good, `"runtime": "nodejs20"`, `"runtme": "nodejs20"`, 1), "functions[1]: additional properties 'runtme' not allowed"},
		{"missing id", strings.Replace(good, `"id": "projects/acme-prod-123/locations/europe-west1/functions/resize",`, ``, 1), "functions[1]: missing property 'id'"},
		{"gap reason", strings.Replace(good, `"reason": "access-denied"`, `"reason": "denied"`, 1), "gaps[0].reason"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseInventory([]byte(tc.input))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestPolicyDocumentMustBeObject(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{`42`, `"{}"`, `[]`, `true`, `null`} {
		inv := &Inventory{Schema: InventorySchema, Functions: []Function{{
			Provider: AWS, ID: "arn", Name: "f",
			AWS: &AWSFunction{Policies: []ResourcePolicy{{Document: json.RawMessage(doc)}}},
		}}}
		err := inv.Validate()
		if err == nil || !strings.Contains(err.Error(), "functions[0].aws.policies[0].document: policy document must be a JSON object") {
			t.Errorf("document %s: error %v", doc, err)
		}
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	a, err := ParseInventory(readSmall(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseInventory(readSmall(t))
	b.Accounts[0].Regions = []string{"eu-west-1"}
	m := Merge(a, b)
	// The same functions, identities and gaps given twice are kept once (the
	// file's gap and the front-doors gaps of its two v1 accounts).
	if len(m.Functions) != 2 || len(m.Identities) != 2 || len(m.Gaps) != 3 || len(m.Accounts) != 1 {
		t.Fatalf("merge: %d functions, %d identities, %d gaps, %d accounts", len(m.Functions), len(m.Identities), len(m.Gaps), len(m.Accounts))
	}
	if diff := cmp.Diff([]string{"eu-west-1", "us-east-1"}, m.Accounts[0].Regions); diff != "" {
		t.Errorf("merged regions: %s", diff)
	}
}

// TestMergeCheckedConflicts: an identity or function described differently by two
// inputs is a warning naming it and the input, the first description is kept, and
// exact repeats are folded without a warning.
func TestMergeCheckedConflicts(t *testing.T) {
	t.Parallel()
	a, err := ParseInventory(readSmall(t))
	if err != nil {
		t.Fatal(err)
	}
	same, _ := ParseInventory(readSmall(t))
	if _, warns := MergeChecked(a, same); len(warns) != 0 {
		t.Errorf("identical inputs: warnings %q", warns)
	}
	b, _ := ParseInventory(readSmall(t))
	b.Identities[0].Name = "someone-else"
	b.Functions[1].Runtime = "python2.7"
	m, warns := MergeChecked(a, b)
	if len(warns) != 2 {
		t.Fatalf("warnings %q, want one for the identity and one for the function", warns)
	}
	for _, want := range []string{"identity " + a.Identities[0].ID + " is described differently by input 2", "function " + a.Functions[1].ID + " is described differently by input 2"} {
		found := false
		for _, w := range warns {
			found = found || strings.Contains(w, want)
		}
		if !found {
			t.Errorf("no warning %q in %q", want, warns)
		}
	}
	if m.Identities[0].Name != a.Identities[0].Name || m.Functions[1].Runtime != a.Functions[1].Runtime {
		t.Errorf("the first description was not kept: %+v %+v", m.Identities[0], m.Functions[1])
	}
}

// TestAnalyzeEmptyInventoryWarns: an inventory with no functions never reads as
// a clean estate.
func TestAnalyzeEmptyInventoryWarns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		inv  *Inventory
		want string
	}{
		{&Inventory{Schema: InventorySchema}, "no functions and no scopes"},
		{&Inventory{Schema: InventorySchema, Accounts: []Account{{Provider: AWS, ID: "123456789012"}}}, "no functions in its 1 scope(s)"},
		{&Inventory{Schema: InventorySchema, Gaps: []Gap{{Provider: AWS, Account: "123456789012", Reason: GapAccessDenied}}}, "the gaps below say what could not be read"},
	} {
		r := Analyze(tc.inv, nil, Config{Now: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)})
		if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], tc.want) {
			t.Errorf("warnings %q, want one containing %q", r.Warnings, tc.want)
		}
	}
}

// TestFoldUnreachable: per-resource unreachable gaps fold into one per
// account and kind of data naming the causes and the count; other gaps stay.
func TestFoldUnreachable(t *testing.T) {
	t.Parallel()
	gaps := []Gap{
		{Provider: GCP, Account: "p1", Resource: "f1", API: "run.services.getIamPolicy", Data: DataAccess, Reason: GapUnreachable},
		{Provider: GCP, Account: "p1", Resource: "f2", API: "cloudfunctions.functions.getIamPolicy", Data: DataAccess, Reason: GapUnreachable},
		{Provider: GCP, Account: "p1", Resource: "f2", API: "x", Data: DataAccess, Reason: GapThrottled},
		{Provider: GCP, Account: "p1", API: "y", Data: DataFunctions, Reason: GapUnreachable},
	}
	if got := FoldUnreachable(GCP, gaps, nil); len(got) != len(gaps) {
		t.Errorf("no causes: %d gaps, want them unchanged", len(got))
	}
	got := FoldUnreachable(GCP, gaps, []string{"run in p1: endpoint unreachable (connection refused) after 3 attempts"})
	if len(got) != 3 {
		t.Fatalf("gaps %+v, want the throttled one, the wide one and one folded", got)
	}
	f := got[2]
	if f.Resource != "" || f.Account != "p1" || f.API != "cloudfunctions.functions.getIamPolicy, run.services.getIamPolicy" ||
		f.Message != "run in p1: endpoint unreachable (connection refused) after 3 attempts; 2 resources' access data not read" {
		t.Errorf("folded gap %+v", f)
	}
}
