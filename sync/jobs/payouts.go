package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// PaymentCutJob is the payment cuts' name in the store's job runs.
const PaymentCutJob = "payment-cut"

// PayoutsStore is what the payouts jobs need.
type PayoutsStore interface {
	PricePending(ctx context.Context, now time.Time) (int, error)
	RunPaymentCut(ctx context.Context, day, now time.Time) (store.CutReport, error)
	LastJobRun(ctx context.Context, name string) (time.Time, error)
	RecordJobRun(ctx context.Context, name string, at time.Time, result string) error
}

// Payouts prices used bookings continuously (every Interval) and runs the payment cut on the
// 1st and the 16th at midnight in Loc, catching up at start when a payment day passed since the
// last recorded cut (the latest missed cut pays everything due before its cutoff, so older
// missed days need no run of their own). A cut is idempotent per day.
type Payouts struct {
	Store    PayoutsStore
	Loc      *time.Location // Europe/Paris
	Clock    Clock
	Interval time.Duration // pricing period; 30 s when zero
	Log      interface {
		Info(msg string, args ...any)
		Error(msg string, args ...any)
	}
}

func (p *Payouts) defaults() {
	a := AutoUse{Clock: p.Clock, Loc: p.Loc}
	a.defaults()
	p.Clock, p.Loc = a.Clock, a.Loc
	if p.Log == nil {
		p.Log = a.Log
	}
	if p.Interval <= 0 {
		p.Interval = 30 * time.Second
	}
}

// CutTick runs the payment cut if one is due at the clock's now: never run, or last run before
// the latest payment day. It returns the report when it ran.
func (p *Payouts) CutTick(ctx context.Context) (rep *store.CutReport, err error) {
	p.defaults()
	err = once(ctx, p.Store, PaymentCutJob, func(ctx context.Context) error {
		rep, err = p.cutTick(ctx)
		return err
	})
	return rep, err
}

func (p *Payouts) cutTick(ctx context.Context) (*store.CutReport, error) {
	now := p.Clock.Now()
	day := app.LastPaymentDay(now, p.Loc)
	last, err := p.Store.LastJobRun(ctx, PaymentCutJob)
	if err != nil {
		return nil, err
	}
	if !last.IsZero() && !last.Before(day) {
		return nil, nil
	}
	rep, err := p.Store.RunPaymentCut(ctx, day, now)
	if err != nil {
		return nil, fmt.Errorf("payment cut: %w", err)
	}
	summary := fmt.Sprintf("%s %s: %d transfer(s), %d venue(s) skipped", day.Format(time.DateOnly), rep.BatchLabel,
		len(rep.Statements), len(rep.Skipped))
	if err := p.Store.RecordJobRun(ctx, PaymentCutJob, now, summary); err != nil {
		return &rep, err
	}
	p.Log.Info("payment cut", "day", day.Format(time.DateOnly), "batch", rep.BatchLabel, "transfers", len(rep.Statements),
		"skipped", len(rep.Skipped), "already_done", rep.AlreadyDone)
	for _, s := range rep.Skipped {
		p.Log.Info("payment cut skipped a venue", "venue", s.VenueName, "amount_cents", s.AmountCents, "reason", s.Reason)
	}
	return &rep, nil
}

// Run prices and, when due, cuts; then waits for the next pricing period until ctx ends.
func (p *Payouts) Run(ctx context.Context) {
	p.defaults()
	for {
		if _, err := p.Store.PricePending(ctx, p.Clock.Now()); err != nil && ctx.Err() == nil {
			p.Log.Error("pricing", "err", err)
		}
		if _, err := p.CutTick(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrBusy) {
			p.Log.Error("payment cut", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-p.Clock.After(p.Interval):
		}
	}
}
