package cache

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/internal/testdir"
)

// TestCache_PowerCutReplaysJournal: a power cut loses the outbox's last commits (synchronous=
// NORMAL: they were in the kernel's cache, not on the disk) but not the journal, which was
// synced before each commit. The files as a cut leaves them — the outbox and the copy as of the
// last checkpoint, the journal as written — open with every validation shown to the cashier
// pending again, with its verdict, and the admitted booking USED in the copy.
func TestCache_PowerCutReplaysJournal(t *testing.T) {
	ctx := context.Background()
	c, dir, now := sampleCache(t)
	cut := tempDir(t)
	must(t, c.Checkpoint(ctx))
	// What the disk holds at the cut: the database files as of this checkpoint...
	for _, f := range []string{"cache.db", "outbox.db"} {
		copyFile(t, filepath.Join(dir, f), filepath.Join(cut, f))
	}
	// ...then an evening of validations, committed without a sync...
	if out, err := c.Decide(ctx, "n1", "AAAAAA", "caisse-1", now, paris); err != nil || out.Code != app.OutcomeAdmitted {
		t.Fatalf("AAAAAA: %v %+v", err, out)
	}
	must(t, c.Record(ctx, Event{Nonce: "n2", Token: "BBBBBB", Kind: "use", Mode: "online", ScannedAt: now}))
	if out, err := c.Decide(ctx, "n2", "BBBBBB", "caisse-1", now, paris); err != nil || out.Code != app.OutcomeAlreadyUsed {
		t.Fatalf("BBBBBB: %v %+v", err, out) // an online attempt that fell back, decided offline
	}
	if out, _, err := c.DecideKeep(ctx, "n3", "AAAAAA", now.Add(time.Minute)); err != nil || out.Code != app.OutcomeKept {
		t.Fatalf("keep AAAAAA: %v %+v", err, out)
	}
	if out, err := c.Decide(ctx, "n4", "AAAAAA", "caisse-1", now.Add(2*time.Minute), paris); err != nil || out.Code != app.OutcomeAdmitted {
		t.Fatalf("AAAAAA again: %v %+v", err, out)
	}
	// ...and the journal, synced at each.
	copyFile(t, filepath.Join(dir, "journal.log"), filepath.Join(cut, "journal.log"))
	if n, _ := pendingIn(t, cut); n != 0 {
		t.Fatalf("the cut's outbox already holds %d events: the test does not simulate a lost commit", n)
	}

	r := openTest(t, cut)
	evs, err := r.Pending(ctx, 10)
	must(t, err)
	got := map[string]string{}
	for _, ev := range evs {
		got[ev.Nonce] = ev.Token + " " + ev.Kind + " " + ev.Mode + " " + string(ev.LocalVerdict)
	}
	want := map[string]string{
		"n1": "AAAAAA use offline ADMITTED",
		"n2": "BBBBBB use offline ALREADY_USED",
		"n3": "AAAAAA keep offline KEPT",
		"n4": "AAAAAA use offline ADMITTED",
	}
	if len(got) != len(want) {
		t.Errorf("after the cut: %v, want %v", got, want)
	}
	for n, w := range want {
		if got[n] != w {
			t.Errorf("after the cut, %s: %q, want %q", n, got[n], w)
		}
	}
	if b, err := r.Lookup(ctx, "AAAAAA"); err != nil || b.Status != app.StatusUsed {
		t.Errorf("AAAAAA after the cut: %+v %v, want USED (the last decision, an admission)", b, err)
	}
	if out, _ := r.Decide(ctx, "n5", "AAAAAA", "caisse-1", now.Add(3*time.Minute), paris); out.Code != app.OutcomeAlreadyUsed {
		t.Errorf("AAAAAA scanned after the restart: %s, want already validated", out.Code)
	}
	// Replayed and checkpointed at open: the journal starts afresh.
	must(t, r.Close())
	r2 := openTest(t, cut)
	if n, _ := r2.PendingCount(ctx); n != 5 {
		t.Errorf("%d pending after a second open, want 5", n)
	}
}

// TestCache_JournalVoidsFailedCommit: a transaction whose record reached the journal but whose
// commit failed (here a deferred constraint, in the app a full disk) is voided in the journal:
// the validation the cashier was told had failed does not come back at the next open.
func TestCache_JournalVoidsFailedCommit(t *testing.T) {
	ctx := context.Background()
	c, dir, now := sampleCache(t)
	for _, q := range []string{`PRAGMA foreign_keys = ON`,
		`CREATE TABLE parent (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`} {
		_, err := c.db.ExecContext(ctx, q)
		must(t, err)
	}
	err := c.logged(ctx, func(tx *sql.Tx, put func(Event) error) error {
		if err := put(Event{Nonce: "lost", Token: "AAAAAA", Kind: "use", Mode: "offline", ScannedAt: now,
			LocalVerdict: app.OutcomeAdmitted}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO child (p) VALUES (42)`) // fails only at commit
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("the commit should have failed on the deferred constraint: %v", err)
	}
	if c.jnl.seq != 2 {
		t.Errorf("the journal holds %d records, want 2 (the events, then their voiding)", c.jnl.seq)
	}
	must(t, c.Record(ctx, Event{Nonce: "kept", Token: "BBBBBB", Kind: "use", Mode: "online", ScannedAt: now}))
	must(t, c.Close())
	// Reopening replays the journal: "lost" must not come back.
	r := openTest(t, dir)
	evs, err := r.Pending(ctx, 10)
	must(t, err)
	if len(evs) != 1 || evs[0].Nonce != "kept" {
		t.Errorf("pending after reopening: %+v, want only the committed event", evs)
	}
}

// TestJournal_TornAndStale: a record torn by a crash during its write ends the journal (its
// transaction never committed); a new generation makes every earlier record stale; a full
// journal says so instead of writing past its end.
func TestJournal_TornAndStale(t *testing.T) {
	path := filepath.Join(tempDir(t), "journal.log")
	j, recs, err := openJournal(path)
	must(t, err)
	if len(recs) != 0 {
		t.Fatalf("a new journal has %d records", len(recs))
	}
	if fi, _ := os.Stat(path); fi.Size() != journalSize {
		t.Errorf("a new journal is %d bytes, want %d preallocated", fi.Size(), journalSize)
	}
	var ends []int64
	for _, n := range []string{"a", "b", "c"} {
		_, err := j.append(journalRecord{Events: []journalEvent{{Nonce: n, Token: "AAAAAA", Kind: "use"}}})
		must(t, err)
		ends = append(ends, j.off)
	}
	must(t, j.close())

	f, err := os.OpenFile(path, os.O_RDWR, 0)
	must(t, err)
	_, err = f.WriteAt([]byte{'X'}, ends[2]-3) // inside the third record's body
	must(t, err)
	must(t, f.Close())
	j, recs, err = openJournal(path)
	must(t, err)
	if len(recs) != 2 || recs[1].Events[0].Nonce != "b" {
		t.Fatalf("after a torn third record: %+v, want a and b", recs)
	}
	if j.off != ends[1] {
		t.Errorf("the next record goes at %d, want %d (over the torn one)", j.off, ends[1])
	}
	must(t, j.restart(j.gen+1))
	must(t, j.close())
	j, recs, err = openJournal(path)
	must(t, err)
	if len(recs) != 0 {
		t.Errorf("a new generation still shows %d records", len(recs))
	}
	big := journalRecord{Events: []journalEvent{{Nonce: strings.Repeat("n", 4000)}}}
	for {
		if _, err = j.append(big); err != nil {
			break
		}
	}
	if !errors.Is(err, errJournalFull) {
		t.Errorf("appending to a full journal: %v, want errJournalFull", err)
	}
	if fi, _ := os.Stat(path); fi.Size() != journalSize {
		t.Errorf("a full journal is %d bytes, want %d", fi.Size(), journalSize)
	}
	must(t, j.close())
}

// pendingIn counts the pending events of an outbox file without opening the cache (and so
// without replaying its journal).
func pendingIn(t *testing.T, dir string) (int, error) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "outbox.db")+"?mode=ro")
	must(t, err)
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE state = 'pending'`).Scan(&n)
	must(t, err)
	return n, nil
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	must(t, err)
	must(t, os.WriteFile(to, b, 0o600))
}

// sampleCache opens a cache in a new folder filled with sample's bookings, at the evening of
// sample's showtime.
func sampleCache(t *testing.T) (*Cache, string, time.Time) {
	t.Helper()
	dir := tempDir(t)
	c := openTest(t, dir)
	now := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	must(t, c.Apply(context.Background(), sample(now)))
	return c, dir, now
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// tempDir is t.TempDir that also cleans up under Wine (testdir).
func tempDir(t *testing.T) string { return testdir.New(t) }

// TestCache_PurgeAnsweredEvents: the outbox forgets what the server answered more than
// OutboxKeep ago, keeps what it answered recently and what it rejected unapplied, and never
// drops an event still waiting, however old.
func TestCache_PurgeAnsweredEvents(t *testing.T) {
	ctx := context.Background()
	c := openTest(t, tempDir(t))
	now := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	long := now.Add(-OutboxKeep - 48*time.Hour)
	for _, ev := range []struct {
		nonce string
		at    time.Time
	}{{"old-done", long}, {"old-pending", long}, {"old-rejected", long}, {"recent-done", now.Add(-time.Hour)}} {
		must(t, c.Record(ctx, Event{Nonce: ev.nonce, Token: "AAAAAA", Kind: "use", Mode: "online", ScannedAt: ev.at}))
	}
	must(t, c.Resolve(ctx, "old-done", app.OutcomeAdmitted, "", nil, long.Add(time.Second)))
	must(t, c.Resolve(ctx, "old-rejected", "REJECTED", "malformed", nil, long.Add(time.Second)))
	must(t, c.Resolve(ctx, "recent-done", app.OutcomeAdmitted, "", nil, now.Add(-time.Hour)))
	must(t, c.Purge(ctx, now.Add(-24*time.Hour)))
	var left []string
	rows, err := c.db.QueryContext(ctx, `SELECT nonce FROM ob.outbox ORDER BY nonce`)
	must(t, err)
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		left = append(left, n)
	}
	must(t, rows.Err())
	if strings.Join(left, " ") != "old-pending old-rejected recent-done" {
		t.Errorf("after the purge: %v, want old-pending old-rejected recent-done", left)
	}
}

// TestCache_JournalSyncFailures: when the journal's sync fails, the validation fails (and says
// so), its record is voided, and nothing more is recorded until a checkpoint and a new
// generation succeed, so that a record of uncertain fate can never be replayed; when starting a
// new generation fails, the next validation starts one before writing anything, so that its
// record carries the generation of the header on disk.
func TestCache_JournalSyncFailures(t *testing.T) {
	ctx := context.Background()
	c, dir, now := sampleCache(t)
	failing := func(*os.File) error { return errors.New("I/O error") }

	c.jnl.sync = failing
	if _, err := c.Decide(ctx, "n1", "AAAAAA", "caisse-1", now, paris); err == nil {
		t.Fatal("a validation whose journal sync failed was reported written")
	}
	if !c.jnl.broken {
		t.Fatal("the journal is not marked broken after a failed sync")
	}
	if _, err := c.Decide(ctx, "n2", "AAAAAA", "caisse-1", now, paris); err == nil {
		t.Fatal("a validation was recorded while the journal could not start a new generation")
	}
	c.jnl.sync = datasync
	gen := c.jnl.gen
	if out, err := c.Decide(ctx, "n3", "AAAAAA", "caisse-1", now, paris); err != nil || out.Code != app.OutcomeAdmitted {
		t.Fatalf("once the disk syncs again: %v %+v", err, out)
	}
	if c.jnl.gen <= gen {
		t.Errorf("generation %d after a broken journal, want more than %d", c.jnl.gen, gen)
	}
	if evs, _ := c.Pending(ctx, 10); len(evs) != 1 || evs[0].Nonce != "n3" {
		t.Errorf("pending: %+v, want n3 alone", evs)
	}

	c.jnl.sync = failing
	c.compacted = time.Time{} // due for a new generation
	if err := c.Checkpoint(ctx); err == nil {
		t.Fatal("a checkpoint whose new journal header could not be synced reported success")
	}
	c.jnl.sync = datasync
	must(t, c.Record(ctx, Event{Nonce: "n4", Token: "BBBBBB", Kind: "use", Mode: "online", ScannedAt: now}))
	copyFile(t, filepath.Join(dir, "journal.log"), filepath.Join(dir, "journal.copy"))
	j, recs, err := openJournal(filepath.Join(dir, "journal.copy"))
	must(t, err)
	defer j.close()
	if len(recs) != 1 || recs[0].Events[0].Nonce != "n4" {
		t.Errorf("the journal as on disk: %+v, want n4's record under the header's generation", recs)
	}
}
