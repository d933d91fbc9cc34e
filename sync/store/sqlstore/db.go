// Package sqlstore implements store.Store on SQL databases: SQLite (embedded, the default,
// through the pure-Go modernc.org/sqlite driver) and PostgreSQL (through pgx) on the same
// queries. Queries are written with '?' placeholders and portable SQL (RETURNING, partial
// indexes, CHECK constraints); the dialect rewrites what differs, and each dialect has its own
// migrations (migrations/sqlite, migrations/postgres), version for version.
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"guichet/app"
	"guichet/internal/sqlutil"
	"guichet/sync/store"
)

//go:embed migrations
var migrations embed.FS

// Dialect says how a database differs from the portable SQL the store is written in.
type Dialect struct {
	Name       string         // "sqlite" or "postgres"
	dollar     bool           // placeholders are $1, $2…
	forUpdate  string         // row-lock suffix for read-then-write transactions
	savepoints bool           // a failed statement aborts the transaction unless under a savepoint
	locks      bool           // concurrent writers: jobs and nonces take advisory locks
	snapshot   *sql.TxOptions // options of a read transaction whose reads share one snapshot
}

// SQLite is the embedded default.
var SQLite = Dialect{Name: "sqlite", snapshot: &sql.TxOptions{ReadOnly: true}}

// Store is a store.Store on a SQL database.
type Store struct {
	db      *sql.DB // writes (a single connection on SQLite: writers queue in Go, not in SQLITE_BUSY)
	rdb     *sql.DB // reads
	dialect Dialect
	rand    io.Reader
	locs    sync.Map // time zone name → *time.Location
	qcache  sync.Map // portable query → dialect query
	dsn     string   // the PostgreSQL URL it was opened with
	credit  app.Credit
}

var _ store.Store = (*Store)(nil)

// Options tune a store. The zero value is the production setting.
type Options struct {
	// Rand is the CSPRNG for countermarks and API keys (crypto/rand.Reader when nil).
	Rand io.Reader
	// SyncNormal trades durability of the last transactions on power loss for speed
	// (synchronous=NORMAL instead of FULL). WAL keeps the database consistent either way.
	SyncNormal bool
	// MaxConns caps the PostgreSQL connection pool (20 when zero); SQLite ignores it.
	MaxConns int
	// Credit is granted to new beneficiaries (app.DefaultCredit when zero).
	Credit app.Credit
}

// creditOf is the configured credit, the default when none is.
func creditOf(o Options) app.Credit {
	if o.Credit == (app.Credit{}) {
		return app.DefaultCredit()
	}
	return o.Credit
}

// OpenSQLite opens (creating if needed) the SQLite database at path, in WAL mode with foreign
// keys on, and applies the pending migrations.
func OpenSQLite(ctx context.Context, path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open sqlite: empty path")
	}
	syncMode := "FULL"
	if opts.SyncNormal {
		syncMode = "NORMAL"
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(" + syncMode + ")"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s := &Store{db: w, dialect: SQLite, rand: opts.Rand, credit: creditOf(opts)}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if err := s.migrate(ctx, goose.DialectSQLite3, "migrations/sqlite"); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s.rdb = r
	return s, nil
}

func (s *Store) migrate(ctx context.Context, d goose.Dialect, dir string, opts ...goose.ProviderOption) error {
	return sqlutil.Migrate(ctx, s.db, d, migrations, dir, append(opts, goose.WithAllowOutofOrder(true))...)
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.rdb != nil && s.rdb != s.db {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// q rewrites a portable query for the dialect.
func (s *Store) q(query string) string {
	if !s.dialect.dollar {
		return query
	}
	if v, ok := s.qcache.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	out := b.String()
	s.qcache.Store(query, out)
	return out
}

// tx runs fn in a write transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return sqlutil.Tx(ctx, s.db, fn)
}

// location returns the time zone named name, cached per store.
func (s *Store) location(name string) *time.Location {
	if name == "" {
		name = app.DefaultTimezone
	}
	if v, ok := s.locs.Load(name); ok {
		return v.(*time.Location)
	}
	loc := app.Location(name)
	s.locs.Store(name, loc)
	return loc
}

// Times are stored as microseconds since the epoch, UTC.
func us(t time.Time) int64 { return sqlutil.US(t) }

func fromUS(v int64) time.Time { return sqlutil.FromUS(v) }

func fromNullUS(v sql.NullInt64) time.Time { return sqlutil.FromNullUS(v) }

// violates reports whether err is the database refusing a write because of the named
// constraint (or, for SQLite unique indexes, the listed columns).
func violates(err error, names ...string) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	for _, n := range names {
		if strings.Contains(msg, n) {
			return true
		}
	}
	return false
}

func notFound(what string) error {
	return app.Errorf(app.ENOTFOUND, "%s introuvable.", what)
}

func lastID(ctx context.Context, tx *sql.Tx, s *Store, query string, args ...any) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, s.q(query+" RETURNING id"), args...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// list runs a query and scans each row with scan; what names the list in errors.
func list[T any](ctx context.Context, q querier, what string, scan func(rowScanner) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
