package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestAWSCatalogLoads(t *testing.T) {
	t.Parallel()
	version, updated := AWSCatalogVersion()
	if version == "" || updated == "" {
		t.Fatalf("catalog version %q / %q not recorded", version, updated)
	}
	actions := AWSActions()
	if len(actions) < 15000 {
		t.Fatalf("catalog has %d actions, want the whole service authorization reference", len(actions))
	}
	if !slices.IsSorted(actions) {
		// sorted by service, then action: the service prefix sorts first.
		for i := 1; i < len(actions); i++ {
			a, _, _ := strings.Cut(actions[i-1], ":")
			b, _, _ := strings.Cut(actions[i], ":")
			if a > b {
				t.Fatalf("actions not sorted by service: %s before %s", actions[i-1], actions[i])
			}
		}
	}
	if n := len(AWSServices()); n < 300 {
		t.Errorf("catalog has %d services", n)
	}
	if name, ok := AWSServiceName("lambda"); !ok || name != "AWS Lambda" {
		t.Errorf("AWSServiceName(lambda) = %q, %v", name, ok)
	}
}

func TestAWSAccessLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action string
		want   AccessLevel
		ok     bool
	}{
		{"s3:GetObject", Read, true},
		{"S3:getobject", Read, true},
		{"s3:ListBucket", List, true},
		{"s3:PutObject", Write, true},
		{"s3:PutBucketPolicy", PermissionsManagement, true},
		{"s3:PutObjectTagging", Tagging, true},
		{"iam:AttachRolePolicy", PermissionsManagement, true},
		{"iam:PassRole", Write, true},
		{"iam:TagRole", Tagging, true},
		{"lambda:InvokeFunction", Write, true},
		{"lambda:AddPermission", PermissionsManagement, true},
		{"logs:PutLogEvents", Write, true},
		{"s3:NoSuchAction", "", false},
		{"nosuchservice:Get", "", false},
		{"s3:*", "", false},
	}
	for _, tt := range tests {
		got, ok := AWSAccessLevel(tt.action)
		if got != tt.want || ok != tt.ok {
			t.Errorf("AWSAccessLevel(%q) = %q, %v; want %q, %v", tt.action, got, ok, tt.want, tt.ok)
		}
	}
	if c, ok := AWSCanonical("IAM:passrole"); !ok || c != "iam:PassRole" {
		t.Errorf("AWSCanonical = %q, %v", c, ok)
	}
}

func TestExpandAWS(t *testing.T) {
	t.Parallel()
	all := len(AWSActions())
	tests := []struct {
		pattern  string
		contains []string
		excludes []string
		min, max int
	}{
		{"*", []string{"s3:GetObject", "iam:PassRole"}, nil, all, all},
		{"*:*", []string{"s3:GetObject"}, nil, all, all},
		{"s3:Put*", []string{"s3:PutObject", "s3:PutBucketPolicy"}, []string{"s3:GetObject"}, 20, 200},
		{"S3:put*", []string{"s3:PutObject"}, nil, 20, 200},
		{"iam:*Policy*", []string{"iam:AttachRolePolicy", "iam:CreatePolicyVersion", "iam:PutRolePolicy"}, []string{"iam:PassRole"}, 10, 100},
		{"lambda:InvokeFunction", []string{"lambda:InvokeFunction"}, []string{"lambda:InvokeFunctionUrl"}, 1, 1},
		{"lambda:Invoke*", []string{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl"}, nil, 2, 10},
		{"s?s:Publish", []string{"sns:Publish"}, nil, 1, 3},
		{"logs:*", []string{"logs:PutLogEvents"}, []string{"s3:GetObject"}, 50, 500},
		{"nosuch:*", nil, nil, 0, 0},
		{"s3", nil, nil, 0, 0},
		{"s3:NoSuchAction", nil, nil, 0, 0},
	}
	for _, tt := range tests {
		got := ExpandAWS(tt.pattern)
		if len(got) < tt.min || len(got) > tt.max {
			t.Errorf("ExpandAWS(%q) has %d actions, want %d..%d", tt.pattern, len(got), tt.min, tt.max)
		}
		for _, a := range tt.contains {
			if !slices.Contains(got, a) {
				t.Errorf("ExpandAWS(%q) lacks %s", tt.pattern, a)
			}
		}
		for _, a := range tt.excludes {
			if slices.Contains(got, a) {
				t.Errorf("ExpandAWS(%q) has %s", tt.pattern, a)
			}
		}
	}
}

func TestAWSSet(t *testing.T) {
	t.Parallel()
	iam := ExpandAWSSet("iam:*")
	if !iam.CoversService("iam") || iam.CoversService("s3") {
		t.Error("CoversService")
	}
	notIAM := iam.Complement()
	if notIAM.Has("iam:PassRole") || !notIAM.Has("s3:GetObject") {
		t.Error("Complement")
	}
	if got := notIAM.Len() + iam.Len(); got != AllAWS().Len() {
		t.Errorf("complement sizes add to %d, want %d", got, AllAWS().Len())
	}
	if lvl, ok := ExpandAWSSet("s3:Get*").MaxLevel(); !ok || lvl != Read {
		t.Errorf("MaxLevel(s3:Get*) = %q", lvl)
	}
	if lvl, ok := iam.MaxLevel(); !ok || lvl != PermissionsManagement {
		t.Errorf("MaxLevel(iam:*) = %q", lvl)
	}
	if _, ok := NewAWSSet().MaxLevel(); ok {
		t.Error("MaxLevel of empty set")
	}
	u := ExpandAWSSet("s3:GetObject").Union(ExpandAWSSet("s3:PutObject"))
	if got := u.Actions(); !slices.Equal(got, []string{"s3:GetObject", "s3:PutObject"}) {
		t.Errorf("Union = %v", got)
	}
	if !ExpandAWSSet("s3:*").Covers(u) || u.Covers(ExpandAWSSet("s3:*")) {
		t.Error("Covers")
	}
	if got := u.Services(); !slices.Equal(got, []string{"s3"}) {
		t.Errorf("Services = %v", got)
	}
	sum := 0
	for _, l := range accessLevels {
		sum += AWSLevelSet(l).Len()
	}
	if sum != AllAWS().Len() {
		t.Errorf("level sets cover %d actions, want %d", sum, AllAWS().Len())
	}
}

func TestAWSResourceTypes(t *testing.T) {
	t.Parallel()
	types, ok := AWSResourceTypes("lambda:UpdateFunctionCode")
	if !ok || len(types) == 0 || !strings.Contains(types[0].ARN, ":function:") {
		t.Errorf("AWSResourceTypes(lambda:UpdateFunctionCode) = %v, %v", types, ok)
	}
	if rl, ok := AWSResourceLevel("ec2:DescribeInstances"); !ok || rl {
		t.Errorf("ec2:DescribeInstances resource-level = %v, %v", rl, ok)
	}
	if rl, ok := AWSResourceLevel("iam:PassRole"); !ok || !rl {
		t.Errorf("iam:PassRole resource-level = %v, %v", rl, ok)
	}
}

func TestAWSGlob(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"a*", "abc", true}, {"*c", "abc", true},
		{"a*c", "abbbc", true}, {"a*c", "abcd", false}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"*policy*", "attachrolepolicy", true}, {"*policy*", "passrole", false}, {"", "", true},
		{"", "a", false}, {"**", "x", true}, {"put*tagging", "putobjecttagging", true},
	} {
		if got := awsGlob(tt.p, tt.s); got != tt.want {
			t.Errorf("awsGlob(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}

func BenchmarkExpandAWSUncached(b *testing.B) {
	c := loadAWS()
	for b.Loop() {
		c.expand("iam:*policy*")
	}
}

func BenchmarkExpandAWSCached(b *testing.B) {
	for b.Loop() {
		ExpandAWSSet("s3:Put*")
	}
}

func TestAWSResourceServices(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		action string
		want   []string
	}{
		{"sts:AssumeRole", []string{"iam"}},
		{"iam:PassRole", []string{"iam"}},
		{"s3:GetObject", []string{"s3"}},
		{"ec2:DescribeInstances", nil},
	} {
		got, ok := AWSResourceServices(tt.action)
		if !ok || !slices.Equal(got, tt.want) {
			t.Errorf("AWSResourceServices(%s) = %v, %v; want %v", tt.action, got, ok, tt.want)
		}
	}
	if _, ok := AWSResourceServices("nosuch:Action"); ok {
		t.Error("unknown action")
	}
}
