package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// The pricing benchmark's venue: 1 000 000 USED bookings of one venue over 2026 (one every 25 s
// from 2 January), 7,50 € each, a third of them duo. Bump pricingVersion when the generator
// changes: the file is cached under os.TempDir by that name.
const (
	pricingVersion  = "v3"
	pricingBookings = 1_000_000
)

var pricingStart = time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)

func pricingDB(b *testing.B) (*Store, int64) {
	b.Helper()
	if testing.Short() {
		b.Skip("1 000 000 bookings: skipped with -short")
	}
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), "guichet-bench-pricing-"+pricingVersion+".db")
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		tmp := path + ".tmp"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		s, err := OpenSQLite(ctx, tmp, Options{SyncNormal: true})
		if err != nil {
			b.Fatal(err)
		}
		f := &fixture{s: s, now: pricingStart}
		f.offerer = &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
		must(b, s.CreateOfferer(ctx, f.offerer))
		f.venue = &app.Venue{OffererID: f.offerer.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
			DepartmentCode: "75", BookingEmail: "resa@example.org"}
		must(b, s.CreateVenue(ctx, f.venue))
		f.offer = &app.Offer{VenueID: f.venue.ID, Name: "Film", Version: app.VersionVF, Duo: true, Active: true}
		must(b, s.CreateOffer(ctx, f.offer))
		st := f.addStock(b, f.offer.ID, pricingStart, 0)
		if _, err := s.db.ExecContext(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			INSERT INTO beneficiaries (email, first_name, last_name, birth_date, deposit_cents, deposit_expires_us, created_us)
			SELECT 'p' || i || '@bench.test', 'P', 'N', '2008-01-01', 30000, 0, 0 FROM seq`, pricingBookings); err != nil {
			b.Fatal(err)
		}
		var firstBen int64
		must(b, s.db.QueryRowContext(ctx, `SELECT MIN(id) FROM beneficiaries`).Scan(&firstBen))
		if _, err := s.db.ExecContext(ctx, `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ? - 1)
			INSERT INTO bookings (token, beneficiary_id, stock_id, offer_id, venue_id, offerer_id, quantity, unit_price_cents,
				status, booked_us, used_us, used_by, updated_us)
			SELECT printf('B%07d', i), ? + i, ?, ?, ?, ?, CASE WHEN i % 3 = 0 THEN 2 ELSE 1 END, 750, 'USED', ?, ? + i * 25000000, 'AUTO', 0
			FROM seq`, pricingBookings, firstBen, st.ID, f.offer.ID, f.venue.ID, f.offerer.ID, us(pricingStart), us(pricingStart)); err != nil {
			b.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM pricing_queue`); err != nil {
			b.Fatal(err)
		}
		must(b, s.Close())
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %s in %v", path, time.Since(start).Round(time.Second))
	}
	s, err := OpenSQLite(ctx, path, Options{SyncNormal: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var venueID int64
	must(b, s.db.QueryRowContext(ctx, `SELECT id FROM venues LIMIT 1`).Scan(&venueID))
	return s, venueID
}

// benchReprice prices the venue's bookings used from `from` on, after clearing their pricings.
func benchReprice(b *testing.B, s *Store, venueID int64, from int64, want int) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := s.db.ExecContext(ctx, `DELETE FROM pricings WHERE used_us >= ?`, from); err != nil {
			b.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO pricing_queue (venue_id, from_us) VALUES (?, ?)`, venueID, from); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := s.PricePending(ctx, pricingStart)
		if err != nil {
			b.Fatal(err)
		}
		if n != want {
			b.Fatalf("priced %d, want %d", n, want)
		}
	}
	b.ReportMetric(float64(want)*float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
}

// BenchmarkPricing_All prices the 1 000 000 bookings of the venue from scratch.
func BenchmarkPricing_All(b *testing.B) {
	s, venueID := pricingDB(b)
	benchReprice(b, s, venueID, 0, pricingBookings)
}

// BenchmarkPricing_UnuseMiddle re-prices after an un-use in the middle of the year: the later
// half of the bookings.
func BenchmarkPricing_UnuseMiddle(b *testing.B) {
	s, venueID := pricingDB(b)
	from := us(pricingStart) + pricingBookings/2*25_000_000
	benchReprice(b, s, venueID, from, pricingBookings/2)
}

// BenchmarkPricing_OneUse prices one new booking at the end of the year (the steady state).
func BenchmarkPricing_OneUse(b *testing.B) {
	s, venueID := pricingDB(b)
	from := us(pricingStart) + (pricingBookings-1)*25_000_000
	benchReprice(b, s, venueID, from, 1)
}

// BenchmarkPaymentCut pays the 1 000 000 priced bookings of the venue in one cut (one transfer),
// on a copy of the cached database.
func BenchmarkPaymentCut(b *testing.B) {
	src, venueID := pricingDB(b)
	ctx := context.Background()
	var offererID int64
	must(b, src.db.QueryRowContext(ctx, `SELECT offerer_id FROM venues WHERE id = ?`, venueID).Scan(&offererID))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "cut.db")
		if _, err := src.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
			b.Fatal(err)
		}
		s, err := OpenSQLite(ctx, path, Options{SyncNormal: true})
		must(b, err)
		if _, err := s.db.ExecContext(ctx, `INSERT INTO pricing_queue (venue_id, from_us) VALUES (?, 0)`, venueID); err != nil {
			b.Fatal(err)
		}
		_, err = s.PricePending(ctx, pricingStart)
		must(b, err)
		acc := &store.BankAccount{OffererID: offererID, Label: "Compte", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
		must(b, s.CreateBankAccount(ctx, acc, pricingStart))
		must(b, s.SetVenueBankAccount(ctx, offererID, venueID, acc.ID, pricingStart))
		must(b, s.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, pricingStart))
		b.StartTimer()
		rep, err := s.RunPaymentCut(ctx, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
		b.StopTimer()
		must(b, err)
		if len(rep.Statements) != 1 || rep.Statements[0].BookingCents == 0 {
			b.Fatalf("cut %+v", rep)
		}
		must(b, s.Close())
	}
}
