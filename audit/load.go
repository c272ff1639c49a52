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
	if what := notInventory(data); what != "" {
		return nil, &NotInventoryError{What: what}
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
	if *head.Schema != InventorySchema {
		return nil, fmt.Errorf("schema: %q is not a supported inventory schema (want %q)", *head.Schema, InventorySchema)
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
	return &inv, nil
}

// NotInventoryError says that valid JSON is another kind of document than an
// inventory: a fnaudit report, a list of findings, a bare value.
type NotInventoryError struct {
	// What the document is, as a phrase: "a fnaudit report (schema
	// fnaudit.report/v1)", "a JSON array".
	What string
}

func (e *NotInventoryError) Error() string {
	return fmt.Sprintf("input is %s, not an inventory (an inventory must be a JSON object with schema %q)", e.What, InventorySchema)
}

// notInventory names what syntactically valid data is when it is plainly not an
// inventory, or returns "".
func notInventory(data []byte) string {
	d := bytes.TrimSpace(data)
	switch d[0] {
	case '{':
	case '[':
		var items []map[string]json.RawMessage
		if json.Unmarshal(d, &items) == nil && len(items) > 0 {
			switch first := items[0]; {
			case first["class_uid"] != nil:
				return "a JSON array of OCSF findings (fnaudit's --format ocsf report)"
			case first["SchemaVersion"] != nil && first["ProductArn"] != nil:
				return "a JSON array of ASFF findings (fnaudit's --format asff report)"
			}
		}
		return "a JSON array"
	case '"':
		return "a JSON string"
	case 't', 'f':
		return "a JSON boolean"
	case 'n':
		return "JSON null"
	default:
		return "a JSON number"
	}
	var head map[string]json.RawMessage
	if json.Unmarshal(d, &head) != nil {
		return ""
	}
	var schema string
	_ = json.Unmarshal(head["schema"], &schema)
	switch {
	case strings.HasPrefix(schema, "fnaudit.report/"):
		return fmt.Sprintf("a fnaudit report (schema %s)", schema)
	case schema == "" && head["findings"] != nil:
		return "a report (it has findings)"
	}
	return ""
}

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
	if inv.Schema != InventorySchema {
		return fmt.Errorf("schema: %q is not a supported inventory schema (want %q)", inv.Schema, InventorySchema)
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
