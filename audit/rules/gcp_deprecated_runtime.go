package rules

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/catalog"
)

//go:embed gcp_deprecated_runtime.md
var gcpDeprecatedRuntimeDoc string

// GCPDeprecatedRuntime reports Cloud Functions on a runtime past (or close to)
// its deprecation or decommission date.
var GCPDeprecatedRuntime = audit.Rule{
	ID:       "FNA-GCP-006",
	Slug:     "gcp-deprecated-runtime",
	Category: audit.DeprecatedRuntime,
	Severity: audit.Medium,
	Provider: audit.GCP,
	Title:    "Cloud Function runs on a deprecated runtime",
	Doc:      gcpDeprecatedRuntimeDoc,
	Remediation: "Redeploy the function on a supported runtime of the same language " +
		"(gcloud functions deploy NAME --runtime=RUNTIME) after testing it there.",
	References: []string{
		"https://cloud.google.com/functions/docs/runtime-support",
		"https://cloud.google.com/run/docs/runtimes/function-runtimes",
	},
	Check: checkGCPDeprecatedRuntime,
}

// gcpRuntimeWarnWindow is how long before deprecation a runtime is reported (low).
const gcpRuntimeWarnWindow = 90 * 24 * time.Hour

// gcpRuntimeStatus is a runtime's lifecycle as the rule judges it.
type gcpRuntimeStatus struct {
	stage                     string
	deprecation, decommission time.Time
	evidence                  audit.Evidence
}

// gcpRuntimeLifecycle prefers what the runtimes list API said for the function's
// location and falls back to the embedded table.
func gcpRuntimeLifecycle(fn *audit.Function) (gcpRuntimeStatus, bool) {
	if fn.GCP != nil && fn.GCP.RuntimeSupport != nil && fn.GCP.RuntimeSupport.Runtime == fn.Runtime {
		rs := fn.GCP.RuntimeSupport
		st := gcpRuntimeStatus{stage: strings.ToUpper(rs.Stage)}
		st.deprecation, _ = catalog.ParseGCPDate(rs.DeprecationDate)
		st.decommission, _ = catalog.ParseGCPDate(rs.DecommissionDate)
		frag := fmt.Sprintf("runtime=%s stage=%s", rs.Runtime, rs.Stage)
		if rs.DeprecationDate != "" {
			frag += " deprecationDate=" + rs.DeprecationDate
		}
		if rs.DecommissionDate != "" {
			frag += " decommissionDate=" + rs.DecommissionDate
		}
		st.evidence = audit.Evidence{Source: rs.Source, Path: "runtimes[name=" + rs.Runtime + "]", Fragment: frag}
		return st, true
	}
	rt, ok := catalog.GCPRuntimeLifecycle(fn.Runtime)
	if !ok {
		return gcpRuntimeStatus{}, false
	}
	frag := "runtime=" + fn.Runtime
	if !rt.Deprecation.IsZero() {
		frag += " deprecation=" + rt.Deprecation.Format("2006-01-02")
	}
	if !rt.Decommission.IsZero() {
		frag += " decommission=" + rt.Decommission.Format("2006-01-02")
	}
	return gcpRuntimeStatus{
		deprecation:  rt.Deprecation,
		decommission: rt.Decommission,
		evidence: audit.Evidence{Source: audit.Source{API: "fnaudit catalog", Ref: catalog.GCPRuntimesSource},
			Path: "gcp_runtimes.json", Fragment: frag},
	}, true
}

func checkGCPDeprecatedRuntime(pass *audit.Pass) {
	fn := pass.Function
	if fn.Runtime == "" {
		return
	}
	st, ok := gcpRuntimeLifecycle(fn)
	if !ok {
		return
	}
	now := pass.Now
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	var sev audit.Severity
	var title, detail string
	switch {
	case st.stage == "DECOMMISSIONED" || (!st.decommission.IsZero() && !now.Before(st.decommission)):
		sev, title = audit.High, "Cloud Function runs on a decommissioned runtime"
		detail = fmt.Sprintf("Runtime %s is decommissioned", fn.Runtime)
		if !st.decommission.IsZero() {
			detail += " since " + day(st.decommission)
		}
		detail += ": it gets no security patches, the function can no longer be redeployed on it, and Google may disable it."
	case st.stage == "DEPRECATED" || (!st.deprecation.IsZero() && !now.Before(st.deprecation)):
		sev, title = audit.Medium, "Cloud Function runs on a deprecated runtime"
		detail = fmt.Sprintf("Runtime %s is deprecated", fn.Runtime)
		if !st.deprecation.IsZero() {
			detail += " since " + day(st.deprecation)
		}
		detail += ": it no longer receives language or OS security patches"
		if !st.decommission.IsZero() {
			detail += " and is decommissioned on " + day(st.decommission)
		}
		detail += "."
	case !st.deprecation.IsZero() && st.deprecation.Sub(now) <= gcpRuntimeWarnWindow:
		sev, title = audit.Low, "Cloud Function's runtime is deprecated soon"
		detail = fmt.Sprintf("Runtime %s is deprecated on %s (within 90 days); plan the upgrade now.", fn.Runtime, day(st.deprecation))
	default:
		return
	}
	pass.Report(audit.Result{Key: fn.Runtime, Severity: sev, Title: title, Detail: detail,
		Evidence: []audit.Evidence{{Source: fn.Source, Path: "runtime", Fragment: fn.Runtime}, st.evidence}})
}
