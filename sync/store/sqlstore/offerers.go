package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"guichet/app"
)

// CreateOfferer stores a new offerer.
func (s *Store) CreateOfferer(ctx context.Context, o *app.Offerer) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now().UTC()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		id, err := lastID(ctx, tx, s, `INSERT INTO offerers (siren, name, closed, created_us) VALUES (?, ?, ?, ?)`,
			o.SIREN, o.Name, o.Closed, us(o.CreatedAt))
		if violates(err, "offerers.siren", "offerers_siren_key") {
			return app.Errorf(app.ECONFLICT, "Une structure avec le SIREN %s existe déjà.", o.SIREN)
		}
		if err != nil {
			return fmt.Errorf("insert offerer: %w", err)
		}
		o.ID = id
		return nil
	})
}

const offererCols = `id, siren, name, closed, created_us`

func scanOfferer(row rowScanner) (*app.Offerer, error) {
	var o app.Offerer
	var created int64
	if err := row.Scan(&o.ID, &o.SIREN, &o.Name, &o.Closed, &created); err != nil {
		return nil, err
	}
	o.CreatedAt = fromUS(created)
	return &o, nil
}

// GetOfferer returns an offerer by id.
func (s *Store) GetOfferer(ctx context.Context, id int64) (*app.Offerer, error) {
	o, err := scanOfferer(s.rdb.QueryRowContext(ctx, s.q(`SELECT `+offererCols+` FROM offerers WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Structure")
	}
	if err != nil {
		return nil, fmt.Errorf("get offerer: %w", err)
	}
	return o, nil
}

// FindOffererBySIREN returns an offerer by SIREN.
func (s *Store) FindOffererBySIREN(ctx context.Context, siren string) (*app.Offerer, error) {
	o, err := scanOfferer(s.rdb.QueryRowContext(ctx, s.q(`SELECT `+offererCols+` FROM offerers WHERE siren = ?`), siren))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Structure")
	}
	if err != nil {
		return nil, fmt.Errorf("find offerer: %w", err)
	}
	return o, nil
}

// SetOffererClosed closes or reopens an offerer: a closed offerer's countermarks cannot be
// validated.
func (s *Store) SetOffererClosed(ctx context.Context, id int64, closed bool) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE offerers SET closed = ? WHERE id = ?`), closed, id)
		if err != nil {
			return fmt.Errorf("close offerer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Structure")
		}
		return nil
	})
}

// CreateVenue stores a new venue of an existing offerer.
func (s *Store) CreateVenue(ctx context.Context, v *app.Venue) error {
	o, err := s.GetOfferer(ctx, v.OffererID)
	if err != nil {
		return err
	}
	if v.Timezone == "" {
		v.Timezone = app.DepartmentTimezone(v.DepartmentCode)
	}
	if err := v.Validate(o.SIREN); err != nil {
		return err
	}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = time.Now().UTC()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		id, err := lastID(ctx, tx, s, `INSERT INTO venues (offerer_id, siret, name, address, postal_code, city,
			department_code, latitude, longitude, booking_email, timezone, allocine_theater_id, created_us)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.OffererID, v.SIRET, v.Name, v.Address, v.PostalCode, v.City, v.DepartmentCode, v.Latitude, v.Longitude,
			v.BookingEmail, v.Timezone, v.AllocineTheaterID, us(v.CreatedAt))
		if violates(err, "venues.siret", "venues_siret_key") {
			return app.Errorf(app.ECONFLICT, "Un lieu avec le SIRET %s existe déjà.", v.SIRET)
		}
		if err != nil {
			return fmt.Errorf("insert venue: %w", err)
		}
		v.ID = id
		return nil
	})
}

const venueCols = `id, offerer_id, siret, name, address, postal_code, city, department_code, latitude, longitude,
	booking_email, timezone, allocine_theater_id, created_us`

func scanVenue(row rowScanner) (*app.Venue, error) {
	var v app.Venue
	var created int64
	err := row.Scan(&v.ID, &v.OffererID, &v.SIRET, &v.Name, &v.Address, &v.PostalCode, &v.City, &v.DepartmentCode,
		&v.Latitude, &v.Longitude, &v.BookingEmail, &v.Timezone, &v.AllocineTheaterID, &created)
	if err != nil {
		return nil, err
	}
	v.CreatedAt = fromUS(created)
	return &v, nil
}

// GetVenue returns a venue by id.
func (s *Store) GetVenue(ctx context.Context, id int64) (*app.Venue, error) {
	v, err := scanVenue(s.rdb.QueryRowContext(ctx, s.q(`SELECT `+venueCols+` FROM venues WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Lieu")
	}
	if err != nil {
		return nil, fmt.Errorf("get venue: %w", err)
	}
	return v, nil
}

// ListVenues returns an offerer's venues by name.
func (s *Store) ListVenues(ctx context.Context, offererID int64) ([]app.Venue, error) {
	return list(ctx, s.rdb, "list venues", scanVenue, s.q(`SELECT `+venueCols+` FROM venues WHERE offerer_id = ? ORDER BY name, id`), offererID)
}

// keyPrefix starts every clear API key, so that a leaked one is easy to recognise.
const keyPrefix = "gk_"

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func hashKey(clear string) string {
	sum := sha256.Sum256([]byte(clear))
	return hex.EncodeToString(sum[:])
}

// CreateAPIKey stores a new key for an offerer. The clear key (160 random bits) is returned
// once; only its SHA-256 is stored, which is enough for a key of that entropy.
func (s *Store) CreateAPIKey(ctx context.Context, offererID int64, role app.Role, label string) (string, *app.APIKey, error) {
	if !role.Valid() {
		return "", nil, app.FieldError("role", "Le rôle doit être manager ou cashier.")
	}
	if strings.TrimSpace(label) == "" {
		return "", nil, app.FieldError("label", "Donnez un nom à la clé (par exemple « Caisse 1 »).")
	}
	if _, err := s.GetOfferer(ctx, offererID); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 20)
	if _, err := io.ReadFull(s.rand, raw); err != nil {
		return "", nil, fmt.Errorf("draw api key: %w", err)
	}
	clear := keyPrefix + strings.ToLower(keyEncoding.EncodeToString(raw))
	k, err := s.insertKey(ctx, offererID, role, label, clear)
	return clear, k, err
}

// insertKey stores the hash of a given clear key (the demo uses fixed keys).
func (s *Store) insertKey(ctx context.Context, offererID int64, role app.Role, label, clear string) (*app.APIKey, error) {
	k := &app.APIKey{OffererID: offererID, Prefix: clear[:len(keyPrefix)+6], Role: role, Label: label, CreatedAt: time.Now().UTC()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		id, err := lastID(ctx, tx, s, `INSERT INTO api_keys (offerer_id, prefix, secret_hash, role, label, created_us)
			VALUES (?, ?, ?, ?, ?, ?)`, offererID, k.Prefix, hashKey(clear), string(role), label, us(k.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert api key: %w", err)
		}
		k.ID = id
		return nil
	})
	return k, err
}

const keyCols = `id, offerer_id, prefix, role, label, created_us, revoked_us, offline_until_us`

func scanKey(row rowScanner) (*app.APIKey, error) {
	var k app.APIKey
	var created int64
	var revoked, until sql.NullInt64
	var role string
	if err := row.Scan(&k.ID, &k.OffererID, &k.Prefix, &role, &k.Label, &created, &revoked, &until); err != nil {
		return nil, err
	}
	k.Role, k.CreatedAt, k.RevokedAt, k.OfflineUntil = app.Role(role), fromUS(created), fromNullUS(revoked), fromNullUS(until)
	return &k, nil
}

// Authenticate returns the live key matching a clear key.
func (s *Store) Authenticate(ctx context.Context, clear string) (*app.APIKey, error) {
	if !strings.HasPrefix(clear, keyPrefix) || len(clear) > 200 {
		return nil, app.Errorf(app.EUNAUTHORIZED, "Clé d'API inconnue.")
	}
	k, err := scanKey(s.rdb.QueryRowContext(ctx, s.q(`SELECT `+keyCols+` FROM api_keys WHERE secret_hash = ?`), hashKey(clear)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.Errorf(app.EUNAUTHORIZED, "Clé d'API inconnue.")
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if !k.RevokedAt.IsZero() {
		until := k.OfflineUntil
		if until.IsZero() { // revoked before graces existed: the end of that day
			until = app.EndOfDay(k.RevokedAt, s.location(""))
		}
		return nil, &app.KeyRevoked{Err: app.Errorf(app.EUNAUTHORIZED, app.MsgKeyRevoked), OfflineUntil: until}
	}
	return k, nil
}

// RevokeAPIKey revokes a key for good; its counter may admit offline until the end of the day
// (Europe/Paris).
func (s *Store) RevokeAPIKey(ctx context.Context, id int64) error {
	return s.RevokeAPIKeyUntil(ctx, id, app.EndOfDay(time.Now(), s.location("")))
}

// RevokeAPIKeyUntil revokes a key for good; its counter may go on admitting offline until
// offlineUntil (a time not after now stops it at once).
func (s *Store) RevokeAPIKeyUntil(ctx context.Context, id int64, offlineUntil time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE api_keys SET revoked_us = ?, offline_until_us = ? WHERE id = ? AND revoked_us IS NULL`),
			us(time.Now()), us(offlineUntil), id)
		if err != nil {
			return fmt.Errorf("revoke api key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Clé d'API")
		}
		return nil
	})
}

// ListAPIKeys returns an offerer's keys (without secrets).
func (s *Store) ListAPIKeys(ctx context.Context, offererID int64) ([]app.APIKey, error) {
	return list(ctx, s.rdb, "list api keys", scanKey, s.q(`SELECT `+keyCols+` FROM api_keys WHERE offerer_id = ? ORDER BY id`), offererID)
}
