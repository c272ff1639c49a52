package awstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// orgService speaks Organizations' JSON 1.1 protocol.
type orgService struct{ s *Server }

const orgJSON = "application/x-amz-json-1.1"

func (h orgService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	action := strings.TrimPrefix(target, "AWSOrganizationsV20161128.")
	op := "organizations:" + action
	if !h.s.Admit(w, r, JSON11, op) || h.s.checkDenied(w, r, JSON11, op) {
		return
	}
	var in struct {
		NextToken  string
		MaxResults int
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		WriteError(w, JSON11, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	c := Caller(r)
	orgPage := h.s.pageSize("organizations", 20)
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	a := h.s.accounts[c.Account]
	inOrg := h.s.orgID != "" && a != nil && (a.InOrg || a.ID == h.s.mgmt)
	if !inOrg {
		WriteError(w, JSON11, http.StatusBadRequest, "AWSOrganizationsNotInUseException",
			"Your account is not a member of an organization.")
		return
	}
	switch action {
	case "DescribeOrganization":
		writeJSON(w, orgJSON, map[string]any{"Organization": map[string]any{
			"Id":              h.s.orgID,
			"Arn":             fmt.Sprintf("arn:aws:organizations::%s:organization/%s", h.s.mgmt, h.s.orgID),
			"FeatureSet":      "ALL",
			"MasterAccountId": h.s.mgmt,
			"MasterAccountArn": fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", h.s.mgmt, h.s.orgID,
				h.s.mgmt),
		}})
	case "ListAccounts":
		if c.Account != h.s.mgmt {
			WriteError(w, JSON11, http.StatusBadRequest, "AccessDeniedException",
				"You don't have permissions to access this resource.")
			return
		}
		var ids []string
		for _, id := range sortedKeys(h.s.accounts) {
			if acct := h.s.accounts[id]; acct.InOrg || id == h.s.mgmt {
				ids = append(ids, id)
			}
		}
		size := orgPage
		if in.MaxResults > 0 && in.MaxResults < size {
			size = in.MaxResults
		}
		page, next := pageOf(ids, in.NextToken, size)
		out := []map[string]any{}
		for _, id := range page {
			acct := h.s.accounts[id]
			out = append(out, map[string]any{
				"Id":              id,
				"Arn":             fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", h.s.mgmt, h.s.orgID, id),
				"Name":            acct.Name,
				"Email":           "aws+" + id + "@example.com",
				"Status":          acct.Status,
				"JoinedMethod":    "CREATED",
				"JoinedTimestamp": 1.7e9,
			})
		}
		resp := map[string]any{"Accounts": out}
		if next != "" {
			resp["NextToken"] = next
		}
		writeJSON(w, orgJSON, resp)
	default:
		WriteError(w, JSON11, http.StatusBadRequest, "InvalidAction", "awstest: organizations "+action+" is not implemented")
	}
}

// accountService speaks the Account Management API (REST-JSON) for ListRegions.
type accountService struct{ s *Server }

func (h accountService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/listRegions" {
		WriteError(w, RESTJSON, http.StatusNotImplemented, "NotImplemented", "awstest: account "+r.URL.Path)
		return
	}
	const op = "account:ListRegions"
	if !h.s.Admit(w, r, RESTJSON, op) || h.s.checkDenied(w, r, RESTJSON, op) {
		return
	}
	var in struct {
		NextToken               string
		MaxResults              int
		RegionOptStatusContains []string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		WriteError(w, RESTJSON, http.StatusBadRequest, "ValidationException", err.Error())
		return
	}
	c := Caller(r)
	h.s.mu.Lock()
	names := sortedKeys(h.s.accounts[c.Account].Regions)
	h.s.mu.Unlock()
	wantEnabled := len(in.RegionOptStatusContains) == 0
	for _, st := range in.RegionOptStatusContains {
		if st == "ENABLED" || st == "ENABLED_BY_DEFAULT" {
			wantEnabled = true
		}
	}
	if !wantEnabled {
		names = nil
	}
	size := 50
	if in.MaxResults > 0 && in.MaxResults < size {
		size = in.MaxResults
	}
	page, next := pageOf(names, in.NextToken, size)
	out := []map[string]string{}
	for _, n := range page {
		out = append(out, map[string]string{"RegionName": n, "RegionOptStatus": "ENABLED_BY_DEFAULT"})
	}
	resp := map[string]any{"Regions": out}
	if next != "" {
		resp["NextToken"] = next
	}
	writeJSON(w, "application/json", resp)
}
