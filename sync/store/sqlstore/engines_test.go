package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"guichet/sync/store/pgtest"
)

// The store's tests run on both engines: each Test is a "sqlite" and a "postgres" subtest, the
// latter on a fresh database of the cluster pgtest provides (make test starts one; otherwise
// TestMain does). A PostgreSQL test without a cluster fails, it never skips.
func TestMain(m *testing.M) { pgtest.Main(m) }

func onEngines(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, e := range []string{"sqlite", "postgres"} {
		t.Run(e, fn)
	}
}

// isPostgres reports whether t runs under onEngines' "postgres" subtest.
func isPostgres(t testing.TB) bool {
	parts := strings.Split(t.Name(), "/")
	return len(parts) > 1 && parts[1] == "postgres"
}

func openTest(t testing.TB) *Store {
	t.Helper()
	return openTestWith(t, Options{SyncNormal: true})
}

func openTestWith(t testing.TB, opts Options) *Store {
	t.Helper()
	ctx := context.Background()
	var s *Store
	var err error
	if isPostgres(t) {
		url := pgtest.DB(t, template)
		opts.MaxConns = 16
		s, err = OpenPostgres(ctx, url, opts)
	} else {
		s, err = OpenSQLite(ctx, filepath.Join(t.TempDir(), "guichet.db"), opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// template makes the PostgreSQL test databases: migrated once, and emptied between tests with the
// revision counter's row put back.
var template = pgtest.Template{
	Key: "sqlstore",
	Prepare: func(url string) error {
		s, err := OpenPostgres(context.Background(), url, Options{MaxConns: 2})
		if err != nil {
			return err
		}
		return s.Close()
	},
	Reset: `INSERT INTO rev_counter (id, v) VALUES (1, 0); INSERT INTO db_identity (id, v) VALUES (1, md5(random()::text))`,
}
