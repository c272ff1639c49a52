package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// doorReport is a report of two findings about front doors: an AWS REST
// method and a GCP serverless NEG behind a load balancer.
func doorReport() *audit.Report {
	rest := mk("FNA-AWS-008", "aws-open-front-door", audit.PublicInvoke, audit.Critical, audit.StatusFail, audit.AWS,
		awsAcct, "us-east-1", awsARN("orders-api"), "orders-api",
		"GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/users/{id} reaches orders-api with no authentication")
	rest.Key = "arn:aws:apigateway:us-east-1::/restapis/abc123/resources/r1/methods/GET"
	rest.ID = audit.FindingID(rest.Rule, rest.Resource, rest.Key)
	rest.Detail = "GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/users/{id} reaches orders-api with no authentication (REST API orders, stage prod, GET /users/{id})."
	rest.Evidence = []audit.Evidence{
		{Source: audit.Source{API: "apigateway:GetExport", Ref: "arn:aws:apigateway:us-east-1::/restapis/abc123/stages/prod"}, Path: "auth", Fragment: "none: authorizationType=NONE"},
		{Source: audit.Source{API: "lambda:GetPolicy", Ref: awsARN("orders-api")}, Path: "Statement[Sid=apigateway]",
			Fragment: `{"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction"}`},
	}
	rest.Remediation = "Add an authorizer to the method, or make the API private; redeploy the stage."
	rest.FrontDoor = &audit.DoorRef{ID: rest.Key, Kind: audit.DoorRESTMethod,
		Address: "GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/users/{id}", Parent: "arn:aws:apigateway:us-east-1::/restapis/abc123"}

	neg := mk("FNA-GCP-001", "gcp-public-invoke", audit.PublicInvoke, audit.Critical, audit.StatusFail, audit.GCP,
		gcpProj, "europe-west1", gcpName("resize"), "resize", "https://img.example.com/resize/* reaches resize with no authentication")
	neg.Key = "projects/acme-prod-123/global/backendServices/resize-backend"
	neg.ID = audit.FindingID(neg.Rule, neg.Resource, neg.Key)
	neg.FrontDoor = &audit.DoorRef{ID: neg.Key, Kind: audit.DoorServerlessNEG, Address: "https://img.example.com/resize/*",
		Parent: "projects/acme-prod-123/global/urlMaps/web-lb"}

	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: testNow,
		Scope:    audit.Scope{Providers: []audit.Provider{audit.AWS, audit.GCP}, Accounts: 2, Regions: []string{"europe-west1", "us-east-1"}, Functions: 2},
		Findings: []audit.Finding{rest, neg}, Gaps: []audit.Gap{}}
	audit.SortFindings(r.Findings)
	r.Summarize()
	return r
}

// TestFrontDoorFormats: every format names the finding's front door; the
// JSON keeps it as a structured field the report schema accepts.
func TestFrontDoorFormats(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		format Format
		opts   Options
	}{
		{"frontdoor-text-details", Text, Options{Details: true, Width: 120}},
		{"frontdoor-json", JSON, Options{}},
		{"frontdoor-csv", CSV, Options{}},
		{"frontdoor-ocsf", OCSF, Options{ProductVersion: "1.0.0-test"}},
		{"frontdoor-asff", ASFF, Options{ProductVersion: "1.0.0-test"}},
		{"frontdoor-html", HTML, Options{ProductVersion: "1.0.0-test"}},
	} {
		var buf bytes.Buffer
		if err := Render(&buf, tt.format, doorReport(), tt.opts); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		golden(t, tt.name, buf.Bytes())
		if !strings.Contains(buf.String(), "arn:aws:apigateway:us-east-1::/restapis/abc123/resources/r1/methods/GET") {
			t.Errorf("%s does not name the door's id", tt.name)
		}
		if tt.format == JSON {
			if err := ValidateJSON(buf.Bytes()); err != nil {
				t.Errorf("json: %v", err)
			}
		}
	}
	d := NewDigest(doorReport(), DigestOptions{})
	if !strings.Contains(d.Body, "GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/users/{id} reaches orders-api") {
		t.Errorf("digest does not name the door:\n%s", d.Body)
	}
}

// TestReportSchemaDoorKinds keeps the report schema's front door kinds equal
// to the model's.
func TestReportSchemaDoorKinds(t *testing.T) {
	t.Parallel()
	var want []string
	for _, k := range audit.FrontDoorKinds {
		want = append(want, `"`+string(k)+`"`)
	}
	if !bytes.Contains(Schema(), []byte(`"enum": [`+strings.Join(want, ", ")+`]`)) {
		t.Errorf("report.schema.json $defs.frontDoor.kind does not list %s", strings.Join(want, ", "))
	}
}
