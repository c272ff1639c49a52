package awsiam

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// Metamorphic tests: transformations of a role that must not change its
// verdicts in a given direction, checked over generated roles.

var (
	propActions = []string{"*", "s3:*", "s3:Get*", "s3:PutObject", "s3:PutBucketPolicy", "iam:PassRole",
		"iam:Put*", "iam:AttachRolePolicy", "iam:*", "lambda:CreateFunction", "lambda:InvokeFunction",
		"lambda:UpdateFunctionCode", "lambda:*", "dynamodb:PutItem", "dynamodb:*", "ec2:RunInstances",
		"ssm:SendCommand", "sts:AssumeRole", "logs:PutLogEvents", "logs:CreateLogStream", "glue:CreateDevEndpoint",
		"cloudformation:CreateStack", "sqs:*", "kms:Decrypt", "xray:PutTraceSegments"}
	propResources = []string{"*", "*", "arn:aws:s3:::orders/*", "arn:aws:iam::123456789012:role/etl-*",
		roleARN, "arn:aws:lambda:eu-west-1:123456789012:function:*", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}
)

type propStmt struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Action    []string       `json:"Action,omitempty"`
	NotAction []string       `json:"NotAction,omitempty"`
	Resource  []string       `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.Intn(len(xs))] }

func genStmt(rng *rand.Rand) propStmt {
	st := propStmt{Effect: "Allow", Resource: []string{pick(rng, propResources)}}
	n := 1 + rng.Intn(3)
	acts := make([]string, n)
	for i := range acts {
		acts[i] = pick(rng, propActions)
	}
	if rng.Intn(12) == 0 {
		st.NotAction = acts
	} else {
		st.Action = acts
	}
	if rng.Intn(8) == 0 {
		st.Condition = map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "eu-west-1"}}
	}
	return st
}

func docOf(stmts []propStmt) json.RawMessage {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		panic(err)
	}
	return b
}

func genRole(rng *rand.Rand) [][]propStmt {
	pols := make([][]propStmt, 1+rng.Intn(3))
	for i := range pols {
		pols[i] = make([]propStmt, 1+rng.Intn(3))
		for j := range pols[i] {
			pols[i][j] = genStmt(rng)
		}
	}
	return pols
}

func identityOf(pols [][]propStmt, boundary []propStmt) *audit.Identity {
	id := role()
	for i, p := range pols {
		id.Policies = append(id.Policies, inline(fmt.Sprintf("p%d", i), string(docOf(p))))
	}
	if boundary != nil {
		id = withBoundary(id, string(docOf(boundary)))
	}
	return id
}

type verdicts struct {
	admin, adminCond bool
	escalations      []string
	maxWildcard      int
}

func judge(id *audit.Identity) verdicts {
	r := Analyze(id)
	a := r.Admin()
	v := verdicts{admin: a.Admin, adminCond: a.Conditional, maxWildcard: -1}
	for _, e := range r.Escalations() {
		v.escalations = append(v.escalations, e.Method.ID)
	}
	slices.Sort(v.escalations)
	for _, w := range r.Wildcards() {
		v.maxWildcard = max(v.maxWildcard, w.Severity.Rank())
	}
	return v
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func TestMetamorphic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 400; i++ {
		pols := genRole(rng)
		base := judge(identityOf(pols, nil))
		desc := func() string { return string(docOf(slices.Concat(pols...))) }

		// Policy and statement order never matter.
		shuffled := make([][]propStmt, len(pols))
		for j, p := range pols {
			shuffled[j] = slices.Clone(p)
			rng.Shuffle(len(shuffled[j]), func(a, b int) { shuffled[j][a], shuffled[j][b] = shuffled[j][b], shuffled[j][a] })
		}
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if got := judge(identityOf(shuffled, nil)); !slices.Equal(got.escalations, base.escalations) ||
			got.admin != base.admin || got.maxWildcard != base.maxWildcard {
			t.Fatalf("case %d: order changed verdicts %+v -> %+v\n%s", i, base, got, desc())
		}

		// Sids and one-action-per-statement splitting never change admin or escalation.
		var split [][]propStmt
		for _, p := range pols {
			var q []propStmt
			for k, st := range p {
				if st.NotAction != nil {
					st.Sid = fmt.Sprintf("S%d", k)
					q = append(q, st)
					continue
				}
				for _, a := range st.Action {
					c := st
					c.Action = []string{a}
					c.Sid = fmt.Sprintf("S%d%s", k, strings.NewReplacer(":", "", "*", "x").Replace(a))
					q = append(q, c)
				}
			}
			split = append(split, q)
		}
		if got := judge(identityOf(split, nil)); !slices.Equal(got.escalations, base.escalations) || got.admin != base.admin {
			t.Fatalf("case %d: splitting changed verdicts %+v -> %+v\n%s", i, base, got, desc())
		}

		// A boundary that allows everything changes nothing.
		if got := judge(identityOf(pols, []propStmt{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}})); !slices.Equal(got.escalations, base.escalations) ||
			got.admin != base.admin || got.maxWildcard != base.maxWildcard {
			t.Fatalf("case %d: permissive boundary changed verdicts %+v -> %+v\n%s", i, base, got, desc())
		}

		// Adding an unconditional Deny, or any boundary, never widens anything.
		deny := propStmt{Effect: "Deny", Action: []string{pick(rng, propActions)}, Resource: []string{pick(rng, propResources)}}
		withDeny := append(slices.Clone(pols), []propStmt{deny})
		for name, got := range map[string]verdicts{
			"deny":     judge(identityOf(withDeny, nil)),
			"boundary": judge(identityOf(pols, []propStmt{genStmt(rng), genStmt(rng)})),
		} {
			if (got.admin && !base.admin) || !subset(got.escalations, base.escalations) || got.maxWildcard > base.maxWildcard {
				t.Fatalf("case %d: adding a %s widened verdicts %+v -> %+v\n%s", i, name, base, got, desc())
			}
		}
	}
}
