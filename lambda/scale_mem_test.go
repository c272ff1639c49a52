package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
)

// memEstate is the estate the publish step merges at organization scale: n
// AWS functions, 200 per account-region, each with a resource policy of two
// statements, three environment variables and one trigger; one execution role
// per five functions, each role with a managed and an inline policy; and
// each account's IAM authorization details (its execution roles, an
// administrators' role any of the account's principals may assume, and a
// deployers' role that may update its functions), so who can change a
// function is judged as in a real collection.
func memEstate(n int) *audit.Inventory { return memEstateSlice(0, n, n) }

// memEstateSlice is the functions first to first+count-1 of memEstate(total),
// with the organization of total functions: one account's part when first and
// count are multiples of 200.
func memEstateSlice(first, count, total int) *audit.Inventory {
	inv := audit.NewInventory(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	n := total
	const perAccount = 200
	doc := func(stmts ...map[string]any) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
		return b
	}
	basic := doc(map[string]any{"Effect": "Allow", "Action": []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": "*"})
	members := []string{}
	for a := 0; a < (n+perAccount-1)/perAccount; a++ {
		members = append(members, fmt.Sprintf("%012d", 100000000000+a))
	}
	inv.Organizations = []audit.Organization{{Provider: audit.AWS, ID: "o-abcdef1234", Account: members[0],
		MembersKnown: true, Members: members, Source: audit.Source{API: "organizations:ListAccounts"}}}
	admin := doc(map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	for a := first / perAccount; a*perAccount < min(first+count, n); a++ {
		acct := members[a]
		trust := func(principal any) json.RawMessage {
			return doc(map[string]any{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
		}
		details := &audit.AWSAccount{Source: audit.Source{API: "iam:GetAccountAuthorizationDetails", Ref: acct},
			Policies: []audit.Policy{{Kind: audit.PolicyAWSManaged, Name: "AdministratorAccess", ID: "arn:aws:iam::aws:policy/AdministratorAccess", Document: admin}},
			Roles: []audit.AWSPrincipal{
				{ARN: "arn:aws:iam::" + acct + ":role/admin", Name: "admin", Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"},
					Trust: trust(map[string]any{"AWS": "arn:aws:iam::" + acct + ":root"})},
				{ARN: "arn:aws:iam::" + acct + ":role/deployer", Name: "deployer", Trust: trust(map[string]any{"Service": "codebuild.amazonaws.com"}),
					Inline: []audit.Policy{{Kind: audit.PolicyInline, Name: "deploy", Document: doc(map[string]any{"Effect": "Allow",
						"Action": []string{"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"}, "Resource": "arn:aws:lambda:*:" + acct + ":function:*"})}}},
			}}
		for r := a * perAccount / 5; r < (a+1)*perAccount/5; r++ {
			details.Roles = append(details.Roles, audit.AWSPrincipal{ARN: fmt.Sprintf("arn:aws:iam::%s:role/svc-%06d", acct, r), Name: fmt.Sprintf("svc-%06d", r),
				Trust: trust(map[string]any{"Service": "lambda.amazonaws.com"})})
		}
		inv.Accounts = append(inv.Accounts, audit.Account{Provider: audit.AWS, ID: acct, AWS: details})
	}
	for i := first; i < min(first+count, n); i++ {
		acct := members[i/perAccount]
		role := fmt.Sprintf("arn:aws:iam::%s:role/svc-%06d", acct, i/5)
		if i%5 == 0 {
			inline := doc(
				map[string]any{"Effect": "Allow", "Action": []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"}, "Resource": fmt.Sprintf("arn:aws:dynamodb:us-east-1:%s:table/orders-%d", acct, i)},
				map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
			)
			inv.Identities = append(inv.Identities, audit.Identity{Provider: audit.AWS, Account: acct, ID: role,
				Name: fmt.Sprintf("svc-%06d", i/5), Kind: "aws-role", Policies: []audit.Policy{
					{Kind: audit.PolicyAWSManaged, Name: "AWSLambdaBasicExecutionRole", ID: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", Document: basic},
					{Kind: audit.PolicyInline, Name: "app", Document: inline}}})
		}
		name := fmt.Sprintf("fn-%06d", i)
		arn := fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:%s", acct, name)
		api := fmt.Sprintf("arn:aws:execute-api:us-east-1:%s:api%d/*/GET/items", acct, i)
		principal := any(map[string]any{"Service": "apigateway.amazonaws.com"})
		if i%50 == 0 {
			principal = "*" // a few are public
		}
		fn := audit.Function{Provider: audit.AWS, Account: acct, Region: "us-east-1", Name: name, ID: arn,
			Runtime: []string{"python3.12", "nodejs20.x", "python3.8"}[i%3], PackageType: "Zip",
			Identities: []string{role},
			Environment: []audit.EnvVar{
				{Name: "TABLE_NAME", Verdict: audit.ValuePlain},
				{Name: "LOG_LEVEL", Verdict: audit.ValuePlain},
				{Name: "DB_SECRET_ARN", Verdict: audit.ValueReference, Detector: "secretsmanager-arn"},
			},
			Triggers: []audit.Trigger{{Kind: audit.TriggerAPIGateway, Service: "apigateway.amazonaws.com", SourceID: api,
				Source: audit.Source{API: "lambda:GetPolicy", Ref: arn}}},
			AWS: &audit.AWSFunction{Role: role, Architectures: []string{"arm64"}, URLsChecked: true,
				Policies: []audit.ResourcePolicy{{Document: doc(
					map[string]any{"Sid": "apigw", "Effect": "Allow", "Principal": principal, "Action": "lambda:InvokeFunction", "Resource": arn,
						"Condition": map[string]any{"ArnLike": map[string]any{"AWS:SourceArn": api}}},
					map[string]any{"Sid": "events", "Effect": "Allow", "Principal": map[string]any{"Service": "events.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": arn,
						"Condition": map[string]any{"ArnLike": map[string]any{"AWS:SourceArn": fmt.Sprintf("arn:aws:events:us-east-1:%s:rule/r%d", acct, i)}}},
				), Source: audit.Source{API: "lambda:GetPolicy", Ref: arn}}}},
			Source: audit.Source{API: "lambda:ListFunctions", Ref: arn},
		}
		inv.Functions = append(inv.Functions, fn)
	}
	return inv
}

// heapSampler records the largest live heap (runtime/metrics heap objects)
// seen while it runs, read every millisecond.
type heapSampler struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), peak: heapObjects()}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.peak = max(s.peak, heapObjects())
			}
		}
	}()
	return s
}

func (s *heapSampler) Stop() uint64 {
	close(s.stop)
	s.wg.Wait()
	return max(s.peak, heapObjects())
}

// memStats is the heap after two collections: the second empties the
// sync.Pool victim caches (encoding/json keeps its buffers there).
func memStats() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

// BenchmarkPublishMemory measures, per function, what the publish step holds:
// the decoded inventory (live heap after GC), Analyze with every rule plus the
// control summaries (allocation and peak live heap above the inventory), and
// the JSON report (its bytes), and the baseline and HTML report finish adds.
// peak-heap is the largest heap (live objects and garbage not yet collected)
// seen at any point, divided by the functions. Run it once:
//
//	go test ./lambda/ -run '^$' -bench PublishMemory -benchtime 1x
func BenchmarkPublishMemory(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				benchPublishMemory(b, n)
			}
		})
	}
}

// memEstateJSON is the estate as the partials hold it; the generated
// inventory is garbage once it returns.
//
//go:noinline
func memEstateJSON(b *testing.B, n int) []byte {
	data, err := json.Marshal(memEstate(n))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchPublishMemory(b *testing.B, n int) {
	data := memEstateJSON(b, n)
	perFn := func(v uint64) float64 { return float64(v) / float64(n) }
	b.ReportMetric(float64(len(data))/float64(n), "partial-json-B/function")

	// (a) the decoded inventory.
	m0 := memStats()
	inv := new(audit.Inventory)
	if err := json.Unmarshal(data, inv); err != nil {
		b.Fatal(err)
	}
	m1 := memStats()
	runtime.KeepAlive(data)
	b.ReportMetric(perFn(m1.HeapAlloc-m0.HeapAlloc), "inventory-B/function")
	data = nil
	m1 = memStats()
	invBytes := m1.HeapAlloc

	// (b) Analyze with every rule, and the control summaries the reports carry.
	sampler := startHeapSampler()
	r := audit.Analyze(inv, rules.All(), audit.Config{Now: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	r.Control = control.Summaries(inv)
	peak := sampler.Stop()
	m2 := memStats()
	b.ReportMetric(perFn(m2.TotalAlloc-m1.TotalAlloc), "analyze-alloc-B/function")
	b.ReportMetric(perFn(peak-min(peak, invBytes)), "analyze-peak-B/function")
	b.ReportMetric(perFn(m2.HeapAlloc-invBytes), "report-B/function")

	// (c) the JSON report.
	sampler = startHeapSampler()
	var buf bytes.Buffer
	if err := report.Render(&buf, report.JSON, r, report.Options{}); err != nil {
		b.Fatal(err)
	}
	peakJSON := sampler.Stop()
	m3 := memStats()
	b.ReportMetric(perFn(uint64(buf.Len())), "report-json-B/function")
	b.ReportMetric(perFn(m3.TotalAlloc-m2.TotalAlloc), "render-alloc-B/function")

	// (d) what finish adds: the previous run's report read back as the
	// baseline (the same size as this one) and the HTML report.
	sampler = startHeapSampler()
	prev := new(audit.Report)
	if err := json.Unmarshal(buf.Bytes(), prev); err != nil {
		b.Fatal(err)
	}
	var page bytes.Buffer
	if err := report.Render(&page, report.HTML, r, report.Options{}); err != nil {
		b.Fatal(err)
	}
	peakFinish := sampler.Stop()
	b.ReportMetric(perFn(uint64(page.Len())), "report-html-B/function")
	b.ReportMetric(perFn(max(peak, peakJSON, peakFinish)), "peak-heap-B/function")
	runtime.KeepAlive(prev)
	b.ReportMetric(float64(len(r.Findings)), "findings")
	runtime.KeepAlive(inv)
	runtime.KeepAlive(r)
}
