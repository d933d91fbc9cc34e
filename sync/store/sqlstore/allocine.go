package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

const settingsCols = `venue_id, theater_id, price_cents, capacity, duo, active, updated_us`

func scanSettings(row rowScanner) (*store.AllocineSettings, error) {
	var a store.AllocineSettings
	var capacity sql.NullInt64
	var updated int64
	if err := row.Scan(&a.VenueID, &a.TheaterID, &a.PriceCents, &capacity, &a.Duo, &a.Active, &updated); err != nil {
		return nil, err
	}
	if capacity.Valid {
		c := int(capacity.Int64)
		a.Capacity = &c
	}
	a.UpdatedAt = fromUS(updated)
	return &a, nil
}

// AllocineSettings returns a venue's import settings.
func (s *Store) AllocineSettings(ctx context.Context, venueID int64) (*store.AllocineSettings, error) {
	a, err := scanSettings(s.rdb.QueryRowContext(ctx, s.q(`SELECT `+settingsCols+` FROM allocine_settings WHERE venue_id = ?`), venueID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.Errorf(app.ENOTFOUND, "Aucun paramètre d'import Allociné pour ce lieu.")
	}
	if err != nil {
		return nil, fmt.Errorf("get allocine settings: %w", err)
	}
	return a, nil
}

// SetAllocineSettings creates or replaces a venue's import settings.
func (s *Store) SetAllocineSettings(ctx context.Context, a *store.AllocineSettings, now time.Time) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if _, err := s.GetVenue(ctx, a.VenueID); err != nil {
		return err
	}
	a.UpdatedAt = now.UTC()
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO allocine_settings (`+settingsCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (venue_id) DO UPDATE SET theater_id = excluded.theater_id, price_cents = excluded.price_cents,
			capacity = excluded.capacity, duo = excluded.duo, active = excluded.active, updated_us = excluded.updated_us`),
			a.VenueID, a.TheaterID, a.PriceCents, nullInt(a.Capacity), a.Duo, a.Active, us(a.UpdatedAt))
		if err != nil {
			return fmt.Errorf("set allocine settings: %w", err)
		}
		return nil
	})
}

// ListAllocineSettings returns every venue's active import settings.
func (s *Store) ListAllocineSettings(ctx context.Context) ([]store.AllocineSettings, error) {
	return list(ctx, s.rdb, "list allocine settings", scanSettings, `SELECT `+settingsCols+` FROM allocine_settings WHERE active ORDER BY venue_id`)
}

// RecordAllocineImport stores an import's report.
func (s *Store) RecordAllocineImport(ctx context.Context, run *store.ImportRun) error {
	data, err := json.Marshal(run.Report)
	if err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO allocine_imports (venue_id, at_us, ok, report) VALUES (?, ?, ?, ?)`),
			run.VenueID, us(run.At), run.OK, string(data))
		if err != nil {
			return fmt.Errorf("record import: %w", err)
		}
		return nil
	})
}

// LastAllocineImport returns a venue's last import.
func (s *Store) LastAllocineImport(ctx context.Context, venueID int64) (*store.ImportRun, error) {
	var run store.ImportRun
	var at int64
	var report string
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT venue_id, at_us, ok, report FROM allocine_imports WHERE venue_id = ?
		ORDER BY id DESC LIMIT 1`), venueID).Scan(&run.VenueID, &at, &run.OK, &report)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.Errorf(app.ENOTFOUND, "Aucun import Allociné pour ce lieu.")
	}
	if err != nil {
		return nil, fmt.Errorf("last import: %w", err)
	}
	run.At = fromUS(at)
	if err := json.Unmarshal([]byte(report), &run.Report); err != nil {
		return nil, fmt.Errorf("last import: %w", err)
	}
	return &run, nil
}

// Poster returns a downloaded poster.
func (s *Store) Poster(ctx context.Context, url string) (*store.Poster, error) {
	p := store.Poster{URL: url}
	var fetched int64
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT content_type, data, fetched_us FROM posters WHERE url = ?`), url).
		Scan(&p.ContentType, &p.Data, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Affiche")
	}
	if err != nil {
		return nil, fmt.Errorf("get poster: %w", err)
	}
	p.FetchedAt = fromUS(fetched)
	return &p, nil
}

// SavePoster stores a downloaded poster.
func (s *Store) SavePoster(ctx context.Context, p *store.Poster) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO posters (url, content_type, data, fetched_us) VALUES (?, ?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET content_type = excluded.content_type, data = excluded.data,
			fetched_us = excluded.fetched_us`), p.URL, p.ContentType, p.Data, us(p.FetchedAt))
		if err != nil {
			return fmt.Errorf("save poster: %w", err)
		}
		return nil
	})
}
