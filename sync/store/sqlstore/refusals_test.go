package sqlstore

import (
	"context"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// TestStore_CreateBooking_RefusalOrder checks that when several refusals apply, the one given
// is pass Culture's first (core/bookings/api.py _book_offer: already booked, quantity,
// bookable, credit), with its native API reason.
func TestStore_CreateBooking_RefusalOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	solo := &app.Offer{VenueID: f.venue.ID, Name: "Parasite", Version: app.VersionVO, Active: true}
	must(t, f.s.CreateOffer(ctx, solo))
	soloStock := f.addStock(t, solo.ID, f.now.Add(72*time.Hour), 10)

	held := f.book(t, f.ben, f.stock, 1, f.now) // Léa holds a booking of Chihiro
	full := f.addStock(t, f.offer.ID, f.now.Add(96*time.Hour), 1)
	f.book(t, f.addBeneficiary(t, "hugo@example.org"), full, 1, f.now) // sold out
	pricey := &app.Stock{OfferID: solo.ID, StartsAt: f.now.Add(80 * time.Hour), PriceCents: 300_00}
	must(t, f.s.CreateStock(ctx, pricey))
	pastPricey := &app.Stock{OfferID: solo.ID, StartsAt: f.now.Add(time.Hour), PriceCents: 300_00}
	must(t, f.s.CreateStock(ctx, pastPricey))
	poor := f.addBeneficiary(t, "paul@example.org")
	third := &app.Offer{VenueID: f.venue.ID, Name: "Ponyo", Version: app.VersionVF, Active: true}
	must(t, f.s.CreateOffer(ctx, third))
	spent := f.book(t, poor, f.addStock(t, third.ID, f.now.Add(72*time.Hour), 10), 1, f.now) // 292,50 € left

	for _, c := range []struct {
		name    string
		ben     *app.Beneficiary
		stock   int64
		qty     int
		at      time.Time
		message string
		reason  string
	}{
		{"already booked before sold out", f.ben, full.ID, 1, f.now, "Cette offre a déjà été reservée par l'utilisateur", app.ReasonAlreadyBooked},
		{"already booked before quantity", f.ben, full.ID, 3, f.now, "Cette offre a déjà été reservée par l'utilisateur", app.ReasonAlreadyBooked},
		{"quantity before sold out", poor, full.ID, 3, f.now, "Vous devez réserver une place ou deux dans le cas d'une offre DUO.", ""},
		{"solo quantity before credit", poor, pricey.ID, 2, f.now, "Vous ne pouvez réserver qu'une place pour cette offre.", ""},
		{"solo quantity 0", poor, soloStock.ID, 0, f.now, "Vous ne pouvez réserver qu'une place pour cette offre.", ""},
		{"solo quantity 3", poor, soloStock.ID, 3, f.now, "Vous ne pouvez réserver qu'une place pour cette offre.", ""},
		{"not bookable before credit", poor, pastPricey.ID, 1, f.now.Add(2 * time.Hour), "Ce stock n'est pas réservable", app.ReasonStockNotBookable},
		{"credit last", poor, pricey.ID, 1, f.now, "Le solde de votre pass est insuffisant pour réserver cette offre.", app.ReasonInsufficientCredit},
	} {
		_, err := f.s.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: c.ben.ID, StockID: c.stock, Quantity: c.qty}, c.at)
		if app.ErrorMessage(err) != c.message || app.ErrorReason(err) != c.reason {
			t.Errorf("%s: got %v (reason %q), want %q (reason %q)", c.name, err, app.ErrorReason(err), c.message, c.reason)
		}
	}
	// Nothing was taken by the refusals.
	if b, _ := f.s.GetBeneficiary(ctx, f.ben.ID); b.SpentCents != held.TotalCents() {
		t.Errorf("Léa spent %d, want %d", b.SpentCents, held.TotalCents())
	}
	if b, _ := f.s.GetBeneficiary(ctx, poor.ID); b.SpentCents != spent.TotalCents() {
		t.Errorf("Paul spent %d after refusals", b.SpentCents)
	}
	if st, _ := f.s.GetStock(ctx, full.ID); st.Booked != 1 {
		t.Errorf("sold-out showtime booked %d", st.Booked)
	}
}

// TestStore_CancelBookingByBeneficiary_Reasons checks the native API's reasons of the
// beneficiary's cancellation refusals (routes/native/v1/bookings.py).
func TestStore_CancelBookingByBeneficiary_Reasons(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	late := f.book(t, f.ben, f.addStock(t, f.offer.ID, f.now.Add(24*time.Hour), 10), 1, f.now)
	_, err := f.s.CancelBookingByBeneficiary(ctx, f.ben.ID, late.ID, f.now.Add(time.Minute))
	if app.ErrorReason(err) != app.ReasonConfirmedBooking || app.ErrorMessage(err) != app.MsgTooLateToCancel {
		t.Errorf("last-minute booking: %v (reason %q)", err, app.ErrorReason(err))
	}

	other := f.addBeneficiary(t, "hugo@example.org")
	used := f.book(t, other, f.stock, 1, f.now)
	_, err = f.s.UseBooking(ctx, f.offerer.ID, used.Token, store.Validator{}, f.now.Add(49*time.Hour))
	must(t, err)
	_, err = f.s.CancelBookingByBeneficiary(ctx, other.ID, used.ID, f.now.Add(50*time.Hour))
	if app.ErrorReason(err) != app.ReasonAlreadyUsed {
		t.Errorf("used booking: %v (reason %q)", err, app.ErrorReason(err))
	}

	third := f.addBeneficiary(t, "paul@example.org")
	b := f.book(t, third, f.stock, 1, f.now)
	_, err = f.s.CancelBookingByBeneficiary(ctx, third.ID, b.ID, f.now.Add(time.Hour))
	must(t, err)
	_, err = f.s.CancelBookingByBeneficiary(ctx, third.ID, b.ID, f.now.Add(time.Hour))
	if app.ErrorReason(err) != app.ReasonAlreadyCancelled || app.ErrorMessage(err) != app.MsgAlreadyCancelled {
		t.Errorf("cancelled twice: %v (reason %q)", err, app.ErrorReason(err))
	}
}
