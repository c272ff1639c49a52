package main

import (
	"context"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions"
)

// gcpOptionsHook, when set, adjusts the GCP collector's options before it is
// built. Tests use it to point the real Google Cloud clients at gcpfake; it is
// nil in normal runs.
var gcpOptionsHook func(*gcpfunctions.Options)

// newGCPCollector returns the Cloud Functions collector for the scope in f.
// Credentials come from Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
// gcloud's application-default login, the metadata server, or workload identity
// federation, e.g. from AWS); see docs/gcp.md.
func newGCPCollector(ctx context.Context, f *scanFlags) (audit.Collector, error) {
	opts := gcpfunctions.Options{
		Projects: append([]string(nil), f.Projects...),
		Regions:  f.Regions,
		Progress: f.OnProgress,
	}
	if !f.Now.IsZero() {
		now := f.Now
		opts.Now = func() time.Time { return now }
	}
	if gcpOptionsHook != nil {
		gcpOptionsHook(&opts)
	}
	c, err := gcpfunctions.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	return closingCollector{c}, nil
}

// closingCollector closes the Google Cloud clients once collection is done.
// closingCollector closes its collector (its clients and idle connections)
// once Collect returns.
type closingCollector struct {
	c interface {
		audit.Collector
		Close() error
	}
}

func (cc closingCollector) Provider() audit.Provider { return cc.c.Provider() }

func (cc closingCollector) Collect(ctx context.Context) (*audit.Inventory, error) {
	defer cc.c.Close()
	return cc.c.Collect(ctx)
}
