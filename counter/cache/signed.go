package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"guichet/app"
)

// metaTicketKeys holds the venue's public keys for signed tickets, as last pulled (JSON).
const metaTicketKeys = "ticket_keys"

// TicketKeys returns the venue's public keys for signed tickets, as last pulled (none before the
// first pull from a server that hands them out).
func (c *Cache) TicketKeys(ctx context.Context) ([]app.TicketKey, error) {
	v, err := c.Meta(ctx, metaTicketKeys)
	if err != nil || v == "" {
		return nil, err
	}
	var ks []app.TicketKey
	if err := json.Unmarshal([]byte(v), &ks); err != nil {
		return nil, fmt.Errorf("read ticket keys: %w", err)
	}
	return ks, nil
}

func setTicketKeys(ctx context.Context, tx execer, ks []app.TicketKey) error {
	data, err := json.Marshal(ks)
	if err != nil {
		return fmt.Errorf("write ticket keys: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`,
		metaTicketKeys, string(data)); err != nil {
		return fmt.Errorf("write ticket keys: %w", err)
	}
	return nil
}

// signedBooking completes a verified ticket's booking with what the copy knows of its showtime
// (film, version, duration). nil when the copy holds another booking under the same id (the
// ticket is then not used).
func (c *Cache) signedBooking(ctx context.Context, tx *sql.Tx, tb *app.Booking) (*Booking, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE id = ?`, tb.ID).Scan(&n); err != nil {
		return nil, fmt.Errorf("signed ticket: %w", err)
	}
	if n > 0 {
		return nil, nil
	}
	b := &Booking{Booking: *tb}
	err := tx.QueryRowContext(ctx, `SELECT s.offer_id, COALESCE(o.name, ''), COALESCE(NULLIF(s.version, ''), o.version, ''),
		COALESCE(o.duration_minutes, 0) FROM stocks s LEFT JOIN offers o ON o.id = s.offer_id WHERE s.id = ?`, tb.StockID).
		Scan(&b.OfferID, &b.OfferName, &b.Version, &b.OfferMinutes)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("signed ticket: %w", err)
	}
	return b, nil
}
