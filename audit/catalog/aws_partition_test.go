package catalog

import "testing"

func TestAWSPartition(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{
		"us-east-1": "aws", "eu-west-1": "aws", "": "aws",
		"cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b",
		"us-isof-south-1": "aws-iso-f", "eu-isoe-west-1": "aws-iso-e",
	} {
		if got := AWSPartition(region); got != want {
			t.Errorf("AWSPartition(%q) = %q, want %q", region, got, want)
		}
	}
}
