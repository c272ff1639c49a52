package control

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/google/go-cmp/cmp"
)

const (
	acct    = "123456789012"
	other   = "210987654321"
	fnARN   = "arn:aws:lambda:eu-west-1:123456789012:function:billing"
	roleARN = "arn:aws:iam::123456789012:role/billing-role"
	adminP  = "arn:aws:iam::aws:policy/AdministratorAccess"
	lambdaT = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

func userARN(n string) string  { return "arn:aws:iam::123456789012:user/" + n }
func groupARN(n string) string { return "arn:aws:iam::123456789012:group/" + n }
func polARN(n string) string   { return "arn:aws:iam::123456789012:policy/" + n }

// doc builds a policy document from statements.
func doc(stmts ...string) json.RawMessage {
	return json.RawMessage(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)
}

func inline(name string, stmts ...string) audit.Policy {
	return audit.Policy{Kind: audit.PolicyInline, Name: name, Document: doc(stmts...)}
}

func managed(name string, stmts ...string) audit.Policy {
	return audit.Policy{Kind: audit.PolicyManaged, Name: name, ID: polARN(name), Document: doc(stmts...),
		Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: polARN(name)}}
}

// estate is an account with the billing function running as billing-role
// (an administrator) and the given principals.
func estate(mod func(a *audit.AWSAccount, fn *audit.Function)) *audit.Inventory {
	a := &audit.AWSAccount{
		Roles: []audit.AWSPrincipal{{ARN: roleARN, Name: "billing-role", Attached: []string{adminP}, Trust: json.RawMessage(lambdaT)}},
		Policies: []audit.Policy{{Kind: audit.PolicyAWSManaged, Name: "AdministratorAccess", ID: adminP,
			Document: doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}},
	}
	fn := audit.Function{Provider: audit.AWS, Account: acct, Region: "eu-west-1", Name: "billing", ID: fnARN,
		Identities: []string{roleARN}, AWS: &audit.AWSFunction{Role: roleARN, Aliases: []string{"prod"}}}
	if mod != nil {
		mod(a, &fn)
	}
	return &audit.Inventory{Schema: audit.InventorySchema,
		Accounts:  []audit.Account{{Provider: audit.AWS, ID: acct, AWS: a}},
		Functions: []audit.Function{fn}}
}

// summary renders controls as "principal: kind[actions] ..." lines.
// The admin execution role itself is left out unless keepRole.
func summary(cs []Control, keepRole bool) []string {
	var out []string
	for _, c := range cs {
		if c.Principal.ID == roleARN && !keepRole {
			continue
		}
		var parts []string
		for _, p := range c.Powers {
			parts = append(parts, fmt.Sprintf("%s%v", p.Kind, p.Actions))
		}
		who := c.Principal.ID
		if c.Principal.MemberCount > 0 {
			who = fmt.Sprintf("%s(%d)", who, c.Principal.MemberCount)
		}
		out = append(out, string(c.Principal.Kind)+" "+who+": "+strings.Join(parts, " "))
	}
	return out
}

func user(name string, pols ...audit.Policy) audit.AWSPrincipal {
	return audit.AWSPrincipal{ARN: userARN(name), Name: name, Inline: pols}
}

const (
	updateCode   = `{"Sid":"Deploy","Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}`
	updateConfig = `{"Effect":"Allow","Action":"lambda:UpdateFunctionConfiguration","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:*"}`
	addPerm      = `{"Effect":"Allow","Action":"lambda:AddPermission","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:billing"}`
	passAny      = `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}`
	createFn     = `{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}`
	createESM    = `{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:CreateEventSourceMapping"],"Resource":"*"}`
)

// TestAWSControls: Rhino Security Labs' Lambda escalation methods and
// pathfinding.cloud's Lambda / PassRole paths, and their near misses.
func TestAWSControls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mod  func(a *audit.AWSAccount, fn *audit.Function)
		want []string
	}{
		{"no one", nil, nil},
		{"UpdateFunctionCode", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("deploy", updateCode)))
		}, []string{"user " + userARN("dev") + ": change-code[lambda:UpdateFunctionCode]"}},
		{"UpdateFunctionConfiguration (layers)", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("layers", updateConfig)))
		}, []string{"user " + userARN("dev") + ": change-config[lambda:UpdateFunctionConfiguration]"}},
		{"AddPermission", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("perm", addPerm)))
		}, []string{"user " + userARN("dev") + ": change-invoke-policy[lambda:AddPermission]"}},
		{"lambda:* via NotAction", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("most", `{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"}`)))
		}, []string{"user " + userARN("dev") + ": change-code[lambda:UpdateFunctionCode] change-config[lambda:UpdateFunctionConfiguration] " +
			"change-invoke-policy[lambda:AddPermission lambda:PutResourcePolicy lambda:CreateFunctionUrlConfig lambda:UpdateFunctionUrlConfig lambda:CreateAlias lambda:UpdateAlias]"}},
		{"PassRole + CreateFunction + InvokeFunction", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("pass", passAny, createFn)))
		}, []string{"user " + userARN("dev") + ": pass-identity[iam:PassRole lambda:CreateFunction lambda:InvokeFunction]"}},
		{"PassRole + CreateFunction + CreateEventSourceMapping", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("pass", passAny, createESM)))
		}, []string{"user " + userARN("dev") + ": pass-identity[iam:PassRole lambda:CreateFunction lambda:CreateEventSourceMapping]"}},
		{"near miss: PassRole scoped to another role", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("pass",
				`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/other-role"}`, createFn)))
		}, nil},
		{"near miss: PassRole only to EC2", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("pass",
				`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}`, createFn)))
		}, nil},
		{"near miss: PassRole without a way to run", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("pass", passAny, `{"Effect":"Allow","Action":"lambda:CreateFunction","Resource":"*"}`)))
		}, nil},
		{"near miss: Deny on UpdateFunctionCode", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("deploy", updateCode,
				`{"Effect":"Deny","Action":"lambda:UpdateFunctionCode","Resource":"arn:aws:lambda:*:*:function:billing*"}`)))
		}, nil},
		{"Deny with an undecidable condition is an upper bound", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("deploy", updateCode,
				`{"Effect":"Deny","Action":"lambda:UpdateFunctionCode","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`)))
		}, []string{"user " + userARN("dev") + ": change-code[lambda:UpdateFunctionCode]"}},
		{"near miss: permission boundary removes it", func(a *audit.AWSAccount, _ *audit.Function) {
			u := user("dev", inline("deploy", updateCode))
			u.Boundary = polARN("no-lambda")
			a.Users = append(a.Users, u)
			a.Policies = append(a.Policies, managed("no-lambda", `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
		}, nil},
		{"boundary that allows it", func(a *audit.AWSAccount, _ *audit.Function) {
			u := user("dev", inline("deploy", updateCode))
			u.Boundary = polARN("lambda-only")
			a.Users = append(a.Users, u)
			a.Policies = append(a.Policies, managed("lambda-only", `{"Effect":"Allow","Action":"lambda:*","Resource":"*"}`))
		}, []string{"user " + userARN("dev") + ": change-code[lambda:UpdateFunctionCode]"}},
		{"near miss: condition on lambda:FunctionArn names another function", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("deploy",
				`{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*","Condition":{"ArnLike":{"lambda:FunctionArn":"arn:aws:lambda:*:*:function:sandbox-*"}}}`)))
		}, nil},
		{"condition on lambda:FunctionArn that names it", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("deploy",
				`{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*","Condition":{"ArnLike":{"lambda:FunctionArn":"arn:aws:lambda:*:*:function:bill*"}}}`)))
		}, []string{"user " + userARN("dev") + ": change-code[lambda:UpdateFunctionCode]"}},
		{"resource pattern for another function", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("deploy",
				`{"Effect":"Allow","Action":"lambda:*","Resource":"arn:aws:lambda:eu-west-1:123456789012:function:sandbox-*"}`)))
		}, nil},
		{"qualified resource reaches aliases only", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Users = append(a.Users, user("dev", inline("alias",
				`{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:UpdateAlias"],"Resource":"arn:aws:lambda:eu-west-1:123456789012:function:billing:prod"}`)))
		}, []string{"user " + userARN("dev") + ": change-invoke-policy[lambda:UpdateAlias]"}},
		{"group folds its members", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Groups = append(a.Groups, audit.AWSPrincipal{ARN: groupARN("developers"), Name: "developers", Attached: []string{polARN("deploy")}})
			a.Policies = append(a.Policies, managed("deploy", updateCode))
			for i := 0; i < 27; i++ {
				u := user(fmt.Sprintf("dev%02d", i))
				u.Groups = []string{"developers"}
				a.Users = append(a.Users, u)
			}
		}, []string{"group-member " + groupARN("developers") + "(27): change-code[lambda:UpdateFunctionCode]"}},
		{"a member with a boundary stands alone", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Groups = append(a.Groups, audit.AWSPrincipal{ARN: groupARN("developers"), Name: "developers", Inline: []audit.Policy{inline("deploy", updateCode)}})
			a.Policies = append(a.Policies, managed("lambda-only", `{"Effect":"Allow","Action":"lambda:*","Resource":"*"}`))
			for _, n := range []string{"ana", "bo"} {
				u := user(n)
				u.Groups = []string{"developers"}
				a.Users = append(a.Users, u)
			}
			a.Users[1].Boundary = polARN("lambda-only")
		}, []string{"group-member " + groupARN("developers") + "(1): change-code[lambda:UpdateFunctionCode]",
			"user " + userARN("bo") + ": change-code[lambda:UpdateFunctionCode]"}},
		{"role trusted by another account", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Roles[0].Trust = doc(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`,
				`{"Sid":"Ops","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}`)
		}, []string{"account " + other + ": assume-identity[sts:AssumeRole]"}},
		{"near miss: Lambda trust with aws:SourceAccount", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Roles[0].Trust = doc(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}`)
		}, nil},
		{"own account root in trust delegates to identity policies", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Roles[0].Trust = doc(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`,
				`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}`)
			a.Users = append(a.Users, user("ops", inline("assume", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/*"}`)),
				user("dev", inline("assume-other", `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/sandbox"}`)))
		}, []string{"user " + userARN("ops") + ": assume-identity[sts:AssumeRole]"}},
		{"trust to any principal pinned to the organization", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Roles[0].Trust = doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`)
		}, []string{"organization o-abc123: assume-identity[sts:AssumeRole]"}},
		{"trust to an EC2 service and a GitHub OIDC provider", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Roles[0].Trust = doc(`{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"}`,
				`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`)
		}, []string{"federated arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com: assume-identity[sts:AssumeRoleWithWebIdentity]",
			"service ec2.amazonaws.com: assume-identity[sts:AssumeRole]"}},
		{"function policy grants UpdateFunctionCode to another account", func(_ *audit.AWSAccount, fn *audit.Function) {
			fn.AWS.Policies = []audit.ResourcePolicy{{Document: doc(
				`{"Sid":"partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["lambda:UpdateFunctionCode","lambda:UpdateFunctionConfiguration","lambda:InvokeFunction"],"Resource":"` + fnARN + `"}`)}}
		}, []string{"account " + other + ": change-code[lambda:UpdateFunctionCode]"}},
		{"the execution role controlling its own function", func(a *audit.AWSAccount, _ *audit.Function) {
			a.Roles[0].Inline = []audit.Policy{inline("self", updateCode, passAny, createFn)}
			a.Roles[0].Attached = nil
		}, []string{"role " + roleARN + ": change-code[lambda:UpdateFunctionCode]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := estate(tt.mod)
			a := New(inv)
			if p := a.Problems(); len(p) > 0 {
				t.Errorf("problems: %q", p)
			}
			got := summary(a.Function(&inv.Functions[0]), strings.HasPrefix(tt.name, "the execution role"))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("controls (-want +got):\n%s", d)
			}
		})
	}
}

// TestEvidence: a control quotes the policy, how the principal holds it,
// the statement and the action.
func TestEvidence(t *testing.T) {
	t.Parallel()
	inv := estate(func(a *audit.AWSAccount, _ *audit.Function) {
		a.Groups = append(a.Groups, audit.AWSPrincipal{ARN: groupARN("developers"), Name: "developers", Attached: []string{polARN("deploy")}})
		a.Policies = append(a.Policies, managed("deploy", updateCode))
		u := user("ana")
		u.Groups = []string{"developers"}
		a.Users = append(a.Users, u)
	})
	got := New(inv).Function(&inv.Functions[0])[1:] // [0] is the admin role itself
	want := []Control{{
		Principal: audit.ControlPrincipal{Kind: audit.ControllerGroupMember, ID: groupARN("developers"), Name: "developers",
			Account: acct, Members: []string{userARN("ana")}, MemberCount: 1},
		Powers: []audit.ControlPower{{Kind: audit.ControlChangeCode, Actions: []string{"lambda:UpdateFunctionCode"},
			Targets: []string{"*"},
			Evidence: []audit.ControlEvidence{{Policy: "deploy", PolicyID: polARN("deploy"), Kind: audit.PolicyManaged,
				Via: "group developers", Statement: "Sid=Deploy", Actions: []string{"lambda:UpdateFunctionCode"},
				Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: polARN("deploy")}}}}},
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("controls (-want +got):\n%s", d)
	}
}

// TestHolds: a user with AdministratorAccess holds an admin execution role;
// a deployer does not.
func TestHolds(t *testing.T) {
	t.Parallel()
	inv := estate(func(a *audit.AWSAccount, _ *audit.Function) {
		a.Users = append(a.Users, audit.AWSPrincipal{ARN: userARN("admin"), Name: "admin", Attached: []string{adminP}},
			user("dev", inline("deploy", updateCode)))
	})
	role := &audit.Identity{Provider: audit.AWS, Account: acct, ID: roleARN,
		Policies: []audit.Policy{{Kind: audit.PolicyAWSManaged, Name: "AdministratorAccess", ID: adminP}}}
	a := New(inv)
	for _, c := range a.Function(&inv.Functions[0]) {
		got := a.Holds(c.Principal, role)
		want := c.Principal.Name == "admin" || c.Principal.ID == roleARN
		if got != want {
			t.Errorf("Holds(%s) = %v, want %v", c.Principal.ID, got, want)
		}
	}
}

// TestStored: controllers a collector judged are matched by scope.
func TestStored(t *testing.T) {
	t.Parallel()
	inv := &audit.Inventory{Controllers: []audit.Controller{{Provider: audit.GCP,
		Principal: audit.ControlPrincipal{Kind: audit.ControllerUser, ID: "user:ana@example.com"},
		Powers: []audit.ControlPower{
			{Kind: audit.ControlUpdateFunction, Actions: []string{"cloudfunctions.functions.update"}, Targets: []string{"projects/p"}},
			{Kind: audit.ControlActAs, Actions: []string{"iam.serviceAccounts.actAs"}, Targets: []string{"sa@p.iam.gserviceaccount.com"}},
			{Kind: audit.ControlSetIAMPolicy, Actions: []string{"cloudfunctions.functions.setIamPolicy"}, Targets: []string{"projects/q"}},
		}}}}
	fn := &audit.Function{Provider: audit.GCP, ID: "projects/p/locations/l/functions/f", Identities: []string{"sa@p.iam.gserviceaccount.com"}}
	a := New(inv)
	got := summary(a.Function(fn), false)
	want := []string{"user user:ana@example.com: update-function[cloudfunctions.functions.update] act-as[iam.serviceAccounts.actAs]"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if !a.Covered(fn) {
		t.Error("Covered = false with stored GCP controllers")
	}
}

// TestProblems: a missing managed document and a malformed trust are named.
func TestProblems(t *testing.T) {
	t.Parallel()
	inv := estate(func(a *audit.AWSAccount, _ *audit.Function) {
		a.Users = append(a.Users, audit.AWSPrincipal{ARN: userARN("dev"), Name: "dev",
			Inline: []audit.Policy{inline("deploy", updateCode)}, Attached: []string{polARN("gone")}})
		a.Roles[0].Trust = json.RawMessage(`{"Statement":"x"}`)
	})
	a := New(inv)
	a.Function(&inv.Functions[0])
	if p := a.Problems(); len(p) != 1 || !strings.Contains(p[0], "gone has no document") {
		t.Errorf("Problems = %q", p)
	}
	if p := a.TrustProblem(&inv.Functions[0]); !strings.Contains(p, "trust policy of "+roleARN) {
		t.Errorf("TrustProblem = %q", p)
	}
}
