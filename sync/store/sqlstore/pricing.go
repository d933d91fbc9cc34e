package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
)

// PricePending drains the pricing queue that the bookings' triggers fill: for each venue, the
// unpaid pricings from the earliest changed use date on are deleted and redone in the stable
// order (use date, then id), the year-to-date revenue restarting on 1 January (Europe/Paris).
// Paid pricings never change; their amounts still count in the revenue.
func (s *Store) PricePending(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		var venueID int64
		err := s.rdb.QueryRowContext(ctx, s.q(`SELECT venue_id FROM pricing_queue ORDER BY id LIMIT 1`)).Scan(&venueID)
		if err == sql.ErrNoRows {
			return total, nil
		}
		if err != nil {
			return total, fmt.Errorf("pricing queue: %w", err)
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			if err := s.xactLock(ctx, tx, lockPricing, venueID); err != nil {
				return err
			}
			var from, maxID sql.NullInt64
			if err := tx.QueryRowContext(ctx, s.q(`SELECT MIN(from_us), MAX(id) FROM pricing_queue WHERE venue_id = ?`),
				venueID).Scan(&from, &maxID); err != nil {
				return fmt.Errorf("pricing queue: %w", err)
			}
			if !maxID.Valid {
				return nil
			}
			n, err := s.repriceVenue(ctx, tx, venueID, from.Int64, now)
			if err != nil {
				return err
			}
			total += n
			_, err = tx.ExecContext(ctx, s.q(`DELETE FROM pricing_queue WHERE venue_id = ? AND id <= ?`), venueID, maxID.Int64)
			return err
		})
		if err != nil {
			return total, err
		}
	}
}

type toPrice struct {
	id, amount, used int64
	paid             bool
	stored           sql.NullInt64 // running total of a paid row
}

// repriceVenue redoes the unpaid pricings of a venue whose use date is at or after from.
func (s *Store) repriceVenue(ctx context.Context, tx *sql.Tx, venueID, from int64, now time.Time) (int, error) {
	paris := s.location(app.DefaultTimezone)
	yearStart := app.YearStart(fromUS(from), paris)
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM pricings WHERE venue_id = ? AND used_us >= ? AND transfer_id IS NULL`),
		venueID, from); err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	// The revenue before from: the running total of the venue's last pricing before it that year
	// (every walk keeps those totals exact, paid rows included), else the sum of its bookings.
	var before int64
	err := tx.QueryRowContext(ctx, s.q(`SELECT revenue_cents FROM pricings WHERE venue_id = ? AND used_us >= ? AND used_us < ?
		ORDER BY used_us DESC, booking_id DESC LIMIT 1`), venueID, us(yearStart), from).Scan(&before)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(SUM(unit_price_cents * quantity), 0) FROM bookings
			WHERE venue_id = ? AND used_us >= ? AND used_us < ? AND status IN ('USED', 'REIMBURSED')`),
			venueID, us(yearStart), from).Scan(&before)
	}
	if err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT b.id, b.unit_price_cents * b.quantity, b.used_us,
		b.status = 'REIMBURSED' OR p.transfer_id IS NOT NULL, p.revenue_cents
		FROM bookings b LEFT JOIN pricings p ON p.booking_id = b.id
		WHERE b.venue_id = ? AND b.used_us >= ? AND b.status IN ('USED', 'REIMBURSED')
		ORDER BY b.used_us, b.id`), venueID, from)
	if err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	var list []toPrice
	for rows.Next() {
		var t toPrice
		if err := rows.Scan(&t.id, &t.amount, &t.used, &t.paid, &t.stored); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reprice: %w", err)
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	if len(list) == 0 {
		return 0, nil
	}
	ins, err := tx.PrepareContext(ctx, s.q(`INSERT INTO pricings (booking_id, venue_id, used_us, amount_cents, revenue_cents,
		rate_bp, reimbursed_cents, priced_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return 0, fmt.Errorf("reprice: %w", err)
	}
	defer ins.Close()
	nextYear := us(yearStart.AddDate(1, 0, 0))
	revenue, n := before, 0
	for _, t := range list {
		for t.used >= nextYear {
			revenue = 0
			nextYear = us(fromUS(nextYear).In(paris).AddDate(1, 0, 0))
		}
		revenue += t.amount
		if t.paid {
			// A paid pricing keeps its rate and amount; only its running total follows.
			if t.stored.Valid && t.stored.Int64 != revenue {
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE pricings SET revenue_cents = ? WHERE booking_id = ?`), revenue, t.id); err != nil {
					return n, fmt.Errorf("reprice: %w", err)
				}
			}
			continue
		}
		r := app.RateFor(revenue)
		if _, err := ins.ExecContext(ctx, t.id, venueID, t.used, t.amount, revenue, int64(r),
			app.Reimbursed(t.amount, r), us(now)); err != nil {
			return n, fmt.Errorf("price booking %d: %w", t.id, err)
		}
		n++
	}
	return n, nil
}
