// Package secrets decides whether an environment variable's value is a secret
// in plain text, a reference to a secret store, or an ordinary value.
//
// Inspect is called by every provider adapter at collection time, while the value
// is still in memory; the adapter keeps only the returned audit.EnvVar (verdict,
// detector name and a masked hint) and drops the value. The value never leaves
// Inspect: it is not logged, not put into an error and not stored. The hint
// (see Hint) names the detector's kind and the value's length and, when the
// value starts with a public type marker of its detector (AKIA, ghp_, xoxb-,
// sk_live_, a PEM header, a connection string's URL scheme), that marker:
// "ghp_**** (token, 40 characters)", "**** (password, 15 characters)". No
// other character of the value is kept; nothing at all of a password or a
// high-entropy value. SafeHint reduces a stored hint that is not of this
// shape (an older fnaudit kept the first four characters) to what Hint may
// show; the rules print hints through it.
//
// Decisions, in order:
//
//  1. An empty or blank value is audit.ValueEmpty.
//  2. A reference to a secret store is audit.ValueReference: Secrets Manager and
//     SSM parameter ARNs, ssm: / secretsmanager: prefixed names, SSM parameter
//     paths (/prod/db/password) under a secret-like name, CloudFormation dynamic
//     references ({{resolve:secretsmanager:...}}), Azure Key Vault and App
//     Configuration references (@Microsoft.KeyVault(...)) and Key Vault secret
//     URIs, GCP Secret Manager resource names (projects/p/secrets/s/versions/v),
//     HashiCorp Vault references, and KMS ciphertext blobs (recognised by the KMS
//     envelope prefix, or base64 under a name that says ENCRYPTED / KMS /
//     CIPHERTEXT) that the function decrypts at run time.
//  3. A value whose shape alone proves a credential is audit.ValueSecret: cloud
//     keys (AWS access key ids, Amazon Bedrock API keys, GCP service account
//     key JSON, plain or base64, Azure storage and Cosmos DB connection
//     strings, Service Bus / Event Hubs connection strings, SAS tokens and
//     Entra client secrets), PEM private keys, JWTs, tokens of well-known
//     services (GitHub, GitLab, Slack, Stripe, Twilio, SendGrid, Mailgun,
//     Google API keys, npm, PyPI, OpenAI, Anthropic, Shopify, Atlassian,
//     Heroku, Hugging Face, ...), and URLs or connection strings that embed a
//     password. Some keys carry no marker and are recognised by their shape
//     under a name that says whose they are: Datadog keys under DD_ /
//     DATADOG_ key names, an older Heroku key under a HEROKU name, an Azure
//     account key (86 base64 characters and "==") under a KEY name that says
//     Azure, storage, Cosmos DB or account.
//     docs/secrets.md compares this coverage with gitleaks' default rules.
//  4. Under a secret-like name (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY,
//     CREDENTIALS, ...) a value is a secret when it looks like one: any real value
//     under a password name, a high-entropy value under the others, a 40-character
//     AWS secret access key under an AWS key name. Names that describe a setting
//     about the secret (MYSQL_ALLOW_EMPTY_PASSWORD, PASSWORD_MIN_LENGTH,
//     TOKEN_TTL, SECRET_ARN, ...) are not secret-like, and booleans, small
//     numbers and URLs without credentials are plain.
//  5. Everything else is audit.ValuePlain.
//
// Placeholders: template syntax that another tool substitutes (${DB_PASSWORD},
// {{ token }}, <your-api-key>, $(SECRET)) and filler words (xxx, TODO, REDACTED,
// none) are plain, detector "placeholder": they hold no secret. A well-known
// default password deployed literally under a password name (changeme, password,
// admin, ...) is reported as a secret, detector "default-password": the function
// really authenticates with it, and the credential is both exposed and weak.
package secrets
