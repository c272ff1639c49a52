package awstest

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// IAMPageSize is the default page size of iam:GetAccountAuthorizationDetails
// (roles and policies count alike); requests may ask for fewer with MaxItems.
const IAMPageSize = 100

// iamService speaks IAM's Query protocol (form-encoded POST, XML response).
type iamService struct{ s *Server }

// EncodeDocument URL-encodes a policy document the way IAM returns it.
func EncodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// SetRawIAMDocuments makes IAM return policy documents as plain JSON instead of
// URL-encoded, the way some AWS emulators do.
func (s *Server) SetRawIAMDocuments(raw bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rawIAMDocs = raw
}

// encodeDocument is EncodeDocument unless raw IAM documents are switched on.
// The caller holds s.mu.
func (s *Server) encodeDocument(doc string) string {
	if s.rawIAMDocs {
		return doc
	}
	return EncodeDocument(doc)
}

func (h iamService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		WriteError(w, Query, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action := r.PostForm.Get("Action")
	switch action {
	case "GetAccountAuthorizationDetails":
		h.authDetails(w, r)
	default:
		h.s.Admit(w, r, Query, "iam:"+action)
		WriteError(w, Query, http.StatusBadRequest, "InvalidAction", "awstest: iam action "+action+" is not implemented")
	}
}

type xmlPolicyRef struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type xmlInline struct {
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type xmlBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

type xmlRole struct {
	Path                     string         `xml:"Path"`
	RoleName                 string         `xml:"RoleName"`
	RoleID                   string         `xml:"RoleId"`
	Arn                      string         `xml:"Arn"`
	CreateDate               string         `xml:"CreateDate"`
	AssumeRolePolicyDocument string         `xml:"AssumeRolePolicyDocument,omitempty"`
	RolePolicyList           []xmlInline    `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []xmlPolicyRef `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *xmlBoundary   `xml:"PermissionsBoundary,omitempty"`
}

type xmlVersion struct {
	Document         string `xml:"Document"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

type xmlPolicy struct {
	PolicyName        string       `xml:"PolicyName"`
	PolicyID          string       `xml:"PolicyId"`
	Arn               string       `xml:"Arn"`
	Path              string       `xml:"Path"`
	DefaultVersionID  string       `xml:"DefaultVersionId"`
	AttachmentCount   int          `xml:"AttachmentCount"`
	IsAttachable      bool         `xml:"IsAttachable"`
	CreateDate        string       `xml:"CreateDate"`
	UpdateDate        string       `xml:"UpdateDate"`
	PolicyVersionList []xmlVersion `xml:"PolicyVersionList>member"`
}

type authDetailsResponse struct {
	XMLName xml.Name `xml:"GetAccountAuthorizationDetailsResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		// Both lists are sent on every page, empty or not, as IAM does.
		RoleDetailList struct {
			Member []xmlRole `xml:"member"`
		} `xml:"RoleDetailList"`
		Policies struct {
			Member []xmlPolicy `xml:"member"`
		} `xml:"Policies"`
		UserDetailList struct {
			Member []xmlUser `xml:"member"`
		} `xml:"UserDetailList"`
		GroupDetailList struct {
			Member []xmlGroup `xml:"member"`
		} `xml:"GroupDetailList"`
		IsTruncated bool   `xml:"IsTruncated"`
		Marker      string `xml:"Marker,omitempty"`
	} `xml:"GetAccountAuthorizationDetailsResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

const iamDate = "2026-01-10T09:00:00Z"

func (h iamService) authDetails(w http.ResponseWriter, r *http.Request) {
	const op = "iam:GetAccountAuthorizationDetails"
	if !h.s.Admit(w, r, Query, op) || h.s.checkDenied(w, r, Query, op) {
		return
	}
	filters := map[string]bool{}
	for k, v := range r.PostForm {
		if strings.HasPrefix(k, "Filter.member.") && len(v) > 0 {
			filters[v[0]] = true
		}
	}
	all := len(filters) == 0
	c := Caller(r)

	h.s.mu.Lock()
	a := h.s.accounts[c.Account]
	var items []any
	if all || filters["Role"] {
		for _, role := range a.Roles {
			items = append(items, h.role(a, role))
		}
	}
	if all || filters["User"] {
		for _, u := range a.Users {
			items = append(items, h.user(a, u))
		}
	}
	if all || filters["Group"] {
		for _, g := range a.Groups {
			items = append(items, h.group(a, g))
		}
	}
	if all || filters["LocalManagedPolicy"] {
		for _, p := range a.Policies {
			items = append(items, h.managed(a, p))
		}
	}
	if all || filters["AWSManagedPolicy"] {
		for _, p := range a.AWSPolicies {
			items = append(items, h.managed(a, p))
		}
	}
	h.s.mu.Unlock()

	size := h.s.pageSize("iam", IAMPageSize)
	if n, err := strconv.Atoi(r.PostForm.Get("MaxItems")); err == nil && n > 0 && n < size {
		size = n
	}
	page, next := pageOf(items, r.PostForm.Get("Marker"), size)
	var resp authDetailsResponse
	resp.Xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"
	resp.RequestID = "awstest"
	for _, it := range page {
		switch v := it.(type) {
		case xmlRole:
			resp.Result.RoleDetailList.Member = append(resp.Result.RoleDetailList.Member, v)
		case xmlPolicy:
			resp.Result.Policies.Member = append(resp.Result.Policies.Member, v)
		case xmlUser:
			resp.Result.UserDetailList.Member = append(resp.Result.UserDetailList.Member, v)
		case xmlGroup:
			resp.Result.GroupDetailList.Member = append(resp.Result.GroupDetailList.Member, v)
		}
	}
	if next != "" {
		resp.Result.IsTruncated = true
		resp.Result.Marker = next
	}
	writeXML(w, resp)
}

func (h iamService) role(a *Account, role *Role) xmlRole {
	path := role.Path
	if path == "" {
		path = "/"
	}
	x := xmlRole{
		Path:       path,
		RoleName:   role.Name,
		RoleID:     "AROA" + strings.ToUpper(fmt.Sprintf("%x", role.Name)) + "TEST",
		Arn:        fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.ID, path, role.Name),
		CreateDate: iamDate,
	}
	if role.Trust != "" {
		x.AssumeRolePolicyDocument = h.s.encodeDocument(role.Trust)
	}
	for _, name := range sortedKeys(role.Inline) {
		x.RolePolicyList = append(x.RolePolicyList, xmlInline{PolicyName: name, PolicyDocument: h.s.encodeDocument(role.Inline[name])})
	}
	for _, arn := range role.Attached {
		x.AttachedManagedPolicies = append(x.AttachedManagedPolicies, xmlPolicyRef{PolicyName: arn[strings.LastIndex(arn, "/")+1:], PolicyArn: arn})
	}
	if role.Boundary != "" {
		x.PermissionsBoundary = &xmlBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: role.Boundary}
	}
	return x
}

func (h iamService) managed(a *Account, p *ManagedPolicy) xmlPolicy {
	path := p.Path
	if path == "" {
		path = "/"
	}
	defaultVersion := "v2"
	if p.DefaultVersionID != "" {
		defaultVersion = p.DefaultVersionID
	}
	return xmlPolicy{
		PolicyName:       p.Name,
		PolicyID:         "ANPA" + strings.ToUpper(fmt.Sprintf("%x", p.Name)),
		Arn:              a.PolicyARN(p),
		Path:             path,
		DefaultVersionID: defaultVersion,
		AttachmentCount:  1,
		IsAttachable:     true,
		CreateDate:       iamDate,
		UpdateDate:       iamDate,
		PolicyVersionList: []xmlVersion{
			{Document: h.s.encodeDocument(`{"Version":"2012-10-17","Statement":[]}`), VersionID: "v1", CreateDate: iamDate},
			{Document: h.s.encodeDocument(p.Document), VersionID: "v2", IsDefaultVersion: defaultVersion == "v2", CreateDate: iamDate},
		},
	}
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

// stsService speaks STS's Query protocol.
type stsService struct{ s *Server }

type callerIdentityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Account string `xml:"Account"`
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
	} `xml:"GetCallerIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

type assumeRoleResponse struct {
	XMLName xml.Name `xml:"AssumeRoleResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials struct {
			AccessKeyID     string `xml:"AccessKeyId"`
			SecretAccessKey string `xml:"SecretAccessKey"`
			SessionToken    string `xml:"SessionToken"`
			Expiration      string `xml:"Expiration"`
		} `xml:"Credentials"`
		AssumedRoleUser struct {
			Arn           string `xml:"Arn"`
			AssumedRoleID string `xml:"AssumedRoleId"`
		} `xml:"AssumedRoleUser"`
	} `xml:"AssumeRoleResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

const stsXMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

func (h stsService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		WriteError(w, Query, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action := r.PostForm.Get("Action")
	op := "sts:" + action
	if !h.s.Admit(w, r, Query, op) || h.s.checkDenied(w, r, Query, op) {
		return
	}
	c := Caller(r)
	switch action {
	case "GetCallerIdentity":
		var resp callerIdentityResponse
		resp.Xmlns, resp.RequestID = stsXMLNS, "awstest"
		resp.Result.Account = c.Account
		resp.Result.Arn = fmt.Sprintf("arn:aws:iam::%s:user/auditor", c.Account)
		resp.Result.UserID = "AIDATEST" + c.Account
		writeXML(w, resp)
	case "AssumeRole":
		h.assumeRole(w, r, c)
	default:
		WriteError(w, Query, http.StatusBadRequest, "InvalidAction", "awstest: sts action "+action+" is not implemented")
	}
}

func (h stsService) assumeRole(w http.ResponseWriter, r *http.Request, c CallerInfo) {
	roleArn := r.PostForm.Get("RoleArn")
	extID := r.PostForm.Get("ExternalId")
	denied := func() {
		WriteError(w, Query, http.StatusForbidden, "AccessDenied", fmt.Sprintf(
			"User: arn:aws:iam::%s:user/auditor is not authorized to perform: sts:AssumeRole on resource: %s", c.Account, roleArn))
	}
	parts := strings.Split(roleArn, ":")
	if len(parts) != 6 || !strings.HasPrefix(parts[5], "role/") {
		WriteError(w, Query, http.StatusBadRequest, "ValidationError", "invalid RoleArn "+roleArn)
		return
	}
	target, name := parts[4], parts[5][strings.LastIndex(parts[5], "/")+1:]
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	a := h.s.accounts[target]
	if a == nil {
		denied()
		return
	}
	var role *Role
	for _, ro := range a.Roles {
		if ro.Name == name {
			role = ro
		}
	}
	if role == nil || !contains(role.AssumableBy, c.Account) || (role.ExternalID != "" && role.ExternalID != extID) {
		denied()
		return
	}
	key := fmt.Sprintf("ASIATEST%s%04d", target, h.s.nextSeq())
	h.s.keys[key] = target
	var resp assumeRoleResponse
	resp.Xmlns, resp.RequestID = stsXMLNS, "awstest"
	resp.Result.Credentials.AccessKeyID = key
	resp.Result.Credentials.SecretAccessKey = "awstest-secret"
	resp.Result.Credentials.SessionToken = "awstest-session-" + key
	resp.Result.Credentials.Expiration = time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	resp.Result.AssumedRoleUser.Arn = fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", target, name, r.PostForm.Get("RoleSessionName"))
	resp.Result.AssumedRoleUser.AssumedRoleID = "AROATEST:" + r.PostForm.Get("RoleSessionName")
	writeXML(w, resp)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// User is an IAM user. Its access keys, password and login profile are not
// modelled: GetAccountAuthorizationDetails does not return them.
type User struct {
	Name string
	Path string
	// Groups names the groups the user belongs to.
	Groups []string
	// Inline maps policy names to documents (JSON).
	Inline map[string]string
	// Attached lists managed policy ARNs.
	Attached []string
	// Boundary is the permissions boundary policy ARN, if any.
	Boundary string
}

// Group is an IAM group.
type Group struct {
	Name string
	Path string
	// Inline maps policy names to documents (JSON).
	Inline map[string]string
	// Attached lists managed policy ARNs.
	Attached []string
}

type xmlUser struct {
	Path                    string         `xml:"Path"`
	UserName                string         `xml:"UserName"`
	UserID                  string         `xml:"UserId"`
	Arn                     string         `xml:"Arn"`
	CreateDate              string         `xml:"CreateDate"`
	UserPolicyList          []xmlInline    `xml:"UserPolicyList>member"`
	GroupList               []string       `xml:"GroupList>member"`
	AttachedManagedPolicies []xmlPolicyRef `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *xmlBoundary   `xml:"PermissionsBoundary,omitempty"`
}

type xmlGroup struct {
	Path                    string         `xml:"Path"`
	GroupName               string         `xml:"GroupName"`
	GroupID                 string         `xml:"GroupId"`
	Arn                     string         `xml:"Arn"`
	CreateDate              string         `xml:"CreateDate"`
	GroupPolicyList         []xmlInline    `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []xmlPolicyRef `xml:"AttachedManagedPolicies>member"`
}

func (h iamService) inline(m map[string]string) []xmlInline {
	var out []xmlInline
	for _, name := range sortedKeys(m) {
		out = append(out, xmlInline{PolicyName: name, PolicyDocument: h.s.encodeDocument(m[name])})
	}
	return out
}

func attachedRefs(arns []string) []xmlPolicyRef {
	var out []xmlPolicyRef
	for _, arn := range arns {
		out = append(out, xmlPolicyRef{PolicyName: arn[strings.LastIndex(arn, "/")+1:], PolicyArn: arn})
	}
	return out
}

func (h iamService) user(a *Account, u *User) xmlUser {
	path := u.Path
	if path == "" {
		path = "/"
	}
	x := xmlUser{Path: path, UserName: u.Name, UserID: "AIDA" + strings.ToUpper(fmt.Sprintf("%x", u.Name)) + "TEST",
		Arn: fmt.Sprintf("arn:aws:iam::%s:user%s%s", a.ID, path, u.Name), CreateDate: iamDate,
		UserPolicyList: h.inline(u.Inline), GroupList: u.Groups, AttachedManagedPolicies: attachedRefs(u.Attached)}
	if u.Boundary != "" {
		x.PermissionsBoundary = &xmlBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: u.Boundary}
	}
	return x
}

func (h iamService) group(a *Account, g *Group) xmlGroup {
	path := g.Path
	if path == "" {
		path = "/"
	}
	return xmlGroup{Path: path, GroupName: g.Name, GroupID: "AGPA" + strings.ToUpper(fmt.Sprintf("%x", g.Name)) + "TEST",
		Arn: fmt.Sprintf("arn:aws:iam::%s:group%s%s", a.ID, path, g.Name), CreateDate: iamDate,
		GroupPolicyList: h.inline(g.Inline), AttachedManagedPolicies: attachedRefs(g.Attached)}
}
