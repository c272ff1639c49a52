package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/suppress"
)

// Event mode: the member accounts' EventBridge rules forward CloudTrail's
// records of the calls that change who can invoke a function or what it can
// do (member-role.yaml) to the auditor's bus, whose rule queues them in SQS;
// the queue's event source mapping hands the function batches gathered for
// up to a minute (template.yaml). One batch is one re-audit of the functions
// its changes touched, compared with the stored state, and at most one mail
// naming only what is new. docs/lambda.md, "Event mode", describes it.

// cloudTrailDetailType is the detail-type of CloudTrail's management events
// on EventBridge.
const cloudTrailDetailType = "AWS API Call via CloudTrail"

// versionSuffix is the API version some services (Lambda) append to
// CloudTrail event names: AddPermission20150331v2, CreateFunction20150331,
// CreateFunctionUrlConfig20211031.
var versionSuffix = regexp.MustCompile(`\d{8}(v\d+)?$`)

// lambdaFunctionEvents are the Lambda calls (event names without their
// version suffix) that change one function's access, code or configuration.
var lambdaFunctionEvents = []string{
	"AddPermission", "RemovePermission",
	"CreateFunctionUrlConfig", "UpdateFunctionUrlConfig", "DeleteFunctionUrlConfig",
	"CreateFunction", "DeleteFunction", "UpdateFunctionConfiguration", "UpdateFunctionCode", "PublishVersion",
	"CreateAlias", "UpdateAlias", "DeleteAlias",
	"CreateEventSourceMapping", "UpdateEventSourceMapping", "DeleteEventSourceMapping",
}

// iamRoleEvents change a role's permissions or trust; iamPolicyEvents change a
// customer-managed policy every role attaching it uses.
var (
	iamRoleEvents = []string{
		"PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy",
		"PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
	}
	iamPolicyEvents = []string{"CreatePolicyVersion", "SetDefaultPolicyVersion"}
)

// frontDoorEvents change an API Gateway API or a load balancer in front of
// functions: routes, methods, integrations, authorizers, stages; listeners,
// rules and Lambda targets.
var frontDoorEvents = map[string][]string{
	"apigateway.amazonaws.com": {
		"CreateRoute", "UpdateRoute", "DeleteRoute", "CreateIntegration", "UpdateIntegration", "DeleteIntegration",
		"CreateAuthorizer", "UpdateAuthorizer", "DeleteAuthorizer", "CreateStage", "UpdateStage", "DeleteStage",
		"PutMethod", "UpdateMethod", "DeleteMethod", "PutIntegration", "CreateDeployment",
	},
	"elasticloadbalancing.amazonaws.com": {
		"CreateListener", "ModifyListener", "DeleteListener", "CreateRule", "ModifyRule", "DeleteRule",
		"RegisterTargets", "DeregisterTargets",
	},
}

// functionARNInText finds Lambda function ARNs inside other documents (an
// API Gateway integration URI, a load balancer target).
var functionARNInText = regexp.MustCompile(`arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+`)

// change is one CloudTrail record the function acts on.
type change struct {
	EventID   string    `json:"eventId"`
	EventName string    `json:"eventName"` // as CloudTrail recorded it
	Source    string    `json:"source"`
	Account   string    `json:"account"`
	Region    string    `json:"region"`
	Who       string    `json:"who"`
	When      time.Time `json:"when"`
	// Functions are the unqualified ARNs of the functions it touched;
	// Identities the role or policy ARNs whose functions it touched.
	Functions  []string `json:"functions,omitempty"`
	Identities []string `json:"identities,omitempty"`
	// Doors are front-door ids (API id, listener or rule ARN) it touched.
	Doors []string `json:"doors,omitempty"`
}

// cloudTrailDetail is the part of CloudTrail's record the function reads.
type cloudTrailDetail struct {
	EventSource  string `json:"eventSource"`
	EventName    string `json:"eventName"`
	AWSRegion    string `json:"awsRegion"`
	EventTime    string `json:"eventTime"`
	EventID      string `json:"eventID"`
	ErrorCode    string `json:"errorCode"`
	UserIdentity struct {
		Type string `json:"type"`
		ARN  string `json:"arn"`
	} `json:"userIdentity"`
	RecipientAccountID string          `json:"recipientAccountId"`
	RequestParameters  json.RawMessage `json:"requestParameters"`
	ResponseElements   json.RawMessage `json:"responseElements"`
}

// isSQSBatch reports whether a payload is an SQS event source mapping's batch.
func isSQSBatch(payload []byte) bool {
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil || len(probe.Records) == 0 {
		return false
	}
	return probe.Records[0].EventSource == "aws:sqs"
}

// parseChanges reads an SQS batch of EventBridge events. It returns the
// changes to act on and a line per record it skipped and why (a failed call,
// an event it does not handle, a record that is not an event): a bad record
// is logged and dropped, never retried forever.
func parseChanges(batch []byte) ([]change, []string, error) {
	var ev events.SQSEvent
	if err := json.Unmarshal(batch, &ev); err != nil {
		return nil, nil, fmt.Errorf("event: malformed SQS batch: %v", err)
	}
	var out []change
	var skipped []string
	seen := map[string]bool{}
	for _, rec := range ev.Records {
		c, why := parseRecord(rec)
		switch {
		case why != "":
			skipped = append(skipped, fmt.Sprintf("message %s: %s", rec.MessageId, why))
		case seen[c.EventID]:
			// EventBridge and SQS deliver at least once.
			skipped = append(skipped, fmt.Sprintf("message %s: CloudTrail event %s delivered again", rec.MessageId, c.EventID))
		default:
			seen[c.EventID] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].When.Before(out[j].When) })
	return out, skipped, nil
}

func parseRecord(rec events.SQSMessage) (change, string) {
	var env events.EventBridgeEvent
	if err := json.Unmarshal([]byte(rec.Body), &env); err != nil {
		return change{}, fmt.Sprintf("body is not an EventBridge event: %v", err)
	}
	if env.DetailType != cloudTrailDetailType {
		return change{}, fmt.Sprintf("detail-type %q is not %q", env.DetailType, cloudTrailDetailType)
	}
	var d cloudTrailDetail
	if err := json.Unmarshal(env.Detail, &d); err != nil {
		return change{}, fmt.Sprintf("detail is not a CloudTrail record: %v", err)
	}
	c := change{EventID: cmpOr(d.EventID, env.ID), EventName: d.EventName, Source: d.EventSource,
		Account: cmpOr(d.RecipientAccountID, env.AccountID), Region: cmpOr(d.AWSRegion, env.Region), Who: d.UserIdentity.ARN}
	if c.Who == "" {
		c.Who = d.UserIdentity.Type
	}
	if t, err := time.Parse(time.RFC3339, d.EventTime); err == nil {
		c.When = t.UTC()
	} else {
		c.When = env.Time.UTC()
	}
	if d.ErrorCode != "" {
		return c, fmt.Sprintf("%s by %s failed (%s): nothing changed", c.EventName, c.Who, d.ErrorCode)
	}
	if !accountPattern.MatchString(c.Account) || !regionPattern.MatchString(c.Region) {
		return c, fmt.Sprintf("%s names no account or region", c.EventName)
	}
	var params map[string]any
	_ = json.Unmarshal(d.RequestParameters, &params)
	var resp map[string]any
	_ = json.Unmarshal(d.ResponseElements, &resp)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	name := versionSuffix.ReplaceAllString(d.EventName, "")
	partition := catalog.AWSPartition(c.Region)
	switch {
	case d.EventSource == "lambda.amazonaws.com" && slices.Contains(lambdaFunctionEvents, name):
		fn := str(params, "functionName")
		if fn == "" {
			// UpdateEventSourceMapping and DeleteEventSourceMapping name the
			// mapping; the answer names its function.
			fn = cmpOr(str(resp, "functionArn"), str(resp, "functionName"))
		}
		arn, ok := functionARN(fn, partition, c.Account, c.Region)
		if !ok {
			return c, fmt.Sprintf("%s names no function (%q)", c.EventName, fn)
		}
		c.Functions = []string{arn}
	case d.EventSource == "iam.amazonaws.com" && slices.Contains(iamRoleEvents, name):
		role := str(params, "roleName")
		if role == "" || strings.ContainsAny(role, ":/") {
			return c, fmt.Sprintf("%s names no role (%q)", c.EventName, role)
		}
		c.Identities = []string{fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, c.Account, role)}
	case d.EventSource == "iam.amazonaws.com" && slices.Contains(iamPolicyEvents, name):
		pol := str(params, "policyArn")
		p := strings.SplitN(pol, ":", 6)
		if len(p) != 6 || p[2] != "iam" || p[4] != c.Account || !strings.HasPrefix(p[5], "policy/") {
			// AWS managed policies change under AWS's own account; their new
			// versions reach every account at the next scheduled run.
			return c, fmt.Sprintf("%s names no customer-managed policy of account %s (%q)", c.EventName, c.Account, pol)
		}
		c.Identities = []string{pol}
	case slices.Contains(frontDoorEvents[d.EventSource], name):
		seen := map[string]bool{}
		for _, m := range functionARNInText.FindAllString(string(d.RequestParameters)+string(d.ResponseElements), -1) {
			if !seen[m] {
				seen[m] = true
				c.Functions = append(c.Functions, m)
			}
		}
		for _, k := range []string{"apiId", "restApiId", "listenerArn", "ruleArn", "targetGroupArn"} {
			if v := str(params, k); v != "" {
				c.Doors = append(c.Doors, v)
			}
		}
		if len(c.Functions) == 0 && len(c.Doors) == 0 {
			return c, fmt.Sprintf("%s names neither a function nor a front door", c.EventName)
		}
	default:
		return c, fmt.Sprintf("%s from %s is not a change this function handles", c.EventName, d.EventSource)
	}
	return c, ""
}

// functionARN turns a functionName parameter (a name, a partial or a full
// ARN, each with an optional version or alias) into the function's
// unqualified ARN in the event's account and region.
func functionARN(fn, partition, acct, region string) (string, bool) {
	name := fn
	if i := strings.Index(fn, "function:"); i >= 0 {
		prefix := strings.Split(strings.TrimSuffix(fn[:i], ":"), ":")
		// A (partial) ARN names its own account and region.
		if n := len(prefix); n >= 1 && accountPattern.MatchString(prefix[n-1]) {
			acct = prefix[n-1]
			if n >= 2 && regionPattern.MatchString(prefix[n-2]) {
				region = prefix[n-2]
			}
		}
		name = fn[i+len("function:"):]
	}
	name, _, _ = strings.Cut(name, ":")
	if name == "" || strings.ContainsAny(name, "/ ") || len(name) > 64 {
		return "", false
	}
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", partition, region, acct, name), true
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// runChanges re-audits what a batch of changes touched, compares it with the
// stored state, mails what is new and stores the result as the new state.
func (h *Handler) runChanges(ctx context.Context, payload []byte, log *slog.Logger) (*Result, error) {
	changes, skipped, err := parseChanges(payload)
	if err != nil {
		return nil, err
	}
	for _, s := range skipped {
		log.InfoContext(ctx, "change ignored", "why", s)
	}
	now := h.now().UTC()
	scope := h.configuredScope()
	var prev *audit.Report
	var notes []string
	if h.cfg.ReportBucket != "" {
		var warning string
		if prev, warning = h.loadState(ctx, scope); warning != "" {
			notes = append(notes, warning)
		}
	}
	changes, outside := h.inScope(changes, scope, prev)
	for _, s := range outside {
		log.InfoContext(ctx, "change ignored", "why", s)
	}
	res := &Result{Changes: len(changes)}
	if len(changes) == 0 {
		res.Skipped = "no change in this batch touches a function in scope"
		log.InfoContext(ctx, "changes done", "skipped", res.Skipped, "ignored", len(skipped)+len(outside))
		return res, nil
	}

	// One narrowed collection for the whole batch: a deployment's forty
	// changes to one function read it once.
	fset, iset := map[string]bool{}, map[string]bool{}
	for _, c := range changes {
		for _, f := range c.Functions {
			fset[f] = true
		}
		for _, i := range c.Identities {
			iset[i] = true
		}
	}
	narrowed := scope
	narrowed.Providers = []audit.Provider{audit.AWS}
	narrowed.Functions, narrowed.Identities = sortedSet(fset), sortedSet(iset)
	inv, failed, collected := h.collect(ctx, narrowed)
	if !collected && len(failed) > 0 {
		return res, fmt.Errorf("re-audit after %d changes: %s", len(changes), strings.Join(failed, "; "))
	}
	r := audit.Analyze(inv, h.rules, audit.Config{Now: now, TrustedAccounts: h.cfg.TrustedAccounts})
	entries, err := h.suppressions(ctx)
	if err != nil {
		notes = append(notes, err.Error()+"; no suppressions were applied")
	}
	suppress.Apply(r, entries, now)

	// The functions this run answers for: those it read, and the named ones
	// it looked for and did not find without a gap (deleted).
	audited := map[string]bool{}
	for _, f := range inv.Functions {
		audited[f.ID] = true
	}
	gapOn := map[string]bool{}
	for _, g := range inv.Gaps {
		gapOn[g.Resource] = true
		if g.Resource == "" {
			gapOn[g.Account+"/"+g.Region] = true
			gapOn[g.Account+"/"] = true
		}
	}
	for f := range fset {
		p := strings.Split(f, ":")
		if !gapOn[f] && !gapOn[p[4]+"/"+p[3]] && !gapOn[p[4]+"/"] {
			audited[f] = true
		}
	}
	// A narrowed audit reads no front doors (API Gateway, load balancers,
	// CloudFront): verdicts of rules that need them are not this run's to
	// give, so the stored ones stand.
	doorRule := map[string]bool{}
	for _, rule := range h.rules {
		if slices.Contains(rule.Needs, audit.DataFrontDoors) {
			doorRule[rule.ID] = true
		}
	}
	covers := func(f *audit.Finding) bool { return audited[f.Resource] && !doorRule[f.Rule] }
	res.Functions = len(inv.Functions)

	var fresh []audit.Finding
	if prev != nil {
		d := report.DiffCovered(prev, r, covers)
		fresh = d.AtLeast(h.cfg.MinSeverity).New
	} else {
		for _, f := range r.Findings {
			if f.Status == audit.StatusFail && f.Severity.AtLeast(h.cfg.MinSeverity) {
				fresh = append(fresh, f)
			}
		}
	}
	res.New = len(fresh)
	newGap := prev == nil && len(r.Gaps) > 0 || prev != nil && newGaps(prev, r)

	if h.cfg.ReportBucket != "" && prev != nil {
		merged := mergeState(prev, r, covers, now)
		if uri, key, err := h.writeReport(ctx, merged, now); err != nil {
			notes = append(notes, err.Error())
		} else if err := h.saveBaseline(ctx, scope, key, now); err != nil {
			notes = append(notes, err.Error())
		} else {
			res.Report = uri
		}
	}

	switch {
	case len(fresh) == 0 && !newGap:
		res.Skipped = fmt.Sprintf("nothing new after %d changes to %d functions", len(changes), len(audited))
	default:
		msg, err := changeMessage(changes, fresh, r.Gaps, notes, prev == nil, len(audited))
		if err != nil {
			return nil, err
		}
		res.Subject, res.Bytes = msg.Subject, msg.Size()
		out, err := h.sns.Publish(ctx, &sns.PublishInput{
			TopicArn:         aws.String(h.cfg.TopicARN),
			Subject:          aws.String(msg.Subject),
			Message:          aws.String(msg.Message),
			MessageStructure: aws.String("json"),
		})
		if err != nil {
			return nil, fmt.Errorf("sns: publish to %s: %w", h.cfg.TopicARN, err)
		}
		res.MessageID = aws.ToString(out.MessageId)
	}
	log.InfoContext(ctx, "changes done", "changes", len(changes), "ignored", len(skipped)+len(outside),
		"functions", res.Functions, "new", res.New, "messageId", res.MessageID, "report", res.Report, "skipped", res.Skipped)
	return res, nil
}

// inScope keeps the changes inside the configured accounts and regions (IAM
// changes are global: their functions are looked for in the configured
// regions), resolves front doors to the functions the stored state puts
// behind them, and returns a line per change it dropped.
func (h *Handler) inScope(changes []change, s Scope, prev *audit.Report) ([]change, []string) {
	if !slices.Contains(s.Providers, audit.AWS) {
		return nil, []string{fmt.Sprintf("%d changes: aws is not in %s", len(changes), envProviders)}
	}
	var out []change
	var dropped []string
	for _, c := range changes {
		if len(s.Accounts) > 0 && !slices.Contains(s.Accounts, c.Account) {
			dropped = append(dropped, fmt.Sprintf("%s in account %s: outside %s", c.EventName, c.Account, envAccounts))
			continue
		}
		candidates := slices.Clone(c.Functions)
		if len(c.Doors) > 0 && prev != nil {
			for _, f := range prev.Findings {
				if f.FrontDoor == nil || f.Account != c.Account {
					continue
				}
				for _, door := range c.Doors {
					if strings.Contains(f.FrontDoor.ID, door) || strings.Contains(f.FrontDoor.Parent, door) {
						candidates = append(candidates, f.Resource)
					}
				}
			}
		}
		var fns []string
		for _, f := range candidates {
			p := strings.Split(f, ":")
			if len(p) == 7 && (len(s.Regions) == 0 || slices.Contains(s.Regions, p[3])) &&
				(len(s.Accounts) == 0 || slices.Contains(s.Accounts, p[4])) {
				fns = append(fns, f)
			}
		}
		c.Functions = dedupeSorted(fns)
		if len(c.Functions) == 0 && len(c.Identities) == 0 {
			dropped = append(dropped, fmt.Sprintf("%s in %s/%s: no function in scope that the change or the stored state names",
				c.EventName, c.Account, c.Region))
			continue
		}
		out = append(out, c)
	}
	return out, dropped
}

// mergeState is the new stored state: the previous report with the audited
// functions' findings and gaps replaced by this run's.
func mergeState(prev, cur *audit.Report, audited func(*audit.Finding) bool, now time.Time) *audit.Report {
	m := *prev
	m.GeneratedAt = now
	m.Findings = nil
	for i := range prev.Findings {
		if !audited(&prev.Findings[i]) {
			m.Findings = append(m.Findings, prev.Findings[i])
		}
	}
	m.Findings = append(m.Findings, cur.Findings...)
	sort.SliceStable(m.Findings, func(i, j int) bool { return m.Findings[i].ID < m.Findings[j].ID })
	m.Gaps = nil
	for _, g := range prev.Gaps {
		if g.Resource == "" || !audited(&audit.Finding{Resource: g.Resource}) {
			m.Gaps = append(m.Gaps, g)
		}
	}
	m.Gaps = append(m.Gaps, cur.Gaps...)
	audit.SortGaps(m.Gaps)
	m.Warnings = append(slices.Clone(prev.Warnings), fmt.Sprintf("updated at %s by a re-audit after changes", now.Format(time.RFC3339)))
	m.Summarize()
	return &m
}

// changeMessage is the mail of an event run: the changes, then only the new
// findings, worst first, then what could not be read.
func changeMessage(changes []change, fresh []audit.Finding, gaps []audit.Gap, notes []string, noBaseline bool, functions int) (message, error) {
	sort.SliceStable(fresh, func(i, j int) bool {
		if fresh[i].Severity != fresh[j].Severity {
			return !fresh[j].Severity.AtLeast(fresh[i].Severity)
		}
		return fresh[i].ID < fresh[j].ID
	})
	subject := fmt.Sprintf("fnaudit: %d new findings after changes", len(fresh))
	if len(fresh) == 1 {
		subject = fmt.Sprintf("fnaudit: new %s finding on %s", fresh[0].Severity, fresh[0].Function)
	} else if len(fresh) == 0 {
		subject = fmt.Sprintf("fnaudit: %d functions could not be re-audited after a change", functions)
	}
	subject = clipSubject(subject)

	render := func(limit int) (string, int) {
		var b bytes.Buffer
		fmt.Fprintf(&b, "A re-audit of %s after %s found %s.\n", plural(functions, "function"), plural(len(changes), "change"),
			plural(len(fresh), "new finding"))
		if noBaseline {
			b.WriteString("There is no stored state yet (no scheduled run has written one): every open finding of these functions is listed.\n")
		}
		b.WriteString("\nWhat changed:\n")
		for i, c := range changes {
			if i == maxChangeLines && len(changes) > maxChangeLines+1 {
				last := changes[len(changes)-1]
				fmt.Fprintf(&b, "- ... and %d more changes, the last at %s (%s by %s)\n", len(changes)-i,
					last.When.Format(time.RFC3339), last.EventName, last.Who)
				break
			}
			what := strings.Join(append(append([]string(nil), c.Functions...), c.Identities...), ", ")
			fmt.Fprintf(&b, "- %s %s by %s in %s/%s: %s\n", c.When.Format(time.RFC3339), c.EventName, c.Who, c.Account, c.Region, what)
		}
		shown := 0
		if len(fresh) > 0 {
			b.WriteString("\nNew findings:\n")
			for i := range fresh {
				if limit >= 0 && i >= limit {
					break
				}
				f := &fresh[i]
				fmt.Fprintf(&b, "\n%s: %s (%s)\n  %s (aws, account %s, %s)\n", strings.ToUpper(f.Severity.String()), f.Title, f.Rule, f.Function, f.Account, f.Region)
				if f.Detail != "" {
					fmt.Fprintf(&b, "  Why: %s\n", f.Detail)
				}
				if f.Remediation != "" {
					fmt.Fprintf(&b, "  Fix: %s\n", f.Remediation)
				}
				shown++
			}
			if shown < len(fresh) {
				fmt.Fprintf(&b, "\n... and %d more new findings; the full report in the report bucket lists them.\n", len(fresh)-shown)
			}
		}
		if len(gaps) > 0 {
			b.WriteString("\nNot re-audited:\n")
			for _, g := range gaps {
				fmt.Fprintf(&b, "- %s %s %s: %s (%s)\n", g.Account, g.Region, cmpOr(g.Resource, g.API), g.Message, g.Reason)
			}
		}
		for _, n := range notes {
			fmt.Fprintf(&b, "\nNote: %s\n", n)
		}
		return b.String(), shown
	}
	build := func(limit int) (message, error) {
		text, shown := render(limit)
		machine, err := json.Marshal(struct {
			Changes []change        `json:"changes"`
			New     []audit.Finding `json:"new"`
			Gaps    []audit.Gap     `json:"gaps,omitempty"`
		}{changes, fresh[:shown], gaps})
		if err != nil {
			return message{}, err
		}
		doc, err := json.Marshal(snsDocument{Default: text, SQS: string(machine), Lambda: string(machine), HTTPS: string(machine)})
		if err != nil {
			return message{}, err
		}
		return message{Subject: subject, Message: string(doc), Digest: text, Omitted: len(fresh) - shown}, nil
	}
	m, err := build(-1)
	for limit := len(fresh) / 2; err == nil && m.Size() > snsMaxBytes && limit >= 0; limit /= 2 {
		m, err = build(limit)
		if limit == 0 {
			break
		}
	}
	if err == nil && m.Size() > snsMaxBytes {
		return message{}, fmt.Errorf("sns: the change mail is %d bytes even without findings (%d changes)", m.Size(), len(changes))
	}
	return m, err
}

// maxChangeLines is how many changes a mail lists one by one; a deployment's
// burst is summed up after them.
const maxChangeLines = 10

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// clipSubject keeps a subject within SNS's 100 characters.
func clipSubject(s string) string {
	if len(s) <= 100 {
		return s
	}
	return s[:97] + "..."
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func dedupeSorted(in []string) []string {
	s := slices.Clone(in)
	slices.Sort(s)
	return slices.Compact(s)
}
