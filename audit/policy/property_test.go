package policy

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
)

// The metamorphic properties below run over a few thousand resource policies
// generated from a fixed seed out of real-world building blocks: the
// principals, actions and conditions that add-permission, the console and
// hand-written policies use.

type gCond struct {
	op     string
	key    string
	values []string
}

type gStmt struct {
	sid          string
	effect       string
	principal    string              // "*" for the bare wildcard, else "" and principals set
	principals   map[string][]string // AWS / Service
	notPrincipal bool
	actions      []string
	notAction    bool
	resources    []string
	conds        []gCond
}

type gPolicy struct {
	stmts []gStmt
	auth  string // URL AuthType
}

const genOther = "999999999999"

var (
	genActions = [][]string{
		{"lambda:InvokeFunction"}, {"lambda:InvokeFunctionUrl"}, {"lambda:InvokeFunction", "lambda:InvokeFunctionUrl"},
		{"lambda:*"}, {"lambda:Invoke*"}, {"*"}, {"lambda:GetFunction"},
	}
	genPrincipals = []map[string][]string{
		{"AWS": {"*"}}, {"AWS": {"arn:aws:iam::" + testAccount + ":root"}}, {"AWS": {genOther}},
		{"AWS": {"arn:aws:iam::" + genOther + ":role/partner"}}, {"Service": {"s3.amazonaws.com"}},
		{"Service": {"sns.amazonaws.com"}}, {"Service": {"events.amazonaws.com"}}, {"Service": {"apigateway.amazonaws.com"}},
	}
	// Pinning conditions with a concrete value (own or other identity).
	genPins = []gCond{
		{"StringEquals", "aws:SourceAccount", []string{testAccount}},
		{"StringEquals", "aws:SourceAccount", []string{genOther}},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:s3:::acme-uploads"}},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:sns:us-east-1:" + testAccount + ":orders"}},
		{"ArnEquals", "aws:SourceArn", []string{"arn:aws:execute-api:us-east-1:" + genOther + ":api1/*"}},
		{"StringEquals", "aws:PrincipalOrgID", []string{testOrg}},
		{"StringEquals", "aws:PrincipalOrgID", []string{"o-zzzzzzzzzz"}},
		{"StringLike", "aws:PrincipalArn", []string{"arn:aws:iam::" + testAccount + ":role/*"}},
		{"StringEquals", "aws:PrincipalAccount", []string{testAccount}},
		{"StringEquals", "aws:SourceVpce", []string{"vpce-0a1b2c3d"}},
		{"StringEquals", "lambda:EventSourceToken", []string{"amzn1.ask.skill.example"}},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}},
	}
	// Conditions that pin nothing or shape the path.
	genOthers = []gCond{
		{"StringLike", "aws:SourceAccount", []string{"*"}},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:execute-api:*"}},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:s3:::*"}},
		{"StringLike", "aws:PrincipalOrgID", []string{"o-*"}},
		{"Bool", "aws:SecureTransport", []string{"true"}},
		{"StringEquals", "lambda:FunctionUrlAuthType", []string{"NONE"}},
		{"StringEquals", "lambda:FunctionUrlAuthType", []string{"AWS_IAM"}},
		{"Bool", "lambda:InvokedViaFunctionUrl", []string{"true"}},
		{"IpAddress", "aws:SourceIp", []string{"0.0.0.0/0", "::/0"}},
		{"StringNotEquals", "aws:PrincipalOrgID", []string{testOrg}},
		{"StringEqualsIfExists", "aws:SourceAccount", []string{testAccount}},
		{"StringEqualsIfExists", "aws:PrincipalAccount", []string{testAccount}},
		{"ForAllValues:StringEquals", "aws:PrincipalOrgID", []string{testOrg}},
		{"Null", "aws:SourceArn", []string{"false"}},
		// Negated lists (in a Deny: spare only the listed callers) and
		// exact-match wildcards (compared literally: match nothing).
		{"StringNotEquals", "aws:PrincipalAccount", []string{testAccount, genOther}},
		{"StringNotEqualsIfExists", "aws:PrincipalOrgID", []string{testOrg, "o-zzzzzzzzzz"}},
		{"ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::" + genOther + ":role/*"}},
		{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24", "198.51.100.0/24"}},
		{"StringEquals", "aws:SourceAccount", []string{"*"}},
		{"StringEquals", "aws:PrincipalOrgID", []string{"o-*"}},
	}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.Intn(len(s))] }

func genStatement(r *rand.Rand, i int) gStmt {
	s := gStmt{sid: fmt.Sprintf("s%d", i), effect: EffectAllow}
	if r.Intn(5) == 0 {
		s.effect = EffectDeny
	}
	switch n := r.Intn(10); {
	case n < 3:
		s.principal = "*"
	case n < 4 && s.effect == EffectDeny:
		s.principals, s.notPrincipal = map[string][]string{"AWS": {"arn:aws:iam::" + testAccount + ":root"}}, true
	default:
		s.principals = pick(r, genPrincipals)
	}
	s.actions = pick(r, genActions)
	if r.Intn(10) == 0 {
		s.actions, s.notAction = []string{"lambda:DeleteFunction"}, true
	}
	s.resources = []string{testARN}
	if r.Intn(3) == 0 {
		s.resources = []string{"*"}
	}
	for k := r.Intn(3); k > 0; k-- {
		pool := genOthers
		if r.Intn(2) == 0 {
			pool = genPins
		}
		s.addCond(pick(r, pool))
	}
	return s
}

// addCond adds c unless the statement already has its operator and key.
func (s *gStmt) addCond(c gCond) bool {
	for _, o := range s.conds {
		if strings.EqualFold(o.op, c.op) && strings.EqualFold(o.key, c.key) {
			return false
		}
	}
	s.conds = append(s.conds, gCond{c.op, c.key, append([]string(nil), c.values...)})
	return true
}

func genPolicy(r *rand.Rand) gPolicy {
	p := gPolicy{auth: pick(r, []string{"", "NONE", "AWS_IAM"})}
	for i := r.Intn(4) + 1; i > 0; i-- {
		p.stmts = append(p.stmts, genStatement(r, len(p.stmts)))
	}
	return p
}

func (p gPolicy) clone() gPolicy {
	q := gPolicy{auth: p.auth}
	for _, s := range p.stmts {
		c := s
		c.conds = append([]gCond(nil), s.conds...)
		for k := range c.conds {
			c.conds[k].values = append([]string(nil), s.conds[k].values...)
		}
		q.stmts = append(q.stmts, c)
	}
	return q
}

// renderOpts varies the spelling of a policy without changing its meaning.
type renderOpts struct {
	lists  bool // single values as one-element lists instead of strings
	upper  bool // condition keys, operators, actions and effects in other case
	noSids bool
}

func flipCase(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i%2 == 0 {
			b.WriteString(strings.ToUpper(string(c)))
		} else {
			b.WriteString(strings.ToLower(string(c)))
		}
	}
	return b.String()
}

func (p gPolicy) render(o renderOpts) []byte {
	one := func(v []string) any {
		if len(v) == 1 && !o.lists {
			return v[0]
		}
		return v
	}
	word := func(s string) string {
		if o.upper {
			return flipCase(s)
		}
		return s
	}
	var stmts []any
	for _, s := range p.stmts {
		m := map[string]any{word("Effect"): word(s.effect)}
		if !o.noSids {
			m["Sid"] = s.sid
		}
		var acts []string
		for _, a := range s.actions {
			acts = append(acts, word(a))
		}
		if s.notAction {
			m["NotAction"] = one(acts)
		} else {
			m["Action"] = one(acts)
		}
		m["Resource"] = one(s.resources)
		pe := "Principal"
		if s.notPrincipal {
			pe = "NotPrincipal"
		}
		if s.principal == "*" {
			m[pe] = "*"
		} else {
			pm := map[string]any{}
			for k, v := range s.principals {
				pm[k] = one(v)
			}
			m[pe] = pm
		}
		if len(s.conds) > 0 {
			cm := map[string]map[string]any{}
			for _, c := range s.conds {
				op := word(c.op)
				if cm[op] == nil {
					cm[op] = map[string]any{}
				}
				cm[op][word(c.key)] = one(c.values)
			}
			m["Condition"] = cm
		}
		stmts = append(stmts, m)
	}
	var doc any = map[string]any{"Version": "2012-10-17", "Statement": stmts}
	if len(stmts) == 1 && !o.lists {
		doc = map[string]any{"Version": "2012-10-17", "Statement": stmts[0]}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

// signature is a verdict without statement indexes and reasons, sorted.
func signature(v *InvokeVerdict) string {
	var parts []string
	for _, b := range briefs(v) {
		parts = append(parts, fmt.Sprintf("%+v", b))
	}
	sort.Strings(parts)
	return strings.Join(parts, "\n")
}

func judge(t *testing.T, p gPolicy, o renderOpts) *InvokeVerdict {
	t.Helper()
	raw := p.render(o)
	d, err := Parse(raw)
	if err != nil {
		t.Fatalf("generated policy does not parse: %v\n%s", err, raw)
	}
	ctx := testContext()
	ctx.URLAuthType = p.auth
	return InvokeAccess(d, ctx)
}

const propertyCases = 3000

func TestPropertyDenyNeverOpens(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(1))
	for n := 0; n < propertyCases; n++ {
		p := genPolicy(r)
		before := judge(t, p, renderOpts{})
		q := p.clone()
		d := genStatement(r, len(q.stmts))
		d.effect = EffectDeny
		q.stmts = append(q.stmts, d)
		after := judge(t, q, renderOpts{})
		if !before.Public() && after.Public() {
			t.Fatalf("adding a Deny made a private policy public:\nbefore %s\nafter  %s", p.render(renderOpts{}), q.render(renderOpts{}))
		}
	}
}

func TestPropertyPinNeverOpens(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(2))
	for n := 0; n < propertyCases; n++ {
		p := genPolicy(r)
		before := judge(t, p, renderOpts{})
		q := p.clone()
		i := r.Intn(len(q.stmts))
		if q.stmts[i].effect != EffectAllow || !q.stmts[i].addCond(pick(r, genPins)) {
			continue
		}
		after := judge(t, q, renderOpts{})
		if !before.Public() && after.Public() {
			t.Fatalf("adding a pin made a private policy public:\nbefore %s\nafter  %s", p.render(renderOpts{}), q.render(renderOpts{}))
		}
	}
}

func TestPropertyWildcardPinNeverCloses(t *testing.T) {
	t.Parallel()
	wildcardPinNeverCloses(t, 3, func(key string) string { return "*" })
}

// A policy variable of the condition's own key resolves to the request's own
// value, so it pins no more than a wildcard does.
func TestPropertySelfVariablePinNeverCloses(t *testing.T) {
	t.Parallel()
	wildcardPinNeverCloses(t, 5, func(key string) string { return "${" + key + "}" })
}

func wildcardPinNeverCloses(t *testing.T, seed int64, value func(key string) string) {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	checked := 0
	for n := 0; n < propertyCases; n++ {
		p := genPolicy(r)
		before := judge(t, p, renderOpts{})
		if !before.Public() {
			continue
		}
		q := p.clone()
		changed := false
		for i := range q.stmts {
			for k := range q.stmts[i].conds {
				c := &q.stmts[i].conds[k]
				if PinningKey(c.key) && !strings.HasPrefix(c.op, "Null") && r.Intn(2) == 0 {
					c.values = []string{value(c.key)}
					if c.values[0] == "*" {
						// Only the pattern operators read "*" as a wildcard;
						// StringEquals compares it literally and matches nothing.
						c.op = strings.Replace(strings.Replace(c.op, "StringEqualsIgnoreCase", "StringLike", 1), "StringEquals", "StringLike", 1)
						c.op = strings.Replace(strings.Replace(c.op, "StringNotEqualsIgnoreCase", "StringNotLike", 1), "StringNotEquals", "StringNotLike", 1)
					}
					changed = true
				}
			}
		}
		if !changed {
			continue
		}
		checked++
		if after := judge(t, q, renderOpts{}); !after.Public() {
			t.Fatalf("a wildcard pin made a public policy private:\nbefore %s\nafter  %s", p.render(renderOpts{}), q.render(renderOpts{}))
		}
	}
	if checked < 50 {
		t.Errorf("only %d policies exercised the property", checked)
	}
}

func TestPropertySpellingNeverMatters(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(4))
	for n := 0; n < propertyCases; n++ {
		p := genPolicy(r)
		want := signature(judge(t, p, renderOpts{}))
		for _, o := range []renderOpts{{lists: true}, {upper: true}, {noSids: true}, {lists: true, upper: true, noSids: true}} {
			if got := signature(judge(t, p, o)); got != want {
				t.Fatalf("spelling %+v changed the verdict of %s:\nwant %s\ngot  %s", o, p.render(renderOpts{}), want, got)
			}
		}
		q := p.clone()
		r.Shuffle(len(q.stmts), func(i, j int) { q.stmts[i], q.stmts[j] = q.stmts[j], q.stmts[i] })
		if got := signature(judge(t, q, renderOpts{})); got != want {
			t.Fatalf("statement order changed the verdict of %s:\nwant %s\ngot  %s", p.render(renderOpts{}), want, got)
		}
	}
}
