package policy

import (
	"fmt"
	"sort"
)

// Function URL grants to named principals (Lambda Developer Guide, "Control
// access to Lambda function URLs",
// https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html):
//
//   - A URL with AuthType NONE does not authenticate its callers: every call
//     is anonymous, so a grant of lambda:InvokeFunctionUrl to a named account
//     or role is never used through it.
//   - A URL with AuthType AWS_IAM takes SigV4-signed calls. Since October
//     2025 a caller needs both lambda:InvokeFunctionUrl and
//     lambda:InvokeFunction (the latter through the URL, where
//     lambda:InvokedViaFunctionUrl is true); accounts that had URLs before
//     kept the old model, where lambda:InvokeFunctionUrl alone suffices,
//     until URLAuthExceptionEnds. A principal granted only one of the two
//     gets 403 from then on: a half grant, not a way in.

// namedGrant is what one named outside principal may use.
type namedGrant struct {
	account string
	// api: the principal may call Invoke (reported on its own).
	api bool
	// url and inv are the statements that let it use lambda:InvokeFunctionUrl
	// and lambda:InvokeFunction through an AWS_IAM URL.
	url, inv []int
}

func (e *evaluator) namedURLFor(p, acct string) *namedGrant {
	if e.named == nil {
		e.named = map[string]*namedGrant{}
	}
	g, ok := e.named[p]
	if !ok {
		g = &namedGrant{account: acct}
		e.named[p] = g
		e.namedOrder = append(e.namedOrder, p)
	}
	return g
}

// crossAccountWho describes a named outside principal for a reason.
func (e *evaluator) crossAccountWho(p, acct string) string {
	who := fmt.Sprintf("principal %s in account %s", p, acct)
	if p == acct {
		who = "account " + acct + " (any of its principals its own IAM policies allow)"
	}
	if e.ctx.OrgID != "" {
		return fmt.Sprintf("%s, not known to be in organization %s,", who, e.ctx.OrgID)
	}
	return who + ", outside the function's account,"
}

func qualifierText(q string) string {
	if q == "" {
		return "the function"
	}
	return "alias/version " + q
}

// namedURLs turns the AWS_IAM URL grants of named outside principals into
// exposures: both permissions make the URL a way in (unless the principal
// may call Invoke anyway, which is reported already); one of them is a half
// grant whose Missing names the other.
func (e *evaluator) namedURLs() []Exposure {
	var out []Exposure
	for _, p := range e.namedOrder {
		g := e.named[p]
		if g.api || (len(g.url) == 0 && len(g.inv) == 0) {
			continue
		}
		x := Exposure{Kind: ExposureCrossAccount, Path: PathURL, Principal: p, Account: g.account,
			Statements: dedupeInts(sortedCopy(append(append([]int{}, g.url...), g.inv...)))}
		who := e.crossAccountWho(p, g.account)
		switch {
		case len(g.url) > 0 && len(g.inv) > 0:
			x.Reason = fmt.Sprintf("%s may call the AWS_IAM function URL: it holds lambda:InvokeFunctionUrl (%s) and lambda:InvokeFunction through the URL (%s)",
				who, stmtList(g.url), stmtList(g.inv))
		case len(g.url) > 0:
			x.Missing = ActionInvokeFunction
			x.Reason = fmt.Sprintf("%s holds lambda:InvokeFunctionUrl on the AWS_IAM function URL (%s) but not lambda:InvokeFunction: since October 2025 its signed calls get 403, except in accounts that keep AWS's temporary exception for URLs created earlier (until %s)",
				who, stmtList(g.url), URLAuthExceptionEnds.Format("2 January 2006"))
		default:
			x.Missing = ActionInvokeFunctionURL
			x.Reason = fmt.Sprintf("%s holds lambda:InvokeFunction through the AWS_IAM function URL (%s) but not lambda:InvokeFunctionUrl: its signed URL calls get 403",
				who, stmtList(g.inv))
		}
		for _, i := range x.Statements {
			e.note(i, "%s", x.Reason)
		}
		out = append(out, x)
	}
	return out
}

func sortedCopy(s []int) []int {
	out := append([]int(nil), s...)
	sort.Ints(out)
	return out
}
