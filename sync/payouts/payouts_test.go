package payouts

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

var update = flag.Bool("update", false, "rewrite the expected files in testdata")

func sample() Document {
	day := time.Date(2026, 3, 16, 0, 0, 0, 0, paris)
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 5, 0, 0, paris) }
	return Document{
		OffererName: "Cinémas du Centre", OffererSIREN: "443061841",
		Statement: store.Statement{Reference: "F260000001", BatchLabel: "VIR2", CutDay: day, AccountLabel: "Compte courant",
			IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP", BookingCents: 1_999_000 + 1500 + 1200, AmountCents: 1_999_000 + 1425 + 1200},
		Lines: []store.StatementLine{
			{VenueSIRET: "44306184100047", VenueName: "Le Grand Écran", VenueAddress: "1 rue du Cinéma", VenuePostal: "75011", VenueCity: "Paris",
				OfferName: "Le Voyage de Chihiro", Token: "ABC234", PriceLabel: "Tarif unique", UsedAt: at(2, 10),
				AmountCents: 1_999_000, Rate: app.Rate100, ReimbursedCents: 1_999_000},
			{VenueSIRET: "44306184100047", VenueName: "Le Grand Écran", VenueAddress: "1 rue du Cinéma", VenuePostal: "75011", VenueCity: "Paris",
				OfferName: "Nausicaä; de la vallée du vent", Token: "XYZ567", PriceLabel: "Duo", UsedAt: at(5, 21),
				AmountCents: 1500, Rate: app.Rate95, ReimbursedCents: 1425},
			{VenueSIRET: "44306184100104", VenueName: "Studio Bis", VenueAddress: "3 place \"Verte\"", VenuePostal: "69001", VenueCity: "Lyon",
				OfferName: "Paprika", Token: "QRS345", UsedAt: at(10, 14),
				AmountCents: 1200, Rate: app.Rate100, ReimbursedCents: 1200},
		},
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "F260000001.csv")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("CSV differs from %s:\n%s", path, buf.String())
	}
	if len(CSVColumns) != 22 {
		t.Errorf("%d columns", len(CSVColumns))
	}
}

func TestTotals(t *testing.T) {
	rates, venues := Totals(sample())
	if len(rates) != 2 || rates[0].Rate != app.Rate100 || rates[0].BookingCents != 2_000_200 || rates[1].ContribCents != 75 {
		t.Errorf("rates %+v", rates)
	}
	if len(venues) != 2 || venues[0].ReimbursedCents != 2_000_425 || venues[1].Name != "Studio Bis" {
		t.Errorf("venues %+v", venues)
	}
}

func TestWritePDF(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePDF(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("/FontFile2")) {
		t.Errorf("not a PDF with an embedded TrueType font (%d bytes)", len(b))
	}
	if out := os.Getenv("GUICHET_PDF_OUT"); out != "" {
		_ = os.WriteFile(out, b, 0o644)
	}
}
