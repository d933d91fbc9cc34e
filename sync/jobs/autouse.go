// Package jobs runs the server's scheduled work inside `serve`: the automatic validation of
// bookings (pass Culture's daily auto-use at midnight, Europe/Paris), with catch-up after
// downtime recorded in the database.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// AutoUseJob is the job's name in the store's job runs.
const AutoUseJob = "auto-use"

// Store is what the scheduler needs.
type Store interface {
	AutoUse(ctx context.Context, now time.Time) (int, error)
	LastJobRun(ctx context.Context, name string) (time.Time, error)
	RecordJobRun(ctx context.Context, name string, at time.Time, result string) error
}

// Clock is the scheduler's time: Now and a timer. Tests inject a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// AutoUse runs the store's AutoUse daily at midnight in Loc, and at start when a midnight
// passed since the last recorded run. AutoUse is idempotent, so a run repeated by two replicas
// or after a crash changes nothing more.
type AutoUse struct {
	Store Store
	Loc   *time.Location // Europe/Paris
	Clock Clock          // the real clock when nil
	Log   *slog.Logger
}

func (a *AutoUse) defaults() {
	if a.Clock == nil {
		a.Clock = realClock{}
	}
	if a.Log == nil {
		a.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if a.Loc == nil {
		a.Loc = time.UTC
	}
}

// LastMidnight returns the latest midnight in loc at or before t.
func LastMidnight(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

// NextMidnight returns the first midnight in loc strictly after t.
func NextMidnight(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
}

// Tick runs the job if it is due at the clock's now: never run, or last run before the latest
// midnight. It returns whether it ran and how many bookings it validated.
func (a *AutoUse) Tick(ctx context.Context) (ran bool, n int, err error) {
	a.defaults()
	err = once(ctx, a.Store, AutoUseJob, func(ctx context.Context) error {
		ran, n, err = a.tick(ctx)
		return err
	})
	return ran, n, err
}

func (a *AutoUse) tick(ctx context.Context) (bool, int, error) {
	now := a.Clock.Now()
	last, err := a.Store.LastJobRun(ctx, AutoUseJob)
	if err != nil {
		return false, 0, err
	}
	if !last.IsZero() && !last.Before(LastMidnight(now, a.Loc)) {
		return false, 0, nil
	}
	n, err := a.Store.AutoUse(ctx, now)
	if err != nil {
		return false, 0, fmt.Errorf("auto-use: %w", err)
	}
	if err := a.Store.RecordJobRun(ctx, AutoUseJob, now, fmt.Sprintf("validated %d", n)); err != nil {
		return true, n, err
	}
	a.Log.Info("auto-use", "validated", n, "as_of", now.UTC().Format(time.RFC3339))
	return true, n, nil
}

// Run ticks at start (catch-up) and then at every midnight until ctx ends. A failed run is
// retried after a minute.
func (a *AutoUse) Run(ctx context.Context) {
	a.defaults()
	for {
		wait := time.Duration(0)
		if _, _, err := a.Tick(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = time.Minute
			if errors.Is(err, ErrBusy) {
				wait = BusyRetry
			} else {
				a.Log.Error("auto-use", "err", err)
			}
		} else {
			now := a.Clock.Now()
			wait = NextMidnight(now, a.Loc).Sub(now)
		}
		select {
		case <-ctx.Done():
			return
		case <-a.Clock.After(wait):
		}
	}
}
