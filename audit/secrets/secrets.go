package secrets

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fnaudit/fnaudit/audit"
)

// Kind groups detectors by what the matched value gives an attacker.
type Kind string

// Detector kinds.
const (
	// KindCloudKey: a credential for a cloud account (AWS keys, GCP service
	// account keys, Azure storage keys and SAS signatures).
	KindCloudKey Kind = "cloud-key"
	// KindPrivateKey: a PEM / OpenSSH / PGP private key.
	KindPrivateKey Kind = "private-key"
	// KindToken: an API token of a well-known service, or a JWT.
	KindToken Kind = "token"
	// KindConnectionString: a URL or connection string that embeds a password.
	KindConnectionString Kind = "connection-string"
	// KindPassword: a password under a password-like name.
	KindPassword Kind = "password"
	// KindGeneric: a high-entropy value under a secret-like name.
	KindGeneric Kind = "generic"
	// KindReference: a reference to a secret store (not a secret).
	KindReference Kind = "reference"
	// KindPlain: a detector that explains a plain verdict (placeholders).
	KindPlain Kind = "plain"
)

// Detector describes one detector by the name Inspect records in EnvVar.Detector.
type Detector struct {
	Name        string
	Kind        Kind
	Description string
}

// detectors is the catalogue, in the order Detectors returns it.
var detectors = []Detector{
	{"aws-access-key-id", KindCloudKey, "AWS access key id (AKIA / ASIA / ABIA / ACCA)"},
	{"aws-secret-access-key", KindCloudKey, "40-character AWS secret access key under an AWS key name"},
	{"aws-session-token", KindCloudKey, "AWS STS session token"},
	{"aws-bedrock-api-key", KindCloudKey, "Amazon Bedrock API key (ABSK long-term, bedrock-api-key- short-term)"},
	{"gcp-service-account-key", KindCloudKey, "GCP service account key file (JSON with a private key, plain or base64)"},
	{"azure-cosmosdb-connection-string", KindCloudKey, "Azure Cosmos DB connection string with AccountKey="},
	{"azure-storage-connection-string", KindCloudKey, "Azure storage connection string with AccountKey="},
	{"azure-shared-access-key", KindCloudKey, "Azure Service Bus / Event Hubs connection string with SharedAccessKey="},
	{"azure-sas-token", KindCloudKey, "Azure shared access signature (sig= with sv= / se=)"},
	{"azure-account-key", KindCloudKey, "Azure storage or Cosmos DB account key (64 bytes, base64) under a key name"},
	{"azure-ad-client-secret", KindCloudKey, "Microsoft Entra ID application client secret (Q~ at the fifth character)"},
	{"private-key", KindPrivateKey, "PEM, OpenSSH or PGP private key"},
	{"jwt", KindToken, "JSON Web Token"},
	{"github-token", KindToken, "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)"},
	{"gitlab-token", KindToken, "GitLab token (glpat-, glptt-, gldt-, glrt-, glcbt-, glft-, glsoat-, gloas-, glagent-, glimt-, glffct-, GR1348941)"},
	{"slack-token", KindToken, "Slack token (xoxb-, xoxp-, xoxa-, xoxs-, xoxr-, xoxo-, xoxe-, xapp-)"},
	{"slack-webhook", KindToken, "Slack incoming webhook URL"},
	{"discord-webhook", KindToken, "Discord webhook URL"},
	{"stripe-key", KindToken, "Stripe live secret or restricted key (sk_live_, rk_live_)"},
	{"stripe-test-key", KindToken, "Stripe test secret or restricted key (sk_test_, rk_test_)"},
	{"twilio-api-key", KindToken, "Twilio API key (SK + 32 hex)"},
	{"sendgrid-api-key", KindToken, "SendGrid API key (SG.)"},
	{"google-api-key", KindToken, "Google API key (AIza)"},
	{"google-oauth-client-secret", KindToken, "Google OAuth client secret (GOCSPX-)"},
	{"npm-token", KindToken, "npm access token (npm_)"},
	{"pypi-token", KindToken, "PyPI upload token (pypi-)"},
	{"openai-api-key", KindToken, "OpenAI API key (sk-proj-, sk-...T3BlbkFJ)"},
	{"anthropic-api-key", KindToken, "Anthropic API key (sk-ant-)"},
	{"shopify-token", KindToken, "Shopify access token (shpat_, shpss_, shpca_, shppa_)"},
	{"square-token", KindToken, "Square access token (sq0atp-, sq0csp-, EAAA)"},
	{"mailgun-api-key", KindToken, "Mailgun API or webhook signing key (key- + 32 hex, or 32-8-8 hex)"},
	{"mailchimp-api-key", KindToken, "Mailchimp API key (32 hex + -usN)"},
	{"telegram-bot-token", KindToken, "Telegram bot token"},
	{"digitalocean-token", KindToken, "DigitalOcean token (dop_v1_, doo_v1_)"},
	{"hashicorp-vault-token", KindToken, "HashiCorp Vault token (hvs., hvb.)"},
	{"datadog-api-key", KindToken, "Datadog API key (32 hex) or application key (40 hex) under a Datadog name"},
	{"atlassian-api-token", KindToken, "Atlassian API token (ATATT)"},
	{"heroku-api-key", KindToken, "Heroku API key (HRKU-, or a UUID under a Heroku name)"},
	{"huggingface-token", KindToken, "Hugging Face access token (hf_)"},
	{"connection-string-password", KindConnectionString, "URL or connection string with an embedded password"},
	{"password", KindPassword, "value of a password-like variable"},
	{"default-password", KindPassword, "well-known default password (changeme, admin, ...) under a password-like name"},
	{"high-entropy", KindGeneric, "high-entropy value under a secret-like name"},
	{"secretsmanager-arn", KindReference, "AWS Secrets Manager secret ARN"},
	{"secretsmanager-reference", KindReference, "secretsmanager: prefixed secret name"},
	{"ssm-parameter-arn", KindReference, "AWS SSM parameter ARN"},
	{"ssm-parameter-reference", KindReference, "ssm: prefixed parameter name"},
	{"ssm-parameter-name", KindReference, "SSM parameter path under a secret-like name"},
	{"cloudformation-dynamic-reference", KindReference, "CloudFormation {{resolve:...}} dynamic reference"},
	{"kms-ciphertext", KindReference, "KMS-encrypted value that the function decrypts"},
	{"keyvault-reference", KindReference, "Azure Key Vault reference (@Microsoft.KeyVault(...)) or secret URI"},
	{"appconfig-reference", KindReference, "Azure App Configuration reference (@Microsoft.AppConfiguration(...))"},
	{"gcp-secret-reference", KindReference, "GCP Secret Manager resource name"},
	{"vault-reference", KindReference, "HashiCorp Vault secret reference (vault:...)"},
	{"placeholder", KindPlain, "template placeholder or filler word, no secret"},
}

var detectorIndex = func() map[string]Detector {
	m := make(map[string]Detector, len(detectors))
	for _, d := range detectors {
		m[d.Name] = d
	}
	return m
}()

// Detectors returns every detector Inspect may name.
func Detectors() []Detector { return append([]Detector(nil), detectors...) }

// Lookup returns the detector with the given name.
func Lookup(name string) (Detector, bool) {
	d, ok := detectorIndex[name]
	return d, ok
}

// markers are the public type markers a detector's values start with: text
// that is the same in every credential of that type (the vendor's prefix, a
// PEM header, a URL scheme), longest first. A hint shows a marker and nothing
// else of the value. Detectors without markers (passwords, high-entropy
// values, AWS secret access keys, session tokens, telegram tokens, ...) show
// no character of the value.
var markers = map[string][]string{
	"aws-access-key-id":          {"AKIA", "ASIA", "ABIA", "ACCA"},
	"github-token":               {"github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
	"gitlab-token":               {"GR1348941", "glagent-", "glffct-", "glsoat-", "glpat-", "glptt-", "glcbt-", "gloas-", "glimt-", "gldt-", "glrt-", "glft-"},
	"slack-token":                {"xoxe.xoxb-", "xoxe.xoxp-", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "xoxr-", "xoxo-", "xoxe-", "xapp-"},
	"slack-webhook":              {"https://hooks.slack.com/services/", "https://hooks.slack.com/workflows/", "https://hooks.slack.com/triggers/"},
	"discord-webhook":            {"https://discord.com/api/webhooks/", "https://discordapp.com/api/webhooks/"},
	"stripe-key":                 {"sk_live_", "rk_live_"},
	"stripe-test-key":            {"sk_test_", "rk_test_"},
	"twilio-api-key":             {"SK"},
	"sendgrid-api-key":           {"SG."},
	"google-api-key":             {"AIza"},
	"google-oauth-client-secret": {"GOCSPX-"},
	"npm-token":                  {"npm_"},
	"pypi-token":                 {"pypi-"},
	"anthropic-api-key":          {"sk-ant-"},
	"openai-api-key":             {"sk-svcacct-", "sk-admin-", "sk-proj-", "sk-"},
	"shopify-token":              {"shpat_", "shpss_", "shpca_", "shppa_"},
	"square-token":               {"sq0atp-", "sq0csp-", "EAAA"},
	"mailgun-api-key":            {"key-"},
	"digitalocean-token":         {"dop_v1_", "doo_v1_", "dor_v1_"},
	"hashicorp-vault-token":      {"hvs.", "hvb."},
	"aws-bedrock-api-key":        {"bedrock-api-key-", "ABSK"},
	"atlassian-api-token":        {"ATATT"},
	"heroku-api-key":             {"HRKU-"},
	"huggingface-token":          {"hf_"},
	"jwt":                        {"eyJ"},
	"connection-string-password": connectionSchemes,
}

// connectionSchemes are the URL schemes of connection strings, bare and
// after "jdbc:", as markers.
var connectionSchemes = func() []string {
	schemes := []string{"mongodb+srv", "postgresql", "sqlserver", "postgres", "mongodb", "mariadb",
		"rediss", "oracle", "mysql", "mssql", "redis", "amqps", "amqp", "https", "http", "ftps", "sftp", "ftp",
		"smtps", "smtp", "ldaps", "ldap", "nats", "mqtt", "kafka"}
	var out []string
	for _, s := range schemes {
		out = append(out, "jdbc:"+s+"://")
	}
	for _, s := range schemes {
		out = append(out, s+"://")
	}
	return out
}()

// rePEMHeader is the header line of a PEM or PGP private key: a marker.
var rePEMHeader = regexp.MustCompile(`^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`)

// marker returns the public type marker value starts with, for the detector,
// or "".
func marker(detector, value string) string {
	if detector == "private-key" {
		return rePEMHeader.FindString(value)
	}
	for _, m := range markers[detector] {
		if strings.HasPrefix(value, m) {
			return m
		}
	}
	return ""
}

// kindName is the kind a hint names: the detector's kind, or "secret".
func kindName(detector string) string {
	if d, ok := detectorIndex[detector]; ok {
		return string(d.Kind)
	}
	return "secret"
}

// formatHint writes a hint: the marker, "****", and in parentheses the kind
// and, when known (n >= 0), the length in characters.
func formatHint(mark, kind string, n int) string {
	switch {
	case n < 0:
		return mark + "**** (" + kind + ")"
	case n == 1:
		return mark + "**** (" + kind + ", 1 character)"
	}
	return mark + "**** (" + kind + ", " + strconv.Itoa(n) + " characters)"
}

// Hint returns what may be stored and shown about a secret value found by
// detector: the detector's kind, the value's length in characters and, when
// the value starts with a public type marker of that detector, the marker,
// e.g. "ghp_**** (token, 40 characters)" or "**** (password, 15 characters)".
// No other character of the value is in it: nothing of a password, a
// high-entropy value or the credentials of a connection string.
func Hint(detector, value string) string {
	value = strings.TrimSpace(value)
	return formatHint(marker(detector, value), kindName(detector), utf8.RuneCountInString(value))
}

var reHint = regexp.MustCompile(`^(.*)\*\*\*\* \(([a-z-]+)(, [0-9]+ characters?)?\)$`)

// SafeHint returns a stored hint fit to show: a hint as Hint writes it is
// returned unchanged; anything else (a hint an older fnaudit stored, which
// kept the value's first four characters, or text from a crafted inventory)
// is reduced to the marker it starts with, if that is a whole public marker
// of the detector, and the kind.
func SafeHint(detector, stored string) string {
	if stored == "" {
		return ""
	}
	kind := kindName(detector)
	if m := reHint.FindStringSubmatch(stored); m != nil && m[2] == kind && (m[1] == "" || marker(detector, m[1]) == m[1]) {
		return stored
	}
	return formatHint(marker(detector, stored), kind, -1)
}

// Inspect judges an environment variable and returns what may be stored about
// it: the name, a verdict, the detector that decided it and, for a secret, a
// masked hint. The value itself is not kept, logged or returned.
func Inspect(name, value string) audit.EnvVar {
	verdict, detector := classify(name, value)
	ev := audit.EnvVar{Name: name, Verdict: verdict, Detector: detector}
	if verdict == audit.ValueSecret {
		ev.Hint = Hint(detector, value)
	}
	return ev
}

func classify(name, raw string) (audit.ValueVerdict, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return audit.ValueEmpty, ""
	}
	n := parseName(name)
	if d := reference(n, v); d != "" {
		return audit.ValueReference, d
	}
	if d := valueSecret(v); d != "" {
		return audit.ValueSecret, d
	}
	if isPlaceholder(v) {
		return audit.ValuePlain, "placeholder"
	}
	if strings.HasPrefix(strings.ToUpper(name), "AWS_LAMBDA_") {
		// Lambda's own configuration variables (exec wrapper, log format, ...).
		return audit.ValuePlain, ""
	}
	if d := vendorKey(n, v); d != "" {
		return audit.ValueSecret, d
	}
	if d := nameSecret(n, v); d != "" {
		return audit.ValueSecret, d
	}
	if d := embeddedJSON(v); d != "" {
		return audit.ValueSecret, d
	}
	return audit.ValuePlain, ""
}

// --- names ---

// nameInfo is a variable name split into upper-case words: "dbPassword" and
// "DB_PASSWORD" both give [DB PASSWORD].
type nameInfo struct {
	words []string
	set   map[string]bool
}

func parseName(name string) nameInfo {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) ||
			(i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return nameInfo{words: words, set: set}
}

func (n nameInfo) has(words ...string) bool {
	for _, w := range words {
		if n.set[w] {
			return true
		}
	}
	return false
}

func (n nameInfo) last() string {
	if len(n.words) == 0 {
		return ""
	}
	return n.words[len(n.words)-1]
}

// settingWords mark a name that describes a setting about a secret rather than
// the secret itself: MYSQL_ALLOW_EMPTY_PASSWORD, PASSWORD_MIN_LENGTH, TOKEN_TTL,
// SECRET_ARN, API_KEY_HEADER.
var settingWords = map[string]bool{
	"ALLOW": true, "EMPTY": true, "RANDOM": true, "MIN": true, "MAX": true, "LENGTH": true, "LEN": true,
	"TTL": true, "EXPIRY": true, "EXPIRES": true, "EXPIRATION": true, "LIFETIME": true, "TIMEOUT": true,
	"ENABLED": true, "ENABLE": true, "DISABLED": true, "DISABLE": true, "REQUIRED": true, "REQUIRE": true,
	"ROTATION": true, "ROTATE": true, "POLICY": true, "FILE": true, "PATH": true, "DIR": true, "NAME": true,
	"ARN": true, "ID": true, "HEADER": true, "TYPE": true, "ALGORITHM": true, "ALG": true,
	"ENDPOINT": true, "URL": true, "URI": true, "REGION": true, "FIELD": true, "PARAM": true, "PARAMETER": true,
	"VERSION": true, "COUNT": true, "SIZE": true, "LIMIT": true, "RETRIES": true, "LOCATION": true,
	"ISSUER": true, "AUDIENCE": true, "SCOPE": true, "SCOPES": true, "MODE": true, "STORE": true,
	"PROVIDER": true, "SOURCE": true, "FORMAT": true, "METHOD": true, "RESET": true, "PROJECT": true,
	"VAULT": true, "MANAGER": true, "CACHE": true, "REFRESH": true, "INTERVAL": true, "SECONDS": true,
	"DAYS": true, "HOURS": true, "MINUTES": true, "USE": true, "SKIP": true, "PREFIX": true, "SUFFIX": true,
	"KEYS": true, "COMPLEXITY": true, "STRENGTH": true, "HASH": true,
}

// keyQualifiers are words that make a trailing KEY a secret (API_KEY,
// SIGNING_KEY) as opposed to an object or cache key (S3_KEY, CACHE_KEY).
var keyQualifiers = []string{"API", "APIKEY", "PRIVATE", "SECRET", "ACCESS", "SIGNING", "ENCRYPTION",
	"HMAC", "MASTER", "AUTH", "SESSION", "JWT", "LICENSE", "ACCOUNT", "WEBHOOK", "SHARED", "CRYPTO",
	"AES", "RSA", "SSH", "GPG", "PGP", "CLIENT", "APP", "SERVICE", "SUBSCRIPTION", "DEPLOY", "ADMIN",
	"ENC", "CIPHER"}

type nameClass int

const (
	nameOther nameClass = iota
	nameSecretLike
	namePassword
)

func (n nameInfo) class() nameClass {
	for _, w := range n.words {
		if settingWords[w] {
			return nameOther
		}
	}
	if n.has("PASSWORD", "PASSWD", "PWD", "PASSPHRASE", "PASSWORDS") || n.last() == "PASS" {
		return namePassword
	}
	if n.has("SECRET", "SECRETS", "TOKEN", "TOKENS", "APIKEY", "CREDENTIALS", "CREDENTIAL", "CREDS",
		"PRIVATEKEY", "SECRETKEY", "ACCESSKEY", "CLIENTSECRET", "DSN", "PAT") {
		return nameSecretLike
	}
	if n.last() == "AUTH" {
		return nameSecretLike
	}
	if n.has("KEY") && n.has(keyQualifiers...) {
		return nameSecretLike
	}
	return nameOther
}

// --- references ---

var (
	reSecretsManagerARN = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$`)
	reSSMParameterARN   = regexp.MustCompile(`^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter/\S+$`)
	reCFNResolve        = regexp.MustCompile(`^\{\{resolve:(secretsmanager|ssm|ssm-secure):[^}]+\}\}$`)
	reKeyVaultRef       = regexp.MustCompile(`(?i)^@Microsoft\.KeyVault\(.+\)$`)
	reAppConfigRef      = regexp.MustCompile(`(?i)^@Microsoft\.AppConfiguration\(.+\)$`)
	reKeyVaultURI       = regexp.MustCompile(`(?i)^https://[a-z0-9-]+\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)/secrets/[A-Za-z0-9-]+(/[0-9a-f]*)?/?$`)
	reGCPSecret         = regexp.MustCompile(`^(//secretmanager\.googleapis\.com/)?projects/[^/\s]+/(locations/[^/\s]+/)?secrets/[^/\s]+(/versions/[^/\s]+)?$`)
	reGCPSecretShort    = regexp.MustCompile(`^(sm|gcp-secret|secretmanager)://[^\s]+$`)
	reParamPath         = regexp.MustCompile(`^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$`)
	reBase64            = regexp.MustCompile(`^[A-Za-z0-9+/]+={0,2}$`)
	reVaultRef          = regexp.MustCompile(`^vault:[A-Za-z0-9_./-]+(#\S+)?$`)
)

func reference(n nameInfo, v string) string {
	switch {
	case reSecretsManagerARN.MatchString(v):
		return "secretsmanager-arn"
	case reSSMParameterARN.MatchString(v):
		return "ssm-parameter-arn"
	case reCFNResolve.MatchString(v):
		return "cloudformation-dynamic-reference"
	case reKeyVaultRef.MatchString(v), reKeyVaultURI.MatchString(v):
		return "keyvault-reference"
	case reAppConfigRef.MatchString(v):
		return "appconfig-reference"
	case reGCPSecret.MatchString(v), reGCPSecretShort.MatchString(v):
		return "gcp-secret-reference"
	case reVaultRef.MatchString(v):
		return "vault-reference"
	}
	lower := strings.ToLower(v)
	for _, p := range []string{"ssm:", "ssm-secure:", "ssm://", "parameterstore:"} {
		if strings.HasPrefix(lower, p) && len(v) > len(p) && !strings.ContainsAny(v, " \t") {
			return "ssm-parameter-reference"
		}
	}
	for _, p := range []string{"secretsmanager:", "secretsmanager://", "aws-secretsmanager:"} {
		if strings.HasPrefix(lower, p) && len(v) > len(p) && !strings.ContainsAny(v, " \t") {
			return "secretsmanager-reference"
		}
	}
	// KMS ciphertext blobs start with the KMS envelope header (version 1,
	// key-wrapping format), which base64-encodes to AQICAH / AQECAH.
	if len(v) >= 64 && (strings.HasPrefix(v, "AQICAH") || strings.HasPrefix(v, "AQECAH")) && reBase64.MatchString(v) {
		return "kms-ciphertext"
	}
	if n.has("ENCRYPTED", "CIPHERTEXT", "KMS") && len(v) >= 32 && reBase64.MatchString(v) {
		return "kms-ciphertext"
	}
	if n.class() != nameOther && reParamPath.MatchString(v) {
		return "ssm-parameter-name"
	}
	return ""
}

// --- value shapes ---

type shape struct {
	detector string
	re       *regexp.Regexp
	// hints are literals one of which every match contains; the regular
	// expression only runs when the value (lower-cased for lower-case hints)
	// contains one of them.
	hints []string
	// also, when set, must match the value too (a SAS signature counts only
	// beside the SAS version or expiry fields).
	also *regexp.Regexp
}

func (sh *shape) match(v, lower string) bool {
	for _, h := range sh.hints {
		hay := v
		if isLowerLiteral(h) {
			hay = lower
		}
		if strings.Contains(hay, h) {
			return sh.re.MatchString(v) && (sh.also == nil || sh.also.MatchString(v))
		}
	}
	return false
}

// isLowerLiteral reports whether a hint has letters and all are lower case:
// it is then looked for in the lower-cased value (case-insensitive shapes).
func isLowerLiteral(h string) bool {
	letters := false
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c >= 'A' && c <= 'Z':
			return false
		case c >= 'a' && c <= 'z':
			letters = true
		}
	}
	return letters
}

// shapes are matched anywhere in the value; word boundaries keep identifiers
// that merely contain a prefix from matching.
var shapes = []shape{
	{"private-key", regexp.MustCompile(`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`), []string{"PRIVATE KEY"}, nil},
	{"aws-access-key-id", regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b`), []string{"AKIA", "ASIA", "ABIA", "ACCA"}, nil},
	{"aws-session-token", regexp.MustCompile(`^(IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/=]{100,}$`), []string{"IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"}, nil},
	// Amazon Bedrock API keys: long-term keys are "ABSK" and base64, short-term
	// keys "bedrock-api-key-" and a base64 presigned URL of bedrock.amazonaws.com.
	{"aws-bedrock-api-key", regexp.MustCompile(`\bABSK[A-Za-z0-9+/]{100,}={0,2}|\bbedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=_-]{20,}`), []string{"ABSK", "bedrock-api-key-"}, nil},
	// A Cosmos DB connection string (SQL API: AccountEndpoint=https://<a>.documents.azure.com;
	// Table API: TableEndpoint=https://<a>.table.cosmos.azure.com) with its account key.
	{"azure-cosmosdb-connection-string", regexp.MustCompile(`(?i)AccountKey=[A-Za-z0-9+/]{20,}={0,2}`), []string{"accountkey="},
		regexp.MustCompile(`(?i)\.(documents|cosmos)\.azure\.(com|us|cn)\b`)},
	{"azure-storage-connection-string", regexp.MustCompile(`(?i)AccountKey=[A-Za-z0-9+/]{20,}={0,2}`), []string{"accountkey="}, nil},
	{"azure-shared-access-key", regexp.MustCompile(`(?i)SharedAccessKey=[A-Za-z0-9+/]{20,}={0,2}`), []string{"sharedaccesskey="}, nil},
	// A SAS token: the signature beside the signed version (sv=, account and
	// service SAS) or expiry (se=, also Service Bus / Event Hubs SAS).
	{"azure-sas-token", regexp.MustCompile(`(?i)(^|[?&\s])sig=[A-Za-z0-9%+/]{20,}`), []string{"sig="},
		regexp.MustCompile(`(?i)(^|[?&\s])(sv|se)=[^&\s]+`)},
	// A Microsoft Entra client secret: 40 characters (37 to 40 seen), a
	// version digit and "Q~" at the fourth and fifth places.
	{"azure-ad-client-secret", regexp.MustCompile(`(^|[\s"'=:,(])[A-Za-z0-9_.~-]{3}[0-9]Q~[A-Za-z0-9_.~-]{31,34}($|[\s"',)])`), []string{"Q~"}, nil},
	{"jwt", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), []string{"eyJ"}, nil},
	{"github-token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})\b`), []string{"gho_", "ghp_", "ghu_", "ghs_", "ghr_", "github_pat_"}, nil},
	// GitLab token prefixes: personal / project / group access (glpat-),
	// pipeline trigger (glptt-), deploy (gldt-), runner (glrt-), CI/CD job
	// (glcbt-), feed (glft-), SCIM (glsoat-), OAuth application secret
	// (gloas-), agent (glagent-), incoming mail (glimt-), feature-flag client
	// (glffct-) and runner registration (GR1348941).
	{"gitlab-token", regexp.MustCompile(`\b(gl(pat|ptt|dt|rt|cbt|ft|soat|oas|agent|imt|ffct)-[A-Za-z0-9_.-]{20,}|GR1348941[A-Za-z0-9_-]{20,})`),
		[]string{"glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "glft-", "glsoat-", "gloas-", "glagent-", "glimt-", "glffct-", "GR1348941"}, nil},
	{"slack-webhook", regexp.MustCompile(`https://hooks\.slack\.com/(services|workflows|triggers)/[A-Za-z0-9/_-]{20,}`), []string{"hooks.slack.com"}, nil},
	// Slack bot, user, workspace, legacy and configuration tokens (xox?-), and
	// app-level tokens (xapp-<digit>-...).
	{"slack-token", regexp.MustCompile(`\bxox[baprseo]-[0-9A-Za-z-]{10,}|\bxapp-[0-9]-[A-Za-z0-9-]{20,}`), []string{"xox", "xapp-"}, nil},
	{"discord-webhook", regexp.MustCompile(`https://(ptb\.|canary\.)?discord(app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}`), []string{"/api/webhooks/"}, nil},
	{"stripe-key", regexp.MustCompile(`\b(sk|rk)_live_[0-9A-Za-z]{20,}`), []string{"_live_"}, nil},
	{"stripe-test-key", regexp.MustCompile(`\b(sk|rk)_test_[0-9A-Za-z]{20,}`), []string{"_test_"}, nil},
	{"twilio-api-key", regexp.MustCompile(`\bSK[0-9a-fA-F]{32}\b`), []string{"SK"}, nil},
	{"sendgrid-api-key", regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`), []string{"SG."}, nil},
	{"google-api-key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`), []string{"AIza"}, nil},
	{"google-oauth-client-secret", regexp.MustCompile(`\bGOCSPX-[A-Za-z0-9_-]{28}`), []string{"GOCSPX-"}, nil},
	{"npm-token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`), []string{"npm_"}, nil},
	{"pypi-token", regexp.MustCompile(`\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`), []string{"pypi-"}, nil},
	{"anthropic-api-key", regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{20,}`), []string{"sk-ant-"}, nil},
	{"openai-api-key", regexp.MustCompile(`\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|\bsk-(proj|svcacct|admin)-[A-Za-z0-9_-]{40,}`), []string{"sk-"}, nil},
	{"shopify-token", regexp.MustCompile(`\bshp(at|ss|ca|pa)_[a-fA-F0-9]{32}\b`), []string{"shpat_", "shpss_", "shpca_", "shppa_"}, nil},
	{"square-token", regexp.MustCompile(`\b(sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[A-Za-z0-9_-]{60})`), []string{"sq0atp-", "sq0csp-", "EAAA"}, nil},
	// Mailgun: the older key-<32 hex> form (the current <32 hex>-<8 hex>-<8
	// hex> form is matched in valueSecret).
	{"mailgun-api-key", regexp.MustCompile(`\bkey-[0-9a-f]{32}\b`), []string{"key-"}, nil},
	{"mailchimp-api-key", regexp.MustCompile(`\b[0-9a-f]{32}-us[0-9]{1,2}\b`), []string{"-us"}, nil},
	{"telegram-bot-token", regexp.MustCompile(`^[0-9]{8,10}:AA[0-9A-Za-z_-]{33}$`), []string{":AA"}, nil},
	{"digitalocean-token", regexp.MustCompile(`\bdo[opr]_v1_[a-f0-9]{64}\b`), []string{"_v1_"}, nil},
	{"hashicorp-vault-token", regexp.MustCompile(`\bhv[sb]\.[A-Za-z0-9_-]{24,}`), []string{"hvs.", "hvb."}, nil},
	// Atlassian (Jira, Confluence, Bitbucket) API tokens: ATATT and a long
	// base64url body ending in a checksum.
	{"atlassian-api-token", regexp.MustCompile(`\bATATT[A-Za-z0-9_=-]{150,}`), []string{"ATATT"}, nil},
	{"heroku-api-key", regexp.MustCompile(`\bHRKU-[A-Za-z0-9_-]{40,}`), []string{"HRKU-"}, nil},
	{"huggingface-token", regexp.MustCompile(`\bhf_[A-Za-z]{34}\b`), []string{"hf_"}, nil},
}

var (
	reMailgunKey = regexp.MustCompile(`\b[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}\b`)
	// scheme://user:password@host — the password group must not be empty.
	reURLPassword = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^@\s/]+)@[^\s]`)
	// password=... in a query string or a semicolon-separated connection string.
	reKVPassword = regexp.MustCompile(`(?i)(?:^|[;?&\s])\s*(?:password|pwd|passwd)\s*=\s*("[^"]*"|'[^']*'|[^;&\s]*)`)
)

func valueSecret(v string) string {
	if d := gcpServiceAccountKey(v); d != "" {
		return d
	}
	lower := strings.ToLower(v)
	for i := range shapes {
		if shapes[i].match(v, lower) {
			return shapes[i].detector
		}
	}
	// Mailgun private API keys and webhook signing keys: <32 hex>-<8 hex>-<8 hex>.
	if len(v) >= 50 && strings.Contains(v, "-") && reMailgunKey.MatchString(v) {
		return "mailgun-api-key"
	}
	if m := reURLPassword.FindStringSubmatch(v); m != nil {
		if pw, err := url.PathUnescape(m[1]); err == nil && !isPlaceholder(pw) {
			return "connection-string-password"
		}
	}
	for _, m := range reKVPassword.FindAllStringSubmatch(v, -1) {
		pw := strings.Trim(m[1], `"'`)
		if pw != "" && !isPlaceholder(pw) {
			return "connection-string-password"
		}
	}
	return ""
}

func gcpServiceAccountKey(v string) string {
	if len(v) >= 200 && (strings.HasPrefix(v, "ey") || strings.HasPrefix(v, "ew")) && reBase64.MatchString(v) {
		// A key file stored base64-encoded ("{" encodes to "ey" or, followed
		// by a line break, "ew").
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			return gcpServiceAccountKey(strings.TrimSpace(string(b)))
		}
		return ""
	}
	if !strings.HasPrefix(v, "{") || !strings.Contains(v, "service_account") || !strings.Contains(v, "private_key") {
		return ""
	}
	var key struct {
		Type       string `json:"type"`
		PrivateKey string `json:"private_key"`
	}
	if json.Unmarshal([]byte(v), &key) == nil && key.Type == "service_account" && key.PrivateKey != "" {
		return "gcp-service-account-key"
	}
	return ""
}

// embeddedJSON judges a JSON object value by its members: {"password": "..."}
// hides a secret as surely as DB_PASSWORD does.
func embeddedJSON(v string) string {
	if !strings.HasPrefix(v, "{") {
		return ""
	}
	var obj map[string]any
	if json.Unmarshal([]byte(v), &obj) != nil {
		return ""
	}
	return walkJSON(obj, 0)
}

func walkJSON(obj map[string]any, depth int) string {
	if depth > 4 {
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch x := obj[k].(type) {
		case string:
			if verdict, d := classify(k, x); verdict == audit.ValueSecret {
				return d
			}
		case map[string]any:
			if d := walkJSON(x, depth+1); d != "" {
				return d
			}
		}
	}
	return ""
}

// --- names and values together ---

var (
	reHex32       = regexp.MustCompile(`^[0-9a-f]{32}$`)
	reHex40       = regexp.MustCompile(`^[0-9a-f]{40}$`)
	reUUID        = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	reAzureAcctKy = regexp.MustCompile(`^[A-Za-z0-9+/]{86}==$`)
)

// azureKeyWords are name words that place a 64-byte base64 key in Azure.
var azureKeyWords = []string{"AZURE", "STORAGE", "COSMOS", "COSMOSDB", "DOCUMENTDB", "ACCOUNT", "BLOB",
	"TABLE", "QUEUE", "PRIMARY", "SECONDARY", "MASTER"}

// vendorKey recognises keys without a type marker by their shape under a name
// that says whose they are: Datadog API (32 hex) and application keys (40
// hex) under DD_ / DATADOG_ names, an older Heroku API key (a UUID) under a
// HEROKU name, and an Azure storage or Cosmos DB account key (64 random
// bytes in base64: 86 characters and "==") under a KEY name that says Azure,
// storage, Cosmos DB or account (any other 512-bit key stays high-entropy).
func vendorKey(n nameInfo, v string) string {
	if !n.has("KEY", "APIKEY", "APPKEY", "TOKEN") {
		return ""
	}
	switch {
	case (n.has("DATADOG") || (len(n.words) > 0 && n.words[0] == "DD")) && (reHex32.MatchString(v) || reHex40.MatchString(v)):
		return "datadog-api-key"
	case n.has("HEROKU") && reUUID.MatchString(v):
		return "heroku-api-key"
	case n.has("KEY") && n.has(azureKeyWords...) && reAzureAcctKy.MatchString(v):
		return "azure-account-key"
	}
	return ""
}

var (
	reAWSSecretKey = regexp.MustCompile(`^[A-Za-z0-9/+]{40}$`)
	reNumber       = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)
	reDuration     = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h|d|w|sec|secs|min|mins|hours?|days?)$`)
	reTemplate     = regexp.MustCompile(`^(\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|<[^<>]*>|%[A-Za-z0-9_]+%|\$[A-Z][A-Z0-9_]*|#\{[^}]*\})$`)
	reFiller       = regexp.MustCompile(`(?i)^(x+|\*+|\.+|-+|_+|#+|0+|todo|tbd|tba|n/?a|none|null|nil|undefined|redacted|placeholder|replace[_-]?me|fixme|dummy|example|sample|your[_-].*[_-]here|insert[_-].*|set[_-]?me|to[_-]be[_-]replaced|not[_-]?set|unset|empty)$`)
	// A URL without a password; a bare user name before @ is allowed (Sentry
	// DSNs carry a public key there; token-shaped user names are caught by
	// the value shapes first).
	reURLNoCreds = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://([^\s:@/]+@)?[^\s@]+$`)
)

// defaultPasswords are well-known default or filler passwords that are still
// real credentials when a function is deployed with them.
var defaultPasswords = map[string]bool{
	"changeme": true, "change_me": true, "change-me": true, "password": true, "passw0rd": true,
	"p@ssw0rd": true, "p@ssword": true, "secret": true, "admin": true, "root": true, "letmein": true,
	"12345678": true, "123456": true, "qwerty": true, "postgres": true, "mysql": true, "guest": true,
	"default": true, "test": true, "welcome": true, "welcome1": true,
}

var booleans = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "enabled": true, "disabled": true, "enable": true, "disable": true,
}

func isPlaceholder(v string) bool {
	return reTemplate.MatchString(v) || reFiller.MatchString(v)
}

func nameSecret(n nameInfo, v string) string {
	class := n.class()
	if class == nameOther {
		return ""
	}
	lower := strings.ToLower(v)
	if booleans[lower] || reDuration.MatchString(lower) {
		return ""
	}
	if n.has("AWS") && class == nameSecretLike && reAWSSecretKey.MatchString(v) && mixedCase(v) {
		return "aws-secret-access-key"
	}
	if reURLNoCreds.MatchString(v) {
		return "" // a URL without credentials (an OAuth token endpoint, a JWKS URL)
	}
	if class == namePassword {
		if defaultPasswords[lower] {
			return "default-password"
		}
		if reNumber.MatchString(v) && len(v) < 6 {
			return ""
		}
		return "password"
	}
	if reNumber.MatchString(v) {
		return ""
	}
	if highEntropy(v) {
		return "high-entropy"
	}
	return ""
}

func mixedCase(v string) bool {
	var upper, lower, digit bool
	for _, r := range v {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}

// highEntropy reports whether v looks random enough to be a key or token: at
// least 16 characters without spaces and about 3 bits of Shannon entropy per
// character (English words and identifiers stay lower), or at least 8
// characters mixing three character classes.
func highEntropy(v string) bool {
	if strings.ContainsAny(v, " \t\n") {
		return false
	}
	classes := 0
	var upper, lower, digit, other bool
	for _, r := range v {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		default:
			other = true
		}
	}
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			classes++
		}
	}
	if len(v) >= 16 && entropy(v) >= 3.0 {
		return true
	}
	return len(v) >= 8 && classes >= 3 && entropy(v) >= 2.5
}

func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}
