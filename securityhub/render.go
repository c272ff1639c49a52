package securityhub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/fnaudit/fnaudit/audit"
)

// Render writes the ASFF findings of rep to w as the JSON array Security Hub's
// BatchImportFindings takes as its Findings member (what `aws securityhub
// batch-import-findings --findings file://...` reads), and returns what it left
// out (see Findings).
func Render(w io.Writer, rep *audit.Report, opts Options) (Omitted, error) {
	fs, om, err := Findings(rep, opts)
	if err != nil {
		return Omitted{}, err
	}
	b, err := MarshalFindings(fs)
	if err != nil {
		return Omitted{}, err
	}
	if _, err := w.Write(b); err != nil {
		return Omitted{}, fmt.Errorf("securityhub: write asff: %w", err)
	}
	return om, nil
}

// MarshalFindings encodes findings as an indented JSON array of ASFF objects,
// ending with a newline. Member names are the SDK's field names, which are the
// ASFF attribute names of the Security Hub API (the package tests check this
// against the SDK's own wire encoding); unset members are left out, as the SDK
// leaves them out of a request. Members come in a fixed, readable order: the
// identifying ones first (see fieldOrder), then the rest in the SDK's order,
// so output is deterministic.
func MarshalFindings(findings []types.AwsSecurityFinding) ([]byte, error) {
	list := make([]any, 0, len(findings))
	for i := range findings {
		v, _, err := encodeValue(reflect.ValueOf(&findings[i]).Elem(), "AwsSecurityFinding")
		if err != nil {
			return nil, fmt.Errorf("securityhub: finding %d: %w", i, err)
		}
		list = append(list, v)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(list); err != nil {
		return nil, fmt.Errorf("securityhub: encode asff: %w", err)
	}
	return buf.Bytes(), nil
}

// findingJSON is the compact JSON of one finding with HTML characters escaped:
// never shorter than the SDK's encoding of it, so sizes computed from it keep a
// request within Security Hub's limits.
func findingJSON(f *types.AwsSecurityFinding) ([]byte, error) {
	v, _, err := encodeValue(reflect.ValueOf(f).Elem(), "AwsSecurityFinding")
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// fieldOrder lists, per SDK type, the members written first and in this order;
// any other member that is set follows in the SDK struct's declaration order.
var fieldOrder = map[reflect.Type][]string{
	reflect.TypeFor[types.AwsSecurityFinding](): {"SchemaVersion", "Id", "ProductArn", "ProductName", "CompanyName",
		"GeneratorId", "AwsAccountId", "Types", "CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt", "Severity",
		"Title", "Description", "Remediation", "ProductFields", "Resources", "Compliance", "Workflow", "RecordState", "Note",
		"FindingProviderFields"},
	reflect.TypeFor[types.Resource](): {"Type", "Id", "Partition", "Region", "Details"},
	reflect.TypeFor[types.Note]():     {"Text", "UpdatedBy", "UpdatedAt"},
}

// member is one name/value pair of a JSON object.
type member struct {
	name  string
	value any
}

// object is a JSON object whose members keep their order.
type object []member

// MarshalJSON writes the members in order. Strings are not HTML-escaped here;
// an encoder that escapes HTML does so when it compacts this output.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSON(&b, m.name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := writeJSON(&b, m.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSON(b *bytes.Buffer, v any) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}

// encodeValue turns an SDK value into something encoding/json writes as the
// SDK's REST-JSON serializer would, and reports false for a member the SDK
// leaves out (nil pointer, slice or map; empty enum; zero number or false).
// path names the value in errors.
func encodeValue(v reflect.Value, path string) (any, bool, error) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil, false, nil
		}
		return encodePresent(v.Elem(), path)
	case reflect.Slice, reflect.Map, reflect.Interface:
		if v.IsNil() {
			return nil, false, nil
		}
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Float32, reflect.Float64:
		if v.IsZero() {
			return nil, false, nil
		}
	}
	return encodePresent(v, path)
}

// encodePresent encodes a value that is set.
func encodePresent(v reflect.Value, path string) (any, bool, error) {
	switch v.Kind() {
	case reflect.String:
		return v.String(), true, nil
	case reflect.Bool:
		return v.Bool(), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true, nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false, fmt.Errorf("%s: %v is not a JSON number", path, f)
		}
		return f, true, nil
	case reflect.Slice:
		out := make([]any, 0, v.Len())
		for i := range v.Len() {
			e, ok, err := encodePresentOrNull(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, e)
			}
		}
		return out, true, nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil, false, fmt.Errorf("%s: map key %s is not a string", path, v.Type().Key())
		}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		out := make(object, 0, len(keys))
		for _, k := range keys {
			e, ok, err := encodePresentOrNull(v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())), path+"."+k)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, member{k, e})
			}
		}
		return out, true, nil
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			// Timestamps of ASFF findings are strings; a time.Time member
			// belongs to other operations and its wire format to the model.
			break
		}
		return encodeStruct(v, path)
	}
	return nil, false, fmt.Errorf("%s: the ASFF writer does not encode %s values", path, v.Type())
}

// encodePresentOrNull encodes a list element or map value: the SDK writes
// every element, so only a nil pointer is dropped.
func encodePresentOrNull(v reflect.Value, path string) (any, bool, error) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, false, nil
		}
		v = v.Elem()
	}
	return encodePresent(v, path)
}

func encodeStruct(v reflect.Value, path string) (any, bool, error) {
	t := v.Type()
	var names []string
	seen := map[string]bool{}
	for _, n := range fieldOrder[t] {
		names = append(names, n)
		seen[n] = true
	}
	for i := range t.NumField() {
		if sf := t.Field(i); sf.IsExported() && !sf.Anonymous && !seen[sf.Name] {
			names = append(names, sf.Name)
		}
	}
	out := make(object, 0, len(names))
	for _, n := range names {
		fv := v.FieldByName(n)
		if !fv.IsValid() {
			return nil, false, fmt.Errorf("%s: %s has no field %s", path, t, n)
		}
		e, ok, err := encodeValue(fv, path+"."+n)
		if err != nil {
			return nil, false, err
		}
		if ok {
			out = append(out, member{n, e})
		}
	}
	return out, true, nil
}
