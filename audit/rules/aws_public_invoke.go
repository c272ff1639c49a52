package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

//go:embed aws_public_invoke.md
var awsPublicInvokeDoc string

// AWSPublicInvoke reports Lambda functions (and aliases) that anyone can call
// without credentials through a function URL, or that any AWS account can
// invoke, because their resource-based policy grants the invoke actions to
// "*" without a condition that pins the caller or source.
var AWSPublicInvoke = audit.Rule{
	ID:       "FNA-AWS-001",
	Slug:     "aws-public-invoke",
	Category: audit.PublicInvoke,
	Severity: audit.Critical,
	Provider: audit.AWS,
	Title:    "Lambda function can be invoked by anyone",
	Doc:      awsPublicInvokeDoc,
	Remediation: "Remove the statements that grant lambda:InvokeFunction or lambda:InvokeFunctionUrl to \"*\" " +
		"(aws lambda remove-permission --function-name <fn> [--qualifier <alias>] --statement-id <sid>), " +
		"or pin them to your callers with a concrete aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID " +
		"condition; switch function URLs that are not meant to be public to AuthType AWS_IAM.",
	References: []string{
		"https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
		"https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
		"https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html",
	},
	Needs: []audit.DataKind{audit.DataAccess},
	Check: checkAWSPublicInvoke,
}

func checkAWSPublicInvoke(pass *audit.Pass) {
	for _, j := range awsInvokeJudgements(pass) {
		if j.err != nil {
			awsUnparsable(pass, &j)
			continue
		}
		for _, x := range j.verdict.Exposures {
			if x.Kind == policy.ExposureOwnerNotPinned {
				awsDanglingBuckets(pass, &j, x)
				continue
			}
			switch x.Kind {
			case policy.ExposurePublic, policy.ExposureAnyAccount, policy.ExposureMatchesNothing:
			default:
				continue
			}
			ev := awsStatementEvidence(&j, x.Statements)
			res := audit.Result{Key: awsKey(j.qualifier, string(x.Path)), Evidence: ev}
			where := awsWhere(j.qualifier)
			switch {
			case x.Kind == policy.ExposureMatchesNothing:
				res.Key = awsKey(j.qualifier, "matches-nothing", x.Principal)
				res.Severity = audit.Low
				res.Title = "Lambda permission matches nothing as written, one operator away from public"
				res.Detail = fmt.Sprintf("The resource policy of %s: %s. StringEquals compares \"*\" literally, so the statement grants nothing today; remove it, or pin it to a concrete account or ARN, before someone \"fixes\" it with StringLike.", where, x.Reason)
			case x.Path == policy.PathInvoke && x.ThroughService:
				res.Severity = audit.High
				res.Title = "Lambda function can be invoked through AWS services by any account"
				res.Detail = fmt.Sprintf("The resource policy of %s lets an AWS service acting for any account's resource (a bucket, topic, rule or API anyone can create) invoke it: %s.", where, x.Reason)
			case x.Path == policy.PathInvoke:
				res.Severity = audit.Critical
				res.Title = "Lambda function can be invoked by any AWS account"
				res.Detail = fmt.Sprintf("The resource policy of %s lets any AWS account invoke it with a signed Invoke request (anyone can open an account): %s.", where, x.Reason)
			case x.Kind == policy.ExposureAnyAccount && x.Missing != "" && !(x.Missing == policy.ActionInvokeFunction && pass.Now.Before(policy.URLAuthExceptionEnds)):
				res.Severity = audit.Low
				res.Title = "Public grant on an AWS_IAM Lambda function URL that answers 403"
				res.Detail = fmt.Sprintf("Function URL %s (%s): %s. Signed calls from other accounts get 403 today; the leftover grant to every account is one permission away from an endpoint any AWS account can call.", j.url.URL, where, x.Reason)
				res.Evidence = append(ev, awsURLEvidence(j.url))
			case x.Kind == policy.ExposureAnyAccount && x.Missing != "":
				res.Severity = audit.High
				res.Title = "Lambda function URL may be callable by any AWS account (temporary exception)"
				res.Detail = fmt.Sprintf("Function URL %s (%s): %s. Until the exception ends any AWS account can call the URL if the account holds it.", j.url.URL, where, x.Reason)
				res.Evidence = append(ev, awsURLEvidence(j.url))
			case x.Kind == policy.ExposureAnyAccount: // an AWS_IAM URL
				res.Severity = audit.Critical
				res.Title = "Lambda function URL can be called by any AWS account"
				res.Detail = fmt.Sprintf("The function URL %s of %s needs signed requests, but the resource policy lets any AWS account sign them (anyone can open an account): %s.", j.url.URL, where, x.Reason)
				res.Evidence = append(ev, awsURLEvidence(j.url))
			case x.Missing == "":
				res.Severity = audit.Critical
				res.Title = "Lambda function URL is callable by anyone without credentials"
				res.Detail = fmt.Sprintf("The function URL %s of %s is public: %s. Both permissions are what make the URL callable since October 2025.", j.url.URL, where, x.Reason)
				res.Evidence = append(ev, awsURLEvidence(j.url))
			case x.Missing == policy.ActionInvokeFunction && pass.Now.Before(policy.URLAuthExceptionEnds):
				// Under the pre-October-2025 model lambda:InvokeFunctionUrl
				// alone opened the URL, and accounts with earlier URLs keep
				// that model until the exception ends.
				res.Severity = audit.High
				res.Title = "Lambda function URL may be callable by anyone (temporary exception)"
				res.Detail = fmt.Sprintf("Function URL %s (%s): %s. Until the exception ends the URL is public if the account holds it.", j.url.URL, where, x.Reason)
				res.Evidence = append(ev, awsURLEvidence(j.url))
			default:
				res.Severity = audit.Low
				res.Title = "Public grant on a Lambda function URL that answers 403"
				res.Detail = fmt.Sprintf("Function URL %s (%s): %s. The URL is not callable today; the leftover public grant is one permission away from a public endpoint.", j.url.URL, where, x.Reason)
				res.Evidence = append(ev, awsURLEvidence(j.url))
			}
			pass.Report(res)
		}
		if j.unreadURL != nil {
			for _, x := range j.unreadURL.Exposures {
				if x.Kind != policy.ExposurePublic || x.Missing != "" {
					continue
				}
				pass.Report(audit.Result{
					Key:    awsKey(j.qualifier, string(x.Path)),
					Status: audit.StatusUnknown,
					Title:  "Lambda function URL configuration was not read",
					Detail: fmt.Sprintf("The resource policy of %s lets anyone call a function URL (%s), but the inventory does not say whether %s has a URL with AuthType NONE; if it does, anyone can call it without credentials.",
						awsWhere(j.qualifier), x.Reason, awsWhere(j.qualifier)),
					Evidence: awsStatementEvidence(&j, x.Statements),
				})
			}
		}
	}
}

// awsDanglingBuckets reports S3 sources without an owner pin whose bucket
// exists nowhere (s3:HeadBucket 404): anyone can create a bucket of that
// name and, through its notifications, invoke the function.
func awsDanglingBuckets(pass *audit.Pass, j *awsInvokeJudgement, x policy.Exposure) {
	for _, v := range awsBuckets(pass, x) {
		if v.fact == nil || v.fact.Owner != audit.BucketNotFound {
			continue
		}
		pass.Report(audit.Result{
			Key:      awsKey(j.qualifier, x.Principal, "bucket", v.name),
			Severity: audit.High,
			Title:    "Lambda function can be invoked by whoever creates bucket " + v.name,
			Detail: fmt.Sprintf("The resource policy of %s: %s. No bucket named %s exists (s3:HeadBucket answered 404): anyone can create it in their own account and invoke the function through its event notifications (a dangling-bucket takeover). Remove the statement, or add aws:SourceAccount.",
				awsWhere(j.qualifier), x.Reason, v.name),
			Evidence: append(awsStatementEvidence(j, x.Statements), awsBucketEvidence(v)),
		})
	}
}
