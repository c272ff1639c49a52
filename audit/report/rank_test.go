package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
)

// rankFinding builds an open finding of fn with a category, severity and title.
func rankFinding(fn string, c audit.Category, sev audit.Severity, title, detail, key string) audit.Finding {
	return audit.Finding{ID: fn + string(c) + key, Rule: "R-" + string(c), Category: c, Severity: sev, Status: audit.StatusFail,
		Provider: audit.AWS, Account: "111111111111", Region: "us-east-1",
		Resource: "arn:aws:lambda:us-east-1:111111111111:function:" + fn, Function: fn,
		Key: key, Title: title, Detail: detail}
}

func TestRankFunctionsOrder(t *testing.T) {
	t.Parallel()
	const (
		publicURL  = "Lambda function URL is callable by anyone without credentials"
		anyAccount = "Lambda function can be invoked by any AWS account"
		viaService = "Lambda function can be invoked through AWS services by any account"
		named      = "Lambda function can be invoked from account 222222222222"
	)
	fs := []audit.Finding{
		// public through a front door, admin role, Python 3.8
		rankFinding("users", audit.PublicInvoke, audit.Critical, "GET https://api.example.com/prod/users reaches users with no authentication", "", "door"),
		rankFinding("users", audit.AdminAccess, audit.Critical, "Lambda execution role has full administrative access", "", ""),
		rankFinding("users", audit.DeprecatedRuntime, audit.High, "Lambda function runs on a deprecated runtime", "", "python3.8"),
		// public function URL, scoped role
		rankFinding("web", audit.PublicInvoke, audit.Critical, publicURL, "The function URL https://abc.lambda-url.us-east-1.on.aws/ of web is public: x.", "url"),
		// any AWS account, escalation
		rankFinding("anyesc", audit.PublicInvoke, audit.Critical, anyAccount, "", "invoke"),
		rankFinding("anyesc", audit.PrivilegeEscalation, audit.High, "Lambda execution role can escalate privileges", "", "iam:PassRole"),
		// through a service for any account, wildcard
		rankFinding("svc", audit.PublicInvoke, audit.High, viaService, "", "invoke"),
		rankFinding("svc", audit.WildcardPermission, audit.Medium, "Lambda execution role grants wildcard permissions", "", ""),
		// private admin with a plaintext secret
		rankFinding("padmin", audit.AdminAccess, audit.Critical, "Lambda execution role has full administrative access", "", ""),
		rankFinding("padmin", audit.PlaintextSecret, audit.Medium, "secret", "", "DB_PASSWORD"),
		// private admin without aids
		rankFinding("padmin2", audit.AdminAccess, audit.Critical, "Lambda execution role has full administrative access", "", ""),
		// named outside account, wildcard
		rankFinding("partner", audit.CrossAccountInvoke, audit.Medium, named, "", "invoke"),
		rankFinding("partner", audit.WildcardPermission, audit.Medium, "Lambda execution role grants wildcard permissions", "", ""),
		// a URL that answers 403 (latent), deprecated runtime
		rankFinding("latent", audit.PublicInvoke, audit.Low, "Public grant on a Lambda function URL that answers 403", "", "url"),
		rankFinding("latent", audit.DeprecatedRuntime, audit.High, "Lambda function runs on a deprecated runtime", "", "nodejs16.x"),
		// private, scoped, deprecated runtime only
		rankFinding("old", audit.DeprecatedRuntime, audit.High, "Lambda function runs on a deprecated runtime", "", "python3.7"),
		// suppressed findings are not open: not ranked
		func() audit.Finding {
			f := rankFinding("accepted", audit.PublicInvoke, audit.Critical, publicURL, "", "url")
			f.Status = audit.StatusSuppressed
			return f
		}(),
	}
	type row struct {
		Function string
		Reach    Reach
		Power    Power
		Aids     int
		Score    int
		Reason   string
	}
	var got []row
	for _, r := range RankFunctions(fs) {
		got = append(got, row{r.Function, r.Reach, r.Power, r.Aids, r.Score, r.Reason})
	}
	want := []row{
		{"users", ReachPublic, PowerAdmin, 1, 16, "public via GET https://api.example.com/prod/users, admin role, deprecated runtime python3.8"},
		{"anyesc", ReachAnyAccount, PowerEscalation, 0, 9, "any account: lambda function can be invoked by any AWS account, can escalate privileges"},
		{"svc", ReachAnyAccount, PowerWildcard, 0, 6, "any account: lambda function can be invoked through AWS services by any account, wildcard permissions"},
		{"web", ReachPublic, PowerScoped, 0, 4, "public via function URL https://abc.lambda-url.us-east-1.on.aws/, no broad permissions found"},
		{"partner", ReachOutside, PowerWildcard, 0, 4, "outside access: lambda function can be invoked from account 222222222222, wildcard permissions"},
		{"padmin", ReachNone, PowerAdmin, 1, 4, "admin role, plaintext secret in DB_PASSWORD, not exposed beyond its account"},
		{"padmin2", ReachNone, PowerAdmin, 0, 4, "admin role, not exposed beyond its account"},
		{"latent", ReachNone, PowerScoped, 1, 1, "deprecated runtime nodejs16.x, latent grant: public grant on a Lambda function URL that answers 403, not exposed beyond its account, no broad permissions found"},
		{"old", ReachNone, PowerScoped, 1, 1, "deprecated runtime python3.7, not exposed beyond its account, no broad permissions found"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
}

// The ranking does not depend on the order of the findings.
func TestRankFunctionsDeterministic(t *testing.T) {
	t.Parallel()
	var fs []audit.Finding
	for _, fn := range []string{"c", "a", "b"} {
		fs = append(fs, rankFinding(fn, audit.DeprecatedRuntime, audit.High, "deprecated", "", "python3.8"))
	}
	first := RankFunctions(fs)
	rev := append([]audit.Finding(nil), fs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	second := RankFunctions(rev)
	for i := range first {
		if first[i].Function != second[i].Function {
			t.Fatalf("order depends on input: %v vs %v", first[i].Function, second[i].Function)
		}
	}
	if first[0].Function != "a" || first[2].Function != "c" {
		t.Errorf("ties are broken by name: got %s, %s, %s", first[0].Function, first[1].Function, first[2].Function)
	}
}
