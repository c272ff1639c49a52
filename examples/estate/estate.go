// Package estate is fnaudit's sample estate: realistic inventories of AWS Lambda,
// Google Cloud Functions and Azure Functions, with failing and passing cases for
// every rule, embedded so that `fnaudit demo` needs no cloud account and no
// network.
//
// Each *.json file in this directory is a complete inventory (schema
// fnaudit.inventory/v2); Load merges them. aws-frontdoors.json holds the
// API Gateway methods in front of functions listed by aws-invoke.json: its
// targets are "outside-scope" on their own and resolved by the merge.
package estate

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/fnaudit/fnaudit/audit"
)

//go:embed *.json
var files embed.FS

// Files returns the names of the estate's inventory files, sorted.
func Files() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Load parses every inventory file of the estate, in file-name order, and merges
// them into one inventory. An error names the file and the offending field.
func Load() (*audit.Inventory, error) {
	names := Files()
	if len(names) == 0 {
		return nil, errors.New("examples/estate: no inventory files embedded")
	}
	invs := make([]*audit.Inventory, 0, len(names))
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join("examples/estate", name), err)
		}
		inv, err := audit.ParseInventory(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join("examples/estate", name), err)
		}
		invs = append(invs, inv)
	}
	return audit.Merge(invs...), nil
}
