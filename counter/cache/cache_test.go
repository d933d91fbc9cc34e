package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
)

var paris, _ = time.LoadLocation("Europe/Paris")

func openTest(t testing.TB, dir string) *Cache {
	t.Helper()
	c, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func sample(now time.Time) Changes {
	capacity := 100
	start := now.Add(time.Hour)
	booking := func(id int64, token, first string, status app.BookingStatus, rev int64) Booking {
		return Booking{Rev: rev, Booking: app.Booking{ID: id, Token: token, Status: status, Quantity: 1, UnitPriceCents: 500,
			BookedAt: now.Add(-96 * time.Hour), CancellationLimit: now.Add(-48 * time.Hour), OfferID: 1, OfferName: "Parasite",
			Version: "VO", StockID: 10, ShowStart: start, VenueID: 1, VenueName: "Le Méliès", FirstName: first, LastName: "Martin",
			Email: first + "@example.org"}}
	}
	return Changes{
		Offers: []Offer{{Rev: 1, Offer: app.Offer{ID: 1, Name: "Parasite", Version: "VO", DurationMinutes: 132, Active: true}}},
		Stocks: []Stock{{Rev: 2, Stock: app.Stock{ID: 10, OfferID: 1, StartsAt: start, PriceCents: 500, Capacity: &capacity, Booked: 3}}},
		Bookings: []Booking{
			booking(100, "AAAAAA", "lea", app.StatusConfirmed, 3),
			booking(101, "BBBBBB", "hugo", app.StatusUsed, 4),
			booking(102, "CCCCCC", "zoe", app.StatusCancelled, 5),
		},
		Cursor: 5,
	}
}

func TestCache_ApplyAndDecide(t *testing.T) {
	ctx := context.Background()
	c := openTest(t, tempDir(t))
	now := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	if err := c.Apply(ctx, sample(now)); err != nil {
		t.Fatal(err)
	}
	if cur, _ := c.Cursor(ctx); cur != 5 {
		t.Errorf("cursor %d", cur)
	}
	out, err := c.Decide(ctx, "n1", "aaaaaa", "dev-1", now, paris)
	if err != nil || out.Code != app.OutcomeAdmitted || out.Booking.FirstName != "lea" {
		t.Fatalf("first scan: %v %+v", err, out)
	}
	out, _ = c.Decide(ctx, "n2", "AAAAAA", "dev-1", now.Add(time.Minute), paris)
	if out.Code != app.OutcomeAlreadyUsed || out.Booking.UsedByDevice != "dev-1" {
		t.Errorf("second scan here: %s by %q", out.Code, out.Booking.UsedByDevice)
	}
	for token, want := range map[string]app.OutcomeCode{"BBBBBB": app.OutcomeAlreadyUsed, "CCCCCC": app.OutcomeCancelled, "ZZZZZZ": app.OutcomeNotFound} {
		if out, _ := c.Decide(ctx, "n-"+token, token, "dev-1", now, paris); out.Code != want {
			t.Errorf("%s: %s, want %s", token, out.Code, want)
		}
	}
	if n, _ := c.PendingCount(ctx); n != 5 {
		t.Errorf("%d pending, want 5 (every scan is queued)", n)
	}
	// A pull that still says CONFIRMED does not undo the admission waiting to be pushed.
	ch := sample(now)
	ch.Bookings[0].Rev = 9
	ch.Cursor = 9
	if err := c.Apply(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if b, _ := c.Lookup(ctx, "AAAAAA"); b.Status != app.StatusUsed {
		t.Errorf("pending admission overwritten by a pull: %s", b.Status)
	}
	// Once the server has answered every event of that booking, its state wins.
	pending, _ := c.Pending(ctx, 100)
	for _, ev := range pending {
		if err := c.Resolve(ctx, ev.Nonce, app.OutcomeAdmitted, "ok", nil, now); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := c.PendingCount(ctx); n != 0 {
		t.Errorf("%d pending after resolving all", n)
	}
	st, err := c.Showtimes(ctx, now, now.Add(24*time.Hour))
	if err != nil || len(st) != 1 || st[0].Booked != 2 || st[0].Admitted != 2 || *st[0].Capacity != 100 {
		t.Errorf("showtimes %+v %v", st, err)
	}
	if res, _ := c.Search(ctx, "HUG", 10); len(res) != 1 || res[0].Token != "BBBBBB" {
		t.Errorf("search by name: %+v", res)
	}
	if res, _ := c.Search(ctx, "ccc", 10); len(res) != 1 {
		t.Errorf("search by token: %d results", len(res))
	}
}

func TestCache_CorruptCacheRebuiltOutboxKept(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	c, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	_ = c.Apply(ctx, sample(now))
	if _, err := c.Decide(ctx, "kept", "AAAAAA", "dev", now, paris); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, f := range []string{"cache.db-wal", "cache.db-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
	if err := os.WriteFile(filepath.Join(dir, "cache.db"), []byte("this is not a database, it is garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	c = openTest(t, dir)
	if c.Rebuilt() == "" {
		t.Error("a corrupt cache should be reported as rebuilt")
	}
	if cur, _ := c.Cursor(ctx); cur != 0 {
		t.Errorf("rebuilt cache starts from cursor %d, want 0", cur)
	}
	pending, err := c.Pending(ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].Nonce != "kept" || pending[0].LocalVerdict != app.OutcomeAdmitted {
		t.Errorf("the outbox must survive a corrupt cache: %+v %v", pending, err)
	}
	// Refilled from the server, the admission still shows.
	if err := c.Apply(ctx, sample(now)); err != nil {
		t.Fatal(err)
	}
	if b, _ := c.Lookup(ctx, "AAAAAA"); b.Status != app.StatusUsed {
		t.Errorf("pending admission lost after rebuild: %s", b.Status)
	}
}

// TestCache_OpenTwiceRefused: the cache holds its files exclusively while open; a second Guichet
// on the same data gets a clear refusal instead of running a second engine on it, and can open
// it once the first has closed.
func TestCache_OpenTwiceRefused(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	first, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(first.Apply(ctx, sample(now)))
	_, err = first.Decide(ctx, "n1", "AAAAAA", "dev", now, paris)
	must(err)
	second, err := Open(ctx, dir)
	if err == nil {
		second.Close()
		t.Fatal("the same data opened twice")
	}
	if app.ErrorCode(err) != app.ECONFLICT || app.ErrorMessage(err) != MsgInUse {
		t.Fatalf("second open: %v, want %q", err, MsgInUse)
	}
	must(first.Close())
	again := openTest(t, dir)
	if n, err := again.PendingCount(ctx); err != nil || n != 1 {
		t.Errorf("after the first closed: %d pending, %v", n, err)
	}
}

// TestCache_PendingKeepAfterAdmission: admitted then un-validated offline, both waiting for the
// server: a pull (or a restart) leaves the booking as the counter left it, not validated.
func TestCache_PendingKeepAfterAdmission(t *testing.T) {
	ctx := context.Background()
	dir := tempDir(t)
	c := openTest(t, dir)
	now := time.Now()
	if err := c.Apply(ctx, sample(now)); err != nil {
		t.Fatal(err)
	}
	if out, err := c.Decide(ctx, "use-1", "AAAAAA", "dev", now, paris); err != nil || out.Code != app.OutcomeAdmitted {
		t.Fatalf("admission: %v %v", out.Code, err)
	}
	if out, _, err := c.DecideKeep(ctx, "keep-1", "AAAAAA", now.Add(time.Second)); err != nil || out.Code != app.OutcomeKept {
		t.Fatalf("un-validation: %v %v", out.Code, err)
	}
	page := sample(now)
	page.Bookings = page.Bookings[:1]
	page.Bookings[0].Rev = 10
	if err := c.Apply(ctx, page); err != nil {
		t.Fatal(err)
	}
	if b, err := c.Lookup(ctx, "AAAAAA"); err != nil || b.Status != app.StatusConfirmed {
		t.Errorf("after a pull: %s %v, want CONFIRMED (un-validated here)", b.Status, err)
	}
	if found, err := c.Search(ctx, "AAAAAA", 5); err != nil || len(found) != 1 || found[0].Status != app.StatusConfirmed {
		t.Errorf("the copy's row after a pull: %+v %v, want CONFIRMED", found, err)
	}
	c.Close()
	c = openTest(t, dir)
	if b, err := c.Lookup(ctx, "AAAAAA"); err != nil || b.Status != app.StatusConfirmed {
		t.Errorf("after a restart: %s %v, want CONFIRMED", b.Status, err)
	}
	if out, err := c.Decide(ctx, "use-2", "AAAAAA", "dev", now.Add(2*time.Second), paris); err != nil || out.Code != app.OutcomeAdmitted {
		t.Errorf("scanned again: %v %v, want admitted", out.Code, err)
	}
}
