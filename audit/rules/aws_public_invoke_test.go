package rules

import (
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

func TestAWSPublicInvoke(t *testing.T) {
	failing, passing := runFixtures(t, AWSPublicInvoke)
	if failing < 1 || passing < 1 {
		t.Errorf("want failing and passing fixtures, got %d failing, %d passing", failing, passing)
	}
}

// TestAWSMalformedPolicyFailsAtLoad checks that a malformed resource policy is
// rejected when the inventory loads, with one line naming the statement and
// field, so the invoke rules never see it.
func TestAWSMalformedPolicyFailsAtLoad(t *testing.T) {
	inv := `{"schema":"fnaudit.inventory/v1","generatedAt":"2026-11-01T00:00:00Z","functions":[{"provider":"aws",
"account":"123456789012","region":"us-east-1","name":"f","id":"arn:aws:lambda:us-east-1:123456789012:function:f",
"aws":{"policies":[{"document":{"Version":"2012-10-17","Statement":[{"Sid":"ok","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"},
{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*",
"Condition":{"StringEquals":{"AWS:SourceAccount":{"bad":1}}}}]},"source":{"api":"lambda:GetPolicy"}}]},"source":{"api":"lambda:ListFunctions"}}]}`
	_, err := audit.ParseInventory([]byte(inv))
	want := `functions[0].aws.policies[0].document: Statement[1] (Sid "s3").Condition.StringEquals["AWS:SourceAccount"]: value must be a string, number or boolean, got an object`
	if err == nil || err.Error() != want {
		t.Errorf("ParseInventory error:\n got  %v\n want %s", err, want)
	}
}
