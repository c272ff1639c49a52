package awslambda

import (
	"strings"
	"testing"

	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/internal/awstest"
)

// The tests in this file hold the collector to what the wire protocol
// guarantees, not to what the local server happens to send: they make the
// server answer the way real AWS, a proxy or an emulator may.

const htmlPage = "<html>\n<head><title>404 Not Found</title></head>\n<body>not here</body>\n</html>\n"

func onlyGap(t *testing.T, inv *audit.Inventory) audit.Gap {
	t.Helper()
	if len(inv.Gaps) != 1 {
		t.Fatalf("gaps = %v, want exactly one", gapSummaries(inv))
	}
	return inv.Gaps[0]
}

func TestErrorShapesOfGetPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		fault  awstest.Fault
		reason audit.GapReason
		msg    string
	}{
		{"403 html", awstest.Fault{Status: 403, Body: htmlPage}, audit.GapAccessDenied, "HTTP 403 without an AWS error response"},
		{"404 html", awstest.Fault{Status: 404, Body: htmlPage}, audit.GapError, "HTTP 404 without an AWS error response"},
		{"404 no code", awstest.Fault{Status: 404, Body: `{"message":"gone"}`, ContentType: "application/json"},
			audit.GapError, "HTTP 404 without an AWS error code: gone"},
		{"404 other code", awstest.Fault{Status: 404, Code: "NotFoundException", Message: "no route"},
			audit.GapError, "NotFoundException: no route"},
		{"403 no code", awstest.Fault{Status: 403, Body: `{}`, ContentType: "application/json"},
			audit.GapAccessDenied, "HTTP 403 without an AWS error code"},
		{"403 empty body", awstest.Fault{Status: 403, Body: " ", ContentType: "application/json"},
			audit.GapAccessDenied, "HTTP 403 without an AWS error"},
		{"ec2 style", awstest.Fault{Status: 403, Code: "UnauthorizedOperation", Message: "no"}, audit.GapAccessDenied, "UnauthorizedOperation: no"},
		{"plain AccessDenied", awstest.Fault{Status: 403, Code: "AccessDenied", Message: "no"}, audit.GapAccessDenied, "AccessDenied: no"},
		{"unknown operation", awstest.Fault{Status: 400, Code: "UnknownOperationException"}, audit.GapNotEnabled, "UnknownOperationException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, a, _ := oneRegion(t, "fn")
			f := tc.fault
			f.Op = "lambda:GetPolicy"
			s.Inject(f)
			inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, MaxAttempts: 1})
			g := onlyGap(t, inv)
			if g.API != apiGetPolicy || g.Resource != a.FunctionARN("us-east-1", "fn") || g.Reason != tc.reason ||
				!strings.HasPrefix(g.Message, tc.msg) || strings.Contains(g.Message, "\n") {
				t.Errorf("gap = %+v, want %s on GetPolicy with a one-line message starting %q", g, tc.reason, tc.msg)
			}
			if len(inv.Functions) != 1 || !inv.Functions[0].AWS.URLsChecked {
				t.Errorf("the function or its URL check went missing: %+v", inv.Functions)
			}
		})
	}
}

func TestUnimplementedOperationsAreGaps(t *testing.T) {
	t.Parallel()
	s, a, reg := oneRegion(t, "web")
	reg.Functions[0].Policy = doc(strings.ReplaceAll(publicURLStmt, "public-webhook", "web"))
	s.Inject(awstest.Fault{Op: "lambda:ListAliases", Status: 400, Code: "UnknownOperationException", Message: "not supported"})
	s.Inject(awstest.Fault{Op: "lambda:ListFunctionUrlConfigs", Status: 501, Body: htmlPage})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, MaxAttempts: 1})
	arn := a.FunctionARN("us-east-1", "web")
	want := []string{
		"us-east-1 " + arn + " lambda:ListAliases access not-enabled UnknownOperationException: not supported",
		"us-east-1 " + arn + " lambda:ListFunctionUrlConfigs access not-enabled HTTP 501 without an AWS error response",
	}
	var got []string
	for _, g := range gapSummaries(inv) {
		if i := strings.Index(g, " ("); i >= 0 {
			g = g[:i]
		}
		got = append(got, g)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	fn := findFunction(t, inv, "web")
	if len(fn.AWS.Policies) != 1 || fn.AWS.URLsChecked {
		t.Errorf("policies = %d, URLsChecked = %v; want the policy read and the URLs unknown", len(fn.AWS.Policies), fn.AWS.URLsChecked)
	}
}

func TestListRegionsUnavailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault awstest.Fault
		msg   string
	}{
		{"html 404", awstest.Fault{Status: 404, Body: htmlPage}, "HTTP 404 without an AWS error response"},
		{"empty listing", awstest.Fault{Status: 200, Body: `{"Regions":[]}`, ContentType: "application/json"}, "the listing named no region"},
		{"repeated token", awstest.Fault{Status: 200, Body: `{"Regions":[{"RegionName":"us-east-1"}],"NextToken":"t"}`,
			ContentType: "application/json"}, errRepeatedMarker.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, _ := oneRegion(t, "fn")
			f := tc.fault
			f.Op = "account:ListRegions"
			s.Inject(f)
			inv := collect(t, s, mgmtAcct, Options{MaxAttempts: 1})
			g := onlyGap(t, inv)
			prefix := "only the configured region us-east-1 was audited, because the enabled regions could not be listed ("
			if g.API != apiListRegions || !strings.HasPrefix(g.Message, prefix) || !strings.Contains(g.Message, tc.msg) ||
				!strings.HasSuffix(g.Message, "); name the regions to audit (--regions) to audit others") {
				t.Errorf("gap message = %q", g.Message)
			}
			if len(inv.Functions) != 1 {
				t.Errorf("functions = %d, want the configured region's 1", len(inv.Functions))
			}
		})
	}
}

func TestGivenRegionsSkipListRegions(t *testing.T) {
	t.Parallel()
	s, _, _ := oneRegion(t, "fn")
	s.Inject(awstest.Fault{Op: "account:ListRegions", Status: 404, Body: htmlPage})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if n := s.Calls("account:ListRegions"); n != 0 || len(inv.Gaps) != 0 {
		t.Errorf("ListRegions calls = %d, gaps = %v; want neither with regions given", n, gapSummaries(inv))
	}
}

func TestRepeatedMarkersEndListings(t *testing.T) {
	t.Parallel()
	s, a, reg := oneRegion(t, "a", "b", "c")
	reg.Functions[0].Aliases = []*awstest.Alias{{Name: "live", Version: "1"}}
	// An endpoint that ignores the marker: every page is the first, with the
	// same marker.
	s.SetPageSize("lambda", 2)
	s.Inject(awstest.Fault{Op: "lambda:ListFunctions", After: 1, Status: 200, ContentType: "application/json",
		Body: `{"Functions":[{"FunctionName":"a","FunctionArn":"` + a.FunctionARN("us-east-1", "a") + `"}],"NextMarker":"2"}`})
	s.Inject(awstest.Fault{Op: "lambda:ListAliases", Status: 200, ContentType: "application/json",
		Body: `{"Aliases":[{"Name":"live"}],"NextMarker":"m"}`})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []string{
		"us-east-1  lambda:ListFunctions functions invalid-data listing stopped after 2 functions: " + errRepeatedMarker.Error(),
	}
	for _, n := range []string{"a", "b"} {
		want = append(want, "us-east-1 "+a.FunctionARN("us-east-1", n)+" lambda:ListAliases access invalid-data "+errRepeatedMarker.Error())
	}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	if got := len(inv.Functions); got != 2 {
		t.Errorf("functions = %d, want a and b once each", got)
	}
	if got := findFunction(t, inv, "a").AWS.Aliases; !cmp.Equal(got, []string{"live"}) {
		t.Errorf("aliases of a = %v, want [live] once", got)
	}
}

func TestEmptyPageWithMarkerContinues(t *testing.T) {
	t.Parallel()
	s, _, _ := oneRegion(t, "a", "b")
	s.Inject(awstest.Fault{Op: "lambda:ListFunctions", Times: 1, Status: 200, ContentType: "application/json",
		Body: `{"Functions":[],"NextMarker":"0"}`})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	if len(inv.Gaps) != 0 || len(inv.Functions) != 2 {
		t.Errorf("functions = %d, gaps = %v; want both functions and no gap", len(inv.Functions), gapSummaries(inv))
	}
}

func TestSparseResponses(t *testing.T) {
	t.Parallel()
	s, a, reg := oneRegion(t, "bare")
	reg.Functions[0].Aliases = []*awstest.Alias{{Name: "live", Version: "1"}}
	// Only the name: no ARN, role, runtime, package type, environment,
	// layers or architectures.
	s.Inject(awstest.Fault{Op: "lambda:ListFunctions", Status: 200, ContentType: "application/json",
		Body: `{"Functions":[{"FunctionName":"bare","Environment":{},"Layers":[{}]},{}]}`})
	s.Inject(awstest.Fault{Op: "lambda:GetPolicy", Status: 200, ContentType: "application/json", Body: `{"Policy":""}`})
	s.Inject(awstest.Fault{Op: "lambda:ListAliases", Status: 200, ContentType: "application/json",
		Body: `{"Aliases":[{"AliasArn":"` + a.FunctionARN("us-east-1", "bare") + `:live"},{}]}`})
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	// A GetPolicy success without the document is no answer: a gap for the
	// function and for its alias, and the URL configurations are read.
	noDoc := " lambda:GetPolicy access invalid-data the answer of lambda:GetPolicy has no Policy document, which the API always returns; the answer was not used"
	want := []string{"us-east-1  lambda:ListFunctions functions invalid-data a listed function had neither a name nor an ARN and was skipped",
		"us-east-1 " + a.FunctionARN("us-east-1", "bare") + noDoc, "us-east-1 " + a.FunctionARN("us-east-1", "bare") + noDoc}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	fn := findFunction(t, inv, "bare")
	if fn.ID != a.FunctionARN("us-east-1", "bare") || len(fn.Identities) != 0 || len(fn.AWS.Policies) != 0 ||
		!cmp.Equal(fn.AWS.Aliases, []string{"live"}) || !fn.AWS.URLsChecked {
		t.Errorf("function = %+v %+v", fn, fn.AWS)
	}
}

func TestMapFunctionPartitions(t *testing.T) {
	for _, tc := range []struct{ region, want string }{
		{"us-east-1", "arn:aws:lambda:us-east-1:123456789012:function:f"},
		{"cn-north-1", "arn:aws-cn:lambda:cn-north-1:123456789012:function:f"},
		{"us-gov-west-1", "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f"},
		{"us-iso-east-1", "arn:aws-iso:lambda:us-iso-east-1:123456789012:function:f"},
		{"us-isob-east-1", "arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f"},
	} {
		fn, _ := mapFunction(mgmtAcct, tc.region, &lambdatypes.FunctionConfiguration{FunctionName: ptr("f")})
		if fn.ID != tc.want {
			t.Errorf("%s: ARN = %q, want %q", tc.region, fn.ID, tc.want)
		}
	}
	// The name comes from a (qualified or not) ARN of any partition.
	arn := "arn:aws-cn:lambda:cn-north-1:123456789012:function:g"
	if fn, _ := mapFunction(mgmtAcct, "cn-north-1", &lambdatypes.FunctionConfiguration{FunctionArn: ptr(arn + ":live")}); fn.Name != "g" {
		t.Errorf("name = %q, want g", fn.Name)
	}
	if got := serviceTriggerKind("s3.amazonaws.com.cn", ""); got != audit.TriggerStorage {
		t.Errorf("s3.amazonaws.com.cn = %s", got)
	}
	if got := managedKind("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"); got != audit.PolicyAWSManaged {
		t.Errorf("gov AWS managed policy kind = %s", got)
	}
	if got := arnPartition("arn:aws-cn:iam::123456789012:user/x"); got != "aws-cn" {
		t.Errorf("partition = %q", got)
	}
}

func ptr(s string) *string { return &s }

func TestIAMDocumentEncodings(t *testing.T) {
	t.Parallel()
	literal := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a+b%20c d"}]}`
	for _, raw := range []bool{false, true} {
		s, a, reg := oneRegion(t, "fn")
		s.SetRawIAMDocuments(raw)
		a.Roles = append(a.Roles, &awstest.Role{Name: "odd", Inline: map[string]string{"odd": literal}})
		reg.Functions[0].Role = a.RoleARN("odd")
		inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
		if len(inv.Gaps) != 0 {
			t.Fatalf("raw=%v: gaps %v", raw, gapSummaries(inv))
		}
		id := findIdentity(t, inv, a.RoleARN("odd"))
		if got := string(id.Policies[0].Document); got != literal {
			t.Errorf("raw=%v: document = %s\nwant %s", raw, got, literal)
		}
	}
	// Form encoding (a space as '+') is read too.
	form := strings.ReplaceAll(awstest.EncodeDocument(`{"Version":"2012-10-17","Statement":[]}`), "%20", "+")
	if _, err := decodeDocument(form); err != nil {
		t.Errorf("form-encoded document: %v", err)
	}
}

func TestDefaultVersionNotInVersionList(t *testing.T) {
	t.Parallel()
	s, a, reg := oneRegion(t, "fn")
	p := &awstest.ManagedPolicy{Name: "odd", Document: readPolicy, DefaultVersionID: "v9"}
	a.Policies = append(a.Policies, p)
	a.Roles = append(a.Roles, &awstest.Role{Name: "odd", Attached: []string{a.PolicyARN(p)}})
	reg.Functions[0].Role = a.RoleARN("odd")
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []string{" " + a.RoleARN("odd") + " iam:GetAccountAuthorizationDetails identity invalid-data managed policy " +
		a.PolicyARN(p) + ": its default version v9 is not in its version list"}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

func TestExecutionRoleOfAnotherAccount(t *testing.T) {
	t.Parallel()
	s, _, reg := oneRegion(t, "fn", "odd")
	other := "arn:aws:iam::999999999999:role/app"
	reg.Functions[1].Role = other
	inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}})
	want := []string{" " + other + " iam:GetAccountAuthorizationDetails identity not-found execution role " + other +
		" belongs to account 999999999999, not to the function's account " + mgmtAcct + "; its permissions were not read"}
	if diff := cmp.Diff(want, gapSummaries(inv)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	if got := findFunction(t, inv, "odd").Identities; !cmp.Equal(got, []string{other}) {
		t.Errorf("identities = %v", got)
	}
	if got := missingRoleMessage(mgmtAcct, "not-an-arn"); got != `execution role "not-an-arn" is not an IAM role ARN` {
		t.Errorf("message = %q", got)
	}
}

func TestClassifyEmulatorCodes(t *testing.T) {
	for code, want := range map[string]audit.GapReason{
		"AccessDeniedForDependencyException": audit.GapAccessDenied,
		"ForbiddenException":                 audit.GapAccessDenied,
		"InvalidAction":                      audit.GapNotEnabled,
		"NotImplemented":                     audit.GapNotEnabled,
		"AWSOrganizationsNotInUseException":  audit.GapNotEnabled,
		"InvalidClientTokenId":               audit.GapNotEnabled,
		"UnrecognizedClientException":        audit.GapNotEnabled,
		"ExpiredToken":                       audit.GapAssumeRole,
	} {
		if got := classify(apiErr{code}); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
}

func TestOrganizationListingVariants(t *testing.T) {
	t.Parallel()
	const orgJSON = "application/x-amz-json-1.1"
	for _, tc := range []struct {
		name     string
		inOrg    bool
		fault    *awstest.Fault
		accounts []string
		gaps     []string
	}{
		{name: "not in use", gaps: []string{"  organizations:ListAccounts functions not-enabled " +
			"the organization's accounts could not be listed (AWSOrganizationsNotInUseException: Your account is not a member " +
			"of an organization.); only the caller's account " + mgmtAcct + " was audited"},
			accounts: []string{mgmtAcct}},
		{name: "no accounts member", inOrg: true, fault: &awstest.Fault{Status: 200, ContentType: orgJSON, Body: `{}`},
			accounts: []string{mgmtAcct}, gaps: []string{"  organizations:ListAccounts functions invalid-data " +
				"the organization's accounts could not be listed (aws: organizations list accounts: the answer of " +
				"organizations:ListAccounts has no Accounts list, which the API always returns; the answer was not used); " +
				"only the caller's account " + mgmtAcct + " was audited"}},
		{name: "no status or state", inOrg: true, fault: &awstest.Fault{Status: 200, ContentType: orgJSON,
			Body: `{"Accounts":[{"Id":"` + mgmtAcct + `","Name":"m"},{"Id":"` + memberAcct + `"}]}`},
			accounts: []string{mgmtAcct, memberAcct}},
		{name: "suspended", inOrg: true, fault: &awstest.Fault{Status: 200, ContentType: orgJSON,
			Body: `{"Accounts":[{"Id":"` + mgmtAcct + `","State":"ACTIVE"},{"Id":"` + memberAcct + `","State":"SUSPENDED"}]}`},
			accounts: []string{mgmtAcct}},
		{name: "empty", inOrg: true, fault: &awstest.Fault{Status: 200, ContentType: orgJSON, Body: `{"Accounts":[]}`},
			accounts: []string{mgmtAcct}, gaps: []string{"  organizations:ListAccounts functions invalid-data " +
				"the organization listing named no active account; only the caller's account " + mgmtAcct + " was audited"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, _ := oneRegion(t, "fn")
			m := s.AddAccount(memberAcct)
			m.Roles = []*awstest.Role{{Name: auditRole, AssumableBy: []string{mgmtAcct}}}
			m.AddRegion("us-east-1")
			if tc.inOrg {
				m.InOrg = true
				s.SetOrganization(org, mgmtAcct)
			}
			if tc.fault != nil {
				f := *tc.fault
				f.Op = "organizations:ListAccounts"
				s.Inject(f)
			}
			inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, OrgRole: auditRole, MaxAttempts: 1})
			var got []string
			for _, a := range inv.Accounts {
				got = append(got, a.ID)
			}
			if diff := cmp.Diff(tc.accounts, got); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.gaps, gapSummaries(inv)); diff != "" {
				t.Errorf("gaps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnreadableAnswers(t *testing.T) {
	t.Parallel()
	const iamTruncated = `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">` +
		`<GetAccountAuthorizationDetailsResult><IsTruncated>true</IsTruncated><RoleDetailList/><Policies/>` +
		`</GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`
	for _, tc := range []struct {
		name  string
		fault awstest.Fault
		want  string
	}{
		{"lambda 200 html", awstest.Fault{Op: "lambda:ListFunctions", Status: 200, Body: htmlPage},
			"us-east-1  lambda:ListFunctions functions invalid-data HTTP 200 with a body that is not the operation's response ("},
		{"iam 403 html", awstest.Fault{Op: "iam:GetAccountAuthorizationDetails", Status: 403, Body: htmlPage},
			"  iam:GetAccountAuthorizationDetails identity access-denied HTTP 403 without an AWS error response ("},
		{"iam 403 no code", awstest.Fault{Op: "iam:GetAccountAuthorizationDetails", Status: 403, ContentType: "text/xml",
			Body: `<ErrorResponse><Error><Message>nope</Message></Error></ErrorResponse>`},
			"  iam:GetAccountAuthorizationDetails identity access-denied HTTP 403 without an AWS error code: nope"},
		{"iam truncated without marker", awstest.Fault{Op: "iam:GetAccountAuthorizationDetails", Status: 200,
			ContentType: "text/xml", Body: iamTruncated},
			"  iam:GetAccountAuthorizationDetails identity invalid-data " + errTruncatedNoMarker.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, _ := oneRegion(t, "fn")
			s.Inject(tc.fault)
			inv := collect(t, s, mgmtAcct, Options{Regions: []string{"us-east-1"}, MaxAttempts: 1})
			got := gapSummaries(inv)
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
				t.Errorf("gaps = %q, want one starting %q", got, tc.want)
			}
		})
	}
}

func TestCallerOf(t *testing.T) {
	for _, tc := range []struct{ acct, arn, region, wantAcct, wantPart string }{
		{mgmtAcct, "arn:aws:iam::123456789012:user/a", "us-east-1", mgmtAcct, "aws"},
		{"", "arn:aws-cn:sts::123456789012:assumed-role/r/s", "cn-north-1", mgmtAcct, "aws-cn"},
		{mgmtAcct, "", "us-gov-west-1", mgmtAcct, "aws-us-gov"},
		{"", "", "us-east-1", "", "aws"},
	} {
		a, p := callerOf(tc.acct, tc.arn, tc.region)
		if a != tc.wantAcct || p != tc.wantPart {
			t.Errorf("callerOf(%q, %q, %q) = %q, %q; want %q, %q", tc.acct, tc.arn, tc.region, a, p, tc.wantAcct, tc.wantPart)
		}
	}
}
