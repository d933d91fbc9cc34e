package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// Outbox is what the worker needs from the store.
type Outbox interface {
	ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Notification, error)
	NotificationSent(ctx context.Context, id int64, now time.Time) error
	NotificationFailed(ctx context.Context, id int64, errText string, retryAt time.Time) error
	GetBooking(ctx context.Context, id int64) (*app.Booking, error)
}

// Worker drains the outbox: it claims due rows, builds and sends each message, and marks it
// sent, or schedules a retry with exponential back-off, or fails it for good (malformed
// address, too many attempts).
type Worker struct {
	Store       Outbox
	Transport   Transport
	From        string
	Log         *slog.Logger
	Now         func() time.Time // time.Now when nil
	Poll        time.Duration    // between drains (2 s when 0)
	Lease       time.Duration    // a claimed row is retaken after this if not settled (5 min when 0)
	BaseDelay   time.Duration    // first retry delay, doubled each attempt (30 s when 0)
	MaxDelay    time.Duration    // cap of the retry delay (1 h when 0)
	MaxAttempts int              // then FAILED (20 when 0)
	Batch       int              // rows claimed at once (5 when 0)
	// Sign gives a booking's signed QR payload (tickets.Signer.Payload); nil, or an error, gives
	// the plain payload.
	Sign func(ctx context.Context, b *app.Booking) (string, error)
}

func (w *Worker) defaults() {
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Log == nil {
		w.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if w.Poll <= 0 {
		w.Poll = 2 * time.Second
	}
	if w.Lease <= 0 {
		w.Lease = 5 * time.Minute
	}
	if w.BaseDelay <= 0 {
		w.BaseDelay = 30 * time.Second
	}
	if w.MaxDelay <= 0 {
		w.MaxDelay = time.Hour
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 20
	}
	if w.Batch <= 0 {
		w.Batch = 5
	}
	if w.From == "" {
		w.From = "Guichet <noreply@guichet.local>"
	}
}

// Backoff is the delay before the next attempt after attempts failed ones.
func (w *Worker) Backoff(attempts int) time.Duration {
	w.defaults()
	d := w.BaseDelay
	for i := 1; i < attempts && d < w.MaxDelay; i++ {
		d *= 2
	}
	return min(d, w.MaxDelay)
}

// Run drains the outbox every Poll until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Drain sends every due row once and returns how many were sent. Per-row failures are logged
// and scheduled for retry; the error is for the outbox itself (the database).
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	sent := 0
	for {
		rows, err := w.Store.ClaimNotifications(ctx, w.Now(), w.Lease, w.Batch)
		if err != nil {
			return sent, err
		}
		if len(rows) == 0 {
			return sent, nil
		}
		for i := range rows {
			ok, err := w.deliver(ctx, &rows[i])
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(rows) < w.Batch {
			return sent, nil
		}
	}
}

// deliver sends one claimed row and settles it; err is for bookkeeping failures only.
func (w *Worker) deliver(ctx context.Context, n *store.Notification) (bool, error) {
	log := w.Log.With("outbox", n.ID, "booking", n.BookingID, "event", n.Event, "audience", n.Audience, "attempt", n.Attempts)
	b, err := w.Store.GetBooking(ctx, n.BookingID)
	if err != nil {
		return false, err
	}
	payload := "PASSCULTURE:v3;TOKEN:" + b.Token
	if w.Sign != nil && n.Event == store.EventBooked {
		if p, err := w.Sign(ctx, b); err != nil {
			log.Error("sign ticket, sending the plain QR code", "err", err)
		} else {
			payload = p
		}
	}
	m, err := BuildSigned(n, b, location(b.VenueTimezone), w.From, w.Now(), payload)
	if err == nil {
		// Each send of the batch gets its share of half the lease, so the whole batch is settled
		// before any of its leases expires and no other sender retakes a row being sent.
		sendCtx, cancel := context.WithTimeout(ctx, w.Lease/time.Duration(2*w.Batch))
		err = w.Transport.Send(sendCtx, n.ID, m)
		cancel()
	}
	// Settle the row even when serve is stopping, so that it is not left claimed until its lease ends.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err == nil {
		log.Info("e-mail sent")
		return true, w.Store.NotificationSent(ctx, n.ID, w.Now())
	}
	var bad *ErrBadAddress
	if errors.As(err, &bad) || n.Attempts >= w.MaxAttempts {
		log.Error("e-mail failed for good", "err", err)
		return false, w.Store.NotificationFailed(ctx, n.ID, err.Error(), time.Time{})
	}
	retry := w.Now().Add(w.Backoff(n.Attempts))
	log.Warn("e-mail not sent, will retry", "err", err, "retry_at", retry.UTC().Format(time.RFC3339))
	return false, w.Store.NotificationFailed(ctx, n.ID, err.Error(), retry)
}

func location(name string) *time.Location { return app.Location(name) }
