// Package sqlutil holds the database code the server's store (sync/store/sqlstore) and the
// counter's cache (counter/cache) share: one transaction helper, one way to apply embedded goose
// migrations, and the microsecond time columns.
package sqlutil

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
)

// Tx runs fn in a transaction of db, committing when fn returns nil and rolling back otherwise.
func Tx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Migrate applies to db the pending migrations of the folder dir of fsys.
func Migrate(ctx context.Context, db *sql.DB, d goose.Dialect, fsys fs.FS, dir string, opts ...goose.ProviderOption) error {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(d, db, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// US is t as stored: microseconds since the Unix epoch.
func US(t time.Time) int64 { return t.UnixMicro() }

// FromUS is the UTC time stored as v microseconds since the epoch.
func FromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }

// NullUS stores t, the zero time as NULL.
func NullUS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: US(t), Valid: true}
}

// FromNullUS reads a nullable time column (NULL is the zero time).
func FromNullUS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return FromUS(v.Int64)
}
