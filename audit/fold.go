package audit

import (
	"fmt"
	"sort"
	"strings"
)

// FoldUnreachable replaces the per-resource gaps that an open circuit breaker
// caused (reason unreachable, with a resource) by one gap per account and kind
// of data, naming the causes (the breakers' errors) and how many resources were
// not read. Other gaps are kept as they are; without causes, gaps is returned
// unchanged.
func FoldUnreachable(p Provider, gaps []Gap, causes []string) []Gap {
	if len(causes) == 0 {
		return gaps
	}
	type key struct {
		account string
		data    DataKind
	}
	var kept []Gap
	lost := map[key]map[string]bool{}
	apis := map[key]map[string]bool{}
	var keys []key
	for _, g := range gaps {
		if g.Reason != GapUnreachable || g.Resource == "" {
			kept = append(kept, g)
			continue
		}
		k := key{g.Account, g.Data}
		if lost[k] == nil {
			lost[k] = map[string]bool{}
			apis[k] = map[string]bool{}
			keys = append(keys, k)
		}
		lost[k][g.Resource] = true
		apis[k][g.API] = true
	}
	for _, k := range keys {
		kept = append(kept, Gap{Provider: p, Account: k.account, API: joinSet(apis[k]), Data: k.data,
			Reason:  GapUnreachable,
			Message: fmt.Sprintf("%s; %d resources' %s data not read", strings.Join(causes, "; "), len(lost[k]), k.data)})
	}
	return kept
}

// joinSet lists a set's members in order, comma-separated.
func joinSet(set map[string]bool) string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
