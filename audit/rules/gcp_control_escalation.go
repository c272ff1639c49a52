package rules

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed gcp_control_escalation.md
var gcpControlEscalationDoc string

// GCPControlEscalation reports principals that hold less than a Cloud
// Function's service account but can act as it or mint its tokens: an
// escalation path into that identity.
var GCPControlEscalation = audit.Rule{
	ID:       "FNA-GCP-009",
	Slug:     "gcp-control-escalation",
	Category: audit.PrivilegeEscalation,
	Severity: audit.High,
	Provider: audit.GCP,
	Title:    "Principals with less power than the function's service account can take its identity",
	Doc:      gcpControlEscalationDoc,
	Remediation: "Remove iam.serviceAccounts.actAs and token creation (roles/iam.serviceAccountUser, " +
		"roles/iam.serviceAccountTokenCreator, roles/editor) on the function's service account from principals " +
		"that should not hold its permissions: grant them on the one service account a deployer needs instead of " +
		"the project, and give the function an account with only the roles it needs.",
	References: []string{
		"https://cloud.google.com/iam/docs/service-account-permissions",
		"https://cloud.google.com/functions/docs/reference/iam/roles#additional-configuration",
		"https://rhinosecuritylabs.com/gcp/privilege-escalation-google-cloud-platform-part-1/",
	},
	Needs: []audit.DataKind{audit.DataControl, audit.DataIdentity},
	Check: checkGCPControlEscalation,
}

func checkGCPControlEscalation(pass *audit.Pass) {
	fn := pass.Function
	if fn.GCP == nil || fn.GCP.ServiceAccount == "" {
		return
	}
	sa := fn.GCP.ServiceAccount
	rank, why, _ := gcpIdentityPower(pass.Identity(sa), pass.Now)
	if rank == 0 {
		return // taking a read-only identity raises nobody's privileges
	}
	var names, phrases []string
	var ev []audit.Evidence
	for _, hits := range gcpControlByPrincipal(gcpControls(pass)) {
		p := hits[0].Controller.Principal
		if p.ID == "serviceAccount:"+sa {
			continue // the identity itself
		}
		var identity []gcpControlHit
		for _, h := range hits {
			if gcpIdentityKind(h.Power.Kind) {
				identity = append(identity, h)
			}
		}
		if len(identity) == 0 || gcpPrincipalRank(hits) >= rank {
			continue
		}
		names = append(names, p.ID)
		var what []string
		for _, h := range hits {
			what = append(what, gcpPowerPhrase(h.Power))
		}
		phrases = append(phrases, p.ID+" can "+strings.Join(what, "; "))
		ev = append(ev, gcpControlEvidence(hits)...)
	}
	if len(names) == 0 {
		return
	}
	shown := phrases
	more := ""
	if len(shown) > 5 {
		more = fmt.Sprintf(" (and %d more principals)", len(shown)-5)
		shown = shown[:5]
	}
	pass.Report(audit.Result{
		Key:      sa,
		Severity: gcpRankSeverity(rank),
		Title:    fmt.Sprintf("%d principal(s) can take the identity of service account %s: %s", len(names), sa, gcpNameList(names, 3)),
		Detail: fmt.Sprintf("The function runs as %s, which holds %s. These principals hold less but can act as it or mint "+
			"its tokens, so they can run code with its permissions (with cloudfunctions.functions.update or "+
			"run.services.update, by redeploying this function): %s%s.",
			sa, why, strings.Join(shown, ". "), more),
		Evidence: ev,
	})
}
