package main

import (
	"context"
	"errors"

	"github.com/fnaudit/fnaudit/audit"
)

// newAWSCollector returns the aws collector for the scope in f.
//
// Placeholder until the aws provider adapter lands: it reports that the provider
// is not available so scan and collect say so clearly instead of failing silently.
func newAWSCollector(ctx context.Context, f *scanFlags) (audit.Collector, error) {
	return nil, errors.New("provider aws is not available in this build yet")
}
