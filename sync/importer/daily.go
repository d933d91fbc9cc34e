package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"guichet/sync/jobs"
)

// DailyJob is the daily import's name in the store's job runs.
const DailyJob = "allocine-import"

// Daily imports every venue with active settings once a day, at midnight in Loc, and at start
// when a midnight passed since the last recorded run (the same catch-up as jobs.AutoUse).
// Posters are refreshed after each venue's import (at most once a day each).
type Daily struct {
	Importer *Importer
	Loc      *time.Location
	Clock    jobs.Clock // the real clock when nil
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func (d *Daily) clock() jobs.Clock {
	if d.Clock == nil {
		return realClock{}
	}
	return d.Clock
}

// Tick imports every active venue if the job is due; it returns whether it ran. A venue whose
// feed fails does not stop the others (its report says why).
func (d *Daily) Tick(ctx context.Context) (ran bool, err error) {
	err = jobs.Once(ctx, d.Importer.Store, DailyJob, func(ctx context.Context) error {
		ran, err = d.tick(ctx)
		return err
	})
	return ran, err
}

func (d *Daily) tick(ctx context.Context) (bool, error) {
	st := d.Importer.Store
	now := d.clock().Now()
	last, err := st.LastJobRun(ctx, DailyJob)
	if err != nil {
		return false, err
	}
	if !last.IsZero() && !last.Before(jobs.LastMidnight(now, d.Loc)) {
		return false, nil
	}
	settings, err := st.ListAllocineSettings(ctx)
	if err != nil {
		return false, err
	}
	ok, failed := 0, 0
	for _, s := range settings {
		if _, err := d.Importer.Import(ctx, s.VenueID, nil); err != nil {
			if !errors.Is(err, ErrFeed) {
				return true, err
			}
			failed++
			d.Importer.log().Warn("allocine import", "venue", s.VenueID, "err", err)
			continue
		}
		ok++
		if _, err := d.Importer.RefreshPosters(ctx, s.VenueID); err != nil {
			d.Importer.log().Warn("posters", "venue", s.VenueID, "err", err)
		}
	}
	return true, st.RecordJobRun(ctx, DailyJob, now, fmt.Sprintf("imported %d, failed %d", ok, failed))
}

// Run ticks at start and then at every midnight until ctx ends; an error retries after a minute.
func (d *Daily) Run(ctx context.Context) {
	for {
		wait := time.Minute
		if _, err := d.Tick(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, jobs.ErrBusy) {
				wait = jobs.BusyRetry
			} else {
				d.Importer.log().Error("allocine daily import", "err", err)
			}
		} else {
			now := d.clock().Now()
			wait = jobs.NextMidnight(now, d.Loc).Sub(now)
		}
		select {
		case <-ctx.Done():
			return
		case <-d.clock().After(wait):
		}
	}
}
