package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed gcp_external_control.md
var gcpExternalControlDoc string

// GCPExternalControl reports principals outside the function's project and
// organization that can change the function or take its identity.
var GCPExternalControl = audit.Rule{
	ID:       "FNA-GCP-010",
	Slug:     "gcp-external-control",
	Category: audit.CrossAccountInvoke,
	Severity: audit.High,
	Provider: audit.GCP,
	Title:    "Principals outside the project or organization can change the Cloud Function or take its identity",
	Doc:      gcpExternalControlDoc,
	Remediation: "Remove the binding that gives the outside principal update, setIamPolicy, actAs or token " +
		"creation on the function, its Cloud Run service, its service account or their project; if a partner " +
		"must deploy, give it a deployer service account in your project that you can audit and revoke, and " +
		"enforce the iam.allowedPolicyMemberDomains organization policy.",
	References: []string{
		"https://cloud.google.com/resource-manager/docs/organization-policy/restricting-domains",
		"https://cloud.google.com/iam/docs/principal-identifiers",
	},
	Needs: []audit.DataKind{audit.DataControl},
	Check: checkGCPExternalControl,
}

func checkGCPExternalControl(pass *audit.Pass) {
	fn := pass.Function
	if fn.GCP == nil {
		return
	}
	orgDomain := fn.GCP.OrganizationDomain
	for _, hits := range gcpControlByPrincipal(gcpControls(pass)) {
		p := hits[0].Controller.Principal
		sev, who := gcpOutside(pass, p, orgDomain)
		if sev == "" {
			continue
		}
		var what []string
		for _, h := range hits {
			what = append(what, gcpPowerPhrase(h.Power))
		}
		pass.Report(audit.Result{
			Key:      p.ID,
			Severity: sev,
			Title:    fmt.Sprintf("%s (%s) can change the Cloud Function or take its identity", p.ID, who),
			Detail: fmt.Sprintf("%s is %s; it can %s.",
				p.ID, who, strings.Join(what, "; ")),
			Evidence: gcpControlEvidence(hits),
		})
	}
}

// gcpOutside says whether a controller is outside the function's project and
// organization, how severe that is and who it is; "" when it is inside, or
// when the organization's domain is unknown for a domain member.
func gcpOutside(pass *audit.Pass, p audit.ControlPrincipal, orgDomain string) (audit.Severity, string) {
	fn := pass.Function
	switch p.Kind {
	case audit.ControllerAnyPrincipal:
		if p.ID == "allAuthenticatedUsers" {
			return audit.Critical, "any Google account"
		}
		return audit.Critical, "anyone on the internet"
	case audit.ControllerFederated:
		return audit.Medium, "an identity pool's external identities"
	}
	if d := gcpMemberDomain(p.ID); d != "" {
		if orgDomain == "" || gcpSameDomain(d, orgDomain) || pass.Trusted(d) {
			return "", ""
		}
		return audit.High, fmt.Sprintf("an identity of %s, outside the organization's domain %s", d, orgDomain)
	}
	other := gcpPrincipalProject(p.ID)
	if other == "" || other == fn.Account || pass.Trusted(other) {
		return "", ""
	}
	if a, own := pass.Account(other), pass.Account(fn.Account); a != nil && own != nil && a.OrgID != "" && a.OrgID == own.OrgID {
		return "", "" // another audited project of the same organization
	}
	return audit.Medium, "a principal of project " + other
}
