package control

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit/policy"
)

// Condition keys the audit decides from the function alone; every other
// condition is taken as satisfiable and recorded.
const (
	keyFunctionARN     = "lambda:FunctionArn"
	keyPassedToService = "iam:PassedToService"
	lambdaService      = "lambda.amazonaws.com"
)

// facts are the request values the audit knows for one check.
type facts struct {
	functionARN string // the function the action is about, if any
	passedTo    string // the service a role is passed to, if any
}

// outcome is what the decidable conditions of a statement say.
type outcome int

const (
	holds     outcome = iota // every condition holds (or there are none)
	fails                    // some decidable condition fails
	undecided                // nothing fails, but some condition is not decidable
)

// judge evaluates a statement's conditions against f.
func judge(st *policy.Statement, f facts) outcome {
	out := holds
	for i := range st.Conditions {
		c := &st.Conditions[i]
		var v string
		switch {
		case c.KeyIs(keyFunctionARN) && f.functionARN != "":
			v = f.functionARN
		case c.KeyIs(keyPassedToService) && f.passedTo != "":
			v = f.passedTo
		default:
			out = undecided
			continue
		}
		ok, decided := evalCondition(c, v)
		if !decided {
			out = undecided
			continue
		}
		if !ok {
			return fails
		}
	}
	return out
}

// evalCondition compares one known request value with a condition;
// decided is false for operators the audit does not evaluate.
func evalCondition(c *policy.Condition, v string) (ok, decided bool) {
	if c.Op == policy.Null {
		// The key is present: "true" (must be absent) fails.
		for _, x := range c.Values {
			if strings.EqualFold(x, "true") {
				return false, true
			}
		}
		return true, true
	}
	var match func(pattern string) bool
	switch c.Op {
	case policy.StringEquals, policy.StringNotEquals:
		match = func(p string) bool { return p == v }
	case policy.StringEqualsIgnoreCase, policy.StringNotEqualsIgnoreCase:
		match = func(p string) bool { return strings.EqualFold(p, v) }
	case policy.StringLike, policy.StringNotLike, policy.ArnEquals, policy.ArnLike,
		policy.ArnNotEquals, policy.ArnNotLike:
		match = func(p string) bool { return policy.MatchPatternCase(p, v) }
	default:
		return false, false
	}
	any := false
	for _, p := range c.Values {
		if match(p) {
			any = true
			break
		}
	}
	if c.Op.Negated() {
		return !any, true
	}
	return any, true
}

// conditionTexts renders the conditions of a statement that the audit took
// as satisfiable, e.g. `StringEquals aws:RequestedRegion=[eu-west-1]`.
func conditionTexts(st *policy.Statement, f facts) []string {
	var out []string
	for i := range st.Conditions {
		c := &st.Conditions[i]
		if (c.KeyIs(keyFunctionARN) && f.functionARN != "") || (c.KeyIs(keyPassedToService) && f.passedTo != "") {
			if _, decided := evalCondition(c, ""); decided {
				continue
			}
		}
		out = append(out, fmt.Sprintf("%s %s=[%s]", c.Operator, c.Key, strings.Join(c.Values, ",")))
	}
	return out
}
