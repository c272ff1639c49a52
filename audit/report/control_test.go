package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// TestControlSection: the HTML report shows who can change each function
// (escaped, at most htmlControlMax per function then "and N more", "not judged"
// where the data was missing), and the JSON report's control list passes the
// report schema.
func TestControlSection(t *testing.T) {
	t.Parallel()
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: testNow, Findings: []audit.Finding{}, Gaps: []audit.Gap{},
		Scope: audit.Scope{Providers: []audit.Provider{audit.AWS, audit.GCP}, Accounts: 2, Regions: []string{"us-east-1"}, Functions: 2}}
	many := audit.FunctionControl{Function: "arn:aws:lambda:us-east-1:123456789012:function:orders", Name: "orders",
		Provider: audit.AWS, Account: "123456789012", Region: "us-east-1", Judged: true}
	many.Controllers = append(many.Controllers, audit.FunctionController{
		Principal: audit.ControlPrincipal{Kind: "group-member", ID: "arn:aws:iam::123456789012:group/dev", Name: "<b>dev</b>", MemberCount: 27},
		Kinds:     []audit.ControlKind{"change-code"}, Conditional: true})
	for i := 0; i < htmlControlMax+2; i++ {
		many.Controllers = append(many.Controllers, audit.FunctionController{
			Principal: audit.ControlPrincipal{Kind: "role", ID: fmt.Sprintf("arn:aws:iam::123456789012:role/r%d", i), Name: fmt.Sprintf("r%d", i)},
			Kinds:     []audit.ControlKind{"change-config"}})
	}
	r.Control = []audit.FunctionControl{many,
		{Function: "projects/p/locations/l/functions/f", Name: "unread", Provider: audit.GCP, Account: "p", Judged: false}}
	r.Summarize()

	var b bytes.Buffer
	if err := Render(&b, HTML, r, Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"Who can change each function (2)", "group-member &lt;b&gt;dev&lt;/b&gt; (27 members): change-code (conditional)",
		"and 3 more", "not judged"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(page, "<b>dev</b>") {
		t.Error("a principal name was not escaped")
	}

	b.Reset()
	if err := Render(&b, JSON, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := ValidateJSON(b.Bytes()); err != nil {
		t.Errorf("json with control: %v", err)
	}
	var back audit.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Control) != 2 || len(back.Control[0].Controllers) != htmlControlMax+3 {
		t.Errorf("control did not round-trip: %v", err)
	}
}
