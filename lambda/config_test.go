package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	got, err := loadConfig(env{envTopicARN: topicARN}.get)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{TopicARN: topicARN, TopicRegion: "us-east-1", Providers: []audit.Provider{audit.AWS},
		MinSeverity: audit.Medium, DeadlineMargin: 60 * time.Second, Notify: notifyAlways}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestConfigFull(t *testing.T) {
	t.Parallel()
	got, err := loadConfig(env{
		envTopicARN:        "arn:aws-us-gov:sns:us-gov-west-1:123456789012:sec-digest",
		envRegions:         " us-east-1, eu-west-1 ,us-east-1",
		envOrgRole:         "/audit/fnaudit-reader/",
		envExternalID:      "acme-fnaudit-7",
		envAccounts:        "123456789012,210987654321",
		envMinSeverity:     "HIGH",
		envSuppressions:    "s3://acme-config/fnaudit/suppressions.yaml",
		envProviders:       "aws,gcp,azure,aws",
		envGCPSecret:       "fnaudit/gcp",
		envGCPProjects:     "acme-prod-123",
		envAzureSecret:     "arn:aws:secretsmanager:us-east-1:123456789012:secret:fnaudit/azure-AbCdEf",
		envAzureSubs:       "0b1f6471-1bf0-4dda-aec3-111122223333",
		envReportBucket:    "acme-fnaudit-reports",
		envQuietWhenClean:  "true",
		envTrustedAccounts: "999988887777, acme-shared-456",
		envDeadlineMargin:  "2m",
		envNotify:          "New",
		envPartFunctions:   " 500 ",
	}.get)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		TopicARN: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:sec-digest", TopicRegion: "us-gov-west-1",
		Providers: []audit.Provider{audit.AWS, audit.GCP, audit.Azure},
		Regions:   []string{"us-east-1", "eu-west-1"}, Accounts: []string{"123456789012", "210987654321"},
		OrgRole: "audit/fnaudit-reader", ExternalID: "acme-fnaudit-7",
		GCPSecret: "fnaudit/gcp", GCPProjects: []string{"acme-prod-123"},
		AzureSecret:        "arn:aws:secretsmanager:us-east-1:123456789012:secret:fnaudit/azure-AbCdEf",
		AzureSubscriptions: []string{"0b1f6471-1bf0-4dda-aec3-111122223333"},
		MinSeverity:        audit.High, SuppressionsURI: s3Location{"acme-config", "fnaudit/suppressions.yaml"},
		ReportBucket: "acme-fnaudit-reports", QuietWhenClean: true,
		TrustedAccounts: []string{"999988887777", "acme-shared-456"}, DeadlineMargin: 2 * time.Minute,
		Notify: notifyNew, PartFunctions: 500,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	inline, err := loadConfig(env{envTopicARN: topicARN,
		envSuppressions: "suppressions:\n  - rule: FNA-AWS-006\n    resource: \"**\"\n    reason: legacy\n"}.get)
	if err != nil || len(inline.Suppressions) != 1 || inline.SuppressionsURI.Bucket != "" {
		t.Errorf("inline suppressions = %+v, %v", inline.Suppressions, err)
	}
}

// Every bad value fails with a one-line message naming its variable.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  env
		want string
	}{
		{env{}, "FNAUDIT_SNS_TOPIC_ARN: required"},
		{env{envTopicARN: topicARN, envNotify: "daily"}, `FNAUDIT_NOTIFY: "daily" is not a notify mode (want new or always)`},
		{env{envTopicARN: topicARN, envNotify: "new"}, `FNAUDIT_NOTIFY: "new" needs FNAUDIT_REPORT_BUCKET`},
		{env{envTopicARN: "fnaudit-digest"}, `FNAUDIT_SNS_TOPIC_ARN: "fnaudit-digest" is not an SNS topic ARN`},
		{env{envTopicARN: "arn:aws:sqs:us-east-1:123456789012:q"}, "FNAUDIT_SNS_TOPIC_ARN: \"arn:aws:sqs:us-east-1:123456789012:q\" is not an SNS topic ARN"},
		{env{envTopicARN: topicARN + ".fifo"}, "FNAUDIT_SNS_TOPIC_ARN: \"" + topicARN + ".fifo\" is a FIFO topic"},
		{env{envRegions: "us-east-1,EU-WEST-1"}, `FNAUDIT_REGIONS: "EU-WEST-1" is not an AWS region`},
		{env{envAccounts: "12345"}, `FNAUDIT_ACCOUNTS: "12345" is not a 12-digit AWS account id`},
		{env{envOrgRole: "arn:aws:iam::123456789012:role/x"}, "FNAUDIT_ORG_ROLE: \"arn:aws:iam::123456789012:role/x\" is not an IAM role name"},
		{env{envExternalID: "abc"}, "FNAUDIT_ORG_EXTERNAL_ID: set, but FNAUDIT_ORG_ROLE is not"},
		{env{envMinSeverity: "severe"}, `FNAUDIT_MIN_SEVERITY: "severe" is not a severity`},
		{env{envSuppressions: "s3://Bad_Bucket/key"}, `FNAUDIT_SUPPRESSIONS: "s3://Bad_Bucket/key" is not an S3 object URI`},
		{env{envSuppressions: "s3://bucket-only"}, `FNAUDIT_SUPPRESSIONS: "s3://bucket-only" is not an S3 object URI`},
		{env{envSuppressions: "suppressions:\n  - rule: FNA-AWS-001\n"}, "FNAUDIT_SUPPRESSIONS: inline YAML: suppressions[1]"},
		{env{envSuppressions: "suppressions:\n  - rule: FNA-AWS-999\n    resource: \"**\"\n    reason: typo\n"}, `FNAUDIT_SUPPRESSIONS: inline YAML: suppressions[1] (line 2): rule: unknown rule "FNA-AWS-999"`},
		{env{envProviders: "aws,oracle"}, `FNAUDIT_PROVIDERS: unknown provider "oracle"`},
		{env{envProviders: ","}, "FNAUDIT_PROVIDERS: no provider named"},
		{env{envProviders: "gcp"}, "FNAUDIT_GCP_CREDENTIALS_SECRET: required when FNAUDIT_PROVIDERS includes gcp"},
		{env{envProviders: "azure"}, "FNAUDIT_AZURE_CREDENTIALS_SECRET: required when FNAUDIT_PROVIDERS includes azure"},
		{env{envGCPSecret: "not a secret name"}, "FNAUDIT_GCP_CREDENTIALS_SECRET: \"not a secret name\" is not a Secrets Manager secret name or ARN"},
		{env{envGCPProjects: "Acme"}, `FNAUDIT_GCP_PROJECTS: "Acme" is not a GCP project id`},
		{env{envAzureSubs: "sub-1"}, `FNAUDIT_AZURE_SUBSCRIPTIONS: "sub-1" is not an Azure subscription id`},
		{env{envReportBucket: "s3://acme/reports"}, `FNAUDIT_REPORT_BUCKET: "s3://acme/reports" is not an S3 bucket name`},
		{env{envQuietWhenClean: "sometimes"}, `FNAUDIT_QUIET_WHEN_CLEAN: "sometimes" is not a boolean`},
		{env{envTrustedAccounts: "a b;c"}, `FNAUDIT_TRUSTED_ACCOUNTS: "b;c" is not an account, project or tenant id`},
		{env{envDeadlineMargin: "soon"}, `FNAUDIT_DEADLINE_MARGIN: "soon" is not a duration`},
		{env{envDeadlineMargin: "20m"}, "FNAUDIT_DEADLINE_MARGIN: 20m0s is out of range"},
		{env{envPartFunctions: "ten"}, `FNAUDIT_PART_FUNCTIONS: "ten" is not a whole number`},
		{env{envPartFunctions: "1.5"}, `FNAUDIT_PART_FUNCTIONS: "1.5" is not a whole number`},
		{env{envPartFunctions: "0"}, "FNAUDIT_PART_FUNCTIONS: 0 is out of range (want at least 1 and at most 1000000)"},
		{env{envPartFunctions: "-3"}, "FNAUDIT_PART_FUNCTIONS: -3 is out of range"},
		{env{envPartFunctions: "2000000"}, "FNAUDIT_PART_FUNCTIONS: 2000000 is out of range"},
	} {
		if _, ok := tc.env[envTopicARN]; !ok && !strings.HasPrefix(tc.want, envTopicARN) {
			tc.env[envTopicARN] = topicARN
		}
		_, err := loadConfig(tc.env.get)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v: error %v, want %q", tc.env, err, tc.want)
		}
	}
	// Several mistakes are reported together.
	_, err := loadConfig(env{envMinSeverity: "x", envRegions: "y"}.get)
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("error = %v, want three lines", err)
	}
}

// docs/lambda.md documents every variable the function reads.
func TestConfigDocumented(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../docs/lambda.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range envDocs {
		if !strings.Contains(string(data), "`"+d[0]+"`") {
			t.Errorf("docs/lambda.md does not document %s", d[0])
		}
	}
}
