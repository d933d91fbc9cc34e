package counter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/app/cache"
	"guichet/counter"
	"guichet/sync/client"
	"guichet/sync/store"
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
	dir := t.TempDir()
	c, err := cache.Open(ctx, dir)
	must(t, err)
	t.Cleanup(func() { c.Close() })
	cl := client.New(w.srv.URL, w.key, "caisse-1", client.Options{FastTimeout: 2 * time.Second, Timeout: 5 * time.Second, Retries: -1})
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
