package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // pgx behind database/sql
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Postgres is PostgreSQL through pgx. Its transactions run at READ COMMITTED: writes that depend
// on a row lock it (FOR UPDATE OF the booking only), the limits are CHECK constraints and unique
// indexes, and reads that must agree (a sync pull, a search) run in one REPEATABLE READ snapshot.
var Postgres = Dialect{
	Name:       "postgres",
	dollar:     true,
	forUpdate:  " FOR UPDATE OF b",
	savepoints: true,
	locks:      true,
	snapshot:   &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
}

// IsPostgresURL reports whether a --db value names a PostgreSQL database rather than a SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database a --db value names: a postgres:// URL means PostgreSQL, anything else
// is the path of a SQLite file.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if IsPostgresURL(dsn) {
		return OpenPostgres(ctx, dsn, opts)
	}
	return OpenSQLite(ctx, dsn, opts)
}

// OpenPostgres connects to the PostgreSQL database at url and applies the pending migrations,
// under a session lock so that replicas starting together migrate once.
func OpenPostgres(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	conns := opts.MaxConns
	if conns <= 0 {
		conns = 20
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err)
	}
	s := &Store{db: db, rdb: db, dialect: Postgres, rand: opts.Rand, dsn: url, credit: creditOf(opts)}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrations: %w", err)
	}
	if err := s.migrate(ctx, goose.DialectPostgres, "migrations/postgres", goose.WithSessionLocker(locker)); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// DB is the store's connection pool, for its metrics.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's SQL dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// Lock namespaces of pg_advisory_xact_lock(namespace, key).
const (
	lockNonce   = 1 // one scan nonce
	lockPricing = 2 // the pricing of one venue
	lockCut     = 3 // the payment cuts
	lockAutoUse = 4 // the automatic validation
	lockImport  = 5 // the Allociné import of one venue
)

// xactLock takes a transaction-scoped advisory lock on PostgreSQL; on SQLite, whose single
// writer already serialises write transactions, it does nothing.
func (s *Store) xactLock(ctx context.Context, tx *sql.Tx, namespace int32, key int64) error {
	if !s.dialect.locks {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, namespace, int32(key)^int32(key>>32)); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	return nil
}

// lockKey folds a string into an advisory lock key.
func lockKey(v string) int64 {
	h := fnv.New32a()
	h.Write([]byte(v))
	return int64(h.Sum32())
}

// savepoint runs fn under a savepoint on PostgreSQL, where an error aborts the whole
// transaction unless rolled back to one; SQLite keeps going after a failed statement.
func (s *Store) savepoint(ctx context.Context, tx *sql.Tx, fn func() error) error {
	if !s.dialect.savepoints {
		return fn()
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT sp`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT sp`); rerr != nil {
			return fmt.Errorf("rollback to savepoint: %w (after %w)", rerr, err)
		}
		return err
	}
	_, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT sp`)
	return err
}

// readTx opens a read-only transaction whose reads share one snapshot.
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	return s.rdb.BeginTx(ctx, s.dialect.snapshot)
}

// concatIDs is the dialect's aggregate of ids into "1,2,3".
func (d Dialect) concatIDs(col string) string {
	if d.Name == "postgres" {
		return "string_agg(CAST(" + col + " AS TEXT), ',')"
	}
	return "GROUP_CONCAT(" + col + ")"
}

// lockJob is the namespace of the session locks of scheduled jobs.
const lockJob = 6

// Exclusive runs fn while holding the named job's lock, so that of several replicas on one
// PostgreSQL database one runs it at a time; it reports false, without running fn, when another
// replica holds the lock. The lock is a session advisory lock on a connection kept for the run:
// a replica that dies closes its connection and PostgreSQL releases the lock at once. On SQLite
// (one server process) fn just runs.
func (s *Store) Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) (bool, error) {
	if !s.dialect.locks {
		return true, fn(ctx)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("job lock: %w", err)
	}
	defer conn.Close()
	key := int32(lockKey(name))
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockJob, key).Scan(&got); err != nil {
		return false, fmt.Errorf("job lock: %w", err)
	}
	if !got {
		return false, nil
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(uctx, `SELECT pg_advisory_unlock($1, $2)`, lockJob, key)
	}()
	return true, fn(ctx)
}
