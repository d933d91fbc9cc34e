// Package cache is the counter's offline store on SQLite: a copy of its venue's offers,
// showtimes and bookings pulled from the server (cache.db, rebuilt from the server when lost or
// corrupt), and the outbox of every validation made at this counter (outbox.db, kept until the
// server has answered each one), whose new events are made durable by a journal (journal.log,
// one fdatasync per scan: journal.go).
package cache

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"guichet/app"
	"guichet/internal/sqlutil"
)

//go:embed migrations
var migrations embed.FS

// Cache is the counter's offline store.
type Cache struct {
	db      *sql.DB // one connection: cache.db as main, outbox.db attached as "ob"
	dir     string
	st      stmts  // the scan path's statements, prepared once (preparing costs more than running them)
	rebuilt string // why the cache was rebuilt at open, if it was

	wmu sync.Mutex // the journal, and the outbox transactions it records (logged, Checkpoint)
	jnl *journal
	// compacted is when the journal last started afresh (Checkpoint does it at most every
	// compactEvery).
	compacted time.Time
}

// Open opens (creating if needed) the cache in dir. A cache.db that SQLite cannot read is moved
// aside (cache.db.corrupt-…) and recreated empty, to be refilled from the server; the outbox
// is never discarded.
func Open(ctx context.Context, dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open cache: %w", err)
	}
	c := &Cache{dir: dir}
	db, err := c.open(ctx)
	if err != nil && isLocked(err) {
		return nil, app.Errorf(app.ECONFLICT, MsgInUse)
	}
	if err != nil && isCorrupt(err) {
		aside := filepath.Join(dir, fmt.Sprintf("cache.db.corrupt-%d", time.Now().Unix()))
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Rename(filepath.Join(dir, "cache.db"+suffix), aside+suffix)
		}
		c.rebuilt = err.Error()
		db, err = c.open(ctx)
	}
	if err != nil {
		return nil, err
	}
	c.db = db
	jnl, recs, err := openJournal(filepath.Join(dir, "journal.log"))
	if err != nil {
		db.Close()
		return nil, err
	}
	c.jnl = jnl
	if err := c.prepare(ctx); err != nil {
		c.Close()
		return nil, err
	}
	if err := c.replay(ctx, recs); err != nil {
		c.Close()
		return nil, err
	}
	if err := c.reapplyPending(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// MsgInUse refuses to open a cache another Guichet (another window, another session) has open.
const MsgInUse = "Les données de ce poste sont déjà ouvertes par un autre Guichet : fermez-le, puis relancez."

func isLocked(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

func isCorrupt(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "file is not a database") || strings.Contains(msg, "malformed") ||
		strings.Contains(msg, "SQLITE_CORRUPT") || strings.Contains(msg, "SQLITE_NOTADB")
}

func (c *Cache) open(ctx context.Context) (*sql.DB, error) {
	// The outbox first, on its own, so that its migrations run on its own schema.
	obPath := filepath.Join(c.dir, "outbox.db")
	if err := migrate(ctx, obPath, "migrations/outbox"); err != nil {
		return nil, fmt.Errorf("open outbox %s: %w", obPath, err)
	}
	path := filepath.Join(c.dir, "cache.db")
	if err := migrate(ctx, path, "migrations/cache"); err != nil {
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	// One connection, holding both files exclusively for as long as the cache is open: no lock
	// is taken or released per scan (a dozen system calls less on the cashier's wait), and a
	// second Guichet on the same data is refused instead of running a second engine on it.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=locking_mode(EXCLUSIVE)&_pragma=busy_timeout(1000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, fmt.Errorf("open cache: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	for _, q := range []string{
		`ATTACH DATABASE '` + strings.ReplaceAll(obPath, "'", "''") + `' AS ob`,
		`PRAGMA ob.journal_mode = WAL`,
		// NORMAL: a commit survives a killed process, and the journal (one small fdatasync)
		// carries the outbox's new events over a power cut until a checkpoint syncs the file.
		`PRAGMA ob.synchronous = NORMAL`,
		`PRAGMA main.wal_autocheckpoint = 0`, // checkpoints run in the background (Checkpoint)
		`PRAGMA ob.wal_autocheckpoint = 0`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			db.Close()
			return nil, fmt.Errorf("open cache: %s: %w", q, err)
		}
	}
	return db, nil
}

// migrate brings the file at path to the schema of the folder dir and checks it (quick_check:
// a damaged file is refused here). The check runs on this short-lived connection, not on the
// cache's: after a quick_check, modernc's SQLite kept evicting the connection's pages (every
// look-up read its B-tree pages from the file again, docs/bench.md).
func migrate(ctx context.Context, path, dir string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1000)&_pragma=journal_mode(WAL)")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := sqlutil.Migrate(ctx, db, goose.DialectSQLite3, migrations, dir); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `PRAGMA quick_check`); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	return nil
}

// Rebuilt says why the cache had to be recreated at open ("" when it did not).
func (c *Cache) Rebuilt() string { return c.rebuilt }

// Close closes the cache.
func (c *Cache) Close() error {
	err := c.db.Close()
	if c.jnl != nil {
		err = errors.Join(err, c.jnl.close())
	}
	return err
}

func (c *Cache) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return sqlutil.Tx(ctx, c.db, fn)
}

// Meta returns a setting of the cache ("" when unset).
func (c *Cache) Meta(ctx context.Context, k string) (string, error) {
	var v string
	err := c.db.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = ?`, k).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", k, err)
	}
	return v, nil
}

// SetMeta stores a setting of the cache.
func (c *Cache) SetMeta(ctx context.Context, k, v string) error {
	_, err := c.db.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, k, v)
	if err != nil {
		return fmt.Errorf("write %s: %w", k, err)
	}
	return nil
}

// Reset empties the copy of the venue (not the outbox), for a full download.
func (c *Cache) Reset(ctx context.Context) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		for _, t := range []string{"offers", "stocks", "bookings", "conflicts", "meta"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("reset cache: %w", err)
			}
		}
		return nil
	})
}

// Times are stored as microseconds since the epoch, UTC (the server's convention).
func us(t time.Time) int64 { return sqlutil.US(t) }

func fromUS(v int64) time.Time { return sqlutil.FromUS(v) }

func nullUS(t time.Time) sql.NullInt64 { return sqlutil.NullUS(t) }

func fromNullUS(v sql.NullInt64) time.Time { return sqlutil.FromNullUS(v) }
