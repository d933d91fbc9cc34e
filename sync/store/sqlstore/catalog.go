package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// CreateOffer stores a new offer of an existing venue.
func (s *Store) CreateOffer(ctx context.Context, o *app.Offer) error {
	if o.Version == "" {
		o.Version = app.VersionVF
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if _, err := s.GetVenue(ctx, o.VenueID); err != nil {
		return err
	}
	now := time.Now().UTC()
	o.CreatedAt, o.UpdatedAt = now, now
	return s.tx(ctx, func(tx *sql.Tx) error {
		id, err := lastID(ctx, tx, s, `INSERT INTO offers (venue_id, name, description, image_url, duration_minutes, version,
			duo, active, allocine_id, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.VenueID, o.Name, o.Description, o.ImageURL, o.DurationMinutes, o.Version, o.Duo, o.Active, o.AllocineID,
			us(now), us(now))
		if err != nil {
			return fmt.Errorf("insert offer: %w", err)
		}
		o.ID = id
		return nil
	})
}

const offerCols = `id, venue_id, name, description, image_url, duration_minutes, version, duo, active, allocine_id,
	created_us, updated_us`

func scanOffer(row rowScanner) (*app.Offer, error) {
	var o app.Offer
	var created, updated int64
	err := row.Scan(&o.ID, &o.VenueID, &o.Name, &o.Description, &o.ImageURL, &o.DurationMinutes, &o.Version, &o.Duo,
		&o.Active, &o.AllocineID, &created, &updated)
	if err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt = fromUS(created), fromUS(updated)
	return &o, nil
}

// GetOffer returns an offer by id.
func (s *Store) GetOffer(ctx context.Context, id int64) (*app.Offer, error) {
	return s.getOffer(ctx, s.rdb, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) getOffer(ctx context.Context, q querier, id int64) (*app.Offer, error) {
	o, err := scanOffer(q.QueryRowContext(ctx, s.q(`SELECT `+offerCols+` FROM offers WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Offre")
	}
	if err != nil {
		return nil, fmt.Errorf("get offer: %w", err)
	}
	return o, nil
}

// ListOffers returns a venue's offers by name.
func (s *Store) ListOffers(ctx context.Context, venueID int64) ([]app.Offer, error) {
	return list(ctx, s.rdb, "list offers", scanOffer, s.q(`SELECT `+offerCols+` FROM offers WHERE venue_id = ? ORDER BY name, id`), venueID)
}

// UpdateOffer changes the given fields of an offer.
func (s *Store) UpdateOffer(ctx context.Context, id int64, p store.OfferPatch) (*app.Offer, error) {
	var out *app.Offer
	err := s.tx(ctx, func(tx *sql.Tx) error {
		o, err := s.getOffer(ctx, tx, id)
		if err != nil {
			return err
		}
		setIf(&o.Name, p.Name)
		setIf(&o.Description, p.Description)
		setIf(&o.ImageURL, p.ImageURL)
		setIf(&o.DurationMinutes, p.DurationMinutes)
		setIf(&o.Version, p.Version)
		setIf(&o.Duo, p.Duo)
		setIf(&o.Active, p.Active)
		if err := o.Validate(); err != nil {
			return err
		}
		o.UpdatedAt = time.Now().UTC()
		_, err = tx.ExecContext(ctx, s.q(`UPDATE offers SET name = ?, description = ?, image_url = ?, duration_minutes = ?,
			version = ?, duo = ?, active = ?, updated_us = ? WHERE id = ?`),
			o.Name, o.Description, o.ImageURL, o.DurationMinutes, o.Version, o.Duo, o.Active, us(o.UpdatedAt), id)
		if err != nil {
			return fmt.Errorf("update offer: %w", err)
		}
		out = o
		return nil
	})
	return out, err
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// CreateStock stores a new showtime of an existing offer. The booking limit defaults to the
// start.
func (s *Store) CreateStock(ctx context.Context, st *app.Stock) error {
	if st.BookingLimit.IsZero() {
		st.BookingLimit = st.StartsAt
	}
	st.Booked, st.Deleted = 0, false
	if err := st.Validate(); err != nil {
		return err
	}
	if _, err := s.GetOffer(ctx, st.OfferID); err != nil {
		return err
	}
	now := time.Now().UTC()
	st.CreatedAt, st.UpdatedAt = now, now
	return s.tx(ctx, func(tx *sql.Tx) error {
		id, err := lastID(ctx, tx, s, `INSERT INTO stocks (offer_id, starts_us, price_cents, capacity, booked, booking_limit_us,
			price_label, deleted, created_us, updated_us, version) VALUES (?, ?, ?, ?, 0, ?, ?, FALSE, ?, ?, ?)`,
			st.OfferID, us(st.StartsAt), st.PriceCents, nullInt(st.Capacity), us(st.BookingLimit), st.PriceLabel,
			us(now), us(now), st.Version)
		if err != nil {
			return fmt.Errorf("insert stock: %w", err)
		}
		st.ID = id
		return nil
	})
}

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

const stockCols = `id, offer_id, starts_us, price_cents, capacity, booked, booking_limit_us, price_label, deleted,
	created_us, updated_us, version`

func scanStock(row rowScanner) (*app.Stock, error) {
	var st app.Stock
	var starts, limit, created, updated int64
	var capacity sql.NullInt64
	err := row.Scan(&st.ID, &st.OfferID, &starts, &st.PriceCents, &capacity, &st.Booked, &limit, &st.PriceLabel,
		&st.Deleted, &created, &updated, &st.Version)
	if err != nil {
		return nil, err
	}
	if capacity.Valid {
		c := int(capacity.Int64)
		st.Capacity = &c
	}
	st.StartsAt, st.BookingLimit, st.CreatedAt, st.UpdatedAt = fromUS(starts), fromUS(limit), fromUS(created), fromUS(updated)
	return &st, nil
}

// GetStock returns a showtime by id.
func (s *Store) GetStock(ctx context.Context, id int64) (*app.Stock, error) {
	return s.getStock(ctx, s.rdb, id)
}

func (s *Store) getStock(ctx context.Context, q querier, id int64) (*app.Stock, error) {
	st, err := scanStock(q.QueryRowContext(ctx, s.q(`SELECT `+stockCols+` FROM stocks WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Séance")
	}
	if err != nil {
		return nil, fmt.Errorf("get stock: %w", err)
	}
	return st, nil
}

// ListStocks returns an offer's showtimes (deleted ones included, flagged) by start.
func (s *Store) ListStocks(ctx context.Context, offerID int64) ([]app.Stock, error) {
	return list(ctx, s.rdb, "list stocks", scanStock, s.q(`SELECT `+stockCols+` FROM stocks WHERE offer_id = ? ORDER BY starts_us, id`), offerID)
}

// UpdateStock edits a showtime. Moving it recomputes its bookings' cancellation limits
// (min(new start, now + 48h)) and, when the new start is more than two days away, sends its
// USED bookings back to CONFIRMED. The capacity cannot go below the places already booked (the
// database refuses it too).
func (s *Store) UpdateStock(ctx context.Context, id int64, p store.StockPatch, now time.Time) (*app.Stock, error) {
	var out *app.Stock
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st, err := s.getStock(ctx, tx, id)
		if err != nil {
			return err
		}
		if st.Deleted {
			return app.Errorf(app.EGONE, "Cette séance a été supprimée.")
		}
		oldStart := st.StartsAt
		if p.StartsAt != nil {
			if !st.BookingLimit.Before(oldStart) && p.BookingLimit == nil {
				st.BookingLimit = *p.StartsAt // the default limit follows the start
			}
			st.StartsAt = *p.StartsAt
		}
		setIf(&st.PriceCents, p.PriceCents)
		setIf(&st.PriceLabel, p.PriceLabel)
		setIf(&st.BookingLimit, p.BookingLimit)
		if p.ClearCapacity {
			st.Capacity = nil
		} else if p.Capacity != nil {
			c := *p.Capacity
			st.Capacity = &c
		}
		if st.BookingLimit.After(st.StartsAt) {
			st.BookingLimit = st.StartsAt
		}
		if err := st.Validate(); err != nil {
			return err
		}
		st.UpdatedAt = now.UTC()
		_, err = tx.ExecContext(ctx, s.q(`UPDATE stocks SET starts_us = ?, price_cents = ?, capacity = ?, booking_limit_us = ?,
			price_label = ?, updated_us = ?, venue_edited = venue_edited | ? WHERE id = ?`),
			us(st.StartsAt), st.PriceCents, nullInt(st.Capacity), us(st.BookingLimit), st.PriceLabel, us(st.UpdatedAt),
			editedMask(p), id) // an Allociné import keeps what the venue edited
		if violates(err, "stock_not_overbooked") {
			return app.FieldError("capacity", "La jauge ne peut pas être inférieure au nombre de places déjà réservées.")
		}
		if err != nil {
			return fmt.Errorf("update stock: %w", err)
		}
		if !st.StartsAt.Equal(oldStart) {
			if err := s.moveBookings(ctx, tx, st, now); err != nil {
				return err
			}
		}
		out = st
		return nil
	})
	return out, err
}

func (s *Store) moveBookings(ctx context.Context, tx *sql.Tx, st *app.Stock, now time.Time) error {
	limit := app.MovedCancellationLimit(st.StartsAt, now)
	_, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET cancellation_limit_us = ?, updated_us = ?
		WHERE stock_id = ? AND status IN ('CONFIRMED', 'USED')`), us(limit), us(now), st.ID)
	if err != nil {
		return fmt.Errorf("move bookings: %w", err)
	}
	if !app.MoveUnusesBookings(st.StartsAt, now) {
		return nil
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO booking_events (booking_id, kind, at_us, author)
		SELECT id, 'UNUSE_MOVED', ?, 'OFFERER' FROM bookings WHERE stock_id = ? AND status = 'USED'`), us(now), st.ID)
	if err != nil {
		return fmt.Errorf("move bookings: %w", err)
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'CONFIRMED', used_us = NULL, used_by = '',
		used_key_id = NULL, used_key_label = '', used_device = '', used_nonce = '', updated_us = ? WHERE stock_id = ? AND status = 'USED'`),
		us(now), st.ID)
	if err != nil {
		return fmt.Errorf("unuse moved bookings: %w", err)
	}
	return nil
}

// DeleteStock soft-deletes a showtime and cancels its CONFIRMED bookings (their credit
// returns). Bookings already used stay used. Like pass Culture, a showtime that ended more than
// two days ago can no longer be deleted.
func (s *Store) DeleteStock(ctx context.Context, id int64, now time.Time) (int, error) {
	var cancelled int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st, err := s.getStock(ctx, tx, id)
		if err != nil {
			return err
		}
		if st.Deleted {
			return nil
		}
		if now.Sub(st.StartsAt) > 48*time.Hour {
			return app.Errorf(app.EINVALID, "L'évènement s'est terminé il y a plus de deux jours, la suppression est impossible.")
		}
		ids, err := s.idsWhere(ctx, tx, `SELECT id FROM bookings WHERE stock_id = ? AND status = 'CONFIRMED'`, id)
		if err != nil {
			return err
		}
		for _, bid := range ids {
			if err := s.cancelBooking(ctx, tx, bid, app.CancelledByOfferer, store.Validator{}, now); err != nil {
				return err
			}
		}
		cancelled = len(ids)
		_, err = tx.ExecContext(ctx, s.q(`UPDATE stocks SET deleted = TRUE, updated_us = ? WHERE id = ?`), us(now), id)
		if err != nil {
			return fmt.Errorf("delete stock: %w", err)
		}
		return nil
	})
	return cancelled, err
}

func (s *Store) idsWhere(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("select ids: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("select ids: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
