package policy

import (
	"strings"
	"unicode/utf8"
)

// MatchPattern reports whether value matches the IAM wildcard pattern: "*"
// matches any run of characters (including none) and "?" exactly one. The
// comparison ignores case, as IAM does for actions and condition keys. Use
// MatchPatternCase for ARNs, which IAM compares case-sensitively.
func MatchPattern(pattern, value string) bool { return match(pattern, value, true) }

// MatchPatternCase is MatchPattern with a case-sensitive comparison (StringLike,
// ArnLike and Resource matching).
func MatchPatternCase(pattern, value string) bool { return match(pattern, value, false) }

func match(p, v string, fold bool) bool {
	if !isASCII(p) || !isASCII(v) {
		if fold {
			p, v = strings.ToLower(p), strings.ToLower(v)
		}
		return matchRunes([]rune(p), []rune(v))
	}
	// Iterative glob matching with single-star backtracking: linear in
	// practice, never exponential.
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		if pi < len(p) && p[pi] == '*' {
			star, mark = pi, vi
			pi++
			continue
		}
		if pi < len(p) && (p[pi] == '?' || eqByte(p[pi], v[vi], fold)) {
			pi++
			vi++
			continue
		}
		if star >= 0 {
			pi = star + 1
			mark++
			vi = mark
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func matchRunes(p, v []rune) bool {
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		if pi < len(p) && p[pi] == '*' {
			star, mark = pi, vi
			pi++
			continue
		}
		if pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]) {
			pi++
			vi++
			continue
		}
		if star >= 0 {
			pi = star + 1
			mark++
			vi = mark
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func eqByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// MatchesAction reports whether the statement covers action: one of its Action
// patterns matches, or, for a NotAction statement, none of its NotAction
// patterns does. Actions compare case-insensitively.
func (s *Statement) MatchesAction(action string) bool {
	if s.NotAction != nil {
		return !anyMatch(s.NotAction, action, true)
	}
	return anyMatch(s.Action, action, true)
}

// MatchesResource reports whether the statement covers the resource ARN,
// honouring NotResource. A statement with neither element (a trust policy)
// covers every resource. ARNs compare case-sensitively.
func (s *Statement) MatchesResource(arn string) bool {
	if s.NotResource != nil {
		return !anyMatch(s.NotResource, arn, false)
	}
	if s.Resource == nil {
		return true
	}
	return anyMatch(s.Resource, arn, false)
}

func anyMatch(patterns []string, v string, fold bool) bool {
	for _, p := range patterns {
		if match(p, v, fold) {
			return true
		}
	}
	return false
}
