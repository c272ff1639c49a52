package awstest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// lambdaService speaks Lambda's REST-JSON protocol for the read calls fnaudit
// makes.
type lambdaService struct{ s *Server }

const lambdaJSON = "application/json"

func (h lambdaService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		WriteError(w, RESTJSON, http.StatusNotImplemented, "NotImplemented", "awstest: lambda "+r.Method+" "+r.URL.Path)
		return
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "/2015-03-31/functions":
		h.listFunctions(w, r)
	case p == "/2015-03-31/event-source-mappings":
		h.listEventSourceMappings(w, r)
	case strings.HasPrefix(p, "/2015-03-31/functions/") && strings.HasSuffix(p, "/configuration"):
		h.getFunctionConfiguration(w, r, between(p, "/2015-03-31/functions/", "/configuration"))
	case strings.HasPrefix(p, "/2015-03-31/functions/") && strings.HasSuffix(p, "/policy"):
		h.getPolicy(w, r, between(p, "/2015-03-31/functions/", "/policy"))
	case strings.HasPrefix(p, "/2015-03-31/functions/") && strings.HasSuffix(p, "/aliases"):
		h.listAliases(w, r, between(p, "/2015-03-31/functions/", "/aliases"))
	case strings.HasPrefix(p, "/2021-10-31/functions/") && strings.HasSuffix(p, "/urls"):
		h.listURLs(w, r, between(p, "/2021-10-31/functions/", "/urls"))
	case strings.HasPrefix(p, "/2021-10-31/functions/") && strings.HasSuffix(p, "/url"):
		h.getURL(w, r, between(p, "/2021-10-31/functions/", "/url"))
	default:
		WriteError(w, RESTJSON, http.StatusNotImplemented, "NotImplemented", "awstest: lambda GET "+r.URL.Path)
	}
}

func between(p, prefix, suffix string) string {
	return strings.TrimSuffix(strings.TrimPrefix(p, prefix), suffix)
}

// region returns the caller's region state, or writes the error an opted-out
// region gives and returns nil.
func (h lambdaService) region(w http.ResponseWriter, r *http.Request) (*Account, *Region) {
	c := Caller(r)
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	a := h.s.accounts[c.Account]
	if a == nil || a.Regions[c.Region] == nil {
		WriteError(w, RESTJSON, http.StatusForbidden, "UnrecognizedClientException",
			"The security token included in the request is invalid.")
		return nil, nil
	}
	return a, a.Regions[c.Region]
}

// splitName turns "name", "name:qualifier" or a (partial) function ARN into name
// and qualifier.
func splitName(s string) (name, qualifier string) {
	if i := strings.Index(s, "function:"); i >= 0 {
		s = s[i+len("function:"):]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func (h lambdaService) function(w http.ResponseWriter, reg *Region, name string) *Function {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	for _, f := range reg.Functions {
		if f.Name == name {
			return f
		}
	}
	WriteError(w, RESTJSON, http.StatusNotFound, "ResourceNotFoundException",
		"Function not found: "+name)
	return nil
}

func (h lambdaService) maxItems(r *http.Request, def int) int {
	def = h.s.pageSize("lambda", def)
	n, err := strconv.Atoi(r.URL.Query().Get("MaxItems"))
	if err != nil || n <= 0 || n > def {
		return def
	}
	return n
}

// target admits a request for one function named in the path (with its
// qualifier from the path or the Qualifier parameter) and looks the function
// up; it has written the error response when ok is false.
func (h lambdaService) target(w http.ResponseWriter, r *http.Request, op, path string) (a *Account, f *Function, qualifier string, ok bool) {
	name, qualifier := splitName(path)
	if qq := r.URL.Query().Get("Qualifier"); qq != "" {
		qualifier = qq
	}
	a, reg, ok := h.prelude(w, r, op, name)
	if !ok {
		return nil, nil, "", false
	}
	if f = h.function(w, reg, name); f == nil {
		return nil, nil, "", false
	}
	return a, f, qualifier, true
}

// writePage writes one page of a Lambda listing under key, with NextMarker
// when more pages follow.
func writePage(w http.ResponseWriter, key string, items []map[string]any, next string) {
	resp := map[string]any{key: items}
	if next != "" {
		resp["NextMarker"] = next
	}
	writeJSON(w, lambdaJSON, resp)
}

func (h lambdaService) prelude(w http.ResponseWriter, r *http.Request, op, resource string) (*Account, *Region, bool) {
	if !h.s.Admit(w, r, RESTJSON, op, resource) {
		return nil, nil, false
	}
	a, reg := h.region(w, r)
	if reg == nil {
		return nil, nil, false
	}
	if h.s.checkDenied(w, r, RESTJSON, op) {
		return nil, nil, false
	}
	return a, reg, true
}

func (h lambdaService) listFunctions(w http.ResponseWriter, r *http.Request) {
	a, reg, ok := h.prelude(w, r, "lambda:ListFunctions", "")
	if !ok {
		return
	}
	c := Caller(r)
	size := h.maxItems(r, 50)
	h.s.mu.Lock()
	page, next := pageOf(reg.Functions, r.URL.Query().Get("Marker"), size)
	out := make([]map[string]any, 0, len(page))
	for _, f := range page {
		out = append(out, functionConfiguration(a, c.Region, f))
	}
	h.s.mu.Unlock()
	writePage(w, "Functions", out, next)
}

// getFunctionConfiguration answers GetFunctionConfiguration with the listing's
// shape of the function (the unpublished version).
func (h lambdaService) getFunctionConfiguration(w http.ResponseWriter, r *http.Request, path string) {
	a, f, _, ok := h.target(w, r, "lambda:GetFunctionConfiguration", path)
	if !ok {
		return
	}
	c := Caller(r)
	h.s.mu.Lock()
	m := functionConfiguration(a, c.Region, f)
	h.s.mu.Unlock()
	writeJSON(w, lambdaJSON, m)
}

// functionConfiguration is a function as ListFunctions and
// GetFunctionConfiguration describe it; the caller holds the server's lock.
func functionConfiguration(a *Account, region string, f *Function) map[string]any {
	pt := f.PackageType
	if pt == "" {
		pt = "Zip"
	}
	m := map[string]any{
		"FunctionName":  f.Name,
		"FunctionArn":   a.FunctionARN(region, f.Name),
		"Role":          f.Role,
		"PackageType":   pt,
		"Version":       "$LATEST",
		"Architectures": []string{"x86_64"},
		"LastModified":  "2026-01-15T10:00:00.000+0000",
	}
	if pt == "Zip" {
		m["Runtime"] = f.Runtime
		m["Handler"] = f.Handler
	}
	if f.Description != "" {
		m["Description"] = f.Description
	}
	if len(f.Env) > 0 {
		m["Environment"] = map[string]any{"Variables": f.Env}
	}
	if len(f.Layers) > 0 {
		var ls []map[string]any
		for _, l := range f.Layers {
			ls = append(ls, map[string]any{"Arn": l, "CodeSize": 1024})
		}
		m["Layers"] = ls
	}
	return m
}

func (h lambdaService) getPolicy(w http.ResponseWriter, r *http.Request, path string) {
	_, f, q, ok := h.target(w, r, "lambda:GetPolicy", path)
	if !ok {
		return
	}
	h.s.mu.Lock()
	doc := f.Policy
	found := q == ""
	for _, al := range f.Aliases {
		if q != "" && al.Name == q {
			doc, found = al.Policy, true
		}
	}
	h.s.mu.Unlock()
	if !found {
		WriteError(w, RESTJSON, http.StatusNotFound, "ResourceNotFoundException", "Alias not found: "+q)
		return
	}
	if doc == "" {
		WriteError(w, RESTJSON, http.StatusNotFound, "ResourceNotFoundException",
			"The resource you requested does not exist.")
		return
	}
	writeJSON(w, lambdaJSON, map[string]any{"Policy": doc, "RevisionId": "00000000-0000-0000-0000-000000000001"})
}

func (h lambdaService) listAliases(w http.ResponseWriter, r *http.Request, path string) {
	a, f, _, ok := h.target(w, r, "lambda:ListAliases", path)
	if !ok {
		return
	}
	c := Caller(r)
	size := h.maxItems(r, 50)
	h.s.mu.Lock()
	page, next := pageOf(f.Aliases, r.URL.Query().Get("Marker"), size)
	out := []map[string]any{}
	for _, al := range page {
		out = append(out, map[string]any{
			"AliasArn":        a.FunctionARN(c.Region, f.Name) + ":" + al.Name,
			"Name":            al.Name,
			"FunctionVersion": al.Version,
			"RevisionId":      "00000000-0000-0000-0000-000000000002",
		})
	}
	h.s.mu.Unlock()
	writePage(w, "Aliases", out, next)
}

type urlEntry struct {
	qualifier, authType string
}

func functionURL(f *Function, qualifier string) string {
	host := strings.ToLower(strings.ReplaceAll(f.Name, "_", "-"))
	if qualifier != "" {
		host += "-" + strings.ToLower(qualifier)
	}
	return fmt.Sprintf("https://%s.lambda-url.test.on.aws/", host)
}

func (h lambdaService) urlConfig(a *Account, region string, f *Function, e urlEntry) map[string]any {
	arn := a.FunctionARN(region, f.Name)
	if e.qualifier != "" {
		arn += ":" + e.qualifier
	}
	return map[string]any{
		"FunctionUrl":      functionURL(f, e.qualifier),
		"FunctionArn":      arn,
		"AuthType":         e.authType,
		"InvokeMode":       "BUFFERED",
		"CreationTime":     "2026-01-15T10:00:00.000Z",
		"LastModifiedTime": "2026-01-15T10:00:00.000Z",
	}
}

func urlEntries(f *Function) []urlEntry {
	var out []urlEntry
	if f.URL != "" {
		out = append(out, urlEntry{"", f.URL})
	}
	for _, al := range f.Aliases {
		if al.URL != "" {
			out = append(out, urlEntry{al.Name, al.URL})
		}
	}
	return out
}

func (h lambdaService) listURLs(w http.ResponseWriter, r *http.Request, path string) {
	a, f, _, ok := h.target(w, r, "lambda:ListFunctionUrlConfigs", path)
	if !ok {
		return
	}
	c := Caller(r)
	size := h.maxItems(r, 50)
	h.s.mu.Lock()
	page, next := pageOf(urlEntries(f), r.URL.Query().Get("Marker"), size)
	out := []map[string]any{}
	for _, e := range page {
		out = append(out, h.urlConfig(a, c.Region, f, e))
	}
	h.s.mu.Unlock()
	writePage(w, "FunctionUrlConfigs", out, next)
}

func (h lambdaService) getURL(w http.ResponseWriter, r *http.Request, path string) {
	a, f, q, ok := h.target(w, r, "lambda:GetFunctionUrlConfig", path)
	if !ok {
		return
	}
	c := Caller(r)
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	for _, e := range urlEntries(f) {
		if e.qualifier == q {
			writeJSON(w, lambdaJSON, h.urlConfig(a, c.Region, f, e))
			return
		}
	}
	WriteError(w, RESTJSON, http.StatusNotFound, "ResourceNotFoundException",
		"The resource you requested does not exist.")
}

func (h lambdaService) listEventSourceMappings(w http.ResponseWriter, r *http.Request) {
	a, reg, ok := h.prelude(w, r, "lambda:ListEventSourceMappings", "")
	if !ok {
		return
	}
	c := Caller(r)
	size := h.maxItems(r, 100)
	h.s.mu.Lock()
	all := reg.EventSourceMappings
	if fn := r.URL.Query().Get("FunctionName"); fn != "" {
		// The listing of one function's mappings (by name or ARN).
		want, _ := splitName(fn)
		all = nil
		for _, m := range reg.EventSourceMappings {
			if name, _ := splitName(m.Function); name == want {
				all = append(all, m)
			}
		}
	}
	page, next := pageOf(all, r.URL.Query().Get("Marker"), size)
	out := []map[string]any{}
	for _, m := range page {
		name, q := splitName(m.Function)
		arn := a.FunctionARN(c.Region, name)
		if q != "" {
			arn += ":" + q
		}
		state := m.State
		if state == "" {
			state = "Enabled"
		}
		out = append(out, map[string]any{
			"UUID":                  m.UUID,
			"EventSourceArn":        m.EventSourceArn,
			"FunctionArn":           arn,
			"State":                 state,
			"BatchSize":             10,
			"EventSourceMappingArn": fmt.Sprintf("arn:aws:lambda:%s:%s:event-source-mapping:%s", c.Region, a.ID, m.UUID),
		})
	}
	h.s.mu.Unlock()
	writePage(w, "EventSourceMappings", out, next)
}
