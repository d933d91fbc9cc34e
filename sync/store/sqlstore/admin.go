package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// PurgeOfferer deletes an offerer and everything under it (venues, keys, offers, showtimes,
// bookings and their history), giving back the credit of its live bookings. It exists for the
// demo re-seed; nothing in production calls it. An unknown SIREN is not an error.
func (s *Store) PurgeOfferer(ctx context.Context, siren string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM offerers WHERE siren = ?`), siren).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("purge offerer: %w", err)
		}
		for _, q := range []string{
			`UPDATE beneficiaries SET spent_cents = spent_cents - COALESCE((SELECT SUM(b.unit_price_cents * b.quantity)
				FROM bookings b WHERE b.beneficiary_id = beneficiaries.id AND b.offerer_id = ? AND b.status <> 'CANCELLED'), 0)`,
			`DELETE FROM booking_events WHERE booking_id IN (SELECT id FROM bookings WHERE offerer_id = ?)`,
			`DELETE FROM outbox WHERE booking_id IN (SELECT id FROM bookings WHERE offerer_id = ?)`,
			`DELETE FROM conflicts WHERE offerer_id = ?`,
			`DELETE FROM scan_events WHERE offerer_id = ?`,
			`DELETE FROM scan_misses WHERE offerer_id = ?`,
			`DELETE FROM bookings WHERE offerer_id = ?`,
			`DELETE FROM stocks WHERE offer_id IN (SELECT o.id FROM offers o JOIN venues v ON v.id = o.venue_id WHERE v.offerer_id = ?)`,
			`DELETE FROM offers WHERE venue_id IN (SELECT id FROM venues WHERE offerer_id = ?)`,
			`DELETE FROM venues WHERE offerer_id = ?`,
			`DELETE FROM api_keys WHERE offerer_id = ?`,
			`DELETE FROM offerers WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, s.q(q), id); err != nil {
				return fmt.Errorf("purge offerer: %w", err)
			}
		}
		return nil
	})
}

// PurgeBeneficiaries deletes the beneficiaries whose e-mail ends with suffix and who have no
// booking left (demo re-seed only).
func (s *Store) PurgeBeneficiaries(ctx context.Context, suffix string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM beneficiaries WHERE email LIKE ?
			AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.beneficiary_id = beneficiaries.id)`), "%"+suffix)
		if err != nil {
			return fmt.Errorf("purge beneficiaries: %w", err)
		}
		return nil
	})
}

// MarkReimbursed records that a USED booking was paid to the venue. Payment cuts (a later
// issue) will call it; until then tests and the demo use it.
func (s *Store) MarkReimbursed(ctx context.Context, token string, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'REIMBURSED', reimbursed_us = ?, updated_us = ?
			WHERE token = ? AND status = 'USED'`), us(at), us(at), app.NormalizeToken(token))
		if err != nil {
			return fmt.Errorf("mark reimbursed: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return app.Errorf(app.EINVALID, "Seule une réservation validée peut être remboursée.")
		}
		return nil
	})
}

// ValidationCounts returns, for each countermark, how many validations (USE events) its booking
// has and whether it is validated now: what a load test checks afterwards (none lost, none
// doubled).
func (s *Store) ValidationCounts(ctx context.Context, tokens []string) (map[string]store.Validations, error) {
	out := make(map[string]store.Validations, len(tokens))
	for start := 0; start < len(tokens); start += 500 {
		chunk := tokens[start:min(start+500, len(tokens))]
		args := make([]any, len(chunk))
		for i, t := range chunk {
			args[i] = t
		}
		rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT b.token, b.status IN ('USED', 'REIMBURSED'), COUNT(e.id) FROM bookings b
			LEFT JOIN booking_events e ON e.booking_id = b.id AND e.kind = 'USE'
			WHERE b.token IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) GROUP BY b.token, b.status`), args...)
		if err != nil {
			return nil, fmt.Errorf("validation counts: %w", err)
		}
		for rows.Next() {
			var tok string
			var v store.Validations
			if err := rows.Scan(&tok, &v.Used, &v.Uses); err != nil {
				rows.Close()
				return nil, fmt.Errorf("validation counts: %w", err)
			}
			out[tok] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("validation counts: %w", err)
		}
	}
	return out, nil
}
