package rules

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed aws_deprecated_runtime.md
var awsDeprecatedRuntimeDoc string

// AWSDeprecatedRuntime reports Lambda functions on a runtime that is past, or
// close to, its end of support.
var AWSDeprecatedRuntime = audit.Rule{
	ID:       "FNA-AWS-006",
	Slug:     "aws-deprecated-runtime",
	Category: audit.DeprecatedRuntime,
	Severity: audit.Medium,
	Provider: audit.AWS,
	Title:    "Lambda function runs on a deprecated runtime",
	Doc:      awsDeprecatedRuntimeDoc,
	Remediation: "Test the function on a supported runtime of the same language and update it " +
		"(aws lambda update-function-configuration --function-name <fn> --runtime <runtime>), " +
		"or move it to a container image you patch yourself.",
	References: []string{
		catalog.AWSRuntimesSource,
		"https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html",
		"https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-2",
	},
	Needs: []audit.DataKind{audit.DataConfig},
	Check: checkAWSDeprecatedRuntime,
}

// awsRuntimeWarnWindow is how long before deprecation a runtime is reported (low).
const awsRuntimeWarnWindow = 90 * 24 * time.Hour

func checkAWSDeprecatedRuntime(pass *audit.Pass) {
	fn := pass.Function
	if fn.Runtime == "" || strings.EqualFold(fn.PackageType, "Image") {
		return // a container image brings its own runtime
	}
	// Judge each runtime identifier once; only the function's own evidence
	// differs between the functions that share it.
	v := pass.Memo(fn.Runtime, func() any { return awsJudgeRuntime(fn.Runtime, pass.Now) }).(awsRuntimeVerdict)
	if !v.report {
		return
	}
	r := v.result
	r.Evidence = append([]audit.Evidence{{Source: fn.Source, Path: "Runtime", Fragment: fn.Runtime}}, v.evidence...)
	pass.Report(r)
}

type awsRuntimeVerdict struct {
	report   bool
	result   audit.Result
	evidence []audit.Evidence
}

func awsJudgeRuntime(runtime string, now time.Time) awsRuntimeVerdict {
	rt, ok := catalog.AWSRuntimeLifecycle(runtime)
	if !ok {
		return awsRuntimeVerdict{report: true, result: audit.Result{
			Key:      runtime,
			Severity: audit.Info,
			Title:    "Lambda function runs on an unknown runtime",
			Detail: fmt.Sprintf("Runtime %q is not in fnaudit's table of AWS Lambda runtimes (checked %s); "+
				"its support status could not be judged.", runtime, catalog.AWSRuntimesChecked),
		}}
	}
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	var r audit.Result
	switch {
	case !rt.BlockUpdate.IsZero() && !now.Before(rt.BlockUpdate):
		r.Severity = audit.High
		r.Title = "Lambda function runs on a runtime that can no longer be updated"
		r.Detail = fmt.Sprintf("Runtime %s (%s) was deprecated on %s and AWS blocks updates to its functions since %s: "+
			"the function gets no security patches, and a fix to its code cannot be deployed without changing the runtime.",
			rt.ID, rt.Name, day(rt.Deprecation), day(rt.BlockUpdate))
	case !now.Before(rt.Deprecation):
		r.Severity = audit.Medium
		r.Title = "Lambda function runs on a deprecated runtime"
		r.Detail = fmt.Sprintf("Runtime %s (%s) was deprecated on %s and no longer receives security patches.",
			rt.ID, rt.Name, day(rt.Deprecation))
		if !rt.BlockUpdate.IsZero() {
			r.Detail += fmt.Sprintf(" AWS blocks creating functions on it from %s and updating them from %s.",
				day(rt.BlockCreate), day(rt.BlockUpdate))
		}
	case rt.Deprecation.Sub(now) <= awsRuntimeWarnWindow:
		r.Severity = audit.Low
		r.Title = "Lambda function's runtime is deprecated soon"
		r.Detail = fmt.Sprintf("Runtime %s (%s) is deprecated on %s, within 90 days; plan the upgrade now.",
			rt.ID, rt.Name, day(rt.Deprecation))
	default:
		return awsRuntimeVerdict{}
	}
	r.Key = rt.ID
	frag := fmt.Sprintf("runtime=%s deprecation=%s", rt.ID, day(rt.Deprecation))
	if !rt.BlockCreate.IsZero() {
		frag += " blockCreate=" + day(rt.BlockCreate)
	}
	if !rt.BlockUpdate.IsZero() {
		frag += " blockUpdate=" + day(rt.BlockUpdate)
	}
	return awsRuntimeVerdict{report: true, result: r, evidence: []audit.Evidence{
		{Source: audit.Source{API: "fnaudit catalog", Ref: catalog.AWSRuntimesSource}, Path: "aws_runtimes.go", Fragment: frag},
	}}
}
