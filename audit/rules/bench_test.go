package rules

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
)

// benchInventory generates an estate of n functions sharing nIdent identities
// across the three providers, with realistic policies: most roles are scoped
// service roles, some are broad, a few are admin or can escalate; most
// resource policies pin their service principal, some do not, a few are public.
func benchInventory(n, nIdent int) *audit.Inventory {
	rng := rand.New(rand.NewSource(1))
	inv := audit.NewInventory(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	acct := func(i int) string { return fmt.Sprintf("1234567890%02d", i%20) }
	awsIdent := nIdent * 7 / 10
	gcpIdent := nIdent * 15 / 100
	azIdent := nIdent - awsIdent - gcpIdent

	stmt := func(action any, resource any) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
	}
	doc := func(stmts ...map[string]any) json.RawMessage {
		b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
		return b
	}
	basic := doc(stmt([]string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}, "*"))
	for i := 0; i < awsIdent; i++ {
		a := acct(i)
		role := fmt.Sprintf("arn:aws:iam::%s:role/svc-%04d", a, i)
		pols := []audit.Policy{{Kind: audit.PolicyAWSManaged, Name: "AWSLambdaBasicExecutionRole",
			ID: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", Document: basic}}
		var inline json.RawMessage
		switch r := rng.Intn(100); {
		case r < 60:
			inline = doc(
				stmt([]string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"}, fmt.Sprintf("arn:aws:dynamodb:us-east-1:%s:table/orders-%d", a, i)),
				stmt([]string{"s3:GetObject", "s3:PutObject"}, fmt.Sprintf("arn:aws:s3:::bucket-%d/*", i)),
				stmt("sqs:SendMessage", fmt.Sprintf("arn:aws:sqs:us-east-1:%s:queue-%d", a, i)),
			)
		case r < 80:
			inline = doc(stmt("s3:*", "*"), stmt([]string{"dynamodb:*"}, "*"), stmt("sns:Publish", "*"))
		case r < 90:
			inline = doc(stmt([]string{"iam:PassRole"}, "*"), stmt([]string{"lambda:CreateFunction", "lambda:InvokeFunction", "lambda:UpdateFunctionCode"}, "*"))
		case r < 95:
			inline = doc(map[string]any{"Effect": "Allow", "NotAction": []string{"iam:*", "organizations:*", "account:*"}, "Resource": "*"})
		default:
			inline = doc(stmt("*", "*"))
		}
		pols = append(pols, audit.Policy{Kind: audit.PolicyInline, Name: "app", Document: inline})
		inv.Identities = append(inv.Identities, audit.Identity{Provider: audit.AWS, Account: a, ID: role, Name: fmt.Sprintf("svc-%04d", i), Kind: "aws-role", Policies: pols})
	}
	gcpRoles := []string{"roles/storage.objectViewer", "roles/pubsub.publisher", "roles/datastore.user", "roles/editor", "roles/storage.admin", "roles/iam.serviceAccountUser"}
	for i := 0; i < gcpIdent; i++ {
		proj := fmt.Sprintf("acme-prod-%03d", i%10)
		role := gcpRoles[rng.Intn(len(gcpRoles))]
		inv.Identities = append(inv.Identities, audit.Identity{Provider: audit.GCP, Account: proj,
			ID: fmt.Sprintf("fn-%04d@%s.iam.gserviceaccount.com", i, proj), Kind: "gcp-service-account",
			Policies: []audit.Policy{{Kind: audit.PolicyBinding, Name: role, Scope: "projects/" + proj,
				Grants: []audit.Grant{{Effect: audit.Allow, Actions: []string{"storage.objects.get", "storage.objects.list"}, Scope: "projects/" + proj}}}}})
	}
	azRoles := []struct{ name, action string }{{"Storage Blob Data Reader", "Microsoft.Storage/storageAccounts/blobServices/containers/read"}, {"Contributor", "*"}, {"Owner", "*"}, {"Reader", "*/read"}}
	for i := 0; i < azIdent; i++ {
		sub := fmt.Sprintf("0b1f6471-1bf0-4dda-aec3-cb9272f09%03d", i%10)
		r := azRoles[rng.Intn(len(azRoles))]
		inv.Identities = append(inv.Identities, audit.Identity{Provider: audit.Azure, Account: sub,
			ID: fmt.Sprintf("7f3c9a52-0000-4000-8000-%012d", i), Kind: "azure-system-assigned",
			Policies: []audit.Policy{{Kind: audit.PolicyRoleAssignment, Name: r.name, Scope: "/subscriptions/" + sub,
				Grants: []audit.Grant{{Effect: audit.Allow, Actions: []string{r.action}, Scope: "/subscriptions/" + sub}}}}})
	}

	runtimes := []string{"python3.12", "python3.13", "nodejs20.x", "nodejs22.x", "java21", "python3.8", "nodejs16.x", "provided.al2023"}
	for i := 0; i < n; i++ {
		ident := &inv.Identities[rng.Intn(len(inv.Identities))]
		fn := audit.Function{Provider: ident.Provider, Account: ident.Account, Name: fmt.Sprintf("fn-%05d", i),
			Identities: []string{ident.ID},
			Environment: []audit.EnvVar{
				{Name: "TABLE_NAME", Verdict: audit.ValuePlain},
				{Name: "DB_SECRET_ARN", Verdict: audit.ValueReference, Detector: "secretsmanager-arn"},
			}}
		if rng.Intn(50) == 0 {
			fn.Environment = append(fn.Environment, audit.EnvVar{Name: "API_TOKEN", Verdict: audit.ValueSecret, Detector: "github-token", Hint: "ghp_****"})
		}
		switch ident.Provider {
		case audit.AWS:
			fn.Region = "us-east-1"
			fn.ID = fmt.Sprintf("arn:aws:lambda:us-east-1:%s:function:%s", fn.Account, fn.Name)
			fn.Runtime = runtimes[rng.Intn(len(runtimes))]
			fn.PackageType = "Zip"
			fn.AWS = &audit.AWSFunction{Role: ident.ID, URLsChecked: true}
			var st map[string]any
			switch r := rng.Intn(100); {
			case r < 50:
				st = map[string]any{"Sid": "apigw", "Effect": "Allow", "Principal": map[string]any{"Service": "apigateway.amazonaws.com"},
					"Action": "lambda:InvokeFunction", "Resource": fn.ID,
					"Condition": map[string]any{"ArnLike": map[string]any{"AWS:SourceArn": fmt.Sprintf("arn:aws:execute-api:us-east-1:%s:abc%d/*/GET/items", fn.Account, i)}}}
			case r < 70:
				st = map[string]any{"Sid": "s3", "Effect": "Allow", "Principal": map[string]any{"Service": "s3.amazonaws.com"},
					"Action": "lambda:InvokeFunction", "Resource": fn.ID}
			case r < 75:
				st = map[string]any{"Sid": "public", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl", "Resource": fn.ID,
					"Condition": map[string]any{"StringEquals": map[string]any{"lambda:FunctionUrlAuthType": "NONE"}}}
				fn.AWS.URLs = []audit.FunctionURL{{URL: "https://x.lambda-url.us-east-1.on.aws/", AuthType: "NONE"}}
			}
			if st != nil {
				fn.AWS.Policies = []audit.ResourcePolicy{{Document: doc(st)}}
			}
		case audit.GCP:
			fn.Region = "europe-west1"
			fn.ID = fmt.Sprintf("projects/%s/locations/europe-west1/functions/%s", fn.Account, fn.Name)
			fn.Runtime = "python312"
			fn.GCP = &audit.GCPFunction{Generation: "2", ServiceAccount: ident.ID, Ingress: "ALLOW_ALL"}
			if rng.Intn(20) == 0 {
				fn.Access = []audit.Access{{Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "allUsers"}, Effect: audit.Allow, Role: "roles/run.invoker"}}
			}
		case audit.Azure:
			fn.Region = "westeurope"
			app := fmt.Sprintf("/subscriptions/%s/resourceGroups/rg/providers/Microsoft.Web/sites/app-%d", fn.Account, i/5)
			fn.ID = app + "/functions/" + fn.Name
			fn.Runtime = "node|20"
			level := []string{"function", "anonymous", ""}[rng.Intn(3)]
			fn.Azure = &audit.AzureFunction{App: app, AuthLevel: level, ExtensionVersion: "~4", WorkerRuntime: "node", HTTPSOnly: true}
		}
		inv.Functions = append(inv.Functions, fn)
	}
	return inv
}

// BenchmarkAnalyze runs every rule over 10,000 functions sharing 2,000
// identities. Report ns/function with the custom metric.
func BenchmarkAnalyze(b *testing.B) {
	inv := benchInventory(10000, 2000)
	rs := All()
	cfg := audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	b.ResetTimer()
	var findings int
	for i := 0; i < b.N; i++ {
		findings = len(audit.Analyze(inv, rs, cfg).Findings)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(inv.Functions)), "ns/function")
	b.ReportMetric(float64(findings), "findings")
}
