package cache

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"guichet/sync/protocol"
)

// Digest sums up the cached bookings per showtime, as the server does (protocol.BookingHash).
func (c *Cache) Digest(ctx context.Context) (map[int64]protocol.ShowtimeDigest, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, stock_id, status, quantity FROM bookings ORDER BY stock_id, id`)
	if err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	defer rows.Close()
	out := map[int64]protocol.ShowtimeDigest{}
	var cur int64
	var h *protocol.BookingHash
	flush := func() {
		if h != nil {
			n, sum := h.Sum()
			out[cur] = protocol.ShowtimeDigest{StockID: cur, Bookings: n, Hash: sum}
		}
	}
	for rows.Next() {
		var id, stock int64
		var status string
		var qty int
		if err := rows.Scan(&id, &stock, &status, &qty); err != nil {
			return nil, fmt.Errorf("digest: %w", err)
		}
		if h == nil || stock != cur {
			flush()
			cur, h = stock, protocol.NewBookingHash()
		}
		h.Add(id, status, qty)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("digest: %w", err)
	}
	flush()
	return out, nil
}

// MaxRev is the latest server revision among the cached offers, showtimes and bookings.
func (c *Cache) MaxRev(ctx context.Context) (int64, error) {
	var n int64
	err := c.db.QueryRowContext(ctx, `SELECT MAX(COALESCE((SELECT MAX(rev) FROM offers), 0), COALESCE((SELECT MAX(rev) FROM stocks), 0),
		COALESCE((SELECT MAX(rev) FROM bookings), 0))`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("latest revision: %w", err)
	}
	return n, nil
}

// Purge removes the showtimes starting before from and their bookings, except a booking with an
// event still waiting for the server: the copy keeps what the counter needs. The outbox loses the
// events the server answered more than OutboxKeep before from (the server keeps the history),
// except those it rejected unapplied (the outbox's row is their only trace); an event still
// waiting is never removed.
func (c *Cache) Purge(ctx context.Context, from time.Time) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		old := us(from.Add(-OutboxKeep))
		if _, err := tx.ExecContext(ctx, `DELETE FROM ob.outbox WHERE state = 'done' AND scanned_us < ? AND done_us < ?
			AND server_verdict <> 'REJECTED'`,
			old, old); err != nil {
			return fmt.Errorf("purge answered scans: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM bookings WHERE show_start_us < ?
			AND token NOT IN (SELECT token FROM ob.outbox WHERE state = 'pending')`, us(from)); err != nil {
			return fmt.Errorf("purge bookings: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM stocks WHERE starts_us < ?
			AND id NOT IN (SELECT stock_id FROM bookings)`, us(from)); err != nil {
			return fmt.Errorf("purge showtimes: %w", err)
		}
		return nil
	})
}

// OutboxKeep is how long the outbox keeps an event after the server answered it: without a
// limit it grew by every scan for as long as the counter was used, and every index with it.
const OutboxKeep = 30 * 24 * time.Hour
