package suppress

import (
	"errors"
	"strings"
)

func isSep(c byte) bool { return c == '/' || c == ':' }

// MatchResource reports whether the glob matches the whole resource id; see the
// package doc for the syntax. foldCase compares letters case-insensitively.
func MatchResource(glob, resource string, foldCase bool) bool {
	if foldCase {
		glob, resource = strings.ToLower(glob), strings.ToLower(resource)
	}
	return match(glob, resource)
}

// match is a backtracking matcher; memoizing (pattern, subject) positions bounds
// its work by len(p)*len(s) even for patterns with many stars.
func match(p, s string) bool {
	type key struct{ i, j int }
	memo := map[key]bool{}
	var m func(i, j int) bool
	m = func(i, j int) bool {
		k := key{i, j}
		if v, ok := memo[k]; ok {
			return v
		}
		var res bool
		switch {
		case i == len(p):
			res = j == len(s)
		case strings.HasPrefix(p[i:], "**"):
			// ** matches any run, separators included.
			for jj := j; jj <= len(s); jj++ {
				if m(i+2, jj) {
					res = true
					break
				}
			}
		case p[i] == '*':
			for jj := j; jj <= len(s); jj++ {
				if m(i+1, jj) {
					res = true
					break
				}
				if jj < len(s) && isSep(s[jj]) {
					break
				}
			}
		case p[i] == '?':
			res = j < len(s) && !isSep(s[j]) && m(i+1, j+1)
		default:
			res = j < len(s) && p[i] == s[j] && m(i+1, j+1)
		}
		memo[k] = res
		return res
	}
	return m(0, 0)
}

func checkGlob(g string) error {
	if strings.Contains(g, "***") {
		return errors.New(`"***" is ambiguous (use * within a segment or ** across segments)`)
	}
	if strings.ContainsAny(g, "[]") {
		return errors.New("character classes [...] are not supported (use * or ?)")
	}
	return nil
}
