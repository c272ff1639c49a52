package catalog

import "strings"

// awsPartitionPrefixes maps region-name prefixes to the partition their regions
// belong to; every other region is in "aws". Longer prefixes come first
// (us-isob- before us-iso-).
var awsPartitionPrefixes = []struct{ prefix, partition string }{
	{"cn-", "aws-cn"},
	{"us-gov-", "aws-us-gov"},
	{"us-isob-", "aws-iso-b"},
	{"us-isof-", "aws-iso-f"},
	{"us-iso-", "aws-iso"},
	{"eu-isoe-", "aws-iso-e"},
}

// AWSPartition returns the partition of an AWS Region name: cn-north-1 is in
// aws-cn, us-gov-west-1 in aws-us-gov, us-iso-east-1 in aws-iso, and so on;
// everything else (including an empty region) is in aws.
func AWSPartition(region string) string {
	for _, p := range awsPartitionPrefixes {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}
