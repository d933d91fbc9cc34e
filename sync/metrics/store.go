package metrics

import (
	"context"
	"time"

	"guichet/app"
	"guichet/app/allocine"
	"guichet/sync/store"
)

// Store counts what goes through a store: validations by outcome, pushes and their scans, pulls,
// and the runs of the scheduled work the jobs call it for. Everything else passes through.
type Store struct {
	store.Store
	m *Metrics
}

// Wrap returns st counted by m.
func (m *Metrics) Wrap(st store.Store) *Store { return &Store{Store: st, m: m} }

// UseBooking counts the validation's outcome.
func (s *Store) UseBooking(ctx context.Context, offererID int64, token string, v store.Validator, now time.Time) (app.Outcome, error) {
	out, err := s.Store.UseBooking(ctx, offererID, token, v, now)
	if err != nil {
		s.m.validations.WithLabelValues("ERROR").Inc()
	} else {
		s.m.validations.WithLabelValues(string(out.Code)).Inc()
	}
	return out, err
}

// PushScans counts the push and each event's outcome.
func (s *Store) PushScans(ctx context.Context, key *app.APIKey, device string, events []store.ScanEvent, now time.Time) ([]store.ScanResult, error) {
	res, err := s.Store.PushScans(ctx, key, device, events, now)
	s.m.pushes.Inc()
	for _, r := range res {
		s.m.scans.WithLabelValues(string(r.Outcome.Code)).Inc()
	}
	return res, err
}

// Changes counts a pull.
func (s *Store) Changes(ctx context.Context, offererID, venueID, since int64, limit int) (store.Changes, error) {
	s.m.pulls.Inc()
	return s.Store.Changes(ctx, offererID, venueID, since, limit)
}

// ChangesFrom counts a pull.
func (s *Store) ChangesFrom(ctx context.Context, offererID, venueID, since int64, limit int, from time.Time) (store.Changes, error) {
	s.m.pulls.Inc()
	return s.Store.ChangesFrom(ctx, offererID, venueID, since, limit, from)
}

// AutoUse counts a run of the automatic validation.
func (s *Store) AutoUse(ctx context.Context, now time.Time) (int, error) {
	n, err := s.Store.AutoUse(ctx, now)
	s.m.Job("auto-use", err)
	return n, err
}

// PricePending counts a run of the pricing.
func (s *Store) PricePending(ctx context.Context, now time.Time) (int, error) {
	n, err := s.Store.PricePending(ctx, now)
	s.m.Job("pricing", err)
	return n, err
}

// RunPaymentCut counts a run of a payment cut.
func (s *Store) RunPaymentCut(ctx context.Context, day, now time.Time) (store.CutReport, error) {
	rep, err := s.Store.RunPaymentCut(ctx, day, now)
	s.m.Job("payment-cut", err)
	return rep, err
}

// ApplyAllocineImport counts a venue's Allociné import.
func (s *Store) ApplyAllocineImport(ctx context.Context, venueID int64, films []allocine.Film, now time.Time) (allocine.Report, error) {
	rep, err := s.Store.ApplyAllocineImport(ctx, venueID, films, now)
	s.m.Job("allocine-import", err)
	return rep, err
}

// Exclusive passes the job lock of a store that has one (see jobs.Exclusive).
func (s *Store) Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) (bool, error) {
	if ex, ok := s.Store.(interface {
		Exclusive(context.Context, string, func(context.Context) error) (bool, error)
	}); ok {
		return ex.Exclusive(ctx, name, fn)
	}
	return true, fn(ctx)
}
