package securityhub

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// Omitted says which findings of a report Findings (or Render) left out of
// ASFF and why. The command line prints Messages on standard error, so nobody
// mistakes a shorter list in Security Hub for a cleaner estate.
type Omitted struct {
	// NoAccount counts findings that are not filed under an AWS account and
	// Region (GCP projects, Azure subscriptions, rule errors without an
	// account), left out because Options names no Security Hub account and
	// Region to file them under.
	NoAccount int
	// NoAccountProviders are the providers of those findings, sorted.
	NoAccountProviders []audit.Provider
	// BelowMinSeverity counts findings below Options.MinSeverity, which is
	// recorded in MinSeverity.
	BelowMinSeverity int
	MinSeverity      audit.Severity
}

func (o *Omitted) addNoAccount(p audit.Provider) {
	o.NoAccount++
	if !slices.Contains(o.NoAccountProviders, p) {
		o.NoAccountProviders = append(o.NoAccountProviders, p)
		slices.Sort(o.NoAccountProviders)
	}
}

// Total is the number of findings left out.
func (o Omitted) Total() int { return o.NoAccount + o.BelowMinSeverity }

// Messages returns one sentence per reason findings were left out, each saying
// how to include them; none when nothing was left out.
func (o Omitted) Messages() []string {
	var out []string
	if o.NoAccount > 0 {
		names := make([]string, len(o.NoAccountProviders))
		for i, p := range o.NoAccountProviders {
			names[i] = string(p)
		}
		they, them := "they belong", "them"
		if o.NoAccount == 1 {
			they, them = "it belongs", "it"
		}
		out = append(out, fmt.Sprintf("%s (%s) left out of ASFF: %s to no AWS account and Region, and Security Hub accepts a finding only for one; "+
			"name the account and Region to file %s under (--security-hub-account and --security-hub-region) to include %s",
			count(o.NoAccount, "finding"), strings.Join(names, ", "), they, them, them))
	}
	if o.BelowMinSeverity > 0 {
		them := "them"
		if o.BelowMinSeverity == 1 {
			them = "it"
		}
		out = append(out, fmt.Sprintf("%s below %s left out of ASFF (--min-severity); lower or drop the minimum severity to include %s",
			count(o.BelowMinSeverity, "finding"), o.MinSeverity, them))
	}
	return out
}

func count(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
