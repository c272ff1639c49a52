package main

import (
	"fmt"
	"os"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/examples/estate"
)

func cmdDemo(e *env, args []string) error {
	fs := newFlagSet(e, "demo", "demo [flags]\n\nAnalyzes the embedded sample estate (examples/estate): no cloud account, no network.\nThe sample's own gaps do not set exit code 3; --fail-on works as elsewhere.")
	var rf reportFlags
	rf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q (demo analyzes the embedded sample estate; use analyze FILE for your own)", pos[0])}
	}
	plan, err := rf.resolve()
	if err != nil {
		return err
	}
	inv, err := estate.Load()
	if err != nil {
		return fmt.Errorf("sample estate: %w", err)
	}
	plan.sample = true
	return plan.analyzeAndReport(e, inv)
}

func cmdAnalyze(e *env, args []string) error {
	fs := newFlagSet(e, "analyze", "analyze [flags] FILE...\n\nAnalyzes saved inventories (from fnaudit collect); several files are merged, - reads standard input.")
	var rf reportFlags
	rf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return &usageError{"want an inventory FILE (or - for standard input)"}
	}
	plan, err := rf.resolve()
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
		inv = audit.Merge(invs...)
	}
	return plan.analyzeAndReport(e, inv)
}

// readInventory loads an inventory from a file or, for "-", standard input; its
// errors name the file and the field.
func readInventory(e *env, path string) (*audit.Inventory, error) {
	if path == "-" {
		inv, err := audit.ReadInventory(e.stdin)
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
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return inv, nil
}
