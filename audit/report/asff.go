package report

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

// The asff format is a JSON array of AWS Security Finding Format (ASFF) findings,
// the Findings list of a Security Hub BatchImportFindings request for a custom
// integration (the account's "default" product). How fnaudit fills it:
//
//   - Account: Security Hub accepts a finding from the default product only from
//     the account named in its AwsAccountId, which must be 12 digits. An AWS
//     finding is filed under its own account and Region. Any other finding (a GCP
//     project, an Azure subscription, a rule error without an account) is filed
//     under Options.SecurityHubAccountID and SecurityHubRegion when they are set,
//     and left out of the array when they are not: such a finding has no AWS
//     account a Security Hub could accept it for. Its own project or subscription
//     and region stay in ProductFields and Resources[0].Details.Other.
//   - Id is "fnaudit/<AwsAccountId>/<Region>/<finding id>": stable across runs, so
//     a re-import updates the finding instead of adding a copy. GeneratorId is the
//     rule id. ProductArn is the account's default product in that Region.
//   - CreatedAt, UpdatedAt, FirstObservedAt and LastObservedAt are the report's
//     GeneratedAt: fnaudit keeps no history, so every run reports what it saw then.
//   - Compliance.Status is FAILED for fail and suppressed, WARNING for unknown (a
//     rule lacked data) and NOT_AVAILABLE for error (a rule broke). A suppressed
//     finding has Workflow.Status SUPPRESSED and a Note with the reason; all others
//     are NEW. Security Hub takes Workflow and Note only when it creates a
//     finding, so a suppression added later must be applied there too.
//   - Severity and Types are repeated in FindingProviderFields, which is where
//     Security Hub takes a provider's updates to them from.
//   - Title, Description, Remediation.Recommendation.Text and Note.Text are cut to
//     Security Hub's limits (256, 1024, 512 and 512 characters) with an ellipsis.
//     ProductFields (string values, at most 50 keys of up to 128 characters,
//     values up to 2048) carry the rule, category, status, native account and
//     region, the suppression and up to asffMaxEvidence pieces of evidence.
//
// Output is deterministic: findings keep the report's order, and the only maps
// (ProductFields, Details.Other) are encoded by encoding/json, which sorts keys.

// ASFF constants and Security Hub's documented limits (API reference,
// AwsSecurityFinding and its member types).
const (
	asffSchemaVersion = "2018-10-08"
	asffMaxTitle      = 256
	asffMaxDesc       = 1024
	asffMaxRecText    = 512
	asffMaxNote       = 512
	asffMaxFields     = 50
	asffMaxFieldKey   = 128
	asffMaxFieldValue = 2048
	// Resource Details.Other values must be shorter than 1024 characters.
	asffMaxOtherValue = 1023
	// asffMaxEvidence bounds the evidence quoted per finding: three ProductFields
	// each, so the fields stay within asffMaxFields with room to spare.
	asffMaxEvidence = 8
)

// asffFinding is one AwsSecurityFinding. Field names are ASFF's; the attributes
// Security Hub requires are never omitted.
type asffFinding struct {
	SchemaVersion   string             `json:"SchemaVersion"`
	ID              string             `json:"Id"`
	ProductArn      string             `json:"ProductArn"`
	ProductName     string             `json:"ProductName"`
	CompanyName     string             `json:"CompanyName"`
	GeneratorID     string             `json:"GeneratorId"`
	AwsAccountID    string             `json:"AwsAccountId"`
	Types           []string           `json:"Types"`
	CreatedAt       string             `json:"CreatedAt"`
	UpdatedAt       string             `json:"UpdatedAt"`
	FirstObservedAt string             `json:"FirstObservedAt"`
	LastObservedAt  string             `json:"LastObservedAt"`
	Severity        asffSeverity       `json:"Severity"`
	Title           string             `json:"Title"`
	Description     string             `json:"Description"`
	Remediation     *asffRemediation   `json:"Remediation,omitempty"`
	ProductFields   map[string]string  `json:"ProductFields"`
	Resources       []asffResource     `json:"Resources"`
	Compliance      asffCompliance     `json:"Compliance"`
	Workflow        asffWorkflow       `json:"Workflow"`
	RecordState     string             `json:"RecordState"`
	Note            *asffNote          `json:"Note,omitempty"`
	ProviderFields  asffProviderFields `json:"FindingProviderFields"`
}

type asffSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original"`
}

type asffRemediation struct {
	Recommendation asffRecommendation `json:"Recommendation"`
}

type asffRecommendation struct {
	Text string `json:"Text"`
}

type asffResource struct {
	Type      string               `json:"Type"`
	ID        string               `json:"Id"`
	Partition string               `json:"Partition,omitempty"`
	Region    string               `json:"Region,omitempty"`
	Details   *asffResourceDetails `json:"Details,omitempty"`
}

type asffResourceDetails struct {
	AwsLambdaFunction *asffLambdaDetails `json:"AwsLambdaFunction,omitempty"`
	Other             map[string]string  `json:"Other,omitempty"`
}

type asffLambdaDetails struct {
	FunctionName string `json:"FunctionName"`
}

type asffCompliance struct {
	Status string `json:"Status"`
}

type asffWorkflow struct {
	Status string `json:"Status"`
}

type asffNote struct {
	Text      string `json:"Text"`
	UpdatedBy string `json:"UpdatedBy"`
	UpdatedAt string `json:"UpdatedAt"`
}

type asffProviderFields struct {
	Severity asffSeverity `json:"Severity"`
	Types    []string     `json:"Types"`
}

var (
	awsAccountID = regexp.MustCompile(`^[0-9]{12}$`)
	awsRegion    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

func renderASFF(w io.Writer, r *audit.Report, shown []audit.Finding, opts Options) error {
	home, err := asffHome(opts)
	if err != nil {
		return err
	}
	version := opts.ProductVersion
	if version == "" {
		version = "dev"
	}
	at := r.GeneratedAt.UTC().Format(time.RFC3339Nano)
	out := make([]asffFinding, 0, len(shown))
	for i := range shown {
		if af, ok := asffFromFinding(&shown[i], home, at, version); ok {
			out = append(out, af)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// asffPlace is an AWS account and Region a finding is filed under.
type asffPlace struct{ account, region string }

// asffHome validates the Security Hub account and Region options; the zero place
// means none was given.
func asffHome(opts Options) (asffPlace, error) {
	home := asffPlace{account: opts.SecurityHubAccountID, region: opts.SecurityHubRegion}
	switch {
	case home == asffPlace{}:
		return home, nil
	case !awsAccountID.MatchString(home.account):
		return asffPlace{}, fmt.Errorf("the Security Hub account %q is not a 12-digit AWS account id", home.account)
	case !awsRegion.MatchString(home.region):
		return asffPlace{}, fmt.Errorf("the Security Hub region %q is not an AWS Region (e.g. us-east-1)", home.region)
	}
	return home, nil
}

// asffPlaceOf returns where f is filed in Security Hub, and false when it has
// no such place (see the format's documentation above).
func asffPlaceOf(f *audit.Finding, home asffPlace) (asffPlace, bool) {
	if f.Provider == audit.AWS && awsAccountID.MatchString(f.Account) && awsRegion.MatchString(f.Region) {
		return asffPlace{account: f.Account, region: f.Region}, true
	}
	return home, home != asffPlace{}
}

func asffFromFinding(f *audit.Finding, home asffPlace, at, version string) (asffFinding, bool) {
	place, ok := asffPlaceOf(f, home)
	if !ok {
		return asffFinding{}, false
	}
	partition := catalog.AWSPartition(place.region)
	sev := asffSeverity{Label: asffSeverityLabel(f.Severity), Original: string(f.Severity)}
	types := asffTypes(f.Category)
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
	af := asffFinding{
		SchemaVersion:   asffSchemaVersion,
		ID:              "fnaudit/" + place.account + "/" + place.region + "/" + f.ID,
		ProductArn:      "arn:" + partition + ":securityhub:" + place.region + ":" + place.account + ":product/" + place.account + "/default",
		ProductName:     "fnaudit",
		CompanyName:     "fnaudit",
		GeneratorID:     f.Rule,
		AwsAccountID:    place.account,
		Types:           types,
		CreatedAt:       at,
		UpdatedAt:       at,
		FirstObservedAt: at,
		LastObservedAt:  at,
		Severity:        sev,
		Title:           truncateUnits(title, asffMaxTitle),
		Description:     truncateUnits(desc, asffMaxDesc),
		ProductFields:   asffProductFields(f, version),
		Resources:       append([]asffResource{asffResourceOf(f)}, asffDoorResources(f)...),
		Compliance:      asffCompliance{Status: asffComplianceStatus(f.Status)},
		Workflow:        asffWorkflow{Status: "NEW"},
		RecordState:     "ACTIVE",
		ProviderFields:  asffProviderFields{Severity: sev, Types: types},
	}
	if strings.TrimSpace(f.Remediation) != "" {
		af.Remediation = &asffRemediation{Recommendation: asffRecommendation{Text: truncateUnits(f.Remediation, asffMaxRecText)}}
	}
	if f.Status == audit.StatusSuppressed {
		af.Workflow.Status = "SUPPRESSED"
		note := "Suppressed in fnaudit"
		if f.Suppression != nil {
			if f.Suppression.Reason != "" {
				note += ": " + f.Suppression.Reason
			}
			if !f.Suppression.Expires.IsZero() {
				note += " (until " + f.Suppression.Expires.UTC().Format(time.DateOnly) + ")"
			}
		}
		af.Note = &asffNote{Text: truncateUnits(note, asffMaxNote), UpdatedBy: "fnaudit", UpdatedAt: at}
	}
	return af, true
}

// asffSeverityLabel maps severities to Security Hub's labels.
func asffSeverityLabel(s audit.Severity) string {
	switch s {
	case audit.Critical:
		return "CRITICAL"
	case audit.High:
		return "HIGH"
	case audit.Medium:
		return "MEDIUM"
	case audit.Low:
		return "LOW"
	}
	return "INFORMATIONAL"
}

// asffComplianceStatus maps statuses to Compliance.Status: a suppressed finding
// still fails the check (its Workflow says it is accepted); unknown is WARNING,
// as Security Hub's own controls report a check that lacked data; error is
// NOT_AVAILABLE, the check did not run.
func asffComplianceStatus(s audit.Status) string {
	switch s {
	case audit.StatusFail, audit.StatusSuppressed:
		return "FAILED"
	case audit.StatusUnknown:
		return "WARNING"
	}
	return "NOT_AVAILABLE"
}

// asffBestPractice is the type every fnaudit finding carries: a configuration
// check. ASFF's taxonomy is namespace/category/classifier; the classifier names
// the fnaudit category.
const asffBestPractice = "Software and Configuration Checks/AWS Security Best Practices"

// asffTypes maps a category to ASFF finding types: the configuration check, plus
// the effect or data type the category implies where ASFF has one.
func asffTypes(c audit.Category) []string {
	switch c {
	case audit.PublicInvoke:
		return []string{asffBestPractice + "/Public Invocation", "Effects/Data Exposure"}
	case audit.CrossAccountInvoke:
		return []string{asffBestPractice + "/Cross-Account Invocation", "Effects/Data Exposure"}
	case audit.AdminAccess:
		return []string{asffBestPractice + "/Administrative Access"}
	case audit.PrivilegeEscalation:
		return []string{asffBestPractice + "/Privilege Escalation", "TTPs/Privilege Escalation"}
	case audit.WildcardPermission:
		return []string{asffBestPractice + "/Wildcard Permissions"}
	case audit.DeprecatedRuntime:
		// A runtime past end of support no longer gets security patches.
		return []string{asffBestPractice + "/Deprecated Runtime", "Software and Configuration Checks/Vulnerabilities"}
	case audit.PlaintextSecret:
		return []string{asffBestPractice + "/Plaintext Secret", "Sensitive Data Identifications/Passwords"}
	}
	return []string{asffBestPractice}
}

// asffResourceOf describes the function: an AwsLambdaFunction for an AWS
// function ARN, Other (with the provider's own location in Details.Other) for
// anything else, including a rule error's "rule:ID" resource.
func asffResourceOf(f *audit.Finding) asffResource {
	if f.Provider == audit.AWS && strings.HasPrefix(f.Resource, "arn:") {
		res := asffResource{Type: "AwsLambdaFunction", ID: f.Resource, Partition: arnPartition(f.Resource), Region: f.Region}
		if f.Function != "" {
			res.Details = &asffResourceDetails{AwsLambdaFunction: &asffLambdaDetails{FunctionName: f.Function}}
		}
		return res
	}
	other := map[string]string{"provider": string(f.Provider)}
	set := func(k, v string) {
		if v != "" {
			other[k] = truncateUnits(v, asffMaxOtherValue)
		}
	}
	set("account", f.Account)
	set("region", f.Region)
	set("function", f.Function)
	return asffResource{Type: "Other", ID: f.Resource, Details: &asffResourceDetails{Other: other}}
}

// asffDoorResources describes the finding's front door, when it has one, as a
// second resource of type Other: its id, kind, address and parent.
func asffDoorResources(f *audit.Finding) []asffResource {
	d := f.FrontDoor
	if d == nil {
		return nil
	}
	other := map[string]string{"kind": string(d.Kind)}
	if d.Address != "" {
		other["address"] = truncateUnits(d.Address, asffMaxOtherValue)
	}
	if d.Parent != "" {
		other["parent"] = truncateUnits(d.Parent, asffMaxOtherValue)
	}
	res := asffResource{Type: "Other", ID: d.ID, Details: &asffResourceDetails{Other: other}}
	if f.Provider == audit.AWS && strings.HasPrefix(d.ID, "arn:") {
		res.Partition, res.Region = arnPartition(d.ID), f.Region
	}
	return []asffResource{res}
}

// asffProductFields are fnaudit's own fields, within Security Hub's limits. Keys
// are "fnaudit/..." except ProviderName and ProviderVersion, the names Security
// Hub's own integrations use.
func asffProductFields(f *audit.Finding, version string) map[string]string {
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
			pf[k] = truncateUnits(v, asffMaxFieldValue)
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
		if i == asffMaxEvidence {
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
// the U+FFFD that encoding/json writes for it.
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
