package payouts

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// seeded is a deterministic byte source, so that the countermarks (and the CSV) are stable.
type seeded struct{ r *rand.ChaCha8 }

func (s seeded) Read(p []byte) (int, error) { return s.r.Read(p) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestStatement_EndToEnd books, validates at the counter, prices and pays through the real
// store, then compares the statement's CSV byte for byte with testdata/e2e.csv.
func TestStatement_EndToEnd(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "g.db"),
		sqlstore.Options{SyncNormal: true, Rand: seeded{rand.NewChaCha8([32]byte{7})}})
	must(t, err)
	defer st.Close()
	at := func(s string) time.Time { v, _ := time.ParseInLocation("2006-01-02 15:04", s, paris); return v }
	o := &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
	must(t, st.CreateOfferer(ctx, o))
	v := &app.Venue{OffererID: o.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
		PostalCode: "75011", City: "Paris", DepartmentCode: "75", Latitude: 48.85, Longitude: 2.37, BookingEmail: "resa@example.org"}
	must(t, st.CreateVenue(ctx, v))
	offer := &app.Offer{VenueID: v.ID, Name: "Portrait de la jeune fille en feu", Version: app.VersionVF, Duo: true, Active: true}
	must(t, st.CreateOffer(ctx, offer))
	stock := &app.Stock{OfferID: offer.ID, StartsAt: at("2026-03-05 20:00"), PriceCents: 690, PriceLabel: "Tarif pass Culture"}
	must(t, st.CreateStock(ctx, stock))
	var tokens []string
	for i, name := range []string{"Léa", "Hugo", "Chloé"} {
		b := &app.Beneficiary{Email: name + "@example.org", FirstName: name, LastName: "Martin", DateOfBirth: time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC),
			CreatedAt: at("2026-01-10 10:00")}
		must(t, st.CreateBeneficiary(ctx, b))
		bk, err := st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: b.ID, StockID: stock.ID, Quantity: 1 + i%2}, at("2026-02-20 10:00"))
		must(t, err)
		out, err := st.UseBooking(ctx, o.ID, bk.Token, store.Validator{Device: "caisse-1"}, at("2026-03-05 19:40").Add(time.Duration(i)*time.Minute))
		if err != nil || !out.OK() {
			t.Fatalf("use: %+v %v", out, err)
		}
		tokens = append(tokens, bk.Token)
	}
	acc := &store.BankAccount{OffererID: o.ID, Label: "Compte courant", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
	must(t, st.CreateBankAccount(ctx, acc, at("2026-03-01 10:00")))
	must(t, st.SetVenueBankAccount(ctx, o.ID, v.ID, acc.ID, at("2026-03-01 10:00")))
	must(t, st.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, at("2026-03-02 10:00")))
	rep, err := st.RunPaymentCut(ctx, at("2026-03-16 00:00"), at("2026-03-16 06:00"))
	if err != nil || len(rep.Statements) != 1 {
		t.Fatalf("cut: %+v %v", rep, err)
	}
	doc, err := Load(ctx, st, o.ID, rep.Statements[0].Reference)
	must(t, err)
	var buf bytes.Buffer
	must(t, WriteCSV(&buf, doc))
	path := filepath.Join("testdata", "e2e.csv")
	if *update {
		must(t, os.WriteFile(path, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	must(t, err)
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("CSV differs from %s (tokens %v):\n%s", path, tokens, buf.String())
	}
}
