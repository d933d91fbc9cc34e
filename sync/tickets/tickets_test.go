package tickets_test

import (
	"context"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store/sqlstore"
	"guichet/sync/store/sqlstore/sqltest"
	"guichet/sync/tickets"
)

func TestMain(m *testing.M) { sqltest.Main(m) }

// TestSigner_rotation: a venue gets a key on first use; before it ends a second one is made and
// handed out while the first still signs (both valid: counters that pulled only the first
// still verify); once published the second signs; a retired key is no longer handed out or used.
func TestSigner_rotation(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		ctx := context.Background()
		st := sqltest.Open(t, sqlstore.Options{SyncNormal: true})
		o := &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
		must(t, st.CreateOfferer(ctx, o))
		v := &app.Venue{OffererID: o.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
			PostalCode: "75011", City: "Paris", DepartmentCode: "75", Latitude: 48.85, Longitude: 2.37, BookingEmail: "resa@grand-ecran.fr"}
		must(t, st.CreateVenue(ctx, v))
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		s := tickets.New(st, func() time.Time { return now })
		booking := func(start time.Time) *app.Booking {
			return &app.Booking{ID: 5, Token: "ABC234", Quantity: 1, VenueID: v.ID, StockID: 9, ShowStart: start,
				CancellationLimit: start.Add(-time.Hour), FirstName: "Léa", LastName: "Martin"}
		}
		signedWith := func(b *app.Booking) int64 {
			t.Helper()
			p, err := s.Payload(ctx, b)
			must(t, err)
			scan := app.ParseScan(p)
			if scan.Ticket == nil {
				t.Fatalf("not signed: %q", p)
			}
			keys, err := s.PublicKeys(ctx, v.ID)
			must(t, err)
			if err := scan.Ticket.Verify(scan.Token, keys, v.ID, now); err != nil {
				t.Fatalf("verify with the handed-out keys: %v", err)
			}
			return scan.Ticket.KeyID
		}

		keys, err := s.PublicKeys(ctx, v.ID)
		must(t, err)
		if len(keys) != 1 || !keys[0].ValidAt(now) || keys[0].NotAfter.Sub(now) != tickets.Validity {
			t.Fatalf("first keys %+v", keys)
		}
		if !keys[0].ValidAt(now.Add(-10 * time.Minute)) { // a counter whose clock is 10 min behind
			t.Errorf("a new key is not valid yet for a counter 10 minutes behind: %+v", keys[0])
		}
		first := keys[0].ID
		if id := signedWith(booking(now.Add(2 * time.Hour))); id != first {
			t.Errorf("signed with %d, want %d", id, first)
		}

		// Ten months on: the first key ends within RenewBefore, a second one is made.
		now = now.Add(tickets.Validity - tickets.RenewBefore + time.Hour)
		keys, err = s.PublicKeys(ctx, v.ID)
		must(t, err)
		if len(keys) != 2 || keys[0].ID != first || !keys[0].ValidAt(now) || !keys[1].ValidAt(now) {
			t.Fatalf("keys during the overlap %+v", keys)
		}
		second := keys[1].ID
		if id := signedWith(booking(now.Add(2 * time.Hour))); id != first {
			t.Errorf("a new key signs before counters could pull it: %d", id)
		}
		if id := signedWith(booking(keys[0].NotAfter.Add(time.Hour))); id != second {
			t.Errorf("a showtime after the first key's end signed with %d, want %d", id, second)
		}
		now = now.Add(tickets.Publish)
		if id := signedWith(booking(now.Add(2 * time.Hour))); id != second {
			t.Errorf("once published, signed with %d, want %d", id, second)
		}

		// A retired key is no longer handed out.
		must(t, st.RetireTicketKey(ctx, first, now))
		keys, err = s.PublicKeys(ctx, v.ID)
		must(t, err)
		if len(keys) != 1 || keys[0].ID != second {
			t.Errorf("after retiring the first: %+v", keys)
		}
		if err := st.RetireTicketKey(ctx, 999, now); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("retire unknown key: %v", err)
		}

		// A booking without a showtime keeps the plain payload.
		if p, err := s.Payload(ctx, &app.Booking{Token: "ABC234", VenueID: v.ID}); err != nil || p != "PASSCULTURE:v3;TOKEN:ABC234" {
			t.Errorf("no showtime: %q %v", p, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
