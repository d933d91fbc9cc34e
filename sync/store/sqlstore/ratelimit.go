package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// TakeToken takes one token from the named bucket, which holds burst tokens and gains one every
// every (the generic cell rate algorithm: the row keeps the bucket's theoretical arrival time).
// A token is taken by one upsert, atomic on both engines (PostgreSQL re-checks its condition on
// the row a concurrent attempt just wrote), so replicas sharing the database share the bucket.
// When it is empty, ok is false and wait is how long until the next token (one more read). The
// bucket's name is stored hashed: any length, a fixed-size key.
func (s *Store) TakeToken(ctx context.Context, bucket string, every time.Duration, burst int, now time.Time) (ok bool, wait time.Duration, err error) {
	if every <= 0 || burst < 1 {
		return false, 0, fmt.Errorf("rate bucket: a rule needs a period and a burst")
	}
	sum := sha256.Sum256([]byte(bucket))
	key := hex.EncodeToString(sum[:])
	step, nowUS := every.Microseconds(), us(now)
	limit := nowUS + int64(burst-1)*step // the latest arrival time that still leaves a token
	greatest := "max"
	if s.dialect.Name == "postgres" {
		greatest = "GREATEST"
	}
	res, err := s.db.ExecContext(ctx, s.q(`INSERT INTO rate_buckets (bucket, tat_us) VALUES (?, ?)
		ON CONFLICT (bucket) DO UPDATE SET tat_us = `+greatest+`(rate_buckets.tat_us, ?) + ?
		WHERE `+greatest+`(rate_buckets.tat_us, ?) <= ?`), key, nowUS+step, nowUS, step, nowUS, limit)
	if err != nil {
		return false, 0, fmt.Errorf("rate bucket: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, 0, nil
	}
	var tat int64
	err = s.db.QueryRowContext(ctx, s.q(`SELECT tat_us FROM rate_buckets WHERE bucket = ?`), key).Scan(&tat)
	if errors.Is(err, sql.ErrNoRows) { // purged meanwhile: it was full, try again later
		return false, every, nil
	}
	if err != nil {
		return false, 0, fmt.Errorf("rate bucket: %w", err)
	}
	return false, time.Duration(max(tat-limit, 1)) * time.Microsecond, nil
}

// PurgeRateBuckets deletes the buckets full again at now (their rows say nothing a new row would
// not) and returns how many.
func (s *Store) PurgeRateBuckets(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM rate_buckets WHERE tat_us <= ?`), us(now))
	if err != nil {
		return 0, fmt.Errorf("purge rate buckets: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
