package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"guichet/sync/protocol"
	"guichet/sync/store"
)

// identity returns the database's identity and its latest revision.
func (s *Store) identity(ctx context.Context, tx *sql.Tx) (string, int64, error) {
	var id string
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT v FROM db_identity WHERE id = 1`).Scan(&id); err != nil {
		return "", 0, fmt.Errorf("database identity: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT v FROM rev_counter WHERE id = 1`).Scan(&head); err != nil {
		return "", 0, fmt.Errorf("database head: %w", err)
	}
	return id, head, nil
}

// NewIdentity gives the database a new identity: to run after restoring it from a backup, so
// that every counter downloads its copy again (keeping its outbox) instead of trusting a cursor
// into a history the database no longer has.
func (s *Store) NewIdentity(ctx context.Context) error {
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return fmt.Errorf("new identity: %w", err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE db_identity SET v = ? WHERE id = 1`), hex.EncodeToString(b)); err != nil {
			return fmt.Errorf("new identity: %w", err)
		}
		return nil
	})
}

// Digest sums up a venue's bookings per showtime in one snapshot, with the venue's latest
// revision: a counter whose copy is at that revision must find the same counts and hashes.
func (s *Store) Digest(ctx context.Context, offererID, venueID int64, from time.Time) (store.Digest, error) {
	var d store.Digest
	v, err := s.GetVenue(ctx, venueID)
	if err != nil {
		return d, err
	}
	if v.OffererID != offererID {
		return d, notFound("Lieu")
	}
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return d, fmt.Errorf("digest: %w", err)
	}
	defer tx.Rollback()
	if d.Database, _, err = s.identity(ctx, tx); err != nil {
		return d, err
	}
	var o, st, b int64
	err = tx.QueryRowContext(ctx, s.q(`SELECT
		COALESCE((SELECT MAX(rev) FROM offers WHERE venue_id = ?), 0),
		COALESCE((SELECT MAX(s.rev) FROM stocks s JOIN offers f ON f.id = s.offer_id WHERE f.venue_id = ? AND s.starts_us >= ?), 0),
		COALESCE((SELECT MAX(b.rev) FROM bookings b JOIN stocks s ON s.id = b.stock_id WHERE b.venue_id = ? AND s.starts_us >= ?), 0)`),
		venueID, venueID, us(from), venueID, us(from)).Scan(&o, &st, &b)
	if err != nil {
		return d, fmt.Errorf("digest cursor: %w", err)
	}
	d.Cursor = max(o, st, b)
	rows, err := tx.QueryContext(ctx, s.q(`SELECT b.id, b.stock_id, b.status, b.quantity FROM bookings b
		JOIN stocks s ON s.id = b.stock_id WHERE b.venue_id = ? AND s.starts_us >= ? ORDER BY b.stock_id, b.id`), venueID, us(from))
	if err != nil {
		return d, fmt.Errorf("digest: %w", err)
	}
	defer rows.Close()
	var cur int64
	var h *protocol.BookingHash
	flush := func() {
		if h != nil {
			n, sum := h.Sum()
			d.Showtimes = append(d.Showtimes, store.ShowtimeDigest{StockID: cur, Bookings: n, Hash: sum})
		}
	}
	for rows.Next() {
		var id, stock int64
		var status string
		var qty int
		if err := rows.Scan(&id, &stock, &status, &qty); err != nil {
			return d, fmt.Errorf("digest: %w", err)
		}
		if h == nil || stock != cur {
			flush()
			cur, h = stock, protocol.NewBookingHash()
		}
		h.Add(id, status, qty)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("digest: %w", err)
	}
	flush()
	return d, nil
}
