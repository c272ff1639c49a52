package gcpfunctions

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

var testNow = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// startCollector serves e and returns a collector pointed at it.
func startCollector(t *testing.T, e *gcpfake.Estate, projects ...string) (*Collector, *gcpfake.Server) {
	t.Helper()
	srv, err := gcpfake.Start(e)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	col, err := New(context.Background(), Options{
		Projects:      projects,
		ClientOptions: srv.ClientOptions(),
		Retry:         RetryPolicy{Initial: time.Millisecond, Max: 5 * time.Millisecond},
		Now:           func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { col.Close() })
	return col, srv
}

func collect(t *testing.T, col *Collector) *audit.Inventory {
	t.Helper()
	inv, err := col.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("GCP_DUMP") != "" {
		b, _ := json.MarshalIndent(inv, "", "  ")
		os.WriteFile(os.Getenv("GCP_DUMP"), b, 0o644)
	}
	return inv
}

func fnByName(inv *audit.Inventory, name string) *audit.Function {
	for i := range inv.Functions {
		if inv.Functions[i].Name == name {
			return &inv.Functions[i]
		}
	}
	return nil
}

func TestCollectDump(t *testing.T) {
	col, _ := startCollector(t, testEstate(), prodProject, denied, devProject)
	inv := collect(t, col)
	if len(inv.Functions) == 0 {
		t.Fatal("no functions")
	}
	_ = strings.TrimSpace
}
