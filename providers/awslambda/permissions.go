package awslambda

import (
	_ "embed"
	"reflect"
	"sort"

	"github.com/fnaudit/fnaudit/providers/awsfrontdoor"
)

//go:embed auditor-policy.json
var auditorPolicy []byte

// AuditorPolicy returns the least-privilege IAM policy the collector needs: the
// read calls it makes and nothing else. sts:AssumeRole is limited to a role
// named fnaudit-reader; change the resource when Options.OrgRole names
// another role. Member accounts' roles need the same policy minus the
// organizations and sts:AssumeRole statements.
func AuditorPolicy() []byte { return append([]byte(nil), auditorPolicy...) }

// Actions returns the IAM actions the collector calls, sorted. It is derived
// from the collector's client interfaces, so it is the exact list of calls.
func Actions() []string {
	var out []string
	for prefix, iface := range map[string]reflect.Type{
		"lambda":        reflect.TypeFor[lambdaAPI](),
		"iam":           reflect.TypeFor[iamAPI](),
		"sts":           reflect.TypeFor[stsAPI](),
		"organizations": reflect.TypeFor[orgAPI](),
		"account":       reflect.TypeFor[accountAPI](),
	} {
		for i := 0; i < iface.NumMethod(); i++ {
			out = append(out, prefix+":"+iface.Method(i).Name)
		}
	}
	out = append(out, awsfrontdoor.Actions()...)
	sort.Strings(out)
	return out
}
