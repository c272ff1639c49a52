package main

import (
	"context"
	"errors"

	"github.com/fnaudit/fnaudit/audit"
)

// newAzureCollector returns the azure collector for the scope in f.
//
// Placeholder until the azure provider adapter lands: it reports that the provider
// is not available so scan and collect say so clearly instead of failing silently.
func newAzureCollector(ctx context.Context, f *scanFlags) (audit.Collector, error) {
	return nil, errors.New("provider azure is not available in this build yet")
}
