package rules

import (
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// All returns every rule, AWS first, then GCP, then Azure. The lists are explicit
// (no registration from init) so the catalogue is visible in one place per provider.
func All() []audit.Rule {
	var out []audit.Rule
	out = append(out, awsRules()...)
	out = append(out, gcpRules()...)
	out = append(out, azureRules()...)
	return out
}

// ByID returns the rule with the given id or slug, matched case-insensitively.
func ByID(id string) (audit.Rule, bool) {
	for _, r := range All() {
		if strings.EqualFold(r.ID, id) || strings.EqualFold(r.Slug, id) {
			return r, true
		}
	}
	return audit.Rule{}, false
}
