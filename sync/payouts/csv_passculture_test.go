package payouts

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// TestWriteCSV_PassCultureFormat checks the booking-details CSV against pass Culture's export:
// every field quoted, the address as "street postal code city", and the validation date in the
// venue's own time zone (an overseas venue's bookings are dated in its zone, not Paris's).
func TestWriteCSV_PassCultureFormat(t *testing.T) {
	used := time.Date(2026, 3, 5, 22, 30, 0, 0, time.UTC) // 23:30 in Paris, 19:30 in Cayenne (UTC−3)
	d := Document{Statement: store.Statement{Reference: "F260000001", BatchLabel: "VIR2", CutDay: time.Date(2026, 3, 16, 0, 0, 0, 0, paris),
		AccountLabel: "Compte \"courant\"", IBAN: "FR7630006000011234567890189"},
		Lines: []store.StatementLine{
			{VenueSIRET: "44306184100047", VenueName: "Le Grand Écran", VenueAddress: "1 rue du Cinéma", VenuePostal: "75011",
				VenueCity: "Paris", VenueTimezone: "Europe/Paris", OfferName: "Ponyo", Token: "ABC234", UsedAt: used,
				AmountCents: 750, Rate: app.Rate100, ReimbursedCents: 750},
			{VenueSIRET: "44306184100104", VenueName: "Ciné Guyane", VenueAddress: "2 avenue du Fleuve", VenuePostal: "97300",
				VenueCity: "Cayenne", VenueTimezone: "America/Cayenne", OfferName: "Paprika", Token: "XYZ567", UsedAt: used,
				AmountCents: 1000, Rate: app.Rate95, ReimbursedCents: 950},
		},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(buf.String(), "\uFEFF"), "\r\n"), "\r\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	if want := `"` + strings.Join(CSVColumns, `";"`) + `"`; lines[0] != want {
		t.Errorf("header\n%s\nwant\n%s", lines[0], want)
	}
	for i, want := range []struct{ address, validated string }{
		{"1 rue du Cinéma 75011 Paris", "2026-03-05 23:30:00"},
		{"2 avenue du Fleuve 97300 Cayenne", "2026-03-05 19:30:00"},
	} {
		fields := strings.Split(lines[i+1], ";")
		if len(fields) != len(CSVColumns) {
			t.Fatalf("line %d: %d fields: %s", i+1, len(fields), lines[i+1])
		}
		for j, f := range fields {
			if len(f) < 2 || f[0] != '"' || f[len(f)-1] != '"' {
				t.Errorf("line %d, %s: %s not quoted", i+1, CSVColumns[j], f)
			}
		}
		if fields[9] != `"`+want.address+`"` {
			t.Errorf("line %d address %s, want %q", i+1, fields[9], want.address)
		}
		if fields[16] != `"`+want.validated+`"` {
			t.Errorf("line %d validated %s, want %q", i+1, fields[16], want.validated)
		}
		if fields[4] != `"Compte ""courant"""` || fields[10] != `""` {
			t.Errorf("line %d: account %s, empty column %s", i+1, fields[4], fields[10])
		}
	}
}
