package policy

import "strings"

// Policy variables (IAM User Guide, "IAM policy elements: Variables and
// tags", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
//
//   - In a policy of Version 2012-10-17, ${key} in a condition value is
//     replaced, when a request is evaluated, by the value of the request
//     context key named key (keys ignore case). In Version 2008-10-17, or
//     without a Version (which means 2008-10-17), the text is a literal
//     string (reference_policies_elements_version.html).
//   - ${key, 'default'} uses default when the key has no value; two single
//     quotes inside the default stand for one.
//   - A variable whose key has no value for the request and no default
//     leaves the value with nothing to be equal or like: it matches nothing
//     ("Policy variables with no value").
//   - ${*}, ${?} and ${$} stand for a literal *, ? and $ ("Special
//     characters"): a ${*} is not a wildcard.
//
// The verdicts judge a variable by what it resolves to at request time. The
// keys that name the function itself (aws:ResourceAccount,
// aws:ResourceOrgID) resolve to the function's own account and organization.
// Every other key names something about the request, which the caller
// chooses by choosing where it calls from, so a variable of such a key pins
// nothing: in the value, it stands for "anything" (a condition comparing a
// key with a variable of the same key, e.g. aws:PrincipalAccount with
// "${aws:PrincipalAccount}", holds for every caller that has the key).
// Literal parts of the value keep their meaning.

// Placeholders in a resolved value: a literal * or ? written ${*} or ${?}
// (not wildcards), and the function's own organization when its id is not
// known.
const (
	litStar  = '\uE000'
	litQuest = '\uE001'
	ownOrgID = "\uE002own-organization"
)

var unescapeLiterals = strings.NewReplacer(string(litStar), "*", string(litQuest), "?")

// unescape turns the placeholders of escaped characters back into * and ?.
func unescape(s string) string {
	if !strings.ContainsAny(s, string([]rune{litStar, litQuest})) {
		return s
	}
	return unescapeLiterals.Replace(s)
}

// resolved is a condition value with its policy variables resolved.
type resolved struct {
	// text is the value with "*" where the request decides, the function's
	// own account or organization for its resource keys, and placeholders
	// for escaped characters.
	text string
	// dependent: a variable the request decides (any key but the
	// function's own resource keys).
	dependent bool
	// self: the value is exactly one variable of the condition's own key.
	self bool
	// null: a variable has no value for the caller class and no default, so
	// the value matches nothing.
	null bool
}

// hasVariable reports whether a value holds a policy variable.
func hasVariable(v string) bool { return strings.Contains(v, "${") }

// variablesApply reports whether the document's language version substitutes
// policy variables.
func (e *evaluator) variablesApply() bool { return e.doc.Version == "2012-10-17" }

// resolveValues appends to dst the condition's values with their variables
// resolved for a caller class. Without variables (or in a 2008-10-17
// document) the values are as written.
func (e *evaluator) resolveValues(dst []resolved, c *Condition, key string, cl class) []resolved {
	for _, v := range c.Values {
		if !e.variablesApply() || !hasVariable(v) {
			dst = append(dst, resolved{text: v})
			continue
		}
		dst = append(dst, e.resolve(key, v, cl))
	}
	return dst
}

// resolve substitutes the variables of one value of a condition on key.
func (e *evaluator) resolve(key, v string, cl class) resolved {
	var r resolved
	var b strings.Builder
	vars := 0
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			b.WriteString(v)
			break
		}
		end := variableEnd(v, i+2)
		if end < 0 {
			b.WriteString(v) // an unclosed ${ is literal text
			break
		}
		b.WriteString(v[:i])
		body := v[i+2 : end]
		v = v[end+1:]
		switch body {
		case "*":
			b.WriteRune(litStar)
			continue
		case "?":
			b.WriteRune(litQuest)
			continue
		case "$":
			b.WriteByte('$')
			continue
		}
		vars++
		name, def, hasDef := splitDefault(body)
		lname := strings.ToLower(name)
		if lname == key {
			r.self = true
		}
		switch lname {
		case "aws:resourceaccount":
			if e.ctx.Account != "" {
				b.WriteString(e.ctx.Account)
				continue
			}
		case "aws:resourceorgid":
			if e.ctx.OrgID != "" {
				b.WriteString(e.ctx.OrgID)
			} else {
				b.WriteString(ownOrgID)
			}
			continue
		}
		if knownPresence(lname) && presenceOf(lname, cl) == absent {
			// AWS never sets the key for this caller: the default, or no value.
			if hasDef {
				b.WriteString(def)
			} else {
				r.null = true
			}
			continue
		}
		r.dependent = true
		b.WriteByte('*')
	}
	r.self = r.self && vars == 1 && b.Len() == 1 && r.dependent && !r.null
	r.text = b.String()
	return r
}

// variableEnd returns the index of the brace that closes a variable whose
// body starts at v[start], skipping quoted defaults, or -1.
func variableEnd(v string, start int) int {
	quoted := false
	for j := start; j < len(v); j++ {
		switch v[j] {
		case '\'':
			quoted = !quoted
		case '}':
			if !quoted {
				return j
			}
		}
	}
	return -1
}

// splitDefault splits a variable body "key, 'default'" into the key and the
// default, in which two single quotes stand for one.
func splitDefault(body string) (name, def string, ok bool) {
	k, d, found := strings.Cut(body, ",")
	name = strings.TrimSpace(k)
	if !found {
		return name, "", false
	}
	d = strings.TrimSpace(d)
	if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
		d = d[1 : len(d)-1]
	}
	return name, strings.ReplaceAll(d, "''", "'"), true
}

// knownPresence reports whether presenceOf knows when AWS sets the key.
func knownPresence(key string) bool { return pinningKeys[key] || ipKeys[key] }

// ownOrg reports whether an organization id named by a pin is the function's
// own; case-insensitive operators compare without case.
func (e *evaluator) ownOrg(org string, fold bool) bool {
	if org == ownOrgID {
		return true
	}
	if org == "" || e.ctx.OrgID == "" {
		return false
	}
	if fold {
		return strings.EqualFold(org, e.ctx.OrgID)
	}
	return org == e.ctx.OrgID
}

// ownAccount reports whether an account named by a pin is the function's own
// or in its organization.
func (e *evaluator) ownAccount(a string, fold bool) bool {
	if a == "" {
		return false
	}
	if a == e.ctx.Account || (fold && strings.EqualFold(a, e.ctx.Account)) {
		return true
	}
	return e.inOrg(a)
}

// ignoresCase reports whether the operator compares strings without case.
func (o Operator) ignoresCase() bool {
	return o == StringEqualsIgnoreCase || o == StringNotEqualsIgnoreCase
}
