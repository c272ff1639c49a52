package audit

// Progress is a collector's running count of its work, reported as the work
// advances so that a caller can show one progress display for every provider
// (a rewritten line on a terminal, a periodic line in CI logs). Counts only
// grow during a run; Totals may grow as scopes are discovered (an
// organization's accounts, an account's enabled regions).
type Progress struct {
	Provider Provider `json:"provider"`
	// Scopes are accounts (AWS), projects (GCP) or subscriptions (Azure).
	Scopes     int `json:"scopes"`
	ScopesDone int `json:"scopesDone"`
	// Regions are account-regions (AWS), project-locations (GCP) or
	// subscription-level units of work (Azure) known so far and finished.
	Regions     int `json:"regions"`
	RegionsDone int `json:"regionsDone"`
	// Functions listed so far.
	Functions int `json:"functions"`
	// Done is set on the last report of a run.
	Done bool `json:"done"`
}

// ProgressFunc receives Progress reports. Collectors call it from any
// goroutine, serialised per collector; it must return quickly.
type ProgressFunc func(Progress)
