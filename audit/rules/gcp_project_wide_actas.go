package rules

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed gcp_project_wide_actas.md
var gcpProjectWideActAsDoc string

// GCPProjectWideActAs reports Cloud Functions whose service account can be
// acted as through grants on the whole project, folder or organization (every
// project Editor can act as every account of the project), rather than
// through grants on the account itself.
var GCPProjectWideActAs = audit.Rule{
	ID:       "FNA-GCP-011",
	Slug:     "gcp-project-wide-actas",
	Category: audit.PrivilegeEscalation,
	Severity: audit.Medium,
	Provider: audit.GCP,
	Title:    "Every holder of a project-wide role can act as the function's service account",
	Doc:      gcpProjectWideActAsDoc,
	Remediation: "Grant roles/iam.serviceAccountUser and roles/iam.serviceAccountTokenCreator on the service " +
		"accounts a principal needs, not on the project; replace roles/editor with narrower roles, and give the " +
		"function a dedicated account instead of the default compute account.",
	References: []string{
		"https://cloud.google.com/iam/docs/service-accounts-actas",
		"https://cloud.google.com/iam/docs/best-practices-service-accounts#project-folder-grants",
	},
	Needs: []audit.DataKind{audit.DataControl},
	Check: checkGCPProjectWideActAs,
}

func checkGCPProjectWideActAs(pass *audit.Pass) {
	fn := pass.Function
	if fn.GCP == nil || fn.GCP.ServiceAccount == "" {
		return
	}
	sa := fn.GCP.ServiceAccount
	var names, roles []string
	var ev []audit.Evidence
	for _, hits := range gcpControlByPrincipal(gcpControls(pass)) {
		p := hits[0].Controller.Principal
		if p.ID == "serviceAccount:"+sa {
			continue
		}
		var wide []gcpControlHit
		for _, h := range hits {
			if !gcpIdentityKind(h.Power.Kind) {
				continue
			}
			for _, e := range h.Power.Evidence {
				if gcpScopeLevel(e.Source.Ref) != "resource" {
					wide = append(wide, h)
					if r := e.Policy + " on " + e.Source.Ref; !slices.Contains(roles, r) {
						roles = append(roles, r)
					}
					break
				}
			}
		}
		if len(wide) == 0 {
			continue
		}
		names = append(names, p.ID)
		ev = append(ev, gcpControlEvidence(wide)...)
	}
	if len(names) == 0 {
		return
	}
	sev := audit.Medium
	kind := "user-managed"
	if fn.GCP.DefaultServiceAccount {
		kind = "default"
	}
	rank, why, _ := gcpIdentityPower(pass.Identity(sa), pass.Now)
	detail := fmt.Sprintf("The function's %s service account %s can be acted as by every principal holding %s, "+
		"because those roles carry iam.serviceAccounts.actAs or token creation on every service account below "+
		"their scope: %d principal(s): %s.", kind, sa, strings.Join(roles, ", "), len(names), gcpNameList(names, 10))
	if rank >= 2 {
		sev = audit.High
		detail += " The account holds " + why + ", so each of them can use that power."
	}
	pass.Report(audit.Result{
		Key:      sa,
		Severity: sev,
		Detail:   detail,
		Evidence: ev,
	})
}
