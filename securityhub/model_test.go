package securityhub

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// apiShape is a shape of the Security Hub API model (testdata/asff-model.json,
// extracted from the botocore service model named in its "source").
type apiShape struct {
	Type     string            `json:"type"`
	Required []string          `json:"required"`
	Members  map[string]string `json:"members"`
	Member   string            `json:"member"`
	Value    string            `json:"value"`
	Enum     []string          `json:"enum"`
	Min      *int              `json:"min"`
	Max      *int              `json:"max"`
	Pattern  string            `json:"pattern"`
}

// TestASFFFollowsAPIModel checks every attribute fnaudit writes against the
// Security Hub API model, an independent source from the Go SDK: each member
// name exists in its structure, required members are present, enum values
// (severity label, compliance and workflow status, record state, partition)
// are ones the API accepts, and lists and strings keep the model's bounds.
func TestASFFFollowsAPIModel(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/asff-model.json")
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]apiShape `json:"shapes"`
	}
	if err := json.Unmarshal(b, &model); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]func() ([]byte, error){
		"test": func() ([]byte, error) { return marshalReport(testReport()) },
		"long": func() ([]byte, error) { return marshalReport(longReport()) },
	} {
		out, err := r()
		if err != nil {
			t.Fatal(err)
		}
		var doc []any
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for i, f := range doc {
			for _, p := range checkShape(model.Shapes, "AwsSecurityFinding", f, fmt.Sprintf("%s[%d]", name, i), seen) {
				t.Error(p)
			}
		}
		// The check did reach the members fnaudit fills.
		for _, s := range []string{"AwsSecurityFinding", "Severity", "Resource", "ResourceDetails", "AwsLambdaFunctionDetails",
			"Compliance", "Workflow", "Note", "Remediation", "Recommendation", "FindingProviderFields", "FindingProviderSeverity"} {
			if !seen[s] {
				t.Errorf("%s: no %s checked", name, s)
			}
		}
	}
	// The local server's answer has the response's members.
	resp := model.Shapes["BatchImportFindingsResponse"]
	if got := sortedKeys(resp.Members); !slices.Equal(got, []string{"FailedCount", "FailedFindings", "SuccessCount"}) {
		t.Errorf("BatchImportFindingsResponse members %v", got)
	}
	if got := sortedKeys(model.Shapes["ImportFindingsError"].Members); !slices.Equal(got, []string{"ErrorCode", "ErrorMessage", "Id"}) {
		t.Errorf("ImportFindingsError members %v", got)
	}
}

func marshalReport(r *audit.Report) ([]byte, error) {
	fs, _, err := Findings(r, homeOpts)
	if err != nil {
		return nil, err
	}
	return MarshalFindings(fs)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkShape returns the ways v breaks shape name.
func checkShape(shapes map[string]apiShape, name string, v any, path string, seen map[string]bool) []string {
	s, ok := shapes[name]
	if !ok {
		return []string{fmt.Sprintf("%s: shape %s is not in testdata/asff-model.json", path, name)}
	}
	seen[name] = true
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, path+": "+fmt.Sprintf(format, args...)) }
	switch s.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("%s is not an object", name)
			break
		}
		for _, r := range s.Required {
			if _, ok := obj[r]; !ok {
				bad("required %s.%s missing", name, r)
			}
		}
		for k, mv := range obj {
			ms, ok := s.Members[k]
			if !ok {
				bad("%s has no member %q", name, k)
				continue
			}
			probs = append(probs, checkShape(shapes, ms, mv, path+"."+k, seen)...)
		}
	case "list":
		list, ok := v.([]any)
		if !ok {
			bad("%s is not a list", name)
			break
		}
		if (s.Min != nil && len(list) < *s.Min) || (s.Max != nil && len(list) > *s.Max) {
			bad("%s has %d items", name, len(list))
		}
		for i, e := range list {
			probs = append(probs, checkShape(shapes, s.Member, e, fmt.Sprintf("%s[%d]", path, i), seen)...)
		}
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("%s is not an object", name)
			break
		}
		for k, e := range obj {
			probs = append(probs, checkShape(shapes, s.Value, e, path+"."+k, seen)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("%s is not a string", name)
			break
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			bad("%q is not one of %v", str, s.Enum)
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err != nil {
				bad("the model's pattern for %s: %v", name, err)
			} else if !re.MatchString(str) {
				bad("%q does not match %s", str, s.Pattern)
			}
		}
		if s.Min != nil && utf16Len(str) < *s.Min || s.Max != nil && utf16Len(str) > *s.Max {
			bad("%s is %d characters", name, utf16Len(str))
		}
	case "integer", "long":
		if _, ok := v.(float64); !ok {
			bad("%s is not a number", name)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("%s is not a boolean", name)
		}
	default:
		bad("shape type %s of %s not checked", s.Type, name)
	}
	return probs
}
