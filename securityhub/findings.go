package securityhub

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/audit/report"
)

// ASFF constants and Security Hub's documented limits (API reference,
// AwsSecurityFinding and its member types).
const (
	schemaVersion = "2018-10-08"
	maxTitle      = 256
	maxDesc       = 1024
	maxRecText    = 512
	maxNote       = 512
	maxFields     = 50
	maxFieldKey   = 128
	maxFieldValue = 2048
	// Resource Details.Other values must be shorter than 1024 characters.
	maxOtherValue = 1023
	// maxEvidence bounds the evidence quoted per finding: three ProductFields
	// each, so the fields stay within maxFields with room to spare.
	maxEvidence = 8
)

// Options tune how a report becomes ASFF findings.
type Options struct {
	// MinSeverity leaves out findings below it, as report.Filter does for every
	// report format (error findings are always kept); empty keeps all.
	MinSeverity audit.Severity
	// ProductVersion is fnaudit's version, written in ProductFields; empty
	// means "dev".
	ProductVersion string
	// SecurityHubAccountID (12 digits) and SecurityHubRegion name the AWS
	// account and Region that findings outside an AWS account and Region (GCP,
	// Azure, a rule error) are filed under. When both are empty such findings
	// are left out and counted in Omitted. Set both or neither.
	SecurityHubAccountID string
	SecurityHubRegion    string
}

var (
	awsAccountID = regexp.MustCompile(`^[0-9]{12}$`)
	awsRegion    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// Findings returns the ASFF findings of rep in the report's order, and what it
// left out and why. Only bad Options are an error.
func Findings(rep *audit.Report, opts Options) ([]types.AwsSecurityFinding, Omitted, error) {
	if rep == nil {
		return nil, Omitted{}, fmt.Errorf("securityhub: no report")
	}
	if opts.MinSeverity != "" && opts.MinSeverity.Rank() < 0 {
		return nil, Omitted{}, fmt.Errorf("securityhub: unknown minimum severity %q", opts.MinSeverity)
	}
	home, err := homeOf(opts)
	if err != nil {
		return nil, Omitted{}, err
	}
	version := opts.ProductVersion
	if version == "" {
		version = "dev"
	}
	shown, hidden := report.Filter(rep.Findings, opts.MinSeverity)
	om := Omitted{BelowMinSeverity: hidden}
	if hidden > 0 {
		om.MinSeverity = opts.MinSeverity
	}
	at := rep.GeneratedAt.UTC().Format(time.RFC3339Nano)
	out := make([]types.AwsSecurityFinding, 0, len(shown))
	for i := range shown {
		f := &shown[i]
		place, ok := placeOf(f, home)
		if !ok {
			om.addNoAccount(f.Provider)
			continue
		}
		out = append(out, fromFinding(f, place, at, version))
	}
	return out, om, nil
}

// place is an AWS account and Region a finding is filed under.
type place struct{ account, region string }

// homeOf validates the Security Hub account and Region options; the zero place
// means none was given.
func homeOf(opts Options) (place, error) {
	home := place{account: opts.SecurityHubAccountID, region: opts.SecurityHubRegion}
	switch {
	case home == place{}:
		return home, nil
	case !awsAccountID.MatchString(home.account):
		return place{}, fmt.Errorf("securityhub: the Security Hub account %q is not a 12-digit AWS account id", home.account)
	case !awsRegion.MatchString(home.region):
		return place{}, fmt.Errorf("securityhub: the Security Hub region %q is not an AWS Region (e.g. us-east-1)", home.region)
	}
	return home, nil
}

// placeOf returns where f is filed in Security Hub, and false when it has no
// such place (see the package documentation).
func placeOf(f *audit.Finding, home place) (place, bool) {
	if f.Provider == audit.AWS && awsAccountID.MatchString(f.Account) && awsRegion.MatchString(f.Region) {
		return place{account: f.Account, region: f.Region}, true
	}
	return home, home != place{}
}

func fromFinding(f *audit.Finding, p place, at, version string) types.AwsSecurityFinding {
	partition := catalog.AWSPartition(p.region)
	label := severityLabel(f.Severity)
	findingTypes := typesOf(f.Category)
	title := f.Title
	if title == "" {
		title = f.Rule
	}
	if f.Function != "" {
		title = f.Function + ": " + title
	}
	desc := f.Detail
	if strings.TrimSpace(desc) == "" {
		desc = f.Title
	}
	if strings.TrimSpace(desc) == "" {
		desc = f.Rule
	}
	af := types.AwsSecurityFinding{
		SchemaVersion:   aws.String(schemaVersion),
		Id:              aws.String("fnaudit/" + p.account + "/" + p.region + "/" + f.ID),
		ProductArn:      aws.String("arn:" + partition + ":securityhub:" + p.region + ":" + p.account + ":product/" + p.account + "/default"),
		ProductName:     aws.String("fnaudit"),
		CompanyName:     aws.String("fnaudit"),
		GeneratorId:     aws.String(f.Rule),
		AwsAccountId:    aws.String(p.account),
		Types:           findingTypes,
		CreatedAt:       aws.String(at),
		UpdatedAt:       aws.String(at),
		FirstObservedAt: aws.String(at),
		LastObservedAt:  aws.String(at),
		Severity:        &types.Severity{Label: label, Original: aws.String(string(f.Severity))},
		Title:           aws.String(truncateUnits(title, maxTitle)),
		Description:     aws.String(truncateUnits(desc, maxDesc)),
		ProductFields:   productFields(f, version),
		Resources:       append([]types.Resource{resourceOf(f)}, doorResources(f)...),
		Compliance:      &types.Compliance{Status: complianceStatus(f.Status)},
		Workflow:        &types.Workflow{Status: types.WorkflowStatusNew},
		RecordState:     types.RecordStateActive,
		FindingProviderFields: &types.FindingProviderFields{
			Severity: &types.FindingProviderSeverity{Label: label, Original: aws.String(string(f.Severity))},
			Types:    append([]string(nil), findingTypes...),
		},
	}
	if strings.TrimSpace(f.Remediation) != "" {
		af.Remediation = &types.Remediation{Recommendation: &types.Recommendation{Text: aws.String(truncateUnits(f.Remediation, maxRecText))}}
	}
	if f.Status == audit.StatusSuppressed {
		af.Workflow.Status = types.WorkflowStatusSuppressed
		note := "Suppressed in fnaudit"
		if f.Suppression != nil {
			if f.Suppression.Reason != "" {
				note += ": " + f.Suppression.Reason
			}
			if !f.Suppression.Expires.IsZero() {
				note += " (until " + f.Suppression.Expires.UTC().Format(time.DateOnly) + ")"
			}
		}
		af.Note = &types.Note{Text: aws.String(truncateUnits(note, maxNote)), UpdatedBy: aws.String("fnaudit"), UpdatedAt: aws.String(at)}
	}
	return af
}

// severityLabel maps severities to Security Hub's labels.
func severityLabel(s audit.Severity) types.SeverityLabel {
	switch s {
	case audit.Critical:
		return types.SeverityLabelCritical
	case audit.High:
		return types.SeverityLabelHigh
	case audit.Medium:
		return types.SeverityLabelMedium
	case audit.Low:
		return types.SeverityLabelLow
	}
	return types.SeverityLabelInformational
}

// complianceStatus maps statuses to Compliance.Status: a suppressed finding
// still fails the check (its Workflow says it is accepted); unknown is WARNING,
// as Security Hub's own controls report a check that lacked data; error is
// NOT_AVAILABLE, the check did not run.
func complianceStatus(s audit.Status) types.ComplianceStatus {
	switch s {
	case audit.StatusFail, audit.StatusSuppressed:
		return types.ComplianceStatusFailed
	case audit.StatusUnknown:
		return types.ComplianceStatusWarning
	}
	return types.ComplianceStatusNotAvailable
}

// bestPractice is the type every fnaudit finding carries: a configuration
// check. ASFF's taxonomy is namespace/category/classifier; the classifier names
// the fnaudit category.
const bestPractice = "Software and Configuration Checks/AWS Security Best Practices"

// typesOf maps a category to ASFF finding types: the configuration check, plus
// the effect or data type the category implies where ASFF has one.
func typesOf(c audit.Category) []string {
	switch c {
	case audit.PublicInvoke:
		return []string{bestPractice + "/Public Invocation", "Effects/Data Exposure"}
	case audit.CrossAccountInvoke:
		return []string{bestPractice + "/Cross-Account Invocation", "Effects/Data Exposure"}
	case audit.AdminAccess:
		return []string{bestPractice + "/Administrative Access"}
	case audit.PrivilegeEscalation:
		return []string{bestPractice + "/Privilege Escalation", "TTPs/Privilege Escalation"}
	case audit.WildcardPermission:
		return []string{bestPractice + "/Wildcard Permissions"}
	case audit.DeprecatedRuntime:
		// A runtime past end of support no longer gets security patches.
		return []string{bestPractice + "/Deprecated Runtime", "Software and Configuration Checks/Vulnerabilities"}
	case audit.PlaintextSecret:
		return []string{bestPractice + "/Plaintext Secret", "Sensitive Data Identifications/Passwords"}
	}
	return []string{bestPractice}
}

// resourceOf describes the function: an AwsLambdaFunction for an AWS function
// ARN, Other (with the provider's own location in Details.Other) for anything
// else, including a rule error's "rule:ID" resource.
func resourceOf(f *audit.Finding) types.Resource {
	if f.Provider == audit.AWS && strings.HasPrefix(f.Resource, "arn:") {
		res := types.Resource{
			Type:      aws.String("AwsLambdaFunction"),
			Id:        aws.String(f.Resource),
			Partition: types.Partition(arnPartition(f.Resource)),
		}
		if f.Region != "" {
			res.Region = aws.String(f.Region)
		}
		if f.Function != "" {
			res.Details = &types.ResourceDetails{AwsLambdaFunction: &types.AwsLambdaFunctionDetails{FunctionName: aws.String(f.Function)}}
		}
		return res
	}
	other := map[string]string{"provider": string(f.Provider)}
	set := func(k, v string) {
		if v != "" {
			other[k] = truncateUnits(v, maxOtherValue)
		}
	}
	set("account", f.Account)
	set("region", f.Region)
	set("function", f.Function)
	return types.Resource{Type: aws.String("Other"), Id: aws.String(f.Resource), Details: &types.ResourceDetails{Other: other}}
}

// doorResources describes the finding's front door (the API route, load
// balancer rule or CDN origin the finding reaches the function through), when
// it has one, as a second resource of type Other.
func doorResources(f *audit.Finding) []types.Resource {
	d := f.FrontDoor
	if d == nil {
		return nil
	}
	other := map[string]string{"kind": string(d.Kind)}
	if d.Address != "" {
		other["address"] = truncateUnits(d.Address, maxOtherValue)
	}
	if d.Parent != "" {
		other["parent"] = truncateUnits(d.Parent, maxOtherValue)
	}
	res := types.Resource{Type: aws.String("Other"), Id: aws.String(d.ID), Details: &types.ResourceDetails{Other: other}}
	if f.Provider == audit.AWS && strings.HasPrefix(d.ID, "arn:") {
		res.Partition = types.Partition(arnPartition(d.ID))
		if f.Region != "" {
			res.Region = aws.String(f.Region)
		}
	}
	return []types.Resource{res}
}

// productFields are fnaudit's own fields, within Security Hub's limits. Keys are
// "fnaudit/..." except ProviderName and ProviderVersion, the names Security
// Hub's own integrations use.
func productFields(f *audit.Finding, version string) map[string]string {
	pf := map[string]string{
		"ProviderName":      "fnaudit",
		"ProviderVersion":   version,
		"fnaudit/findingId": f.ID,
		"fnaudit/rule":      f.Rule,
		"fnaudit/category":  string(f.Category),
		"fnaudit/status":    string(f.Status),
		"fnaudit/provider":  string(f.Provider),
	}
	set := func(k, v string) {
		if v != "" {
			pf[k] = truncateUnits(v, maxFieldValue)
		}
	}
	set("fnaudit/slug", f.Slug)
	set("fnaudit/key", f.Key)
	set("fnaudit/account", f.Account)
	set("fnaudit/region", f.Region)
	set("fnaudit/function", f.Function)
	if s := f.Suppression; s != nil {
		set("fnaudit/suppression/reason", s.Reason)
		set("fnaudit/suppression/entry", s.Entry)
		if !s.Expires.IsZero() {
			set("fnaudit/suppression/expires", s.Expires.UTC().Format(time.RFC3339))
		}
	}
	if n := len(f.Evidence); n > 0 {
		pf["fnaudit/evidence/count"] = strconv.Itoa(n)
	}
	for i, e := range f.Evidence {
		if i == maxEvidence {
			break
		}
		prefix := "fnaudit/evidence/" + strconv.Itoa(i+1) + "/"
		set(prefix+"source", strings.TrimSpace(e.Source.API+" "+e.Source.Ref))
		set(prefix+"path", e.Path)
		set(prefix+"fragment", e.Fragment)
	}
	return pf
}

// arnPartition returns the partition field of an ARN, "aws" when it has none.
func arnPartition(arn string) string {
	if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}

// truncateUnits cuts s to at most max UTF-16 code units (how AWS APIs count
// characters; a rune outside the Basic Multilingual Plane counts two), ending a
// cut string with an ellipsis. It never splits a rune.
func truncateUnits(s string, max int) string {
	if utf16Len(s) <= max {
		return s
	}
	budget := max - 1 // the ellipsis is one unit
	n, end := 0, 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		u := runeUnits(r)
		if n+u > budget {
			break
		}
		n += u
		end += size
	}
	return strings.TrimRight(s[:end], " \t\r\n") + "…"
}

// utf16Len is the length of s in UTF-16 code units; an invalid byte counts as
// the U+FFFD that a JSON encoder writes for it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if u := utf16.RuneLen(r); u > 0 {
		return u
	}
	return 1
}
