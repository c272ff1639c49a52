package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
)

// snsMaxBytes is SNS's limit on a published message. For MessageStructure=json
// it applies to the whole JSON document, every protocol's entry included; the
// subject is counted too, to stay on the safe side.
const snsMaxBytes = 262144

// snsDocument is the MessageStructure=json document: people get the digest,
// machines the JSON report. Every protocol without an entry (email,
// email-json, http, sms) gets default, the digest: it is not written twice, so
// it may take twice the room.
type snsDocument struct {
	Default string `json:"default"`
	SQS     string `json:"sqs"`
	Lambda  string `json:"lambda"`
	HTTPS   string `json:"https"`
}

// message is one SNS publication.
type message struct {
	Subject string
	// Message is the MessageStructure=json document.
	Message string
	// Digest is the plain-text digest inside it.
	Digest string
	// Omitted counts the findings left out to fit the limit, OmittedGaps the
	// gaps the JSON report does not list one by one (they are counted in its
	// warnings).
	Omitted, OmittedGaps int
	// DigestOmitted counts the open findings the digest could not name.
	DigestOmitted int
}

// Size is what SNS counts against its limit (plus the subject).
func (m message) Size() int { return len(m.Subject) + len(m.Message) }

// The digest is for a person's few minutes: the changes since the last run,
// the digestFunctions worst functions in full, every other open finding in
// one line grouped by account, every organization-, account- and region-level
// gap and up to digestGaps lines of per-resource gaps (one per account, region
// and cause); it says what it left out and points to the full report.
const (
	digestFunctions = 10
	digestChanges   = 50
	digestGaps      = 100
	// digestWarnings and warningBytes bound the warnings the digest and the
	// JSON report list (the full report has them all): an organization's
	// warnings grow with its accounts.
	digestWarnings = 20
	warningBytes   = 8 << 10
	// jsonReserve is what the JSON report keeps (its three copies together)
	// when the digest does not fit whole.
	jsonReserve = 24 << 10
	moreHint    = "Set " + envReportBucket + " to keep the full report of every run in S3."
)

// buildMessage renders the report as one SNS message within snsMaxBytes.
//
// The digest comes first: it names every open finding at or above floor, the
// worst functions in full and the rest in one line each. Only when even the
// one-liners do not fit beside the JSON report's summary does it leave out the
// lowest-ranked (exposure and identity findings last) and say how many, in
// which accounts, and where the full report is.
//
// The JSON report fills what the digest leaves: it lists the findings at or
// above floor (and every error finding). When it does not fit, it keeps the
// summary (always complete) and every organization-, account- and
// region-level gap, and leaves out, in this order, findings (the least severe
// first) and then per-resource gaps (report.RankGaps order, the last first);
// the per-resource gaps it leaves out are folded into one warning line per
// account, region and cause (report.FoldGaps), so the message still names
// every account and region they are in. A warning says what was left out and
// where the full report is. When not even the summary and the wider gaps fit
// one by one, the digest and the JSON report's warnings fold those too, one
// line per cause naming every account and region (report.FoldWideGaps); only
// when that does not fit either is it an error.
func buildMessage(r *audit.Report, accounts []audit.Account, floor audit.Severity, fullReport string, page htmlReport, delta *report.Delta) (message, error) {
	shown, _ := report.Filter(r.Findings, floor)
	opts := report.DigestOptions{MinSeverity: floor, Accounts: accounts, FullReport: fullReport,
		HTMLReport: page.URI, HTMLReportURL: page.Console, Delta: delta,
		MaxFunctions: digestFunctions, MaxChanges: digestChanges, MaxGaps: digestGaps, MaxWarnings: digestWarnings, MoreHint: moreHint}
	ranked := append([]audit.Gap(nil), r.Gaps...)
	report.RankGaps(ranked)
	nWide := 0
	for nWide < len(ranked) && report.GapBreadthOf(ranked[nWide]) < report.BreadthResource {
		nWide++
	}
	wide, narrow := ranked[:nWide], ranked[nWide:]
	nf, ng := len(shown), len(narrow)

	// Each finding and gap the JSON report lists takes at least its empty
	// form's bytes in each of the message's three copies, so no more than
	// maxListed of them can fit: the searches below never render more, which
	// keeps a run with 100,000 findings from encoding them all to learn that.
	// The caps are true bounds, so a message that fits with them is the
	// fullest one, and one that does not leaves the searches' upper ends
	// valid.
	nf, ng = min(nf, maxListed(audit.Finding{})), min(ng, maxListed(audit.Gap{}))

	dg := report.NewDigester(r, opts)
	total := dg.Open()
	fitsWith := func(d report.Digest, k, g int, folded bool) (message, bool, error) {
		m, err := renderMessage(r, d, fullReport, shown, k, wide, narrow, g, folded)
		return m, err == nil && m.Size() <= snsMaxBytes, err
	}
	// While the digest is being cut, jsonReserve bytes stay free for the
	// JSON report's worst findings, so machine subscribers get some too.
	fitsDigest := func(d report.Digest, compact bool) (bool, error) {
		m, err := renderMessage(r, d, fullReport, shown, 0, wide, narrow, 0, compact)
		limit := snsMaxBytes
		if !compact {
			limit -= jsonReserve
		}
		return err == nil && m.Size() <= limit, err
	}
	if total <= dg.MaxListed(snsMaxBytes) {
		d := dg.Digest(opts.MaxFindings, opts.Compact)
		if m, ok, err := fitsWith(d, nf, ng, false); err != nil || ok {
			return m, err
		}
	}
	// The digest's size grows with the findings it names: a search finds the
	// most that fit beside the JSON report's summary (its k = 0, g = 0 form),
	// in the compact (folded) form when the wider gaps alone are too many to
	// list one by one. It doubles from a few hundred and then halves, so
	// the digests it renders are never much longer than the one that fits,
	// whatever the organization's number of findings.
	digestFor := func(n int, compact bool) report.Digest {
		limit := opts.MaxFindings
		if n < total {
			limit = n
			if n == 0 {
				limit = -1
			}
		}
		return dg.Digest(limit, compact)
	}
	fitDigest := func(compact bool) (report.Digest, bool, error) {
		best := digestFor(0, compact)
		if ok, err := fitsDigest(best, compact); err != nil || !ok {
			if !compact && err == nil {
				// Not even the summary fits beside the reserve: try
				// without it before folding the gaps.
				_, ok, err = fitsWith(best, 0, 0, false)
			}
			return best, ok, err
		}
		// lo fits; hi, once known, does not.
		lo, hi := 0, min(total, dg.MaxListed(snsMaxBytes))+1
		for n := 256; lo < hi-1; n *= 2 {
			n = min(n, hi-1)
			dn := digestFor(n, compact)
			ok, err := fitsDigest(dn, compact)
			if err != nil {
				return dn, false, err
			}
			if !ok {
				hi = n
				break
			}
			lo, best = n, dn
		}
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			dm := digestFor(mid, compact)
			ok, err := fitsDigest(dm, compact)
			if err != nil {
				return dm, false, err
			}
			if ok {
				lo, best = mid, dm
			} else {
				hi = mid
			}
		}
		return best, true, nil
	}
	d, ok, err := fitDigest(false)
	if err != nil {
		return message{}, err
	}
	if !ok {
		// Too many wider gaps to list one by one (thousands of accounts
		// that could not be audited): fold them by cause, every account
		// and region still named, in the digest and the JSON report.
		dc, ok, err := fitDigest(true)
		if err != nil {
			return message{}, err
		}
		m, err := renderMessage(r, dc, fullReport, shown, 0, wide, narrow, 0, true)
		if err != nil {
			return message{}, err
		}
		if !ok {
			return message{}, fmt.Errorf("sns: the summary and the %d organization-, account- and region-level gaps take %d bytes even folded by cause, more than SNS's %d; the full report has them",
				len(wide), m.Size(), snsMaxBytes)
		}
		return m, nil
	}

	// The digest is settled; the JSON report takes the rest. Size grows with
	// k and g, so a binary search finds the most that fit.
	fits := func(k, g int) (message, bool, error) { return fitsWith(d, k, g, false) }
	if m, ok, err := fits(nf, ng); err != nil || ok {
		return m, err
	}
	best, searchK, err := fits(0, ng)
	if err != nil {
		return message{}, err
	}
	lo, hi := 0, nf
	if !searchK {
		if best, _, err = fits(0, 0); err != nil {
			return message{}, err
		}
		hi = ng
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		k, g := mid, ng
		if !searchK {
			k, g = 0, mid
		}
		m, ok, err := fits(k, g)
		if err != nil {
			return message{}, err
		}
		if ok {
			lo, best = mid, m
		} else {
			hi = mid
		}
	}
	return best, nil
}

// maxListed is the most values like zero that the message's JSON report can
// list: each takes at least its empty JSON form (and a comma) in each of the
// message's three copies of the report.
func maxListed(zero any) int {
	b, err := json.Marshal(zero)
	if err != nil || len(b) == 0 {
		return math.MaxInt
	}
	return snsMaxBytes / (3 * (len(b) + 1))
}

// renderMessage renders the message with the digest d and a JSON report of the
// first k of shown findings, every wide gap and the first g narrow
// (per-resource) gaps. With nothing left out, the gaps keep the report's order.
// A folded message lists no gap one by one: warnings fold the wide gaps by cause
// (naming every account and region) and the narrow ones by account-region.
func renderMessage(r *audit.Report, d report.Digest, fullReport string, shown []audit.Finding, k int,
	wide, narrow []audit.Gap, g int, folded bool) (message, error) {
	out := *r
	out.Findings = shown[:k]
	// Who can change each function grows with the estate: the full report in
	// the bucket carries it, the message does not.
	out.Control = nil
	m := message{Omitted: len(shown) - k, OmittedGaps: len(narrow) - g}
	switch {
	case folded:
		m.OmittedGaps = len(r.Gaps)
		out.Gaps = []audit.Gap{}
	case m.OmittedGaps > 0:
		out.Gaps = append(append(make([]audit.Gap, 0, len(wide)+g), wide...), narrow[:g]...)
	}
	if out.Gaps == nil {
		out.Gaps = []audit.Gap{}
	}
	where := "the full report is at " + fullReport
	if fullReport == "" {
		where = "no full report was written (set " + envReportBucket + " to keep one)"
	}
	out.Warnings = messageWarnings(r.Warnings)
	if n := len(out.Warnings); n < len(r.Warnings) {
		out.Warnings = append(out.Warnings, fmt.Sprintf("this message lists %d of the report's %d warnings; %s", n, len(r.Warnings), where))
	}
	if m.Omitted > 0 || m.OmittedGaps > 0 {
		note := fmt.Sprintf("this message lists %d of %d findings (worst first) to fit SNS's %d-byte limit", k, len(shown), snsMaxBytes)
		switch {
		case folded:
			note = fmt.Sprintf("this message lists %d of %d findings and none of the %d gaps one by one to fit SNS's %d-byte limit: "+
				"the %d organization-, account- and region-level gaps are folded below by cause, naming every account and region they cover, "+
				"and the %d per-resource gaps by account, region and cause",
				k, len(shown), len(r.Gaps), snsMaxBytes, len(wide), len(narrow))
		case m.OmittedGaps > 0:
			note = fmt.Sprintf("this message lists %d of %d findings (worst first) and %d of %d gaps to fit SNS's %d-byte limit: "+
				"all %d organization-, account- and region-level gaps and %d of %d per-resource gaps; the %d left out are counted below by account, region and cause",
				k, len(shown), len(out.Gaps), len(r.Gaps), snsMaxBytes, len(wide), g, len(narrow), m.OmittedGaps)
		}
		out.Warnings = append(out.Warnings, note+"; "+where)
		if folded {
			for _, c := range report.FoldWideGaps(wide) {
				out.Warnings = append(out.Warnings, "folded in this message: "+c.String())
			}
		}
		for _, grp := range report.FoldGaps(narrow[g:]) {
			out.Warnings = append(out.Warnings, "left out of this message: "+grp.String())
		}
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		return message{}, fmt.Errorf("sns: encode report: %w", err)
	}
	jsonReport := escapeFormatChars(strings.TrimRight(js.String(), "\n"))

	m.Subject, m.Digest, m.DigestOmitted = d.Subject, d.Body, d.Omitted

	doc := snsDocument{Default: d.Body, SQS: jsonReport, Lambda: jsonReport, HTTPS: jsonReport}
	var buf bytes.Buffer
	enc = json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&doc); err != nil {
		return message{}, fmt.Errorf("sns: encode message: %w", err)
	}
	m.Message = string(bytes.TrimRight(buf.Bytes(), "\n"))
	return m, nil
}

// messageWarnings is the first of ws that fit the message: at most
// digestWarnings of them and warningBytes in all. Appending to it leaves ws
// as it is.
func messageWarnings(ws []string) []string {
	size := 0
	for i, w := range ws {
		if size += len(w); i == digestWarnings || size > warningBytes {
			return slices.Clip(ws[:i])
		}
	}
	return slices.Clip(ws)
}

// escapeFormatChars writes every Unicode format character (bidirectional
// overrides and isolates, zero-width characters) of a JSON document as a \u
// escape. The decoded values are unchanged; the raw text just no longer
// reorders or hides anything for a person who looks at it in a queue console or
// a chat message. encoding/json already escapes control characters.
func escapeFormatChars(js string) string {
	var b strings.Builder
	last := 0
	for i, c := range js {
		if !unicode.Is(unicode.Cf, c) && c != '\u2028' && c != '\u2029' {
			continue
		}
		b.WriteString(js[last:i])
		for _, u := range utf16.Encode([]rune{c}) {
			fmt.Fprintf(&b, "\\u%04x", u)
		}
		last = i + utf8.RuneLen(c)
	}
	if last == 0 {
		return js
	}
	b.WriteString(js[last:])
	return b.String()
}
