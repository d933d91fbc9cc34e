package cache

import (
	"context"
	"fmt"

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
