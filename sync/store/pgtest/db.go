package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Main runs a test binary's tests with a cluster: the one GUICHET_TEST_PG names, else one it
// starts and stops around the run. It exits non-zero when no cluster can be had.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv(Env) != "" {
		defer dropTemplates()
		return m.Run()
	}
	c, err := Start("")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: no PostgreSQL for the tests: %v\n", err)
		return 1
	}
	defer func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}()
	os.Setenv(Env, c.URL)
	return m.Run()
}

// Prepare fills a new template database (given its URL), typically by migrating it.
type Prepare func(url string) error

// Template says how the databases of one kind are made: Prepare fills the first one, and
// Reset is the SQL that puts back, after the tables are emptied, the rows Prepare left (a
// database is emptied and reused by the next test rather than dropped: creating one costs a
// second on a busy machine).
type Template struct {
	Key     string
	Prepare Prepare
	Reset   string
}

var (
	mu        sync.Mutex
	templates = map[string]string{}   // key → template database name
	free      = map[string][]string{} // key → databases emptied and ready
	seq       atomic.Int64
)

// DB returns the URL of a database for t, a copy of the template that tpl.Prepare filled once per
// test binary; when the test ends its tables are emptied and it goes back to the pool. Without
// GUICHET_TEST_PG (outside Main) or when the cluster does not answer, the test fails.
func DB(t testing.TB, tpl Template) string {
	t.Helper()
	admin := os.Getenv(Env)
	if admin == "" {
		t.Fatalf("pgtest: %s is not set: call pgtest.Main from TestMain, or run make test", Env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name, err := take(ctx, admin, tpl)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := reset(ctx, withDB(admin, name), tpl.Reset); err != nil {
			t.Errorf("pgtest: reset database: %v", err)
			_ = adminExec(ctx, admin, `DROP DATABASE `+name+` WITH (FORCE)`)
			return
		}
		mu.Lock()
		free[tpl.Key] = append(free[tpl.Key], name)
		mu.Unlock()
	})
	return withDB(admin, name)
}

// URL returns the URL of an empty database for t.
func URL(t testing.TB) string {
	return DB(t, Template{Key: "empty", Prepare: func(string) error { return nil }})
}

func take(ctx context.Context, admin string, tpl Template) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if n := len(free[tpl.Key]); n > 0 {
		name := free[tpl.Key][n-1]
		free[tpl.Key] = free[tpl.Key][:n-1]
		return name, nil
	}
	tmpl, ok := templates[tpl.Key]
	if !ok {
		tmpl = fmt.Sprintf("tmpl%d_%d", os.Getpid(), len(templates))
		if err := adminExec(ctx, admin, `CREATE DATABASE `+tmpl); err != nil {
			return "", fmt.Errorf("create template: %w", err)
		}
		if err := tpl.Prepare(withDB(admin, tmpl)); err != nil {
			return "", fmt.Errorf("prepare template: %w", err)
		}
		templates[tpl.Key] = tmpl
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	if err := adminExec(ctx, admin, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY`, name, tmpl)); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return name, nil
}

// reset empties every table of the public schema but goose's, restarts the sequences, and runs
// the template's reset SQL; triggers and foreign keys are off meanwhile (replica role).
func reset(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, `DO $$
DECLARE r record;
BEGIN
	SET LOCAL session_replication_role = replica;
	FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' LOOP
		EXECUTE format('DELETE FROM %I', r.tablename);
	END LOOP;
	FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND sequencename NOT LIKE 'goose%' LOOP
		EXECUTE format('SELECT setval(%L, 1, false)', r.sequencename);
	END LOOP;
END $$`)
	if err == nil && sql != "" {
		_, err = conn.Exec(ctx, sql)
	}
	return err
}

func withDB(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + name
	return u.String()
}

func adminExec(ctx context.Context, admin, sql string) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect %s: %w", admin, err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// dropTemplates removes this binary's databases from a cluster that outlives it.
func dropTemplates() {
	mu.Lock()
	defer mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var names []string
	for key, name := range templates {
		names = append(names, name)
		delete(templates, key)
	}
	for key, list := range free {
		names = append(names, list...)
		delete(free, key)
	}
	for _, name := range names {
		if err := adminExec(ctx, os.Getenv(Env), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: drop database: %v\n", err)
		}
	}
}
