package sqlstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

var parisLoc = func() *time.Location { l, _ := time.LoadLocation("Europe/Paris"); return l }()

func paris(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, parisLoc)
	if err != nil {
		panic(err)
	}
	return t
}

// usedBooking inserts a USED booking (the insert trigger queues its pricing) with its own
// beneficiary, bypassing the booking rules so that scenarios can reach the thresholds.
func (f *fixture) usedBooking(t testing.TB, st *app.Stock, venue *app.Venue, unitCents int64, qty int, usedAt time.Time) *app.Booking {
	t.Helper()
	ctx := context.Background()
	var n int
	must(t, f.s.db.QueryRowContext(ctx, f.s.q(`SELECT COUNT(*) FROM beneficiaries`)).Scan(&n))
	ben := f.addBeneficiary(t, fmt.Sprintf("b%d@example.org", n))
	tok, err := app.NewToken(f.s.rand)
	must(t, err)
	_, err = f.s.db.ExecContext(ctx, f.s.q(`INSERT INTO bookings (token, beneficiary_id, stock_id, offer_id, venue_id, offerer_id,
		quantity, unit_price_cents, status, booked_us, cancellation_limit_us, used_us, used_by, updated_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'USED', ?, ?, ?, 'OFFERER', ?)`), tok, ben.ID, st.ID, st.OfferID, venue.ID, venue.OffererID,
		qty, unitCents, us(usedAt.Add(-time.Hour)), us(usedAt.Add(-time.Hour)), us(usedAt), us(usedAt))
	must(t, err)
	b, err := f.s.GetBookingByToken(ctx, tok)
	must(t, err)
	return b
}

type priced struct {
	rate       app.Rate
	reimbursed int64
	paid       bool
}

func (f *fixture) pricing(t testing.TB, bookingID int64) (priced, bool) {
	t.Helper()
	var p priced
	var transfer *int64
	err := f.s.db.QueryRowContext(context.Background(), f.s.q(`SELECT rate_bp, reimbursed_cents, transfer_id FROM pricings WHERE booking_id = ?`),
		bookingID).Scan(&p.rate, &p.reimbursed, &transfer)
	if err != nil {
		return p, false
	}
	p.paid = transfer != nil
	return p, true
}

func (f *fixture) wantPricing(t testing.TB, what string, bookingID int64, rate app.Rate, reimbursed int64) {
	t.Helper()
	p, ok := f.pricing(t, bookingID)
	if !ok || p.rate != rate || p.reimbursed != reimbursed {
		t.Errorf("%s: pricing %+v (found %v), want %v %d", what, p, ok, rate, reimbursed)
	}
}

// TestStore_Payouts_Scenario follows one offerer through March 2026: a venue crossing
// 20 000 € mid-fortnight with a booking straddling the threshold, an un-use that re-prices, two
// venues sharing one account, a third without an account, a cut on the 16th that leaves out a
// showtime of the 16th, a replayed cut, and refusals after payment.
func TestStore_Payouts_Scenario(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		s := f.s
		a, b := f.venue, f.addVenue(t, "Studio Bis", 48.8, 2.3)
		c := f.addVenue(t, "Sans Compte", 48.8, 2.3)
		show := f.addStock(t, f.offer.ID, paris("2026-03-01 20:00"), 10)
		show16 := f.addStock(t, f.offer.ID, paris("2026-03-16 20:00"), 10)
		showB := f.addStock(t, f.addOffer(t, b.ID, "Paprika").ID, paris("2026-03-01 20:00"), 10)
		showC := f.addStock(t, f.addOffer(t, c.ID, "Akira").ID, paris("2026-03-01 20:00"), 10)

		b1 := f.usedBooking(t, show, a, 1_999_000, 1, paris("2026-03-02 10:00")) // 19 990 €: 100 %
		b2 := f.usedBooking(t, show, a, 750, 2, paris("2026-03-05 10:00"))       // 15 €: 20 005 € > 20 000 €: wholly 95 %
		b3 := f.usedBooking(t, show, a, 900, 1, paris("2026-03-06 10:00"))       // 20 014 €: 95 %
		b4 := f.usedBooking(t, showB, b, 1200, 1, paris("2026-03-10 10:00"))     // venue B, its own scale: 100 %
		b5 := f.usedBooking(t, show16, a, 800, 1, paris("2026-03-15 22:00"))     // used before the cutoff, shown on the 16th
		b6 := f.usedBooking(t, showC, c, 500, 1, paris("2026-03-11 10:00"))      // venue without an account
		if n, err := s.PricePending(ctx, paris("2026-03-06 12:00")); err != nil || n != 6 {
			t.Fatalf("priced %d, %v", n, err)
		}
		f.wantPricing(t, "b1", b1.ID, app.Rate100, 1_999_000)
		f.wantPricing(t, "b2 straddles 20 000 €", b2.ID, app.Rate95, 1425)
		f.wantPricing(t, "b3", b3.ID, app.Rate95, 855)
		f.wantPricing(t, "b4", b4.ID, app.Rate100, 1200)
		f.wantPricing(t, "b5 at 20 022 €", b5.ID, app.Rate95, 760)

		// Un-using b2 cancels its pricing and re-prices the later bookings of the venue.
		out, err := s.KeepBooking(ctx, f.offerer.ID, b2.Token, store.Validator{Device: "caisse-1"}, paris("2026-03-07 09:00"))
		if err != nil || out.Code != app.OutcomeKept {
			t.Fatalf("keep: %+v %v", out, err)
		}
		if _, ok := f.pricing(t, b2.ID); ok {
			t.Error("b2 still priced after the un-use")
		}
		if _, err := s.PricePending(ctx, paris("2026-03-07 09:00")); err != nil {
			t.Fatal(err)
		}
		f.wantPricing(t, "b3 re-priced at 19 999 €", b3.ID, app.Rate100, 900)
		f.wantPricing(t, "b5 re-priced at 20 007 €", b5.ID, app.Rate95, 760)
		f.wantPricing(t, "b1 unchanged", b1.ID, app.Rate100, 1_999_000)

		// One account for venues A and B, accepted; venue C has none.
		acc := &store.BankAccount{OffererID: f.offerer.ID, Label: "Compte courant", IBAN: "fr76 3000 6000 0112 3456 7890 189", BIC: "agrifrpp"}
		if err := s.CreateBankAccount(ctx, &store.BankAccount{OffererID: f.offerer.ID, Label: "X", IBAN: "FR76 3000 6000 0112 3456 7890 188", BIC: "AGRIFRPP"}, f.now); app.ErrorMessage(err) != "L'IBAN n'est pas valide : vérifiez-le (clé de contrôle incorrecte)." {
			t.Errorf("invalid IBAN: %v", err)
		}
		must(t, s.CreateBankAccount(ctx, acc, f.now))
		must(t, s.SetVenueBankAccount(ctx, f.offerer.ID, a.ID, acc.ID, paris("2026-01-01 00:00")))
		must(t, s.SetVenueBankAccount(ctx, f.offerer.ID, b.ID, acc.ID, paris("2026-01-01 00:00")))

		// Pending account: nothing paid, both venues reported.
		rep, err := s.RunPaymentCut(ctx, paris("2026-03-01 00:00"), paris("2026-03-16 08:00"))
		if err != nil || len(rep.Statements) != 0 || rep.BatchLabel != "VIR1" {
			t.Fatalf("cut of the 1st: %+v %v", rep, err)
		}
		must(t, s.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, f.now))

		if _, err := s.RunPaymentCut(ctx, paris("2026-04-01 00:00"), paris("2026-03-16 08:00")); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("future cut: %v", err)
		}
		now := paris("2026-03-16 08:00")
		rep, err = s.RunPaymentCut(ctx, paris("2026-03-16 00:00"), now)
		if err != nil {
			t.Fatal(err)
		}
		if rep.BatchLabel != "VIR2" || len(rep.Statements) != 1 {
			t.Fatalf("cut: %+v", rep)
		}
		st := rep.Statements[0]
		if st.Reference != "F260000001" || st.AmountCents != 1_999_000+900+1200 || st.BookingCents != 1_999_000+900+1200 {
			t.Errorf("statement %+v", st)
		}
		if len(rep.Skipped) != 1 || rep.Skipped[0].VenueID != c.ID || rep.Skipped[0].AmountCents != 500 || rep.Skipped[0].Reason != "aucun compte bancaire" {
			t.Errorf("skipped %+v", rep.Skipped)
		}
		for _, bk := range []*app.Booking{b1, b3, b4} {
			got, _ := s.GetBooking(ctx, bk.ID)
			if got.Status != app.StatusReimbursed {
				t.Errorf("booking %d: %s", bk.ID, got.Status)
			}
		}
		for _, bk := range []*app.Booking{b5, b6} {
			got, _ := s.GetBooking(ctx, bk.ID)
			if got.Status != app.StatusUsed {
				t.Errorf("booking %d (not due): %s", bk.ID, got.Status)
			}
		}

		// The same cut again changes nothing.
		again, err := s.RunPaymentCut(ctx, paris("2026-03-16 00:00"), now.Add(time.Hour))
		if err != nil || !again.AlreadyDone || len(again.Statements) != 1 || again.Statements[0].Reference != "F260000001" {
			t.Errorf("replayed cut: %+v %v", again, err)
		}
		if list, _ := s.ListStatements(ctx, f.offerer.ID); len(list) != 1 {
			t.Errorf("statements after the replay: %d", len(list))
		}
		// An offerer id of 0 never means "all" (issue 14); only store.AnyOfferer does.
		if list, _ := s.ListStatements(ctx, 0); len(list) != 0 {
			t.Errorf("offerer 0 lists %d statements", len(list))
		}
		if _, _, err := s.GetStatement(ctx, 0, "F260000001"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("offerer 0 reads a statement: %v", err)
		}
		if list, _ := s.ListStatements(ctx, store.AnyOfferer); len(list) != 1 {
			t.Errorf("AnyOfferer lists %d statements", len(list))
		}

		// After payment: un-using is refused with pass Culture's message, cancelling too.
		out, err = s.KeepBooking(ctx, f.offerer.ID, b1.Token, store.Validator{}, now)
		if err != nil || out.Code != app.OutcomePaymentPending || out.Message != app.MsgPaymentPending {
			t.Errorf("keep after payment: %+v %v", out, err)
		}
		out, err = s.CancelBookingByOfferer(ctx, f.offerer.ID, b1.Token, store.Validator{}, now)
		if err != nil || out.OK() {
			t.Errorf("cancel after payment: %+v %v", out, err)
		}
		f.wantPricing(t, "b1 still paid", b1.ID, app.Rate100, 1_999_000)

		// The statement and its lines; an unknown reference.
		got, lines, err := s.GetStatement(ctx, f.offerer.ID, "f260000001")
		if err != nil || got.IBAN != "FR7630006000011234567890189" || len(lines) != 3 {
			t.Fatalf("statement: %+v %d %v", got, len(lines), err)
		}
		if _, _, err := s.GetStatement(ctx, f.offerer.ID, "F260000009"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("unknown reference: %v", err)
		}

		// The next cut pays the showtime of the 16th, with the next reference of the year.
		rep, err = s.RunPaymentCut(ctx, paris("2026-04-01 00:00"), paris("2026-04-01 09:00"))
		if err != nil || len(rep.Statements) != 1 || rep.Statements[0].Reference != "F260000002" || rep.Statements[0].AmountCents != 760 || rep.BatchLabel != "VIR3" {
			t.Errorf("cut of 1 April: %+v %v", rep, err)
		}
	})
}

func TestStore_PayoutSummary(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		show := f.addStock(t, f.offer.ID, paris("2026-03-01 20:00"), 10)
		f.usedBooking(t, show, f.venue, 2_500_000, 1, paris("2026-03-02 10:00"))
		f.book(t, f.ben, show, 1, paris("2026-02-20 10:00"))
		acc := &store.BankAccount{OffererID: f.offerer.ID, Label: "Compte", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
		must(t, f.s.CreateBankAccount(ctx, acc, f.now))
		must(t, f.s.SetVenueBankAccount(ctx, f.offerer.ID, f.venue.ID, acc.ID, paris("2026-01-01 00:00")))
		must(t, f.s.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, f.now))
		_, err := f.s.PricePending(ctx, f.now)
		must(t, err)
		sum, err := f.s.PayoutSummary(ctx, f.offerer.ID, paris("2026-03-03 10:00"))
		must(t, err)
		if !sum.NextPayment.Equal(paris("2026-03-16 00:00")) || sum.ValidatedCents != 2_375_000 {
			t.Errorf("next payment %v, %d", sum.NextPayment, sum.ValidatedCents)
		}
		if len(sum.Venues) != 1 || sum.Venues[0].RevenueCents != 2_500_000 || sum.Venues[0].Rate != app.Rate95 ||
			sum.Venues[0].AccountMasked != "FR76 **** **** 0189" {
			t.Errorf("venues %+v", sum.Venues)
		}
		if len(sum.Awaiting) != 1 {
			t.Errorf("awaiting %d", len(sum.Awaiting))
		}
	})
}

// TestStore_PricePending_PaidTotals: a booking validated offline before a paid one and pushed
// after the cut is priced in its place (the paid pricing keeps its rate, its running total
// follows); un-using it then corrects the running total the next bookings start from.
func TestStore_PricePending_PaidTotals(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		s := f.s
		acc := &store.BankAccount{OffererID: f.offerer.ID, Label: "Compte", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
		must(t, s.CreateBankAccount(ctx, acc, f.now))
		must(t, s.SetVenueBankAccount(ctx, f.offerer.ID, f.venue.ID, acc.ID, paris("2026-01-01 00:00")))
		must(t, s.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, f.now))
		early := f.addStock(t, f.offer.ID, paris("2026-03-01 20:00"), 10)
		y := f.usedBooking(t, early, f.venue, 2000, 1, paris("2026-03-12 10:00")) // 20 €: 100 %, paid on the 16th
		rep, err := s.RunPaymentCut(ctx, paris("2026-03-16 00:00"), paris("2026-03-16 01:00"))
		if err != nil || len(rep.Statements) != 1 || rep.Statements[0].AmountCents != 2000 {
			t.Fatalf("cut %+v %v", rep, err)
		}
		x := f.usedBooking(t, early, f.venue, 1_999_000, 1, paris("2026-03-10 10:00")) // 19 990 €, validated offline, pushed on the 17th
		_, err = s.PricePending(ctx, paris("2026-03-17 09:00"))
		must(t, err)
		f.wantPricing(t, "x priced before y", x.ID, app.Rate100, 1_999_000)
		var rev int64
		must(t, s.db.QueryRowContext(ctx, s.q(`SELECT revenue_cents FROM pricings WHERE booking_id = ?`), y.ID).Scan(&rev))
		if rev != 2_001_000 {
			t.Errorf("y's running total %d, want 2001000", rev)
		}
		out, err := s.KeepBooking(ctx, f.offerer.ID, x.Token, store.Validator{}, paris("2026-03-17 10:00"))
		if err != nil || !out.OK() {
			t.Fatalf("keep %+v %v", out, err)
		}
		_, err = s.PricePending(ctx, paris("2026-03-17 10:00"))
		must(t, err)
		z := f.usedBooking(t, early, f.venue, 1000, 1, paris("2026-03-18 10:00")) // 30 € this year: 100 %
		_, err = s.PricePending(ctx, paris("2026-03-18 10:00"))
		must(t, err)
		f.wantPricing(t, "y stays paid at 100 %", y.ID, app.Rate100, 2000)
		f.wantPricing(t, "z after the un-use", z.ID, app.Rate100, 1000)
		must(t, s.db.QueryRowContext(ctx, s.q(`SELECT revenue_cents FROM pricings WHERE booking_id = ?`), z.ID).Scan(&rev))
		if rev != 3000 {
			t.Errorf("z's running total %d, want 3000", rev)
		}
	})
}

// TestStore_PricePending_EveryPath: every path that makes a booking USED or un-USED reaches the
// pricing (through the bookings' triggers): the counter, a sync push, the automatic validation,
// a showtime moved more than two days away.
func TestStore_PricePending_EveryPath(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		now := f.now
		booked := now.Add(-10 * 24 * time.Hour)
		old := f.addStock(t, f.offer.ID, now.Add(-49*time.Hour), 10)
		tonight := f.addStock(t, f.offer.ID, now.Add(2*time.Hour), 10)
		auto := f.book(t, f.ben, old, 1, booked)
		counter := f.book(t, f.addBeneficiary(t, "c@example.org"), tonight, 2, booked)
		pushed := f.book(t, f.addBeneficiary(t, "p@example.org"), tonight, 1, booked)

		priced := func(b *app.Booking) bool {
			t.Helper()
			_, err := f.s.PricePending(ctx, now)
			must(t, err)
			_, ok := f.pricing(t, b.ID)
			return ok
		}
		if n, err := f.s.AutoUse(ctx, now); err != nil || n != 1 || !priced(auto) {
			t.Errorf("auto-use: %d %v, priced %v", n, err, priced(auto))
		}
		if out, _ := f.s.UseBooking(ctx, f.offerer.ID, counter.Token, store.Validator{}, now); out.Code != app.OutcomeAdmitted || !priced(counter) {
			t.Errorf("counter use: %s", out.Code)
		}
		keys, err := f.s.ListAPIKeys(ctx, f.offerer.ID)
		must(t, err)
		key := &app.APIKey{OffererID: f.offerer.ID, Role: app.RoleCashier, Label: "Caisse"}
		if len(keys) > 0 {
			key = &keys[0]
		}
		res, err := f.s.PushScans(ctx, key, "caisse-1", []store.ScanEvent{{Nonce: "n1", Token: pushed.Token, Kind: "use", Mode: "online", ScannedAt: now}}, now)
		if err != nil || len(res) != 1 || res[0].Outcome.Code != app.OutcomeAdmitted || !priced(pushed) {
			t.Errorf("pushed use: %+v %v", res, err)
		}
		res, err = f.s.PushScans(ctx, key, "caisse-1", []store.ScanEvent{{Nonce: "n2", Token: pushed.Token, Kind: "keep", Mode: "online", ScannedAt: now}}, now)
		if err != nil || len(res) != 1 || res[0].Outcome.Code != app.OutcomeKept || priced(pushed) {
			t.Errorf("pushed keep: %+v %v", res, err)
		}
		newStart := now.Add(5 * 24 * time.Hour)
		if _, err := f.s.UpdateStock(ctx, tonight.ID, store.StockPatch{StartsAt: &newStart}, now); err != nil || priced(counter) {
			t.Errorf("moved showtime: %v, still priced %v", err, priced(counter))
		}
		if !priced(auto) {
			t.Error("the auto-used booking lost its pricing")
		}
	})
}

func TestStore_BankAccounts(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		s := f.s
		for _, tc := range []struct {
			a    store.BankAccount
			want string
		}{
			{store.BankAccount{OffererID: f.offerer.ID, Label: " ", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}, "Saisissez l'intitulé du compte bancaire."},
			{store.BankAccount{OffererID: f.offerer.ID, Label: "C", IBAN: "FR7630006000011234567890189", BIC: "AGRI"}, "Le BIC doit comporter 8 ou 11 caractères : 6 lettres puis des lettres ou chiffres (par exemple BNPAFRPPXXX)."},
			{store.BankAccount{OffererID: 999, Label: "C", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}, "Structure introuvable."},
		} {
			if err := s.CreateBankAccount(ctx, &tc.a, f.now); app.ErrorMessage(err) != tc.want {
				t.Errorf("%+v: %v", tc.a, err)
			}
		}
		b := f.addVenue(t, "Studio Bis", 48.8, 2.3)
		one := &store.BankAccount{OffererID: f.offerer.ID, Label: "Un", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
		two := &store.BankAccount{OffererID: f.offerer.ID, Label: "Deux", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"}
		must(t, s.CreateBankAccount(ctx, one, f.now))
		must(t, s.CreateBankAccount(ctx, two, f.now))
		must(t, s.SetVenueBankAccount(ctx, f.offerer.ID, f.venue.ID, one.ID, f.now))
		must(t, s.SetVenueBankAccount(ctx, f.offerer.ID, b.ID, one.ID, f.now))
		must(t, s.SetVenueBankAccount(ctx, f.offerer.ID, b.ID, two.ID, f.now)) // replaces: one account at a time
		list, err := s.ListBankAccounts(ctx, f.offerer.ID)
		must(t, err)
		if none, _ := s.ListBankAccounts(ctx, 0); len(none) != 0 {
			t.Errorf("offerer 0 lists %d bank accounts", len(none))
		}
		if len(list) != 2 || fmt.Sprint(list[0].VenueIDs) != fmt.Sprint([]int64{f.venue.ID}) || fmt.Sprint(list[1].VenueIDs) != fmt.Sprint([]int64{b.ID}) {
			t.Errorf("accounts %+v", list)
		}
		other := &app.Offerer{SIREN: "552032534", Name: "Autre"}
		must(t, s.CreateOfferer(ctx, other))
		if err := s.SetVenueBankAccount(ctx, other.ID, f.venue.ID, one.ID, f.now); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("another offerer's venue: %v", err)
		}
		if err := s.SetBankAccountStatus(ctx, one.ID, "ok", f.now); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("unknown status: %v", err)
		}
		if err := s.SetBankAccountStatus(ctx, 999, app.BankAccepted, f.now); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("unknown account: %v", err)
		}
	})
}
