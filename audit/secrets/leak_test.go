package secrets_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/audit/secrets"
	"github.com/fnaudit/fnaudit/examples/estate"
)

// leakCase is a secret as a function would hold it, the public type marker
// its hint may show, and the parts of it that no output may contain. The
// values are synthetic, assembled so that secret scanners do not flag this
// file, and built from mixed-case runs that no report text contains by
// chance, so any 3-character piece of them in an output is a leak (8
// characters for hex-only secrets; see leakCase.window).
type leakCase struct {
	name, value string
	marker      string
	private     []string // default: the value after the marker
	// window is the length of the pieces looked for (default 3). Hex-only
	// secrets use 8: report text carries hex ids and fingerprints, in which
	// any 3 hex digits occur by chance, while 8 (32 bits) do not.
	window int
}

func leakCases() []leakCase {
	body := func(n int) string {
		const run = "Qx7Zk9Wp3Rm5Tn2Vb8Jh4Lc6Fd1Gs3Ky7Mq"
		return strings.Repeat(run, n/len(run)+1)[:n]
	}
	letters := func(n int) string {
		const run = "QxZkWpRmTnVbJhLcFdGsKyMq"
		return strings.Repeat(run, n/len(run)+1)[:n]
	}
	hex := func(n int) string {
		const run = "c7e9a3f5d1b8e6c2a4f7d9b3e5c1a8f6"
		return strings.Repeat(run, n/len(run)+1)[:n]
	}
	saKey := `{"type": "service_account", "project_id": "qz7xk9w4", "private_key_id": "` + hex(40) + `", "private_key": "-----BEGIN ` +
		`PRIVATE KEY-----\n` + body(64) + `\n-----END PRIVATE KEY-----\n", "client_email": "fn@qz7xk9w4.iam.gserviceaccount.com"}`
	saKeyB64 := base64.StdEncoding.EncodeToString([]byte(saKey))
	return []leakCase{
		{name: "DB_PASSWORD", value: "Hq4Wz8Jv2Xk6"},
		{name: "SMTP_PASSWORD", value: "Tz3Vq7Xw9Kj5Lp"},
		{name: "API_KEY", value: "Zq4Xw8Jr2Kt6Pv9Lm3Hn7Bc5"},
		{name: "AWS_ACCESS_KEY_ID", value: "AK" + "IA" + "Q7X9Z2K5W8J3V6H4", marker: "AKIA"},
		{name: "AWS_SECRET_ACCESS_KEY", value: "Wq7/Zk3+Rt9Lm2Xp5Vb8Jh4Nc6Fd1Gs3Ky7Mq2Tz"},
		{name: "GITHUB_TOKEN", value: "gh" + "p_" + body(36), marker: "ghp_"},
		{name: "SLACK_BOT_TOKEN", value: "xo" + "xb-" + "Q7x9Z2k5W8j3V6h4L1m0", marker: "xoxb-"},
		{name: "STRIPE_KEY", value: "sk" + "_live_" + body(24), marker: "sk_live_"},
		{name: "MAPS_KEY", value: "AI" + "za" + body(35), marker: "AIza"},
		{name: "DATABASE_URL", value: "postgres://Qx7vZ:" + "Wp3kR9mT" + "@Jh5qL2.Xk8/Zq4", marker: "postgres://"},
		{name: "SIGNING_KEY", value: "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEqX7zK9wP3rM5tN2vB8jH4\n-----END RSA PRIVATE KEY-----",
			marker: "-----BEGIN RSA PRIVATE KEY-----", private: []string{"MIIEqX7zK9wP3rM5tN2vB8jH4"}},
		{name: "SESSION_TOKEN", value: "eyJ" + "Qx7Zk9Wp3Rm5" + ".eyJ" + "Tn2Vb8Jh4Lc6" + "." + "Fd1Gs3Ky7Mq2",
			marker: "eyJ", private: []string{"Qx7Zk9Wp3Rm5", "Tn2Vb8Jh4Lc6", "Fd1Gs3Ky7Mq2"}},
		{name: "AzureWebJobsStorage", value: "DefaultEndpointsProtocol=https;AccountName=qz7xk9w4;Account" + "Key=" + body(64) + "==;EndpointSuffix=core.windows.net",
			private: []string{"qz7xk9w4", body(64)}},
		{name: "CosmosDbConnection", value: "AccountEndpoint=https://qz7xk9w4.documents.azure.com:443/;Account" + "Key=" + body(86) + "==;",
			private: []string{"qz7xk9w4", body(86)}},
		{name: "COSMOS_KEY", value: body(86) + "=="},
		{name: "EventHubConnection", value: "Endpoint=sb://qz7xk9w4.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccess" + "Key=" + body(43) + "=",
			private: []string{"qz7xk9w4", body(43)}},
		{name: "BLOB_SAS", value: "sv=2022-11-02&se=2027-01-01T00%3A00%3A00Z&sp=r&" + "sig=" + body(43) + "%3D", private: []string{body(43)}},
		{name: "GOOGLE_CREDENTIALS", value: saKey, private: []string{"qz7xk9w4", body(64)}},
		{name: "GOOGLE_CREDENTIALS", value: saKey, private: []string{hex(40)}, window: 8},
		// the first characters of a base64 JSON object ("eyJ0eXBl") are the
		// same in every such value, and "eyJ" is the JWT marker
		{name: "GOOGLE_CREDENTIALS_B64", value: saKeyB64, private: []string{saKeyB64[8:]}, window: 6},
		{name: "AZURE_CLIENT_SECRET", value: "Qx7" + "8Q~" + body(34)},
		{name: "BEDROCK_KEY", value: "AB" + "SK" + body(120), marker: "ABSK"},
		{name: "GITLAB_RUNNER_TOKEN", value: "gl" + "rt-" + body(26), marker: "glrt-"},
		{name: "SLACK_APP_TOKEN", value: "xa" + "pp-7-" + body(40), marker: "xapp-"},
		{name: "MAILGUN_API_KEY", value: hex(32) + "-" + hex(8) + "-" + hex(8), window: 8},
		{name: "DD_API_KEY", value: hex(32), window: 8},
		{name: "JIRA_API_TOKEN", value: "ATA" + "TT3" + body(180), marker: "ATATT"},
		{name: "HEROKU_API_KEY", value: "HR" + "KU-AA" + body(58), marker: "HRKU-"},
		{name: "HF_TOKEN", value: "h" + "f_" + letters(34), marker: "hf_"},
	}
}

// TestNoOutputLeaksSecrets runs the secrets of the table through the
// collector's detector into functions of the demo estate (AWS, GCP and Azure)
// and checks that no report format, nor the mail digest, contains any
// 3-character piece of a secret beyond its public type marker (8 for hex-only
// secrets).
func TestNoOutputLeaksSecrets(t *testing.T) {
	t.Parallel()
	inv, err := estate.Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := leakCases()
	seen := map[audit.Provider]bool{}
	for i := range inv.Functions {
		fn := &inv.Functions[i]
		if seen[fn.Provider] {
			continue
		}
		seen[fn.Provider] = true
		for _, c := range cases {
			ev := secrets.Inspect(c.name, c.value) // what the collector stores
			if ev.Verdict != audit.ValueSecret {
				t.Fatalf("%s: verdict %s, want secret", c.name, ev.Verdict)
			}
			fn.Environment = append(fn.Environment, ev)
		}
	}
	if len(seen) != 3 {
		t.Fatalf("estate has functions of %d providers, want 3", len(seen))
	}
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})

	// Every secret is reported once per provider, so the outputs below
	// really carry the hints.
	found := map[string]int{}
	for _, f := range rep.Findings {
		if f.Category == audit.PlaintextSecret {
			found[f.Key]++
		}
	}
	for _, c := range cases {
		if found[c.name] < 3 {
			t.Errorf("%s reported %d times, want at least once per provider", c.name, found[c.name])
		}
	}

	outputs := map[string]string{}
	for _, f := range report.Formats() {
		opts := report.Options{Width: -1} // unwrapped, so a leak cannot hide across a line break
		var b bytes.Buffer
		if err := report.Render(&b, f, rep, opts); err != nil {
			t.Fatal(err)
		}
		outputs[string(f)] = b.String()
	}
	var b bytes.Buffer
	if err := report.Render(&b, report.Text, rep, report.Options{Details: true, Width: -1}); err != nil {
		t.Fatal(err)
	}
	outputs["text --details"] = b.String()
	d := report.NewDigest(rep, report.DigestOptions{})
	outputs["digest"] = d.Subject + "\n" + d.Body

	for _, c := range cases {
		private := c.private
		if private == nil {
			private = []string{strings.TrimPrefix(c.value, c.marker)}
		}
		for format, out := range outputs {
			for _, p := range private {
				if w := leaked(out, p, c.window); w != "" {
					t.Errorf("%s output contains %q of %s's secret", format, w, c.name)
				}
			}
		}
		if c.marker != "" && !strings.Contains(outputs["text --details"], c.marker+"****") {
			t.Errorf("%s: the detailed text report does not show the type marker %q", c.name, c.marker)
		}
		if h := secrets.Hint(secrets.Inspect(c.name, c.value).Detector, c.value); !strings.Contains(outputs["json"], h) {
			t.Errorf("%s: the json report does not show the hint %q", c.name, h)
		}
	}
}

// leaked returns the first window-character piece (3 when window is 0) of
// secret found in out, or "".
func leaked(out, secret string, window int) string {
	if window == 0 {
		window = 3
	}
	r := []rune(secret)
	for i := 0; i+window <= len(r); i++ {
		if w := string(r[i : i+window]); strings.Contains(out, w) {
			return w
		}
	}
	return ""
}
