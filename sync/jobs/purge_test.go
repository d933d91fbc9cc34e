package jobs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/jobs"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// Online scans of random codes are counted, not stored; real scans are stored until the
// purge, which runs once a day and forgets events older than the retention.
func TestPurge_ScansCountedAndPurged(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	st, err := sqlstore.OpenSQLite(ctx, path, sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	loc := paris(t)
	now := time.Date(2026, 12, 10, 9, 0, 0, 0, loc)
	o := &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
	must(t, st.CreateOfferer(ctx, o))
	v := &app.Venue{OffererID: o.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
		DepartmentCode: "75", Latitude: 48.85, Longitude: 2.37, BookingEmail: "resa@grand-ecran.fr"}
	must(t, st.CreateVenue(ctx, v))
	f := &app.Offer{VenueID: v.ID, Name: "Parasite", Version: app.VersionVO, Active: true}
	must(t, st.CreateOffer(ctx, f))
	stock := &app.Stock{OfferID: f.ID, StartsAt: now.Add(time.Hour), PriceCents: 700}
	must(t, st.CreateStock(ctx, stock))
	ben := &app.Beneficiary{Email: "lea@example.org", FirstName: "Léa", LastName: "Martin",
		DateOfBirth: time.Date(2008, 3, 4, 0, 0, 0, 0, time.UTC), CreatedAt: now.Add(-300 * 24 * time.Hour)}
	must(t, st.CreateBeneficiary(ctx, ben))
	b, err := st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: ben.ID, StockID: stock.ID, Quantity: 1}, now.Add(-100*time.Hour))
	must(t, err)
	_, key, err := st.CreateAPIKey(ctx, o.ID, app.RoleCashier, "Caisse 1")
	must(t, err)

	ev := func(nonce, token string) store.ScanEvent {
		return store.ScanEvent{Nonce: nonce, Token: token, Kind: "use", Mode: "online", ScannedAt: now}
	}
	fileSize := func() int64 {
		var n int64
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(path + suffix); err == nil {
				n += fi.Size()
			}
		}
		return n
	}
	// Warm up the file, then 3 000 random codes in pushes of 500.
	for i := range 2 {
		_, err := st.PushScans(ctx, key, "d", []store.ScanEvent{ev(fmt.Sprint("warm", i), fmt.Sprintf("WARM%02d", i))}, now)
		must(t, err)
	}
	before := fileSize()
	for p := range 6 {
		events := make([]store.ScanEvent, 500)
		for i := range events {
			events[i] = ev(fmt.Sprintf("r%d-%d", p, i), fmt.Sprintf("R%dX%03d", p, i))
		}
		res, err := st.PushScans(ctx, key, "d", events, now)
		must(t, err)
		if res[0].Outcome.Code != app.OutcomeNotFound {
			t.Fatalf("random code: %s", res[0].Outcome.Code)
		}
	}
	if grown := fileSize() - before; grown > 64<<10 {
		t.Errorf("3 000 random codes grew the database by %d bytes", grown)
	}
	misses, err := st.ScanMisses(ctx, o.ID)
	must(t, err)
	if len(misses) != 1 || misses[0].KeyID != key.ID || misses[0].Misses != 3002 {
		t.Fatalf("misses %+v, want one day of 3002 for key %d", misses, key.ID)
	}
	// A miss is not stored: replaying its nonce decides again. A real scan is stored.
	res, err := st.PushScans(ctx, key, "d", []store.ScanEvent{ev("r0-0", "R0X000"), ev("real", b.Token)}, now)
	must(t, err)
	if res[0].Replayed || res[0].Outcome.Code != app.OutcomeNotFound || res[1].Outcome.Code != app.OutcomeAdmitted {
		t.Fatalf("results %+v", res)
	}
	replay := func(at time.Time) bool {
		r, err := st.PushScans(ctx, key, "d", []store.ScanEvent{ev("real", b.Token)}, at)
		must(t, err)
		return r[0].Replayed
	}
	if !replay(now) {
		t.Fatal("a real scan was not stored")
	}

	// Two sign-in buckets: one full again by the first purge, one refilling for 60 days.
	_, _, err = st.TakeToken(ctx, "signin:a@example.org", time.Minute, 10, now)
	must(t, err)
	_, _, err = st.TakeToken(ctx, "signin:b@example.org", 60*24*time.Hour, 1, now)
	must(t, err)
	p := &jobs.Purge{Store: st, Loc: loc, Retention: 30 * 24 * time.Hour, Clock: &fixedClock{now.Add(29 * 24 * time.Hour)}}
	rep, err := p.Tick(ctx)
	if err != nil || rep == nil || rep.ScanEvents != 0 || rep.MissDays != 0 || rep.RateBuckets != 1 {
		t.Fatalf("purge within retention: %+v %v (want the full sign-in bucket only)", rep, err)
	}
	if !replay(now) {
		t.Fatal("a scan within the retention was purged")
	}
	later := now.Add(31 * 24 * time.Hour)
	p.Clock = &fixedClock{later}
	rep, err = p.Tick(ctx)
	if err != nil || rep == nil || rep.ScanEvents != 1 || rep.MissDays != 1 {
		t.Fatalf("purge after retention: %+v %v (want the real scan and one day of misses)", rep, err)
	}
	if again, err := p.Tick(ctx); again != nil || err != nil {
		t.Fatalf("purged twice the same day: %+v %v", again, err)
	}
	if m, _ := st.ScanMisses(ctx, o.ID); len(m) != 0 {
		t.Errorf("misses after purge: %+v", m)
	}
	if replay(later) {
		t.Error("a purged scan was still replayed")
	}
}
