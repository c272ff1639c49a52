package main

import (
	"context"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/azurefunctions"
)

// azureOptionsHook, when set, adjusts the Azure collector's options before it is
// built. Tests use it to point the real SDK clients at the SDK's fake servers
// with a fake credential; it is nil in normal runs.
var azureOptionsHook func(*azurefunctions.Options)

// newAzureCollector returns the Azure Functions collector for the scope in f.
// Credentials come from azidentity.DefaultAzureCredential (environment, workload
// identity, managed identity, Azure CLI, ...); see docs/azure.md.
func newAzureCollector(ctx context.Context, f *scanFlags) (audit.Collector, error) {
	opts := azurefunctions.Options{
		Subscriptions: append([]string(nil), f.Subscriptions...),
		Regions:       f.Regions,
		Progress:      f.OnProgress,
	}
	if !f.Now.IsZero() {
		now := f.Now
		opts.Now = func() time.Time { return now }
	}
	// The credential that answered the credential check, with its token.
	opts.Credential = f.azureCredential
	if azureOptionsHook != nil {
		azureOptionsHook(&opts)
	}
	c, err := azurefunctions.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	return closingCollector{c}, nil
}
