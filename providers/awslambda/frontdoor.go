package awslambda

import (
	"context"
	"sort"

	"github.com/fnaudit/fnaudit/audit"
	"github.com/fnaudit/fnaudit/providers/awsfrontdoor"
)

// frontDoorOptions are Options.FrontDoors with the collector's MaxAttempts
// when they set none.
func (r *run) frontDoorOptions() awsfrontdoor.Options {
	o := r.c.opts.FrontDoors
	if o.MaxAttempts == 0 {
		o.MaxAttempts = r.c.opts.MaxAttempts
	}
	return o
}

// addFrontDoors keeps the doors and gaps of one front-door collection
// (an account-region's API Gateway APIs and load balancers, or an account's
// CloudFront distributions).
func (r *run) addFrontDoors(res awsfrontdoor.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.doors = append(r.doors, res.Doors...)
	r.gaps = append(r.gaps, res.Gaps...)
}

// frontDoorsOf starts collecting an account-region's front doors and returns
// the function that waits for them and keeps them.
func (r *run) frontDoorsOf(ctx context.Context, t target, region string) (wait func()) {
	done := make(chan awsfrontdoor.Result, 1)
	go func() { done <- awsfrontdoor.CollectRegion(ctx, t.cfg, t.id, region, r.frontDoorOptions()) }()
	return func() { r.addFrontDoors(<-done) }
}

// sortedDoors returns the doors in a stable order (by account, region, id):
// regions finish in any order.
func (r *run) sortedDoors() []audit.FrontDoor {
	r.mu.Lock()
	defer r.mu.Unlock()
	sort.SliceStable(r.doors, func(i, j int) bool {
		a, b := &r.doors[i], &r.doors[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.ID < b.ID
	})
	return r.doors
}
