package counter_test

import (
	"context"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/sync/store"
)

// TestEngine_AnotherDayAsksFirst: a countermark for another day is not consumed until the
// cashier confirms; then it is validated as usual, with the warning.
func TestEngine_AnotherDayAsksFirst(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	bk := w.bookTomorrow(t, "demain@example.org", "Léa", "Demain")
	e := w.device("caisse-1", w.key)
	must(t, e.Sync(ctx))

	v := e.Validate(ctx, bk.Token)
	if v.Code != counter.OutcomeConfirm || v.Booking == nil || len(v.Warnings) != 1 {
		t.Fatalf("another day: %+v, want a question", v)
	}
	if b, _ := w.st.GetBookingByToken(ctx, bk.Token); b.Status != app.StatusConfirmed || e.Status().Pending != 0 {
		t.Fatalf("asked, yet consumed: %s, %d pending", b.Status, e.Status().Pending)
	}
	if again := e.Validate(ctx, bk.Token); again.Code != counter.OutcomeConfirm {
		t.Errorf("scanned again before confirming: %s, want the question again", again.Code)
	}
	v = e.Confirm(ctx, bk.Token)
	if v.Code != app.OutcomeAdmitted || len(v.Warnings) == 0 {
		t.Errorf("confirmed: %+v", v)
	}
	if b, _ := w.st.GetBookingByToken(ctx, bk.Token); b.Status != app.StatusUsed {
		t.Errorf("confirmed, yet %s on the server", b.Status)
	}
	// Today's countermark is validated at once.
	if v := e.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted {
		t.Errorf("today: %s", v.Code)
	}
}

// TestEngine_AnotherDayAsksFirst_NotInCopy: a booking for another day made after the counter's
// last pull is not in the copy; online, the server asks the question instead of consuming it,
// and the cashier's confirmation consumes it.
func TestEngine_AnotherDayAsksFirst_NotInCopy(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	e := w.device("caisse-1", w.key)
	must(t, e.Sync(ctx)) // the copy, before the booking exists

	bk := w.bookTomorrow(t, "nouvelle@example.org", "Inès", "Nouvelle")
	if found, err := e.Search(ctx, bk.Token); err != nil || len(found) != 0 {
		t.Fatalf("the copy should not know the new booking yet: %v %v", found, err)
	}

	v := e.Validate(ctx, bk.Token)
	if v.Code != counter.OutcomeConfirm || v.Offline || v.Booking == nil || v.Booking.Token != bk.Token || len(v.Warnings) != 1 {
		t.Fatalf("another day, not in the copy: %+v, want the server's question", v)
	}
	if b, _ := w.st.GetBookingByToken(ctx, bk.Token); b.Status != app.StatusConfirmed {
		t.Fatalf("asked, yet %s on the server", b.Status)
	}
	if p := e.Status().Pending; p != 0 {
		t.Errorf("a question left %d events to push", p)
	}
	if again := e.Validate(ctx, bk.Token); again.Code != counter.OutcomeConfirm || again.Duplicate {
		t.Errorf("scanned again before confirming: %+v, want the question again", again)
	}
	v = e.Confirm(ctx, bk.Token)
	if v.Code != app.OutcomeAdmitted || len(v.Warnings) == 0 {
		t.Fatalf("confirmed: %+v", v)
	}
	if b, _ := w.st.GetBookingByToken(ctx, bk.Token); b.Status != app.StatusUsed {
		t.Errorf("confirmed, yet %s on the server", b.Status)
	}
	if again := e.Validate(ctx, bk.Token); again.Code != app.OutcomeAdmitted || !again.Duplicate {
		t.Errorf("scanned again after confirming: %+v, want the admission re-shown", again)
	}
}

// bookTomorrow books, for a new beneficiary, a new showtime of the world's film 30 hours from
// now (another day), as if booked four days ago: past its cancellation limit.
func (w *world) bookTomorrow(t *testing.T, email, first, last string) *app.Booking {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	tomorrow := &app.Stock{OfferID: w.stock.OfferID, StartsAt: now.Add(30 * time.Hour), PriceCents: 500}
	must(t, w.st.CreateStock(ctx, tomorrow))
	ben := &app.Beneficiary{Email: email, FirstName: first, LastName: last, DateOfBirth: now.AddDate(-18, 0, 0),
		CreatedAt: now.AddDate(0, -1, 0)}
	must(t, w.st.CreateBeneficiary(ctx, ben))
	bk, err := w.st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: ben.ID, StockID: tomorrow.ID, Quantity: 1}, now.Add(-96*time.Hour))
	must(t, err)
	return bk
}
