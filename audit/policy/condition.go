package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Operator is a condition operator without its set prefix and IfExists suffix,
// spelled as AWS documents it, e.g. StringEquals, ArnLike, IpAddress, Null.
type Operator string

// The condition operators of the IAM policy language.
const (
	StringEquals              Operator = "StringEquals"
	StringNotEquals           Operator = "StringNotEquals"
	StringEqualsIgnoreCase    Operator = "StringEqualsIgnoreCase"
	StringNotEqualsIgnoreCase Operator = "StringNotEqualsIgnoreCase"
	StringLike                Operator = "StringLike"
	StringNotLike             Operator = "StringNotLike"
	NumericEquals             Operator = "NumericEquals"
	NumericNotEquals          Operator = "NumericNotEquals"
	NumericLessThan           Operator = "NumericLessThan"
	NumericLessThanEquals     Operator = "NumericLessThanEquals"
	NumericGreaterThan        Operator = "NumericGreaterThan"
	NumericGreaterThanEquals  Operator = "NumericGreaterThanEquals"
	DateEquals                Operator = "DateEquals"
	DateNotEquals             Operator = "DateNotEquals"
	DateLessThan              Operator = "DateLessThan"
	DateLessThanEquals        Operator = "DateLessThanEquals"
	DateGreaterThan           Operator = "DateGreaterThan"
	DateGreaterThanEquals     Operator = "DateGreaterThanEquals"
	Bool                      Operator = "Bool"
	BinaryEquals              Operator = "BinaryEquals"
	IPAddress                 Operator = "IpAddress"
	NotIPAddress              Operator = "NotIpAddress"
	ArnEquals                 Operator = "ArnEquals"
	ArnLike                   Operator = "ArnLike"
	ArnNotEquals              Operator = "ArnNotEquals"
	ArnNotLike                Operator = "ArnNotLike"
	Null                      Operator = "Null"
)

// Operators lists every condition operator.
func Operators() []Operator {
	return slices.Clone(operators)
}

var operators = []Operator{StringEquals, StringNotEquals, StringEqualsIgnoreCase,
	StringNotEqualsIgnoreCase, StringLike, StringNotLike, NumericEquals, NumericNotEquals,
	NumericLessThan, NumericLessThanEquals, NumericGreaterThan, NumericGreaterThanEquals,
	DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan,
	DateGreaterThanEquals, Bool, BinaryEquals, IPAddress, NotIPAddress, ArnEquals, ArnLike,
	ArnNotEquals, ArnNotLike, Null}

var operatorByLower = func() map[string]Operator {
	m := make(map[string]Operator, len(operators))
	for _, o := range operators {
		m[strings.ToLower(string(o))] = o
	}
	return m
}()

// Family groups operators by the type of value they compare.
type Family string

// Operator families.
const (
	FamilyString  Family = "String"
	FamilyNumeric Family = "Numeric"
	FamilyDate    Family = "Date"
	FamilyBool    Family = "Bool"
	FamilyBinary  Family = "Binary"
	FamilyIP      Family = "IpAddress"
	FamilyArn     Family = "Arn"
	FamilyNull    Family = "Null"
)

// Family returns the operator's family.
func (o Operator) Family() Family {
	s := string(o)
	switch {
	case strings.HasPrefix(s, "String"):
		return FamilyString
	case strings.HasPrefix(s, "Numeric"):
		return FamilyNumeric
	case strings.HasPrefix(s, "Date"):
		return FamilyDate
	case strings.HasPrefix(s, "Arn"):
		return FamilyArn
	case o == Bool:
		return FamilyBool
	case o == BinaryEquals:
		return FamilyBinary
	case o == IPAddress || o == NotIPAddress:
		return FamilyIP
	}
	return FamilyNull
}

// Negated reports whether the operator matches values that differ from the
// condition's values (StringNotEquals, StringNotLike, ArnNotEquals, ArnNotLike,
// NumericNotEquals, DateNotEquals, NotIpAddress).
func (o Operator) Negated() bool {
	switch o {
	case StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike, NumericNotEquals,
		DateNotEquals, NotIPAddress, ArnNotEquals, ArnNotLike:
		return true
	}
	return false
}

// SetQualifier is a condition's multivalued-key prefix.
type SetQualifier string

// Set qualifiers; the empty value means a single-valued comparison.
const (
	ForAnyValue  SetQualifier = "ForAnyValue"
	ForAllValues SetQualifier = "ForAllValues"
)

// Condition is one operator/key pair of a statement's Condition block.
type Condition struct {
	// Operator is the operator as written, e.g. "ForAnyValue:StringLikeIfExists".
	Operator string
	// Op is the base operator, e.g. StringLike.
	Op Operator
	// Set is the ForAnyValue / ForAllValues prefix, if any.
	Set SetQualifier
	// IfExists is true when the operator carries the IfExists suffix.
	IfExists bool
	// Key is the condition key as written, e.g. "aws:SourceArn". Keys are
	// case-insensitive; compare them with strings.EqualFold or KeyIs.
	Key string
	// Values are the condition's values as strings (numbers and booleans in
	// their JSON spelling).
	Values []string
}

// lowerKey returns the condition key in lower case, without allocating for
// the usual spellings of the keys the verdicts look at.
func (c *Condition) lowerKey() string {
	if v, ok := keySpellings[c.Key]; ok {
		return v
	}
	return strings.ToLower(c.Key)
}

// keySpellings maps the common spellings of well-known condition keys (as the
// AWS documentation writes them, and with the "AWS:" prefix Lambda's
// AddPermission writes) to their lower case. It is read-only after init.
var keySpellings = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID",
		"aws:SourceOrgPaths", "aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
		"aws:PrincipalAccount", "aws:PrincipalArn", "aws:userid", "aws:username", "lambda:EventSourceToken",
		"aws:SourceIp", "aws:VpcSourceIp", "aws:SecureTransport", "aws:CurrentTime", "aws:EpochTime",
		"lambda:FunctionUrlAuthType", "lambda:InvokedViaFunctionUrl"} {
		lower := strings.ToLower(k)
		m[k] = lower
		m[lower] = lower
		if rest, ok := strings.CutPrefix(k, "aws:"); ok {
			m["AWS:"+rest] = lower
		}
	}
	return m
}()

// KeyIs reports whether the condition's key is key, ignoring case.
func (c *Condition) KeyIs(key string) bool { return strings.EqualFold(c.Key, key) }

// ParseOperator splits an operator as written into its set qualifier, base
// operator and IfExists suffix, all case-insensitively.
func ParseOperator(s string) (set SetQualifier, op Operator, ifExists bool, err error) {
	rest := s
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		switch strings.ToLower(rest[:i]) {
		case "foranyvalue":
			set = ForAnyValue
		case "forallvalues":
			set = ForAllValues
		default:
			return "", "", false, fmt.Errorf("unknown set operator prefix %q (want ForAnyValue: or ForAllValues:)", clip(rest[:i], 40))
		}
		rest = rest[i+1:]
	}
	lower := strings.ToLower(rest)
	if o, ok := operatorByLower[lower]; ok {
		return set, o, false, nil
	}
	if base, ok := strings.CutSuffix(lower, "ifexists"); ok {
		if o, ok := operatorByLower[base]; ok && o != Null {
			return set, o, true, nil
		}
	}
	return "", "", false, fmt.Errorf("unknown condition operator %q", clip(s, 60))
}

func parseConditions(raw json.RawMessage) ([]Condition, error) {
	ops, err := members(raw)
	if err != nil {
		return nil, fmt.Errorf("must be an object of operators, got %s", kindOf(raw))
	}
	var out []Condition
	opRepeat := firstRepeat(ops)
	for oi, om := range ops {
		at := "." + clip(om.key, 60)
		if oi == opRepeat {
			return nil, &fieldError{at, "duplicate condition operator"}
		}
		set, op, ifExists, err := ParseOperator(om.key)
		if err != nil {
			return nil, &fieldError{at, err.Error()}
		}
		keys, err := members(om.val)
		if err != nil {
			return nil, &fieldError{at, "must be an object of condition keys, got " + kindOf(om.val)}
		}
		if len(keys) == 0 {
			return nil, &fieldError{at, "names no condition key"}
		}
		keyRepeat := firstRepeat(keys)
		for ki, km := range keys {
			kat := func() string { return fmt.Sprintf("%s[%q]", at, clip(km.key, 80)) }
			if km.key == "" {
				return nil, &fieldError{kat(), "empty condition key"}
			}
			if ki == keyRepeat {
				return nil, &fieldError{kat(), "duplicate condition key"}
			}
			vals, err := conditionValues(km.val)
			if err != nil {
				return nil, &fieldError{kat(), err.Error()}
			}
			for _, v := range vals {
				if err := checkValue(op, v); err != nil {
					return nil, &fieldError{kat(), err.Error()}
				}
			}
			out = append(out, Condition{Operator: om.key, Op: op, Set: set, IfExists: ifExists,
				Key: km.key, Values: vals})
		}
	}
	return out, nil
}

// firstRepeat returns the index of the first member whose name repeats an
// earlier one's without regard to case (strings.EqualFold), or -1. A few
// names are compared pairwise without allocating; past that a map of fold
// keys keeps a block of many names linear.
func firstRepeat(ms []member) int {
	if len(ms) <= 8 {
		for i := range ms {
			for _, prev := range ms[:i] {
				if strings.EqualFold(prev.key, ms[i].key) {
					return i
				}
			}
		}
		return -1
	}
	seen := make(map[string]struct{}, len(ms))
	for i, m := range ms {
		k := foldKey(m.key)
		if _, ok := seen[k]; ok {
			return i
		}
		seen[k] = struct{}{}
	}
	return -1
}

// conditionValues decodes a scalar or a non-empty list of scalars.
func conditionValues(raw json.RawMessage) ([]string, error) {
	if firstByte(raw) == '[' {
		items := elements(raw)
		if len(items) == 0 {
			return nil, fmt.Errorf("must not be an empty list")
		}
		out := make([]string, 0, len(items))
		for j, it := range items {
			s, err := scalar(it)
			if err != nil {
				return nil, fmt.Errorf("item %d %v", j, err)
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(raw)
	if err != nil {
		return nil, fmt.Errorf("value %v", err)
	}
	return []string{s}, nil
}

func scalar(raw json.RawMessage) (string, error) {
	switch firstByte(raw) {
	case '"':
		s, _ := jsonString(raw)
		return s, nil
	case 't', 'f':
		return string(bytes.TrimSpace(raw)), nil
	case '{', '[', 'n', 0:
		return "", fmt.Errorf("must be a string, number or boolean, got %s", kindOf(raw))
	}
	return string(bytes.TrimSpace(raw)), nil
}

// checkValue rejects values the operator's family cannot compare. Values
// holding a policy variable (${...}) are taken as written.
func checkValue(op Operator, v string) error {
	if strings.Contains(v, "${") {
		return nil
	}
	switch op.Family() {
	case FamilyNumeric:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("%q is not a number (operator %s)", clip(v, 40), op)
		}
	case FamilyDate:
		if _, ok := ParseDate(v); !ok {
			return fmt.Errorf("%q is not a date (operator %s wants ISO 8601 or epoch seconds)", clip(v, 40), op)
		}
	case FamilyBool, FamilyNull:
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return fmt.Errorf("%q is not true or false (operator %s)", clip(v, 40), op)
		}
	case FamilyIP:
		if _, err := netip.ParsePrefix(v); err != nil {
			if _, err := netip.ParseAddr(v); err != nil {
				return fmt.Errorf("%q is not an IP address or CIDR range (operator %s)", clip(v, 40), op)
			}
		}
	}
	return nil
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z",
	"2006-01-02T15:04:05",
	"2006-01-02",
}

// ParseDate parses a Date-operator value: an ISO 8601 date or date-time, or
// epoch seconds.
func ParseDate(v string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}
