package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/examples/estate"
	"github.com/spf13/cobra"
)

func newDemoCmd(e *env) *cobra.Command {
	var rf reportFlags
	cmd := &cobra.Command{
		Use:   "demo [flags]",
		Short: "Analyze the embedded sample estate (no cloud account, no network)",
		Long: `Analyzes the embedded sample estate (examples/estate): about forty functions on
AWS, GCP and Azure with failing and passing cases for every rule. No cloud
account, no network. The sample's own gaps do not set exit code 3; --fail-on
works as elsewhere.`,
		Example: `  fnaudit demo
  fnaudit demo --format json --output demo.json
  fnaudit demo --details --min-severity high
  fnaudit demo --suppressions examples/suppressions.yaml`,
		Args: noArgs("demo analyzes the embedded sample estate; use analyze FILE for your own"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := applyEnv(cmd.Flags(), e.getenv)
			if err != nil {
				return err
			}
			plan, err := rf.resolve(o)
			if err != nil {
				return err
			}
			inv, err := estate.Load()
			if err != nil {
				return fmt.Errorf("sample estate: %w", err)
			}
			plan.sample = true
			return plan.analyzeAndReport(e, inv)
		},
	}
	rf.register(cmd.Flags())
	registerCompletions(cmd)
	return cmd
}

func newAnalyzeCmd(e *env) *cobra.Command {
	var rf reportFlags
	cmd := &cobra.Command{
		Use:   "analyze [flags] FILE...",
		Short: "Analyze saved inventories (from fnaudit collect)",
		Long: `Analyzes inventories that fnaudit collect wrote (fnaudit.inventory/v1). Several
files are merged into one report; "-" reads standard input.`,
		Example: `  fnaudit analyze inventory.json
  fnaudit analyze aws.json gcp.json --format ocsf --output findings.json
  fnaudit collect --provider aws | fnaudit analyze - --fail-on high`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{"want an inventory FILE (or - for standard input)"}
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return []string{"json"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, pos []string) error {
			o, err := applyEnv(cmd.Flags(), e.getenv)
			if err != nil {
				return err
			}
			plan, err := rf.resolve(o)
			if err != nil {
				return err
			}
			stdins := 0
			for _, p := range pos {
				if p == "-" {
					stdins++
				}
			}
			if stdins > 1 {
				return &usageError{"- (standard input) given twice"}
			}
			invs := make([]*audit.Inventory, 0, len(pos))
			for _, path := range pos {
				inv, err := readInventory(e, path)
				if err != nil {
					return err
				}
				invs = append(invs, inv)
			}
			inv := invs[0]
			if len(invs) > 1 {
				var conflicts []string
				inv, conflicts = audit.MergeChecked(invs...)
				plan.warnings = append(plan.warnings, conflicts...)
			}
			return plan.analyzeAndReport(e, inv)
		},
	}
	rf.register(cmd.Flags())
	registerCompletions(cmd)
	return cmd
}

// readInventory loads an inventory from a file or, for "-", standard input; its
// errors name the file and the field.
func readInventory(e *env, path string) (*audit.Inventory, error) {
	if path == "-" {
		inv, err := audit.ReadInventory(e.stdin)
		var ni *audit.NotInventoryError
		if errors.As(err, &ni) {
			return nil, fmt.Errorf("<stdin> is %s, not an inventory; analyze takes the output of `fnaudit collect`", ni.What)
		}
		if err != nil {
			return nil, fmt.Errorf("<stdin>: %w", err)
		}
		return inv, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, want an inventory JSON file", path)
	}
	inv, err := audit.ReadInventory(f)
	var ni *audit.NotInventoryError
	if errors.As(err, &ni) {
		return nil, fmt.Errorf("%s is %s, not an inventory; analyze takes the output of `fnaudit collect`", path, ni.What)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return inv, nil
}
