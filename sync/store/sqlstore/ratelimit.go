package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TakeToken takes one token from the named bucket, which holds burst tokens and gains one every
// every (the generic cell rate algorithm: the row keeps the bucket's theoretical arrival time).
// Each attempt is one statement, atomic on both engines, so replicas sharing the database share
// the bucket. When it is empty, ok is false and wait is how long until the next token.
func (s *Store) TakeToken(ctx context.Context, bucket string, every time.Duration, burst int, now time.Time) (ok bool, wait time.Duration, err error) {
	if every <= 0 || burst < 1 {
		return false, 0, fmt.Errorf("rate bucket %s: a rule needs a period and a burst", bucket)
	}
	step, nowUS := every.Microseconds(), us(now)
	limit := nowUS + int64(burst-1)*step // the latest arrival time that still leaves a token
	greatest := "max"
	if s.dialect.Name == "postgres" {
		greatest = "GREATEST"
	}
	update := s.q(`UPDATE rate_buckets SET tat_us = ` + greatest + `(tat_us, ?) + ? WHERE bucket = ? AND ` + greatest + `(tat_us, ?) <= ?`)
	for attempt := 0; attempt < 2; attempt++ {
		res, err := s.db.ExecContext(ctx, update, nowUS, step, bucket, nowUS, limit)
		if err != nil {
			return false, 0, fmt.Errorf("rate bucket: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, 0, nil
		}
		// No row taken from: the bucket is new (created full, minus this token) or empty. A
		// replica creating it at the same time makes the insert do nothing: the update is
		// tried once more.
		res, err = s.db.ExecContext(ctx, s.q(`INSERT INTO rate_buckets (bucket, tat_us) VALUES (?, ?)
			ON CONFLICT (bucket) DO NOTHING`), bucket, nowUS+step)
		if err != nil {
			return false, 0, fmt.Errorf("rate bucket: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return true, 0, nil
		}
	}
	var tat int64
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT tat_us FROM rate_buckets WHERE bucket = ?`), bucket).Scan(&tat); err != nil {
		if errors.Is(err, sql.ErrNoRows) { // purged meanwhile: full again
			return s.TakeToken(ctx, bucket, every, burst, now)
		}
		return false, 0, fmt.Errorf("rate bucket: %w", err)
	}
	return false, time.Duration(max(tat-limit, 1)) * time.Microsecond, nil
}
