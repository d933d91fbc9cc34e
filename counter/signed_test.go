package counter_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/internal/testdir"
	"guichet/sync/client"
	"guichet/sync/store"
	"guichet/sync/tickets"
)

// signedDevice is a counter whose clock runs a little ahead (the beneficiary walks from the
// booking to the door) and that takes a repeat as a new scan (no duplicate window), with its
// cache at hand.
func (w *world) signedDevice(name string) (*counter.Engine, *cache.Cache) {
	w.t.Helper()
	c, err := cache.Open(context.Background(), filepath.Join(testdir.New(w.t), name))
	must(w.t, err)
	w.t.Cleanup(func() { c.Close() })
	cl := client.New(w.srv.URL, w.key, name, client.Options{FastTimeout: 10 * time.Second, Timeout: time.Minute, Retries: -1})
	return counter.New(c, cl, counter.Config{Device: name, VenueID: w.venue.ID, Location: paris, DuplicateWindow: time.Nanosecond,
		Now: func() time.Time { return time.Now().Add(2 * time.Second) }}), c
}

// bookNow books the world's showtime for a new beneficiary at once (the server's store, as the
// beneficiary's app would) and returns the booking with its QR payload as the app shows it.
func (w *world) bookNow(first string) (*app.Booking, string) {
	w.t.Helper()
	ctx := context.Background()
	now := time.Now()
	ben := &app.Beneficiary{Email: strings.ToLower(first) + "@example.org", FirstName: first, LastName: "Nouvelle",
		DateOfBirth: now.AddDate(-18, 0, 0), CreatedAt: now.AddDate(0, -1, 0)}
	must(w.t, w.st.CreateBeneficiary(ctx, ben))
	b, err := w.st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: ben.ID, StockID: w.stock.ID, Quantity: 1}, now)
	must(w.t, err)
	payload, err := tickets.New(w.st, nil).Payload(ctx, b)
	must(w.t, err)
	if !strings.Contains(payload, ";GS:") {
		w.t.Fatalf("payload not signed: %q", payload)
	}
	return b, payload
}

// TestEngine_SignedTicketOutage (issue 16): the server goes down; bookings made after the
// counter's last pull are admitted offline by their QR code's signature ("vérifié par
// signature"), once per counter; a tampered code and a plain one are "not found" as before.
// When the server is back the push is accepted without a conflict, and a booking cancelled
// meanwhile (which the counter could not know) becomes a CANCELLED_BEFORE_SCAN conflict.
func TestEngine_SignedTicketOutage(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	e, c := w.signedDevice("caisse-1")
	must(t, e.Sync(ctx))
	if keys, err := c.TicketKeys(ctx); err != nil || len(keys) != 1 || keys[0].VenueID != w.venue.ID {
		t.Fatalf("keys pulled: %+v %v", keys, err)
	}

	w.down.Store(true)
	if err := e.Sync(ctx); err == nil {
		t.Fatal("sync with the server down succeeded")
	}
	fresh, payload := w.bookNow("Zoé")
	gone, gonePayload := w.bookNow("Yann")
	plain, _ := w.bookNow("Xavier")
	if out, err := w.st.CancelBookingByOfferer(ctx, w.offerer.ID, gone.Token, store.Validator{}, time.Now()); err != nil ||
		out.Code != app.OutcomeCancelledOK {
		t.Fatalf("cancel: %+v %v", out, err)
	}

	v := e.Validate(ctx, payload)
	if v.Code != app.OutcomeAdmitted || !v.Offline || !v.Signed || v.Booking == nil || v.Booking.OfferName != "Parasite" ||
		v.Booking.FirstName != "Zoé" || v.Booking.Quantity != 1 || v.Token != fresh.Token {
		t.Fatalf("signed ticket offline: %+v", v)
	}
	if again := e.Validate(ctx, payload); again.Code != app.OutcomeAlreadyUsed || again.Signed {
		t.Errorf("the same ticket again on this counter: %+v", again)
	}
	if v := e.Validate(ctx, "PASSCULTURE:v3;TOKEN:"+plain.Token); v.Code != app.OutcomeNotFound || v.Signed {
		t.Errorf("a plain payload the copy lacks: %+v", v)
	}
	i := strings.Index(payload, "GS:") + 60 // a character of the signed fields
	tampered := payload[:i] + map[bool]string{true: "B", false: "A"}[payload[i] == 'A'] + payload[i+1:]
	if v := e.Validate(ctx, tampered); v.Code == app.OutcomeAdmitted || v.Signed {
		t.Errorf("a tampered ticket: %+v", v)
	}
	if v := e.Validate(ctx, gonePayload); v.Code != app.OutcomeAdmitted || !v.Signed {
		t.Fatalf("a ticket cancelled meanwhile, the counter cannot know: %+v", v)
	}

	w.down.Store(false)
	must(t, e.Sync(ctx))
	if st := e.Status(); !st.Online || st.Pending != 0 {
		t.Fatalf("after the outage: %+v", st)
	}
	got, err := w.st.GetBookingByToken(ctx, fresh.Token)
	must(t, err)
	if got.Status != app.StatusUsed || got.UsedByDevice != "caisse-1" {
		t.Errorf("the signed admission on the server: %+v", got)
	}
	conflicts, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, false)
	must(t, err)
	if len(conflicts) != 1 || conflicts[0].Kind != store.ConflictCancelledBeforeScan || conflicts[0].Token != gone.Token {
		t.Errorf("conflicts %+v, want one CANCELLED_BEFORE_SCAN for %s", conflicts, gone.Token)
	}
	// The copy now holds the server's row: the same ticket is "already validated" on this counter.
	if v := e.Validate(ctx, payload); v.Code != app.OutcomeAlreadyUsed || v.Signed || v.Offline {
		t.Errorf("after the push: %+v", v)
	}
}

// TestEngine_SignedTicketRefused: offline, a signature is not enough when the key is not one of
// this venue's valid now: another venue's ticket, a retired key, a counter that never got keys.
// Each is "not found" as without a ticket; a countermark the copy knows ignores the ticket.
func TestEngine_SignedTicketRefused(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	e, _ := w.signedDevice("caisse-1")
	noKeys, _ := w.signedDevice("caisse-2") // never synced
	must(t, e.Sync(ctx))
	signer := tickets.New(w.st, nil)

	// Another venue of the same offerer, with its own keys.
	venue2 := &app.Venue{OffererID: w.offerer.ID, SIRET: "44306184100054", Name: "Le Studio", Address: "2 rue", DepartmentCode: "93",
		Latitude: 48.86, Longitude: 2.44, BookingEmail: "studio@example.fr"}
	must(t, w.st.CreateVenue(ctx, venue2))
	fresh, payload := w.bookNow("Zoé")
	other := *fresh
	other.VenueID = venue2.ID
	otherPayload, err := signer.Payload(ctx, &other)
	must(t, err)
	known, err := w.st.GetBookingByToken(ctx, w.tokens[0])
	must(t, err)
	knownPayload, err := signer.Payload(ctx, known)
	must(t, err)
	w.down.Store(true)

	if v := noKeys.Validate(ctx, payload); v.Code != app.OutcomeNotFound || v.Signed {
		t.Errorf("a counter without keys: %+v", v)
	}
	if v := e.Validate(ctx, otherPayload); v.Code != app.OutcomeNotFound || v.Signed {
		t.Errorf("another venue's ticket: %+v", v)
	}
	// The copy knows this countermark: the copy decides, the ticket is not used.
	if v := e.Validate(ctx, knownPayload); v.Code != app.OutcomeAdmitted || v.Signed || !v.Offline {
		t.Errorf("a known countermark: %+v", v)
	}

	// The venue's key is retired (a leaked backup); the counter learns it at its next pull, which
	// also brings a new key. A booking made after that pull, signed with the retired key, is refused.
	w.down.Store(false)
	keys, err := w.st.TicketKeys(ctx, w.venue.ID, time.Now())
	must(t, err)
	must(t, w.st.RetireTicketKey(ctx, keys[0].ID, time.Now()))
	must(t, e.Sync(ctx))
	w.down.Store(true)
	late, _ := w.bookNow("Victor")
	retired := app.SignedPayload(late.Token, app.TicketOf(late, keys[0].ID), keys[0].Private)
	if v := e.Validate(ctx, retired); v.Code != app.OutcomeNotFound || v.Signed {
		t.Errorf("a ticket signed with a retired key: %+v", v)
	}
	// Signed with the venue's current key, the same booking is admitted.
	current, err := signer.Payload(ctx, late)
	must(t, err)
	if v := e.Validate(ctx, current); v.Code != app.OutcomeAdmitted || !v.Signed {
		t.Errorf("the same booking with the current key: %+v", v)
	}
}

// TestEngine_SignedTicketAnotherDay: offline, a signed ticket the copy lacks, for a showtime on
// another day, is asked about first like one the copy knows (nothing recorded), then admitted by
// its signature once the cashier confirms; the push is accepted without a conflict.
func TestEngine_SignedTicketAnotherDay(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	e, c := w.signedDevice("caisse-1")
	must(t, e.Sync(ctx))
	w.down.Store(true)

	bk := w.bookTomorrow(t, "ines@example.org", "Inès", "Nouvelle")
	payload, err := tickets.New(w.st, nil).Payload(ctx, bk)
	must(t, err)

	v := e.Validate(ctx, payload)
	if v.Code != counter.OutcomeConfirm || !v.Signed || v.Booking == nil || v.Booking.FirstName != "Inès" || len(v.Warnings) != 1 {
		t.Fatalf("another day, by signature: %+v, want the question", v)
	}
	if n, _ := c.PendingCount(ctx); n != 0 {
		t.Errorf("a question recorded %d events", n)
	}
	v = e.Confirm(ctx, payload)
	if v.Code != app.OutcomeAdmitted || !v.Signed || !v.Offline {
		t.Fatalf("confirmed: %+v", v)
	}
	w.down.Store(false)
	must(t, e.Sync(ctx))
	got, err := w.st.GetBookingByToken(ctx, bk.Token)
	must(t, err)
	conflicts, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, false)
	must(t, err)
	if got.Status != app.StatusUsed || len(conflicts) != 0 {
		t.Errorf("after the push: %s, conflicts %+v", got.Status, conflicts)
	}
}
