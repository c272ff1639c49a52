package control

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/fnaudit/fnaudit/audit"
)

// benchEstate builds one account with the given numbers of functions, roles,
// users (in groups of ten) and customer policies. The policies mix what real
// accounts hold: deploy rights on a team's function prefix, PassRole on a
// team's roles, a few account-wide deployers, and unrelated S3 and logs grants.
func benchEstate(functions, roles, users, policies int) *audit.Inventory {
	a := &audit.AWSAccount{}
	for i := 0; i < policies; i++ {
		team := i % 50
		var st string
		switch i % 6 {
		case 0:
			st = fmt.Sprintf(`{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:UpdateFunctionConfiguration","lambda:GetFunction"],"Resource":"arn:aws:lambda:eu-west-1:%s:function:team%d-*"}`, acct, team)
		case 1:
			st = fmt.Sprintf(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::%s:role/team%d-*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}},{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}`, acct, team)
		case 2:
			st = fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::team%d-data/*"}`, team)
		case 3:
			st = `{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}`
		case 4:
			st = fmt.Sprintf(`{"Effect":"Allow","Action":"lambda:*","Resource":"arn:aws:lambda:eu-west-1:%s:function:team%d-fn%d"}`, acct, team, i)
		case 5:
			if i%60 == 5 {
				st = `{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}`
			} else {
				st = fmt.Sprintf(`{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:eu-west-1:%s:table/team%d-*"}`, acct, team)
			}
		}
		a.Policies = append(a.Policies, managed(fmt.Sprintf("p%03d", i), st))
	}
	groups := (users + 9) / 10
	for g := 0; g < groups; g++ {
		a.Groups = append(a.Groups, audit.AWSPrincipal{ARN: groupARN(fmt.Sprintf("g%d", g)), Name: fmt.Sprintf("g%d", g),
			Attached: []string{polARN(fmt.Sprintf("p%03d", (g*6)%policies)), polARN(fmt.Sprintf("p%03d", (g*6+2)%policies))}})
	}
	for u := 0; u < users; u++ {
		p := audit.AWSPrincipal{ARN: userARN(fmt.Sprintf("u%d", u)), Name: fmt.Sprintf("u%d", u), Groups: []string{fmt.Sprintf("g%d", u/10)}}
		if u%10 == 0 {
			p.Attached = []string{polARN(fmt.Sprintf("p%03d", (u*7+1)%policies))}
		}
		a.Users = append(a.Users, p)
	}
	trust := json.RawMessage(lambdaT)
	for r := 0; r < roles; r++ {
		t := trust
		if r%100 == 0 {
			t = doc(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`,
				`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}`)
		}
		a.Roles = append(a.Roles, audit.AWSPrincipal{ARN: fmt.Sprintf("arn:aws:iam::%s:role/team%d-r%d", acct, r%50, r),
			Name: fmt.Sprintf("team%d-r%d", r%50, r), Trust: t,
			Inline:   []audit.Policy{inline("own", `{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}`)},
			Attached: []string{polARN(fmt.Sprintf("p%03d", (r*5+3)%policies)), polARN(fmt.Sprintf("p%03d", (r*11)%policies))}})
	}
	inv := &audit.Inventory{Schema: audit.InventorySchema, Accounts: []audit.Account{{Provider: audit.AWS, ID: acct, AWS: a}}}
	for f := 0; f < functions; f++ {
		team := f % 50
		arn := fmt.Sprintf("arn:aws:lambda:eu-west-1:%s:function:team%d-fn%d", acct, team, f)
		role := a.Roles[f%roles].ARN
		inv.Functions = append(inv.Functions, audit.Function{Provider: audit.AWS, Account: acct, Region: "eu-west-1",
			Name: fmt.Sprintf("team%d-fn%d", team, f), ID: arn, Identities: []string{role},
			AWS: &audit.AWSFunction{Role: role, Aliases: []string{"live"}}})
	}
	return inv
}

// BenchmarkControl: the whole "who can control" computation (build the
// analysis, then ask for every function) for 5,000 functions, at two
// numbers of principals. ns/function is reported per size.
func BenchmarkControl(b *testing.B) {
	sizes := []struct {
		name                    string
		fns, roles, users, pols int
	}{
		{"principals=2500", 5000, 2000, 500, 300},
		{"principals=5000", 5000, 4000, 1000, 300},
	}
	for _, s := range sizes {
		inv := benchEstate(s.fns, s.roles, s.users, s.pols)
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			controls := 0
			var a *Analysis
			all := make([][]Control, len(inv.Functions))
			for i := 0; i < b.N; i++ {
				a = New(inv)
				controls = 0
				for j := range inv.Functions {
					all[j] = a.Function(&inv.Functions[j])
					controls += len(all[j])
				}
			}
			b.StopTimer()
			// Live heap with the analysis and every function's answer kept,
			// as a report keeps them.
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(a)
			runtime.KeepAlive(all)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(s.fns), "ns/function")
			b.ReportMetric(float64(controls)/float64(s.fns), "controls/function")
			b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1e6, "MB-live")
		})
	}
}

// TestBenchEstate: the benchmark's estate has controllers of every kind the
// analysis derives, so the benchmark measures real work.
func TestBenchEstate(t *testing.T) {
	t.Parallel()
	inv := benchEstate(200, 100, 50, 60)
	a := New(inv)
	kinds := map[audit.ControlKind]bool{}
	for i := range inv.Functions {
		for _, c := range a.Function(&inv.Functions[i]) {
			for _, k := range c.Kinds() {
				kinds[k] = true
			}
		}
	}
	for _, k := range []audit.ControlKind{audit.ControlChangeCode, audit.ControlChangeConfig,
		audit.ControlChangeInvokePolicy, audit.ControlAssumeIdentity, audit.ControlPassIdentity} {
		if !kinds[k] {
			t.Errorf("no %s control in the benchmark estate", k)
		}
	}
	if p := a.Problems(); len(p) > 0 {
		t.Errorf("problems: %q", p[:1])
	}
}
