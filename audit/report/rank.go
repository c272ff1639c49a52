package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

// Reach is how far a function can be invoked from, as its open findings say.
// Larger is wider; each value is also the reach's factor in a function's risk
// score.
type Reach int

// The reaches, narrowest first.
const (
	// ReachNone: no usable grant to anyone outside the function's own account.
	ReachNone Reach = 1
	// ReachOutside: named outside accounts, projects, organizations or domains.
	ReachOutside Reach = 2
	// ReachAnyAccount: any AWS account, any Google account, any tenant, or an
	// AWS service acting for any account's resource.
	ReachAnyAccount Reach = 3
	// ReachPublic: anyone on the internet, without credentials.
	ReachPublic Reach = 4
)

var reachNames = map[Reach]string{ReachNone: "none", ReachOutside: "outside account",
	ReachAnyAccount: "any account", ReachPublic: "public"}

// String names the reach.
func (r Reach) String() string { return reachNames[r] }

// Power is what a function's identity can do, as its open findings say.
// Larger is more; each value is also the power's factor in the risk score.
type Power int

// The powers, least first.
const (
	// PowerScoped: no finding about the identity (its permissions are scoped
	// as far as the rules can tell).
	PowerScoped Power = 1
	// PowerWildcard: wildcard permissions (wildcard-permission).
	PowerWildcard Power = 2
	// PowerEscalation: it can grant itself more (privilege-escalation).
	PowerEscalation Power = 3
	// PowerAdmin: administrative access (admin-access).
	PowerAdmin Power = 4
)

var powerNames = map[Power]string{PowerScoped: "scoped", PowerWildcard: "wildcard",
	PowerEscalation: "escalation", PowerAdmin: "admin"}

// String names the power.
func (p Power) String() string { return powerNames[p] }

// RankedFunction is one function's open findings combined into one entry of
// the risk ranking (RankFunctions).
type RankedFunction struct {
	Provider audit.Provider
	Account  string
	Region   string
	// Function is the function's name (its resource id when the findings name
	// none), Resource its id.
	Function, Resource string

	Reach Reach
	Power Power
	// Aids counts the kinds of exploitability aid present: a deprecated
	// runtime, a plaintext secret (0 to 2).
	Aids int
	// Score is Reach × Power, 1 to 16: the first sort key.
	Score int
	// Worst is the highest severity of the open findings.
	Worst audit.Severity
	// Reason says in one line why the entry ranks where it does, e.g.
	// "public via GET https://api.example.com/users, admin role, deprecated
	// runtime python3.8". Its text comes from the findings (and so from the
	// audited estate): escape it before showing it.
	Reason string
	// Findings are the function's open findings, worst first.
	Findings []audit.Finding
}

// exposureMinimum is the lowest severity at which an exposure or identity
// finding counts toward the reach or power: the rules rate a grant that
// cannot be used today (a function URL that answers 403, an invoker binding on
// a function without an HTTPS endpoint, a bucket name not pinned to its owner)
// low, and such a grant is named in the reason as latent instead.
const exposureMinimum = audit.Medium

// anyAccountPhrases mark an exposure finding whose title says it is open to
// any account rather than to anyone (public) or to named outsiders.
var anyAccountPhrases = []string{"any aws account", "any account", "any google account",
	"any tenant", "through aws services", "aws service can invoke"}

// RankFunctions combines the open findings (status fail) of fs into one entry
// per function (provider and resource id), ranked worst first; other findings
// are ignored. The order is deterministic: Score (Reach × Power), then Reach,
// Power, Aids, the worst severity and the number of open findings, all
// descending, then provider, account, region, function name and resource id.
// docs/rules.md ("Risk ranking") documents it.
func RankFunctions(fs []audit.Finding) []RankedFunction {
	// One copy of the open findings, grouped by function in the order of
	// each function's first finding: an organization has hundreds of
	// thousands.
	idx := map[string]int{}
	group := make([]int, len(fs))
	var sizes []int
	for j, f := range fs {
		group[j] = -1
		if f.Status != audit.StatusFail {
			continue
		}
		k := string(f.Provider) + "\x00" + f.Resource
		i, ok := idx[k]
		if !ok {
			i = len(sizes)
			idx[k] = i
			sizes = append(sizes, 0)
		}
		group[j] = i
		sizes[i]++
	}
	next := make([]int, len(sizes)+1)
	for i, n := range sizes {
		next[i+1] = next[i] + n
	}
	all := make([]audit.Finding, next[len(sizes)])
	start := slices.Clone(next)
	for j, i := range group {
		if i >= 0 {
			all[next[i]] = fs[j]
			next[i]++
		}
	}
	out := make([]RankedFunction, len(sizes))
	for i := range sizes {
		out[i] = functionRisk(all[start[i]:start[i+1]:start[i+1]])
	}
	slices.SortFunc(out, CompareRisk)
	return out
}

// CompareRisk orders two ranked functions worst first (RankFunctions' order).
func CompareRisk(a, b RankedFunction) int {
	return cmp.Or(
		cmp.Compare(b.Score, a.Score),
		cmp.Compare(b.Reach, a.Reach),
		cmp.Compare(b.Power, a.Power),
		cmp.Compare(b.Aids, a.Aids),
		cmp.Compare(b.Worst.Rank(), a.Worst.Rank()),
		cmp.Compare(len(b.Findings), len(a.Findings)),
		strings.Compare(string(a.Provider), string(b.Provider)),
		strings.Compare(a.Account, b.Account),
		strings.Compare(a.Region, b.Region),
		strings.Compare(a.Function, b.Function),
		strings.Compare(a.Resource, b.Resource),
	)
}

// FunctionRisk combines one function's open findings into its ranked entry.
// Findings that are not open are ignored; with none open the entry has the
// lowest score and an empty Worst.
func FunctionRisk(fs []audit.Finding) RankedFunction {
	return functionRisk(slices.Clone(fs))
}

// functionRisk is FunctionRisk on findings it may reorder and keep: the
// entry's Findings are the open ones among fs, sorted, in fs's array.
func functionRisk(fs []audit.Finding) RankedFunction {
	fs = slices.DeleteFunc(fs, func(f audit.Finding) bool { return f.Status != audit.StatusFail })
	audit.SortFindings(fs)
	rf := RankedFunction{Reach: ReachNone, Power: PowerScoped}
	if len(fs) > 0 {
		rf.Findings = fs
	}
	var (
		reachBy, powerBy *audit.Finding
		latent           *audit.Finding
		runtimes         []string
		secrets          []string
		deprecated       bool
	)
	for i := range fs {
		f := &fs[i]
		if rf.Resource == "" {
			rf.Provider, rf.Account, rf.Region, rf.Resource = f.Provider, f.Account, f.Region, f.Resource
			rf.Function = functionName(f)
		}
		if f.Severity.Rank() > rf.Worst.Rank() {
			rf.Worst = f.Severity
		}
		counts := f.Severity.AtLeast(exposureMinimum)
		switch f.Category {
		case audit.PublicInvoke, audit.CrossAccountInvoke:
			if !counts {
				if latent == nil {
					latent = f
				}
				continue
			}
			if r := reachOf(f); r > rf.Reach || (r == rf.Reach && reachBy != nil && f.Severity.Rank() > reachBy.Severity.Rank()) {
				rf.Reach, reachBy = r, f
			}
		case audit.AdminAccess, audit.PrivilegeEscalation, audit.WildcardPermission:
			if !counts {
				continue
			}
			if p := powerOf(f.Category); p > rf.Power {
				rf.Power, powerBy = p, f
			}
		case audit.DeprecatedRuntime:
			deprecated = true
			if k := strings.TrimSpace(f.Key); k != "" && k != "host" && k != "language" && !slices.Contains(runtimes, k) {
				runtimes = append(runtimes, k)
			}
		case audit.PlaintextSecret:
			if k := strings.TrimSpace(f.Key); k != "" && !slices.Contains(secrets, k) {
				secrets = append(secrets, k)
			} else if k == "" && len(secrets) == 0 {
				secrets = append(secrets, "")
			}
		}
	}
	if deprecated {
		rf.Aids++
	}
	if len(secrets) > 0 {
		rf.Aids++
	}
	rf.Score = int(rf.Reach) * int(rf.Power)

	var why []string
	if reachBy != nil {
		why = append(why, reachPhrase(rf.Reach, reachBy))
	}
	if powerBy != nil {
		why = append(why, map[Power]string{PowerAdmin: "admin role", PowerEscalation: "can escalate privileges",
			PowerWildcard: "wildcard permissions"}[rf.Power])
	}
	if deprecated {
		s := "deprecated runtime"
		if len(runtimes) > 0 {
			slices.Sort(runtimes)
			s += " " + strings.Join(runtimes, ", ")
		}
		why = append(why, s)
	}
	if len(secrets) > 0 {
		s := "plaintext secret"
		if secrets[0] != "" {
			slices.Sort(secrets)
			if len(secrets) > 1 {
				s += "s"
			}
			s += " in " + strings.Join(secrets, ", ")
		}
		why = append(why, s)
	}
	if reachBy == nil && latent != nil {
		why = append(why, "latent grant: "+lowerFirst(latent.Title))
	}
	if reachBy == nil {
		why = append(why, "not exposed beyond its account")
	}
	if powerBy == nil {
		why = append(why, "no broad permissions found")
	}
	rf.Reason = strings.Join(why, ", ")
	return rf
}

// reachOf classifies an exposure finding (public-invoke or cross-account-invoke):
// a public-invoke finding is public unless its title limits it to accounts
// (anyAccountPhrases); a cross-account-invoke finding reaches named outsiders
// unless its title opens it to any account or tenant.
func reachOf(f *audit.Finding) Reach {
	t := strings.ToLower(f.Title)
	for _, p := range anyAccountPhrases {
		if strings.Contains(t, p) {
			return ReachAnyAccount
		}
	}
	if f.Category == audit.PublicInvoke {
		return ReachPublic
	}
	return ReachOutside
}

func powerOf(c audit.Category) Power {
	switch c {
	case audit.AdminAccess:
		return PowerAdmin
	case audit.PrivilegeEscalation:
		return PowerEscalation
	case audit.WildcardPermission:
		return PowerWildcard
	}
	return PowerScoped
}

// reachPhrase names the way in: "public via GET https://api/users",
// "any account via https://x.lambda-url...", or the finding's title.
func reachPhrase(r Reach, f *audit.Finding) string {
	prefix := map[Reach]string{ReachPublic: "public", ReachAnyAccount: "any account", ReachOutside: "outside access"}[r]
	if d := findingDoor(f); d != "" {
		return prefix + " via " + d
	}
	return prefix + ": " + lowerFirst(f.Title)
}

// findingDoor extracts the door a finding names, when it names one: its front
// door's address (Finding.FrontDoor), a front door's address from a title of the form "<METHOD URL> reaches <function>
// ...", else the first https:// URL of the detail (a function URL). It returns
// "" when the finding names no door.
func findingDoor(f *audit.Finding) string {
	if f.FrontDoor != nil && f.FrontDoor.Address != "" {
		return clip(f.FrontDoor.Address, 120)
	}
	if i := strings.Index(f.Title, " reaches "); i > 0 {
		return clip(f.Title[:i], 120)
	}
	if i := strings.Index(f.Detail, "https://"); i >= 0 {
		u := f.Detail[i:]
		if j := strings.IndexAny(u, " ,;)\"'"); j >= 0 {
			u = u[:j]
		}
		return "function URL " + clip(strings.TrimRight(u, "."), 120)
	}
	return ""
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "..."
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// Keep acronyms and names as they are: lower only a capitalised word.
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z' {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

// String is the entry as one line: "public via ..., admin role (score 16)".
func (rf RankedFunction) String() string {
	return fmt.Sprintf("%s (score %d)", rf.Reason, rf.Score)
}
