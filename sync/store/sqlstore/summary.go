package sqlstore

import (
	"context"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// PayoutSummary returns what a manager sees of the payouts to come: the next payment day and
// the reimbursable amount it will pay so far (priced, unpaid, used and shown before its cutoff,
// venues with an accepted account), each venue's revenue this year (Europe/Paris) with its
// current rate, and the bookings waiting for the automatic validation.
func (s *Store) PayoutSummary(ctx context.Context, offererID int64, now time.Time) (store.PayoutSummary, error) {
	paris := s.location(app.DefaultTimezone)
	sum := store.PayoutSummary{NextPayment: app.NextPaymentDay(now, paris)}
	cutoff := us(app.CutCutoff(sum.NextPayment, paris))
	if err := s.rdb.QueryRowContext(ctx, s.q(`SELECT COALESCE(SUM(p.reimbursed_cents), 0)
		FROM pricings p JOIN bookings b ON b.id = p.booking_id JOIN stocks st ON st.id = b.stock_id
		JOIN venue_bank_accounts l ON l.venue_id = p.venue_id JOIN bank_accounts a ON a.id = l.bank_account_id
		WHERE b.offerer_id = ? AND p.transfer_id IS NULL AND b.status = 'USED' AND a.status = 'accepted'
		AND p.used_us < ? AND st.starts_us < ?`), offererID, cutoff, cutoff).Scan(&sum.ValidatedCents); err != nil {
		return sum, fmt.Errorf("payout summary: %w", err)
	}
	yearStart := us(app.YearStart(now, paris))
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT v.id, v.name, v.siret,
		COALESCE((SELECT SUM(b.unit_price_cents * b.quantity) FROM bookings b
			WHERE b.venue_id = v.id AND b.used_us >= ? AND b.status IN ('USED', 'REIMBURSED')), 0),
		COALESCE(a.status, ''), COALESCE(a.iban, '')
		FROM venues v LEFT JOIN venue_bank_accounts l ON l.venue_id = v.id LEFT JOIN bank_accounts a ON a.id = l.bank_account_id
		WHERE v.offerer_id = ? ORDER BY v.name, v.id`), yearStart, offererID)
	if err != nil {
		return sum, fmt.Errorf("payout summary: %w", err)
	}
	for rows.Next() {
		var r store.VenueRevenue
		var iban string
		if err := rows.Scan(&r.VenueID, &r.VenueName, &r.SIRET, &r.RevenueCents, &r.AccountStatus, &iban); err != nil {
			rows.Close()
			return sum, fmt.Errorf("payout summary: %w", err)
		}
		r.Rate = app.RateFor(r.RevenueCents)
		if iban != "" {
			r.AccountMasked = app.MaskIBAN(iban)
		}
		sum.Venues = append(sum.Venues, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sum, fmt.Errorf("payout summary: %w", err)
	}
	brows, err := s.rdb.QueryContext(ctx, s.q(bookingView+` WHERE b.offerer_id = ? AND b.status = 'CONFIRMED' AND s.starts_us <= ?
		ORDER BY s.starts_us, b.id LIMIT 200`), offererID, us(now))
	if err != nil {
		return sum, fmt.Errorf("payout summary: %w", err)
	}
	defer brows.Close()
	for brows.Next() {
		b, err := scanBooking(brows)
		if err != nil {
			return sum, fmt.Errorf("payout summary: %w", err)
		}
		sum.Awaiting = append(sum.Awaiting, *b)
	}
	return sum, brows.Err()
}
