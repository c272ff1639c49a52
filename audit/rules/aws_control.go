package rules

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/control"
)

// The shared verdict of the three "who can change a function" rules
// (FNA-AWS-010, -011, -012): the control analysis of the inventory, built
// once per rule, and how a finding names principals and powers.

// maxNamed bounds the principals a finding names one by one; the rest are
// counted.
const maxNamed = 10

// awsControl returns the control analysis of the inventory, built once per
// analysis and shared by the three rules.
func awsControl(pass *audit.Pass) *control.Analysis {
	return pass.Shared("rules/control", func() any { return control.New(pass.Inventory) }).(*control.Analysis)
}

// awsControls returns who can control the function, or ok=false when the
// inventory holds no authorization details for its account (analyze then
// warns, see audit.SCPNotApplied and the report's warnings).
func awsControls(pass *audit.Pass) (cs []control.Control, an *control.Analysis, ok bool) {
	an = awsControl(pass)
	if !an.Covered(pass.Function) {
		return nil, an, false
	}
	return an.Function(pass.Function), an, true
}

// awsRolePower ranks the execution role: "administrator", "escalation"
// (it can raise privileges), "ordinary", or "unknown" when the inventory
// lacks it.
func awsRolePower(pass *audit.Pass, an *control.Analysis) (string, *audit.Identity) {
	fn := pass.Function
	if fn.AWS == nil || fn.AWS.Role == "" {
		return "unknown", nil
	}
	id := pass.Identity(fn.AWS.Role)
	if id == nil {
		return "unknown", nil
	}
	power := pass.Memo("power "+id.ID, func() any {
		r := an.Role(id)
		if a := r.Admin(); a.Admin {
			return "administrator"
		}
		if len(r.Escalations()) > 0 {
			return "escalation"
		}
		return "ordinary"
	}).(string)
	return power, id
}

// principalText names a principal for a finding: "27 IAM users via group
// developers", "IAM user ana", "account 210987654321".
// A principal of another account than home is named with its account.
func principalText(p audit.ControlPrincipal, home string) string {
	name := p.Name
	if name == "" {
		name = p.ID
	}
	switch p.Kind {
	case audit.ControllerGroupMember:
		n := p.MemberCount
		if n == 0 {
			n = len(p.Members)
		}
		noun := "IAM users"
		if n == 1 {
			noun = "IAM user"
		}
		return fmt.Sprintf("%d %s via group %s", n, noun, name)
	case audit.ControllerUser:
		return "IAM user " + name + accountSuffix(p, home)
	case audit.ControllerRole:
		return "IAM role " + name + accountSuffix(p, home)
	case audit.ControllerAccount:
		return "account " + p.ID
	case audit.ControllerOrganization:
		return "organization " + p.ID
	case audit.ControllerService:
		return "service " + p.ID
	case audit.ControllerFederated:
		return "federated identity provider " + p.ID
	case audit.ControllerAnyPrincipal:
		if p.ID == "*" {
			return "any AWS principal"
		}
		return "any AWS principal matching " + p.ID
	}
	return string(p.Kind) + " " + name
}

func accountSuffix(p audit.ControlPrincipal, home string) string {
	if p.Account == "" || p.Account == home {
		return ""
	}
	return " (account " + p.Account + ")"
}

// powerText renders powers: `change-code (lambda:UpdateFunctionCode; deploy
// Sid=Deploy via group developers)`.
func powerText(ps []audit.ControlPower) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		var evs []string
		for _, e := range p.Evidence {
			s := e.Policy
			if e.Statement != "" {
				s += " Statement[" + e.Statement + "]"
			}
			if e.Via != "" && e.Via != e.Policy {
				s += " via " + e.Via
			}
			evs = append(evs, s)
		}
		t := fmt.Sprintf("%s (%s; %s)", p.Kind, strings.Join(p.Actions, " + "), strings.Join(evs, ", "))
		if len(p.Conditions) > 0 {
			t += " if " + strings.Join(p.Conditions, "; ")
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "; ")
}

// controlEvidence quotes every statement behind the powers.
func controlEvidence(p audit.ControlPrincipal, home string, ps []audit.ControlPower) []audit.Evidence {
	var out []audit.Evidence
	for _, pw := range ps {
		for _, e := range pw.Evidence {
			path := e.Policy
			if e.Statement != "" {
				path += ".Statement[" + e.Statement + "]"
			}
			out = append(out, audit.Evidence{Source: e.Source, Path: path,
				Fragment: principalText(p, home) + ": " + strings.Join(e.Actions, ", ")})
		}
	}
	return out
}

// listPrincipals renders up to maxNamed controls and counts the rest.
func listPrincipals(cs []control.Control, home string) string {
	var parts []string
	for i, c := range cs {
		if i == maxNamed {
			parts = append(parts, fmt.Sprintf("and %d more", len(cs)-maxNamed))
			break
		}
		parts = append(parts, principalText(c.Principal, home)+": "+powerText(c.Powers))
	}
	return strings.Join(parts, ". ")
}

// outsidePrincipal reports whether a principal lies outside the function's
// account (and is not trusted), and whether it is known to be inside the
// function's organization.
func outsidePrincipal(pass *audit.Pass, p audit.ControlPrincipal) (outside, inOrg bool) {
	fn := pass.Function
	org := ""
	if a := pass.Account(fn.Account); a != nil {
		org = a.OrgID
	}
	switch p.Kind {
	case audit.ControllerAnyPrincipal:
		return true, false
	case audit.ControllerOrganization:
		return true, org != "" && p.ID == org
	case audit.ControllerService, audit.ControllerFederated:
		return false, false
	}
	if p.Account == "" || p.Account == fn.Account || pass.Trusted(p.Account) {
		return false, false
	}
	if a := pass.Account(p.Account); a != nil && org != "" && a.OrgID == org {
		return true, true
	}
	return true, false
}
