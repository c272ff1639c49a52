package policy

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The Lambda actions that invoke a function.
const (
	ActionInvokeFunction    = "lambda:InvokeFunction"
	ActionInvokeFunctionURL = "lambda:InvokeFunctionUrl"
)

// URLAuthExceptionEnds is when AWS's temporary exception for function URLs
// created before October 2025 ends. Since October 2025 a call to a function URL
// needs both lambda:InvokeFunctionUrl and lambda:InvokeFunction; accounts that
// already had function URLs kept the old behaviour (lambda:InvokeFunctionUrl
// alone suffices) until this date. From it on, a URL whose policy grants only
// one of the two answers 403.
var URLAuthExceptionEnds = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// InvokeContext describes the function (or alias) whose resource policy is judged.
type InvokeContext struct {
	// Account is the function's AWS account id.
	Account string
	// OrgID is the function account's organization id (o-...), when known.
	OrgID string
	// FunctionARN is the unqualified function ARN; Deny statements count only
	// when their Resource covers it (or the qualified ARN). Empty: any resource.
	FunctionARN string
	// Qualifier is the alias or version the policy belongs to, if any.
	Qualifier string
	// URLAuthType is the AuthType (NONE or AWS_IAM) of the function URL of
	// this qualifier; empty when it has no URL.
	URLAuthType string
	// Now is the audit's clock (aws:CurrentTime conditions, the URL exception
	// date). Zero means time.Now().
	Now time.Time
	// Trusted reports whether an account id is trusted; nil trusts none.
	Trusted func(account string) bool
	// InOrg reports whether an account id is known to belong to OrgID; nil
	// knows none.
	InOrg func(account string) bool
}

// Path is the way a caller invokes the function.
type Path string

// Invocation paths.
const (
	// PathInvoke is the Lambda Invoke API (SigV4-signed), used by AWS
	// principals and by AWS services acting for a resource.
	PathInvoke Path = "invoke"
	// PathURL is the function URL of the policy's qualifier.
	PathURL Path = "url"
)

// ExposureKind classifies who outside the function's account can invoke it.
type ExposureKind string

// Exposure kinds, from widest to narrowest.
const (
	// ExposurePublic: anyone on the internet, without credentials, through a
	// function URL with AuthType NONE.
	ExposurePublic ExposureKind = "public"
	// ExposureAnyAccount: any AWS account, by signing a request or through an
	// AWS service acting for its resources.
	ExposureAnyAccount ExposureKind = "any-account"
	// ExposureConfusedDeputy: an AWS service principal without a source pin,
	// so any account's bucket, topic, rule or API can invoke the function.
	ExposureConfusedDeputy ExposureKind = "confused-deputy"
	// ExposureCrossAccount: a named account, principal or organization
	// outside the function's account (and organization, when known).
	ExposureCrossAccount ExposureKind = "cross-account"
	// ExposureOwnerNotPinned: the source resource is pinned by an ARN that
	// names no account (an S3 bucket) and no condition pins its owner: if the
	// bucket is deleted, another account can create one of that name.
	ExposureOwnerNotPinned ExposureKind = "owner-not-pinned"
	// ExposureMatchesNothing: a statement grants nothing as written because
	// an exact-match operator compares a wildcard literally (StringEquals
	// aws:SourceAccount "*"), but with the pattern operator (StringLike) it
	// would open the function to everyone or to any account's resources.
	// Not an exposure today; a statement one word away from one.
	ExposureMatchesNothing ExposureKind = "matches-nothing"
)

// Exposure is one way in for callers outside the function's account, with the
// statements that grant it.
type Exposure struct {
	Kind ExposureKind
	Path Path
	// Principal is the granted principal as written: "*", an account id or
	// ARN, a service principal.
	Principal string
	// Account is the outside account or organization id the grant is pinned
	// to, when known.
	Account string
	// Statements are the indexes of the Allow statements that grant the access.
	Statements []int
	// Reason explains the exposure in one or two sentences.
	Reason string
	// Missing, for a URL exposure, names the permission that anonymous (or
	// any-account) callers lack, so the URL answers 403 today; empty when the
	// URL is callable.
	Missing string
	// ThroughService is true when only AWS services acting for some
	// account's resource (a bucket, topic, rule or API the caller sets up)
	// can use the grant, not a caller signing an Invoke request directly.
	ThroughService bool
	// Buckets, for an ExposureOwnerNotPinned, are the S3 bucket names the
	// source ARNs name (whose owner the policy does not say).
	Buckets []string
}

// StatementVerdict is what one statement contributes to the verdict.
type StatementVerdict struct {
	Index  int
	Sid    string
	Effect string
	// Actions are the invoke actions the statement covers.
	Actions []string
	// Reasons say how the statement was judged, one sentence each.
	Reasons []string
}

// InvokeVerdict is the verdict on a Lambda resource policy: what each
// statement does and every exposure outside the function's account.
type InvokeVerdict struct {
	Statements []StatementVerdict
	Exposures  []Exposure
}

// Public reports whether anyone, or any AWS account, can invoke the function
// (a URL exposure counts only when the URL is callable).
func (v *InvokeVerdict) Public() bool {
	for _, x := range v.Exposures {
		if (x.Kind == ExposurePublic || x.Kind == ExposureAnyAccount) && x.Missing == "" {
			return true
		}
	}
	return false
}

// caller classes: who is calling, and which request keys AWS sets for them.
type class int

const (
	classAPI     class = iota // an AWS principal of any account calling Invoke
	classURLAnon              // an anonymous caller of a NONE function URL
	classURLIAM               // an AWS principal calling an AWS_IAM function URL
	classService              // an AWS service acting for some account's resource
)

type presence int

const (
	absent   presence = iota // AWS never sets the key for this caller
	optional                 // the caller decides whether the key is present
	always                   // AWS always sets the key for this caller
)

// presenceOf says whether a pinning or network key is in the request context
// for the class. Principal keys exist only for signed requests; source keys
// only when a service acts for a resource.
func presenceOf(key string, cl class) presence {
	signed := cl == classAPI || cl == classURLIAM
	switch key {
	case "aws:principalarn", "aws:principalaccount", "aws:userid":
		if signed {
			return always
		}
	case "aws:principalorgid", "aws:principalorgpaths", "aws:username", "aws:sourcevpce",
		"aws:sourcevpc", "aws:vpcsourceip":
		if signed {
			return optional
		}
	case "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths":
		if cl == classService {
			return optional
		}
	case "lambda:eventsourcetoken":
		if cl == classAPI || cl == classService {
			return optional
		}
	case "aws:sourceip":
		return always
	}
	return absent
}

type result int

const (
	resOpen  result = iota // a caller of the class can satisfy it
	resPin                 // only a specific identity can
	resNever               // no caller of the class can
)

// outcome is the judgement of a condition or statement for one caller class.
type outcome struct {
	res      result
	reasons  []string
	own      bool     // a pin admits only the function's own account or organization
	accounts []string // outside accounts named by pins
	orgs     []string // outside organizations named by pins
	unknown  bool     // a pin names no owner (VPC endpoint, user id, network, token)
	bucket   bool     // a pin is a source ARN without an account (S3 bucket)
	buckets  []string // the bucket names of such pins
	// uncertain: an open result that depends on a request value (a policy
	// variable), so a Deny with it does not surely hold.
	uncertain bool
	// literal: the result is resNever because an exact-match operator
	// compares a wildcard literally.
	literal bool
}

type evaluator struct {
	doc *Document
	ctx InvokeContext
	now time.Time
	sv  []StatementVerdict
	// denyStmts are the indexes of the Deny statements; denies the Deny
	// indexes built so far (see denyIndexFor).
	denyStmts []int
	denies    map[denyKey]*denyIndex
	// restricts are the Denies with a negated condition over a list, per
	// caller class and action (see restrict.go).
	restricts map[restrictKey]*restrictions
	// likeLiterals judges exact-match operators as StringLike, to tell what
	// a statement that matches nothing as written would grant.
	likeLiterals bool
	// named holds, per named outside principal, what it may use of an
	// AWS_IAM function URL (see namedURLs), in order of first appearance.
	named      map[string]*namedGrant
	namedOrder []string
}

// InvokeAccess judges a Lambda resource-based policy: for every way in (the
// Invoke API and the qualifier's function URL), who outside the function's
// account can invoke it, with the statements and reasons. It never fails: a
// nil document grants nothing.
//
// Allow statements are judged per caller class (an AWS principal calling
// Invoke, an AWS service acting for a resource, an anonymous or signed URL
// caller). A condition pins the caller only when it compares a key callers
// cannot forge (see PinningKey) with a concrete value (see ConcreteValue) using
// a positive operator; negated operators, ForAllValues (true when the key is
// absent), wildcard values and 0.0.0.0/0 pin nothing. IfExists pins only when
// AWS always sets the key for that caller class (aws:PrincipalArn,
// aws:PrincipalAccount and aws:userid for signed requests); otherwise the
// caller simply omits the key. A Deny statement removes a grant only when it
// covers the caller, the action and the resource and every one of its
// conditions surely holds for that caller, so an uncertain Deny never hides an
// exposure. A Deny for everyone whose only doubtful condition is a negated
// comparison over a list (StringNotEquals aws:PrincipalAccount [own,
// partner]) is a fence: it spares only callers whose key matches a value,
// and denies callers without the key (see restrict.go). Exact-match
// operators compare * and ? literally, so StringEquals aws:SourceAccount "*"
// matches nothing; such a statement is reported as ExposureMatchesNothing
// when StringLike would open it. Grants to named principals of
// lambda:InvokeFunctionUrl count only on an AWS_IAM URL, where a caller
// needs it and lambda:InvokeFunction (see named_url.go); a grant of one of
// the two is a half grant (Exposure.Missing).
//
// In a policy of Version 2012-10-17, policy variables in condition values are
// judged by what they resolve to at request time (see variables.go):
// aws:ResourceAccount and aws:ResourceOrgID are the function's own account
// and organization; any other key is the request's, so a variable of it pins
// nothing (aws:PrincipalAccount equal to "${aws:PrincipalAccount}" admits
// every account). In older documents the text is literal. The IgnoreCase
// operators compare the own account and organization without case.
func InvokeAccess(doc *Document, ctx InvokeContext) *InvokeVerdict {
	v := &InvokeVerdict{}
	if doc == nil {
		return v
	}
	e := &evaluator{doc: doc, ctx: ctx, now: ctx.Now}
	if e.now.IsZero() {
		e.now = time.Now()
	}
	e.sv = make([]StatementVerdict, len(doc.Statements))
	for i := range doc.Statements {
		st := &doc.Statements[i]
		sv := &e.sv[i]
		sv.Index, sv.Sid, sv.Effect = st.Index, st.Sid, st.Effect
		for _, a := range []string{ActionInvokeFunction, ActionInvokeFunctionURL} {
			if st.MatchesAction(a) {
				sv.Actions = append(sv.Actions, a)
			}
		}
		if len(sv.Actions) == 0 {
			sv.Reasons = append(sv.Reasons, "does not cover lambda:InvokeFunction or lambda:InvokeFunctionUrl")
		}
	}
	var out []Exposure
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.Effect != EffectAllow || len(e.sv[i].Actions) == 0 {
			continue
		}
		out = append(out, e.allowStatement(st)...)
	}
	out = append(out, e.url()...)
	out = append(out, e.namedURLs()...)
	v.Exposures = mergeExposures(out)
	v.Statements = e.sv
	return v
}

func (e *evaluator) note(i int, format string, args ...any) {
	e.sv[i].Reasons = append(e.sv[i].Reasons, fmt.Sprintf(format, args...))
}

// anyone reports whether the statement's principal admits every caller: "*",
// {"AWS":"*"}, a principal with a wildcard account, or an Allow with
// NotPrincipal (everyone but the listed principals).
func anyone(st *Statement) bool {
	if st.NotPrincipal != nil {
		return true
	}
	p := st.Principal
	if p == nil {
		return false
	}
	if p.Anyone() {
		return true
	}
	for _, a := range p.AWS {
		if hasWildcard(a) {
			return true
		}
	}
	for _, s := range p.Service {
		if onlyWildcards(s) {
			return true
		}
	}
	return false
}

func principalLabel(st *Statement) string {
	if st.NotPrincipal != nil {
		return "NotPrincipal"
	}
	return "*"
}

// allowStatement finds the Invoke-API exposures an Allow statement grants.
func (e *evaluator) allowStatement(st *Statement) []Exposure {
	var out []Exposure
	i := st.Index
	if !st.MatchesAction(ActionInvokeFunction) {
		// An InvokeFunctionUrl-only grant: judged with the URL, and for
		// named principals below.
		if anyone(st) {
			e.note(i, "grants only lambda:InvokeFunctionUrl to everyone; judged with the function URL")
		}
	}
	if anyone(st) && st.MatchesAction(ActionInvokeFunction) {
		for _, cl := range []class{classAPI, classService} {
			o := e.restricted(e.statement(st, cl, ActionInvokeFunction), cl, ActionInvokeFunction)
			who := "any AWS principal calling Invoke"
			if cl == classService {
				who = "an AWS service acting for any account's resource"
			}
			switch o.res {
			case resNever:
				e.note(i, "no %s matches: %s", who, strings.Join(o.reasons, "; "))
				out = append(out, e.matchesNothing(st, o, principalLabel(st), cl, who)...)
			case resOpen:
				if d := e.denied(cl, ActionInvokeFunction, party{}); d >= 0 {
					e.note(i, "%s could invoke, but Statement[%d] denies it", who, d)
					continue
				}
				reason := fmt.Sprintf("Principal %q allows lambda:InvokeFunction for %s", principalLabel(st), who)
				if len(o.reasons) > 0 {
					reason += "; " + strings.Join(o.reasons, "; ")
				} else {
					reason += "; no condition pins the caller"
				}
				e.note(i, "%s", reason)
				out = append(out, Exposure{Kind: ExposureAnyAccount, Path: PathInvoke, Principal: principalLabel(st),
					Statements: []int{i}, Reason: reason, ThroughService: cl == classService})
			case resPin:
				out = append(out, e.pinned(st, o, principalLabel(st), cl, PathInvoke)...)
			}
		}
	}
	if st.Principal == nil {
		return out
	}
	actions := e.sv[i].Actions
	for _, p := range st.Principal.AWS {
		if hasWildcard(p) {
			continue
		}
		acct := PrincipalAccount(p)
		if acct == "" {
			e.note(i, "principal %q names no account; not judged", p)
			continue
		}
		if acct == e.ctx.Account {
			e.note(i, "principal %s is in the function's account", p)
			continue
		}
		if e.inOrg(acct) {
			e.note(i, "principal %s is in the function's organization %s", p, e.ctx.OrgID)
			continue
		}
		if e.trusted(acct) {
			e.note(i, "principal %s is in trusted account %s", p, acct)
			continue
		}
		who := party{principal: p, account: acct}
		// usable reports whether the statement lets the principal use the
		// action as a caller of the class.
		usable := func(cl class, a string) bool {
			if !st.MatchesAction(a) {
				return false
			}
			o := e.statement(st, cl, a)
			switch {
			case o.res == resNever:
				return false
			case o.res == resPin && o.own:
				e.note(i, "principal %s is pinned to the function's organization by a condition", p)
				return false
			}
			if d := e.denied(cl, a, who); d >= 0 {
				e.note(i, "principal %s is denied %s by Statement[%d]", p, a, d)
				return false
			}
			return true
		}
		if usable(classAPI, ActionInvokeFunction) {
			reason := e.crossAccountWho(p, acct) + " may invoke the function (" + strings.Join(actions, ", ") + ")"
			e.note(i, "%s", reason)
			out = append(out, Exposure{Kind: ExposureCrossAccount, Path: PathInvoke, Principal: p, Account: acct,
				Statements: []int{i}, Reason: reason})
			e.namedURLFor(p, acct).api = true
		}
		switch strings.ToUpper(e.ctx.URLAuthType) {
		case "AWS_IAM":
			// A signed URL call needs lambda:InvokeFunctionUrl and, since
			// October 2025, lambda:InvokeFunction through the URL; the two
			// may come from different statements (see namedURLs).
			g := e.namedURLFor(p, acct)
			if usable(classURLIAM, ActionInvokeFunctionURL) {
				g.url = append(g.url, i)
			}
			if usable(classURLIAM, ActionInvokeFunction) {
				g.inv = append(g.inv, i)
			}
		case "NONE":
			if st.MatchesAction(ActionInvokeFunctionURL) {
				e.note(i, "principal %s is granted lambda:InvokeFunctionUrl, but the function URL has AuthType NONE: its callers are anonymous, so a grant to a named principal is never used through it", p)
			}
		default:
			if st.MatchesAction(ActionInvokeFunctionURL) && !st.MatchesAction(ActionInvokeFunction) {
				e.note(i, "principal %s is granted lambda:InvokeFunctionUrl, but %s has no function URL", p, qualifierText(e.ctx.Qualifier))
			}
		}
	}
	for _, s := range st.Principal.Service {
		if onlyWildcards(s) || !st.MatchesAction(ActionInvokeFunction) {
			continue
		}
		o := e.restricted(e.statement(st, classService, ActionInvokeFunction), classService, ActionInvokeFunction)
		switch o.res {
		case resNever:
			e.note(i, "service %s cannot match: %s", s, strings.Join(o.reasons, "; "))
			out = append(out, e.matchesNothing(st, o, s, classService, "a resource of "+s+" in any account")...)
		case resOpen:
			if d := e.denied(classService, ActionInvokeFunction, party{service: s}); d >= 0 {
				e.note(i, "service %s is denied by Statement[%d]", s, d)
				continue
			}
			reason := fmt.Sprintf("service principal %s may invoke the function with no aws:SourceArn or aws:SourceAccount pin: a resource of that service in any account can trigger it (confused deputy)", s)
			if len(o.reasons) > 0 {
				reason += "; " + strings.Join(o.reasons, "; ")
			}
			e.note(i, "%s", reason)
			out = append(out, Exposure{Kind: ExposureConfusedDeputy, Path: PathInvoke, Principal: s,
				Statements: []int{i}, Reason: reason})
		case resPin:
			out = append(out, e.pinned(st, o, s, classService, PathInvoke)...)
		}
	}
	return out
}

// matchesNothing reports a statement that grants nothing only because an
// exact-match operator compares a wildcard literally, when the same
// statement with the pattern operator would be open to the caller class.
func (e *evaluator) matchesNothing(st *Statement, o outcome, principal string, cl class, who string) []Exposure {
	if !o.literal {
		return nil
	}
	e.restrictionsFor(cl, ActionInvokeFunction) // built with literal comparison
	e.likeLiterals = true
	like := e.restricted(e.statement(st, cl, ActionInvokeFunction), cl, ActionInvokeFunction)
	e.likeLiterals = false
	if like.res != resOpen {
		return nil
	}
	reason := fmt.Sprintf("%s matches nothing as written (%s); with StringLike instead of StringEquals it would let %s invoke the function",
		principalText(principal), strings.Join(o.reasons, "; "), who)
	e.note(st.Index, "%s", reason)
	return []Exposure{{Kind: ExposureMatchesNothing, Path: PathInvoke, Principal: principal,
		Statements: []int{st.Index}, Reason: reason, ThroughService: cl == classService}}
}

// pinned turns a pinned grant into an exposure when the pin names an identity
// outside the function's account and organization.
func (e *evaluator) pinned(st *Statement, o outcome, principal string, cl class, path Path) []Exposure {
	i := st.Index
	pins := strings.Join(o.reasons, "; ")
	if o.own {
		e.note(i, "pinned to the function's own account or organization: %s", pins)
		return nil
	}
	var untrusted []string
	for _, a := range o.accounts {
		if !e.trusted(a) {
			untrusted = append(untrusted, a)
		}
	}
	if len(o.accounts) > 0 && len(untrusted) == 0 && len(o.orgs) == 0 {
		e.note(i, "pinned to trusted accounts: %s", pins)
		return nil
	}
	who := party{service: principal}
	if principal == "*" || principal == "NotPrincipal" {
		who = party{}
	}
	if d := e.denied(cl, ActionInvokeFunction, who); d >= 0 {
		e.note(i, "pinned grant (%s) denied by Statement[%d]", pins, d)
		return nil
	}
	if len(untrusted) > 0 {
		a := untrusted[0]
		reason := fmt.Sprintf("%s may invoke the function for account %s, outside the function's account: %s", principalText(principal), strings.Join(untrusted, ", "), pins)
		e.note(i, "%s", reason)
		return []Exposure{{Kind: ExposureCrossAccount, Path: path, Principal: principal, Account: a,
			Statements: []int{i}, Reason: reason}}
	}
	for _, org := range o.orgs {
		reason := fmt.Sprintf("%s may invoke the function from organization %s, not the function's organization: %s", principalText(principal), org, pins)
		e.note(i, "%s", reason)
		return []Exposure{{Kind: ExposureCrossAccount, Path: path, Principal: principal, Account: org,
			Statements: []int{i}, Reason: reason}}
	}
	if o.bucket && !o.unknown {
		reason := fmt.Sprintf("%s is pinned to a source ARN that names no account (%s) and no aws:SourceAccount pins its owner: if the bucket is deleted, another account can create one with that name and invoke the function", principalText(principal), pins)
		e.note(i, "%s", reason)
		return []Exposure{{Kind: ExposureOwnerNotPinned, Path: path, Principal: principal,
			Statements: []int{i}, Reason: reason, Buckets: o.buckets}}
	}
	e.note(i, "pinned: %s", pins)
	return nil
}

func principalText(p string) string {
	switch p {
	case "*":
		return `Principal "*"`
	case "NotPrincipal":
		return "an Allow with NotPrincipal"
	}
	return "principal " + p
}

func (e *evaluator) trusted(a string) bool { return e.ctx.Trusted != nil && e.ctx.Trusted(a) }
func (e *evaluator) inOrg(a string) bool {
	return e.ctx.OrgID != "" && e.ctx.InOrg != nil && e.ctx.InOrg(a)
}

// url judges the function URL of the policy's qualifier.
func (e *evaluator) url() []Exposure {
	var cl class
	switch strings.ToUpper(e.ctx.URLAuthType) {
	case "NONE":
		cl = classURLAnon
	case "AWS_IAM":
		cl = classURLIAM
	default:
		return nil
	}
	denied := map[string]bool{}
	grants := func(action string) (idx []int, apiToo bool) {
		apiToo = true
		for i := range e.doc.Statements {
			st := &e.doc.Statements[i]
			if st.Effect != EffectAllow || !anyone(st) || !st.MatchesAction(action) {
				continue
			}
			o := e.restricted(e.statement(st, cl, action), cl, action)
			if o.res != resOpen {
				continue
			}
			if d := e.denied(cl, action, party{}); d >= 0 {
				e.note(i, "URL callers could use %s, but Statement[%d] denies it", action, d)
				denied[action] = true
				continue
			}
			idx = append(idx, i)
			if action == ActionInvokeFunction && e.statement(st, classAPI, action).res != resOpen {
				apiToo = false
			}
		}
		return idx, apiToo
	}
	urlIdx, _ := grants(ActionInvokeFunctionURL)
	invIdx, invAPI := grants(ActionInvokeFunction)
	if len(urlIdx) == 0 && (len(invIdx) == 0 || invAPI) {
		return nil
	}
	if len(urlIdx) == 0 || len(invIdx) == 0 {
		// One of the two permissions is missing, so the URL answers 403:
		// a half grant, reported on either kind of URL, but not when a
		// Deny removes the other permission on purpose.
		if denied[ActionInvokeFunction] || denied[ActionInvokeFunctionURL] {
			return nil
		}
	}
	kind, who := ExposurePublic, "anyone on the internet without credentials"
	if cl == classURLIAM {
		kind, who = ExposureAnyAccount, "any AWS account with a signed request"
	}
	x := Exposure{Kind: kind, Path: PathURL, Principal: "*", Statements: append(append([]int{}, urlIdx...), invIdx...)}
	sort.Ints(x.Statements)
	x.Statements = dedupeInts(x.Statements)
	auth := fmt.Sprintf("the function URL has AuthType %s", strings.ToUpper(e.ctx.URLAuthType))
	switch {
	case len(urlIdx) > 0 && len(invIdx) > 0:
		x.Reason = fmt.Sprintf("%s and the policy lets everyone call lambda:InvokeFunctionUrl (%s) and lambda:InvokeFunction (%s): %s can call it",
			auth, stmtList(urlIdx), stmtList(invIdx), who)
	case len(urlIdx) > 0:
		x.Missing = ActionInvokeFunction
		x.Reason = fmt.Sprintf("%s and the policy lets everyone call lambda:InvokeFunctionUrl (%s) but not lambda:InvokeFunction: since October 2025 such a URL answers 403, except in accounts that keep AWS's temporary exception for URLs created earlier (until %s); granting lambda:InvokeFunction to everyone would open it to %s",
			auth, stmtList(urlIdx), URLAuthExceptionEnds.Format("2 January 2006"), who)
	default:
		x.Missing = ActionInvokeFunctionURL
		x.Reason = fmt.Sprintf("%s and the policy lets everyone call lambda:InvokeFunction through the URL (%s) but not lambda:InvokeFunctionUrl: the URL answers 403; granting lambda:InvokeFunctionUrl to everyone would open it to %s",
			auth, stmtList(invIdx), who)
	}
	for _, i := range x.Statements {
		e.note(i, "%s", x.Reason)
	}
	return []Exposure{x}
}

// maxListed is how many statements a reason names before it counts the rest:
// the reason is noted on every statement it lists, so naming them all would
// grow quadratically with the document.
const maxListed = 20

func stmtList(idx []int) string {
	n := min(len(idx), maxListed)
	parts := make([]string, n)
	for k, i := range idx[:n] {
		parts[k] = "Statement[" + strconv.Itoa(i) + "]"
	}
	s := strings.Join(parts, ", ")
	if len(idx) > n {
		s += fmt.Sprintf(" and %d more", len(idx)-n)
	}
	return s
}

func dedupeInts(s []int) []int {
	out := s[:0]
	for k, v := range s {
		if k == 0 || v != s[k-1] {
			out = append(out, v)
		}
	}
	return out
}

// statement judges all of a statement's conditions for a caller class and action.
func (e *evaluator) statement(st *Statement, cl class, action string) outcome {
	var o outcome
	var pins []outcome
	for k := range st.Conditions {
		c := e.condition(&st.Conditions[k], cl, action)
		switch c.res {
		case resNever:
			return outcome{res: resNever, reasons: c.reasons, literal: c.literal}
		case resPin:
			pins = append(pins, c)
		default:
			o.reasons = append(o.reasons, c.reasons...)
		}
	}
	if len(pins) == 0 {
		o.res = resOpen
		return o
	}
	p := outcome{res: resPin}
	for _, c := range pins {
		p.own = p.own || c.own
		p.reasons = append(p.reasons, c.reasons...)
		p.accounts = append(p.accounts, c.accounts...)
		p.orgs = append(p.orgs, c.orgs...)
		p.unknown = p.unknown || c.unknown
		p.bucket = p.bucket || c.bucket
		p.buckets = append(p.buckets, c.buckets...)
	}
	if p.own || len(p.accounts) > 0 || len(p.orgs) > 0 {
		// A pin that names the owner supersedes an ownerless bucket ARN.
		p.bucket, p.buckets = false, nil
	}
	return p
}

// condition judges one condition for a caller class and action.
func (e *evaluator) condition(c *Condition, cl class, action string) outcome {
	key := c.lowerKey()
	d := func() string { return c.Operator + " " + c.Key + " " + quoteValues(c.Values) }
	known := func(present bool, actual ...string) outcome {
		holds, certain := e.evalKnown(c, key, cl, present, actual)
		switch {
		case !certain:
			return outcome{res: resOpen, uncertain: true, reasons: []string{d() + " depends on a policy variable of the request"}}
		case holds:
			return outcome{res: resOpen}
		}
		return outcome{res: resNever, reasons: []string{d() + " does not hold"}}
	}
	switch key {
	case "lambda:functionurlauthtype":
		if action == ActionInvokeFunctionURL && (cl == classURLAnon || cl == classURLIAM) {
			return known(true, strings.ToUpper(e.ctx.URLAuthType))
		}
		return known(false)
	case "lambda:invokedviafunctionurl":
		if action != ActionInvokeFunction {
			return known(false)
		}
		if cl == classURLAnon || cl == classURLIAM {
			return known(true, "true")
		}
		return known(true, "false")
	case "aws:currenttime":
		if c.Op.Family() == FamilyDate {
			return known(true, e.now.UTC().Format(time.RFC3339))
		}
	case "aws:epochtime":
		if c.Op.Family() == FamilyDate || c.Op.Family() == FamilyNumeric {
			return known(true, strconv.FormatInt(e.now.Unix(), 10))
		}
	}
	if ipKeys[key] {
		if c.Op == IPAddress && c.Set != ForAllValues && allValues(c.Values, narrowRange) {
			if c.IfExists && presenceOf(key, cl) != always {
				return outcome{res: resOpen, reasons: []string{d() + ": IfExists lets a caller without the key through"}}
			}
			return outcome{res: resPin, unknown: true, reasons: []string{d()}}
		}
		if c.Op == IPAddress {
			return outcome{res: resOpen, reasons: []string{d() + " covers (nearly) every address and pins nothing"}}
		}
		return outcome{res: resOpen}
	}
	if !pinningKeys[key] {
		return outcome{res: resOpen}
	}
	pres := presenceOf(key, cl)
	if c.Op == Null {
		wantAbsent := len(c.Values) > 0 && strings.EqualFold(c.Values[0], "true")
		if (wantAbsent && pres == always) || (!wantAbsent && pres == absent) {
			return outcome{res: resNever, reasons: []string{d() + " does not hold for this caller"}}
		}
		return outcome{res: resOpen, reasons: []string{d() + " checks only presence and pins nothing"}}
	}
	var buf [4]resolved
	vals := e.resolveValues(buf[:0], c, key, cl)
	if c.Op.Negated() {
		if pres == always && c.Set != ForAllValues && allResolved(vals, func(r resolved) bool { return r.self }) {
			// The key differs from itself for no caller.
			return outcome{res: resNever, reasons: []string{d() + " never holds: a policy variable of the same key equals the request's own value"}}
		}
		return outcome{res: resOpen, reasons: []string{d() + ": a negated operator does not pin the caller"}}
	}
	if f := c.Op.Family(); f != FamilyString && f != FamilyArn {
		return outcome{res: resOpen}
	}
	if c.Set == ForAllValues && pres != always {
		return outcome{res: resOpen, reasons: []string{d() + ": ForAllValues holds when the key is absent"}}
	}
	if c.IfExists && pres != always {
		return outcome{res: resOpen, reasons: []string{d() + ": IfExists lets a caller that does not send the key through"}}
	}
	if pres == absent {
		return outcome{res: resNever, reasons: []string{d() + ": the key is absent for this caller"}}
	}
	// A value whose variable has no value for this caller matches nothing,
	// and so does a wildcard under an exact-match operator (StringEquals
	// compares "*" literally, and no account, organization or ARN holds a *
	// or ?); the others are alternatives.
	exact := (c.Op == StringEquals || c.Op == StringEqualsIgnoreCase) && !e.likeLiterals
	live := vals[:0] // filtered in place
	dependent, literal := false, false
	for _, r := range vals {
		if r.null {
			continue
		}
		if exact && !r.dependent && hasWildcard(r.text) {
			literal = true
			continue
		}
		live = append(live, r)
		dependent = dependent || r.dependent
	}
	if len(live) == 0 && literal {
		return outcome{res: resNever, literal: true, reasons: []string{d() + ": " + string(c.Op) +
			" compares * and ? literally, and no request carries such a value; the statement matches nothing as written"}}
	}
	if len(live) == 0 {
		return outcome{res: resNever, reasons: []string{d() + ": its policy variables have no value for this caller"}}
	}
	concrete := allResolved(live, func(r resolved) bool { return ConcreteValue(key, r.text) })
	if !concrete {
		if dependent {
			return outcome{res: resOpen, reasons: []string{fmt.Sprintf("%s %s is resolved from the request itself and pins nothing", c.Key, quoteValues(c.Values))}}
		}
		return outcome{res: resOpen, reasons: []string{fmt.Sprintf("%s %s is a wildcard and pins nothing", c.Key, quoteValues(c.Values))}}
	}
	o := outcome{res: resPin, reasons: []string{fmt.Sprintf("%s %s", c.Key, quoteValues(c.Values))}}
	// The values are alternatives: the pin is the function's own only when
	// every value is.
	o.own = true
	fold := c.Op.ignoresCase()
	for _, r := range live {
		a, org := pinOwner(key, r.text)
		a, org = unescape(a), unescape(org)
		switch {
		case a != "" && e.ownAccount(a, fold):
		case org != "" && e.ownOrg(org, fold):
		case a != "":
			o.own = false
			o.accounts = append(o.accounts, a)
		case org != "":
			o.own = false
			o.orgs = append(o.orgs, org)
		case key == "aws:sourcearn" || key == "aws:principalarn":
			o.own = false
			o.bucket = true
			if b := S3BucketName(unescape(r.text)); b != "" {
				o.buckets = append(o.buckets, b)
			}
		default:
			o.own = false
			o.unknown = true
		}
	}
	return o
}

func allResolved(vs []resolved, f func(resolved) bool) bool {
	for _, v := range vs {
		if !f(v) {
			return false
		}
	}
	return len(vs) > 0
}

func allValues(vs []string, f func(string) bool) bool {
	for _, v := range vs {
		if !f(v) {
			return false
		}
	}
	return len(vs) > 0
}

func quoteValues(vs []string) string {
	if len(vs) == 1 {
		return strconv.Quote(vs[0])
	}
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// evalKnown evaluates a condition whose key has a known value (or is
// absent). certain is false when the answer depends on a policy variable
// whose value the request decides.
func (e *evaluator) evalKnown(c *Condition, key string, cl class, present bool, actual []string) (holds, certain bool) {
	if c.Op == Null {
		want := len(c.Values) > 0 && strings.EqualFold(c.Values[0], "true")
		return want == !present, true
	}
	if !present {
		// IfExists: an absent key holds. ForAnyValue over no values is
		// false, ForAllValues true; a negated operator holds.
		switch {
		case c.IfExists:
			return true, true
		case c.Set == ForAnyValue:
			return false, true
		}
		return c.Op.Negated() || c.Set == ForAllValues, true
	}
	matched, unsure := false, false
	var buf [4]resolved
	for _, r := range e.resolveValues(buf[:0], c, key, cl) {
		for _, a := range actual {
			switch {
			case r.self:
				// The variable is the key itself: it equals the request's value.
				matched = matched || compare(c.Op, a, a)
			case r.null:
			case r.dependent:
				unsure = true
			default:
				matched = matched || compare(c.Op, r.text, a)
			}
		}
	}
	if !matched && unsure {
		return false, false
	}
	if c.Op.Negated() {
		return !matched, true
	}
	return matched, true
}

// compare applies a positive form of op to a policy value and a request value.
func compare(op Operator, policyValue, actual string) bool {
	switch op {
	case StringEquals, StringNotEquals:
		return policyValue == actual
	case StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, Bool:
		return strings.EqualFold(policyValue, actual)
	case StringLike, StringNotLike, ArnEquals, ArnLike, ArnNotEquals, ArnNotLike:
		return MatchPatternCase(policyValue, actual)
	case BinaryEquals:
		return policyValue == actual
	case IPAddress, NotIPAddress:
		return ipContains(policyValue, actual)
	}
	switch op.Family() {
	case FamilyNumeric:
		p, err1 := strconv.ParseFloat(policyValue, 64)
		a, err2 := strconv.ParseFloat(actual, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		return cmpOrdered(op, p, a)
	case FamilyDate:
		p, ok1 := ParseDate(policyValue)
		a, ok2 := ParseDate(actual)
		if !ok1 || !ok2 {
			return false
		}
		return cmpOrdered(op, float64(p.Unix()), float64(a.Unix()))
	}
	return false
}

// cmpOrdered compares the request value a with the policy value p.
func cmpOrdered(op Operator, p, a float64) bool {
	s := string(op)
	switch {
	case strings.HasSuffix(s, "NotEquals"):
		return a == p // negated by the caller
	case strings.HasSuffix(s, "LessThanEquals"):
		return a <= p
	case strings.HasSuffix(s, "LessThan"):
		return a < p
	case strings.HasSuffix(s, "GreaterThanEquals"):
		return a >= p
	case strings.HasSuffix(s, "GreaterThan"):
		return a > p
	}
	return a == p
}

// party is the caller a Deny is checked against: an anonymous outsider (all
// empty), a named AWS principal, or a service principal.
type party struct {
	principal string
	account   string
	service   string
}

// denied returns the index of the first Deny statement that surely removes
// the action for the caller, or -1.
func (e *evaluator) denied(cl class, action string, who party) int {
	if !e.hasDenies() {
		return -1
	}
	own := who.account != "" && (who.account == e.ctx.Account || e.inOrg(who.account))
	d := e.denyIndexFor(denyKey{cl, action, own}).first(who)
	if r := e.restrictedParty(cl, action, who); r >= 0 && (d < 0 || r < d) {
		d = r
	}
	return d
}

// loadDenies lists (once) the indexes of the Deny statements.
func (e *evaluator) loadDenies() {
	if e.denyStmts == nil {
		e.denyStmts = []int{}
		for i := range e.doc.Statements {
			if e.doc.Statements[i].Effect == EffectDeny {
				e.denyStmts = append(e.denyStmts, i)
			}
		}
	}
}

func (e *evaluator) hasDenies() bool {
	e.loadDenies()
	return len(e.denyStmts) > 0
}

func (e *evaluator) resourceApplies(d *Statement) bool {
	if e.ctx.FunctionARN == "" {
		return true
	}
	arn := e.ctx.FunctionARN
	if e.ctx.Qualifier != "" {
		arn += ":" + e.ctx.Qualifier
	}
	return d.MatchesResource(arn)
}

// conditionHolds reports whether a Deny condition surely holds for a caller
// of the class; own says whether the caller's account is the function's own
// or in its organization.
func (e *evaluator) conditionHolds(c *Condition, cl class, action string, own bool) bool {
	key := c.lowerKey()
	switch key {
	case "lambda:functionurlauthtype", "lambda:invokedviafunctionurl", "aws:currenttime", "aws:epochtime":
		o := e.condition(c, cl, action)
		return o.res == resOpen && !o.uncertain
	}
	if !pinningKeys[key] {
		return false
	}
	pres := presenceOf(key, cl)
	if c.Op == Null {
		wantAbsent := len(c.Values) > 0 && strings.EqualFold(c.Values[0], "true")
		return (wantAbsent && pres == absent) || (!wantAbsent && pres == always)
	}
	if !c.Op.Negated() || c.Op.Family() == FamilyNumeric || c.Op.Family() == FamilyDate {
		return false
	}
	// A negated comparison with the function's own account or organization
	// holds for every caller outside them (and when the key is absent).
	fold := c.Op.ignoresCase()
	var buf [4]resolved
	for _, r := range e.resolveValues(buf[:0], c, key, cl) {
		if r.dependent || !ConcreteValue(key, r.text) {
			return false
		}
		a, org := pinOwner(key, r.text)
		switch {
		case a != "" && (a == e.ctx.Account || (fold && strings.EqualFold(a, e.ctx.Account))):
		case org != "" && e.ownOrg(org, fold):
		default:
			return false
		}
	}
	return !own
}

// mergeExposures joins exposures of the same kind, path, principal, account
// and missing permission, keeping the order of first appearance.
func mergeExposures(xs []Exposure) []Exposure {
	type group struct {
		kind                      ExposureKind
		path                      Path
		principal, account, wants string
	}
	at := map[group]int{}
	var out []Exposure
	for _, x := range xs {
		g := group{x.Kind, x.Path, x.Principal, x.Account, x.Missing}
		if k, ok := at[g]; ok {
			o := &out[k]
			o.Statements = append(o.Statements, x.Statements...)
			o.ThroughService = o.ThroughService && x.ThroughService
			o.Buckets = append(o.Buckets, x.Buckets...)
			continue
		}
		at[g] = len(out)
		x.Statements = append([]int(nil), x.Statements...)
		x.Buckets = append([]string(nil), x.Buckets...)
		out = append(out, x)
	}
	for k := range out {
		sort.Ints(out[k].Statements)
		out[k].Statements = dedupeInts(out[k].Statements)
		if len(out[k].Buckets) > 0 {
			sort.Strings(out[k].Buckets)
			out[k].Buckets = slices.Compact(out[k].Buckets)
		} else {
			out[k].Buckets = nil
		}
	}
	return out
}
