package awsiam

import (
	"math/rand"
	"testing"

	"github.com/fnaudit/fnaudit/audit/policy"
)

// TestDenySetMatchesScan checks the indexed Deny lookup against a scan of
// every Deny, over grants and Denies of literal ARNs, patterns, "*" and
// NotResource, one to three resources each.
func TestDenySetMatchesScan(t *testing.T) {
	t.Parallel()
	arns := []string{"arn:aws:s3:::a", "arn:aws:s3:::b", "arn:aws:s3:::a/*", "arn:aws:s3:::*", "*",
		"arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/?", "arn:aws:s3:::A"}
	rng := rand.New(rand.NewSource(7))
	list := func() []string {
		out := []string{}
		for n := 1 + rng.Intn(3); n > 0; n-- {
			out = append(out, pick(rng, arns))
		}
		return out
	}
	scan := func(denies []*stmt, g *Grant) bool {
		for _, d := range denies {
			if coversResources(d.grant.Resources, d.grant.NotResources, g.Resources, g.NotResources) {
				return true
			}
		}
		return false
	}
	checked := 0
	for n := 0; n < 3000; n++ {
		r := &Role{}
		for k := rng.Intn(6); k > 0; k-- {
			d := &stmt{grant: Grant{Statement: &policy.Statement{Action: []string{"s3:GetObject"}}}}
			if rng.Intn(4) == 0 {
				d.grant.NotResources = list()
			} else {
				d.grant.Resources = list()
			}
			r.denies = append(r.denies, d)
		}
		ds := r.unconditionalDenies("s3:GetObject", 0, false)
		for k := 0; k < 5; k++ {
			g := &Grant{Resources: list()}
			if rng.Intn(5) == 0 {
				g.Resources, g.NotResources = []string{"*"}, list()
			}
			want := scan(r.denies, g)
			if got := ds.remove(g); got != want {
				t.Fatalf("remove(%+v) = %v, scan says %v; denies:", g, got, want)
			}
			if want {
				checked++
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d grants were denied", checked)
	}
}
