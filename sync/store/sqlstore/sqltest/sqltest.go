// Package sqltest opens real stores for tests on both engines: a SQLite file in the test's
// temporary directory, or a fresh PostgreSQL database of the cluster pgtest provides. Run runs
// a test once per engine as subtests named "sqlite" and "postgres"; Open opens the engine of the
// subtest it is given.
package sqltest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"guichet/sync/store/pgtest"
	"guichet/sync/store/sqlstore"
)

// Engines are the subtest names of Run.
var Engines = []string{"sqlite", "postgres"}

// Main runs a package's tests with a PostgreSQL cluster (see pgtest.Main).
func Main(m *testing.M) { pgtest.Main(m) }

// Run runs fn once per engine, as subtests.
func Run(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(e, fn)
	}
}

// Engine is the engine a test (or one of its subtests) runs on: "postgres" under Run's
// postgres subtest, "sqlite" otherwise.
func Engine(t testing.TB) string {
	if parts := strings.Split(t.Name(), "/"); len(parts) > 1 && parts[1] == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// DSN returns a --db value for a new database of t's engine: a file path or a postgres:// URL.
func DSN(t testing.TB) string {
	t.Helper()
	if Engine(t) == "postgres" {
		return pgtest.DB(t, Template)
	}
	return filepath.Join(t.TempDir(), "guichet.db")
}

// Open opens a new, migrated store of t's engine, closed when the test ends.
func Open(t testing.TB, opts sqlstore.Options) *sqlstore.Store {
	t.Helper()
	if opts.MaxConns == 0 {
		opts.MaxConns = 8
	}
	s, err := sqlstore.Open(context.Background(), DSN(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Template makes the PostgreSQL test databases: migrated once, and emptied between tests with the
// revision counter's row put back.
var Template = pgtest.Template{
	Key: "sqlstore",
	Prepare: func(url string) error {
		s, err := sqlstore.OpenPostgres(context.Background(), url, sqlstore.Options{MaxConns: 2})
		if err != nil {
			return err
		}
		return s.Close()
	},
	Reset: `INSERT INTO rev_counter (id, v) VALUES (1, 0); INSERT INTO db_identity (id, v) VALUES (1, md5(random()::text))`,
}
