package securityhub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/google/go-cmp/cmp"
)

// homeOpts files GCP, Azure and rule-error findings under a Security Hub
// account and Region.
var homeOpts = Options{ProductVersion: "1.0.0-test", SecurityHubAccountID: "111122223333", SecurityHubRegion: "eu-central-1"}

func TestASFFGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
	}{
		{"asff", Options{ProductVersion: "1.0.0-test"}},
		{"asff-home", homeOpts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := renderASFFTest(t, testReport(), tt.opts)
			golden(t, tt.name, got)
			if again := renderASFFTest(t, testReport(), tt.opts); !bytes.Equal(got, again) {
				t.Error("output is not deterministic")
			}
		})
	}
}

func renderASFFTest(t *testing.T, r *audit.Report, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Render(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeASFF(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("asff output is not a JSON array of objects: %v", err)
	}
	return out
}

// Without a Security Hub account only AWS findings are listed, under their own
// account and Region; with one, the others are filed under it.
func TestASFFAccounts(t *testing.T) {
	t.Parallel()
	type row struct{ Rule, Account, Region, Resource string }
	rows := func(opts Options) []row {
		var got []row
		for _, o := range decodeASFF(t, renderASFFTest(t, testReport(), opts)) {
			res := o["Resources"].([]any)[0].(map[string]any)
			region, _ := res["Region"].(string)
			got = append(got, row{o["GeneratorId"].(string), o["AwsAccountId"].(string), region, res["Type"].(string)})
		}
		return got
	}
	want := []row{
		{"FNA-AWS-003", awsAcct, "us-east-1", "AwsLambdaFunction"},
		{"FNA-AWS-001", awsAcct, "us-east-1", "AwsLambdaFunction"},
		{"FNA-AWS-006", awsAcct, "eu-west-1", "AwsLambdaFunction"},
	}
	if diff := cmp.Diff(want, rows(Options{})); diff != "" {
		t.Errorf("without a Security Hub account (-want +got):\n%s", diff)
	}
	home := rows(homeOpts)
	if len(home) != len(testReport().Findings) {
		t.Fatalf("with a Security Hub account: %d findings, want all %d", len(home), len(testReport().Findings))
	}
	for _, r := range home {
		wantAcct, wantType := "111122223333", "Other"
		if strings.HasPrefix(r.Rule, "FNA-AWS-") {
			wantAcct, wantType = awsAcct, "AwsLambdaFunction"
		}
		if r.Account != wantAcct || r.Resource != wantType {
			t.Errorf("%s: account %s, resource type %s; want %s, %s", r.Rule, r.Account, r.Resource, wantAcct, wantType)
		}
		if wantType == "Other" && r.Region != "" {
			t.Errorf("%s: a non-AWS resource has the AWS Region %q", r.Rule, r.Region)
		}
	}
	// MinSeverity filters asff like every format.
	shown, _ := report.Filter(testReport().Findings, audit.High)
	opts := homeOpts
	opts.MinSeverity = audit.High
	if got := decodeASFF(t, renderASFFTest(t, testReport(), opts)); len(got) != len(shown) {
		t.Errorf("min high: %d findings, want %d", len(got), len(shown))
	}
}

func TestASFFOptionErrors(t *testing.T) {
	t.Parallel()
	for _, opts := range []Options{
		{SecurityHubAccountID: "111122223333"},
		{SecurityHubRegion: "eu-central-1"},
		{SecurityHubAccountID: "1111-2222-3333", SecurityHubRegion: "eu-central-1"},
		{SecurityHubAccountID: "111122223333", SecurityHubRegion: "europe-west1"},
	} {
		var buf bytes.Buffer
		if _, err := Render(&buf, testReport(), opts); err == nil {
			t.Errorf("%q/%q: no error", opts.SecurityHubAccountID, opts.SecurityHubRegion)
		}
	}
}

// longReport is testReport with one AWS finding whose texts and evidence exceed
// every ASFF limit, with characters outside the Basic Multilingual Plane.
func longReport() *audit.Report {
	r := testReport()
	f := &r.Findings[0]
	f.Title = strings.Repeat("Tïtle 🔓 ", 60)
	f.Function = strings.Repeat("fn", 40)
	f.Detail = strings.Repeat("détail 🔑 ", 400)
	f.Remediation = strings.Repeat("Fix it. ", 200)
	f.Key = strings.Repeat("k", 3000)
	f.Evidence = nil
	for i := range 20 {
		f.Evidence = append(f.Evidence, audit.Evidence{
			Source:   audit.Source{API: "lambda:GetPolicy", Ref: f.Resource},
			Path:     fmt.Sprintf("Statement[%d]", i),
			Fragment: strings.Repeat(`{"Principal":"*"}`, 300),
		})
	}
	f.Status = audit.StatusSuppressed
	f.Suppression = &audit.Suppression{Reason: strings.Repeat("accepted ", 100), Expires: testNow.AddDate(0, 3, 0), Entry: "#1"}
	return r
}

var (
	asffProductArn = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:securityhub:([a-z0-9-]+):([0-9]{12}):product/([0-9]{12})/default$`)
	asffTypeRE     = regexp.MustCompile(`^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)/[^/]+(/[^/]+)?$`)
)

// Every finding has the attributes Security Hub requires, and every value is
// within its documented limits.
func TestASFFRequiredAndLimits(t *testing.T) {
	t.Parallel()
	units := func(v any) int { s, _ := v.(string); return len(utf16.Encode([]rune(s))) }
	wantCompliance := map[string]string{"fail": "FAILED", "suppressed": "FAILED", "unknown": "WARNING", "error": "NOT_AVAILABLE"}
	labels := map[string]bool{"CRITICAL": true, "HIGH": true, "MEDIUM": true, "LOW": true, "INFORMATIONAL": true}
	for name, r := range map[string]*audit.Report{"test": testReport(), "long": longReport()} {
		out := decodeASFF(t, renderASFFTest(t, r, homeOpts))
		if len(out) != len(r.Findings) {
			t.Fatalf("%s: %d findings, want %d", name, len(out), len(r.Findings))
		}
		ids := map[string]bool{}
		for _, o := range out {
			id, _ := o["Id"].(string)
			errorf := func(format string, args ...any) { t.Helper(); t.Errorf(name+" "+id+": "+format, args...) }
			for _, k := range []string{"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn",
				"Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"} {
				if v, ok := o[k]; !ok || v == nil || v == "" {
					errorf("required attribute %s missing or empty", k)
				}
			}
			if ids[id] {
				errorf("duplicate Id")
			}
			ids[id] = true
			acct, _ := o["AwsAccountId"].(string)
			if !awsAccountID.MatchString(acct) {
				errorf("AwsAccountId %q is not 12 digits", acct)
			}
			m := asffProductArn.FindStringSubmatch(o["ProductArn"].(string))
			if m == nil || m[3] != acct || m[4] != acct {
				errorf("ProductArn %v is not the default product of account %s", o["ProductArn"], acct)
			} else if want := "fnaudit/" + acct + "/" + m[2] + "/"; !strings.HasPrefix(id, want) {
				errorf("Id does not start with %s", want)
			}
			if o["SchemaVersion"] != "2018-10-08" || o["RecordState"] != "ACTIVE" {
				errorf("SchemaVersion %v, RecordState %v", o["SchemaVersion"], o["RecordState"])
			}
			for _, k := range []string{"CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"} {
				if ts, err := time.Parse(time.RFC3339, fmt.Sprint(o[k])); err != nil || !ts.Equal(testNow) {
					errorf("%s = %v, want %s", k, o[k], testNow.Format(time.RFC3339))
				}
			}
			sev := o["Severity"].(map[string]any)
			if !labels[fmt.Sprint(sev["Label"])] || sev["Original"] == "" {
				errorf("Severity %v", sev)
			}
			types := o["Types"].([]any)
			if len(types) == 0 || len(types) > 50 {
				errorf("%d Types", len(types))
			}
			for _, ty := range types {
				if !asffTypeRE.MatchString(fmt.Sprint(ty)) {
					errorf("type %q is not namespace/category[/classifier]", ty)
				}
			}
			if n := units(o["Title"]); n > maxTitle {
				errorf("Title is %d characters", n)
			}
			if n := units(o["Description"]); n > maxDesc {
				errorf("Description is %d characters", n)
			}
			if rem, ok := o["Remediation"].(map[string]any); ok {
				if n := units(rem["Recommendation"].(map[string]any)["Text"]); n == 0 || n > maxRecText {
					errorf("Recommendation.Text is %d characters", n)
				}
			}
			res := o["Resources"].([]any)
			if len(res) == 0 || len(res) > 32 {
				errorf("%d Resources", len(res))
			}
			for _, x := range res {
				rm := x.(map[string]any)
				if rm["Type"] == "" || rm["Id"] == "" {
					errorf("resource without Type or Id: %v", rm)
				}
				if d, ok := rm["Details"].(map[string]any); ok {
					if other, ok := d["Other"].(map[string]any); ok {
						for k, v := range other {
							if len(k) >= 128 || units(v) >= 1024 {
								errorf("Details.Other %s is too long", k)
							}
						}
					}
				}
			}
			pf := o["ProductFields"].(map[string]any)
			if len(pf) > maxFields {
				errorf("%d ProductFields", len(pf))
			}
			for k, v := range pf {
				if _, ok := v.(string); !ok {
					errorf("ProductFields[%s] is not a string: %v", k, v)
				}
				if len(k) > maxFieldKey || units(v) > maxFieldValue {
					errorf("ProductFields[%s] exceeds its limits", k)
				}
			}
			status := fmt.Sprint(pf["fnaudit/status"])
			if got := o["Compliance"].(map[string]any)["Status"]; got != wantCompliance[status] {
				errorf("status %s: Compliance.Status %v, want %s", status, got, wantCompliance[status])
			}
			wf := o["Workflow"].(map[string]any)["Status"]
			if (status == "suppressed") != (wf == "SUPPRESSED") {
				errorf("status %s: Workflow.Status %v", status, wf)
			}
			if note, ok := o["Note"].(map[string]any); ok {
				if n := units(note["Text"]); n == 0 || n > maxNote || note["UpdatedBy"] == "" || note["UpdatedAt"] == "" {
					errorf("Note %v", note)
				}
			}
			fpf := o["FindingProviderFields"].(map[string]any)
			if diff := cmp.Diff(o["Severity"], fpf["Severity"]); diff != "" {
				errorf("FindingProviderFields.Severity differs:\n%s", diff)
			}
			if diff := cmp.Diff(o["Types"], fpf["Types"]); diff != "" {
				errorf("FindingProviderFields.Types differ:\n%s", diff)
			}
		}
	}
	// The long finding is cut with an ellipsis and keeps the evidence count.
	o := decodeASFF(t, renderASFFTest(t, longReport(), homeOpts))[0]
	for _, v := range []any{o["Title"], o["Description"], o["Remediation"].(map[string]any)["Recommendation"].(map[string]any)["Text"], o["Note"].(map[string]any)["Text"]} {
		if s := v.(string); !strings.HasSuffix(s, "…") {
			t.Errorf("a cut text does not end with an ellipsis: %.40q...", s)
		}
	}
	pf := o["ProductFields"].(map[string]any)
	if pf["fnaudit/evidence/count"] != "20" || pf["fnaudit/evidence/8/path"] != "Statement[7]" || pf["fnaudit/evidence/9/path"] != nil {
		t.Errorf("evidence fields: count %v, 8th %v, 9th %v", pf["fnaudit/evidence/count"], pf["fnaudit/evidence/8/path"], pf["fnaudit/evidence/9/path"])
	}
}

func TestASFFEmpty(t *testing.T) {
	t.Parallel()
	got := renderASFFTest(t, &audit.Report{GeneratedAt: testNow}, Options{})
	if strings.TrimSpace(string(got)) != "[]" {
		t.Errorf("empty report: %q, want []", got)
	}
}

func TestTruncateUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"word    break", 8, "word…"},
		{"🔑🔑🔑", 6, "🔑🔑🔑"},
		{"🔑🔑🔑", 5, "🔑🔑…"},
		{"🔑🔑🔑", 4, "🔑…"},
		{"ab\xffcdef", 4, "ab\xff…"},
	}
	for _, tt := range tests {
		got := truncateUnits(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("truncateUnits(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if n := utf16Len(got); n > tt.max {
			t.Errorf("truncateUnits(%q, %d) is %d units", tt.in, tt.max, n)
		}
	}
}

// What is left out of ASFF is counted, with the reason and how to include it.
func TestOmitted(t *testing.T) {
	t.Parallel()
	_, om, err := Findings(testReport(), Options{MinSeverity: audit.High})
	if err != nil {
		t.Fatal(err)
	}
	// Below high: the medium Azure runtime and the low AWS runtime findings (the
	// info rule error is always kept). Without a home account: every GCP and
	// Azure finding at or above high, and the Azure rule error.
	want := Omitted{NoAccount: 5, NoAccountProviders: []audit.Provider{audit.Azure, audit.GCP}, BelowMinSeverity: 2, MinSeverity: audit.High}
	if diff := cmp.Diff(want, om); diff != "" {
		t.Errorf("Omitted (-want +got):\n%s", diff)
	}
	msgs := om.Messages()
	if len(msgs) != 2 || om.Total() != 7 ||
		!strings.HasPrefix(msgs[0], "5 findings (azure, gcp) left out of ASFF") || !strings.Contains(msgs[0], "--security-hub-account and --security-hub-region") ||
		!strings.HasPrefix(msgs[1], "2 findings below high left out of ASFF") {
		t.Errorf("Messages() = %q", msgs)
	}
	_, om, err = Findings(testReport(), homeOpts)
	if err != nil || om.Total() != 0 || om.Messages() != nil {
		t.Errorf("with a home account and no minimum: omitted %+v, %v", om, err)
	}
	if _, _, err := Findings(testReport(), Options{MinSeverity: "severe"}); err == nil {
		t.Error("unknown minimum severity: no error")
	}
	if _, _, err := Findings(nil, Options{}); err == nil {
		t.Error("nil report: no error")
	}
}

// MarshalFindings refuses a value it cannot encode as the SDK would, instead
// of writing something else.
func TestMarshalRefuses(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]any{
		"time":  struct{ At time.Time }{time.Now()},
		"union": struct{ U types.ParameterValue }{&types.ParameterValueMemberBoolean{Value: true}},
	} {
		if _, _, err := encodeValue(reflect.ValueOf(v), name); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	f := firstFinding(t)
	f.Severity.Product = aws.Float64(math.NaN())
	if _, err := MarshalFindings([]types.AwsSecurityFinding{f}); err == nil || !strings.Contains(err.Error(), "Severity.Product") {
		t.Errorf("NaN: %v", err)
	}
}

func firstFinding(t *testing.T) types.AwsSecurityFinding {
	t.Helper()
	fs, _, err := Findings(testReport(), Options{})
	if err != nil || len(fs) == 0 {
		t.Fatal(err)
	}
	return fs[0]
}
