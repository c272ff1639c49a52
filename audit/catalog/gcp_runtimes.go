package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

//go:embed gcp_runtimes.json
var gcpRuntimesJSON []byte

// GCPRuntime is a Cloud Functions runtime's published lifecycle: on the
// deprecation date Google stops patching it; from the decommission date functions
// on it can no longer be deployed and may be disabled. A zero date is not
// announced yet.
type GCPRuntime struct {
	Runtime      string
	Deprecation  time.Time
	Decommission time.Time
}

// GCPRuntimesSource says where the embedded table comes from.
var GCPRuntimesSource string

var (
	gcpRuntimesOnce sync.Once
	gcpRuntimes     map[string]GCPRuntime
	gcpRuntimesErr  error
)

func loadGCPRuntimes() {
	var doc struct {
		Source   string `json:"source"`
		Runtimes []struct {
			Runtime      string `json:"runtime"`
			Deprecation  string `json:"deprecation"`
			Decommission string `json:"decommission"`
		} `json:"runtimes"`
	}
	if err := json.Unmarshal(gcpRuntimesJSON, &doc); err != nil {
		gcpRuntimesErr = fmt.Errorf("catalog: gcp_runtimes.json: %w", err)
		return
	}
	GCPRuntimesSource = doc.Source
	gcpRuntimes = make(map[string]GCPRuntime, len(doc.Runtimes))
	for i, r := range doc.Runtimes {
		rt := GCPRuntime{Runtime: r.Runtime}
		var err error
		if rt.Deprecation, err = ParseGCPDate(r.Deprecation); err != nil {
			gcpRuntimesErr = fmt.Errorf("catalog: gcp_runtimes.json: runtimes[%d].deprecation: %w", i, err)
			return
		}
		if rt.Decommission, err = ParseGCPDate(r.Decommission); err != nil {
			gcpRuntimesErr = fmt.Errorf("catalog: gcp_runtimes.json: runtimes[%d].decommission: %w", i, err)
			return
		}
		gcpRuntimes[r.Runtime] = rt
	}
}

// ParseGCPDate parses a YYYY-MM-DD date as midnight UTC; "" is the zero time.
func ParseGCPDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse("2006-01-02", s)
}

// GCPRuntimeLifecycle returns the embedded lifecycle of a Cloud Functions runtime.
func GCPRuntimeLifecycle(runtime string) (GCPRuntime, bool) {
	gcpRuntimesOnce.Do(loadGCPRuntimes)
	r, ok := gcpRuntimes[runtime]
	return r, ok
}

// GCPRuntimesError reports whether the embedded table failed to load (a test
// checks it is nil).
func GCPRuntimesError() error {
	gcpRuntimesOnce.Do(loadGCPRuntimes)
	return gcpRuntimesErr
}
