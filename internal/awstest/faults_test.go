package awstest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/internal/awstest"
)

// get sends a signed-looking ListFunctions request (the server reads only the
// credential scope) and returns the status and body, or the transport error.
func get(t *testing.T, base string) (int, string, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/2015-03-31/functions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+awstest.AccessKeyFor("123456789012")+
		"/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestFaultKinds(t *testing.T) {
	t.Parallel()
	newServer := func(f *awstest.Fault) *awstest.Server {
		s := awstest.New(t)
		a := s.AddAccount("123456789012")
		a.AddRegion("us-east-1").Functions = []*awstest.Function{{Name: "fn", Runtime: "python3.12"}}
		if f != nil {
			f.Op = "lambda:ListFunctions"
			s.Inject(*f)
		}
		return s
	}
	_, whole, err := get(t, newServer(nil).URL)
	if err != nil || !strings.Contains(whole, `"FunctionName":"fn"`) {
		t.Fatalf("fault-free answer %q, %v", whole, err)
	}

	if status, body, err := get(t, newServer(&awstest.Fault{Kind: awstest.EmptyBody}).URL); err != nil || status != 200 || body != "" {
		t.Errorf("EmptyBody: %d %q %v", status, body, err)
	}
	if status, body, err := get(t, newServer(&awstest.Fault{Kind: awstest.Truncate}).URL); err != nil || status != 200 ||
		body != whole[:len(whole)/2] {
		t.Errorf("Truncate: %d %q %v; want the first half of %q", status, body, err, whole)
	}
	if _, _, err := get(t, newServer(&awstest.Fault{Kind: awstest.Reset}).URL); err == nil {
		t.Error("Reset: the request succeeded")
	}
	if _, _, err := get(t, awstest.DeadURL(t)); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("DeadURL: %v, want connection refused", err)
	}
}
