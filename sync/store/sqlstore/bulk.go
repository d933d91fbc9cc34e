package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"guichet/app"
)

// BulkBookings creates n beneficiaries with one CONFIRMED booking each on a stock, in large
// transactions, for load tests and benchmarks (a national catalogue, a full cinema). It bypasses
// the per-booking checks of CreateBooking but not the database's constraints. It returns the
// countermarks.
func (s *Store) BulkBookings(ctx context.Context, stockID int64, n int, bookedAt time.Time) ([]string, error) {
	st, err := s.GetStock(ctx, stockID)
	if err != nil {
		return nil, err
	}
	o, err := s.GetOffer(ctx, st.OfferID)
	if err != nil {
		return nil, err
	}
	v, err := s.GetVenue(ctx, o.VenueID)
	if err != nil {
		return nil, err
	}
	limit := app.CancellationLimit(st.StartsAt, bookedAt)
	tokens := make([]string, 0, n)
	seen := map[string]bool{}
	const batch = 10_000
	for start := 0; start < n; start += batch {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			ben, err := tx.PrepareContext(ctx, s.q(`INSERT INTO beneficiaries (email, first_name, last_name, phone, birth_date,
				deposit_cents, spent_cents, deposit_expires_us, created_us) VALUES (?, ?, ?, '', '2008-01-01', ?, ?, ?, ?) RETURNING id`))
			if err != nil {
				return err
			}
			defer ben.Close()
			bk, err := tx.PrepareContext(ctx, s.q(`INSERT INTO bookings (token, beneficiary_id, stock_id, offer_id, venue_id,
				offerer_id, quantity, unit_price_cents, status, booked_us, cancellation_limit_us, updated_us)
				VALUES (?, ?, ?, ?, ?, ?, 1, ?, 'CONFIRMED', ?, ?, ?)`))
			if err != nil {
				return err
			}
			defer bk.Close()
			taken, err := tx.PrepareContext(ctx, s.q(`SELECT COUNT(*) FROM bookings WHERE token = ?`))
			if err != nil {
				return err
			}
			defer taken.Close()
			for i := start; i < min(start+batch, n); i++ {
				var id int64
				if err := ben.QueryRowContext(ctx, fmt.Sprintf("bulk-%d-%d@load.guichet.test", stockID, i), "Prénom",
					fmt.Sprintf("Nom%07d", i), app.DefaultCredit().Cents, st.PriceCents, us(bookedAt.AddDate(2, 0, 0)), us(bookedAt)).Scan(&id); err != nil {
					return fmt.Errorf("bulk beneficiary: %w", err)
				}
				var tok string
				for tok == "" || seen[tok] {
					if tok, err = app.NewToken(s.rand); err != nil {
						return err
					}
					// Countermarks of earlier calls are in the database: draw again on a collision.
					var n int
					if err := taken.QueryRowContext(ctx, tok).Scan(&n); err != nil {
						return fmt.Errorf("bulk token: %w", err)
					}
					if n > 0 {
						seen[tok] = true
					}
				}
				seen[tok] = true
				if _, err := bk.ExecContext(ctx, tok, id, st.ID, o.ID, v.ID, v.OffererID, st.PriceCents, us(bookedAt), us(limit), us(bookedAt)); err != nil {
					return fmt.Errorf("bulk booking: %w", err)
				}
				tokens = append(tokens, tok)
			}
			_, err = tx.ExecContext(ctx, s.q(`UPDATE stocks SET booked = booked + ? WHERE id = ?`), min(start+batch, n)-start, st.ID)
			return err
		})
		if err != nil {
			return tokens, err
		}
	}
	return tokens, nil
}
