package sqlstore

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// fixture is a venue with a film, one showtime and a beneficiary, on a real SQLite file.
type fixture struct {
	s       *Store
	offerer *app.Offerer
	venue   *app.Venue
	offer   *app.Offer
	stock   *app.Stock
	ben     *app.Beneficiary
	now     time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: openTest(t), now: time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)}
	f.offerer = &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
	must(t, f.s.CreateOfferer(ctx, f.offerer))
	f.venue = &app.Venue{OffererID: f.offerer.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
		PostalCode: "75011", City: "Paris", DepartmentCode: "75", Latitude: 48.85, Longitude: 2.37, BookingEmail: "resa@grand-ecran.fr"}
	must(t, f.s.CreateVenue(ctx, f.venue))
	f.offer = &app.Offer{VenueID: f.venue.ID, Name: "Le Voyage de Chihiro", Version: app.VersionVO, Duo: true, Active: true}
	must(t, f.s.CreateOffer(ctx, f.offer))
	f.stock = f.addStock(t, f.offer.ID, f.now.Add(5*24*time.Hour), 10)
	f.ben = f.addBeneficiary(t, "lea@example.org")
	return f
}

func (f *fixture) addStock(t testing.TB, offerID int64, start time.Time, capacity int) *app.Stock {
	t.Helper()
	st := &app.Stock{OfferID: offerID, StartsAt: start, PriceCents: 750, Capacity: &capacity}
	must(t, f.s.CreateStock(context.Background(), st))
	return st
}

func (f *fixture) addBeneficiary(t testing.TB, email string) *app.Beneficiary {
	t.Helper()
	b := &app.Beneficiary{Email: email, FirstName: "Léa", LastName: "Martin", Phone: "+33600000000",
		DateOfBirth: time.Date(2008, 3, 4, 0, 0, 0, 0, time.UTC), CreatedAt: f.now.Add(-30 * 24 * time.Hour)}
	must(t, f.s.CreateBeneficiary(context.Background(), b))
	return b
}

// book books at bookedAt, which sets the cancellation limit.
func (f *fixture) book(t testing.TB, ben *app.Beneficiary, st *app.Stock, qty int, bookedAt time.Time) *app.Booking {
	t.Helper()
	b, err := f.s.CreateBooking(context.Background(), store.BookingRequest{BeneficiaryID: ben.ID, StockID: st.ID, Quantity: qty}, bookedAt)
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	return b
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenSQLite_Reopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	ctx := context.Background()
	s, err := OpenSQLite(ctx, path, Options{})
	must(t, err)
	must(t, s.CreateOfferer(ctx, &app.Offerer{SIREN: "443061841", Name: "A"}))
	must(t, s.Close())
	s, err = OpenSQLite(ctx, path, Options{}) // migrations already applied: nothing to do, data kept
	must(t, err)
	defer s.Close()
	if _, err := s.FindOffererBySIREN(ctx, "443061841"); err != nil {
		t.Fatalf("offerer lost after reopening: %v", err)
	}
	var mode string
	must(t, s.rdb.QueryRow("PRAGMA journal_mode").Scan(&mode))
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestStore_CreateVenue(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		for _, tc := range []struct {
			name, siret, wantCode string
		}{
			{"another venue of the offerer", "44306184100039", ""},
			{"invalid SIRET", "44306184100048", app.EINVALID},
			{"SIRET of another SIREN", "55203253400646", app.EINVALID},
			{"duplicate SIRET", "44306184100047", app.ECONFLICT},
		} {
			t.Run(tc.name, func(t *testing.T) {
				v := *f.venue
				v.ID, v.SIRET = 0, tc.siret
				err := f.s.CreateVenue(ctx, &v)
				if got := app.ErrorCode(err); got != tc.wantCode {
					t.Errorf("CreateVenue(%s) = %v, want code %q", tc.siret, err, tc.wantCode)
				}
			})
		}
		if f.venue.Timezone != "Europe/Paris" {
			t.Errorf("timezone = %q", f.venue.Timezone)
		}
		if err := f.s.CreateOfferer(ctx, &app.Offerer{SIREN: "443061841", Name: "Doublon"}); app.ErrorCode(err) != app.ECONFLICT {
			t.Errorf("duplicate SIREN: %v", err)
		}
	})
}

func TestStore_APIKeys(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		clear, k, err := f.s.CreateAPIKey(ctx, f.offerer.ID, app.RoleCashier, "Caisse 1")
		must(t, err)
		got, err := f.s.Authenticate(ctx, clear)
		must(t, err)
		if got.ID != k.ID || got.Role != app.RoleCashier || got.OffererID != f.offerer.ID {
			t.Errorf("Authenticate = %+v", got)
		}
		var stored string
		must(t, f.s.rdb.QueryRow(f.s.q("SELECT secret_hash FROM api_keys WHERE id = ?"), k.ID).Scan(&stored))
		if stored == clear || len(stored) != 64 {
			t.Errorf("the key must be stored hashed, got %q", stored)
		}
		for _, bad := range []string{"", "gk_nope", clear + "x", "Bearer " + clear} {
			if _, err := f.s.Authenticate(ctx, bad); app.ErrorCode(err) != app.EUNAUTHORIZED {
				t.Errorf("Authenticate(%q) = %v", bad, err)
			}
		}
		must(t, f.s.RevokeAPIKey(ctx, k.ID))
		if _, err := f.s.Authenticate(ctx, clear); app.ErrorCode(err) != app.EUNAUTHORIZED {
			t.Errorf("revoked key accepted: %v", err)
		}
		if _, _, err := f.s.CreateAPIKey(ctx, f.offerer.ID, "admin", "x"); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("unknown role accepted: %v", err)
		}
	})
}

func TestStore_CreateBooking(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		for _, tc := range []struct {
			name    string
			setup   func(t *testing.T, f *fixture) store.BookingRequest
			wantMsg string
		}{
			{"duo quantity 3", func(t *testing.T, f *fixture) store.BookingRequest {
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 3}
			}, "Vous devez réserver une place ou deux dans le cas d'une offre DUO."},
			{"quantity 0", func(t *testing.T, f *fixture) store.BookingRequest {
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 0}
			}, "Vous devez réserver une place ou deux dans le cas d'une offre DUO."},
			{"not duo, 2 places", func(t *testing.T, f *fixture) store.BookingRequest {
				duo := false
				_, err := f.s.UpdateOffer(ctx, f.offer.ID, store.OfferPatch{Duo: &duo})
				must(t, err)
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 2}
			}, "Vous ne pouvez réserver qu'une place pour cette offre."},
			{"deactivated offer", func(t *testing.T, f *fixture) store.BookingRequest {
				off := false
				_, err := f.s.UpdateOffer(ctx, f.offer.ID, store.OfferPatch{Active: &off})
				must(t, err)
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 1}
			}, "Ce stock n'est pas réservable"},
			{"past booking limit", func(t *testing.T, f *fixture) store.BookingRequest {
				st := f.addStock(t, f.offer.ID, f.now.Add(-time.Hour), 10)
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: st.ID, Quantity: 1}
			}, "Ce stock n'est pas réservable"},
			{"not enough places", func(t *testing.T, f *fixture) store.BookingRequest {
				st := f.addStock(t, f.offer.ID, f.now.Add(48*time.Hour), 1)
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: st.ID, Quantity: 2}
			}, "Ce stock n'est pas réservable"},
			{"already booked this offer", func(t *testing.T, f *fixture) store.BookingRequest {
				f.book(t, f.ben, f.stock, 1, f.now)
				st := f.addStock(t, f.offer.ID, f.now.Add(72*time.Hour), 10)
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: st.ID, Quantity: 1}
			}, "Cette offre a déjà été reservée par l'utilisateur"},
			{"insufficient credit", func(t *testing.T, f *fixture) store.BookingRequest {
				_, err := f.s.UpdateStock(ctx, f.stock.ID, store.StockPatch{PriceCents: ptr(int64(200_00))}, f.now)
				must(t, err)
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 2}
			}, "Le solde de votre pass est insuffisant pour réserver cette offre."},
			{"expired credit", func(t *testing.T, f *fixture) store.BookingRequest {
				_, err := f.s.db.Exec(f.s.q("UPDATE beneficiaries SET deposit_expires_us = ? WHERE id = ?"), us(f.now.Add(-time.Minute)), f.ben.ID)
				must(t, err)
				return store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 1}
			}, "Le solde de votre pass est insuffisant pour réserver cette offre."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t)
				req := tc.setup(t, f)
				before, _ := f.s.GetBeneficiary(ctx, f.ben.ID)
				_, err := f.s.CreateBooking(ctx, req, f.now)
				if err == nil || app.ErrorMessage(err) != tc.wantMsg {
					t.Fatalf("CreateBooking = %v, want %q", err, tc.wantMsg)
				}
				after, _ := f.s.GetBeneficiary(ctx, f.ben.ID)
				if after.SpentCents != before.SpentCents {
					t.Errorf("a refused booking spent credit: %d → %d", before.SpentCents, after.SpentCents)
				}
			})
		}
		t.Run("OK", func(t *testing.T) {
			f := newFixture(t)
			b := f.book(t, f.ben, f.stock, 2, f.now)
			if b.Status != app.StatusConfirmed || b.Quantity != 2 || len(b.Token) != 6 {
				t.Errorf("booking = %+v", b)
			}
			if want := app.CancellationLimit(f.stock.StartsAt, f.now); !b.CancellationLimit.Equal(want) {
				t.Errorf("limit %s, want %s", b.CancellationLimit, want)
			}
			ben, _ := f.s.GetBeneficiary(ctx, f.ben.ID)
			st, _ := f.s.GetStock(ctx, f.stock.ID)
			if ben.SpentCents != 1500 || st.Booked != 2 {
				t.Errorf("spent %d, booked %d; want 1500 and 2", ben.SpentCents, st.Booked)
			}
		})
	})
}

func ptr[T any](v T) *T { return &v }

// The database itself refuses overbooking and overspending, whatever the code does.
func TestStore_ConstraintsInDatabase(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		if _, err := f.s.db.Exec(f.s.q("UPDATE stocks SET booked = 11 WHERE id = ?"), f.stock.ID); !violates(err, "stock_not_overbooked") {
			t.Errorf("overbooking accepted by the database: %v", err)
		}
		if _, err := f.s.db.Exec(f.s.q("UPDATE beneficiaries SET spent_cents = 30001 WHERE id = ?"), f.ben.ID); !violates(err, "credit_not_overspent") {
			t.Errorf("overspending accepted by the database: %v", err)
		}
		f.book(t, f.ben, f.stock, 1, f.now)
		_, err := f.s.db.Exec(f.s.q(`INSERT INTO bookings (token, beneficiary_id, stock_id, offer_id, venue_id, offerer_id, quantity,
		unit_price_cents, status, booked_us, updated_us) VALUES ('ZZZZZZ', ?, ?, ?, ?, ?, 1, 0, 'CONFIRMED', 0, 0)`),
			f.ben.ID, f.stock.ID, f.offer.ID, f.venue.ID, f.offerer.ID)
		if err == nil {
			t.Error("a second live booking of the same offer was accepted by the database")
		}
	})
}

func TestStore_CreateBooking_Concurrent(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		t.Run("50 bookings at a 10-place showtime", func(t *testing.T) {
			bens := make([]*app.Beneficiary, 50)
			for i := range bens {
				bens[i] = f.addBeneficiary(t, "b"+string(rune('a'+i/26))+string(rune('a'+i%26))+"@example.org")
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, refused := 0, 0
			for _, b := range bens {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.s.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: b.ID, StockID: f.stock.ID, Quantity: 1}, f.now)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case app.ErrorMessage(err) == "Ce stock n'est pas réservable":
						refused++
					default:
						t.Errorf("unexpected error: %v", err)
					}
				}()
			}
			wg.Wait()
			st, _ := f.s.GetStock(ctx, f.stock.ID)
			if ok != 10 || refused != 40 || st.Booked != 10 {
				t.Errorf("%d booked, %d refused, stock says %d; want 10, 40, 10", ok, refused, st.Booked)
			}
		})
		t.Run("two bookings racing past the balance", func(t *testing.T) {
			rich := f.addBeneficiary(t, "racer@example.org")
			_, err := f.s.db.Exec(f.s.q("UPDATE beneficiaries SET spent_cents = ? WHERE id = ?"), 300_00-1000, rich.ID) // 10 € left
			must(t, err)
			var offers [2]*app.Stock
			for i := range offers {
				o := &app.Offer{VenueID: f.venue.ID, Name: "Film " + string(rune('A'+i)), Version: app.VersionVF, Active: true}
				must(t, f.s.CreateOffer(ctx, o))
				offers[i] = f.addStock(t, o.ID, f.now.Add(72*time.Hour), 100) // 7,50 € each
			}
			errs := make(chan error, 2)
			for _, st := range offers {
				go func() {
					_, err := f.s.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: rich.ID, StockID: st.ID, Quantity: 1}, f.now)
					errs <- err
				}()
			}
			e1, e2 := <-errs, <-errs
			if (e1 == nil) == (e2 == nil) {
				t.Fatalf("want exactly one booking, got errors %v and %v", e1, e2)
			}
			b, _ := f.s.GetBeneficiary(ctx, rich.ID)
			if b.SpentCents != 300_00-1000+750 {
				t.Errorf("spent %d", b.SpentCents)
			}
		})
	})
}

// A film shown dubbed and in its original version: each showtime has its own version, and a
// booking shows its showtime's.
func TestStore_StockVersion(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t) // the film is VO
		capacity := 50
		vf := &app.Stock{OfferID: f.offer.ID, StartsAt: f.now.Add(72 * time.Hour), PriceCents: 700, Capacity: &capacity, Version: app.VersionVF}
		must(t, f.s.CreateStock(ctx, vf))
		if err := f.s.CreateStock(ctx, &app.Stock{OfferID: f.offer.ID, StartsAt: f.now.Add(time.Hour), PriceCents: 1, Version: "VOST"}); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("unknown version accepted: %v", err)
		}
		b1 := f.book(t, f.ben, vf, 1, f.now)
		b2 := f.book(t, f.addBeneficiary(t, "vo@example.org"), f.stock, 1, f.now) // no version of its own
		if b1.Version != app.VersionVF || b2.Version != app.VersionVO {
			t.Errorf("versions %q and %q, want VF (the showtime's) and VO (the film's)", b1.Version, b2.Version)
		}
		if st, _ := f.s.GetStock(ctx, vf.ID); st.Version != app.VersionVF {
			t.Errorf("stock version %q", st.Version)
		}
	})
}
