package gcpfunctions_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/audit/rules"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions"
	"github.com/fnaudit/fnaudit/providers/gcpfunctions/gcpfake"
)

// Example collects two projects and counts the GCP findings. Here the clients
// talk to the in-process fake; in real use leave ClientOptions empty and
// Application Default Credentials are used.
func Example() {
	srv, err := gcpfake.Start(gcpfake.Scenario())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	c, err := gcpfunctions.New(ctx, gcpfunctions.Options{
		Projects:      []string{"acme-prod-123", "acme-denied-456"},
		ClientOptions: srv.ClientOptions(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	inv, err := c.Collect(ctx)
	if err != nil {
		log.Fatal(err)
	}
	rep := audit.Analyze(inv, rules.All(), audit.Config{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	fmt.Println("functions:", len(inv.Functions))
	fmt.Println("public-invoke findings:", rep.Summary.ByCategory[audit.PublicInvoke])
	for _, g := range rep.Gaps {
		if g.Account == "acme-denied-456" && g.API == "cloudfunctions.functions.list" {
			fmt.Println("gap:", g.Account, g.Reason)
			break
		}
	}
	// Output:
	// functions: 6
	// public-invoke findings: 4
	// gap: acme-denied-456 access-denied
}
