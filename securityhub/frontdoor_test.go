package securityhub

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/fnaudit/fnaudit/audit"
)

// TestFrontDoorResource: a finding reached through a front door carries the
// door as a second resource (type Other) with its kind, address and parent, in
// the ARN's partition and the finding's Region; a finding without a door has
// one resource.
func TestFrontDoorResource(t *testing.T) {
	t.Parallel()
	const door = "arn:aws:apigateway:us-east-1::/restapis/abc123/resources/r1/methods/GET"
	f := audit.Finding{Rule: "FNA-AWS-008", Category: audit.PublicInvoke, Severity: audit.Critical, Status: audit.StatusFail,
		Provider: audit.AWS, Account: "123456789012", Region: "us-east-1", Function: "orders-api",
		Resource: "arn:aws:lambda:us-east-1:123456789012:function:orders-api",
		Title:    "GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/users/{id} reaches orders-api with no authentication",
		FrontDoor: &audit.DoorRef{ID: door, Kind: audit.DoorRESTMethod,
			Address: "GET https://abc123.execute-api.us-east-1.amazonaws.com/prod/users/{id}", Parent: "arn:aws:apigateway:us-east-1::/restapis/abc123"}}
	f.ID = audit.FindingID(f.Rule, f.Resource, door)
	plain := f
	plain.FrontDoor = nil
	plain.ID = audit.FindingID(plain.Rule, plain.Resource, "")
	r := &audit.Report{Schema: audit.ReportSchema, GeneratedAt: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		Findings: []audit.Finding{f, plain}, Gaps: []audit.Gap{}}
	r.Summarize()
	got, _, err := Findings(r, Options{ProductVersion: "1.0.0-test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d findings, want 2", len(got))
	}
	byID := map[string]types.AwsSecurityFinding{}
	for _, af := range got {
		byID[aws.ToString(af.Id)] = af
	}
	var withDoor, without types.AwsSecurityFinding
	for id, af := range byID {
		if len(af.Resources) == 2 {
			withDoor = af
		} else {
			without = af
		}
		_ = id
	}
	if len(without.Resources) != 1 {
		t.Errorf("finding without a door has %d resources, want 1", len(without.Resources))
	}
	if len(withDoor.Resources) != 2 {
		t.Fatalf("no finding with the door as a second resource: %+v", got)
	}
	res := withDoor.Resources[1]
	if aws.ToString(res.Type) != "Other" || aws.ToString(res.Id) != door || res.Partition != "aws" || aws.ToString(res.Region) != "us-east-1" {
		t.Errorf("door resource = type %q id %q partition %q region %q", aws.ToString(res.Type), aws.ToString(res.Id), res.Partition, aws.ToString(res.Region))
	}
	other := res.Details.Other
	if other["kind"] != string(audit.DoorRESTMethod) || other["address"] != f.FrontDoor.Address || other["parent"] != f.FrontDoor.Parent {
		t.Errorf("door details = %v", other)
	}
}
