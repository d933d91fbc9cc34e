package counter_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/internal/testdir"
	"guichet/sync/client"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// TestEngine_OfflineKeepDoesNotEraseAnotherAdmission (issue 13, point 1): counter A admits and
// then un-validates a ticket offline; meanwhile counter C admits the same ticket online. When A
// comes back, C's admission stands and A's "Invalider" is a conflict shown to staff.
func TestEngine_OfflineKeepDoesNotEraseAnotherAdmission(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	a, c := w.device("caisse-A", w.key), w.device("caisse-C", w.key)
	must(t, a.Sync(ctx))
	must(t, c.Sync(ctx))

	w.down.Store(true)
	if v := a.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted || !v.Offline {
		t.Fatalf("A offline: %+v", v)
	}
	if v := a.Keep(ctx, w.tokens[0]); v.Code != app.OutcomeKept {
		t.Fatalf("A keep offline: %+v", v)
	}
	w.down.Store(false)
	if v := c.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted || v.Offline {
		t.Fatalf("C online: %+v", v)
	}
	must(t, a.Sync(ctx))

	b, err := w.st.GetBookingByToken(ctx, w.tokens[0])
	must(t, err)
	if b.Status != app.StatusUsed || b.UsedByDevice != "caisse-C" {
		t.Errorf("C's admission was erased: %s by %q", b.Status, b.UsedByDevice)
	}
	cs, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, false)
	must(t, err)
	kinds := map[string]int{}
	for _, k := range cs {
		kinds[k.Kind]++
	}
	if kinds[store.ConflictDoubleAdmission] != 1 || kinds[store.ConflictKeepNotApplied] != 1 {
		t.Errorf("conflicts %v, want one double admission and one keep not applied", kinds)
	}

	// A's own admission undone offline, nobody else involved: the keep applies.
	w.down.Store(true)
	a.Validate(ctx, w.tokens[1])
	a.Keep(ctx, w.tokens[1])
	w.down.Store(false)
	must(t, a.Sync(ctx))
	if b, _ := w.st.GetBookingByToken(ctx, w.tokens[1]); b.Status != app.StatusConfirmed {
		t.Errorf("A's own undo must apply: %s", b.Status)
	}
}

// TestEngine_BadEventDoesNotBlockPush (issue 13, point 4): an event the server cannot accept
// (here a nonce too long, as a buggy older version might have written) is answered with its
// own error while the others apply, and does not stay in the way of the outbox.
func TestEngine_BadEventDoesNotBlockPush(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	dir := testdir.New(t)
	c, err := cache.Open(ctx, dir)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	cl := client.New(w.srv.URL, w.key, "caisse-1", client.Options{FastTimeout: 10 * time.Second, Timeout: time.Minute, Retries: -1})
	e := counter.New(c, cl, counter.Config{Device: "caisse-1", VenueID: w.venue.ID, Location: paris})
	must(t, e.Sync(ctx))
	bad := strings.Repeat("f", 70)
	must(t, c.Record(ctx, cache.Event{Nonce: bad, Token: w.tokens[1], Kind: "use", Mode: "offline",
		ScannedAt: time.Now().Add(-time.Hour), LocalVerdict: app.OutcomeAdmitted}))
	w.down.Store(true)
	if v := e.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted || !v.Offline {
		t.Fatalf("offline: %+v", v)
	}
	w.down.Store(false)
	if err := e.Sync(ctx); err != nil {
		t.Fatalf("a bad event must not fail the push: %v", err)
	}
	if b, _ := w.st.GetBookingByToken(ctx, w.tokens[0]); b.Status != app.StatusUsed {
		t.Errorf("the good event was not applied: %s", b.Status)
	}
	if st := e.Status(); st.Pending != 0 || !st.Online {
		t.Errorf("status %+v", st)
	}
	if n, _ := c.Rejected(ctx); n != 1 {
		t.Errorf("%d events rejected by the server, want 1 (kept in the outbox)", n)
	}
}

// restore makes the world's server answer from a copy of its database taken earlier (backup).
func (w *world) restore(backup string) *sqlstore.Store {
	st, err := sqlstore.OpenSQLite(context.Background(), backup, sqlstore.Options{SyncNormal: true})
	must(w.t, err)
	w.t.Cleanup(func() { st.Close() })
	w.serve(st)
	return st
}

func (w *world) backup() string {
	path := filepath.Join(testdir.New(w.t), "backup.db")
	db, err := sql.Open("sqlite", w.dbPath)
	must(w.t, err)
	defer db.Close()
	_, err = db.Exec(`VACUUM INTO ?`, path)
	must(w.t, err)
	return path
}

// TestEngine_RestoredServerDatabase (issue 13, point 2): the server's database is restored
// from a backup older than what a counter has seen. The counter is told (410: its cursor is
// beyond the server's head), downloads its copy again and keeps its outbox, which it pushes.
func TestEngine_RestoredServerDatabase(t *testing.T) {
	w := newWorld(t, 4)
	ctx := context.Background()
	a := w.device("caisse-1", w.key)
	must(t, a.Sync(ctx))
	backup := w.backup()
	for _, tok := range []string{w.tokens[0], w.tokens[2]} {
		if v := a.Validate(ctx, tok); v.Code != app.OutcomeAdmitted || v.Offline {
			t.Fatalf("online: %+v", v)
		}
	}
	must(t, a.Sync(ctx)) // the cache knows tokens[0] is used, at a cursor the backup never reached
	restored := w.restore(backup)

	w.down.Store(true)
	if v := a.Validate(ctx, w.tokens[1]); v.Code != app.OutcomeAdmitted || !v.Offline {
		t.Fatalf("offline: %+v", v)
	}
	w.down.Store(false)
	must(t, a.Sync(ctx))
	if got := cached(t, a, w.tokens[0]); got != app.StatusConfirmed {
		t.Errorf("after the restore the server lost tokens[0]'s admission; the counter's copy must follow: %s", got)
	}
	if b, _ := restored.GetBookingByToken(ctx, w.tokens[1]); b.Status != app.StatusUsed {
		t.Errorf("the outbox must survive the re-download and be pushed: %s", b.Status)
	}
	if st := a.Status(); st.Pending != 0 || !st.Online {
		t.Errorf("status %+v", st)
	}
}

// TestEngine_ReplacedServerDatabase: another database (another identity) answers with a head
// beyond the counter's cursor: the counter sees the identity change and downloads again.
func TestEngine_ReplacedServerDatabase(t *testing.T) {
	w := newWorld(t, 6)
	ctx := context.Background()
	a := w.device("caisse-1", w.key)
	must(t, a.Sync(ctx))
	backup := w.backup()
	restored := w.restore(backup)
	must(t, restored.NewIdentity(ctx)) // what guichet-server db new-identity does after a restore
	if v := a.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted {
		t.Fatalf("online: %+v", v)
	}
	must(t, a.Sync(ctx)) // from the other database: identity changed, copy downloaded again
	// The original database moves on past the counter's cursor, then answers again: only its
	// identity tells the counter that its copy came from elsewhere.
	for _, tok := range w.tokens[1:] {
		_, err := w.st.UseBooking(ctx, w.offerer.ID, tok, store.Validator{Device: "logiciel"}, time.Now())
		must(t, err)
	}
	w.serve(w.st)
	must(t, a.Sync(ctx))
	if got := cached(t, a, w.tokens[0]); got != app.StatusConfirmed {
		t.Errorf("the original database never saw that admission; the counter's copy says %s", got)
	}
}

// TestEngine_FullCheckRepairsDrift: a restore the cursor cannot reveal (the restored database
// has since written past the counter's cursor, same identity) is found by the periodic full
// check, which repairs the copy.
func TestEngine_FullCheckRepairsDrift(t *testing.T) {
	w := newWorld(t, 30)
	ctx := context.Background()
	c, err := cache.Open(ctx, testdir.New(t))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	cl := client.New(w.srv.URL, w.key, "caisse-1", client.Options{Timeout: time.Minute, Retries: -1})
	a := counter.New(c, cl, counter.Config{Device: "caisse-1", VenueID: w.venue.ID, Location: paris, CheckEvery: time.Nanosecond})
	must(t, a.Sync(ctx))
	backup := w.backup()
	a.Validate(ctx, w.tokens[0])
	must(t, a.Sync(ctx))
	restored := w.restore(backup)
	for _, tok := range w.tokens[10:30] { // the restored database moves past the counter's cursor
		_, err := restored.UseBooking(ctx, w.offerer.ID, tok, store.Validator{Device: "logiciel"}, time.Now())
		must(t, err)
	}
	must(t, a.Sync(ctx))
	if got := cached(t, a, w.tokens[0]); got != app.StatusConfirmed {
		t.Errorf("drift not repaired: the server has tokens[0] unused, the counter's copy says %s", got)
	}
	if a.Status().Repaired.IsZero() {
		t.Errorf("the repair must show in the status")
	}
	// A settled copy passes the check and is not downloaded again.
	repaired := a.Status().Repaired
	must(t, a.Sync(ctx))
	if !a.Status().Repaired.Equal(repaired) {
		t.Errorf("a copy in step with the server was repaired again")
	}
}

// cached is the status of a booking in the counter's copy.
func cached(t *testing.T, e *counter.Engine, token string) app.BookingStatus {
	t.Helper()
	bs, err := e.Search(context.Background(), token)
	must(t, err)
	if len(bs) != 1 {
		t.Fatalf("%d cached bookings for %s", len(bs), token)
	}
	return bs[0].Status
}

// TestEngine_ClockSkewCorrected (issue 13, point 6): a counter whose clock is 10 minutes behind
// the server's admits offline; the push carries its clock reading, and the server records the
// admission at the server's time of the scan. The counter is told its clock is off.
func TestEngine_ClockSkewCorrected(t *testing.T) {
	w := newSkewedWorld(t, 2, 10*time.Minute)
	ctx := context.Background()
	a := w.device("caisse-1", w.key)
	must(t, a.Sync(ctx))
	w.down.Store(true)
	v := a.Validate(ctx, w.tokens[0])
	if v.Code != app.OutcomeAdmitted || !v.Offline {
		t.Fatalf("offline: %+v", v)
	}
	w.down.Store(false)
	must(t, a.Sync(ctx))
	b, err := w.st.GetBookingByToken(ctx, w.tokens[0])
	must(t, err)
	want := v.At.Add(10 * time.Minute) // the scan, on the server's clock
	if d := b.UsedAt.Sub(want); d < -5*time.Second || d > 5*time.Second {
		t.Errorf("admission recorded at %s, want about %s (device clock %s)", b.UsedAt, want, v.At)
	}
	if st := a.Status(); !st.ClockOff {
		t.Errorf("a clock 10 minutes off must be told: %+v", st)
	}
}

// TestEngine_RevokedKeyGrace (issue 13, point 7): a counter whose key was revoked keeps
// admitting offline until the grace the manager set, then refuses and says so; its outbox is
// kept, survives a restart, and is pushed once the counter is paired again with a new key.
func TestEngine_RevokedKeyGrace(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	clear, k, err := w.st.CreateAPIKey(ctx, w.offerer.ID, app.RoleCashier, "Caisse 7")
	must(t, err)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	dir := testdir.New(t)
	open := func(key string) (*counter.Engine, *cache.Cache) {
		c, err := cache.Open(ctx, dir)
		must(t, err)
		cl := client.New(w.srv.URL, key, "caisse-7", client.Options{FastTimeout: 10 * time.Second, Timeout: time.Minute, Retries: -1})
		return counter.New(c, cl, counter.Config{Device: "caisse-7", VenueID: w.venue.ID, Location: paris, Now: now}), c
	}
	a, c := open(clear)
	must(t, a.Sync(ctx))
	must(t, w.st.RevokeAPIKeyUntil(ctx, k.ID, now().Add(time.Hour)))

	if v := a.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted || !v.Offline {
		t.Fatalf("within the grace, offline admission goes on: %+v", v)
	}
	st := a.Status()
	if !st.AuthRefused || st.RevokedUntil.IsZero() || st.RevokedUntil.Sub(now().Add(time.Hour)).Abs() > 2*time.Second {
		t.Fatalf("status must carry the grace: %+v", st)
	}
	clock.Add(int64(2 * time.Hour))
	if v := a.Validate(ctx, w.tokens[1]); v.Code != counter.OutcomeKeyRevoked || v.Nonce != "" {
		t.Errorf("after the grace, no admission: %+v", v)
	}
	c.Close() // a restart does not lift the refusal, even offline
	w.down.Store(true)
	a, c = open(clear)
	if v := a.Validate(ctx, w.tokens[1]); v.Code != counter.OutcomeKeyRevoked {
		t.Errorf("after a restart, still no admission: %+v", v)
	}
	c.Close()

	w.down.Store(false)
	fresh, _, err := w.st.CreateAPIKey(ctx, w.offerer.ID, app.RoleCashier, "Caisse 7 bis")
	must(t, err)
	a, c = open(fresh) // paired again
	defer c.Close()
	must(t, a.Sync(ctx))
	if b, _ := w.st.GetBookingByToken(ctx, w.tokens[0]); b.Status != app.StatusUsed || b.UsedByDevice != "caisse-7" {
		t.Errorf("the outbox must be pushed after pairing again: %s by %q", b.Status, b.UsedByDevice)
	}
	if st := a.Status(); st.AuthRefused || st.Pending != 0 {
		t.Errorf("status after pairing again %+v", st)
	}
	if v := a.Validate(ctx, w.tokens[1]); v.Code != app.OutcomeAdmitted {
		t.Errorf("paired again, admissions go on: %+v", v)
	}
}

// TestEngine_PullWindowAndRevisions (issue 13, point 5): the pull covers the showtimes from the
// window before today onwards and the cache purges older ones; a renamed film or beneficiary
// and a moved showtime reach the counter.
func TestEngine_PullWindowAndRevisions(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	old := &app.Stock{OfferID: w.stock.OfferID, StartsAt: time.Now().AddDate(0, 0, -10), PriceCents: 500}
	must(t, w.st.CreateStock(ctx, old))
	oldTokens, err := w.st.BulkBookings(ctx, old.ID, 3, old.StartsAt.AddDate(0, 0, -3))
	must(t, err)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	c, err := cache.Open(ctx, testdir.New(t))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	cl := client.New(w.srv.URL, w.key, "caisse-1", client.Options{Timeout: time.Minute, Retries: -1})
	a := counter.New(c, cl, counter.Config{Device: "caisse-1", VenueID: w.venue.ID, Location: paris,
		Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	must(t, a.Sync(ctx))
	if bs, _ := a.Search(ctx, oldTokens[0]); len(bs) != 0 {
		t.Errorf("a showtime 10 days ago was pulled")
	}
	if got := cached(t, a, w.tokens[0]); got != app.StatusConfirmed {
		t.Errorf("tonight's booking: %s", got)
	}

	// What the counter shows changes on the server.
	name := "Parasite (version restaurée)"
	_, err = w.st.UpdateOffer(ctx, w.stock.OfferID, store.OfferPatch{Name: &name})
	must(t, err)
	db, err := sql.Open("sqlite", w.dbPath)
	must(t, err)
	defer db.Close()
	_, err = db.Exec(`UPDATE beneficiaries SET last_name = 'Durand' WHERE id = (SELECT beneficiary_id FROM bookings WHERE token = ?)`, w.tokens[1])
	must(t, err)
	later := w.stock.StartsAt.Add(30 * time.Minute)
	_, err = w.st.UpdateStock(ctx, w.stock.ID, store.StockPatch{StartsAt: &later}, time.Now())
	must(t, err)
	must(t, a.Sync(ctx))
	bs, err := a.Search(ctx, w.tokens[1])
	must(t, err)
	if len(bs) != 1 || bs[0].OfferName != name || bs[0].LastName != "Durand" || !bs[0].ShowStart.Equal(later.UTC().Truncate(time.Second)) {
		t.Errorf("cached booking %+v, want film %q, name Durand, start %s", bs, name, later)
	}

	// Days later, tonight's showtime is out of the window: purged from the cache.
	clock.Add(int64(3 * 24 * time.Hour))
	must(t, a.Sync(ctx))
	if bs, _ := a.Search(ctx, w.tokens[0]); len(bs) != 0 {
		t.Errorf("a showtime 3 days old is still cached")
	}
}
