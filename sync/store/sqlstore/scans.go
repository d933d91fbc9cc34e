package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// countMiss counts an online scan that found no booking, per key and UTC day.
func (s *Store) countMiss(ctx context.Context, tx *sql.Tx, key *app.APIKey, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO scan_misses (offerer_id, key_id, day, misses, last_us) VALUES (?, ?, ?, 1, ?)
		ON CONFLICT (offerer_id, key_id, day) DO UPDATE SET misses = scan_misses.misses + 1, last_us = excluded.last_us`),
		key.OffererID, key.ID, now.UTC().Format(time.DateOnly), us(now))
	if err != nil {
		return fmt.Errorf("count miss: %w", err)
	}
	return nil
}

// ScanMisses returns an offerer's counts of online scans that matched no booking, per key and
// day, the latest first.
func (s *Store) ScanMisses(ctx context.Context, offererID int64) ([]store.ScanMisses, error) {
	return list(ctx, s.rdb, "scan misses", func(r rowScanner) (*store.ScanMisses, error) {
		var m store.ScanMisses
		var day string
		var last int64
		if err := r.Scan(&m.KeyID, &day, &m.Misses, &last); err != nil {
			return nil, err
		}
		m.Day, _ = time.Parse(time.DateOnly, day)
		m.Last = fromUS(last)
		return &m, nil
	}, s.q(`SELECT key_id, day, misses, last_us FROM scan_misses WHERE offerer_id = ? ORDER BY day DESC, key_id`), offererID)
}

// PurgeScans deletes the scan events received before before and the miss counts of days before
// it. A nonce purged and pushed again is applied again: the retention must outlast any
// device's outbox (docs/security.md).
func (s *Store) PurgeScans(ctx context.Context, before time.Time) (store.PurgeReport, error) {
	var rep store.PurgeReport
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM scan_events WHERE received_us < ?`), us(before))
		if err != nil {
			return fmt.Errorf("purge scan events: %w", err)
		}
		n, _ := res.RowsAffected()
		rep.ScanEvents = int(n)
		res, err = tx.ExecContext(ctx, s.q(`DELETE FROM scan_misses WHERE day < ?`), before.UTC().Format(time.DateOnly))
		if err != nil {
			return fmt.Errorf("purge scan misses: %w", err)
		}
		n, _ = res.RowsAffected()
		rep.MissDays = int(n)
		return nil
	})
	return rep, err
}
