package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// ReportSchema is the value of Report.Schema for this version of the report.
const ReportSchema = "fnaudit.report/v1"

// Finding is one verdict of one rule about one resource: the product's contract.
type Finding struct {
	// ID is a stable hash of (rule, resource, key), so two runs diff cleanly.
	ID       string   `json:"id"`
	Rule     string   `json:"rule"`
	Slug     string   `json:"slug,omitempty"`
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	Status   Status   `json:"status"`
	Provider Provider `json:"provider"`
	Account  string   `json:"account,omitempty"`
	Region   string   `json:"region,omitempty"`
	// Resource is the function's id (ARN / resource name / ARM id).
	Resource string `json:"resource"`
	Function string `json:"function,omitempty"`
	// Key distinguishes several findings of one rule on one resource (an alias, an
	// escalation method); empty when the rule reports at most once per resource.
	Key         string       `json:"key,omitempty"`
	Title       string       `json:"title"`
	Detail      string       `json:"detail,omitempty"`
	Evidence    []Evidence   `json:"evidence,omitempty"`
	Remediation string       `json:"remediation,omitempty"`
	Suppression *Suppression `json:"suppression,omitempty"`
	// FrontDoor names the front door the finding is about, when the function
	// is reached through one (an API route, a load balancer rule, a CDN origin).
	FrontDoor *DoorRef `json:"frontDoor,omitempty"`
}

// DoorRef names a front door in a finding: enough to find it without the
// inventory.
type DoorRef struct {
	// ID is the door's id (FrontDoor.ID).
	ID   string        `json:"id"`
	Kind FrontDoorKind `json:"kind"`
	// Address is the door's address as "METHOD URL" (FrontDoor.Address).
	Address string `json:"address,omitempty"`
	// Parent is the API, load balancer or distribution the door belongs to.
	Parent string `json:"parent,omitempty"`
}

// Ref returns the reference a finding carries for the door.
func (d *FrontDoor) Ref() *DoorRef {
	return &DoorRef{ID: d.ID, Kind: d.Kind, Address: d.Address(), Parent: d.Parent}
}

// Evidence is what made a rule decide: a policy statement, a binding, a setting,
// quoted with where it came from.
type Evidence struct {
	// Source is the API call and object the evidence was read from.
	Source Source `json:"source"`
	// Path names the element inside the object, e.g. `Statement[Sid=PublicURL]`,
	// `bindings[roles/run.invoker]`, `siteConfig.ipSecurityRestrictions`.
	Path string `json:"path,omitempty"`
	// Fragment quotes the element (a statement's JSON, "allUsers", "authLevel=anonymous").
	Fragment string `json:"fragment,omitempty"`
}

// Suppression records why a finding is accepted; see the suppressions file format.
type Suppression struct {
	Reason  string    `json:"reason"`
	Expires time.Time `json:"expires,omitzero"`
	// Entry identifies the suppression entry (its rule or category and resource glob).
	Entry string `json:"entry,omitempty"`
}

// FindingID returns the stable id of a finding of rule on resource with key.
func FindingID(rule, resource, key string) string {
	h := sha256.New()
	h.Write([]byte(rule))
	h.Write([]byte{0})
	h.Write([]byte(resource))
	if key != "" {
		h.Write([]byte{0})
		h.Write([]byte(key))
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// Report is the outcome of an analysis: findings, gaps and their summary.
type Report struct {
	Schema      string    `json:"schema"`
	GeneratedAt time.Time `json:"generatedAt"`
	Scope       Scope     `json:"scope"`
	Summary     Summary   `json:"summary"`
	Findings    []Finding `json:"findings"`
	Gaps        []Gap     `json:"gaps"`
	// Warnings are notes for the operator, e.g. an expired suppression entry.
	Warnings []string `json:"warnings,omitempty"`
	// Control says who can change each function (audit/control.Summaries);
	// empty when the caller did not compute it.
	Control []FunctionControl `json:"control,omitempty"`
}

// Scope summarizes what was analyzed.
type Scope struct {
	Providers []Provider `json:"providers"`
	Accounts  int        `json:"accounts"`
	Regions   []string   `json:"regions"`
	Functions int        `json:"functions"`
}

// Summary counts a report's findings. Severity and category counts include only
// findings with status fail (open findings).
type Summary struct {
	Total      int              `json:"total"`
	Open       int              `json:"open"`
	BySeverity map[Severity]int `json:"bySeverity"`
	ByCategory map[Category]int `json:"byCategory"`
	ByStatus   map[Status]int   `json:"byStatus"`
	ByProvider map[Provider]int `json:"byProvider"`
	Gaps       int              `json:"gaps"`
}
