package secrets

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fnaudit/fnaudit/audit"
)

// Synthetic credentials: shape-correct but fake, and assembled from pieces so that
// secret scanners run over this repository do not flag the test file.
var (
	fakeAKIA      = "AK" + "IA" + "ZZZZFAKEFAKE0001"
	fakeASIA      = "AS" + "IA" + "ZZZZFAKEFAKE0002"
	fakeAWSSecret = "wJalr" + "XUtnFEMI/K7MDENG/" + "bPxRfiCYFAKEKEY001"
	fakePEM       = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----"
	fakeOpenSSH   = "-----BEGIN " + "OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----"
	fakeGCPKey    = `{"type": "service_account", "project_id": "acme-prod-123", "private_key_id": "0f",` +
		` "private_key": "-----BEGIN ` + `PRIVATE KEY-----\nMIIfake\n", "client_email": "x@acme-prod-123.iam.gserviceaccount.com"}`
	fakeAzureConn = "DefaultEndpointsProtocol=https;AccountName=acmeprod;Account" + "Key=" +
		strings.Repeat("Zm9vYmFy", 11) + "==;EndpointSuffix=core.windows.net"
	fakeSBConn = "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccess" + "Key=" +
		strings.Repeat("QmFy", 11) + "="
	fakeSAS    = "sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01T00:00:00Z&" + "sig=" + strings.Repeat("AbCd", 10) + "%3D"
	fakeJWT    = "eyJ" + "hbGciOiJIUzI1NiJ9" + "." + "eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + "." + "c2lnbmF0dXJlZmFrZWZha2U"
	fakeGHP    = "gh" + "p_" + strings.Repeat("a1B2", 9)
	fakeGHPAT  = "github" + "_pat_" + strings.Repeat("11AAAA", 10)
	fakeGLPAT  = "gl" + "pat-" + strings.Repeat("x", 20)
	fakeSlack  = "xo" + "xb-" + "123456789012-123456789012-" + strings.Repeat("a", 24)
	fakeHook   = "https://hooks.slack.com/" + "services/T00000000/B00000000/" + strings.Repeat("X", 24)
	fakeStripe = "sk" + "_live_" + strings.Repeat("4eC39HqLyjWDarjtT1zdp7dc", 1)
	fakeStripT = "rk" + "_test_" + strings.Repeat("4eC39HqLyjWDarjtT1zdp7dc", 1)
	fakeTwilio = "S" + "K" + strings.Repeat("0123456789abcdef", 2)
	fakeSG     = "S" + "G." + strings.Repeat("a", 22) + "." + strings.Repeat("b", 43)
	fakeGAPI   = "AI" + "za" + strings.Repeat("SyFake", 5) + "Fake0"
	fakeNPM    = "np" + "m_" + strings.Repeat("abc123", 6)
	fakeAnt    = "sk-" + "ant-api03-" + strings.Repeat("fake", 8)
	fakeOpenAI = "sk-" + "proj-" + strings.Repeat("Fake0", 10)
	fakeKMS    = "AQICAH" + strings.Repeat("hXZmFrZWNpcGhlcnRleHQ", 6) + "=="
	fakeRand   = "q8Jd2LmX0vR7tYzW5pKcN3aE"

	fakeAcctKey    = strings.Repeat("U3RvcmFnZUtleQ", 7)[:86] + "=="
	fakeCosmos     = "AccountEndpoint=https://acme-orders.documents.azure.com:443/;Account" + "Key=" + fakeAcctKey + ";"
	fakeCosmosTbl  = "DefaultEndpointsProtocol=https;AccountName=acme-orders;Account" + "Key=" + fakeAcctKey + ";TableEndpoint=https://acme-orders.table.cosmos.azure.com:443/;"
	fakeEHConn     = "Endpoint=sb://acme-events.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccess" + "Key=" + strings.Repeat("RXZlbnQ", 6) + "=;EntityPath=orders"
	fakeSBSAS      = "SharedAccessSignature sr=https%3a%2f%2facme.servicebus.windows.net%2forders&" + "sig=" + strings.Repeat("SiGn", 11) + "%3d&se=1798761600&skn=send"
	fakeGCPKeyB64  = base64.StdEncoding.EncodeToString([]byte(fakeGCPKey))
	fakeGCPKeyB64n = base64.StdEncoding.EncodeToString([]byte("{\n  " + fakeGCPKey[1:]))
	fakeEntra      = "xYz8" + "Q~" + strings.Repeat("fAkE.sEcReT_", 3)[:34]
	fakeBedrock    = "AB" + "SK" + strings.Repeat("QmVkcm9ja0FQSUtleS", 7)
	fakeBedrockST  = "bedrock-api-key-" + "YmVkcm9jay5hbWF6b25hd3MuY29t" + "JTJGJTNGQWN0aW9uJTNEQ2FsbFdpdGhCZWFyZXJUb2tlbg=="
	fakeGLRT       = "gl" + "rt-" + strings.Repeat("a1B2c3", 4)
	fakeGLPTT      = "gl" + "ptt-" + strings.Repeat("0a1b2c3d", 5)
	fakeGLRR       = "GR1348" + "941" + strings.Repeat("xY_9", 5)
	fakeXapp       = "xa" + "pp-1-A0FAKE1234-1234567890123-" + strings.Repeat("0f", 32)
	fakeMailgun    = strings.Repeat("0123456789abcdef", 2) + "-" + "0a1b2c3d" + "-" + "4e5f6a7b"
	fakeDDAPI      = strings.Repeat("0f1e2d3c", 4)
	fakeDDApp      = strings.Repeat("a0b1c2d3e4", 4)
	fakeAtlassian  = "ATA" + "TT3xFfGF0" + strings.Repeat("Fake_Atl-Token0", 12) + "=0A1B2C3D"
	fakeHeroku     = "HR" + "KU-AA" + strings.Repeat("Fake_Heroku-0", 5)[:58]
	fakeHerokuUUID = "01234567-89ab-cdef-0123-456789abcdef"
	fakeHF         = "h" + "f_" + strings.Repeat("FakeHuggingFace", 3)[:34]
)

func TestInspect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value string
		verdict     audit.ValueVerdict
		detector    string
	}{
		// empty
		{"DB_PASSWORD", "", audit.ValueEmpty, ""},
		{"API_KEY", "   ", audit.ValueEmpty, ""},

		// references
		{"DB_SECRET", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf", audit.ValueReference, "secretsmanager-arn"},
		{"DB_PASSWORD", "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password", audit.ValueReference, "ssm-parameter-arn"},
		{"DB_PASSWORD", "/prod/db/password", audit.ValueReference, "ssm-parameter-name"},
		{"API_TOKEN", "ssm:/prod/api/token", audit.ValueReference, "ssm-parameter-reference"},
		{"API_TOKEN", "secretsmanager:prod/api", audit.ValueReference, "secretsmanager-reference"},
		{"DB_PASSWORD", "{{resolve:secretsmanager:prod/db:SecretString:password}}", audit.ValueReference, "cloudformation-dynamic-reference"},
		{"DB_PASSWORD", "{{resolve:ssm-secure:/prod/db/password:3}}", audit.ValueReference, "cloudformation-dynamic-reference"},
		{"StorageConn", "@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/storage/)", audit.ValueReference, "keyvault-reference"},
		{"StorageConn", "@Microsoft.KeyVault(VaultName=acme-kv;SecretName=storage)", audit.ValueReference, "keyvault-reference"},
		{"API_KEY", "https://acme-kv.vault.azure.net/secrets/api-key", audit.ValueReference, "keyvault-reference"},
		{"Setting", "@Microsoft.AppConfiguration(Endpoint=https://acme.azconfig.io; Key=x)", audit.ValueReference, "appconfig-reference"},
		{"DB_PASSWORD", "projects/acme-prod-123/secrets/db-password/versions/latest", audit.ValueReference, "gcp-secret-reference"},
		{"API_TOKEN", "projects/123456789/secrets/api-token", audit.ValueReference, "gcp-secret-reference"},
		{"DB_PASSWORD", "vault:secret/data/prod/db#password", audit.ValueReference, "vault-reference"},
		{"ENCRYPTED_DB_PASSWORD", strings.Repeat("ZmFrZWNpcGhlcnRleHQ", 4), audit.ValueReference, "kms-ciphertext"},
		{"DB_PASSWORD", fakeKMS, audit.ValueReference, "kms-ciphertext"},

		// cloud keys and private keys, whatever the name
		{"SOME_ID", fakeAKIA, audit.ValueSecret, "aws-access-key-id"},
		{"AWS_ACCESS_KEY_ID", fakeASIA, audit.ValueSecret, "aws-access-key-id"},
		{"AWS_SECRET_ACCESS_KEY", fakeAWSSecret, audit.ValueSecret, "aws-secret-access-key"},
		{"AWS_SECRET_KEY", fakeAWSSecret, audit.ValueSecret, "aws-secret-access-key"},
		{"TLS_KEY", fakePEM, audit.ValueSecret, "private-key"},
		{"DEPLOY_KEY", fakeOpenSSH, audit.ValueSecret, "private-key"},
		{"GOOGLE_CREDENTIALS", fakeGCPKey, audit.ValueSecret, "gcp-service-account-key"},
		{"AzureWebJobsStorage", fakeAzureConn, audit.ValueSecret, "azure-storage-connection-string"},
		{"ServiceBusConnection", fakeSBConn, audit.ValueSecret, "azure-shared-access-key"},
		{"BLOB_SAS", fakeSAS, audit.ValueSecret, "azure-sas-token"},
		{"BLOB_URL", "https://acme.blob.core.windows.net/c?" + fakeSAS, audit.ValueSecret, "azure-sas-token"},

		// Azure account keys, Cosmos DB, Service Bus / Event Hubs, SAS, Entra,
		// Bedrock and GCP key files (base64)
		{"CosmosDbConnection", fakeCosmos, audit.ValueSecret, "azure-cosmosdb-connection-string"},
		{"CosmosTable", fakeCosmosTbl, audit.ValueSecret, "azure-cosmosdb-connection-string"},
		{"COSMOS_KEY", fakeAcctKey, audit.ValueSecret, "azure-account-key"},
		{"AzureStorageAccountKey", fakeAcctKey, audit.ValueSecret, "azure-account-key"},
		{"EventHubConnection", fakeEHConn, audit.ValueSecret, "azure-shared-access-key"},
		{"SERVICEBUS_SAS", fakeSBSAS, audit.ValueSecret, "azure-sas-token"},
		{"AZURE_CLIENT_SECRET", fakeEntra, audit.ValueSecret, "azure-ad-client-secret"},
		{"SOME_SETTING", fakeEntra, audit.ValueSecret, "azure-ad-client-secret"},
		{"BEDROCK", fakeBedrock, audit.ValueSecret, "aws-bedrock-api-key"},
		{"AWS_BEARER_TOKEN_BEDROCK", fakeBedrockST, audit.ValueSecret, "aws-bedrock-api-key"},
		{"GOOGLE_CREDENTIALS_B64", fakeGCPKeyB64, audit.ValueSecret, "gcp-service-account-key"},
		{"SA_JSON", fakeGCPKeyB64n, audit.ValueSecret, "gcp-service-account-key"},

		// near misses of those: placeholders, references, empty values and
		// look-alikes are no secrets
		{"CosmosDbConnection", "AccountEndpoint=https://acme-orders.documents.azure.com:443/;AccountKey=changeme;", audit.ValuePlain, ""},
		{"CosmosDbConnection", "@Microsoft.KeyVault(VaultName=acme-kv;SecretName=cosmos)", audit.ValueReference, "keyvault-reference"},
		{"COSMOS_KEY", "changeme", audit.ValuePlain, ""},
		{"COSMOS_KEY", "${ssm:/prod/cosmos/key}", audit.ValuePlain, "placeholder"},
		{"COSMOS_KEY", "", audit.ValueEmpty, ""},
		{"STORAGE_ACCOUNT_NAME", "acmeorders", audit.ValuePlain, ""},
		{"ENCRYPTION_KEY", fakeAcctKey, audit.ValueSecret, "high-entropy"},
		{"THUMBNAIL_KEY", fakeAcctKey, audit.ValuePlain, ""},
		{"BLOB_CONTAINER_URL", "https://acme.blob.core.windows.net/uploads", audit.ValuePlain, ""},
		{"CALLBACK_URL", "https://hooks.example.com/in?" + "sig=" + strings.Repeat("SiGn", 11), audit.ValuePlain, ""},
		{"AZURE_CLIENT_SECRET", "changeme", audit.ValuePlain, ""},
		{"AZURE_CLIENT_SECRET", "@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/client-secret/)", audit.ValueReference, "keyvault-reference"},
		{"NOTE", "xYzaQ~" + strings.Repeat("fAkE.sEcReT_", 3)[:34], audit.ValuePlain, ""},
		{"GOOGLE_CREDENTIALS", `{"type": "service_account", "project_id": "acme-prod-123", "client_email": "x@acme-prod-123.iam.gserviceaccount.com"}`, audit.ValuePlain, ""},
		{"GOOGLE_CREDENTIALS", "projects/acme-prod-123/secrets/sa-key/versions/3", audit.ValueReference, "gcp-secret-reference"},

		// tokens of well-known services
		{"GITLAB_RUNNER", fakeGLRT, audit.ValueSecret, "gitlab-token"},
		{"TRIGGER", fakeGLPTT, audit.ValueSecret, "gitlab-token"},
		{"REGISTRATION", fakeGLRR, audit.ValueSecret, "gitlab-token"},
		{"SLACK_APP", fakeXapp, audit.ValueSecret, "slack-token"},
		{"MAILGUN", fakeMailgun, audit.ValueSecret, "mailgun-api-key"},
		{"DD_API_KEY", fakeDDAPI, audit.ValueSecret, "datadog-api-key"},
		{"DD_APP_KEY", fakeDDApp, audit.ValueSecret, "datadog-api-key"},
		{"DATADOG_APPLICATION_KEY", fakeDDApp, audit.ValueSecret, "datadog-api-key"},
		{"JIRA", fakeAtlassian, audit.ValueSecret, "atlassian-api-token"},
		{"HEROKU", fakeHeroku, audit.ValueSecret, "heroku-api-key"},
		{"HEROKU_API_KEY", fakeHerokuUUID, audit.ValueSecret, "heroku-api-key"},
		{"HF", fakeHF, audit.ValueSecret, "huggingface-token"},
		{"DD_API_KEY", "changeme", audit.ValuePlain, ""},
		{"DD_API_KEY", "@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/dd-api-key/)", audit.ValueReference, "keyvault-reference"},
		{"DD_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-AbCdEf", audit.ValueReference, "secretsmanager-arn"},
		{"DD_API_KEY", "${ssm:/prod/datadog/api-key}", audit.ValuePlain, "placeholder"},
		{"DD_API_KEY", "", audit.ValueEmpty, ""},
		{"DD_SITE", "datadoghq.eu", audit.ValuePlain, ""},
		{"DD_TRACE_ID", fakeDDAPI, audit.ValuePlain, ""},
		{"HEROKU_APP_ID", fakeHerokuUUID, audit.ValuePlain, ""},
		{"HEROKU_API_KEY", "{{resolve:secretsmanager:heroku:SecretString:key}}", audit.ValueReference, "cloudformation-dynamic-reference"},
		{"SLACK_APP_TOKEN", "xapp-changeme", audit.ValuePlain, ""},
		{"REQUEST_ID", strings.Repeat("0123456789abcdef", 2) + "-0a1b2c3d", audit.ValuePlain, ""},
		{"GITLAB_TOKEN", "glpat-changeme", audit.ValuePlain, ""},
		{"SESSION", fakeJWT, audit.ValueSecret, "jwt"},
		{"GH", fakeGHP, audit.ValueSecret, "github-token"},
		{"GH", fakeGHPAT, audit.ValueSecret, "github-token"},
		{"GL", fakeGLPAT, audit.ValueSecret, "gitlab-token"},
		{"SLACK", fakeSlack, audit.ValueSecret, "slack-token"},
		{"ALERT_HOOK", fakeHook, audit.ValueSecret, "slack-webhook"},
		{"PAYMENTS", fakeStripe, audit.ValueSecret, "stripe-key"},
		{"PAYMENTS", fakeStripT, audit.ValueSecret, "stripe-test-key"},
		{"TWILIO", fakeTwilio, audit.ValueSecret, "twilio-api-key"},
		{"MAIL", fakeSG, audit.ValueSecret, "sendgrid-api-key"},
		{"MAPS", fakeGAPI, audit.ValueSecret, "google-api-key"},
		{"NPMRC", fakeNPM, audit.ValueSecret, "npm-token"},
		{"LLM", fakeAnt, audit.ValueSecret, "anthropic-api-key"},
		{"LLM", fakeOpenAI, audit.ValueSecret, "openai-api-key"},

		// connection strings
		{"DATABASE_URL", "postgres://app:" + "s3cr3tPw" + "@db.internal:5432/app", audit.ValueSecret, "connection-string-password"},
		{"MONGO_URI", "mongodb+srv://svc:" + "Hunter2xyz" + "@cluster0.abcde.mongodb.net/prod", audit.ValueSecret, "connection-string-password"},
		{"REDIS_URL", "rediss://:" + "longredispass" + "@cache:6379/0", audit.ValueSecret, "connection-string-password"},
		{"SQL", "Server=tcp:acme.database.windows.net,1433;Database=app;User ID=app;Pass" + "word=Xyz123abc;", audit.ValueSecret, "connection-string-password"},
		{"JDBC", "jdbc:mysql://db:3306/app?user=app&pass" + "word=pw12345", audit.ValueSecret, "connection-string-password"},
		{"DATABASE_URL", "postgres://app:${DB_PASSWORD}@db.internal:5432/app", audit.ValuePlain, ""},
		{"DATABASE_URL", "postgres://app@db.internal:5432/app", audit.ValuePlain, ""},
		{"SQL", "Server=acme;Database=app;Password=;", audit.ValuePlain, ""},

		// secret-like names
		{"DB_PASSWORD", "Summer2024!", audit.ValueSecret, "password"},
		{"dbPassword", "correct horse battery staple", audit.ValueSecret, "password"},
		{"SMTP_PASS", "mailpass99", audit.ValueSecret, "password"},
		{"DB_PASSWORD", "changeme", audit.ValueSecret, "default-password"},
		{"DB_PASSWORD", "839201", audit.ValueSecret, "password"},
		{"API_KEY", fakeRand, audit.ValueSecret, "high-entropy"},
		{"apiKey", fakeRand, audit.ValueSecret, "high-entropy"},
		{"CLIENT_SECRET", fakeRand, audit.ValueSecret, "high-entropy"},
		{"SIGNING_KEY", "0123456789abcdef0123456789abcdef", audit.ValueSecret, "high-entropy"},
		{"WEBHOOK_TOKEN", "Ab3$xY9!", audit.ValueSecret, "high-entropy"},
		{"APP_CONFIG", `{"db": {"password": "Xyz123abc!"}}`, audit.ValueSecret, "password"},
		{"DD_API_KEY", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", audit.ValueSecret, "datadog-api-key"},
		{"NEW_RELIC_LICENSE_KEY", "eu01xx" + "0123456789abcdef0123456789abcdefNRAL", audit.ValueSecret, "high-entropy"},
		{"ENC_KEY", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=", audit.ValueSecret, "high-entropy"},

		// settings about secrets, flags and ordinary values
		{"MYSQL_ALLOW_EMPTY_PASSWORD", "yes", audit.ValuePlain, ""},
		{"PASSWORD_MIN_LENGTH", "12", audit.ValuePlain, ""},
		{"TOKEN_TTL", "3600", audit.ValuePlain, ""},
		{"TOKEN_EXPIRY", "15m", audit.ValuePlain, ""},
		{"SECRET_NAME", "prod/db/credentials", audit.ValuePlain, ""},
		{"SECRET_ARN_SUFFIX", "AbCdEf", audit.ValuePlain, ""},
		{"API_KEY_HEADER", "X-Api-Key", audit.ValuePlain, ""},
		{"REQUIRE_TOKEN", "true", audit.ValuePlain, ""},
		{"API_TOKEN", "false", audit.ValuePlain, ""},
		{"TOKEN_URL", "https://login.example.com/oauth2/token", audit.ValuePlain, ""},
		{"AUTH_TOKEN", "https://login.example.com/oauth2/token", audit.ValuePlain, ""},
		{"S3_KEY", "uploads/2026/report.csv", audit.ValuePlain, ""},
		{"SENTRY_DSN", "https://0123456789abcdef0123456789abcdef@o123456.ingest.sentry.io/4504", audit.ValuePlain, ""},
		{"GIT_REMOTE", "https://" + fakeGHP + "@github.com/acme/app.git", audit.ValueSecret, "github-token"},
		{"WEBHOOK_URL", "https://deploy:" + "s3cr3tPw" + "@ci.example.com/hook", audit.ValueSecret, "connection-string-password"},
		{"CACHE_KEY", "user-profile-v2", audit.ValuePlain, ""},
		{"API_KEY", "dev", audit.ValuePlain, ""},
		{"API_TOKEN", "mytoken", audit.ValuePlain, ""},
		{"TABLE_NAME", "orders-prod", audit.ValuePlain, ""},
		{"LOG_LEVEL", "debug", audit.ValuePlain, ""},
		{"BUCKET", "acme-prod-uploads", audit.ValuePlain, ""},
		{"ENDPOINT", "https://api.example.com/v1", audit.ValuePlain, ""},
		{"KMS_KEY_ARN", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", audit.ValuePlain, ""},
		{"AWS_LAMBDA_EXEC_WRAPPER", "/opt/wrapper", audit.ValuePlain, ""},
		{"FEATURE_FLAGS", `{"newCheckout": true}`, audit.ValuePlain, ""},
		{"PATH_PREFIX", "/prod/db/password", audit.ValuePlain, ""},
		{"DESCRIPTION", "AKIA is the prefix of an access key", audit.ValuePlain, ""},
		{"NODE_OPTIONS", "--enable-source-maps --max-old-space-size=256", audit.ValuePlain, ""},
		{"JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1", audit.ValuePlain, ""},
		{"POWERTOOLS_SERVICE_NAME", "orders", audit.ValuePlain, ""},
		{"COGNITO_CLIENT_ID", "4a8s7d6f5g4h3j2k1l0z9x8c7v", audit.ValuePlain, ""},
		{"KMS_KEY_ID", "alias/orders-prod", audit.ValuePlain, ""},
		{"OAUTH_TOKEN_ENDPOINT", "https://auth.example.com/oauth2/token", audit.ValuePlain, ""},
		{"AWS_REGION", "eu-west-1", audit.ValuePlain, ""},

		// placeholders
		{"DB_PASSWORD", "${DB_PASSWORD}", audit.ValuePlain, "placeholder"},
		{"API_KEY", "<your-api-key>", audit.ValuePlain, "placeholder"},
		{"API_KEY", "{{ api_key }}", audit.ValuePlain, "placeholder"},
		{"API_KEY", "xxxxxxxxxxxx", audit.ValuePlain, "placeholder"},
		{"API_KEY", "REDACTED", audit.ValuePlain, "placeholder"},
		{"DB_PASSWORD", "TODO", audit.ValuePlain, "placeholder"},
	}
	for _, tt := range tests {
		got := Inspect(tt.name, tt.value)
		if got.Name != tt.name || got.Verdict != tt.verdict || got.Detector != tt.detector {
			t.Errorf("Inspect(%q, <%d-byte value>) = %s/%s, want %s/%s",
				tt.name, len(tt.value), got.Verdict, got.Detector, tt.verdict, tt.detector)
		}
		if got.Detector != "" {
			if _, ok := Lookup(got.Detector); !ok {
				t.Errorf("detector %q is not in the catalogue", got.Detector)
			}
		}
		if got.Verdict != audit.ValueSecret && got.Hint != "" {
			t.Errorf("Inspect(%q): hint %q on a %s verdict", tt.name, got.Hint, got.Verdict)
		}
		if got.Verdict == audit.ValueSecret {
			checkHint(t, got.Detector, tt.value, got.Hint)
		}
	}
}

// checkHint asserts the hint of a secret is exactly what Hint may show: a
// public type marker of the detector that starts the value (or nothing), the
// detector's kind and the value's length.
func checkHint(t *testing.T, detector, value, hint string) {
	t.Helper()
	v := strings.TrimSpace(value)
	m := reHint.FindStringSubmatch(hint)
	if m == nil {
		t.Errorf("hint %q is not marker****(kind, length)", hint)
		return
	}
	mark := m[1]
	if mark != "" {
		if !strings.HasPrefix(v, mark) {
			t.Errorf("hint marker %q does not start the value", mark)
		}
		if marker(detector, mark) != mark {
			t.Errorf("hint shows %q, which is no public marker of %s", mark, detector)
		}
	}
	if want := formatHint(mark, kindName(detector), utf8.RuneCountInString(v)); hint != want {
		t.Errorf("hint %q, want %q", hint, want)
	}
}

func TestInspectHint(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, value, hint string }{
		{"AWS_ACCESS_KEY_ID", fakeAKIA, "AKIA**** (cloud-key, 20 characters)"},
		{"AWS_SECRET_ACCESS_KEY", fakeAWSSecret, "**** (cloud-key, 40 characters)"},
		{"TLS_KEY", fakePEM, "-----BEGIN RSA PRIVATE KEY-----**** (private-key, 70 characters)"},
		{"GOOGLE_CREDENTIALS", fakeGCPKey, "**** (cloud-key, 198 characters)"},
		{"AzureWebJobsStorage", fakeAzureConn, "**** (cloud-key, 185 characters)"},
		{"GH", fakeGHP, "ghp_**** (token, 40 characters)"},
		{"GH", fakeGHPAT, "github_pat_**** (token, 71 characters)"},
		{"SLACK", fakeSlack, "xoxb-**** (token, 55 characters)"},
		{"ALERT_HOOK", fakeHook, "https://hooks.slack.com/services/**** (token, 77 characters)"},
		{"PAYMENTS", fakeStripe, "sk_live_**** (token, 32 characters)"},
		{"MAPS", fakeGAPI, "AIza**** (token, 39 characters)"},
		{"LLM", fakeOpenAI, "sk-proj-**** (token, 58 characters)"},
		{"SESSION", fakeJWT, "eyJ**** (token, 72 characters)"},
		{"CosmosDbConnection", fakeCosmos, "**** (cloud-key, 161 characters)"},
		{"AZURE_CLIENT_SECRET", fakeEntra, "**** (cloud-key, 40 characters)"},
		{"BEDROCK", fakeBedrock, "ABSK**** (cloud-key, 130 characters)"},
		{"SLACK_APP", fakeXapp, "xapp-**** (token, 96 characters)"},
		{"GITLAB_RUNNER", fakeGLRT, "glrt-**** (token, 29 characters)"},
		{"DD_API_KEY", fakeDDAPI, "**** (token, 32 characters)"},
		{"HEROKU", fakeHeroku, "HRKU-**** (token, 65 characters)"},
		{"DATABASE_URL", "postgres://app:" + "s3cr3tPw" + "@db.internal:5432/app", "postgres://**** (connection-string, 44 characters)"},
		{"JDBC", "jdbc:mysql://db:3306/app?user=app&pass" + "word=pw12345", "jdbc:mysql://**** (connection-string, 50 characters)"},
		{"SQL", "Server=tcp:acme.database.windows.net,1433;Database=app;User ID=app;Pass" + "word=Xyz123abc;", "**** (connection-string, 86 characters)"},
		{"DB_PASSWORD", "Summer2024!", "**** (password, 11 characters)"},
		{"DB_PASSWORD", "ünïcödé-pässwörd", "**** (password, 16 characters)"},
		{"DB_PASSWORD", "changeme", "**** (password, 8 characters)"},
		{"DB_PASSWORD", "Q", "**** (password, 1 character)"},
		{"API_KEY", "  " + fakeRand + "\n", "**** (generic, 24 characters)"},
		// A vendor prefix that does not start the value is not shown.
		{"CONFIG", "token=" + fakeGHP, "**** (token, 46 characters)"},
	}
	for _, tt := range tests {
		if got := Inspect(tt.name, tt.value).Hint; got != tt.hint {
			t.Errorf("Inspect(%q).Hint = %q, want %q", tt.name, got, tt.hint)
		}
	}
}

func TestSafeHint(t *testing.T) {
	t.Parallel()
	tests := []struct{ detector, stored, want string }{
		{"password", "", ""},
		// Hints as Hint writes them are kept.
		{"github-token", "ghp_**** (token, 40 characters)", "ghp_**** (token, 40 characters)"},
		{"password", "**** (password, 15 characters)", "**** (password, 15 characters)"},
		{"private-key", "-----BEGIN RSA PRIVATE KEY-----**** (private-key, 1675 characters)", "-----BEGIN RSA PRIVATE KEY-----**** (private-key, 1675 characters)"},
		// Hints of older versions (the first four characters) keep only a
		// whole public marker.
		{"aws-access-key-id", "AKIA****", "AKIA**** (cloud-key)"},
		{"github-token", "ghp_****", "ghp_**** (token)"},
		{"stripe-key", "sk_l****", "**** (token)"},
		{"password", "hunt****", "**** (password)"},
		{"high-entropy", "xK9f****", "**** (generic)"},
		{"private-key", "----****", "**** (private-key)"},
		{"connection-string-password", "post****", "**** (connection-string)"},
		// Crafted text in the shape of a hint shows nothing it should not.
		{"password", "hunter2**** (password, 7 characters)", "**** (password)"},
		{"password", "**** (token, 7 characters)", "**** (password)"},
		{"github-token", "ghp_abc**** (token, 40 characters)", "ghp_**** (token)"},
		{"no-such-detector", "abcd****", "**** (secret)"},
	}
	for _, tt := range tests {
		if got := SafeHint(tt.detector, tt.stored); got != tt.want {
			t.Errorf("SafeHint(%q, %q) = %q, want %q", tt.detector, tt.stored, got, tt.want)
		}
	}
}

func TestDetectorsUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, d := range Detectors() {
		if seen[d.Name] {
			t.Errorf("duplicate detector %q", d.Name)
		}
		seen[d.Name] = true
		if d.Kind == "" || d.Description == "" {
			t.Errorf("detector %q lacks kind or description", d.Name)
		}
	}
	for _, s := range shapes {
		if !seen[s.detector] {
			t.Errorf("shape detector %q is not in the catalogue", s.detector)
		}
	}
}

func TestParseName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want string
	}{
		{"DB_PASSWORD", "DB PASSWORD"},
		{"dbPassword", "DB PASSWORD"},
		{"APIKey", "API KEY"},
		{"db.password", "DB PASSWORD"},
		{"AzureWebJobsStorage", "AZURE WEB JOBS STORAGE"},
	} {
		if got := strings.Join(parseName(tt.in).words, " "); got != tt.want {
			t.Errorf("parseName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzInspect(f *testing.F) {
	for _, s := range []string{fakeAKIA, fakeJWT, fakeGCPKey, "postgres://a:b@c", "{", "/a/b", "@Microsoft.KeyVault(",
		fakeCosmos, fakeGCPKeyB64, fakeSBSAS, fakeEntra, fakeXapp, fakeMailgun} {
		f.Add("DB_PASSWORD", s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		got := Inspect(name, value)
		if got.Verdict == "" {
			t.Fatal("empty verdict")
		}
		if (got.Verdict == audit.ValueSecret) != (got.Hint != "") {
			t.Fatalf("verdict %s with hint %q", got.Verdict, got.Hint)
		}
		if got.Hint != "" {
			checkHint(t, got.Detector, value, got.Hint)
		}
	})
}

func BenchmarkInspect(b *testing.B) {
	vars := [][2]string{
		{"TABLE_NAME", "orders-prod"}, {"DB_PASSWORD", "Summer2024!"}, {"API_KEY", fakeRand},
		{"DATABASE_URL", "postgres://app@db.internal:5432/app"}, {"LOG_LEVEL", "debug"},
	}
	for b.Loop() {
		for _, v := range vars {
			Inspect(v[0], v[1])
		}
	}
}

// TestNearMisses: under the name each newer detector is usually found under,
// a placeholder, a reference to a secret store or an empty value is no
// secret.
func TestNearMisses(t *testing.T) {
	t.Parallel()
	names := []string{"CosmosDbConnection", "COSMOS_KEY", "AzureWebJobsStorage", "ServiceBusConnection", "BLOB_SAS",
		"AZURE_CLIENT_SECRET", "AWS_BEARER_TOKEN_BEDROCK", "GOOGLE_CREDENTIALS", "GITLAB_TOKEN", "SLACK_APP_TOKEN",
		"MAILGUN_API_KEY", "DD_API_KEY", "DD_APP_KEY", "ATLASSIAN_API_TOKEN", "HEROKU_API_KEY", "HF_TOKEN"}
	values := map[string]audit.ValueVerdict{
		"changeme": audit.ValuePlain,
		"@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/s/)":     audit.ValueReference,
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/integrations-AbCdEf": audit.ValueReference,
		"${ssm:/prod/integrations/token}":                                               audit.ValuePlain,
		"":                                                                              audit.ValueEmpty,
	}
	for _, name := range names {
		for v, want := range values {
			if got := Inspect(name, v); got.Verdict != want || got.Hint != "" {
				t.Errorf("Inspect(%q, %q) = %s/%s hint %q, want %s and no hint", name, v, got.Verdict, got.Detector, got.Hint, want)
			}
		}
	}
}
