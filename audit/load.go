package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fnaudit/fnaudit/audit/policy"
)

// ReadInventory decodes and validates an inventory. Errors are one line and name
// the offending field (e.g. `functions[3].aws.policies[0].document: policy
// document must be a JSON object, got a number`) so a user can find the problem.
func ReadInventory(r io.Reader) (*Inventory, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	return ParseInventory(data)
}

// ParseInventory is ReadInventory over bytes.
func ParseInventory(data []byte) (*Inventory, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("inventory is empty")
	}
	if err := checkSyntax(data); err != nil {
		return nil, err
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("inventory must be a JSON object: %v", err)
	}
	if head.Schema == nil {
		return nil, fmt.Errorf("schema: missing (want %q)", InventorySchema)
	}
	if !supportedSchema(*head.Schema) {
		return nil, fmt.Errorf("schema: %q is not a supported inventory schema (want %q or %q)", *head.Schema, InventorySchema, InventorySchemaV1)
	}
	if err := validateAgainstSchema(data); err != nil {
		return nil, err
	}
	var inv Inventory
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&inv); err != nil {
		return nil, fmt.Errorf("inventory: %v", err)
	}
	if err := inv.Validate(); err != nil {
		return nil, err
	}
	// A v1 inventory is a v2 inventory without front doors: upgrade it, so
	// what is read is always written back as the current version. Its
	// collector never looked for front doors, which is a gap, not "none".
	if inv.Schema == InventorySchemaV1 {
		inv.Gaps = append(inv.Gaps, v1FrontDoorGaps(&inv)...)
	}
	inv.Schema = InventorySchema
	return &inv, nil
}

// v1FrontDoorGaps returns one front-doors gap per account of a v1 inventory
// (its accounts and its functions' accounts), so rules that judge front doors
// say unknown instead of passing.
func v1FrontDoorGaps(inv *Inventory) []Gap {
	seen := map[accountKey]bool{}
	var gaps []Gap
	add := func(p Provider, acct string) {
		k := accountKey{p, acct}
		if seen[k] {
			return
		}
		seen[k] = true
		gaps = append(gaps, Gap{Provider: p, Account: acct, API: "inventory", Data: DataFrontDoors, Reason: GapNotAvailable,
			Message: InventorySchemaV1 + " inventories carry no front doors (API gateways, load balancers, CDNs); collect again to judge them"})
	}
	for _, a := range inv.Accounts {
		add(a.Provider, a.ID)
	}
	for i := range inv.Functions {
		add(inv.Functions[i].Provider, inv.Functions[i].Account)
	}
	return gaps
}

func supportedSchema(s string) bool { return s == InventorySchema || s == InventorySchemaV1 }

// checkSyntax reports a JSON syntax error with its line and column.
func checkSyntax(data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(data, se.Offset)
		if se.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n"))) {
			return fmt.Errorf("line %d, column %d: invalid JSON: unexpected end of input (truncated file?)", line, col)
		}
		return fmt.Errorf("line %d, column %d: invalid JSON: %v", line, col, se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == "unexpected end of JSON input" {
		line, col := lineCol(data, int64(len(data)))
		return fmt.Errorf("line %d, column %d: invalid JSON: unexpected end of input (truncated file?)", line, col)
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// Validate checks what the JSON schema cannot: references between elements and
// the shape of embedded policy documents.
func (inv *Inventory) Validate() error {
	if !supportedSchema(inv.Schema) {
		return fmt.Errorf("schema: %q is not a supported inventory schema (want %q or %q)", inv.Schema, InventorySchema, InventorySchemaV1)
	}
	for i := range inv.Functions {
		fn := &inv.Functions[i]
		at := fmt.Sprintf("functions[%d]", i)
		if fn.ID == "" {
			return fmt.Errorf("%s.id: missing", at)
		}
		if fn.Provider == "" {
			return fmt.Errorf("%s.provider: missing", at)
		}
		if fn.AWS != nil {
			for j, p := range fn.AWS.Policies {
				if err := checkDocument(p.Document); err != nil {
					return fmt.Errorf("%s.aws.policies[%d].document: %v", at, j, err)
				}
			}
		}
	}
	if err := inv.validateFrontDoors(); err != nil {
		return err
	}
	for i := range inv.Identities {
		id := &inv.Identities[i]
		at := fmt.Sprintf("identities[%d]", i)
		if id.ID == "" {
			return fmt.Errorf("%s.id: missing", at)
		}
		for j, p := range id.Policies {
			if len(p.Document) > 0 {
				if err := checkDocument(p.Document); err != nil {
					return fmt.Errorf("%s.policies[%d].document: %v", at, j, err)
				}
			}
		}
		if id.Boundary != nil && len(id.Boundary.Document) > 0 {
			if err := checkDocument(id.Boundary.Document); err != nil {
				return fmt.Errorf("%s.boundary.document: %v", at, err)
			}
		}
	}
	return nil
}

func checkDocument(doc json.RawMessage) error {
	d := bytes.TrimSpace(doc)
	if len(d) == 0 {
		return errors.New("missing")
	}
	switch d[0] {
	case '{':
	case '"':
		return errors.New("policy document must be a JSON object, got a string (decode it first)")
	case '[':
		return errors.New("policy document must be a JSON object, got an array")
	case 't', 'f':
		return errors.New("policy document must be a JSON object, got a boolean")
	case 'n':
		return errors.New("policy document must be a JSON object, got null")
	default:
		return errors.New("policy document must be a JSON object, got a number")
	}
	// The policy engine's parser names the statement (index and Sid) and the
	// field, so a malformed document fails here, at load, not mid-analysis.
	if _, err := policy.Parse(d); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "policy: "))
	}
	return nil
}

// validateFrontDoors checks the front doors' references: unique door ids, each
// target naming a function of the inventory unless its Resolution says why not,
// and Function.FrontDoors listing exactly the doors that target the function.
func (inv *Inventory) validateFrontDoors() error {
	if inv.Schema == InventorySchemaV1 {
		if len(inv.FrontDoors) > 0 {
			return fmt.Errorf("frontDoors: not part of %s (write %s)", InventorySchemaV1, InventorySchema)
		}
		for i := range inv.Functions {
			if len(inv.Functions[i].FrontDoors) > 0 {
				return fmt.Errorf("functions[%d].frontDoors: not part of %s (write %s)", i, InventorySchemaV1, InventorySchema)
			}
		}
		return nil
	}
	fnIndex := make(map[string]int, len(inv.Functions))
	for i := range inv.Functions {
		fnIndex[inv.Functions[i].ID] = i
	}
	doorIndex := make(map[string]int, len(inv.FrontDoors))
	// reaches[function id] = door ids that target it
	reaches := map[string]map[string]bool{}
	for i := range inv.FrontDoors {
		d := &inv.FrontDoors[i]
		at := fmt.Sprintf("frontDoors[%d]", i)
		if d.ID == "" {
			return fmt.Errorf("%s.id: missing", at)
		}
		if j, dup := doorIndex[d.ID]; dup {
			return fmt.Errorf("%s.id: %q repeats frontDoors[%d]", at, d.ID, j)
		}
		doorIndex[d.ID] = i
		if d.Kind == "" || d.Provider == "" || d.State == "" || d.Scope == "" {
			return fmt.Errorf("%s: kind, provider, state and scope are required", at)
		}
		if len(d.Targets) == 0 {
			return fmt.Errorf("%s.targets: a front door forwards to at least one function", at)
		}
		for j, a := range d.Addresses {
			if a.URL == "" {
				return fmt.Errorf("%s.addresses[%d].url: missing", at, j)
			}
		}
		for j, a := range d.Auth {
			if a.Type == "" {
				return fmt.Errorf("%s.auth[%d].type: missing", at, j)
			}
		}
		if len(d.Policy) > 0 {
			if err := checkDocument(d.Policy); err != nil {
				return fmt.Errorf("%s.policy: %v", at, err)
			}
		}
		for j, t := range d.Targets {
			tat := fmt.Sprintf("%s.targets[%d]", at, j)
			switch {
			case t.Resolution == "" && t.Function == "":
				return fmt.Errorf("%s.function: missing (set resolution \"unresolved\" when the target is not known)", tat)
			case t.Resolution == "":
				if _, ok := fnIndex[t.Function]; !ok {
					return fmt.Errorf("%s.function: %q is not a function of the inventory (set resolution \"outside-scope\" or \"not-found\")", tat, t.Function)
				}
				if reaches[t.Function] == nil {
					reaches[t.Function] = map[string]bool{}
				}
				reaches[t.Function][d.ID] = true
			case t.Resolution != TargetUnresolved && t.Function == "":
				return fmt.Errorf("%s.function: missing (resolution %q names a function)", tat, t.Resolution)
			case t.Resolution != TargetUnresolved:
				if _, ok := fnIndex[t.Function]; ok {
					return fmt.Errorf("%s.resolution: %q, but %q is a function of the inventory", tat, t.Resolution, t.Function)
				}
			}
		}
	}
	for i := range inv.Functions {
		fn := &inv.Functions[i]
		listed := map[string]bool{}
		for j, id := range fn.FrontDoors {
			at := fmt.Sprintf("functions[%d].frontDoors[%d]", i, j)
			if _, ok := doorIndex[id]; !ok {
				return fmt.Errorf("%s: %q is not a front door of the inventory", at, id)
			}
			if !reaches[fn.ID][id] {
				return fmt.Errorf("%s: front door %q does not target %s", at, id, fn.ID)
			}
			listed[id] = true
		}
		for _, d := range inv.FrontDoors {
			if reaches[fn.ID][d.ID] && !listed[d.ID] {
				return fmt.Errorf("functions[%d].frontDoors: front door %q targets the function but is not listed (see audit.LinkFrontDoors)", i, d.ID)
			}
		}
	}
	return nil
}
