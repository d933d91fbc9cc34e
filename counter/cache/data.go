package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"guichet/app"
)

// Offer is a cached offer with its server revision.
type Offer struct {
	app.Offer
	Rev int64
}

// Stock is a cached showtime with its server revision.
type Stock struct {
	app.Stock
	Rev int64
}

// Booking is a cached booking with its server revision.
type Booking struct {
	app.Booking
	Rev int64
}

// Changes is a page pulled from the server.
type Changes struct {
	Offers   []Offer
	Stocks   []Stock
	Bookings []Booking
	Cursor   int64
	Database string // the server database's identity
	// TicketKeys are the venue's public keys for signed tickets; nil leaves the stored ones.
	TicketKeys []app.TicketKey
}

// Database returns the identity of the server database the copy comes from ("" before the first
// pull).
func (c *Cache) Database(ctx context.Context) (string, error) { return c.Meta(ctx, "database") }

// Cursor returns the server revision the cache is up to.
func (c *Cache) Cursor(ctx context.Context) (int64, error) {
	v, err := c.Meta(ctx, "cursor")
	if err != nil || v == "" {
		return 0, err
	}
	var n int64
	_, err = fmt.Sscan(v, &n)
	return n, err
}

// Apply stores a page of changes and advances the cursor, in one transaction. A booking this
// counter admitted and has not pushed yet stays USED whatever the page says.
func (c *Cache) Apply(ctx context.Context, ch Changes) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		for _, o := range ch.Offers {
			_, err := tx.ExecContext(ctx, `INSERT INTO offers (id, name, version, duration_minutes, duo, active, rev)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version,
				duration_minutes = excluded.duration_minutes, duo = excluded.duo, active = excluded.active, rev = excluded.rev
				WHERE excluded.rev > offers.rev`, o.ID, o.Name, o.Version, o.DurationMinutes, o.Duo, o.Active, o.Rev)
			if err != nil {
				return fmt.Errorf("apply offer: %w", err)
			}
		}
		for _, s := range ch.Stocks {
			var capacity sql.NullInt64
			if s.Capacity != nil {
				capacity = sql.NullInt64{Int64: int64(*s.Capacity), Valid: true}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO stocks (id, offer_id, starts_us, price_cents, capacity, booked, deleted, rev,
				version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET offer_id = excluded.offer_id,
				starts_us = excluded.starts_us, price_cents = excluded.price_cents, capacity = excluded.capacity,
				booked = excluded.booked, deleted = excluded.deleted, rev = excluded.rev, version = excluded.version
				WHERE excluded.rev > stocks.rev`,
				s.ID, s.OfferID, us(s.StartsAt), s.PriceCents, capacity, s.Booked, s.Deleted, s.Rev, s.Version)
			if err != nil {
				return fmt.Errorf("apply stock: %w", err)
			}
		}
		if len(ch.Bookings) > 0 {
			stmt, err := tx.PrepareContext(ctx, upsertBookingSQL)
			if err != nil {
				return fmt.Errorf("apply bookings: %w", err)
			}
			defer stmt.Close()
			for i := range ch.Bookings {
				if err := upsertBooking(ctx, stmt, &ch.Bookings[i]); err != nil {
					return err
				}
			}
		}
		if err := reapplyPending(ctx, tx); err != nil {
			return err
		}
		if ch.TicketKeys != nil {
			if err := setTicketKeys(ctx, tx, ch.TicketKeys); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES ('cursor', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`,
			fmt.Sprint(ch.Cursor)); err != nil {
			return fmt.Errorf("apply cursor: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES ('database', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`,
			ch.Database); err != nil {
			return fmt.Errorf("apply database: %w", err)
		}
		return nil
	})
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

const upsertBookingSQL = `INSERT INTO bookings (id, token, status, quantity, unit_price_cents, booked_us,
		cancellation_limit_us, used_us, used_by, used_key, used_device, cancelled_us, offer_id, offer_name, version, stock_id,
		show_start_us, venue_id, venue_name, first_name, last_name, email, phone, search, rev, used_nonce)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, quantity = excluded.quantity,
		cancellation_limit_us = excluded.cancellation_limit_us, used_us = excluded.used_us, used_by = excluded.used_by,
		used_key = excluded.used_key, used_device = excluded.used_device, used_nonce = excluded.used_nonce,
		cancelled_us = excluded.cancelled_us,
		offer_name = excluded.offer_name, version = excluded.version, stock_id = excluded.stock_id,
		show_start_us = excluded.show_start_us, venue_name = excluded.venue_name, first_name = excluded.first_name,
		last_name = excluded.last_name, email = excluded.email, phone = excluded.phone, search = excluded.search,
		rev = excluded.rev
		WHERE excluded.rev > bookings.rev
		AND NOT EXISTS (SELECT 1 FROM ob.outbox WHERE ob.outbox.token = bookings.token AND ob.outbox.state = 'pending')`

// stmtExecer is a prepared statement or a transaction with its query bound.
type stmtExecer interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
}

type boundExec struct {
	tx    execer
	query string
}

func (b boundExec) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return b.tx.ExecContext(ctx, b.query, args...)
}

func upsertBooking(ctx context.Context, stmt stmtExecer, b *Booking) error {
	search := strings.ToLower(b.Token + " " + b.FirstName + " " + b.LastName + " " + b.Email)
	_, err := stmt.ExecContext(ctx,
		b.ID, b.Token, string(b.Status), b.Quantity, b.UnitPriceCents, us(b.BookedAt), nullUS(b.CancellationLimit),
		nullUS(b.UsedAt), string(b.UsedBy), b.UsedByKey, b.UsedByDevice, nullUS(b.CancelledAt), b.OfferID, b.OfferName,
		b.Version, b.StockID, us(b.ShowStart), b.VenueID, b.VenueName, b.FirstName, b.LastName, b.Email, b.Phone, search, b.Rev,
		b.UsedNonce)
	if err != nil {
		return fmt.Errorf("apply booking: %w", err)
	}
	return nil
}

const bookingCols = `id, token, status, quantity, unit_price_cents, booked_us, cancellation_limit_us, used_us, used_by,
	used_key, used_device, cancelled_us, offer_id, offer_name, version, stock_id, show_start_us, venue_id, venue_name,
	first_name, last_name, email, phone, rev, used_nonce`

func scanBooking(row interface{ Scan(...any) error }) (*Booking, error) {
	var b Booking
	var status, usedBy string
	var booked, start int64
	var limit, used, cancelled sql.NullInt64
	err := row.Scan(&b.ID, &b.Token, &status, &b.Quantity, &b.UnitPriceCents, &booked, &limit, &used, &usedBy,
		&b.UsedByKey, &b.UsedByDevice, &cancelled, &b.OfferID, &b.OfferName, &b.Version, &b.StockID, &start, &b.VenueID,
		&b.VenueName, &b.FirstName, &b.LastName, &b.Email, &b.Phone, &b.Rev, &b.UsedNonce)
	if err != nil {
		return nil, err
	}
	b.Status, b.UsedBy = app.BookingStatus(status), app.ValidationAuthor(usedBy)
	b.BookedAt, b.ShowStart = fromUS(booked), fromUS(start)
	b.CancellationLimit, b.UsedAt, b.CancelledAt = fromNullUS(limit), fromNullUS(used), fromNullUS(cancelled)
	return &b, nil
}

// Lookup returns the cached booking of a countermark as this counter left it (its pending
// validations applied), or an ENOTFOUND error.
func (c *Cache) Lookup(ctx context.Context, token string) (*Booking, error) {
	b, err := lookup(ctx, c.st.lookup, token)
	if err != nil {
		return nil, err
	}
	return b, overlay(ctx, c.st.lastPending, b, "")
}

// lookupTx is Lookup within tx; device names this counter in a pending validation.
func (c *Cache) lookupTx(ctx context.Context, tx *sql.Tx, token, device string) (*Booking, error) {
	b, err := lookup(ctx, tx.StmtContext(ctx, c.st.lookup), token)
	if err != nil {
		return nil, err
	}
	return b, overlay(ctx, tx.StmtContext(ctx, c.st.lastPending), b, device)
}

// overlay applies to b the last decision this counter made on it and has not pushed yet: the
// outbox, not the copy, is the truth about those (the copy's update may have failed after the
// outbox was written, and a pull never overwrites a booking with pending events).
// lastPending is the prepared statement stmts.lastPending, bound to a transaction or not.
func overlay(ctx context.Context, lastPending *sql.Stmt, b *Booking, device string) error {
	var kind, nonce string
	var at int64
	err := lastPending.QueryRowContext(ctx, app.NormalizeToken(b.Token)).Scan(&kind, &nonce, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("pending decisions of %s: %w", b.Token, err)
	case kind == "use" && b.Status == app.StatusConfirmed:
		b.Status, b.UsedAt, b.UsedBy, b.UsedByDevice, b.UsedNonce = app.StatusUsed, fromUS(at), app.ByOfferer, device, nonce
	case kind == "keep" && b.Status == app.StatusUsed:
		b.Status, b.UsedAt, b.UsedBy, b.UsedByKey, b.UsedByDevice, b.UsedNonce = app.StatusConfirmed, time.Time{}, "", "", "", ""
	}
	return nil
}

func lookup(ctx context.Context, st *sql.Stmt, token string) (*Booking, error) {
	b, err := scanBooking(st.QueryRowContext(ctx, app.NormalizeToken(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.Errorf(app.ENOTFOUND, app.MsgNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	return b, nil
}

// Search finds bookings by countermark, name or e-mail (case-insensitive, any part), soonest
// showtime first.
func (c *Cache) Search(ctx context.Context, query string, limit int) ([]Booking, error) {
	query = strings.ToLower(strings.TrimSpace(query))
	if query == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 50
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(query) + "%"
	rows, err := c.db.QueryContext(ctx, `SELECT `+bookingCols+` FROM bookings WHERE search LIKE ? ESCAPE '\'
		ORDER BY show_start_us, id LIMIT ?`, like, limit)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// Showtime is a showtime with its counts at the door (app.Showtime).
type Showtime = app.Showtime

// Showtimes lists the showtimes starting in [from, to) with their admitted and booked places.
func (c *Cache) Showtimes(ctx context.Context, from, to time.Time) ([]Showtime, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT s.id, s.offer_id, COALESCE(o.name, ''),
		COALESCE(NULLIF(s.version, ''), o.version, ''), s.starts_us,
		COALESCE(o.duration_minutes, 0), s.capacity, s.deleted, s.price_cents,
		COALESCE((SELECT SUM(quantity) FROM bookings b WHERE b.stock_id = s.id AND b.status <> 'CANCELLED'), 0),
		COALESCE((SELECT SUM(quantity) FROM bookings b WHERE b.stock_id = s.id AND b.status IN ('USED', 'REIMBURSED')), 0)
		FROM stocks s LEFT JOIN offers o ON o.id = s.offer_id
		WHERE s.starts_us >= ? AND s.starts_us < ? ORDER BY s.starts_us, o.name`, us(from), us(to))
	if err != nil {
		return nil, fmt.Errorf("showtimes: %w", err)
	}
	defer rows.Close()
	var out []Showtime
	for rows.Next() {
		var s Showtime
		var start int64
		var capacity sql.NullInt64
		if err := rows.Scan(&s.StockID, &s.OfferID, &s.OfferName, &s.Version, &start, &s.Duration, &capacity, &s.Deleted,
			&s.PriceCents, &s.Booked, &s.Admitted); err != nil {
			return nil, fmt.Errorf("showtimes: %w", err)
		}
		s.Start = fromUS(start)
		if capacity.Valid {
			n := int(capacity.Int64)
			s.Capacity = &n
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Conflict is a reconciliation problem reported by the server (app.Conflict).
type Conflict = app.Conflict

// SetConflicts replaces the cached list of unacknowledged conflicts.
func (c *Cache) SetConflicts(ctx context.Context, cs []Conflict) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM conflicts`); err != nil {
			return fmt.Errorf("set conflicts: %w", err)
		}
		for _, k := range cs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO conflicts (id, kind, token, offer_name, beneficiary, device, scanned_us,
				other_device, other_us, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, k.ID, k.Kind, k.Token, k.OfferName,
				k.Beneficiary, k.Device, us(k.ScannedAt), k.OtherDevice, nullUS(k.OtherAt), k.Detail); err != nil {
				return fmt.Errorf("set conflicts: %w", err)
			}
		}
		return nil
	})
}

// Conflicts returns the cached unacknowledged conflicts, newest first.
func (c *Cache) Conflicts(ctx context.Context) ([]Conflict, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, kind, token, offer_name, beneficiary, device, scanned_us, other_device,
		other_us, detail FROM conflicts WHERE NOT acked ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var k Conflict
		var scanned int64
		var other sql.NullInt64
		if err := rows.Scan(&k.ID, &k.Kind, &k.Token, &k.OfferName, &k.Beneficiary, &k.Device, &scanned, &k.OtherDevice,
			&other, &k.Detail); err != nil {
			return nil, fmt.Errorf("conflicts: %w", err)
		}
		k.ScannedAt, k.OtherAt = fromUS(scanned), fromNullUS(other)
		out = append(out, k)
	}
	return out, rows.Err()
}

// AckConflict hides a conflict locally (the server is told separately).
func (c *Cache) AckConflict(ctx context.Context, id int64) error {
	_, err := c.db.ExecContext(ctx, `UPDATE conflicts SET acked = TRUE WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("ack conflict: %w", err)
	}
	return nil
}
