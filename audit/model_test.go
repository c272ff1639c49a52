package audit

import (
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

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
	if len(again.Functions) != 2 || len(again.Identities) != 2 || len(again.Gaps) != 1 {
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
	if len(m.Functions) != 4 || len(m.Identities) != 2 || len(m.Gaps) != 2 || len(m.Accounts) != 1 {
		t.Fatalf("merge: %d functions, %d identities, %d gaps, %d accounts", len(m.Functions), len(m.Identities), len(m.Gaps), len(m.Accounts))
	}
	if diff := cmp.Diff([]string{"eu-west-1", "us-east-1"}, m.Accounts[0].Regions); diff != "" {
		t.Errorf("merged regions: %s", diff)
	}
}
