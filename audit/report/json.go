package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

func renderJSON(w io.Writer, r *audit.Report, shown []audit.Finding) error {
	out := *r
	out.Findings = shown
	return WriteJSON(w, &out)
}

// WriteJSON writes r in the json format, every finding and gap, to w one
// element at a time: the report's members in the order of audit.Report's
// fields, and each element of its findings, gaps and other list members
// encoded on its own, so the memory it needs is that of the largest element,
// not that of the report. The bytes are those a json.Encoder with a two-space
// indent and HTML escaping off writes for the whole report (a report of
// another schema version is written as it is; an empty Schema is written as
// audit.ReportSchema and nil Gaps as an empty list, as Render does). It does
// not filter findings: Render with a MinSeverity does.
func WriteJSON(w io.Writer, r *audit.Report) error {
	if r == nil {
		return fmt.Errorf("write json: no report")
	}
	out := *r
	if out.Gaps == nil {
		out.Gaps = []audit.Gap{}
	}
	if out.Schema == "" {
		out.Schema = audit.ReportSchema
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	s := &jsonStreamer{w: bw}
	// Addressable, so a field or element whose MarshalJSON has a pointer
	// receiver is encoded with it, as a whole-report encode would.
	if err := s.object(reflect.ValueOf(&out).Elem()); err != nil {
		return err
	}
	if err := bw.WriteByte('\n'); err != nil {
		return err
	}
	return bw.Flush()
}

// jsonStreamer writes a struct's members one by one, and the elements of its
// list members one by one, with encoding/json's indented layout.
type jsonStreamer struct {
	w   *bufio.Writer
	buf bytes.Buffer
}

// reportIndent is the json format's indent, per level.
const reportIndent = "  "

// jsonMember is a struct field as encoding/json sees it.
type jsonMember struct {
	index     int
	name      string
	omitEmpty bool
	omitZero  bool
}

// jsonMembers lists t's encoded fields in order. It refuses what it does not
// write the way encoding/json does (embedded structs, the string option), so
// a change to audit.Report that it cannot stream is an error, not a silently
// different report.
func jsonMembers(t reflect.Type) ([]jsonMember, error) {
	var out []jsonMember
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		if f.Anonymous {
			// encoding/json flattens an embedded struct's fields, even
			// those of an unexported type.
			return nil, fmt.Errorf("write json: %s.%s is embedded; the streaming writer does not flatten embedded fields", t.Name(), f.Name)
		}
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		m := jsonMember{index: i, name: name}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				m.omitEmpty = true
			case "omitzero":
				m.omitZero = true
			default:
				return nil, fmt.Errorf("write json: %s.%s has the json option %q, which the streaming writer does not support", t.Name(), f.Name, o)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// omitted reports whether encoding/json leaves the member out.
func (m jsonMember) omitted(v reflect.Value) bool {
	if m.omitZero {
		if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
			if z.IsZero() {
				return true
			}
		} else if v.IsZero() {
			return true
		}
	}
	if !m.omitEmpty {
		return false
	}
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// object writes the struct v at the top level.
func (s *jsonStreamer) object(v reflect.Value) error {
	members, err := jsonMembers(v.Type())
	if err != nil {
		return err
	}
	if _, ok := v.Interface().(json.Marshaler); ok {
		return fmt.Errorf("write json: %s has its own MarshalJSON; the streaming writer cannot reproduce it", v.Type())
	}
	s.w.WriteByte('{')
	first := true
	for _, m := range members {
		fv := v.Field(m.index)
		if m.omitted(fv) {
			continue
		}
		if !first {
			s.w.WriteByte(',')
		}
		first = false
		s.w.WriteString("\n" + reportIndent)
		if err := s.value(reflect.ValueOf(m.name), ""); err != nil {
			return err
		}
		s.w.WriteString(": ")
		if err := s.member(fv); err != nil {
			return fmt.Errorf("write json: %s: %w", m.name, err)
		}
	}
	if !first {
		s.w.WriteString("\n")
	}
	s.w.WriteByte('}')
	return nil
}

// member writes one top-level member's value: a non-empty slice element by
// element (byte slices excepted: encoding/json writes them as base64), anything
// else whole.
func (s *jsonStreamer) member(v reflect.Value) error {
	if v.Kind() != reflect.Slice || v.IsNil() || v.Len() == 0 || v.Type().Elem().Kind() == reflect.Uint8 {
		return s.value(v, reportIndent)
	}
	if _, ok := v.Interface().(json.Marshaler); ok {
		return s.value(v, reportIndent)
	}
	const elemIndent = reportIndent + reportIndent
	s.w.WriteByte('[')
	for i := range v.Len() {
		if i > 0 {
			s.w.WriteByte(',')
		}
		s.w.WriteString("\n" + elemIndent)
		if err := s.value(v.Index(i), elemIndent); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	s.w.WriteString("\n" + reportIndent + "]")
	return nil
}

// value writes v encoded with encoding/json, its lines after the first
// prefixed with prefix. The value is encoded into a buffer the streamer
// reuses, so memory stays at one value.
func (s *jsonStreamer) value(v reflect.Value, prefix string) error {
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetIndent(prefix, reportIndent)
	enc.SetEscapeHTML(false)
	x := v.Interface()
	if v.CanAddr() {
		x = v.Addr().Interface()
	}
	if err := enc.Encode(x); err != nil {
		return err
	}
	_, err := s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
	return err
}
