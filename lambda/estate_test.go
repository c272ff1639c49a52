package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// The test estate: one readable account with findings of every AWS category
// and a function whose name and description an attacker chose, plus (for the
// gaps runs) an account whose role cannot be assumed and a denied read.

const (
	acctProd   = "123456789012"
	acctDenied = "210987654321"
	securityID = "111122223333" // where the function and its topic live
)

var estateTime = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

func fnARN(region, name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, acctProd, name)
}

func roleARN(name string) string { return "arn:aws:iam::" + acctProd + ":role/" + name }

func doc(s string) json.RawMessage { return json.RawMessage(s) }

func awsFunction(region, name, runtime, role string) audit.Function {
	return audit.Function{
		Provider: audit.AWS, Account: acctProd, Region: region, Name: name, ID: fnARN(region, name),
		Runtime: runtime, PackageType: "Zip", Identities: []string{roleARN(role)},
		AWS:    &audit.AWSFunction{Role: roleARN(role), Architectures: []string{"arm64"}, URLsChecked: true},
		Source: audit.Source{API: "lambda:ListFunctions", Ref: fnARN(region, name)},
	}
}

func role(name string, docs ...string) audit.Identity {
	id := audit.Identity{Provider: audit.AWS, Account: acctProd, ID: roleARN(name), Name: name, Kind: "aws-role",
		Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: roleARN(name)}}
	for i, d := range docs {
		id.Policies = append(id.Policies, audit.Policy{Kind: audit.PolicyInline, Name: fmt.Sprintf("%s-%d", name, i),
			Document: doc(d), Source: id.Source})
	}
	return id
}

const (
	logsPolicy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:123456789012:*"}]}`
	adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

func publicURLPolicy(region, name string) audit.ResourcePolicy {
	return audit.ResourcePolicy{
		Document: doc(`{"Version":"2012-10-17","Statement":[` +
			`{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` +
			fnARN(region, name) + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}},` +
			`{"Sid":"FunctionURLInvokeAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` +
			fnARN(region, name) + `","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}]}`),
		Source: audit.Source{API: "lambda:GetPolicy", Ref: fnARN(region, name)},
	}
}

func publicURL(region, name string) audit.FunctionURL {
	return audit.FunctionURL{URL: "https://" + name + ".lambda-url." + region + ".on.aws/", AuthType: "NONE",
		Source: audit.Source{API: "lambda:ListFunctionUrlConfigs", Ref: fnARN(region, name)}}
}

// cleanEstate has two well-behaved functions.
func cleanEstate() *audit.Inventory {
	inv := audit.NewInventory(estateTime)
	inv.Accounts = []audit.Account{{Provider: audit.AWS, ID: acctProd, Name: "acme-prod", Regions: []string{"eu-west-1", "us-east-1"}}}
	inv.Functions = []audit.Function{
		awsFunction("us-east-1", "orders-api", "python3.13", "orders-api-role"),
		awsFunction("eu-west-1", "thumbnailer", "nodejs22.x", "thumbnailer-role"),
	}
	inv.Identities = []audit.Identity{role("orders-api-role", logsPolicy), role("thumbnailer-role", logsPolicy)}
	return inv
}

// findingsEstate adds a public function URL, an administrator role, a retired
// runtime, a plain-text secret and a hostile name.
func findingsEstate() *audit.Inventory {
	inv := cleanEstate()
	pub := awsFunction("us-east-1", "public-status", "python3.13", "orders-api-role")
	pub.AWS.Policies = []audit.ResourcePolicy{publicURLPolicy("us-east-1", "public-status")}
	pub.AWS.URLs = []audit.FunctionURL{publicURL("us-east-1", "public-status")}
	pub.URL = pub.AWS.URLs[0].URL

	admin := awsFunction("us-east-1", "billing-export", "python3.13", "billing-export-role")
	legacy := awsFunction("eu-west-1", "legacy-resize", "python3.7", "thumbnailer-role")
	secret := awsFunction("eu-west-1", "db-sync", "nodejs22.x", "thumbnailer-role")
	secret.Environment = []audit.EnvVar{{Name: "DB_PASSWORD", Verdict: audit.ValueSecret, Detector: "password-assignment", Hint: "hunt****"}}

	// A name and description an attacker chose: a bidi override that reverses
	// what follows and a line that pretends the digest ends there.
	evil := awsFunction("eu-west-1", "invoice\u202eexe.pdf", "nodejs22.x", "thumbnailer-role")
	evil.Description = "all fine\n\nfnaudit: all clear\x1b[2J"
	evil.Tags = map[string]string{"owner": "\u2066mallory\u2069"}
	evil.Environment = []audit.EnvVar{{Name: "API_TOKEN", Verdict: audit.ValueSecret, Detector: "generic-token", Hint: "ghp_****"}}

	inv.Functions = append(inv.Functions, pub, admin, legacy, secret, evil)
	inv.Identities = append(inv.Identities, role("billing-export-role", logsPolicy, adminPolicy))
	return inv
}

// gapsEstate is findingsEstate with an unreachable account and a denied read.
func gapsEstate() *audit.Inventory {
	inv := findingsEstate()
	inv.Accounts = append(inv.Accounts, audit.Account{Provider: audit.AWS, ID: acctDenied, Name: "acme-partner-sandbox"})
	inv.Gaps = []audit.Gap{
		{Provider: audit.AWS, Account: acctDenied, API: "sts:AssumeRole", Data: audit.DataFunctions, Reason: audit.GapAssumeRole,
			Message: "AccessDenied: User: arn:aws:sts::111122223333:assumed-role/fnaudit/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/fnaudit-reader"},
		{Provider: audit.AWS, Account: acctProd, Region: "us-east-1", Resource: fnARN("us-east-1", "orders-api"),
			API: "lambda:GetPolicy", Data: audit.DataAccess, Reason: audit.GapAccessDenied, Message: "AccessDeniedException: not authorized"},
	}
	return inv
}

// hugeEstate has n public functions with long names: a report far beyond SNS's
// limit.
func hugeEstate(n int) *audit.Inventory {
	inv := gapsEstate()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("tenant-%04d-webhook-receiver-with-a-rather-long-descriptive-name", i)
		f := awsFunction("us-east-1", name, "python3.13", "orders-api-role")
		f.AWS.Policies = []audit.ResourcePolicy{publicURLPolicy("us-east-1", name)}
		f.AWS.URLs = []audit.FunctionURL{publicURL("us-east-1", name)}
		inv.Functions = append(inv.Functions, f)
	}
	return inv
}

// staticCollector returns a fixed inventory.
type staticCollector struct {
	provider audit.Provider
	inv      *audit.Inventory
	err      error
}

func (c staticCollector) Provider() audit.Provider { return c.provider }

func (c staticCollector) Collect(ctx context.Context) (*audit.Inventory, error) {
	if c.err != nil {
		return nil, c.err
	}
	data, _ := json.Marshal(c.inv) // a copy, as a real collection would be
	var inv audit.Inventory
	if err := json.Unmarshal(data, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

func static(inv *audit.Inventory) CollectorFactory {
	return func(context.Context, Scope) ([]audit.Collector, []audit.Gap) {
		return []audit.Collector{staticCollector{provider: audit.AWS, inv: inv}}, nil
	}
}
