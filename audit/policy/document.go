package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Document is a parsed IAM policy document: an identity policy, a permissions
// boundary, a trust policy or a resource-based policy such as a Lambda
// function policy.
type Document struct {
	// Version is the policy language version ("2012-10-17" or "2008-10-17"),
	// empty when the document does not state one.
	Version string
	// ID is the document's optional Id element.
	ID string
	// Statements are the document's statements in document order.
	Statements []Statement
}

// The two statement effects, as Statement.Effect holds them.
const (
	EffectAllow = "Allow"
	EffectDeny  = "Deny"
)

// Statement is one statement of a policy document. Exactly one of Action and
// NotAction is set; Principal and NotPrincipal are nil when absent (identity
// policies have neither); Resource and NotResource are both empty when the
// statement has neither (trust policies).
type Statement struct {
	// Index is the statement's position in the document, from 0.
	Index int
	Sid   string
	// Effect is EffectAllow or EffectDeny (normalized from any letter case).
	Effect       string
	Principal    *Principals
	NotPrincipal *Principals
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	// Conditions lists every operator/key pair of the Condition block in
	// document order; all of them must hold for the statement to apply.
	Conditions []Condition
	// Raw is the statement's JSON exactly as it appeared in the document.
	Raw json.RawMessage
}

// Principals is a Principal or NotPrincipal element.
type Principals struct {
	// Wildcard is true for the bare form `"Principal": "*"`.
	Wildcard      bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Anyone reports whether the element names every principal: the bare "*" or an
// AWS (or CanonicalUser) entry of "*".
func (p *Principals) Anyone() bool {
	if p == nil {
		return false
	}
	if p.Wildcard {
		return true
	}
	for _, list := range [][]string{p.AWS, p.CanonicalUser} {
		for _, v := range list {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

// Error is a parse error. It names the statement (by index and Sid) and the
// field, e.g. `Statement[1] (Sid "AllowS3").Condition.StringEquals["aws:SourceArn"]:
// value must be a string, number or boolean, got an object`.
type Error struct {
	// Statement is the statement's index, or -1 for a document-level error.
	Statement int
	Sid       string
	// Field is the path inside the statement (or document), e.g. "Principal.AWS".
	Field string
	Msg   string
}

// Error formats the error as one line: the statement, the field and the message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("policy: ")
	if e.Statement >= 0 {
		fmt.Fprintf(&b, "Statement[%d]", e.Statement)
		if e.Sid != "" {
			fmt.Fprintf(&b, " (Sid %q)", clip(e.Sid, 64))
		}
		if e.Field != "" {
			b.WriteString(".")
		}
	}
	b.WriteString(e.Field)
	if e.Field != "" || e.Statement >= 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Parse parses a policy document given as JSON.
func Parse(doc []byte) (*Document, error) {
	doc = bytes.TrimSpace(doc)
	if len(doc) == 0 {
		return nil, &Error{Statement: -1, Msg: "document is empty"}
	}
	if !json.Valid(doc) {
		var v any
		err := json.Unmarshal(doc, &v)
		return nil, &Error{Statement: -1, Msg: "invalid JSON: " + errMsg(err)}
	}
	top, err := members(doc)
	if err != nil {
		return nil, &Error{Statement: -1, Msg: "document must be a JSON object, got " + kindOf(doc)}
	}
	d := &Document{}
	var stmts json.RawMessage
	seen := map[string]bool{}
	for _, m := range top {
		name := lowerASCII(m.key)
		if seen[name] {
			return nil, &Error{Statement: -1, Field: m.key, Msg: "duplicate element"}
		}
		seen[name] = true
		switch name {
		case "version":
			s, ok := jsonString(m.val)
			if !ok {
				return nil, &Error{Statement: -1, Field: "Version", Msg: "must be a string, got " + kindOf(m.val)}
			}
			if s != "2012-10-17" && s != "2008-10-17" {
				return nil, &Error{Statement: -1, Field: "Version", Msg: fmt.Sprintf("unknown policy language version %q (want 2012-10-17 or 2008-10-17)", clip(s, 40))}
			}
			d.Version = s
		case "id":
			s, ok := jsonString(m.val)
			if !ok {
				return nil, &Error{Statement: -1, Field: "Id", Msg: "must be a string, got " + kindOf(m.val)}
			}
			d.ID = s
		case "statement":
			stmts = m.val
		default:
			return nil, &Error{Statement: -1, Field: clip(m.key, 40), Msg: "unknown element (want Version, Id or Statement)"}
		}
	}
	if stmts == nil {
		return nil, &Error{Statement: -1, Field: "Statement", Msg: "missing"}
	}
	var raws []json.RawMessage
	switch firstByte(stmts) {
	case '{':
		raws = []json.RawMessage{stmts}
	case '[':
		raws = elements(stmts)
	default:
		return nil, &Error{Statement: -1, Field: "Statement", Msg: "must be an object or a list of objects, got " + kindOf(stmts)}
	}
	d.Statements = make([]Statement, 0, len(raws))
	for i, raw := range raws {
		st, err := parseStatement(i, raw)
		if err != nil {
			return nil, err
		}
		d.Statements = append(d.Statements, st)
	}
	return d, nil
}

// ParseURLEncoded parses a policy document as IAM returns it: percent-encoded
// JSON (RFC 3986). A document that is already plain JSON is accepted as is.
func ParseURLEncoded(s string) (*Document, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") {
		return Parse([]byte(t))
	}
	dec, err := url.PathUnescape(t)
	if err != nil {
		return nil, &Error{Statement: -1, Msg: "URL-decode document: " + errMsg(err)}
	}
	if !json.Valid([]byte(dec)) && strings.Contains(t, "+") {
		// Form encoding writes spaces as "+"; IAM documents use RFC 3986,
		// but a document that only parses that way is still read.
		if q, err := url.QueryUnescape(t); err == nil && json.Valid([]byte(q)) {
			dec = q
		}
	}
	return Parse([]byte(dec))
}

func parseStatement(i int, raw json.RawMessage) (Statement, error) {
	st := Statement{Index: i, Raw: raw}
	ms, err := members(raw)
	if err != nil {
		return st, &Error{Statement: i, Msg: "statement must be an object, got " + kindOf(raw)}
	}
	// The Sid first, so every other error can name it.
	for _, m := range ms {
		if strings.EqualFold(m.key, "Sid") {
			s, ok := jsonString(m.val)
			if !ok {
				return st, &Error{Statement: i, Field: "Sid", Msg: "must be a string, got " + kindOf(m.val)}
			}
			st.Sid = s
		}
	}
	fail := func(field, format string, args ...any) error {
		return &Error{Statement: i, Sid: st.Sid, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	seen := make(map[string]bool, len(ms))
	var hasEffect bool
	for _, m := range ms {
		name := lowerASCII(m.key)
		if seen[name] {
			return st, fail(clip(m.key, 40), "duplicate element")
		}
		seen[name] = true
		switch name {
		case "sid":
		case "effect":
			s, ok := jsonString(m.val)
			if !ok {
				return st, fail("Effect", "must be a string, got %s", kindOf(m.val))
			}
			switch {
			case strings.EqualFold(s, EffectAllow):
				st.Effect = EffectAllow
			case strings.EqualFold(s, EffectDeny):
				st.Effect = EffectDeny
			default:
				return st, fail("Effect", "%q is not Allow or Deny", clip(s, 40))
			}
			hasEffect = true
		case "principal", "notprincipal":
			field := "Principal"
			if name == "notprincipal" {
				field = "NotPrincipal"
			}
			p, err := parsePrincipals(m.val)
			if err != nil {
				var pe *fieldError
				if errors.As(err, &pe) {
					return st, fail(field+pe.field, "%s", pe.msg)
				}
				return st, fail(field, "%v", err)
			}
			if name == "principal" {
				st.Principal = p
			} else {
				st.NotPrincipal = p
			}
		case "action", "notaction", "resource", "notresource":
			field := map[string]string{"action": "Action", "notaction": "NotAction",
				"resource": "Resource", "notresource": "NotResource"}[name]
			list, err := stringList(m.val)
			if err != nil {
				return st, fail(field, "%v", err)
			}
			switch name {
			case "action":
				st.Action = list
			case "notaction":
				st.NotAction = list
			case "resource":
				st.Resource = list
			case "notresource":
				st.NotResource = list
			}
		case "condition":
			conds, err := parseConditions(m.val)
			if err != nil {
				var pe *fieldError
				if errors.As(err, &pe) {
					return st, fail("Condition"+pe.field, "%s", pe.msg)
				}
				return st, fail("Condition", "%v", err)
			}
			st.Conditions = conds
		default:
			return st, fail(clip(m.key, 40), "unknown element (want Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition)")
		}
	}
	switch {
	case !hasEffect:
		return st, fail("Effect", "missing")
	case seen["action"] && seen["notaction"]:
		return st, fail("NotAction", "a statement has Action or NotAction, not both")
	case !seen["action"] && !seen["notaction"]:
		return st, fail("Action", "missing (a statement needs Action or NotAction)")
	case seen["resource"] && seen["notresource"]:
		return st, fail("NotResource", "a statement has Resource or NotResource, not both")
	case seen["principal"] && seen["notprincipal"]:
		return st, fail("NotPrincipal", "a statement has Principal or NotPrincipal, not both")
	}
	return st, nil
}

// fieldError is an error inside an element, with the sub-path it concerns.
type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

func parsePrincipals(raw json.RawMessage) (*Principals, error) {
	if s, ok := jsonString(raw); ok {
		if s == "*" {
			return &Principals{Wildcard: true}, nil
		}
		return nil, fmt.Errorf("must be \"*\" or an object such as {\"AWS\": ...}, got the string %q", clip(s, 60))
	}
	ms, err := members(raw)
	if err != nil {
		return nil, fmt.Errorf("must be \"*\" or an object, got %s", kindOf(raw))
	}
	if len(ms) == 0 {
		return nil, errors.New("names no principal")
	}
	p := &Principals{}
	for _, m := range ms {
		var dst *[]string
		var field string
		switch lowerASCII(m.key) {
		case "aws":
			dst, field = &p.AWS, ".AWS"
		case "service":
			dst, field = &p.Service, ".Service"
		case "federated":
			dst, field = &p.Federated, ".Federated"
		case "canonicaluser":
			dst, field = &p.CanonicalUser, ".CanonicalUser"
		default:
			return nil, &fieldError{"." + clip(m.key, 40), "unknown principal type (want AWS, Service, Federated or CanonicalUser)"}
		}
		if *dst != nil {
			return nil, &fieldError{field, "duplicate principal type"}
		}
		list, err := stringList(m.val)
		if err != nil {
			return nil, &fieldError{field, err.Error()}
		}
		*dst = list
	}
	return p, nil
}

// stringList decodes a string or a non-empty list of non-empty strings.
func stringList(raw json.RawMessage) ([]string, error) {
	if s, ok := jsonString(raw); ok {
		if s == "" {
			return nil, errors.New("must not be an empty string")
		}
		return []string{s}, nil
	}
	if firstByte(raw) != '[' {
		return nil, fmt.Errorf("must be a string or a list of strings, got %s", kindOf(raw))
	}
	items := elements(raw)
	if len(items) == 0 {
		return nil, errors.New("must not be an empty list")
	}
	out := make([]string, 0, len(items))
	for j, it := range items {
		s, ok := jsonString(it)
		if !ok {
			return nil, fmt.Errorf("item %d must be a string, got %s", j, kindOf(it))
		}
		if s == "" {
			return nil, fmt.Errorf("item %d must not be an empty string", j)
		}
		out = append(out, s)
	}
	return out, nil
}

type member struct {
	key string
	val json.RawMessage
}

var errNotObject = errors.New("not an object")

// The scanners below walk JSON that json.Valid has already accepted, so they
// only split it; they are several times faster than encoding/json's token
// decoder, which matters when an audit parses tens of thousands of policies.

// members returns an object's members in document order.
func members(raw json.RawMessage) ([]member, error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, errNotObject
	}
	var out []member
	i = skipSpace(raw, i+1)
	for i < len(raw) && raw[i] != '}' {
		if raw[i] != '"' {
			return nil, errNotObject
		}
		end := skipString(raw, i)
		key, err := decodeString(raw[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return nil, errNotObject
		}
		i = skipSpace(raw, i+1)
		vend := skipValue(raw, i)
		out = append(out, member{key, raw[i:vend]})
		i = skipSpace(raw, vend)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return out, nil
}

// elements returns a list's elements. raw must be a valid JSON list.
func elements(raw json.RawMessage) []json.RawMessage {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return nil
	}
	out := []json.RawMessage{}
	i = skipSpace(raw, i+1)
	for i < len(raw) && raw[i] != ']' {
		end := skipValue(raw, i)
		if end == i {
			break
		}
		out = append(out, raw[i:end])
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return out
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = skipString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
		j++
	}
	return j
}

// decodeString decodes a JSON string literal, quotes included.
func decodeString(b []byte) (string, error) {
	if len(b) >= 2 && bytes.IndexByte(b, '\\') < 0 {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

func jsonString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	s, err := decodeString(raw)
	return s, err == nil
}

func firstByte(raw []byte) byte {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

// kindOf names the JSON type of raw for error messages.
func kindOf(raw []byte) string {
	switch firstByte(raw) {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case 0:
		return "nothing"
	}
	return "a number"
}

func errMsg(err error) string {
	if err == nil {
		return "malformed"
	}
	return err.Error()
}

// lowerASCII lower-cases the ASCII letters of an element name. Element names
// are a few known words, so it interns them to avoid an allocation per use.
func lowerASCII(s string) string {
	for _, w := range elementWords {
		if strings.EqualFold(s, w) {
			return w
		}
	}
	return strings.ToLower(s)
}

var elementWords = []string{"effect", "action", "resource", "principal", "condition", "sid",
	"notaction", "notresource", "notprincipal", "version", "id", "statement", "aws", "service",
	"federated", "canonicaluser"}
