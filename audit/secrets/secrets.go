package secrets

import (
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
	{"gcp-service-account-key", KindCloudKey, "GCP service account key file (JSON with a private key)"},
	{"azure-storage-connection-string", KindCloudKey, "Azure storage connection string with AccountKey="},
	{"azure-shared-access-key", KindCloudKey, "Azure Service Bus / Event Hubs connection string with SharedAccessKey="},
	{"azure-sas-token", KindCloudKey, "Azure shared access signature (sig= with sv= / se=)"},
	{"private-key", KindPrivateKey, "PEM, OpenSSH or PGP private key"},
	{"jwt", KindToken, "JSON Web Token"},
	{"github-token", KindToken, "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)"},
	{"gitlab-token", KindToken, "GitLab personal / project access token (glpat-)"},
	{"slack-token", KindToken, "Slack token (xoxb-, xoxp-, xoxa-, xoxs-, xoxr-)"},
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
	{"mailgun-api-key", KindToken, "Mailgun API key (key- + 32 hex)"},
	{"mailchimp-api-key", KindToken, "Mailchimp API key (32 hex + -usN)"},
	{"telegram-bot-token", KindToken, "Telegram bot token"},
	{"digitalocean-token", KindToken, "DigitalOcean token (dop_v1_, doo_v1_)"},
	{"hashicorp-vault-token", KindToken, "HashiCorp Vault token (hvs., hvb.)"},
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
	"gitlab-token":               {"glpat-"},
	"slack-token":                {"xoxb-", "xoxp-", "xoxa-", "xoxs-", "xoxr-", "xoxe-"},
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
}

func (sh *shape) match(v, lower string) bool {
	for _, h := range sh.hints {
		hay := v
		if isLowerLiteral(h) {
			hay = lower
		}
		if strings.Contains(hay, h) {
			return sh.re.MatchString(v)
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
	{"private-key", regexp.MustCompile(`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`), []string{"PRIVATE KEY"}},
	{"aws-access-key-id", regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b`), []string{"AKIA", "ASIA", "ABIA", "ACCA"}},
	{"aws-session-token", regexp.MustCompile(`^(IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/=]{100,}$`), []string{"IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"}},
	{"azure-storage-connection-string", regexp.MustCompile(`(?i)AccountKey=[A-Za-z0-9+/]{20,}={0,2}`), []string{"accountkey="}},
	{"azure-shared-access-key", regexp.MustCompile(`(?i)SharedAccessKey=[A-Za-z0-9+/]{20,}={0,2}`), []string{"sharedaccesskey="}},
	{"azure-sas-token", regexp.MustCompile(`(?i)(^|[?&])sig=[A-Za-z0-9%+/]{20,}`), []string{"sig="}},
	{"jwt", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), []string{"eyJ"}},
	{"github-token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})\b`), []string{"gho_", "ghp_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
	{"gitlab-token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`), []string{"glpat-"}},
	{"slack-webhook", regexp.MustCompile(`https://hooks\.slack\.com/(services|workflows|triggers)/[A-Za-z0-9/_-]{20,}`), []string{"hooks.slack.com"}},
	{"slack-token", regexp.MustCompile(`\bxox[baprse]-[0-9A-Za-z-]{10,}`), []string{"xox"}},
	{"discord-webhook", regexp.MustCompile(`https://(ptb\.|canary\.)?discord(app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}`), []string{"/api/webhooks/"}},
	{"stripe-key", regexp.MustCompile(`\b(sk|rk)_live_[0-9A-Za-z]{20,}`), []string{"_live_"}},
	{"stripe-test-key", regexp.MustCompile(`\b(sk|rk)_test_[0-9A-Za-z]{20,}`), []string{"_test_"}},
	{"twilio-api-key", regexp.MustCompile(`\bSK[0-9a-fA-F]{32}\b`), []string{"SK"}},
	{"sendgrid-api-key", regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`), []string{"SG."}},
	{"google-api-key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`), []string{"AIza"}},
	{"google-oauth-client-secret", regexp.MustCompile(`\bGOCSPX-[A-Za-z0-9_-]{28}`), []string{"GOCSPX-"}},
	{"npm-token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`), []string{"npm_"}},
	{"pypi-token", regexp.MustCompile(`\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`), []string{"pypi-"}},
	{"anthropic-api-key", regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{20,}`), []string{"sk-ant-"}},
	{"openai-api-key", regexp.MustCompile(`\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|\bsk-(proj|svcacct|admin)-[A-Za-z0-9_-]{40,}`), []string{"sk-"}},
	{"shopify-token", regexp.MustCompile(`\bshp(at|ss|ca|pa)_[a-fA-F0-9]{32}\b`), []string{"shpat_", "shpss_", "shpca_", "shppa_"}},
	{"square-token", regexp.MustCompile(`\b(sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[A-Za-z0-9_-]{60})`), []string{"sq0atp-", "sq0csp-", "EAAA"}},
	{"mailgun-api-key", regexp.MustCompile(`\bkey-[0-9a-f]{32}\b`), []string{"key-"}},
	{"mailchimp-api-key", regexp.MustCompile(`\b[0-9a-f]{32}-us[0-9]{1,2}\b`), []string{"-us"}},
	{"telegram-bot-token", regexp.MustCompile(`^[0-9]{8,10}:AA[0-9A-Za-z_-]{33}$`), []string{":AA"}},
	{"digitalocean-token", regexp.MustCompile(`\bdo[opr]_v1_[a-f0-9]{64}\b`), []string{"_v1_"}},
	{"hashicorp-vault-token", regexp.MustCompile(`\bhv[sb]\.[A-Za-z0-9_-]{24,}`), []string{"hvs.", "hvb."}},
}

var (
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
