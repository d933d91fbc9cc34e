package notify_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/notify"
	"guichet/sync/store"
)

func sample() *app.Booking {
	start := time.Date(2026, 12, 6, 19, 30, 0, 0, time.UTC)
	return &app.Booking{ID: 7, Token: "ABC234", Status: app.StatusConfirmed, Quantity: 1, UnitPriceCents: 0,
		BookedAt: start.Add(-24 * time.Hour), CancellationLimit: start.Add(-24 * time.Hour), ShowStart: start,
		VenueName: "Le Grand Écran", VenueAddress: "1 rue du Cinéma, 75011 Paris", OfferName: "Parasite", Version: "VO",
		FirstName: "Léa", LastName: "Martin", Email: "lea@example.org", Phone: "+33612345678"}
}

func render(t *testing.T, n *store.Notification, b *app.Booking) string {
	t.Helper()
	loc, _ := time.LoadLocation("Indian/Reunion")
	m, err := notify.Build(n, b, loc, "noreply@guichet.test", b.BookedAt)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	_, body := parts(t, buf.Bytes())
	return string(body["text/plain"])
}

func TestBuild(t *testing.T) {
	b := sample()
	t.Run("free last-minute booking, overseas venue", func(t *testing.T) {
		text := render(t, &store.Notification{ID: 1, Event: store.EventBooked, Audience: store.AudienceBeneficiary, Recipient: "lea@example.org"}, b)
		for _, want := range []string{"Prix unitaire : Gratuit", "Date et heure : 06/12/2026 à 23:30", "n'est pas annulable",
			"PASSCULTURE:v3;TOKEN:ABC234"} {
			if !strings.Contains(text, want) {
				t.Errorf("lacks %q:\n%s", want, text)
			}
		}
	})
	t.Run("cancellation by the beneficiary, to the venue", func(t *testing.T) {
		text := render(t, &store.Notification{ID: 2, Event: store.EventCancelled, Audience: store.AudienceVenue,
			Recipient: "resa@grand-ecran.fr", Reason: app.CancelledByBeneficiary}, b)
		if !strings.Contains(text, "La réservation ABC234 de Léa Martin a été annulée par le bénéficiaire.") || !strings.Contains(text, "Contremarque : ABC234") {
			t.Errorf("text:\n%s", text)
		}
	})
	t.Run("malformed addresses fail for good", func(t *testing.T) {
		for _, to := range []string{"", "resa", "resa@", "a b@example.org", "Léa <lea@example.org>", "a@b.c, d@e.f"} {
			_, err := notify.Build(&store.Notification{ID: 3, Event: store.EventBooked, Audience: store.AudienceVenue, Recipient: to},
				b, time.UTC, "noreply@guichet.test", b.BookedAt)
			var bad *notify.ErrBadAddress
			if !errors.As(err, &bad) {
				t.Errorf("%q: %v", to, err)
			}
		}
	})
	if got := notify.Price(750); got != "7,50\u00a0€" {
		t.Errorf("Price(750) = %q", got)
	}
}
