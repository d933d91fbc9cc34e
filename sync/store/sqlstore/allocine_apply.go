package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"guichet/app"
	"guichet/app/allocine"
	"guichet/sync/store"
)

type importedStock struct {
	id, price int64
	capacity  sql.NullInt64
	booked    int
	limit     int64
	label     string
	deleted   bool
	edited    int // editedPrice | editedCapacity | editedLimit | editedStart
}

// What the venue edited on a showtime (stocks.venue_edited): an import keeps those fields; a
// showtime the venue moved is left alone entirely.
const (
	editedPrice = 1 << iota
	editedCapacity
	editedLimit
	editedStart
)

// editedMask is what a pro API edit of a showtime changes.
func editedMask(p store.StockPatch) int {
	m := 0
	if p.PriceCents != nil {
		m |= editedPrice
	}
	if p.Capacity != nil || p.ClearCapacity {
		m |= editedCapacity
	}
	if p.BookingLimit != nil {
		m |= editedLimit
	}
	if p.StartsAt != nil {
		m |= editedStart
	}
	return m
}

// ApplyAllocineImport applies mapped films to a venue in one transaction (see store.Store).
func (s *Store) ApplyAllocineImport(ctx context.Context, venueID int64, films []allocine.Film, now time.Time) (allocine.Report, error) {
	if _, err := s.GetVenue(ctx, venueID); err != nil {
		return allocine.NewReport(), err
	}
	var rep allocine.Report
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rep = allocine.NewReport()
		if err := s.xactLock(ctx, tx, lockImport, venueID); err != nil {
			return err
		}
		a := applier{s: s, tx: tx, now: us(now), rep: &rep}
		if err := a.load(ctx, venueID); err != nil {
			return err
		}
		defer a.close()
		if err := a.prepare(ctx); err != nil {
			return err
		}
		for i := range films {
			if err := a.film(ctx, venueID, &films[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return allocine.NewReport(), err
	}
	return rep, nil
}

type applier struct {
	s                                      *Store
	tx                                     *sql.Tx
	now                                    int64
	rep                                    *allocine.Report
	offers                                 map[string]*app.Offer               // by Allociné movie id
	stocks                                 map[int64]map[string]*importedStock // by offer id, then key
	stmts                                  []*sql.Stmt
	insOffer, updOffer, insStock, updStock *sql.Stmt
}

func (a *applier) load(ctx context.Context, venueID int64) error {
	a.offers = map[string]*app.Offer{}
	a.stocks = map[int64]map[string]*importedStock{}
	rows, err := a.tx.QueryContext(ctx, a.s.q(`SELECT `+offerCols+` FROM offers WHERE venue_id = ? AND allocine_id <> '' ORDER BY id`), venueID)
	if err != nil {
		return fmt.Errorf("load imported offers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return fmt.Errorf("load imported offers: %w", err)
		}
		if _, dup := a.offers[o.AllocineID]; !dup {
			a.offers[o.AllocineID] = o
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load imported offers: %w", err)
	}
	srows, err := a.tx.QueryContext(ctx, a.s.q(`SELECT s.id, s.offer_id, s.allocine_key, s.price_cents, s.capacity, s.booked,
		s.booking_limit_us, s.price_label, s.deleted, s.venue_edited FROM stocks s JOIN offers o ON o.id = s.offer_id
		WHERE o.venue_id = ? AND s.allocine_key IS NOT NULL`), venueID)
	if err != nil {
		return fmt.Errorf("load imported stocks: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var st importedStock
		var offerID int64
		var key string
		if err := srows.Scan(&st.id, &offerID, &key, &st.price, &st.capacity, &st.booked, &st.limit, &st.label,
			&st.deleted, &st.edited); err != nil {
			return fmt.Errorf("load imported stocks: %w", err)
		}
		if a.stocks[offerID] == nil {
			a.stocks[offerID] = map[string]*importedStock{}
		}
		a.stocks[offerID][key] = &st
	}
	return srows.Err()
}

func (a *applier) prepare(ctx context.Context) error {
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&a.insOffer, `INSERT INTO offers (venue_id, name, description, image_url, duration_minutes, version, duo, active,
			allocine_id, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, ?) RETURNING id`},
		{&a.updOffer, `UPDATE offers SET name = ?, description = ?, image_url = ?, duration_minutes = ?, version = ?,
			updated_us = ? WHERE id = ?`},
		{&a.insStock, `INSERT INTO stocks (offer_id, starts_us, price_cents, capacity, booked, booking_limit_us, price_label,
			deleted, created_us, updated_us, allocine_key, version) VALUES (?, ?, ?, ?, 0, ?, ?, FALSE, ?, ?, ?, ?)`},
		{&a.updStock, `UPDATE stocks SET price_cents = ?, capacity = ?, booking_limit_us = ?, price_label = ?, updated_us = ?
			WHERE id = ?`},
	} {
		st, err := a.tx.PrepareContext(ctx, a.s.q(p.query))
		if err != nil {
			return fmt.Errorf("prepare import: %w", err)
		}
		a.stmts = append(a.stmts, st)
		*p.dst = st
	}
	return nil
}

func (a *applier) close() {
	for _, st := range a.stmts {
		st.Close()
	}
}

func (a *applier) film(ctx context.Context, venueID int64, f *allocine.Film) error {
	in := f.Offer
	o := a.offers[f.MovieID]
	switch {
	case o == nil:
		var id int64
		err := a.insOffer.QueryRowContext(ctx, venueID, in.Name, in.Description, in.ImageURL, in.DurationMinutes, in.Version,
			in.Duo, f.MovieID, a.now, a.now).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert imported offer: %w", err)
		}
		o = &in
		o.ID, o.VenueID, o.Active = id, venueID, true
		a.offers[f.MovieID] = o
		a.rep.Offers.Created++
	case !o.Active:
		a.rep.Skipped = append(a.rep.Skipped, allocine.Skipped{Reason: "film désactivé par le lieu", MovieID: f.MovieID, Title: o.Name})
		return nil
	case o.Name != in.Name || o.Description != in.Description || o.ImageURL != in.ImageURL ||
		o.DurationMinutes != in.DurationMinutes || o.Version != in.Version:
		// Duo is the settings' choice for a new film only (pass Culture's importer): the venue's
		// later choice on the film stays.
		if _, err := a.updOffer.ExecContext(ctx, in.Name, in.Description, in.ImageURL, in.DurationMinutes, in.Version,
			a.now, o.ID); err != nil {
			return fmt.Errorf("update imported offer: %w", err)
		}
		a.rep.Offers.Updated++
	}
	existing := a.stocks[o.ID]
	for _, fs := range f.Stocks {
		if err := a.stock(ctx, o, existing[fs.Key], &fs); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) stock(ctx context.Context, o *app.Offer, cur *importedStock, fs *allocine.Stock) error {
	in := fs.Stock
	if cur == nil {
		_, err := a.insStock.ExecContext(ctx, o.ID, us(in.StartsAt), in.PriceCents, nullInt(in.Capacity), us(in.BookingLimit),
			in.PriceLabel, a.now, a.now, fs.Key, fs.Version)
		if err != nil {
			return fmt.Errorf("insert imported stock: %w", err)
		}
		a.rep.Stocks.Created++
		return nil
	}
	if cur.deleted {
		a.rep.Skipped = append(a.rep.Skipped, allocine.Skipped{Reason: "séance supprimée par le lieu", MovieID: o.AllocineID,
			Title: o.Name, StartsAt: in.StartsAt.UTC().Format(time.RFC3339)})
		return nil
	}
	if cur.edited&editedStart != 0 {
		return nil // moved by the venue: left alone
	}
	price, label, capacity, limit := in.PriceCents, in.PriceLabel, nullInt(in.Capacity), us(in.BookingLimit)
	if cur.edited&editedPrice != 0 {
		price, label = cur.price, cur.label
	}
	if cur.edited&editedCapacity != 0 {
		capacity = cur.capacity
	} else if capacity.Valid && capacity.Int64 < int64(cur.booked) {
		capacity.Int64 = int64(cur.booked) // never below the places already booked
	}
	if cur.edited&editedLimit != 0 {
		limit = cur.limit
	}
	if cur.price == price && cur.capacity == capacity && cur.limit == limit && cur.label == label {
		return nil
	}
	if _, err := a.updStock.ExecContext(ctx, price, capacity, limit, label, a.now, cur.id); err != nil {
		return fmt.Errorf("update imported stock: %w", err)
	}
	a.rep.Stocks.Updated++
	return nil
}
