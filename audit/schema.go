package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The inventory's JSON Schema is derived from the Go types by reflection, so the
// schema can never drift from the model: every struct becomes a closed object
// (unknown fields are errors), every enum type lists its values, policy documents
// must be objects. InventoryJSONSchema returns it; the published copy is
// audit/inventory.schema.json, kept identical by a test.

// inventorySchemaID is the schema's $id.
const inventorySchemaID = "https://fnaudit.dev/schema/inventory/v2.json"

// requiredFields lists, per model type, the JSON fields an inventory must carry.
// Everything else may be omitted and takes its zero value.
var requiredFields = map[string][]string{
	"Inventory":          {"schema", "functions"},
	"Account":            {"provider", "id"},
	"Function":           {"provider", "id", "name"},
	"EnvVar":             {"name"},
	"Trigger":            {"kind"},
	"Principal":          {"kind"},
	"Access":             {"principal"},
	"Identity":           {"id"},
	"Policy":             {"kind"},
	"Grant":              {"effect"},
	"Gap":                {"provider", "api", "data", "reason"},
	"ResourcePolicy":     {"document"},
	"FunctionURL":        {"authType"},
	"IPRestriction":      {"action"},
	"FrontDoor":          {"kind", "provider", "id", "state", "scope", "targets"},
	"DoorAddress":        {"url"},
	"DoorAuth":           {"type"},
	"NetworkRestriction": {"kind"},
	"Controller":         {"provider", "principal", "powers"},
	"ControlPrincipal":   {"kind", "id"},
	"ControlPower":       {"kind", "actions"},
	"ControlEvidence":    {"policy"},
	"AWSPrincipal":       {"arn"},
}

func enumValues() map[reflect.Type][]string {
	m := map[reflect.Type][]string{}
	add := func(t reflect.Type, vals []string) { m[t] = vals }
	add(reflect.TypeOf(Provider("")), strs(allProviders))
	add(reflect.TypeOf(Severity("")), strs(allSeverities))
	add(reflect.TypeOf(Category("")), strs(allCategories))
	add(reflect.TypeOf(Status("")), strs(allStatuses))
	add(reflect.TypeOf(PrincipalKind("")), strs(allPrincipalKinds))
	add(reflect.TypeOf(TriggerKind("")), strs(allTriggerKinds))
	add(reflect.TypeOf(AuthKind("")), strs(allAuthKinds))
	add(reflect.TypeOf(Effect("")), strs(allEffects))
	add(reflect.TypeOf(DataKind("")), strs(allDataKinds))
	add(reflect.TypeOf(GapReason("")), strs(allGapReasons))
	add(reflect.TypeOf(ValueVerdict("")), strs(allValueVerdicts))
	add(reflect.TypeOf(PolicyKind("")), strs(allPolicyKinds))
	add(reflect.TypeOf(FrontDoorKind("")), strs(allFrontDoorKinds))
	add(reflect.TypeOf(DoorState("")), strs(allDoorStates))
	add(reflect.TypeOf(NetworkScope("")), strs(allNetworkScopes))
	add(reflect.TypeOf(DoorAuthType("")), strs(allDoorAuthTypes))
	add(reflect.TypeOf(RestrictionKind("")), strs(allRestrictionKinds))
	add(reflect.TypeOf(TargetResolution("")), strs(allTargetResolutions))
	add(reflect.TypeOf(ControlKind("")), strs(allControlKinds))
	add(reflect.TypeOf(ControllerKind("")), strs(allControllerKinds))
	return m
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage(nil))
)

type schemaGen struct {
	enums map[reflect.Type][]string
	defs  map[string]any
}

func (g *schemaGen) typeSchema(t reflect.Type) any {
	if vals, ok := g.enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{"type": "object", "description": "an AWS policy document (JSON object)"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.typeSchema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Slice:
		return map[string]any{"type": []string{"array", "null"}, "items": g.typeSchema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": []string{"object", "null"}, "additionalProperties": g.typeSchema(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil // reserve against recursion
			g.defs[name] = g.structSchema(t)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	panic(fmt.Sprintf("audit: no JSON schema mapping for %s", t))
}

func (g *schemaGen) structSchema(t reflect.Type) any {
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.typeSchema(f.Type)
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if req := requiredFields[t.Name()]; len(req) > 0 {
		s["required"] = req
	}
	return s
}

// InventoryJSONSchema returns the JSON Schema (draft 2020-12) of an inventory.
func InventoryJSONSchema() []byte {
	g := &schemaGen{enums: enumValues(), defs: map[string]any{}}
	root := g.typeSchema(reflect.TypeOf(Inventory{}))
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         inventorySchemaID,
		"title":       "fnaudit inventory",
		"description": "Functions, triggers, execution identities, front doors and gaps collected by fnaudit (" + InventorySchema + "; " + InventorySchemaV1 + " documents, which carry no front doors, are read too). See docs/inventory.md.",
		"$ref":        root.(map[string]any)["$ref"],
		"$defs":       g.defs,
	}
	// The schema tag is pinned to the versions read.
	inv := g.defs["Inventory"].(map[string]any)["properties"].(map[string]any)
	inv["schema"] = map[string]any{"enum": []string{InventorySchema, InventorySchemaV1}}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n')
}

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(InventoryJSONSchema()))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(inventorySchemaID, doc); err != nil {
		return nil, err
	}
	return c.Compile(inventorySchemaID)
})

var printer = message.NewPrinter(language.English)

// validateAgainstSchema checks data against the inventory schema and returns the
// first violation as one line: "functions[3].provider: value must be one of ...".
func validateAgainstSchema(data []byte) error {
	sch, err := compiledSchema()
	if err != nil {
		return fmt.Errorf("inventory schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	err = sch.Validate(inst)
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	leaf := deepestCause(verr)
	msg := leaf.ErrorKind.LocalizedString(printer)
	if e, ok := leaf.ErrorKind.(*kind.Enum); ok {
		msg = fmt.Sprintf("%q is not allowed: %s", fmt.Sprint(e.Got), msg)
	}
	return fmt.Errorf("%s: %s", instancePath(leaf.InstanceLocation), msg)
}

// deepestCause returns the leaf error (one without causes) at the deepest
// instance location, the most specific thing to tell the user.
func deepestCause(e *jsonschema.ValidationError) *jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return e
	}
	var best *jsonschema.ValidationError
	for _, c := range e.Causes {
		if d := deepestCause(c); best == nil || len(d.InstanceLocation) > len(best.InstanceLocation) {
			best = d
		}
	}
	return best
}

// instancePath renders a JSON pointer as functions[3].aws.policies[0].document.
func instancePath(loc []string) string {
	if len(loc) == 0 {
		return "inventory"
	}
	var b strings.Builder
	for _, p := range loc {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
