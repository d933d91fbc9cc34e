package counter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/internal/testdir"
	"guichet/sync/client"
	"guichet/sync/server"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

var paris, _ = time.LoadLocation("Europe/Paris")

// world is a real server on a real SQLite file, behind a switch that can cut it off.
type world struct {
	t       *testing.T
	st      *sqlstore.Store
	srv     *httptest.Server
	down    atomic.Bool
	garbage atomic.Bool
	offerer *app.Offerer
	venue   *app.Venue
	stock   *app.Stock
	tokens  []string
	key     string
	skew    time.Duration // the server's clock minus the real one
	handler atomic.Pointer[http.Handler]
	dbPath  string
}

func newWorld(t *testing.T, bookings int) *world { return newSkewedWorld(t, bookings, 0) }

func newSkewedWorld(t *testing.T, bookings int, skew time.Duration) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, skew: skew}
	w.dbPath = filepath.Join(testdir.New(t), "server.db")
	st, err := sqlstore.OpenSQLite(ctx, w.dbPath, sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	w.offerer = &app.Offerer{SIREN: "443061841", Name: "Ciné"}
	must(t, st.CreateOfferer(ctx, w.offerer))
	w.venue = &app.Venue{OffererID: w.offerer.ID, SIRET: "44306184100047", Name: "Le Méliès", Address: "1 rue", DepartmentCode: "93",
		Latitude: 48.86, Longitude: 2.44, BookingEmail: "resa@example.fr"}
	must(t, st.CreateVenue(ctx, w.venue))
	offer := &app.Offer{VenueID: w.venue.ID, Name: "Parasite", Version: app.VersionVO, Active: true}
	must(t, st.CreateOffer(ctx, offer))
	capacity := bookings + 10
	now := time.Now()
	w.stock = &app.Stock{OfferID: offer.ID, StartsAt: now.Add(time.Hour), PriceCents: 500, Capacity: &capacity}
	must(t, st.CreateStock(ctx, w.stock))
	for i := 0; i < bookings; i++ {
		b := &app.Beneficiary{Email: fmt.Sprintf("b%d@example.org", i), FirstName: "Prénom", LastName: fmt.Sprintf("Nom%d", i),
			DateOfBirth: now.AddDate(-18, 0, 0), CreatedAt: now.AddDate(0, -1, 0)}
		must(t, st.CreateBeneficiary(ctx, b))
		bk, err := st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: b.ID, StockID: w.stock.ID, Quantity: 1}, now.Add(-96*time.Hour))
		must(t, err)
		w.tokens = append(w.tokens, bk.Token)
	}
	w.key, _, err = st.CreateAPIKey(ctx, w.offerer.ID, app.RoleCashier, "Caisse")
	must(t, err)
	w.serve(st)
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch {
		case w.down.Load():
			panic(http.ErrAbortHandler) // the connection drops: what a dead server looks like
		case w.garbage.Load():
			rw.Header().Set("Content-Type", "application/json")
			_, _ = rw.Write([]byte("<html>proxy error</html>"))
		default:
			(*w.handler.Load()).ServeHTTP(rw, r)
		}
	}))
	t.Cleanup(w.srv.Close)
	return w
}

// serve makes the world's server answer from st (a restored database, for instance).
func (w *world) serve(st *sqlstore.Store) {
	var h http.Handler = server.New(st, server.Options{Now: func() time.Time { return time.Now().Add(w.skew) }})
	w.handler.Store(&h)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// device is a counter with its own cache, paired with the world's server.
func (w *world) device(name, key string) *counter.Engine {
	w.t.Helper()
	c, err := cache.Open(context.Background(), filepath.Join(testdir.New(w.t), name))
	must(w.t, err)
	w.t.Cleanup(func() { c.Close() })
	// Generous timeouts: a push of hundreds of events under -race, beside the other packages'
	// tests on a loaded machine, once took more than 5 s; no test here waits for them to fire.
	cl := client.New(w.srv.URL, key, name, client.Options{FastTimeout: 10 * time.Second, Timeout: time.Minute, Retries: -1})
	return counter.New(c, cl, counter.Config{Device: name, VenueID: w.venue.ID, Location: paris})
}

func TestEngine_Online(t *testing.T) {
	w := newWorld(t, 5)
	ctx := context.Background()
	a, b := w.device("caisse-1", w.key), w.device("caisse-2", w.key)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))

	v := a.Validate(ctx, "PASSCULTURE:v3;TOKEN:"+w.tokens[0])
	if v.Code != app.OutcomeAdmitted || v.Offline || v.Booking == nil || v.Booking.OfferName != "Parasite" {
		t.Fatalf("online admission: %+v", v)
	}
	if again := a.Validate(ctx, w.tokens[0]); !again.Duplicate || again.Code != app.OutcomeAdmitted {
		t.Errorf("the same code within seconds must be ignored: %+v", again)
	}
	v = b.Validate(ctx, w.tokens[0])
	if v.Code != app.OutcomeAlreadyUsed || v.Booking.UsedByDevice != "caisse-1" || v.Booking.UsedAt.IsZero() {
		t.Errorf("second counter must see when and where: %+v", v.Booking)
	}
	if v := a.Validate(ctx, "https://example.org/ticket"); v.Code != app.OutcomeNotCountermark || v.Nonce != "" {
		t.Errorf("garbage scan: %+v", v)
	}
	if v := a.Validate(ctx, "ZZZZZZ"); v.Code != app.OutcomeNotFound {
		t.Errorf("unknown: %s", v.Code)
	}
	if st := a.Status(); !st.Online || st.Pending != 0 {
		t.Errorf("status %+v", st)
	}
}

func TestEngine_ServerTroubleFallsBackOffline(t *testing.T) {
	w := newWorld(t, 6)
	ctx := context.Background()
	a := w.device("caisse-1", w.key)
	must(t, a.Sync(ctx))
	for i, setup := range []func(){
		func() { w.down.Store(true) },
		func() { w.down.Store(false); w.garbage.Store(true) },
	} {
		setup()
		a.Kick()
		_ = a.Sync(ctx) // fails: the engine goes offline...
		v := a.Validate(ctx, w.tokens[i])
		if v.Code != app.OutcomeAdmitted || !v.Offline {
			t.Errorf("case %d: %+v", i, v)
		}
	}
	w.garbage.Store(false)
	if st := a.Status(); st.Online || st.Pending != 2 || st.Error == "" {
		t.Errorf("status while the server misbehaves: %+v", st)
	}
	must(t, a.Sync(ctx))
	if st := a.Status(); !st.Online || st.Pending != 0 {
		t.Errorf("status after recovery: %+v", st)
	}
	for _, tok := range w.tokens[:2] {
		if b, _ := w.st.GetBookingByToken(ctx, tok); b.Status != app.StatusUsed || b.UsedByDevice != "caisse-1" {
			t.Errorf("%s: %s by %q", tok, b.Status, b.UsedByDevice)
		}
	}
}

func TestEngine_RevokedKey(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	clear, k, err := w.st.CreateAPIKey(ctx, w.offerer.ID, app.RoleCashier, "Caisse 9")
	must(t, err)
	a := w.device("caisse-9", clear)
	must(t, a.Sync(ctx))
	must(t, w.st.RevokeAPIKey(ctx, k.ID))
	v := a.Validate(ctx, w.tokens[0])
	st := a.Status()
	if !v.Offline || !st.AuthRefused || st.Error == "" {
		t.Errorf("a revoked key must stop sync and say so: verdict %+v, status %+v", v.Outcome.Code, st)
	}
	if err := a.Sync(ctx); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Errorf("sync with a revoked key: %v", err)
	}
}

// TestEngine_Outage is the scripted outage: the server stops, two counters validate 200
// tickets each offline with 20 in common, the server comes back, and every validation is
// recorded once with 20 conflicts.
func TestEngine_Outage(t *testing.T) {
	w := newWorld(t, 380)
	ctx := context.Background()
	a, b := w.device("caisse-1", w.key), w.device("caisse-2", w.key)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))

	w.down.Store(true)
	for i := 0; i < 200; i++ {
		if v := a.Validate(ctx, w.tokens[i]); v.Code != app.OutcomeAdmitted || !v.Offline {
			t.Fatalf("A scan %d: %+v", i, v)
		}
		if v := b.Validate(ctx, w.tokens[180+i]); v.Code != app.OutcomeAdmitted || !v.Offline {
			t.Fatalf("B scan %d: %+v", i, v)
		}
	}
	if a.Status().Pending != 200 || b.Status().Pending != 200 {
		t.Fatalf("pending %d and %d", a.Status().Pending, b.Status().Pending)
	}

	w.down.Store(false)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	must(t, a.Sync(ctx)) // A learns of B's conflicts too

	p, err := w.st.ListBookings(ctx, store.BookingFilter{OffererID: w.offerer.ID, VenueID: w.venue.ID, Status: app.StatusUsed, Per: 500})
	must(t, err)
	if p.Total != 380 {
		t.Errorf("%d bookings used on the server, want 380", p.Total)
	}
	conflicts, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, false)
	must(t, err)
	if len(conflicts) != 20 {
		t.Errorf("%d conflicts, want 20", len(conflicts))
	}
	for _, c := range conflicts {
		if c.Kind != store.ConflictDoubleAdmission || c.Device != "Caisse (caisse-2)" || c.OtherDevice != "Caisse (caisse-1)" {
			t.Errorf("conflict %+v", c)
			break
		}
	}
	if st := a.Status(); st.Pending != 0 || st.Conflicts != 20 || !st.Online {
		t.Errorf("device A status %+v", st)
	}
	cs, err := a.Conflicts(ctx)
	must(t, err)
	if len(cs) != 20 {
		t.Fatalf("device A shows %d conflicts", len(cs))
	}
	must(t, a.Ack(ctx, cs[0].ID))
	if left, _ := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, false); len(left) != 19 {
		t.Errorf("after ack: %d conflicts left on the server", len(left))
	}
	// Pushing everything again changes nothing: every nonce is recognised.
	must(t, b.Sync(ctx))
	if again, _ := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true); len(again) != 20 {
		t.Errorf("replays created conflicts: %d", len(again))
	}
}

// TestEngine_ClosedBeforePushAndRestarted: the app is closed after recording scans and before
// pushing them; after a restart on the same cache files they are pushed once, and pushing again
// is harmless. (Killed with SIGKILL: TestEngine_SIGKILLMidValidation, TestEngine_SIGKILLMidSync.)
func TestEngine_ClosedBeforePushAndRestarted(t *testing.T) {
	w := newWorld(t, 3)
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
	w.down.Store(true)
	for _, tok := range w.tokens[:2] {
		if v := e.Validate(ctx, tok); v.Code != app.OutcomeAdmitted || !v.Offline {
			t.Fatalf("offline scan: %+v", v)
		}
	}
	c.Close() // no push happened

	w.down.Store(false)
	e, c = open()
	defer c.Close()
	if st := e.Status(); st.Pending != 2 {
		t.Fatalf("after restart %d scans pending, want 2", st.Pending)
	}
	if v := e.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAlreadyUsed {
		t.Errorf("after restart the cache must still know the admission: %s", v.Code)
	}
	must(t, e.Sync(ctx))
	must(t, e.Sync(ctx))
	var validations int
	for _, tok := range w.tokens[:2] {
		b, err := w.st.GetBookingByToken(ctx, tok)
		must(t, err)
		if b.Status == app.StatusUsed && b.UsedByDevice == "caisse-1" {
			validations++
		}
	}
	if validations != 2 {
		t.Errorf("%d of the 2 offline admissions reached the server", validations)
	}
	if cs, _ := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true); len(cs) != 0 {
		t.Errorf("a restart must not create conflicts: %+v", cs)
	}
}

func TestEngine_ClockSkew(t *testing.T) {
	w := newSkewedWorld(t, 1, 5*time.Minute)
	a := w.device("caisse-1", w.key)
	must(t, a.Sync(context.Background()))
	if skew := a.Status().ClockSkew; skew < 4*time.Minute || skew > 6*time.Minute {
		t.Errorf("clock skew %s, want about 5m", skew)
	}
}
