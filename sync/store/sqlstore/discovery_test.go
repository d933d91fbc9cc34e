package sqlstore

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// addVenue adds a venue of the fixture's offerer at a point, with a Luhn-valid SIRET.
func (f *fixture) addVenue(t testing.TB, name string, lat, lon float64) *app.Venue {
	t.Helper()
	for n := 100; ; n++ {
		siret := f.offerer.SIREN + fmt.Sprintf("%05d", n)
		if app.ValidateSIRET(siret) != nil {
			continue
		}
		v := &app.Venue{OffererID: f.offerer.ID, SIRET: siret, Name: name, Address: "1 rue X", City: name, DepartmentCode: "75",
			Latitude: lat, Longitude: lon, BookingEmail: "resa@example.org"}
		if err := f.s.CreateVenue(context.Background(), v); app.ErrorCode(err) == app.ECONFLICT {
			continue
		} else {
			must(t, err)
		}
		return v
	}
}

func (f *fixture) addOffer(t testing.TB, venueID int64, name string) *app.Offer {
	t.Helper()
	o := &app.Offer{VenueID: venueID, Name: name, Version: app.VersionVF, Duo: true, Active: true}
	must(t, f.s.CreateOffer(context.Background(), o))
	return o
}

func TestHaversineKm(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		// Paris (Notre-Dame) to Lyon (Bellecour): about 392 km.
		if d := HaversineKm(48.8530, 2.3499, 45.7579, 4.8320); math.Abs(d-392) > 2 {
			t.Errorf("Paris–Lyon = %.1f km", d)
		}
		if d := HaversineKm(48.85, 2.37, 48.85, 2.37); d != 0 {
			t.Errorf("same point = %v", d)
		}
	})
}

func TestStore_SearchShowtimes(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t) // Le Grand Écran, Paris 11e (48.85, 2.37), one showtime in 5 days, 10 places
		ctx := context.Background()
		montreuil := f.addVenue(t, "Montreuil", 48.8620, 2.4410) // ~5.4 km from the fixture's venue
		lyon := f.addVenue(t, "Lyon", 45.7579, 4.8336)
		near := f.addOffer(t, montreuil.ID, "Parasite")
		far := f.addOffer(t, lyon.ID, "Intouchables")
		day := f.now.Add(24 * time.Hour)
		m1 := f.addStock(t, near.ID, day.Add(2*time.Hour), 50)
		m0 := f.addStock(t, near.ID, day, 50)
		unlimited := &app.Stock{OfferID: near.ID, StartsAt: day.Add(4 * time.Hour), PriceCents: 0}
		must(t, f.s.CreateStock(ctx, unlimited))
		f.addStock(t, far.ID, day, 50)

		// Not bookable: past, booking limit passed, deleted, full, deactivated offer.
		f.addStock(t, near.ID, f.now.Add(-time.Hour), 50)
		limited := &app.Stock{OfferID: near.ID, StartsAt: day.Add(5 * time.Hour), PriceCents: 500, BookingLimit: f.now.Add(-time.Minute)}
		must(t, f.s.CreateStock(ctx, limited))
		deleted := f.addStock(t, near.ID, day.Add(6*time.Hour), 50)
		_, err := f.s.DeleteStock(ctx, deleted.ID, f.now)
		must(t, err)
		full := f.addStock(t, near.ID, day.Add(7*time.Hour), 1)
		f.book(t, f.ben, full, 1, f.now)
		inactive := f.addOffer(t, montreuil.ID, "Désactivé")
		f.addStock(t, inactive.ID, day, 50)
		_, err = f.s.UpdateOffer(ctx, inactive.ID, store.OfferPatch{Active: ptr(false)})
		must(t, err)

		search := func(q store.ShowtimeSearch) store.Page[store.Showtime] {
			t.Helper()
			p, err := f.s.SearchShowtimes(ctx, q, f.now)
			must(t, err)
			return p
		}
		ids := func(p store.Page[store.Showtime]) []int64 {
			var out []int64
			for _, it := range p.Items {
				out = append(out, it.Stock.ID)
			}
			return out
		}
		t.Run("nearest venue first, then by start; not bookable left out", func(t *testing.T) {
			p := search(store.ShowtimeSearch{Latitude: 48.8620, Longitude: 2.4410, RadiusKm: 20})
			want := []int64{m0.ID, m1.ID, unlimited.ID, f.stock.ID}
			if fmt.Sprint(ids(p)) != fmt.Sprint(want) || p.Total != 4 {
				t.Fatalf("got %v (total %d), want %v", ids(p), p.Total, want)
			}
			if p.Items[0].DistanceKm > 0.01 || math.Abs(p.Items[3].DistanceKm-5.4) > 0.3 {
				t.Errorf("distances %v and %v", p.Items[0].DistanceKm, p.Items[3].DistanceKm)
			}
			if p.Items[0].Venue.Name != "Montreuil" || p.Items[0].Offer.Name != "Parasite" || p.Items[0].Stock.Remaining() != 50 {
				t.Errorf("first item %+v", p.Items[0])
			}
			if p.Items[2].Stock.Capacity != nil {
				t.Errorf("unlimited showtime has capacity %v", *p.Items[2].Stock.Capacity)
			}
		})
		t.Run("radius", func(t *testing.T) {
			if p := search(store.ShowtimeSearch{Latitude: 48.8620, Longitude: 2.4410, RadiusKm: 3}); p.Total != 3 {
				t.Errorf("3 km: %v", ids(p))
			}
			if p := search(store.ShowtimeSearch{Latitude: 45.76, Longitude: 4.83, RadiusKm: 500}); p.Total != 1 {
				t.Errorf("radius is capped at %d km: got %d showtimes", MaxRadiusKm, p.Total)
			}
			if p := search(store.ShowtimeSearch{Latitude: -33.9, Longitude: 18.4}); p.Total != 0 || len(p.Items) != 0 {
				t.Errorf("Cape Town: %v", ids(p))
			}
		})
		t.Run("pages cross venues", func(t *testing.T) {
			var all []int64
			for page := 1; page <= 3; page++ {
				p := search(store.ShowtimeSearch{Latitude: 48.8620, Longitude: 2.4410, RadiusKm: 20, Page: page, Per: 3})
				if p.Total != 4 {
					t.Errorf("page %d total %d", page, p.Total)
				}
				all = append(all, ids(p)...)
			}
			if want := []int64{m0.ID, m1.ID, unlimited.ID, f.stock.ID}; fmt.Sprint(all) != fmt.Sprint(want) {
				t.Errorf("pages give %v, want %v", all, want)
			}
		})
	})
}
