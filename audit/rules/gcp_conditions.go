package rules

import (
	"fmt"
	"strings"
	"time"
)

// IAM conditions with time bounds. A conditional role binding applies only to
// requests for which its CEL expression is true
// (https://cloud.google.com/iam/docs/conditions-overview); the date/time
// attribute request.time compared with timestamp("RFC 3339") is how temporary
// access is written (https://cloud.google.com/iam/docs/conditions-attribute-reference#date-time
// and https://cloud.google.com/iam/docs/configuring-temporary-access). The rules
// evaluate those bounds against the audit's clock; any other expression is left
// as "may be satisfiable", as before.

// gcpCondState is what a binding condition means at the audit time.
type gcpCondState int

const (
	gcpCondNone  gcpCondState = iota // no condition: the binding always applies
	gcpCondHolds                     // only time bounds, all true now: it applies now
	gcpCondNever                     // a time bound is false now: it grants nothing now
	gcpCondMaybe                     // not (fully) understood: it may be satisfiable
)

// gcpTimeBound is one "request.time OP timestamp(...)" comparison.
type gcpTimeBound struct {
	op string // <, <=, >, >= with request.time on the left
	at time.Time
}

func (b gcpTimeBound) holds(now time.Time) bool {
	switch b.op {
	case "<":
		return now.Before(b.at)
	case "<=":
		return !now.After(b.at)
	case ">":
		return now.After(b.at)
	case ">=":
		return !now.Before(b.at)
	}
	return false
}

// gcpParseTimeBound parses `request.time OP timestamp("T")` or the mirrored
// `timestamp("T") OP request.time`, with optional surrounding parentheses.
func gcpParseTimeBound(clause string) (gcpTimeBound, bool) {
	c := gcpTrimParens(clause)
	for _, op := range []string{"<=", ">=", "<", ">"} {
		l, r, ok := strings.Cut(c, op)
		if !ok {
			continue
		}
		l, r = strings.TrimSpace(l), strings.TrimSpace(r)
		if l == "request.time" {
			if t, ok := gcpParseTimestamp(r); ok {
				return gcpTimeBound{op: op, at: t}, true
			}
		}
		if r == "request.time" {
			if t, ok := gcpParseTimestamp(l); ok {
				return gcpTimeBound{op: gcpMirror(op), at: t}, true
			}
		}
		return gcpTimeBound{}, false
	}
	return gcpTimeBound{}, false
}

func gcpMirror(op string) string {
	return map[string]string{"<": ">", ">": "<", "<=": ">=", ">=": "<="}[op]
}

// gcpParseTimestamp reads timestamp("2026-12-31T00:00:00Z") (RFC 3339, the form
// the CEL timestamp() function takes).
func gcpParseTimestamp(s string) (time.Time, bool) {
	inner, ok := strings.CutPrefix(s, "timestamp(")
	if !ok {
		return time.Time{}, false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return time.Time{}, false
	}
	inner = strings.TrimSpace(inner)
	if len(inner) < 2 || (inner[0] != '"' && inner[0] != '\'') || inner[len(inner)-1] != inner[0] {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, inner[1:len(inner)-1])
	return t, err == nil
}

// gcpTrimParens removes parentheses that enclose the whole expression.
func gcpTrimParens(s string) string {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' && gcpBalanced(s[1:len(s)-1]) {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// gcpBalanced reports whether s never closes more parentheses than it opened
// and closes all of them (quotes respected).
func gcpBalanced(s string) bool {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0 && quote == 0
}

// gcpSplitAnd splits an expression on its top-level && operators; ok is false
// when it has a top-level || (a disjunction is not evaluated).
func gcpSplitAnd(expr string) (clauses []string, ok bool) {
	s := gcpTrimParens(expr)
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], "||"):
			return nil, false
		case depth == 0 && strings.HasPrefix(s[i:], "&&"):
			clauses = append(clauses, s[start:i])
			start = i + 2
			i++
		}
	}
	return append(clauses, s[start:]), true
}

// gcpConditionAt evaluates a binding condition's time bounds at now. A
// conjunction (&&) fails when any of its time bounds is false, whatever its
// other clauses say; it holds when every clause is a time bound and all are
// true; anything else (other attributes, ||, !) may be satisfiable.
func gcpConditionAt(cond string, now time.Time) (gcpCondState, string) {
	if strings.TrimSpace(cond) == "" {
		return gcpCondNone, ""
	}
	clauses, ok := gcpSplitAnd(cond)
	if !ok {
		return gcpCondMaybe, ""
	}
	understood := true
	var bounds []string
	for _, c := range clauses {
		b, ok := gcpParseTimeBound(c)
		if !ok {
			understood = false
			continue
		}
		if !b.holds(now) {
			verb := "ended"
			if b.op == ">" || b.op == ">=" {
				verb = "has not begun"
			}
			return gcpCondNever, fmt.Sprintf("its time bound %s %s at the audit time %s",
				strings.TrimSpace(c), verb, now.UTC().Format(time.RFC3339))
		}
		bounds = append(bounds, strings.TrimSpace(c))
	}
	if !understood {
		return gcpCondMaybe, ""
	}
	return gcpCondHolds, fmt.Sprintf("its time bounds (%s) hold at the audit time %s",
		strings.Join(bounds, " && "), now.UTC().Format(time.RFC3339))
}

// gcpGrantsNow reports whether a binding with cond can grant anything at now:
// false only for a condition whose time bounds exclude now.
func gcpGrantsNow(cond string, now time.Time) bool {
	s, _ := gcpConditionAt(cond, now)
	return s != gcpCondNever
}
