package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

const outboxCols = `id, booking_id, event, audience, recipient, reason, status, attempts, next_attempt_us, last_error,
	created_us, sent_us`

func scanNotification(row rowScanner) (*store.Notification, error) {
	var n store.Notification
	var reason string
	var next, created int64
	var sent sql.NullInt64
	if err := row.Scan(&n.ID, &n.BookingID, &n.Event, &n.Audience, &n.Recipient, &reason, &n.Status, &n.Attempts,
		&next, &n.LastError, &created, &sent); err != nil {
		return nil, err
	}
	n.Reason = app.CancellationReason(reason)
	n.NextAttempt, n.CreatedAt, n.SentAt = fromUS(next), fromUS(created), fromNullUS(sent)
	return &n, nil
}

// ClaimNotifications claims due outbox rows: PENDING rows whose next attempt has come, and
// SENDING rows whose lease expired (a sender that crashed mid-send). Claiming counts an attempt
// and sets a lease, so that no other sender takes the row while it is being sent.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Notification, error) {
	var out []store.Notification
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids, err := s.idsWhere(ctx, tx, `SELECT id FROM outbox
			WHERE (status = 'PENDING' AND next_attempt_us <= ?) OR (status = 'SENDING' AND lease_until_us <= ?)
			ORDER BY next_attempt_us, id LIMIT ?`, us(now), us(now), limit)
		if err != nil {
			return err
		}
		for _, id := range ids {
			// The condition is repeated so that a row another sender claimed meanwhile (possible on
			// a database with concurrent writers) is skipped rather than claimed twice.
			res, err := tx.ExecContext(ctx, s.q(`UPDATE outbox SET status = 'SENDING', attempts = attempts + 1, lease_until_us = ?
				WHERE id = ? AND ((status = 'PENDING' AND next_attempt_us <= ?) OR (status = 'SENDING' AND lease_until_us <= ?))`),
				us(now.Add(lease)), id, us(now), us(now))
			if err != nil {
				return fmt.Errorf("claim notification: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				continue
			}
			n, err := scanNotification(tx.QueryRowContext(ctx, s.q(`SELECT `+outboxCols+` FROM outbox WHERE id = ?`), id))
			if err != nil {
				return fmt.Errorf("claim notification: %w", err)
			}
			out = append(out, *n)
		}
		return nil
	})
	return out, err
}

// NotificationSent marks a row sent; it will never be claimed again.
func (s *Store) NotificationSent(ctx context.Context, id int64, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE outbox SET status = 'SENT', sent_us = ?, lease_until_us = NULL, last_error = ''
			WHERE id = ?`), us(now), id)
		if err != nil {
			return fmt.Errorf("mark notification sent: %w", err)
		}
		return nil
	})
}

// NotificationFailed records a failed attempt: the row goes back to PENDING until retryAt, or
// to FAILED for good when retryAt is zero.
func (s *Store) NotificationFailed(ctx context.Context, id int64, errText string, retryAt time.Time) error {
	if len(errText) > 1000 {
		errText = errText[:1000]
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if retryAt.IsZero() {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE outbox SET status = 'FAILED', lease_until_us = NULL, last_error = ?
				WHERE id = ?`), errText, id)
		} else {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE outbox SET status = 'PENDING', lease_until_us = NULL, last_error = ?,
				next_attempt_us = ? WHERE id = ?`), errText, us(retryAt), id)
		}
		if err != nil {
			return fmt.Errorf("mark notification failed: %w", err)
		}
		return nil
	})
}

// ListNotifications returns a booking's outbox rows in order.
func (s *Store) ListNotifications(ctx context.Context, bookingID int64) ([]store.Notification, error) {
	return list(ctx, s.rdb, "list notifications", scanNotification, s.q(`SELECT `+outboxCols+` FROM outbox WHERE booking_id = ? ORDER BY id`), bookingID)
}

// LastJobRun returns when the named job last ran, zero if never.
func (s *Store) LastJobRun(ctx context.Context, name string) (time.Time, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT last_run_us FROM job_runs WHERE name = ?`), name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last job run: %w", err)
	}
	return fromUS(at), nil
}

// RecordJobRun records a run of the named job.
func (s *Store) RecordJobRun(ctx context.Context, name string, at time.Time, result string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO job_runs (name, last_run_us, result) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET last_run_us = excluded.last_run_us, result = excluded.result`), name, us(at), result)
		if err != nil {
			return fmt.Errorf("record job run: %w", err)
		}
		return nil
	})
}

// SkipNotifications settles, without sending, the pending e-mails about an offerer's bookings
// (FAILED with note as the reason). The demo seed uses it so that its made-up history does not
// flood the mail folder; nothing in production calls it.
func (s *Store) SkipNotifications(ctx context.Context, offererID int64, note string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE outbox SET status = 'FAILED', last_error = ?
			WHERE status = 'PENDING' AND booking_id IN (SELECT id FROM bookings WHERE offerer_id = ?)`), note, offererID)
		if err != nil {
			return fmt.Errorf("skip notifications: %w", err)
		}
		return nil
	})
}

// OutboxDepth counts the e-mails waiting to be sent (pending, or being sent).
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	if err := s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status IN ('PENDING', 'SENDING')`).Scan(&n); err != nil {
		return 0, fmt.Errorf("outbox depth: %w", err)
	}
	return n, nil
}
