// Command library shows fnaudit used as a Go library: get an inventory (build it
// in code, or read one that `fnaudit collect` saved), run every rule over it,
// apply a suppressions file, look at the findings, and render a report.
//
//	go run ./examples/library                 # the small inventory built below
//	go run ./examples/library inventory.json  # an inventory saved by fnaudit collect
package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/report"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/audit/suppress"
)

// suppressions is the accepted-risk file applied to the report.
//
//go:embed suppressions.yaml
var suppressions []byte

func main() {
	if err := run(os.Stdout, os.Args[1:], time.Now().UTC()); err != nil {
		fmt.Fprintln(os.Stderr, "library:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, args []string, now time.Time) error {
	// 1. An inventory: read from a file, or built in code.
	var inv *audit.Inventory
	if len(args) > 0 {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		if inv, err = audit.ReadInventory(f); err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
	} else {
		inv = buildInventory()
	}

	// 2. Run every rule. The analyzer is pure: same inventory, rules and clock,
	//    same report.
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: now})

	// 3. Apply accepted risks. Suppressed findings stay in the report.
	entries, err := suppress.Parse(suppressions)
	if err != nil {
		return fmt.Errorf("suppressions.yaml: %w", err)
	}
	suppress.Apply(rep, entries, now)

	// 4. Findings are plain data: filter and count them as you like.
	for _, f := range rep.Findings {
		if f.Status == audit.StatusFail && f.Severity.AtLeast(audit.High) {
			fmt.Fprintf(w, "needs attention: %s %s on %s\n", f.Severity, f.Rule, f.Function)
		}
	}
	fmt.Fprintln(w)

	// 5. Render for people (text) or machines (json, ocsf, csv).
	return report.Render(w, report.Text, rep, report.Options{Width: 110})
}

// buildInventory describes two Cloud Functions by hand, the way a provider
// adapter would: one anyone may invoke, one whose service account owns the
// project.
func buildInventory() *audit.Inventory {
	const project = "acme-prod-123"
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	inv := audit.NewInventory(at)
	inv.Accounts = []audit.Account{{Provider: audit.GCP, ID: project, Regions: []string{"europe-west1"}}}

	fnName := func(name string) string { return "projects/" + project + "/locations/europe-west1/functions/" + name }
	list := audit.Source{API: "cloudfunctions.functions.list", Ref: "projects/" + project + "/locations/-"}

	inv.Functions = append(inv.Functions,
		audit.Function{
			Provider: audit.GCP, Account: project, Region: "europe-west1",
			Name: "status-page", ID: fnName("status-page"), Runtime: "nodejs22",
			GCP: &audit.GCPFunction{Generation: "1", Ingress: "ALLOW_ALL"},
			Access: []audit.Access{{
				Principal: audit.Principal{Kind: audit.PrincipalPublic, ID: "allUsers"},
				Effect:    audit.Allow,
				Role:      "roles/cloudfunctions.invoker",
				Source:    audit.Source{API: "cloudfunctions.functions.getIamPolicy", Ref: fnName("status-page")},
			}},
			Source: list,
		},
		audit.Function{
			Provider: audit.GCP, Account: project, Region: "europe-west1",
			Name: "deploy-hook", ID: fnName("deploy-hook"), Runtime: "python312",
			Identities: []string{"deployer@" + project + ".iam.gserviceaccount.com"},
			GCP:        &audit.GCPFunction{Generation: "2", Ingress: "ALLOW_INTERNAL_ONLY"},
			Source:     list,
		},
	)
	inv.Identities = append(inv.Identities, audit.Identity{
		Provider: audit.GCP, Account: project, Kind: "gcp-service-account",
		ID: "deployer@" + project + ".iam.gserviceaccount.com",
		Policies: []audit.Policy{{
			Kind: audit.PolicyBinding, Name: "roles/owner", ID: "roles/owner", Scope: "projects/" + project,
			Grants: []audit.Grant{{Effect: audit.Allow, Actions: []string{"*"}, Scope: "projects/" + project}},
			Source: audit.Source{API: "resourcemanager.projects.getIamPolicy", Ref: "projects/" + project},
		}},
		Source: audit.Source{API: "iam.serviceAccounts.get", Ref: "projects/" + project + "/serviceAccounts/deployer@" + project + ".iam.gserviceaccount.com"},
	})
	return inv
}
