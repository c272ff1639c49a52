package awstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

func init() {
	mounts = append(mounts, func(s *Server) {
		s.Mount("securityhub", &SecurityHub{s: s, fail: map[string]hubFailure{}})
	})
}

// Security Hub's documented BatchImportFindings limits (partner guide): 100
// findings per request, 240 KB per finding, 6 MB per request.
const (
	SecurityHubMaxFindings     = 100
	SecurityHubMaxFindingBytes = 240 * 1024
	SecurityHubMaxRequestBytes = 6 * 1024 * 1024
)

// securityHubRequired are the attributes an imported finding must have (API
// reference, AwsSecurityFinding).
var securityHubRequired = []string{"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn",
	"Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"}

// SecurityHub is the server's Security Hub: BatchImportFindings over REST-JSON
// (POST /findings/import). It enforces the request limits, checks each finding
// for the required attributes and for being filed under the caller's account
// and Region (AwsAccountId, the Region of ProductArn), fails the findings a
// test names, and can throttle every n-th request. Server.SecurityHub returns
// it; requests and imported findings are kept for the test to read.
type SecurityHub struct {
	s *Server

	mu            sync.Mutex
	requests      []SecurityHubRequest
	imported      []SecurityHubFinding
	index         map[string]int // ProductArn + "\x00" + Id -> position in imported
	fail          map[string]hubFailure
	throttleEvery int
	seen          int
}

type hubFailure struct{ code, message string }

// SecurityHubRequest is a BatchImportFindings request the server answered (not
// one it throttled or refused as a whole).
type SecurityHubRequest struct {
	Account, Region string
	// Bytes is the size of the request body.
	Bytes int
	// Findings are the findings as sent, in order.
	Findings []json.RawMessage
}

// SecurityHubFinding is an imported finding. A later import of the same
// ProductArn and Id replaces it, as in Security Hub.
type SecurityHubFinding struct {
	ID, AwsAccountID, ProductArn string
	Raw                          json.RawMessage
}

// SecurityHub returns the server's Security Hub.
func (s *Server) SecurityHub() *SecurityHub {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services["securityhub"].(*SecurityHub)
}

// FailFindings makes the findings with these ids fail to import with code
// ("InvalidInput" when empty) and message, as Security Hub reports a finding it
// rejects in FailedFindings.
func (h *SecurityHub) FailFindings(code, message string, ids ...string) {
	if code == "" {
		code = "InvalidInput"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		h.fail[id] = hubFailure{code, message}
	}
}

// ThrottleEvery makes every n-th BatchImportFindings request fail with 429
// TooManyRequestsException; 0 turns it off. Quotas.SecurityHubImport throttles
// by rate instead.
func (h *SecurityHub) ThrottleEvery(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.throttleEvery, h.seen = n, 0
}

// Requests returns the requests answered so far, oldest first.
func (h *SecurityHub) Requests() []SecurityHubRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]SecurityHubRequest(nil), h.requests...)
}

// Findings returns the imported findings in the order first imported.
func (h *SecurityHub) Findings() []SecurityHubFinding {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]SecurityHubFinding(nil), h.imported...)
}

type hubFailed struct {
	ID           string `json:"Id"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

func (h *SecurityHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const op = "securityhub:BatchImportFindings"
	if r.Method != http.MethodPost || r.URL.Path != "/findings/import" {
		if h.s.Admit(w, r, RESTJSON, "securityhub:"+r.Method+" "+r.URL.Path) {
			WriteError(w, RESTJSON, http.StatusNotFound, "UnknownOperationException",
				fmt.Sprintf("awstest: Security Hub serves only BatchImportFindings, not %s %s", r.Method, r.URL.Path))
		}
		return
	}
	if !h.s.Admit(w, r, RESTJSON, op) {
		return
	}
	h.mu.Lock()
	h.seen++
	throttle := h.throttleEvery > 0 && h.seen%h.throttleEvery == 0
	h.mu.Unlock()
	if throttle {
		h.s.mu.Lock()
		h.s.throttled[op]++
		h.s.mu.Unlock()
		writeThrottle(w, RESTJSON, op)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, SecurityHubMaxRequestBytes+1))
	if err != nil {
		WriteError(w, RESTJSON, http.StatusBadRequest, "InvalidInputException", "reading the request: "+err.Error())
		return
	}
	if len(body) > SecurityHubMaxRequestBytes {
		WriteError(w, RESTJSON, http.StatusRequestEntityTooLarge, "InvalidInputException",
			fmt.Sprintf("the request exceeds %d bytes", SecurityHubMaxRequestBytes))
		return
	}
	var req struct {
		Findings []json.RawMessage `json:"Findings"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		WriteError(w, RESTJSON, http.StatusBadRequest, "InvalidInputException", "the request is not JSON: "+err.Error())
		return
	}
	if n := len(req.Findings); n == 0 || n > SecurityHubMaxFindings {
		WriteError(w, RESTJSON, http.StatusBadRequest, "InvalidInputException",
			fmt.Sprintf("Findings has %d elements; it takes 1 to %d", n, SecurityHubMaxFindings))
		return
	}
	c := Caller(r)
	failed := []hubFailed{}
	ok := 0
	h.mu.Lock()
	h.requests = append(h.requests, SecurityHubRequest{Account: c.Account, Region: c.Region, Bytes: len(body), Findings: req.Findings})
	for i, raw := range req.Findings {
		id, f, problem := h.check(raw, c)
		if id == "" {
			id = fmt.Sprintf("finding %d", i)
		}
		if problem != nil {
			failed = append(failed, hubFailed{ID: id, ErrorCode: problem.code, ErrorMessage: problem.message})
			continue
		}
		ok++
		key := f.ProductArn + "\x00" + f.ID
		if h.index == nil {
			h.index = map[string]int{}
		}
		if at, seen := h.index[key]; seen {
			h.imported[at] = f
		} else {
			h.index[key] = len(h.imported)
			h.imported = append(h.imported, f)
		}
	}
	h.mu.Unlock()
	writeJSON(w, "application/json", map[string]any{"FailedCount": len(failed), "SuccessCount": ok, "FailedFindings": failed})
}

// check validates one finding; h.mu must be held.
func (h *SecurityHub) check(raw json.RawMessage, c CallerInfo) (string, SecurityHubFinding, *hubFailure) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "", SecurityHubFinding{}, &hubFailure{"InvalidInput", "the finding is not a JSON object"}
	}
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(doc[k], &s)
		return s
	}
	f := SecurityHubFinding{ID: str("Id"), AwsAccountID: str("AwsAccountId"), ProductArn: str("ProductArn"), Raw: raw}
	var missing []string
	for _, k := range securityHubRequired {
		if v, ok := doc[k]; !ok || string(v) == "null" || string(v) == `""` {
			missing = append(missing, k)
		}
	}
	switch {
	case len(missing) > 0:
		return f.ID, f, &hubFailure{"InvalidInput", "Finding does not adhere to ASFF: missing " + strings.Join(missing, ", ")}
	case len(raw) > SecurityHubMaxFindingBytes:
		return f.ID, f, &hubFailure{"InvalidInput", fmt.Sprintf("the finding is %d bytes, over %d", len(raw), SecurityHubMaxFindingBytes)}
	case f.AwsAccountID != c.Account:
		return f.ID, f, &hubFailure{"AccessDeniedException", fmt.Sprintf("account %s may not import a finding for account %s", c.Account, f.AwsAccountID)}
	}
	if parts := strings.SplitN(f.ProductArn, ":", 5); len(parts) < 5 || parts[3] != c.Region {
		return f.ID, f, &hubFailure{"InvalidInput", fmt.Sprintf("ProductArn %s is not a product in %s", f.ProductArn, c.Region)}
	}
	if fl, ok := h.fail[f.ID]; ok {
		return f.ID, f, &fl
	}
	return f.ID, f, nil
}
