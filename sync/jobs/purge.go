package jobs

import (
	"context"
	"fmt"
	"time"

	"guichet/sync/store"
)

// PurgeJob is the scan purge's name in the store's job runs.
const PurgeJob = "purge-scans"

// DefaultScanRetention is how long scan events are kept.
const DefaultScanRetention = 90 * 24 * time.Hour

// PurgeStore is what the purge needs.
type PurgeStore interface {
	PurgeScans(ctx context.Context, before time.Time) (store.PurgeReport, error)
	PurgeRateBuckets(ctx context.Context, now time.Time) (int, error)
	LastJobRun(ctx context.Context, name string) (time.Time, error)
	RecordJobRun(ctx context.Context, name string, at time.Time, result string) error
}

// Purge deletes scan events older than Retention, and the shared rate-limit buckets full again,
// every day at midnight in Loc, and at start when a midnight passed since the last recorded run.
type Purge struct {
	Store     PurgeStore
	Retention time.Duration // DefaultScanRetention when zero
	Loc       *time.Location
	Clock     Clock
	Log       interface {
		Info(msg string, args ...any)
		Error(msg string, args ...any)
	}
}

func (p *Purge) defaults() {
	a := AutoUse{Clock: p.Clock, Loc: p.Loc}
	a.defaults()
	p.Clock, p.Loc = a.Clock, a.Loc
	if p.Log == nil {
		p.Log = a.Log
	}
	if p.Retention <= 0 {
		p.Retention = DefaultScanRetention
	}
}

// Tick purges if due: never run, or last run before the latest midnight.
func (p *Purge) Tick(ctx context.Context) (*store.PurgeReport, error) {
	p.defaults()
	now := p.Clock.Now()
	last, err := p.Store.LastJobRun(ctx, PurgeJob)
	if err != nil {
		return nil, err
	}
	if !last.IsZero() && !last.Before(LastMidnight(now, p.Loc)) {
		return nil, nil
	}
	rep, err := p.Store.PurgeScans(ctx, now.Add(-p.Retention))
	if err != nil {
		return nil, fmt.Errorf("purge: %w", err)
	}
	if rep.RateBuckets, err = p.Store.PurgeRateBuckets(ctx, now); err != nil {
		return nil, fmt.Errorf("purge: %w", err)
	}
	if err := p.Store.RecordJobRun(ctx, PurgeJob, now, fmt.Sprintf("%d scan events, %d miss days, %d rate buckets", rep.ScanEvents, rep.MissDays, rep.RateBuckets)); err != nil {
		return &rep, err
	}
	p.Log.Info("purge", "scan_events", rep.ScanEvents, "miss_days", rep.MissDays, "rate_buckets", rep.RateBuckets)
	return &rep, nil
}

// Run ticks at start and then at every midnight until ctx ends; a failed run is retried
// after a minute.
func (p *Purge) Run(ctx context.Context) {
	p.defaults()
	for {
		wait := time.Minute
		if _, err := p.Tick(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			p.Log.Error("purge", "err", err)
		} else {
			now := p.Clock.Now()
			wait = NextMidnight(now, p.Loc).Sub(now)
		}
		select {
		case <-ctx.Done():
			return
		case <-p.Clock.After(wait):
		}
	}
}
