package jobs_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/jobs"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time                       { return c.t }
func (c *fixedClock) After(time.Duration) <-chan time.Time { return nil }

// TestAutoUse_Store runs the scheduler on a real database: a booking of a show that started three
// days ago becomes USED by AUTO once, and a restarted scheduler does not run again the same day.
func TestAutoUse_Store(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	st, err := sqlstore.OpenSQLite(ctx, path, sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	loc := paris(t)
	now := time.Date(2026, 12, 10, 0, 0, 30, 0, loc)
	o := &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
	must(t, st.CreateOfferer(ctx, o))
	v := &app.Venue{OffererID: o.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
		DepartmentCode: "75", Latitude: 48.85, Longitude: 2.37, BookingEmail: "resa@grand-ecran.fr"}
	must(t, st.CreateVenue(ctx, v))
	f := &app.Offer{VenueID: v.ID, Name: "Parasite", Version: app.VersionVO, Active: true}
	must(t, st.CreateOffer(ctx, f))
	stock := &app.Stock{OfferID: f.ID, StartsAt: now.Add(-72 * time.Hour), PriceCents: 700}
	must(t, st.CreateStock(ctx, stock))
	ben := &app.Beneficiary{Email: "lea@example.org", FirstName: "Léa", LastName: "Martin",
		DateOfBirth: time.Date(2008, 3, 4, 0, 0, 0, 0, time.UTC), CreatedAt: now.Add(-30 * 24 * time.Hour)}
	must(t, st.CreateBeneficiary(ctx, ben))
	b, err := st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: ben.ID, StockID: stock.ID, Quantity: 1}, now.Add(-100*time.Hour))
	must(t, err)

	a := &jobs.AutoUse{Store: st, Loc: loc, Clock: &fixedClock{now}}
	if ran, n, err := a.Tick(ctx); !ran || n != 1 || err != nil {
		t.Fatalf("first tick: ran %v, %d validated, %v", ran, n, err)
	}
	got, _ := st.GetBookingByToken(ctx, b.Token)
	if got.Status != app.StatusUsed || got.UsedBy != app.ByAuto {
		t.Errorf("booking %s by %s", got.Status, got.UsedBy)
	}
	restarted := &jobs.AutoUse{Store: st, Loc: loc, Clock: &fixedClock{now.Add(12 * time.Hour)}}
	if ran, _, _ := restarted.Tick(ctx); ran {
		t.Error("a restart on the same day ran the job again")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
