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

// iamActionOf names the IAM action of a call whose action is not spelled
// like its operation (Service Authorization Reference): S3's ListBuckets is
// authorized as s3:ListAllMyBuckets.
var iamActionOf = map[string]string{"s3:ListBuckets": "s3:ListAllMyBuckets"}

// Permissions returns the IAM actions the collector calls ("lambda:GetPolicy"),
// sorted, as a new slice. It is derived from the collector's client
// interfaces, so it is the exact list of calls; AuditorPolicy grants them.
// The three collectors share this shape: gcpfunctions.Permissions and
// azurefunctions.Permissions.
func Permissions() []string {
	var out []string
	for prefix, iface := range map[string]reflect.Type{
		"lambda":        reflect.TypeFor[lambdaAPI](),
		"iam":           reflect.TypeFor[iamAPI](),
		"sts":           reflect.TypeFor[stsAPI](),
		"organizations": reflect.TypeFor[orgAPI](),
		"account":       reflect.TypeFor[accountAPI](),
		"s3":            reflect.TypeFor[s3API](), // HeadBucket needs no grant (buckets.go)
	} {
		for i := 0; i < iface.NumMethod(); i++ {
			a := prefix + ":" + iface.Method(i).Name
			if iamName, ok := iamActionOf[a]; ok {
				a = iamName
			}
			out = append(out, a)
		}
	}
	out = append(out, awsfrontdoor.Actions()...)
	sort.Strings(out)
	return out
}
