package main

import (
	"context"
	"errors"

	"github.com/fnaudit/fnaudit/audit"
)

// newGCPCollector returns the gcp collector for the scope in f.
//
// Placeholder until the gcp provider adapter lands: it reports that the provider
// is not available so scan and collect say so clearly instead of failing silently.
func newGCPCollector(ctx context.Context, f *scanFlags) (audit.Collector, error) {
	return nil, errors.New("provider gcp is not available in this build yet")
}
