package audit

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// docExamples returns the front door examples of docs/inventory.md.
func docExamples(t *testing.T) []FrontDoor {
	t.Helper()
	md, err := os.ReadFile("../docs/inventory.md")
	if err != nil {
		t.Fatal(err)
	}
	var doors []FrontDoor
	for _, m := range regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(md, -1) {
		if !bytes.Contains(m[1], []byte(`"kind"`)) {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(m[1]))
		dec.DisallowUnknownFields()
		var d FrontDoor
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("docs/inventory.md example: %v\n%s", err, m[1])
		}
		doors = append(doors, d)
	}
	return doors
}

// inventoryWithDoors returns a v2 inventory holding doors and a function for
// every target they name without a resolution, linked.
func inventoryWithDoors(doors ...FrontDoor) *Inventory {
	inv := &Inventory{Schema: InventorySchema, FrontDoors: doors}
	seen := map[string]bool{}
	for _, d := range doors {
		for _, tg := range d.Targets {
			if tg.Resolution != "" || seen[tg.Function] {
				continue
			}
			seen[tg.Function] = true
			inv.Functions = append(inv.Functions, Function{Provider: d.Provider, Account: d.Account, Region: d.Region,
				ID: tg.Function, Name: tg.Function[strings.LastIndexAny(tg.Function, ":/")+1:]})
		}
	}
	LinkFrontDoors(inv)
	return inv
}

// TestInventoryDocExamples: the AWS, GCP and Azure examples of the schema docs
// are valid doors of a v2 inventory, through the JSON schema and Validate.
func TestInventoryDocExamples(t *testing.T) {
	t.Parallel()
	doors := docExamples(t)
	var kinds []FrontDoorKind
	for _, d := range doors {
		kinds = append(kinds, d.Kind)
	}
	if diff := cmp.Diff([]FrontDoorKind{DoorRESTMethod, DoorServerlessNEG, DoorAppEndpoint}, kinds); diff != "" {
		t.Fatalf("docs/inventory.md examples (-want +got):\n%s", diff)
	}
	data, err := json.Marshal(inventoryWithDoors(doors...))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := ParseInventory(data)
	if err != nil {
		t.Fatalf("docs examples do not load: %v", err)
	}
	if got := inv.FrontDoors[0].Address(); got != "GET https://abc123.execute-api.eu-west-1.amazonaws.com/prod/users/{id}" {
		t.Errorf("Address() = %q", got)
	}
	if got := inv.DoorsOf(&inv.Functions[0]); len(got) != 1 || got[0].ID != doors[0].ID {
		t.Errorf("DoorsOf(orders-api) = %v", got)
	}
}

// TestReadV1Upgrades: a v1 inventory is read and comes back as v2; a v1
// document carrying front doors is refused.
func TestReadV1Upgrades(t *testing.T) {
	t.Parallel()
	small := readSmall(t)
	if !bytes.Contains(small, []byte(`"schema": "fnaudit.inventory/v1"`)) {
		t.Fatal("testdata/small.json is meant to stay a v1 inventory")
	}
	inv, err := ParseInventory(small)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Schema != InventorySchema {
		t.Errorf("schema after reading v1 = %q, want %q", inv.Schema, InventorySchema)
	}
	out, _ := json.Marshal(inv)
	if !bytes.Contains(out, []byte(`"schema":"fnaudit.inventory/v2"`)) {
		t.Errorf("re-written inventory is not v2: %.80s", out)
	}
	// Front doors were never collected for a v1 inventory: a gap per account.
	var doorGaps []string
	for _, g := range inv.Gaps {
		if g.Data == DataFrontDoors {
			doorGaps = append(doorGaps, string(g.Provider)+"/"+g.Account+"/"+string(g.Reason))
		}
	}
	if diff := cmp.Diff([]string{"aws/123456789012/not-available", "gcp/acme-prod-123/not-available"}, doorGaps); diff != "" {
		t.Errorf("front-doors gaps of a v1 inventory (-want +got):\n%s", diff)
	}
	// Written back as v2 and read again, the gaps are not added twice.
	again, err := ParseInventory(out)
	if err != nil || len(again.Gaps) != len(inv.Gaps) {
		t.Errorf("re-read v2: %v, %d gaps, want %d", err, len(again.Gaps), len(inv.Gaps))
	}
	door := docExamples(t)[0]
	v1 := inventoryWithDoors(door)
	v1.Schema = InventorySchemaV1
	data, _ := json.Marshal(v1)
	_, err = ParseInventory(data)
	if err == nil || !strings.Contains(err.Error(), "frontDoors") || !strings.Contains(err.Error(), "not part of fnaudit.inventory/v1") {
		t.Errorf("v1 with front doors: error %v", err)
	}
}

func TestFrontDoorValidation(t *testing.T) {
	t.Parallel()
	base := func() *Inventory { return inventoryWithDoors(docExamples(t)...) }
	cases := []struct {
		name string
		edit func(inv *Inventory)
		want string // empty: valid
	}{
		{"valid", func(*Inventory) {}, ""},
		{"target not in inventory", func(inv *Inventory) {
			inv.FrontDoors[0].Targets[0].Function = "arn:aws:lambda:eu-west-1:123456789012:function:gone"
		}, `frontDoors[0].targets[0].function: "arn:aws:lambda:eu-west-1:123456789012:function:gone" is not a function of the inventory`},
		{"leftover integration recorded", func(inv *Inventory) {
			inv.FrontDoors[0].Targets = append(inv.FrontDoors[0].Targets, DoorTarget{
				Function: "arn:aws:lambda:eu-west-1:123456789012:function:gone", Resolution: TargetNotFound})
		}, ""},
		{"unresolved stage variable", func(inv *Inventory) {
			inv.FrontDoors[0].Targets = append(inv.FrontDoors[0].Targets, DoorTarget{
				URI: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${stageVariables.fn}/invocations", Resolution: TargetUnresolved})
		}, ""},
		{"target without function", func(inv *Inventory) {
			inv.FrontDoors[1].Targets[0].Function = ""
		}, `frontDoors[1].targets[0].function: missing`},
		{"resolution on a known function", func(inv *Inventory) {
			inv.FrontDoors[0].Targets[0].Resolution = TargetOutsideScope
		}, `frontDoors[0].targets[0].resolution: "outside-scope", but`},
		{"no targets", func(inv *Inventory) { inv.FrontDoors[2].Targets = nil }, "frontDoors[2].targets: a front door forwards to at least one function"},
		{"duplicate id", func(inv *Inventory) { inv.FrontDoors[1].ID = inv.FrontDoors[0].ID }, `frontDoors[1].id: "arn:aws:apigateway:eu-west-1::/restapis/abc123/resources/r7x2k9/methods/GET" repeats frontDoors[0]`},
		{"back-reference missing", func(inv *Inventory) { inv.Functions[0].FrontDoors = nil }, `functions[0].frontDoors: front door "arn:aws:apigateway:eu-west-1::/restapis/abc123/resources/r7x2k9/methods/GET" targets the function but is not listed`},
		{"back-reference to another function's door", func(inv *Inventory) {
			inv.Functions[0].FrontDoors = append(inv.Functions[0].FrontDoors, inv.FrontDoors[1].ID)
		}, `functions[0].frontDoors[1]: front door "projects/acme-prod-123/global/backendServices/resize-backend" does not target`},
		{"back-reference to no door", func(inv *Inventory) { inv.Functions[1].FrontDoors = []string{"nope"} }, `functions[1].frontDoors[0]: "nope" is not a front door of the inventory`},
		{"policy not an object", func(inv *Inventory) { inv.FrontDoors[0].Policy = json.RawMessage(`"{}"`) }, "frontDoors[0].policy: got string, want object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv := base()
			tc.edit(inv)
			data, err := json.Marshal(inv)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseInventory(data)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("want valid, got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestFrontDoorEnumsStrict: every new enum field refuses unknown values with
// the field's path.
func TestFrontDoorEnumsStrict(t *testing.T) {
	t.Parallel()
	data, _ := json.Marshal(inventoryWithDoors(docExamples(t)...))
	good := string(data)
	for _, tc := range []struct{ from, to, want string }{
		{`"kind":"rest-api-method"`, `"kind":"rest-api"`, "frontDoors[0].kind"},
		{`"state":"deployed"`, `"state":"live"`, "frontDoors[0].state"},
		{`"scope":"internet"`, `"scope":"public"`, "frontDoors[0].scope"},
		{`"type":"none"`, `"type":"NONE"`, "frontDoors[0].auth[0].type"},
		{`"kind":"ip-deny"`, `"kind":"ip-block"`, "frontDoors[1].restrictions[0].kind"},
		{`"customDomain":true`, `"customDomain":true,"port":443`, "frontDoors[0].addresses[1]: additional properties 'port' not allowed"},
	} {
		bad := strings.Replace(good, tc.from, tc.to, 1)
		if bad == good {
			t.Fatalf("%s not found in the inventory", tc.from)
		}
		_, err := ParseInventory([]byte(bad))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s -> %s: error %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
	if _, err := ParseInventory([]byte(strings.Replace(good, `"integration":"AWS_PROXY"`, `"integration":"AWS_PROXY","resolution":"gone"`, 1))); err == nil || !strings.Contains(err.Error(), "frontDoors[0].targets[0].resolution") {
		t.Errorf("unknown resolution: error %v", err)
	}
}

// TestMergeLinksFrontDoors: a door collected in one account targeting a
// function collected in another is resolved and linked by Merge.
func TestMergeLinksFrontDoors(t *testing.T) {
	t.Parallel()
	door := docExamples(t)[0]
	fnID := door.Targets[0].Function
	door.Targets = []DoorTarget{{Function: fnID, Qualifier: "live", Integration: "AWS_PROXY", Resolution: TargetOutsideScope}}
	apis := &Inventory{Schema: InventorySchema, FrontDoors: []FrontDoor{door}}
	fns := &Inventory{Schema: InventorySchema, Functions: []Function{{Provider: AWS, ID: fnID, Name: "orders-api"}}}
	for _, inv := range []*Inventory{apis, fns} {
		if err := inv.Validate(); err != nil {
			t.Fatalf("input: %v", err)
		}
	}
	m, warns := MergeChecked(apis, fns, apis)
	if len(warns) != 0 {
		t.Errorf("warnings %q", warns)
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("merged: %v", err)
	}
	if len(m.FrontDoors) != 1 || m.FrontDoors[0].Targets[0].Resolution != "" {
		t.Errorf("merged doors: %+v", m.FrontDoors)
	}
	if diff := cmp.Diff([]string{door.ID}, m.Functions[0].FrontDoors); diff != "" {
		t.Errorf("function's doors (-want +got):\n%s", diff)
	}
	if apis.FrontDoors[0].Targets[0].Resolution != TargetOutsideScope {
		t.Error("Merge changed its input")
	}
	// Merging the merged inventory with an input again: the function with
	// and without its derived back-references is one description.
	if _, warns := MergeChecked(m, fns); len(warns) != 0 {
		t.Errorf("re-merge warnings %q", warns)
	}
}

// TestFrontDoorPolicyValidated: Validate (for inventories built in code, which
// skip the JSON schema) parses a door's policy.
func TestFrontDoorPolicyValidated(t *testing.T) {
	t.Parallel()
	inv := inventoryWithDoors(docExamples(t)...)
	inv.FrontDoors[0].Policy = json.RawMessage(`{"Statement": [{"Effect": "Maybe"}]}`)
	if err := inv.Validate(); err == nil || !strings.HasPrefix(err.Error(), "frontDoors[0].policy: ") {
		t.Errorf("error %v", err)
	}
}

func TestFrontDoorReachable(t *testing.T) {
	t.Parallel()
	on := DoorAddress{Method: "GET", URL: "https://a.example/x"}
	off := DoorAddress{Method: "GET", URL: "https://abc.execute-api.eu-west-1.amazonaws.com/prod/x", Disabled: true}
	for _, tc := range []struct {
		d    FrontDoor
		want bool
		addr string
	}{
		{FrontDoor{ID: "d", State: DoorDeployed, Addresses: []DoorAddress{off, on}}, true, "GET https://a.example/x"},
		{FrontDoor{ID: "d", State: DoorDeployed, Addresses: []DoorAddress{off}}, false, off.String()},
		{FrontDoor{ID: "d", State: DoorNotDeployed, Addresses: []DoorAddress{on}}, false, on.String()},
		{FrontDoor{ID: "d", State: DoorDeployed}, true, "d"},
		{FrontDoor{ID: "d", State: DoorStateUnknown}, false, "d"},
	} {
		if got := tc.d.Reachable(); got != tc.want {
			t.Errorf("%+v: Reachable() = %v", tc.d, got)
		}
		if got := tc.d.Address(); got != tc.addr {
			t.Errorf("%+v: Address() = %q, want %q", tc.d, got, tc.addr)
		}
	}
}
