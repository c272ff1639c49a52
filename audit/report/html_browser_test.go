package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/examples/estate"
)

// screenshot keeps the browser test's screenshot for a person to look at:
// go test ./audit/report -run TestHTMLInChromium -screenshot /tmp/fnaudit-report.png
var screenshot = flag.String("screenshot", "", "copy the HTML browser test's screenshot to this file")

// chromiumTimeout bounds one run of the browser, far above the few seconds a
// run takes, so a hung browser fails the test instead of hanging it.
const chromiumTimeout = 2 * time.Minute

// chromium returns the headless browser's path. Without it the test skips,
// except in CI (CI=true), where the browser is installed and a skip would
// hide a broken report.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium is not installed (Debian package chromium: apt-get install chromium); the HTML report was not rendered in a browser"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + ", and CI=true requires it")
	}
	t.Skip(msg)
	return ""
}

// runChromium runs headless Chromium on the local file page with args and
// returns its standard output and the URLs the page itself asked the network
// for, read from the browser's network log. Host names resolve nowhere
// (--host-resolver-rules), so the test never reaches the network either way.
func runChromium(t *testing.T, bin, page string, args ...string) (stdout []byte, pageRequests []string) {
	t.Helper()
	dir := t.TempDir()
	netLog := filepath.Join(dir, "netlog.json")
	all := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
		"--host-resolver-rules=MAP * ~NOTFOUND",
		"--log-net-log=" + netLog,
	}, args...)
	all = append(all, "file://"+page)
	ctx, cancel := context.WithTimeout(context.Background(), chromiumTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, all...)
	cmd.WaitDelay = 10 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, lastLines(errOut.String(), 20))
	}
	reqs, err := pageRequestsFromNetLog(netLog)
	if err != nil {
		t.Fatalf("chromium %s: network log: %v", strings.Join(args, " "), err)
	}
	return out.Bytes(), reqs
}

// pageRequestsFromNetLog lists the URLs of the requests a page started
// (URL_REQUEST_START_JOB events with an initiator). The browser's own
// background requests (update checks, time sync) carry the initiator "not an
// origin" and are not the page's doing.
func pageRequestsFromNetLog(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Chromium may end the log without closing the events array when it
	// is stopped early; a complete log is a JSON object.
	var log struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL       string `json:"url"`
				Initiator string `json:"initiator"`
			} `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		return nil, err
	}
	start, ok := log.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		return nil, errors.New("no URL_REQUEST_START_JOB event type in the log's constants")
	}
	var urls []string
	for _, e := range log.Events {
		if e.Type == start && e.Params.URL != "" && e.Params.Initiator != "not an origin" &&
			!strings.HasPrefix(e.Params.URL, "file:") {
			urls = append(urls, e.Params.URL)
		}
	}
	return urls, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// demoHTMLReport analyzes the sample estate as fnaudit demo does, adds a
// finding on a function whose name is markup, and renders it as HTML.
func demoHTMLReport(t *testing.T) (*audit.Report, []byte) {
	t.Helper()
	inv, err := estate.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := audit.Analyze(inv, rules.All(), audit.Config{Now: testNow})
	evil := r.Findings[0]
	evil.Function = `<script>document.title="pwned"</script><img src=x onerror=alert(1)>`
	evil.Resource = "arn:aws:lambda:us-east-1:123456789012:function:evil"
	evil.ID = audit.FindingID(evil.Rule, evil.Resource, "")
	evil.Detail = `</details><script>alert(2)</script>`
	r.Findings = append(r.Findings, evil)
	audit.SortFindings(r.Findings)
	r.Summarize()
	var buf bytes.Buffer
	if err := Render(&buf, HTML, r, Options{ProductVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	return r, buf.Bytes()
}

// TestHTMLInChromium renders the demo estate's HTML report in headless
// Chromium: the page's text holds the summary counts, the worst function and
// the coverage gap, markup in a function name stays text, the page asks the
// network for nothing, a screenshot is drawn, and printing opens every finding.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	r, page := demoHTMLReport(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page, 0o600); err != nil {
		t.Fatal(err)
	}

	// The network check sees a page's requests: a page that loads a
	// stylesheet and an image is caught.
	canary := filepath.Join(dir, "canary.html")
	if err := os.WriteFile(canary, []byte(`<!DOCTYPE html><link rel="stylesheet" href="https://fonts.canary.invalid/a.css"><img src="https://img.canary.invalid/b.png"><p>canary</p>`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, reqs := runChromium(t, bin, canary, "--dump-dom"); len(reqs) != 2 {
		t.Fatalf("canary page: network log shows requests %q, want its stylesheet and image", reqs)
	}

	began := time.Now()
	dom, reqs := runChromium(t, bin, file, "--dump-dom")
	t.Logf("chromium --dump-dom took %v", time.Since(began).Round(time.Millisecond))
	if len(reqs) > 0 {
		t.Errorf("the report asked the network for %q", reqs)
	}
	text := string(dom)
	ranked, _ := rankFunctions(r.Findings)
	wants := []string{
		fmt.Sprintf(`id="n-functions">%d<`, r.Scope.Functions),
		fmt.Sprintf(`id="n-open">%d<`, r.Summary.Open),
		fmt.Sprintf(`id="n-gaps">%d<`, len(r.Gaps)),
		fmt.Sprintf(`id="n-public">%d<`, exposedFunctions(r.Findings, audit.PublicInvoke)),
		`<a href="#fn-1">` + ranked[0].Name + `</a>`,
		"Coverage gaps (" + fmt.Sprint(len(r.Gaps)) + ")",
		`&lt;script&gt;document.title="pwned"&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;`,
		`&lt;/details&gt;&lt;script&gt;alert(2)&lt;/script&gt;`,
	}
	if len(r.Gaps) == 0 {
		t.Fatal("the sample estate has no gap to show")
	}
	for _, g := range r.Gaps {
		wants = append(wants, "<code>"+g.Account+"</code>", g.Message)
	}
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	// The markup stayed text: the page has no script element and no image,
	// and its title is the report's.
	for _, bad := range []string{"<script", "<img", "pwned</title>"} {
		if strings.Contains(text, bad) {
			t.Errorf("rendered page contains %q", bad)
		}
	}

	shot := filepath.Join(dir, "report.png")
	began = time.Now()
	_, reqs = runChromium(t, bin, file, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")
	t.Logf("chromium --screenshot took %v", time.Since(began).Round(time.Millisecond))
	if len(reqs) > 0 {
		t.Errorf("the report asked the network for %q", reqs)
	}
	checkScreenshot(t, shot)

	// Printed, every finding is open: the print stylesheet makes the PDF
	// several times longer than the same page printed without its rules
	// for <details>.
	withRules := printedPages(t, bin, file)
	control := filepath.Join(dir, "control.html")
	if err := os.WriteFile(control, withoutPrintDetailsRules(t, page), 0o600); err != nil {
		t.Fatal(err)
	}
	without := printedPages(t, bin, control)
	t.Logf("printed: %d pages, %d without the rules that open <details>", withRules, without)
	if withRules < 2*without {
		t.Errorf("printed report has %d pages, %d without the rules that open <details>: findings stay closed in print", withRules, without)
	}
	if *screenshot != "" {
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkScreenshot asserts the screenshot is a 1280x2000 PNG with a drawn page:
// many colors (text, severity badges, chart bars), and ink on a good part of it.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2000 {
		t.Errorf("screenshot is %dx%d, want 1280x2000", b.Dx(), b.Dy())
	}
	colors, inked, total := countColors(img)
	if colors < 50 || inked*100 < total*3 {
		t.Errorf("screenshot looks blank: %d colors, %d of %d pixels not white", colors, inked, total)
	}
}

func countColors(img image.Image) (colors, inked, total int) {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r>>8 < 0xf0 || g>>8 < 0xf0 || bl>>8 < 0xf0 {
				inked++
			}
			total++
		}
	}
	return len(seen), inked, total
}

// startTag matches a start tag; in text, html/template has escaped every '<'.
var startTag = regexp.MustCompile(`<[a-zA-Z][^>]*>`)

// loadAttr matches every attribute that may make a browser load something.
var loadAttr = regexp.MustCompile(`(?i)\s(src|srcset|href|action|formaction|poster|data|background|xlink:href|ping)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)

// TestHTMLLoadsNothing checks the HTML itself: a CSP that forbids every fetch
// and allows only the inline stylesheet by hash, no script, no external
// stylesheet, font or image, and only in-page links.
func TestHTMLLoadsNothing(t *testing.T) {
	t.Parallel()
	for _, rep := range []*audit.Report{testReport(), func() *audit.Report { r, _ := demoHTMLReport(t); return r }()} {
		var buf bytes.Buffer
		if err := Render(&buf, HTML, rep, Options{}); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		for _, tag := range startTag.FindAllString(page, -1) {
			for _, m := range loadAttr.FindAllStringSubmatch(tag, -1) {
				val := html.UnescapeString(strings.Trim(m[2], `"'`))
				if strings.ToLower(m[1]) != "href" || !strings.HasPrefix(val, "#") {
					t.Errorf("page loads or links %s=%q in %s", m[1], val, tag)
				}
			}
		}
		for _, bad := range []string{"<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "@font-face"} {
			if strings.Contains(strings.ToLower(page), bad) {
				t.Errorf("page contains %q", bad)
			}
		}
		csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
		if csp == nil {
			t.Fatal("no Content-Security-Policy meta tag")
		}
		if head := page[:strings.Index(page, "<style>")]; !strings.Contains(head, "Content-Security-Policy") {
			t.Error("the CSP comes after the stylesheet")
		}
		style := page[strings.Index(page, "<style>")+len("<style>") : strings.Index(page, "</style>")]
		if style != htmlCSS {
			t.Error("the inline stylesheet differs from html_report.css")
		}
		policy := html.UnescapeString(csp[1])
		for _, want := range []string{"default-src 'none'", "style-src 'sha256-" + cssHash() + "'", "img-src 'none'", "base-uri 'none'", "form-action 'none'"} {
			if !strings.Contains(policy, want) {
				t.Errorf("CSP %q lacks %q", policy, want)
			}
		}
	}
}

// printDetailsRules are the print stylesheet's rules that open every
// <details> element (::details-content for current browsers, the child
// selector for older ones).
var printDetailsRules = []string{
	"  details::details-content { content-visibility: visible; display: block; }\n",
	"  details:not([open]) > dl { display: grid; }\n",
}

// withoutPrintDetailsRules returns page with printDetailsRules removed from
// its stylesheet and its CSP hash updated to match.
func withoutPrintDetailsRules(t *testing.T, page []byte) []byte {
	t.Helper()
	css := htmlCSS
	for _, rule := range printDetailsRules {
		if !strings.Contains(css, rule) {
			t.Fatalf("html_report.css lacks the print rule %q", rule)
		}
		css = strings.Replace(css, rule, "", 1)
	}
	out := strings.Replace(string(page), "<style>"+htmlCSS+"</style>", "<style>"+css+"</style>", 1)
	sum := sha256.Sum256([]byte(css))
	escape := func(s string) string { return strings.ReplaceAll(s, "+", "&#43;") }
	oldHash, newHash := escape(cssHash()), escape(base64.StdEncoding.EncodeToString(sum[:]))
	if !strings.Contains(out, oldHash) || out == string(page) {
		t.Fatal("cannot find the stylesheet or its hash in the page")
	}
	return []byte(strings.Replace(out, oldHash, newHash, 1))
}

// pdfPage matches a page object of a PDF (not the /Pages tree nodes).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// printedPages prints the page to PDF with Chromium and counts its pages.
func printedPages(t *testing.T, bin, file string) int {
	t.Helper()
	pdf := filepath.Join(t.TempDir(), "page.pdf")
	_, reqs := runChromium(t, bin, file, "--no-pdf-header-footer", "--print-to-pdf="+pdf)
	if len(reqs) > 0 {
		t.Errorf("printing asked the network for %q", reqs)
	}
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatalf("no PDF: %v", err)
	}
	n := len(pdfPage.FindAll(data, -1))
	if n == 0 {
		t.Fatalf("PDF of %d bytes has no page", len(data))
	}
	return n
}
