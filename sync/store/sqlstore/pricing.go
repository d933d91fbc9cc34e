package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
)

// PricePending drains the pricing queue that the bookings' triggers fill, one venue per
// transaction: the venue's unpaid pricings from the earliest changed date on are deleted and
// redone in pass Culture's order (the later of the showtime's start and the use date, then id),
// the year-to-date revenue (by year of use, Europe/Paris) restarting on 1 January. Paid pricings
// never change; their amounts still count in the revenue.
func (s *Store) PricePending(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		var n int
		var done bool
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var err error
			n, done, err = s.priceNextVenue(ctx, tx, now)
			return err
		})
		total += n
		if err != nil || done {
			return total, err
		}
	}
}

// drainPricingQueue reprices every queued venue inside tx (a payment cut, so that it never pays a
// pricing made stale by a change that landed after its own pricing step).
func (s *Store) drainPricingQueue(ctx context.Context, tx *sql.Tx, now time.Time) (int, error) {
	total := 0
	for {
		n, done, err := s.priceNextVenue(ctx, tx, now)
		total += n
		if err != nil || done {
			return total, err
		}
	}
}

// priceNextVenue reprices the first venue of the queue and removes its queued rows; done is true
// when the queue is empty.
func (s *Store) priceNextVenue(ctx context.Context, tx *sql.Tx, now time.Time) (n int, done bool, err error) {
	var venueID int64
	err = tx.QueryRowContext(ctx, s.q(`SELECT venue_id FROM pricing_queue ORDER BY id LIMIT 1`)).Scan(&venueID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("pricing queue: %w", err)
	}
	if err := s.xactLock(ctx, tx, lockPricing, venueID); err != nil {
		return 0, false, err
	}
	var from, maxID sql.NullInt64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT MIN(from_us), MAX(id) FROM pricing_queue WHERE venue_id = ?`),
		venueID).Scan(&from, &maxID); err != nil {
		return 0, false, fmt.Errorf("pricing queue: %w", err)
	}
	if !maxID.Valid {
		return 0, false, nil // another replica priced it meanwhile
	}
	if n, err = s.repriceVenue(ctx, tx, venueID, from.Int64, now); err != nil {
		return n, false, err
	}
	if _, err = tx.ExecContext(ctx, s.q(`DELETE FROM pricing_queue WHERE venue_id = ? AND id <= ?`), venueID, maxID.Int64); err != nil {
		return n, false, fmt.Errorf("pricing queue: %w", err)
	}
	return n, false, nil
}

type toPrice struct {
	id, amount, used, order int64
	paid                    bool
	stored                  sql.NullInt64 // running total of a paid row
}

// repriceVenue redoes the unpaid pricings of a venue whose ordering date is at or after from.
// from is the earliest use date that changed: every booking used since, and every booking priced
// at an ordering date since (the ordering date is never before the use date), is walked again.
func (s *Store) repriceVenue(ctx context.Context, tx *sql.Tx, venueID, from int64, now time.Time) (int, error) {
	paris := s.location(app.DefaultTimezone)
	rows, err := tx.QueryContext(ctx, s.q(`SELECT b.id, b.unit_price_cents * b.quantity, b.used_us,
		CASE WHEN st.starts_us > b.used_us THEN st.starts_us ELSE b.used_us END,
		b.status = 'REIMBURSED' OR p.transfer_id IS NOT NULL, p.revenue_cents
		FROM bookings b JOIN stocks st ON st.id = b.stock_id LEFT JOIN pricings p ON p.booking_id = b.id
		WHERE b.status IN ('USED', 'REIMBURSED') AND b.id IN (
			SELECT id FROM bookings WHERE venue_id = ? AND used_us >= ?
			UNION SELECT booking_id FROM pricings WHERE venue_id = ? AND order_us >= ?)
		ORDER BY 4, b.id`), venueID, from, venueID, from)
	if err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	var list []toPrice
	for rows.Next() {
		var t toPrice
		if err := rows.Scan(&t.id, &t.amount, &t.used, &t.order, &t.paid, &t.stored); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reprice: %w", err)
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM pricings WHERE venue_id = ? AND order_us >= ? AND transfer_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.id = pricings.booking_id AND b.status = 'REIMBURSED')`),
		venueID, from); err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	if len(list) == 0 {
		return 0, nil
	}
	ins, err := tx.PrepareContext(ctx, s.q(`INSERT INTO pricings (booking_id, venue_id, used_us, order_us, amount_cents,
		revenue_cents, rate_bp, reimbursed_cents, priced_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	defer ins.Close()
	revenue := map[int]int64{} // by year of use
	n := 0
	for _, t := range list {
		year := fromUS(t.used).In(paris).Year()
		r, ok := revenue[year]
		if !ok {
			if r, err = s.revenueBefore(ctx, tx, venueID, from, year, paris); err != nil {
				return n, err
			}
		}
		r += t.amount
		revenue[year] = r
		if t.paid {
			// A paid (or settled) pricing keeps its rate and amount; only its running total follows.
			if t.stored.Valid && t.stored.Int64 != r {
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE pricings SET revenue_cents = ? WHERE booking_id = ?`), r, t.id); err != nil {
					return n, fmt.Errorf("reprice: %w", err)
				}
			}
			continue
		}
		rate := app.RateFor(r)
		if _, err := ins.ExecContext(ctx, t.id, venueID, t.used, t.order, t.amount, r, int64(rate),
			app.Reimbursed(t.amount, rate), us(now)); err != nil {
			return n, fmt.Errorf("price booking %d: %w", t.id, err)
		}
		n++
	}
	return n, nil
}

// revenueBefore is the venue's revenue of a year of use from the pricings ordered before from:
// the running total of the last of them (every walk keeps those totals exact, paid rows
// included), 0 when there is none.
func (s *Store) revenueBefore(ctx context.Context, tx *sql.Tx, venueID, from int64, year int, loc *time.Location) (int64, error) {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	var r int64
	err := tx.QueryRowContext(ctx, s.q(`SELECT revenue_cents FROM pricings WHERE venue_id = ? AND order_us < ?
		AND used_us >= ? AND used_us < ? ORDER BY order_us DESC, booking_id DESC LIMIT 1`),
		venueID, from, us(start), us(start.AddDate(1, 0, 0))).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	return r, nil
}
