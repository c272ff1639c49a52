package awstest

import (
	"context"
	"fmt"
	"net/http"
)

// Account is one AWS account of the estate. Tests fill its fields before the
// code under test runs; the server reads them under its lock.
type Account struct {
	ID   string
	Name string
	// Status is the organization status (ACTIVE, SUSPENDED); InOrg makes the
	// account a member of the server's organization.
	Status string
	InOrg  bool
	// Regions are the enabled regions; calls to any other region fail the way an
	// opted-out region does (UnrecognizedClientException).
	Regions map[string]*Region
	// Roles and Policies are the account's IAM roles and customer-managed
	// policies; AWSPolicies are AWS managed policies attached in the account.
	Roles       []*Role
	Policies    []*ManagedPolicy
	AWSPolicies []*ManagedPolicy
	// Users and Groups are the account's IAM users and groups (see iam.go).
	Users  []*User
	Groups []*Group
	// Deny lists operations ("lambda:GetPolicy", "lambda:*", "*") answered with
	// AccessDenied for this account's callers.
	Deny []string
}

// Region holds the Lambda resources of one account in one region.
type Region struct {
	Functions           []*Function
	EventSourceMappings []*EventSourceMapping
}

// Function is a Lambda function.
type Function struct {
	Name        string
	Runtime     string
	Handler     string
	PackageType string // Zip (default) or Image
	Role        string // execution role ARN
	Description string
	Env         map[string]string
	Layers      []string
	// Policy is the unqualified resource policy document (JSON); empty = none.
	Policy  string
	Aliases []*Alias
	// URL is the unqualified function URL's auth type (NONE or AWS_IAM); empty =
	// no URL.
	URL  string
	Tags map[string]string
}

// Alias is a Lambda alias with its own policy and URL.
type Alias struct {
	Name    string
	Version string
	Policy  string
	URL     string // auth type; empty = no URL
}

// EventSourceMapping is a Lambda event source mapping.
type EventSourceMapping struct {
	UUID           string
	EventSourceArn string
	// Function is the function name, optionally with ":alias".
	Function string
	State    string
}

// Role is an IAM role.
type Role struct {
	Name string
	Path string
	// Trust is the assume-role policy document (JSON).
	Trust string
	// Inline maps policy names to documents (JSON).
	Inline map[string]string
	// Attached lists managed policy ARNs.
	Attached []string
	// Boundary is the permissions boundary policy ARN, if any.
	Boundary string
	// AssumableBy lists account ids whose credentials may sts:AssumeRole it, and
	// ExternalID the external id they must present (when set).
	AssumableBy []string
	ExternalID  string
}

// ManagedPolicy is an IAM managed policy with its default version.
type ManagedPolicy struct {
	Name     string
	Path     string
	Document string // JSON of the default version
	// ARN overrides the computed ARN (needed for AWS managed policies).
	ARN string
	// DefaultVersionID overrides the DefaultVersionId the listing reports
	// (v2, the version holding Document); any other value names a version the
	// version list does not hold, as an inconsistent listing would.
	DefaultVersionID string
}

// AddRegion enables a region for the account and returns it.
func (a *Account) AddRegion(name string) *Region {
	if r := a.Regions[name]; r != nil {
		return r
	}
	r := &Region{}
	a.Regions[name] = r
	return r
}

// RoleARN returns the ARN of the account's role name.
func (a *Account) RoleARN(name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", a.ID, name)
}

// FunctionARN returns the ARN of a function in the account.
func (a *Account) FunctionARN(region, name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, a.ID, name)
}

// PolicyARN returns the ARN of a customer-managed policy.
func (a *Account) PolicyARN(p *ManagedPolicy) string {
	if p.ARN != "" {
		return p.ARN
	}
	path := p.Path
	if path == "" {
		path = "/"
	}
	return fmt.Sprintf("arn:aws:iam::%s:policy%s%s", a.ID, path, p.Name)
}

func (a *Account) denies(op string) bool {
	for _, d := range a.Deny {
		if d == "*" || d == op {
			return true
		}
		if len(d) > 2 && d[len(d)-2:] == ":*" && len(op) >= len(d)-1 && op[:len(d)-1] == d[:len(d)-1] {
			return true
		}
	}
	return false
}

// checkDenied writes an AccessDenied error in proto's shape when the caller's
// account denies op. s.mu must not be held.
func (s *Server) checkDenied(w http.ResponseWriter, r *http.Request, proto Protocol, op string) bool {
	c := Caller(r)
	s.mu.Lock()
	a := s.accounts[c.Account]
	denied := a != nil && a.denies(op)
	s.mu.Unlock()
	if !denied {
		return false
	}
	code, status := "AccessDeniedException", http.StatusForbidden
	if proto == Query {
		code = "AccessDenied"
	}
	msg := fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/auditor/session is not authorized to perform: %s", c.Account, op)
	WriteError(w, proto, status, code, msg)
	return true
}

func contextWith(r *http.Request, c CallerInfo) context.Context {
	return context.WithValue(r.Context(), callerKey{}, c)
}
