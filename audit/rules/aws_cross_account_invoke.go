package rules

import (
	_ "embed"
	"fmt"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/policy"
)

//go:embed aws_cross_account_invoke.md
var awsCrossAccountInvokeDoc string

// AWSCrossAccountInvoke reports Lambda functions that principals outside the
// function's account (and organization, when known) can invoke, and AWS
// service principals allowed to invoke without a source pin (the confused
// deputy). Trusted accounts (Config.TrustedAccounts) are not reported.
var AWSCrossAccountInvoke = audit.Rule{
	ID:       "FNA-AWS-002",
	Slug:     "aws-cross-account-invoke",
	Category: audit.CrossAccountInvoke,
	Severity: audit.Medium,
	Provider: audit.AWS,
	Title:    "Lambda function can be invoked from another account",
	Doc:      awsCrossAccountInvokeDoc,
	Remediation: "For AWS service principals, add the source: aws lambda add-permission ... --source-arn <bucket/topic/rule/API ARN> " +
		"--source-account <your account id>. For other accounts, remove the statement if the access is not intended, " +
		"narrow it to the one role that needs it, or pin it with aws:PrincipalOrgID; list intended partner accounts as trusted.",
	References: []string{
		"https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html",
		"https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-walkthrough-1.html",
	},
	Needs: []audit.DataKind{audit.DataAccess},
	Check: checkAWSCrossAccountInvoke,
}

func checkAWSCrossAccountInvoke(pass *audit.Pass) {
	for _, j := range awsInvokeJudgements(pass) {
		if j.err != nil {
			awsUnparsable(pass, &j)
			continue
		}
		where := awsWhere(j.qualifier)
		for _, x := range j.verdict.Exposures {
			key := awsKey(j.qualifier, x.Principal)
			if x.Principal == "*" || x.Principal == "NotPrincipal" {
				key = awsKey(j.qualifier, x.Principal, x.Account)
			}
			res := audit.Result{
				Key:      key,
				Evidence: awsStatementEvidence(&j, x.Statements),
			}
			switch x.Kind {
			case policy.ExposureConfusedDeputy:
				res.Key = awsKey(j.qualifier, x.Principal)
				res.Severity = audit.High
				res.Title = "AWS service can invoke the Lambda function for any account (confused deputy)"
				res.Detail = fmt.Sprintf("The resource policy of %s: %s.", where, x.Reason)
			case policy.ExposureCrossAccount:
				if x.Missing != "" {
					awsHalfGrant(pass, &j, x, &res)
					break
				}
				res.Severity = audit.Medium
				res.Title = "Lambda function can be invoked from account " + x.Account
				if len(x.Account) > 2 && x.Account[:2] == "o-" {
					res.Title = "Lambda function can be invoked from organization " + x.Account
				}
				res.Detail = fmt.Sprintf("The resource policy of %s: %s. List the account as trusted if this access is intended.", where, x.Reason)
			case policy.ExposureOwnerNotPinned:
				if awsOwnerNotPinned(pass, &j, x, res) {
					continue
				}
				res.Key = awsKey(j.qualifier, x.Principal, "owner")
				res.Severity = audit.Low
				res.Title = "Lambda function trusts a bucket name without pinning its owner"
				res.Detail = fmt.Sprintf("The resource policy of %s: %s. Add aws:SourceAccount.", where, x.Reason)
			default:
				continue
			}
			pass.Report(res)
		}
		if j.unreadIAMURL != nil {
			for _, x := range j.unreadIAMURL.Exposures {
				if x.Kind != policy.ExposureCrossAccount || x.Path != policy.PathURL || x.Missing != "" {
					continue
				}
				pass.Report(audit.Result{
					Key:    awsKey(j.qualifier, x.Principal, "url"),
					Status: audit.StatusUnknown,
					Title:  "Lambda function URL configuration was not read",
					Detail: fmt.Sprintf("The resource policy of %s lets %s call a function URL with signed requests (%s), but the inventory does not say whether %s has a URL with AuthType AWS_IAM; if it does, that account can call it.",
						where, x.Principal, x.Reason, where),
					Evidence: awsStatementEvidence(&j, x.Statements),
				})
			}
		}
	}
}

// awsHalfGrant describes a named outside principal that holds only one of
// the two permissions an AWS_IAM function URL call needs: its calls get 403
// (a low finding), except that lambda:InvokeFunctionUrl alone may still open
// the URL until AWS's temporary exception ends (medium until then).
func awsHalfGrant(pass *audit.Pass, j *awsInvokeJudgement, x policy.Exposure, res *audit.Result) {
	res.Key = awsKey(j.qualifier, x.Principal, "url")
	where := awsWhere(j.qualifier)
	url := ""
	if j.url != nil {
		url = j.url.URL
		res.Evidence = append(res.Evidence, awsURLEvidence(j.url))
	}
	if x.Missing == policy.ActionInvokeFunction && pass.Now.Before(policy.URLAuthExceptionEnds) {
		res.Severity = audit.Medium
		res.Title = "Lambda function URL may be callable from account " + x.Account + " (temporary exception)"
		res.Detail = fmt.Sprintf("Function URL %s (%s): %s. Until the exception ends the account can call the URL if the function's account holds it.", url, where, x.Reason)
		return
	}
	res.Severity = audit.Low
	res.Title = "Half grant on a Lambda function URL for account " + x.Account
	res.Detail = fmt.Sprintf("Function URL %s (%s): %s. The account cannot call the URL today; grant %s too if it should, or remove the leftover grant.", url, where, x.Reason, x.Missing)
}

// awsOwnerNotPinned judges an S3 source without an owner pin by whose the
// buckets are, when the inventory records it (Account.Buckets): the
// account's own (s3:ListBuckets) is a low hardening note; another account's
// (s3:HeadBucket 403 / 301 / 200) is cross-account (medium); ownership that
// could not be read is unknown, never fine. A bucket that exists nowhere is
// public and reported by aws-public-invoke. It reports whether it judged the
// exposure (false: no ownership records, judge it as before).
func awsOwnerNotPinned(pass *audit.Pass, j *awsInvokeJudgement, x policy.Exposure, base audit.Result) bool {
	vs := awsBuckets(pass, x)
	judged := false
	where := awsWhere(j.qualifier)
	for _, v := range vs {
		if v.fact == nil {
			continue
		}
		judged = true
		res := base
		res.Key = awsKey(j.qualifier, x.Principal, "bucket", v.name)
		res.Evidence = append(append([]audit.Evidence(nil), base.Evidence...), awsBucketEvidence(v))
		switch v.fact.Owner {
		case audit.BucketOwnedByAccount:
			res.Severity = audit.Low
			res.Title = "Lambda function trusts its own bucket by name without pinning the owner"
			res.Detail = fmt.Sprintf("The resource policy of %s: %s. Bucket %s belongs to the function's account (s3:ListBuckets), so only it can invoke the function today; add aws:SourceAccount so that a deleted and re-created bucket of that name in another account cannot.", where, x.Reason, v.name)
		case audit.BucketOwnedElsewhere:
			res.Severity = audit.Medium
			res.Title = "Lambda function can be invoked by another account's bucket " + v.name
			res.Detail = fmt.Sprintf("The resource policy of %s: %s. Bucket %s exists but is not the function's account's (not in s3:ListBuckets; s3:HeadBucket says it exists): its owner, another account, can invoke the function. Add aws:SourceAccount with the owner you intend, or list it as trusted.", where, x.Reason, v.name)
		case audit.BucketNotFound:
			continue // public: aws-public-invoke reports it
		default:
			res.Status = audit.StatusUnknown
			res.Title = "Owner of bucket " + v.name + " could not be read"
			res.Detail = fmt.Sprintf("The resource policy of %s: %s. Whose bucket %s is could not be read (%s): if it is another account's, that account can invoke the function; if it does not exist, anyone can create it and invoke the function.", where, x.Reason, v.name, v.fact.Message)
		}
		pass.Report(res)
	}
	return judged
}
