package main

import (
	"fmt"
	"sort"

	"github.com/spf13/pflag"
)

// envAnnotation marks a flag whose default comes from an environment variable.
const envAnnotation = "fnaudit_env"

// envVars lists every FNAUDIT_* variable and the flag it sets (for the README and
// a test that keeps both in step).
var envVars = map[string]string{
	"FNAUDIT_FORMAT":           "format",
	"FNAUDIT_OUTPUT":           "output",
	"FNAUDIT_MIN_SEVERITY":     "min-severity",
	"FNAUDIT_FAIL_ON":          "fail-on",
	"FNAUDIT_SUPPRESSIONS":     "suppressions",
	"FNAUDIT_TRUSTED_ACCOUNTS": "trusted-accounts",
	"FNAUDIT_PROVIDER":         "provider",
	"FNAUDIT_REGIONS":          "regions",
	"FNAUDIT_ACCOUNTS":         "accounts",
	"FNAUDIT_ORG_ROLE":         "org-role",
	"FNAUDIT_EXTERNAL_ID":      "external-id",
	"FNAUDIT_PROJECTS":         "projects",
	"FNAUDIT_SUBSCRIPTIONS":    "subscriptions",
	"FNAUDIT_TIMEOUT":          "timeout",
}

// bindEnv makes the variable that envVars names for flag name its default and
// says so in the flag's help.
func bindEnv(fs *pflag.FlagSet, name string) {
	f := fs.Lookup(name)
	if f == nil {
		panic("bindEnv: no flag " + name)
	}
	for v, flag := range envVars {
		if flag == name {
			_ = fs.SetAnnotation(name, envAnnotation, []string{v})
			f.Usage += " [$" + v + "]"
			return
		}
	}
	panic("bindEnv: no variable for flag " + name)
}

// origins says where each flag's value came from, so that errors name what the
// user wrote: "--format" or "FNAUDIT_FORMAT".
type origins struct {
	env map[string]string // flag name -> variable that set it
}

// label names the source of flag name's value.
func (o *origins) label(name string) string {
	if o != nil {
		if v := o.env[name]; v != "" {
			return v
		}
	}
	return "--" + name
}

// fromEnv reports whether flag name's value came from its variable.
func (o *origins) fromEnv(name string) bool { return o != nil && o.env[name] != "" }

// applyEnv sets every flag of fs that was not given on the command line from its
// variable, when that is set and not empty. A value the flag rejects is a usage
// error naming the variable.
func applyEnv(fs *pflag.FlagSet, getenv func(string) string) (*origins, error) {
	o := &origins{env: map[string]string{}}
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) { flags = append(flags, f) })
	sort.Slice(flags, func(i, j int) bool { return flags[i].Name < flags[j].Name })
	for _, f := range flags {
		vars := f.Annotations[envAnnotation]
		if len(vars) == 0 || f.Changed {
			continue
		}
		val := getenv(vars[0])
		if val == "" {
			continue
		}
		if err := f.Value.Set(val); err != nil {
			return nil, &usageError{fmt.Sprintf("%s=%q: %v", vars[0], val, err)}
		}
		o.env[f.Name] = vars[0]
	}
	return o, nil
}
