package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The semantics pinned by these tables come from the IAM User Guide:
//
//   - "IAM JSON policy elements: Condition operators"
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//     (string, ARN and IP operators; "...IfExists"; a negated operator on a
//     key absent from the request evaluates to true);
//   - "Creating a condition with multiple keys or values"
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
//     (several values of one key are ORed; for a negated operator that is
//     "matches none of them"; ForAnyValue over an empty set is false,
//     ForAllValues true);
//   - "Policy evaluation logic"
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//     (an explicit Deny overrides any Allow).

const partner = "999999999999"

// TestNegatedOperatorSemantics checks, for every negated operator family,
// single and multiple values, a request whose key matches one value, matches
// none, and lacks the key (with and without IfExists, and under the set
// qualifiers), whether the condition holds.
func TestNegatedOperatorSemantics(t *testing.T) {
	t.Parallel()
	type family struct {
		op       string
		key      string
		single   []string
		multiple []string
		hit      string // matches the last value of each list
		miss     string // matches none
	}
	fams := []family{
		{"StringNotEquals", "aws:PrincipalAccount", []string{partner}, []string{testAccount, partner}, partner, "888888888888"},
		{"StringNotEqualsIgnoreCase", "aws:PrincipalOrgID", []string{"O-ZZZZZZZZZZ"}, []string{testOrg, "O-ZZZZZZZZZZ"}, "o-zzzzzzzzzz", "o-yyyyyyyyyy"},
		{"StringNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::" + partner + ":role/*"}, []string{"arn:aws:iam::" + testAccount + ":*", "arn:aws:iam::" + partner + ":role/*"},
			"arn:aws:iam::" + partner + ":role/importer", "arn:aws:iam::888888888888:role/importer"},
		{"ArnNotEquals", "aws:SourceArn", []string{"arn:aws:sns:us-east-1:" + partner + ":t"}, []string{"arn:aws:sns:us-east-1:" + testAccount + ":t", "arn:aws:sns:us-east-1:" + partner + ":t"},
			"arn:aws:sns:us-east-1:" + partner + ":t", "arn:aws:sns:us-east-1:888888888888:t"},
		{"ArnNotLike", "aws:SourceArn", []string{"arn:aws:s3:::partner-*"}, []string{"arn:aws:s3:::acme-*", "arn:aws:s3:::partner-*"}, "arn:aws:s3:::partner-drop", "arn:aws:s3:::other-drop"},
		{"NotIpAddress", "aws:SourceIp", []string{"198.51.100.0/24"}, []string{"203.0.113.0/24", "198.51.100.0/24"}, "198.51.100.7", "192.0.2.1"},
	}
	e := &evaluator{doc: &Document{Version: "2012-10-17"}, ctx: testContext()}
	for _, f := range fams {
		for _, vals := range [][]string{f.single, f.multiple} {
			for _, form := range []struct {
				prefix, suffix string
				absent         bool // what the condition gives when the key is absent
			}{
				{"", "", true},              // a negated operator holds on an absent key
				{"", "IfExists", true},      // IfExists: absent key -> true
				{"ForAllValues:", "", true}, // empty set: vacuously true
				{"ForAnyValue:", "", false}, // empty set: no value to match -> false
			} {
				opText := form.prefix + f.op + form.suffix
				set, op, ifEx, err := ParseOperator(opText)
				if err != nil {
					t.Fatal(err)
				}
				c := Condition{Operator: opText, Op: op, Set: set, IfExists: ifEx, Key: f.key, Values: vals}
				name := fmt.Sprintf("%s %s %v", opText, f.key, vals)
				for _, tc := range []struct {
					what    string
					present bool
					actual  string
					want    bool
				}{
					{"matches one value", true, f.hit, false},
					{"matches none", true, f.miss, true},
					{"key absent", false, "", form.absent},
				} {
					var actual []string
					if tc.present {
						actual = []string{tc.actual}
					}
					holds, certain := e.evalKnown(&c, c.lowerKey(), classAPI, tc.present, actual)
					if !certain || holds != tc.want {
						t.Errorf("%s, %s: holds=%v certain=%v, want %v", name, tc.what, holds, certain, tc.want)
					}
				}
			}
		}
	}
}

// TestDenyNegatedListVerdicts judges Allow "*" under a Deny with each
// negated operator family, single and multiple values, and the IfExists and
// set forms: a Deny spares only the callers whose key matches a value, and
// (except ForAnyValue) denies callers that lack the key.
func TestDenyNegatedListVerdicts(t *testing.T) {
	t.Parallel()
	const allow = `{"Sid":"all","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}`
	deny := func(op, key string, vals ...string) string {
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = `"` + v + `"`
		}
		return fmt.Sprintf(`{"Sid":"fence","Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*","Condition":{%q:{%q:[%s]}}}`, op, key, strings.Join(q, ","))
	}
	anyAPI := brief{ExposureAnyAccount, PathInvoke, "*", "", ""}
	crossP := brief{ExposureCrossAccount, PathInvoke, "*", partner, ""}
	partnerRole := "arn:aws:iam::" + partner + ":role/importer"
	tests := []struct {
		name string
		deny string
		want []brief
	}{
		// aws:PrincipalAccount: only signed callers carry it.
		{"StringNotEquals own", deny("StringNotEquals", "aws:PrincipalAccount", testAccount), nil},
		{"StringNotEquals own+partner", deny("StringNotEquals", "aws:PrincipalAccount", testAccount, partner), []brief{crossP}},
		{"StringNotEqualsIfExists own+partner", deny("StringNotEqualsIfExists", "aws:PrincipalAccount", testAccount, partner), []brief{crossP}},
		{"ForAllValues:StringNotEquals own+partner", deny("ForAllValues:StringNotEquals", "aws:PrincipalAccount", testAccount, partner), []brief{crossP}},
		// ForAnyValue over an absent key is false: services pass the Deny.
		{"ForAnyValue:StringNotEquals own+partner", deny("ForAnyValue:StringNotEquals", "aws:PrincipalAccount", testAccount, partner), []brief{crossP, anyAPI}},
		{"StringNotEqualsIgnoreCase own org", deny("StringNotEqualsIgnoreCase", "aws:PrincipalOrgID", strings.ToUpper(testOrg)), nil},
		{"StringNotEquals own org+partner org", deny("StringNotEquals", "aws:PrincipalOrgID", testOrg, "o-zzzzzzzzzz"), []brief{{ExposureCrossAccount, PathInvoke, "*", "o-zzzzzzzzzz", ""}}},
		{"StringNotLike own roles+partner role", deny("StringNotLike", "aws:PrincipalArn", "arn:aws:iam::"+testAccount+":role/*", partnerRole), []brief{crossP}},
		{"ArnNotEquals partner role", deny("ArnNotEquals", "aws:PrincipalArn", partnerRole), []brief{crossP}},
		{"ArnNotLike own account", deny("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::"+testAccount+":*"), nil},
		// aws:SourceAccount: only services acting for a resource carry it,
		// so the Deny shuts direct callers out.
		{"StringNotEquals SourceAccount own", deny("StringNotEquals", "aws:SourceAccount", testAccount), nil},
		{"StringNotEquals SourceAccount own+partner", deny("StringNotEquals", "aws:SourceAccount", testAccount, partner), []brief{crossP}},
		// A network fence pins callers to networks: no outside account named.
		{"NotIpAddress one range", deny("NotIpAddress", "aws:SourceIp", "203.0.113.0/24"), nil},
		{"NotIpAddress two ranges", deny("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.0/24"), nil},
		// Near misses: a Deny that lists every value leaves the Allow open
		// only to... nothing it names; literal "*" under StringNotEquals
		// matches no request, so the Deny holds for everyone.
		{"StringNotEquals literal star denies all", deny("StringNotEquals", "aws:PrincipalAccount", "*"), nil},
		{"StringNotLike star spares everyone with the key", deny("StringNotLike", "aws:PrincipalAccount", "*"), []brief{anyAPI}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(stmt(allow + "," + tt.deny)))
			if err != nil {
				t.Fatal(err)
			}
			v := InvokeAccess(doc, testContext())
			if diff := cmp.Diff(tt.want, briefs(v)); diff != "" {
				t.Errorf("exposures (-want +got):\n%s", diff)
				for _, sv := range v.Statements {
					t.Logf("Statement[%d]: %s", sv.Index, strings.Join(sv.Reasons, " | "))
				}
			}
		})
	}
}

// TestDenyNegatedListNamedPrincipals checks the Deny against principals the
// policy names: their account (and role ARN) is known, so the Deny is
// decided for each.
func TestDenyNegatedListNamedPrincipals(t *testing.T) {
	t.Parallel()
	allowRole := func(p string) string {
		return `{"Effect":"Allow","Principal":{"AWS":"` + p + `"},"Action":"lambda:InvokeFunction","Resource":"*"}`
	}
	fence := `{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":["` + testAccount + `","` + partner + `"]}}}`
	arnFence := `{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::` + partner + `:role/importer"}}}`
	tests := []struct {
		name string
		doc  string
		want []brief
	}{
		{"listed partner keeps access", stmt(allowRole("arn:aws:iam::"+partner+":role/importer") + "," + fence),
			[]brief{{ExposureCrossAccount, PathInvoke, "arn:aws:iam::" + partner + ":role/importer", partner, ""}}},
		{"unlisted account is denied", stmt(allowRole("arn:aws:iam::888888888888:role/x") + "," + fence), nil},
		{"role ARN fence spares that role", stmt(allowRole("arn:aws:iam::"+partner+":role/importer") + "," + arnFence),
			[]brief{{ExposureCrossAccount, PathInvoke, "arn:aws:iam::" + partner + ":role/importer", partner, ""}}},
		{"role ARN fence denies another role", stmt(allowRole("arn:aws:iam::"+partner+":role/other") + "," + arnFence), nil},
		// A whole account names no one ARN: the fence is not sure to hold.
		{"role ARN fence and a whole account", stmt(allowRole(partner) + "," + arnFence),
			[]brief{{ExposureCrossAccount, PathInvoke, partner, partner, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			v := InvokeAccess(doc, testContext())
			if diff := cmp.Diff(tt.want, briefs(v)); diff != "" {
				t.Errorf("exposures (-want +got):\n%s", diff)
				for _, sv := range v.Statements {
					t.Logf("Statement[%d]: %s", sv.Index, strings.Join(sv.Reasons, " | "))
				}
			}
		})
	}
}

// TestExactMatchComparesLiterally: StringEquals compares "*" literally and
// matches no request ("Condition operators": only StringLike supports
// wildcards); ArnEquals and ArnLike both expand wildcards.
func TestExactMatchComparesLiterally(t *testing.T) {
	t.Parallel()
	const allow = `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":`
	const s3 = `{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":`
	nothing := func(p string) []brief { return []brief{{ExposureMatchesNothing, PathInvoke, p, "", ""}} }
	tests := []struct {
		name string
		doc  string
		want []brief
	}{
		{"StringEquals SourceAccount star", stmt(allow + `{"StringEquals":{"aws:SourceAccount":"*"}}}`), nothing("*")},
		{"StringEquals PrincipalOrgID star", stmt(allow + `{"StringEquals":{"aws:PrincipalOrgID":"*"}}}`), nothing("*")},
		{"StringEqualsIgnoreCase PrincipalOrgID o-*", stmt(allow + `{"StringEqualsIgnoreCase":{"aws:PrincipalOrgID":"o-*"}}}`), nothing("*")},
		{"StringEquals SourceArn sns wildcard", stmt(s3 + `{"StringEquals":{"aws:SourceArn":"arn:aws:sns:*:*:x"}}}`), nothing("sns.amazonaws.com")},
		// A concrete alternative beside the literal wildcard still pins.
		{"StringEquals star beside own account", stmt(allow + `{"StringEquals":{"aws:SourceAccount":["*","` + testAccount + `"]}}}`), nil},
		{"StringEquals star beside partner", stmt(allow + `{"StringEquals":{"aws:SourceAccount":["*","` + partner + `"]}}}`),
			[]brief{{ExposureCrossAccount, PathInvoke, "*", partner, ""}}},
		// The pattern operators expand wildcards: no pin.
		{"StringLike SourceAccount star", stmt(allow + `{"StringLike":{"aws:SourceAccount":"*"}}}`), []brief{{ExposureAnyAccount, PathInvoke, "*", "", ""}}},
		{"ArnEquals SourceArn sns wildcard", stmt(s3 + `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:*:x"}}}`), []brief{{ExposureConfusedDeputy, PathInvoke, "sns.amazonaws.com", "", ""}}},
		{"ArnLike SourceArn sns wildcard", stmt(s3 + `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:x"}}}`), []brief{{ExposureConfusedDeputy, PathInvoke, "sns.amazonaws.com", "", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			v := InvokeAccess(doc, testContext())
			if diff := cmp.Diff(tt.want, briefs(v)); diff != "" {
				t.Errorf("exposures (-want +got):\n%s", diff)
				for _, sv := range v.Statements {
					t.Logf("Statement[%d]: %s", sv.Index, strings.Join(sv.Reasons, " | "))
				}
			}
			if v.Public() && tt.want[0].Kind == ExposureMatchesNothing {
				t.Errorf("a statement that matches nothing made the verdict public")
			}
		})
	}
}

// TestPatternFenceCap: up to maxPatternFences pattern fences apply; past it
// none does, which reports more (the Allow stays open), never less.
func TestPatternFenceCap(t *testing.T) {
	t.Parallel()
	build := func(n int) string {
		parts := []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}`}
		for i := 0; i < n; i++ {
			parts = append(parts, fmt.Sprintf(`{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalArn":["arn:aws:iam::123456789012:*","arn:aws:iam::%012d:role/*"]}}}`, 500000000000+i))
		}
		return stmt(strings.Join(parts, ","))
	}
	for _, tc := range []struct {
		n    int
		want []brief
	}{
		// Only the own account matches every fence, but pattern lists are
		// not intersected: their accounts are joined, which reports the
		// first outside one (cross-account, not public).
		{maxPatternFences, []brief{{ExposureCrossAccount, PathInvoke, "*", "500000000000", ""}}},
		{maxPatternFences + 1, []brief{{ExposureAnyAccount, PathInvoke, "*", "", ""}}},
	} {
		doc, err := Parse([]byte(build(tc.n)))
		if err != nil {
			t.Fatal(err)
		}
		v := InvokeAccess(doc, testContext())
		if diff := cmp.Diff(tc.want, briefs(v)); diff != "" {
			t.Errorf("%d fences: exposures (-want +got):\n%s", tc.n, diff)
		}
	}
}
