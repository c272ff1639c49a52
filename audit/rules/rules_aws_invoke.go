package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

// awsInvokeRules lists the AWS invocation rules (resource policies, function
// URLs, then the front doors joined with them).
func awsInvokeRules() []audit.Rule {
	return []audit.Rule{AWSPublicInvoke, AWSCrossAccountInvoke, AWSOpenFrontDoor, AWSFrontDoorCrossAccount}
}

// awsInvokeJudgement is the verdict on one qualifier's resource policy, judged
// together with that qualifier's function URL.
type awsInvokeJudgement struct {
	qualifier string
	policy    *audit.ResourcePolicy
	doc       *policy.Document
	url       *audit.FunctionURL
	verdict   *policy.InvokeVerdict
	// unreadURL is the verdict as if the qualifier had a NONE function URL,
	// set when the adapter did not read the URL configurations
	// (AWSFunction.URLsChecked false) and none is listed for the qualifier.
	unreadURL *policy.InvokeVerdict
	err       error
}

// awsInvokeJudgements judges every resource policy of an AWS function (the
// unqualified one and each alias / version) with the function URL of the same
// qualifier. The policy logic lives in audit/policy; this only wires the
// function's facts in.
func awsInvokeJudgements(pass *audit.Pass) []awsInvokeJudgement {
	fn := pass.Function
	if fn.AWS == nil {
		return nil
	}
	orgID := ""
	if a := pass.Account(fn.Account); a != nil {
		orgID = a.OrgID
	}
	var out []awsInvokeJudgement
	for i := range fn.AWS.Policies {
		p := &fn.AWS.Policies[i]
		j := awsInvokeJudgement{qualifier: p.Qualifier, policy: p}
		for k := range fn.AWS.URLs {
			if fn.AWS.URLs[k].Qualifier == p.Qualifier {
				j.url = &fn.AWS.URLs[k]
			}
		}
		j.doc, j.err = policy.Parse(p.Document)
		if j.err == nil {
			ctx := policy.InvokeContext{
				Account:     fn.Account,
				OrgID:       orgID,
				FunctionARN: unqualifiedARN(fn.ID),
				Qualifier:   p.Qualifier,
				Now:         pass.Now,
				Trusted:     pass.Trusted,
				InOrg: func(acct string) bool {
					a := pass.Account(acct)
					return orgID != "" && a != nil && a.OrgID == orgID
				},
			}
			if j.url != nil {
				ctx.URLAuthType = j.url.AuthType
			}
			j.verdict = policy.InvokeAccess(j.doc, ctx)
			if j.url == nil && !fn.AWS.URLsChecked {
				ctx.URLAuthType = "NONE"
				j.unreadURL = policy.InvokeAccess(j.doc, ctx)
			}
		}
		out = append(out, j)
	}
	return out
}

// unqualifiedARN strips a version or alias from a Lambda function ARN.
func unqualifiedARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) == 8 && parts[5] == "function" {
		return strings.Join(parts[:7], ":")
	}
	return arn
}

// awsKey joins a finding key's parts, prefixed with the alias / version.
func awsKey(qualifier string, parts ...string) string {
	if qualifier != "" {
		parts = append([]string{qualifier}, parts...)
	}
	return strings.Join(parts, "/")
}

func awsWhere(qualifier string) string {
	if qualifier == "" {
		return "the function"
	}
	return "alias/version " + qualifier
}

// awsStatementEvidence quotes the statements by Sid (or index) with their JSON.
func awsStatementEvidence(j *awsInvokeJudgement, idx []int) []audit.Evidence {
	var ev []audit.Evidence
	for _, i := range idx {
		if i < 0 || i >= len(j.doc.Statements) {
			continue
		}
		st := &j.doc.Statements[i]
		path := "Statement[" + strconv.Itoa(i) + "]"
		if st.Sid != "" {
			path = "Statement[Sid=" + st.Sid + "]"
		}
		var b bytes.Buffer
		frag := string(st.Raw)
		if json.Compact(&b, st.Raw) == nil {
			frag = b.String()
		}
		ev = append(ev, audit.Evidence{Source: j.policy.Source, Path: path, Fragment: frag})
	}
	return ev
}

func awsURLEvidence(u *audit.FunctionURL) audit.Evidence {
	return audit.Evidence{Source: u.Source, Path: "AuthType", Fragment: fmt.Sprintf("%s AuthType=%s", u.URL, u.AuthType)}
}

// awsUnparsable reports a resource policy the policy engine could not read:
// the rule cannot decide, which is unknown, never pass.
func awsUnparsable(pass *audit.Pass, j *awsInvokeJudgement) {
	pass.Report(audit.Result{
		Key:      awsKey(j.qualifier, "policy"),
		Status:   audit.StatusUnknown,
		Title:    "resource policy could not be judged",
		Detail:   fmt.Sprintf("The resource policy of %s could not be parsed: %v", awsWhere(j.qualifier), j.err),
		Evidence: []audit.Evidence{{Source: j.policy.Source, Path: "Document"}},
	})
}
