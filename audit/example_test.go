package audit_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// A rule is a value: metadata plus a pure check over one function.
var exampleRule = audit.Rule{
	ID: "EX-001", Slug: "example-anonymous-url", Category: audit.PublicInvoke, Severity: audit.Critical,
	Provider: audit.AWS, Title: "function URL without authentication",
	Remediation: "set the URL's AuthType to AWS_IAM", Needs: []audit.DataKind{audit.DataAccess},
	Check: func(p *audit.Pass) {
		if p.Function.AWS == nil {
			return
		}
		for _, u := range p.Function.AWS.URLs {
			if u.AuthType == "NONE" {
				p.Report(audit.Result{Key: u.Qualifier, Detail: u.URL + " accepts unauthenticated calls"})
			}
		}
	},
}

func Example() {
	inv, err := audit.ParseInventory([]byte(`{
	  "schema": "fnaudit.inventory/v1",
	  "functions": [{
	    "provider": "aws", "account": "123456789012", "region": "us-east-1", "name": "webhook",
	    "id": "arn:aws:lambda:us-east-1:123456789012:function:webhook",
	    "aws": {"urls": [{"url": "https://abc.lambda-url.us-east-1.on.aws/", "authType": "NONE"}]}
	  }]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	report := audit.Analyze(inv, []audit.Rule{exampleRule}, audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	for _, f := range report.Findings {
		fmt.Println(f.Severity, f.Function, f.Detail)
	}
	// Output: critical webhook https://abc.lambda-url.us-east-1.on.aws/ accepts unauthenticated calls
}

func ExampleParseInventory_error() {
	_, err := audit.ParseInventory([]byte(`{"schema": "fnaudit.inventory/v1", "functions": [{"provider": "oracle", "id": "x", "name": "f"}]}`))
	fmt.Println(strings.SplitN(err.Error(), " (", 2)[0])
	// Output: functions[0].provider: "oracle" is not allowed: value must be one of 'aws', 'gcp', 'azure'
}

func ExampleMerge() {
	a := audit.NewInventory(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	a.Functions = append(a.Functions, audit.Function{Provider: audit.AWS, ID: "arn:1", Name: "one"})
	b := audit.NewInventory(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	b.Functions = append(b.Functions, audit.Function{Provider: audit.GCP, ID: "projects/p/locations/l/functions/two", Name: "two"})
	m := audit.Merge(a, b)
	fmt.Println(len(m.Functions), m.GeneratedAt.Format(time.DateOnly))
	// Output: 2 2026-11-02
}
