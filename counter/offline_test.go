package counter_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/internal/testdir"
	"guichet/sync/client"
)

// TestEngine_OfflineInPlainSight: the engine says since when it is offline and how many scans
// wait (counted in memory, equal to the outbox's count), and a restart during the outage opens
// offline at once with the same time and the last sync, before any call to the server.
func TestEngine_OfflineInPlainSight(t *testing.T) {
	w := newWorld(t, 4)
	ctx := context.Background()
	dir := filepath.Join(testdir.New(t), "caisse")
	open := func() (*counter.Engine, *cache.Cache) {
		c, err := cache.Open(ctx, dir)
		must(t, err)
		cl := client.New(w.srv.URL, w.key, "caisse-1", client.Options{FastTimeout: time.Second, Retries: -1})
		return counter.New(c, cl, counter.Config{Device: "caisse-1", VenueID: w.venue.ID, Location: paris}), c
	}
	e, c := open()
	must(t, e.Sync(ctx))
	synced := e.Status().LastSync
	if st := e.Status(); !st.OfflineSince.IsZero() || !st.Online {
		t.Fatalf("online status %+v", st)
	}
	w.down.Store(true)
	if err := e.Sync(ctx); err == nil {
		t.Fatal("sync with the server down succeeded")
	}
	since := e.Status().OfflineSince
	if since.IsZero() || e.Status().Online {
		t.Fatalf("offline status %+v", e.Status())
	}
	for _, tok := range w.tokens[:3] {
		if v := e.Validate(ctx, tok); v.Code != app.OutcomeAdmitted || !v.Offline {
			t.Fatalf("offline scan: %+v", v)
		}
	}
	if n, _ := c.PendingCount(ctx); e.Status().Pending != 3 || n != 3 {
		t.Errorf("pending: %d in memory, %d in the outbox, want 3", e.Status().Pending, n)
	}
	if e.Status().OfflineSince != since {
		t.Errorf("offline since moved: %s then %s", since, e.Status().OfflineSince)
	}
	c.Close()

	e, c = open() // restarted, server still down: nothing asked yet
	defer c.Close()
	st := e.Status()
	if st.Online || !st.OfflineSince.Equal(since) || !st.LastSync.Equal(synced) || st.Pending != 3 {
		t.Errorf("after restart: %+v, want offline since %s, last sync %s, 3 pending", st, since, synced)
	}
	w.down.Store(false)
	must(t, e.Sync(ctx))
	if st := e.Status(); !st.Online || !st.OfflineSince.IsZero() || st.Pending != 0 {
		t.Errorf("back online: %+v", st)
	}
}

// TestEngine_DayBookings lists a day's bookings from the copy, with the server down.
func TestEngine_DayBookings(t *testing.T) {
	w := newWorld(t, 3)
	ctx := context.Background()
	e := w.device("caisse-1", w.key)
	must(t, e.Sync(ctx))
	w.down.Store(true)
	list, err := e.DayBookings(ctx, w.stock.StartsAt)
	must(t, err)
	if len(list) != 3 {
		t.Fatalf("%d bookings for the showtime's day, want 3", len(list))
	}
	if list, _ := e.DayBookings(ctx, w.stock.StartsAt.AddDate(0, 0, 2)); len(list) != 0 {
		t.Errorf("%d bookings two days later", len(list))
	}
}
