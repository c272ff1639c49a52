package report

import (
	"encoding/json"
	"io"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// OCSF Detection Finding constants (OCSF 1.3, class "Detection Finding").
const (
	ocsfVersion      = "1.3.0"
	ocsfClassUID     = 2004
	ocsfCategoryUID  = 2 // Findings
	ocsfActivityNew  = 1 // Create
	ocsfAnalyticRule = 1 // analytic type_id: Rule
)

// ocsfFinding is one OCSF Detection Finding. Field names are OCSF's; optional
// attributes are omitted when empty, as OCSF consumers expect.
type ocsfFinding struct {
	ActivityID   int    `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	CategoryUID  int    `json:"category_uid"`
	CategoryName string `json:"category_name"`
	ClassUID     int    `json:"class_uid"`
	ClassName    string `json:"class_name"`
	TypeUID      int    `json:"type_uid"`
	TypeName     string `json:"type_name"`

	SeverityID   int    `json:"severity_id"`
	Severity     string `json:"severity"`
	StatusID     int    `json:"status_id"`
	Status       string `json:"status"`
	StatusCode   string `json:"status_code"`
	StatusDetail string `json:"status_detail,omitempty"`
	Message      string `json:"message"`

	Time   int64  `json:"time"`
	TimeDT string `json:"time_dt"`

	Metadata    ocsfMetadata      `json:"metadata"`
	FindingInfo ocsfFindingInfo   `json:"finding_info"`
	Resources   []ocsfResource    `json:"resources"`
	Cloud       ocsfCloud         `json:"cloud"`
	Remediation *ocsfRemediation  `json:"remediation,omitempty"`
	Comment     string            `json:"comment,omitempty"`
	Unmapped    ocsfUnmappedBlock `json:"unmapped"`
}

type ocsfMetadata struct {
	Version   string      `json:"version"`
	Product   ocsfProduct `json:"product"`
	EventCode string      `json:"event_code"`
	Profiles  []string    `json:"profiles"`
	UID       string      `json:"uid"`
}

type ocsfProduct struct {
	Name       string `json:"name"`
	UID        string `json:"uid"`
	VendorName string `json:"vendor_name"`
	Version    string `json:"version"`
}

type ocsfFindingInfo struct {
	UID             string       `json:"uid"`
	Title           string       `json:"title"`
	Desc            string       `json:"desc,omitempty"`
	Types           []string     `json:"types"`
	Analytic        ocsfAnalytic `json:"analytic"`
	CreatedTime     int64        `json:"created_time"`
	CreatedTimeDT   string       `json:"created_time_dt"`
	FirstSeenTime   int64        `json:"first_seen_time"`
	FirstSeenTimeDT string       `json:"first_seen_time_dt"`
	LastSeenTime    int64        `json:"last_seen_time"`
	LastSeenTimeDT  string       `json:"last_seen_time_dt"`
	ProductUID      string       `json:"product_uid"`
}

type ocsfAnalytic struct {
	UID      string `json:"uid"`
	Name     string `json:"name,omitempty"`
	Category string `json:"category"`
	Type     string `json:"type"`
	TypeID   int    `json:"type_id"`
}

type ocsfResource struct {
	UID    string     `json:"uid"`
	Name   string     `json:"name,omitempty"`
	Type   string     `json:"type"`
	Region string     `json:"region,omitempty"`
	Group  *ocsfGroup `json:"group,omitempty"`
}

type ocsfGroup struct {
	Name string `json:"name"`
}

type ocsfCloud struct {
	Provider string       `json:"provider"`
	Region   string       `json:"region,omitempty"`
	Account  *ocsfAccount `json:"account,omitempty"`
}

type ocsfAccount struct {
	UID    string `json:"uid"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

type ocsfRemediation struct {
	Desc       string   `json:"desc"`
	References []string `json:"references,omitempty"`
}

// ocsfUnmappedBlock carries fnaudit fields OCSF has no attribute for.
type ocsfUnmappedBlock struct {
	Rule        string             `json:"rule"`
	Slug        string             `json:"slug,omitempty"`
	Category    string             `json:"category"`
	Key         string             `json:"key,omitempty"`
	Evidence    []audit.Evidence   `json:"evidence,omitempty"`
	Suppression *audit.Suppression `json:"suppression,omitempty"`
}

func renderOCSF(w io.Writer, r *audit.Report, shown []audit.Finding, opts Options) error {
	version := opts.ProductVersion
	if version == "" {
		version = "dev"
	}
	at := r.GeneratedAt.UTC()
	ms, dt := at.UnixMilli(), at.Format(time.RFC3339Nano)
	out := make([]ocsfFinding, 0, len(shown))
	for i := range shown {
		f := &shown[i]
		sevID, sevName := ocsfSeverity(f.Severity)
		stID, stName := ocsfStatus(f.Status)
		acctType, acctTypeID := ocsfAccountType(f.Provider)
		of := ocsfFinding{
			ActivityID:   ocsfActivityNew,
			ActivityName: "Create",
			CategoryUID:  ocsfCategoryUID,
			CategoryName: "Findings",
			ClassUID:     ocsfClassUID,
			ClassName:    "Detection Finding",
			TypeUID:      ocsfClassUID*100 + ocsfActivityNew,
			TypeName:     "Detection Finding: Create",
			SeverityID:   sevID,
			Severity:     sevName,
			StatusID:     stID,
			Status:       stName,
			StatusCode:   string(f.Status),
			StatusDetail: f.Detail,
			Message:      f.Title,
			Time:         ms,
			TimeDT:       dt,
			Metadata: ocsfMetadata{
				Version:   ocsfVersion,
				Product:   ocsfProduct{Name: "fnaudit", UID: "fnaudit", VendorName: "fnaudit", Version: version},
				EventCode: f.Rule,
				Profiles:  []string{"cloud", "datetime"},
				UID:       f.ID,
			},
			FindingInfo: ocsfFindingInfo{
				UID:             f.ID,
				Title:           f.Title,
				Desc:            f.Detail,
				Types:           []string{string(f.Category)},
				Analytic:        ocsfAnalytic{UID: f.Rule, Name: f.Slug, Category: string(f.Category), Type: "Rule", TypeID: ocsfAnalyticRule},
				CreatedTime:     ms,
				CreatedTimeDT:   dt,
				FirstSeenTime:   ms,
				FirstSeenTimeDT: dt,
				LastSeenTime:    ms,
				LastSeenTimeDT:  dt,
				ProductUID:      "fnaudit",
			},
			Resources: append([]ocsfResource{{
				UID:    f.Resource,
				Name:   f.Function,
				Type:   ocsfResourceType(f.Provider, f.Resource),
				Region: f.Region,
				Group:  ocsfResourceGroup(f.Provider),
			}}, ocsfDoorResources(f)...),
			Cloud: ocsfCloud{
				Provider: ocsfProvider(f.Provider),
				Region:   f.Region,
			},
			Unmapped: ocsfUnmappedBlock{
				Rule:        f.Rule,
				Slug:        f.Slug,
				Category:    string(f.Category),
				Key:         f.Key,
				Evidence:    f.Evidence,
				Suppression: f.Suppression,
			},
		}
		if f.Account != "" {
			of.Cloud.Account = &ocsfAccount{UID: f.Account, Type: acctType, TypeID: acctTypeID}
		}
		if f.Remediation != "" {
			of.Remediation = &ocsfRemediation{Desc: f.Remediation}
		}
		if f.Suppression != nil {
			of.Comment = "suppressed: " + f.Suppression.Reason
		}
		out = append(out, of)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// ocsfSeverity maps severities to OCSF severity_id: 1 Informational, 2 Low,
// 3 Medium, 4 High, 5 Critical (0 Unknown).
func ocsfSeverity(s audit.Severity) (int, string) {
	switch s {
	case audit.Info:
		return 1, "Informational"
	case audit.Low:
		return 2, "Low"
	case audit.Medium:
		return 3, "Medium"
	case audit.High:
		return 4, "High"
	case audit.Critical:
		return 5, "Critical"
	}
	return 0, "Unknown"
}

// ocsfStatus maps statuses to the OCSF finding status_id: a fail is New (1), a
// suppressed finding Suppressed (3), a rule that could not decide Unknown (0) and
// a rule that broke Other (99, "Error"); status_code keeps fnaudit's status.
func ocsfStatus(s audit.Status) (int, string) {
	switch s {
	case audit.StatusFail:
		return 1, "New"
	case audit.StatusSuppressed:
		return 3, "Suppressed"
	case audit.StatusError:
		return 99, "Error"
	}
	return 0, "Unknown"
}

// ocsfAccountType maps the audited scope to the OCSF account type, following what
// Prowler emits: AWS Account (10), GCP Account (5) for a project, Azure AD Account
// (6) for a subscription.
func ocsfAccountType(p audit.Provider) (string, int) {
	switch p {
	case audit.AWS:
		return "AWS Account", 10
	case audit.GCP:
		return "GCP Account", 5
	case audit.Azure:
		return "Azure AD Account", 6
	}
	return "Other", 99
}

func ocsfProvider(p audit.Provider) string {
	switch p {
	case audit.AWS:
		return "AWS"
	case audit.GCP:
		return "GCP"
	case audit.Azure:
		return "Azure"
	}
	return string(p)
}

// ocsfResourceType names the resource in each provider's own type vocabulary
// (CloudFormation, Cloud Asset Inventory, ARM). A finding about a whole rule
// (an error finding) has the resource "rule:ID".
func ocsfResourceType(p audit.Provider, resource string) string {
	if len(resource) > 5 && resource[:5] == "rule:" {
		return "fnaudit Rule"
	}
	switch p {
	case audit.AWS:
		return "AWS::Lambda::Function"
	case audit.GCP:
		return "cloudfunctions.googleapis.com/Function"
	case audit.Azure:
		return "Microsoft.Web/sites/functions"
	}
	return "Function"
}

// ocsfDoorResources describes the finding's front door as a second resource:
// its id, its address as the name and its kind as the type.
func ocsfDoorResources(f *audit.Finding) []ocsfResource {
	d := f.FrontDoor
	if d == nil {
		return nil
	}
	typ := map[audit.FrontDoorKind]string{
		audit.DoorRESTMethod:       "AWS::ApiGateway::Method",
		audit.DoorHTTPRoute:        "AWS::ApiGatewayV2::Route",
		audit.DoorWebSocketRoute:   "AWS::ApiGatewayV2::Route",
		audit.DoorLoadBalancerRule: "AWS::ElasticLoadBalancingV2::ListenerRule",
		audit.DoorCDNOrigin:        "AWS::CloudFront::Distribution",
		audit.DoorGraphQLAPI:       "AWS::AppSync::GraphQLApi",
	}[d.Kind]
	if typ == "" || f.Provider != audit.AWS {
		typ = "fnaudit FrontDoor " + string(d.Kind)
	}
	return []ocsfResource{{UID: d.ID, Name: d.Address, Type: typ, Region: f.Region}}
}

func ocsfResourceGroup(p audit.Provider) *ocsfGroup {
	switch p {
	case audit.AWS:
		return &ocsfGroup{Name: "lambda"}
	case audit.GCP:
		return &ocsfGroup{Name: "cloudfunctions"}
	case audit.Azure:
		return &ocsfGroup{Name: "functions"}
	}
	return nil
}
