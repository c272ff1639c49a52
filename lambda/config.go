package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/suppress"
)

// The environment variables the function reads once, at start-up. docs/lambda.md
// documents them; envDocs below is the same table, kept beside the code that
// parses it (a test checks the two agree).
const (
	envTopicARN          = "FNAUDIT_SNS_TOPIC_ARN"
	envRegions           = "FNAUDIT_REGIONS"
	envOrgRole           = "FNAUDIT_ORG_ROLE"
	envExternalID        = "FNAUDIT_ORG_EXTERNAL_ID"
	envAccounts          = "FNAUDIT_ACCOUNTS"
	envMinSeverity       = "FNAUDIT_MIN_SEVERITY"
	envSuppressions      = "FNAUDIT_SUPPRESSIONS"
	envProviders         = "FNAUDIT_PROVIDERS"
	envGCPSecret         = "FNAUDIT_GCP_CREDENTIALS_SECRET"
	envGCPProjects       = "FNAUDIT_GCP_PROJECTS"
	envAzureSecret       = "FNAUDIT_AZURE_CREDENTIALS_SECRET"
	envAzureSubs         = "FNAUDIT_AZURE_SUBSCRIPTIONS"
	envReportBucket      = "FNAUDIT_REPORT_BUCKET"
	envQuietWhenClean    = "FNAUDIT_QUIET_WHEN_CLEAN"
	envTrustedAccounts   = "FNAUDIT_TRUSTED_ACCOUNTS"
	envDeadlineMargin    = "FNAUDIT_DEADLINE_MARGIN"
	envNotify            = "FNAUDIT_NOTIFY"
	envPartFunctions     = "FNAUDIT_PART_FUNCTIONS"
	defaultMinSeverity   = audit.Medium
	defaultMargin        = 60 * time.Second
	maxMargin            = 10 * time.Minute
	maxPartFunctions     = 1_000_000
	reportKeyPrefix      = "fnaudit/reports/"
	suppressionsMaxBytes = 1 << 20
)

// envDocs documents every variable: name, default, meaning.
var envDocs = [][3]string{
	{envTopicARN, "(required)", "ARN of the standard SNS topic the digest is published to"},
	{envRegions, "every enabled region", "comma-separated AWS regions to audit"},
	{envOrgRole, "(unset: this account only)", "role name (optionally with path) assumed in every member account"},
	{envExternalID, "(unset)", "external id presented when assuming the org role"},
	{envAccounts, "(unset: all)", "comma-separated account ids to narrow the audit to"},
	{envMinSeverity, "medium", "critical, high, medium, low or info: findings below it are counted, not listed"},
	{envSuppressions, "(unset)", "suppressions file: an s3://bucket/key URI or the YAML itself"},
	{envProviders, "aws", "comma-separated providers: aws, gcp, azure"},
	{envGCPSecret, "(required for gcp)", "Secrets Manager secret with a Google credential JSON (workload identity federation or service account key)"},
	{envGCPProjects, "(unset: all visible)", "comma-separated GCP project ids"},
	{envAzureSecret, "(required for azure)", "Secrets Manager secret with {\"tenantId\",\"clientId\",\"clientSecret\"}"},
	{envAzureSubs, "(unset: all visible)", "comma-separated Azure subscription ids"},
	{envReportBucket, "(unset)", "S3 bucket the full JSON and HTML reports are written to on every run"},
	{envQuietWhenClean, "false", "true: publish nothing when there is no open finding, gap or unchecked rule"},
	{envTrustedAccounts, "(unset)", "comma-separated account / project / tenant ids treated as your own"},
	{envDeadlineMargin, "60s", "time kept back from the Lambda deadline for analysis and publishing"},
	{envNotify, "always", "always: mail every run; new: mail only when a finding or gap is new since the last run (or there is no baseline); needs " + envReportBucket},
	{envPartFunctions, "from the invocation's deadline", "organization scale, a test and tuning knob: the most functions one collect step lists"},
}

// Config is the function's configuration, parsed and checked once at start-up.
type Config struct {
	TopicARN    string
	TopicRegion string
	// Providers lists the providers to audit, in order.
	Providers  []audit.Provider
	Regions    []string
	Accounts   []string
	OrgRole    string
	ExternalID string
	// GCPSecret and AzureSecret name Secrets Manager secrets (name or ARN).
	GCPSecret          string
	GCPProjects        []string
	AzureSecret        string
	AzureSubscriptions []string
	MinSeverity        audit.Severity
	// SuppressionsURI is set for an s3:// suppressions file (read on every run,
	// so edits apply without a redeploy); Suppressions holds inline entries.
	SuppressionsURI s3Location
	Suppressions    []suppress.Entry
	ReportBucket    string
	QuietWhenClean  bool
	TrustedAccounts []string
	DeadlineMargin  time.Duration
	// Notify says when to mail: notifyAlways or notifyNew.
	Notify string
	// PartFunctions, when positive, is the most functions one organization-scale
	// collect step lists (a test and tuning knob; 0: from the deadline).
	PartFunctions int
}

// The FNAUDIT_NOTIFY values.
const (
	notifyAlways = "always"
	notifyNew    = "new"
)

// s3Location is an S3 object.
type s3Location struct{ Bucket, Key string }

func (l s3Location) String() string {
	if l.Bucket == "" {
		return ""
	}
	return "s3://" + l.Bucket + "/" + l.Key
}

var (
	topicARNPattern  = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):sns:([a-z]{2,4}(-[a-z]+)+-\d{1,2}):(\d{12}):([A-Za-z0-9_-]{1,256})(\.fifo)?$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$`)
	accountPattern   = regexp.MustCompile(`^\d{12}$`)
	roleNamePattern  = regexp.MustCompile(`^([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
	externalIDRegexp = regexp.MustCompile(`^[\w+=,.@:/-]{2,1000}$`)
	bucketPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	secretPattern    = regexp.MustCompile(`^([\w/+=.@-]{1,512}|arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:[\w/+=.@-]+)$`)
	trustedPattern   = regexp.MustCompile(`^[A-Za-z0-9][\w.:-]{0,127}$`)
	gcpProjectRegexp = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	azureSubPattern  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// loadConfig reads and checks the configuration from getenv. Its error names the
// variable at fault and what it wants, in one line.
func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{MinSeverity: defaultMinSeverity, DeadlineMargin: defaultMargin, Notify: notifyAlways}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }

	switch arn := get(envTopicARN); {
	case arn == "":
		bad(envTopicARN, "required: the ARN of the SNS topic to publish the digest to")
	default:
		m := topicARNPattern.FindStringSubmatch(arn)
		switch {
		case m == nil:
			bad(envTopicARN, "%q is not an SNS topic ARN (want arn:aws:sns:REGION:ACCOUNT:NAME)", arn)
		case m[6] != "":
			bad(envTopicARN, "%q is a FIFO topic, which cannot deliver email; use a standard topic", arn)
		default:
			c.TopicARN, c.TopicRegion = arn, m[2]
		}
	}

	c.Providers = []audit.Provider{audit.AWS}
	if v := get(envProviders); v != "" {
		c.Providers = nil
		seen := map[audit.Provider]bool{}
		for _, s := range splitList(v) {
			p, err := audit.ParseProvider(s)
			switch {
			case err != nil:
				bad(envProviders, "unknown provider %q (want aws, gcp or azure)", s)
				continue
			case seen[p]:
				continue
			}
			seen[p] = true
			c.Providers = append(c.Providers, p)
		}
		if len(c.Providers) == 0 && len(errs) == 0 {
			bad(envProviders, "no provider named (want aws, gcp or azure)")
		}
	}

	c.Regions = listOf(get(envRegions), envRegions, regionPattern, "an AWS region like eu-west-1", bad)
	c.Accounts = listOf(get(envAccounts), envAccounts, accountPattern, "a 12-digit AWS account id", bad)
	c.GCPProjects = listOf(get(envGCPProjects), envGCPProjects, gcpProjectRegexp, "a GCP project id", bad)
	c.AzureSubscriptions = listOf(get(envAzureSubs), envAzureSubs, azureSubPattern, "an Azure subscription id (a GUID)", bad)
	c.TrustedAccounts = listOf(get(envTrustedAccounts), envTrustedAccounts, trustedPattern, "an account, project or tenant id", bad)

	if v := get(envOrgRole); v != "" {
		if strings.HasPrefix(v, "arn:") || !roleNamePattern.MatchString(strings.Trim(v, "/")) {
			bad(envOrgRole, "%q is not an IAM role name (want a name like fnaudit-reader, optionally with a path, not an ARN)", v)
		} else {
			c.OrgRole = strings.Trim(v, "/")
		}
	}
	if v := get(envExternalID); v != "" {
		switch {
		case !externalIDRegexp.MatchString(v):
			bad(envExternalID, "not a valid external id (2 to 1000 characters of letters, digits and +=,.@:/-)")
		case c.OrgRole == "":
			bad(envExternalID, "set, but %s is not: an external id is only used to assume the org role", envOrgRole)
		default:
			c.ExternalID = v
		}
	}

	if v := get(envMinSeverity); v != "" {
		s, err := audit.ParseSeverity(v)
		if err != nil {
			bad(envMinSeverity, "%q is not a severity (want critical, high, medium, low or info)", v)
		}
		c.MinSeverity = s
	}

	if v := getenv(envSuppressions); strings.TrimSpace(v) != "" {
		if t := strings.TrimSpace(v); strings.HasPrefix(t, "s3://") {
			bucket, key, _ := strings.Cut(strings.TrimPrefix(t, "s3://"), "/")
			if !bucketPattern.MatchString(bucket) || key == "" || strings.ContainsAny(t, " \n") {
				bad(envSuppressions, "%q is not an S3 object URI (want s3://BUCKET/KEY)", t)
			} else {
				c.SuppressionsURI = s3Location{bucket, key}
			}
		} else {
			entries, err := parseSuppressions([]byte(v))
			if err != nil {
				bad(envSuppressions, "inline YAML: %v", err)
			}
			c.Suppressions = entries
		}
	}

	if v := get(envReportBucket); v != "" {
		if !bucketPattern.MatchString(v) || strings.Contains(v, "..") {
			bad(envReportBucket, "%q is not an S3 bucket name (a bucket name only, no s3:// or key)", v)
		} else {
			c.ReportBucket = v
		}
	}

	if v := get(envQuietWhenClean); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad(envQuietWhenClean, "%q is not a boolean (want true or false)", v)
		}
		c.QuietWhenClean = b
	}

	switch v := strings.ToLower(get(envNotify)); v {
	case "", notifyAlways:
	case notifyNew:
		c.Notify = notifyNew
		if get(envReportBucket) == "" {
			bad(envNotify, "%q needs %s: the previous run's report is kept there to tell what is new", v, envReportBucket)
		}
	default:
		bad(envNotify, "%q is not a notify mode (want new or always)", v)
	}

	if v := get(envDeadlineMargin); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			bad(envDeadlineMargin, "%q is not a duration (want e.g. 60s or 2m)", v)
		case d <= 0 || d > maxMargin:
			bad(envDeadlineMargin, "%s is out of range (want more than 0 and at most %s)", d, maxMargin)
		default:
			c.DeadlineMargin = d
		}
	}

	if v := get(envPartFunctions); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			bad(envPartFunctions, "%q is not a whole number (want a number of functions, at least 1)", v)
		case n < 1 || n > maxPartFunctions:
			bad(envPartFunctions, "%d is out of range (want at least 1 and at most %d)", n, maxPartFunctions)
		default:
			c.PartFunctions = n
		}
	}

	for _, sec := range []struct {
		name  string
		value *string
		p     audit.Provider
	}{{envGCPSecret, &c.GCPSecret, audit.GCP}, {envAzureSecret, &c.AzureSecret, audit.Azure}} {
		v := get(sec.name)
		switch {
		case v == "" && slices.Contains(c.Providers, sec.p):
			bad(sec.name, "required when %s includes %s: the Secrets Manager secret holding its credentials", envProviders, sec.p)
		case v == "":
		case !secretPattern.MatchString(v):
			bad(sec.name, "%q is not a Secrets Manager secret name or ARN", v)
		default:
			*sec.value = v
		}
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// splitList splits a comma- or whitespace-separated list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// listOf parses a list variable whose items must match re, without duplicates.
func listOf(v, name string, re *regexp.Regexp, want string, bad func(string, string, ...any)) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range splitList(v) {
		if !re.MatchString(s) {
			bad(name, "%q is not %s", s, want)
			continue
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// parseSuppressions parses a suppressions file; suppress.Parse checks that
// every rule it names exists, so a misspelt rule id is an error instead of an
// entry that never matches.
func parseSuppressions(data []byte) ([]suppress.Entry, error) {
	return suppress.Parse(data)
}
