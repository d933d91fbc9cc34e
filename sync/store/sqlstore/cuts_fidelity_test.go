package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"guichet/app"
	"guichet/sync/store"
)

// acceptedAccount creates an accepted bank account of the fixture's offerer serving venues.
func (f *fixture) acceptedAccount(t testing.TB, label string, venues ...*app.Venue) *store.BankAccount {
	t.Helper()
	ctx := context.Background()
	acc := &store.BankAccount{OffererID: f.offerer.ID, Label: label, IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
	must(t, f.s.CreateBankAccount(ctx, acc, f.now))
	for _, v := range venues {
		must(t, f.s.SetVenueBankAccount(ctx, f.offerer.ID, v.ID, acc.ID, paris("2026-01-01 00:00")))
	}
	must(t, f.s.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, f.now))
	return acc
}

// TestStore_RunPaymentCut_NoStalePricing: an un-use that lands inside the cut, after its
// pricing step and before its payment step (here: a trigger on the cut's own row, so inside the
// cut's transaction), must not let the later bookings be paid at the rate it made stale.
func TestStore_RunPaymentCut_NoStalePricing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.acceptedAccount(t, "Compte", f.venue)
	show := f.addStock(t, f.offer.ID, paris("2026-03-01 20:00"), 10)
	b0 := f.usedBooking(t, show, f.venue, 1_998_500, 1, paris("2026-03-02 10:00")) // 19 985 €
	b1 := f.usedBooking(t, show, f.venue, 1000, 1, paris("2026-03-03 10:00"))      // 19 995 €: 100 %
	b2 := f.usedBooking(t, show, f.venue, 1000, 1, paris("2026-03-04 10:00"))      // 20 005 €: 95 %
	_, err := f.s.PricePending(ctx, paris("2026-03-05 10:00"))
	must(t, err)
	f.wantPricing(t, "b2 before the un-use", b2.ID, app.Rate95, 950)
	_, err = f.s.db.ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER unuse_during_cut AFTER INSERT ON payment_cuts BEGIN
		UPDATE bookings SET status = 'CONFIRMED', used_us = NULL, used_by = '' WHERE id = %d; END`, b0.ID))
	must(t, err)
	rep, err := f.s.RunPaymentCut(ctx, paris("2026-03-16 00:00"), paris("2026-03-16 08:00"))
	must(t, err)
	if got, _ := f.s.GetBooking(ctx, b0.ID); got.Status != app.StatusConfirmed {
		t.Fatalf("the trigger did not un-use b0: %s", got.Status)
	}
	// Without b0, b1 and b2 make 20 €: both at 100 %.
	if len(rep.Statements) != 1 || rep.Statements[0].AmountCents != 2000 || rep.Statements[0].BookingCents != 2000 {
		t.Errorf("cut paid %+v, want 20,00 € at 100 %%", rep.Statements)
	}
	f.wantPricing(t, "b2 paid", b2.ID, app.Rate100, 1000)
	f.wantPricing(t, "b1 paid", b1.ID, app.Rate100, 1000)
}

// TestStore_RunPaymentCut_FreeBookings: an account whose due bookings are all free gets no
// transfer and consumes no statement reference; pass Culture settles those pricings without a
// cashflow (finance/api.py _mark_free_pricings_as_invoiced): the bookings are reimbursed, at 0 €.
func TestStore_RunPaymentCut_FreeBookings(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		b := f.addVenue(t, "Studio Payant", 48.8, 2.3)
		f.acceptedAccount(t, "Compte gratuit", f.venue)
		f.acceptedAccount(t, "Compte payant", b)
		free := f.usedBooking(t, f.addStock(t, f.offer.ID, paris("2026-03-01 20:00"), 10), f.venue, 0, 1, paris("2026-03-02 10:00"))
		paid := f.usedBooking(t, f.addStock(t, f.addOffer(t, b.ID, "Payant").ID, paris("2026-03-01 20:00"), 10), b, 1000, 1,
			paris("2026-03-02 10:00"))
		rep, err := f.s.RunPaymentCut(ctx, paris("2026-03-16 00:00"), paris("2026-03-16 08:00"))
		must(t, err)
		if len(rep.Statements) != 1 || rep.Statements[0].Reference != "F260000001" || rep.Statements[0].AmountCents != 1000 {
			t.Errorf("statements %+v, want only F260000001 of 10,00 €", rep.Statements)
		}
		var transfers int
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM transfers`).Scan(&transfers))
		if transfers != 1 {
			t.Errorf("%d transfers, want 1", transfers)
		}
		for _, bk := range []*app.Booking{free, paid} {
			if got, _ := f.s.GetBooking(ctx, bk.ID); got.Status != app.StatusReimbursed {
				t.Errorf("booking %d: %s, want reimbursed", bk.ID, got.Status)
			}
		}
		// The free booking's pricing stays, settled: a later re-price of the venue keeps it.
		_, err = f.s.db.ExecContext(ctx, f.s.q(`INSERT INTO pricing_queue (venue_id, from_us) VALUES (?, 0)`), f.venue.ID)
		must(t, err)
		_, err = f.s.PricePending(ctx, paris("2026-03-17 08:00"))
		must(t, err)
		f.wantPricing(t, "the free booking", free.ID, app.Rate100, 0)
		// The next cut has nothing to settle again.
		rep, err = f.s.RunPaymentCut(ctx, paris("2026-04-01 00:00"), paris("2026-04-01 08:00"))
		if err != nil || len(rep.Statements) != 0 {
			t.Errorf("next cut: %+v %v", rep, err)
		}
	})
}

// TestStore_RunPaymentCut_LinkAtCutoff: the venue–bank account link has a history and a cut pays
// through the link valid at its cutoff (pass Culture: the link whose timespan contains the cutoff).
func TestStore_RunPaymentCut_LinkAtCutoff(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		late := f.addVenue(t, "Studio Tardif", 48.8, 2.3)
		a := f.acceptedAccount(t, "Compte A", f.venue)
		b := f.acceptedAccount(t, "Compte B")
		show := f.addStock(t, f.offer.ID, paris("2026-03-01 20:00"), 10)
		early := f.usedBooking(t, show, f.venue, 1000, 1, paris("2026-03-02 10:00"))
		lateBooking := f.usedBooking(t, f.addStock(t, f.addOffer(t, late.ID, "Tardif").ID, paris("2026-03-01 20:00"), 10), late, 700, 1,
			paris("2026-03-02 10:00"))
		// After the cutoff of the 16th (midnight) but before the cut runs: the venue moves to B, the
		// other venue gets its first account.
		must(t, f.s.SetVenueBankAccount(ctx, f.offerer.ID, f.venue.ID, b.ID, paris("2026-03-16 01:00")))
		must(t, f.s.SetVenueBankAccount(ctx, f.offerer.ID, late.ID, a.ID, paris("2026-03-16 02:00")))
		rep, err := f.s.RunPaymentCut(ctx, paris("2026-03-16 00:00"), paris("2026-03-16 08:00"))
		must(t, err)
		if len(rep.Statements) != 1 || rep.Statements[0].BankAccountID != a.ID || rep.Statements[0].AmountCents != 1000 {
			t.Errorf("cut of the 16th: %+v, want 10,00 € to account A", rep.Statements)
		}
		if len(rep.Skipped) != 1 || rep.Skipped[0].VenueID != late.ID || rep.Skipped[0].Reason != "aucun compte bancaire" {
			t.Errorf("skipped %+v, want the venue linked after the cutoff", rep.Skipped)
		}
		if got, _ := f.s.GetBooking(ctx, lateBooking.ID); got.Status != app.StatusUsed {
			t.Errorf("booking of the venue linked after the cutoff: %s", got.Status)
		}
		// The next cut pays through the links valid at its own cutoff.
		next := f.usedBooking(t, show, f.venue, 500, 1, paris("2026-03-20 10:00"))
		rep, err = f.s.RunPaymentCut(ctx, paris("2026-04-01 00:00"), paris("2026-04-01 08:00"))
		must(t, err)
		got := map[int64]int64{}
		for _, st := range rep.Statements {
			got[st.BankAccountID] = st.AmountCents
		}
		if len(got) != 2 || got[a.ID] != 700 || got[b.ID] != 500 {
			t.Errorf("cut of 1 April: %+v, want 7,00 € to A and 5,00 € to B", rep.Statements)
		}
		for _, bk := range []*app.Booking{early, lateBooking, next} {
			if got, _ := f.s.GetBooking(ctx, bk.ID); got.Status != app.StatusReimbursed {
				t.Errorf("booking %d: %s", bk.ID, got.Status)
			}
		}
	})
}

// TestStore_RunPaymentCut_ReferenceYear: statements are numbered by the year they are issued
// in: the cut of 16 December run on 2 January (the server was down) issues the first statement
// of the new year, and the cut of 1 January the second.
func TestStore_RunPaymentCut_ReferenceYear(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		f.acceptedAccount(t, "Compte", f.venue)
		show := f.addStock(t, f.offer.ID, paris("2026-12-01 20:00"), 10)
		f.usedBooking(t, show, f.venue, 1000, 1, paris("2026-12-02 10:00"))
		f.usedBooking(t, show, f.venue, 700, 1, paris("2026-12-20 10:00"))
		rep, err := f.s.RunPaymentCut(ctx, paris("2026-12-16 00:00"), paris("2027-01-02 09:00"))
		must(t, err)
		if len(rep.Statements) != 1 || rep.Statements[0].Reference != "F270000001" {
			t.Errorf("late cut of 16 December: %+v, want F270000001", rep.Statements)
		}
		rep, err = f.s.RunPaymentCut(ctx, paris("2027-01-01 00:00"), paris("2027-01-02 10:00"))
		must(t, err)
		if len(rep.Statements) != 1 || rep.Statements[0].Reference != "F270000002" {
			t.Errorf("cut of 1 January: %+v, want F270000002", rep.Statements)
		}
		if _, _, err := f.s.GetStatement(ctx, f.offerer.ID, "F270000001"); err != nil {
			t.Errorf("statement F270000001: %v", err)
		}
	})
}
