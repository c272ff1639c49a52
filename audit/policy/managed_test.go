package policy

import (
	"sort"
	"testing"

	"github.com/fnaudit/fnaudit/internal/shareddata"
)

// TestParseAWSManagedPolicies parses real AWS managed policies (read from the
// shared data directory, never copied into the repository): the parser must
// accept every document AWS itself publishes.
func TestParseAWSManagedPolicies(t *testing.T) {
	t.Parallel()
	docs := shareddata.AWSManagedPolicies(t)
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d, err := Parse(docs[n])
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if len(d.Statements) == 0 {
			t.Errorf("%s: no statements", n)
		}
	}
	t.Logf("parsed %d AWS managed policies", len(names))
}
