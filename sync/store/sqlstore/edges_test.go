package sqlstore

import (
	"context"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// edgeFixture is a fixture with a cashier key and a showtime tonight.
type edgeFixture struct {
	*fixture
	key     *app.APIKey
	tonight *app.Stock
	n       int
}

func newEdgeFixture(t *testing.T) *edgeFixture {
	f := &edgeFixture{fixture: newFixture(t)}
	_, k, err := f.s.CreateAPIKey(context.Background(), f.offerer.ID, app.RoleCashier, "Caisse")
	must(t, err)
	f.key, f.tonight = k, f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 100)
	return f
}

func (f *edgeFixture) booking(t *testing.T) *app.Booking {
	f.n++
	return f.book(t, f.addBeneficiary(t, "edge"+string(rune('a'+f.n))+"@example.org"), f.tonight, 1, f.now.Add(-72*time.Hour))
}

func (f *edgeFixture) push(t *testing.T, device string, evs ...store.ScanEvent) []store.ScanResult {
	t.Helper()
	rs, err := f.s.PushScans(context.Background(), f.key, device, evs, f.now)
	must(t, err)
	return rs
}

func use(nonce, token string, at time.Time) store.ScanEvent {
	return store.ScanEvent{Nonce: nonce, Token: token, Kind: "use", Mode: "offline", ScannedAt: at, LocalVerdict: app.OutcomeAdmitted}
}

func keep(nonce, token string, undoes *string, at time.Time) store.ScanEvent {
	return store.ScanEvent{Nonce: nonce, Token: token, Kind: "keep", Mode: "offline", ScannedAt: at, LocalVerdict: app.OutcomeKept, Undoes: undoes}
}

func TestStore_KeepNamesItsValidation(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newEdgeFixture(t)
		str := func(s string) *string { return &s }

		t.Run("a keep naming the validation in force undoes it", func(t *testing.T) {
			b := f.booking(t)
			rs := f.push(t, "A", use("k1-use", b.Token, f.now.Add(-3*time.Minute)), keep("k1-keep", b.Token, str("k1-use"), f.now.Add(-2*time.Minute)))
			got, _ := f.s.GetBookingByToken(ctx, b.Token)
			if rs[1].Outcome.Code != app.OutcomeKept || rs[1].Conflict != nil || got.Status != app.StatusConfirmed || got.UsedNonce != "" {
				t.Errorf("keep: %s, conflict %+v, booking %s %q", rs[1].Outcome.Code, rs[1].Conflict, got.Status, got.UsedNonce)
			}
		})
		t.Run("a keep naming another validation is a conflict and changes nothing", func(t *testing.T) {
			b := f.booking(t)
			f.push(t, "C", store.ScanEvent{Nonce: "k2-C", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now})
			rs := f.push(t, "A", use("k2-use", b.Token, f.now.Add(-3*time.Minute)), keep("k2-keep", b.Token, str("k2-use"), f.now.Add(-2*time.Minute)))
			got, _ := f.s.GetBookingByToken(ctx, b.Token)
			if got.Status != app.StatusUsed || got.UsedByDevice != "C" || got.UsedNonce != "k2-C" {
				t.Errorf("C's admission must stand: %s by %q (%q)", got.Status, got.UsedByDevice, got.UsedNonce)
			}
			c := rs[1].Conflict
			if rs[1].Outcome.Code == app.OutcomeKept || c == nil || c.Kind != store.ConflictKeepNotApplied || c.OtherDevice != "Caisse (C)" || c.Token != b.Token {
				t.Errorf("keep result %s, conflict %+v", rs[1].Outcome.Code, c)
			}
			if again := f.push(t, "A", keep("k2-keep", b.Token, str("k2-use"), f.now)); !again[0].Replayed || again[0].Conflict != nil {
				t.Errorf("a replay must not record the conflict again: %+v", again[0])
			}
		})
		t.Run("an older counter's keep undoes only its own validation", func(t *testing.T) {
			b := f.booking(t)
			f.push(t, "C", store.ScanEvent{Nonce: "k3-C", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now})
			if rs := f.push(t, "A", keep("k3-keep-A", b.Token, nil, f.now)); rs[0].Conflict == nil {
				t.Errorf("another device's validation undone by a keep that names none: %+v", rs[0])
			}
			if rs := f.push(t, "C", keep("k3-keep-C", b.Token, nil, f.now)); rs[0].Outcome.Code != app.OutcomeKept {
				t.Errorf("C's own legacy keep: %+v", rs[0].Outcome)
			}
		})
	})
}

// TestStore_UnknownCountermarkAdmittedOffline (issue 13, point 3): an offline admission the
// server cannot honour is a conflict even without a booking, the same one for an unknown
// countermark and for another offerer's, which reveals nothing about that booking.
func TestStore_UnknownCountermarkAdmittedOffline(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newEdgeFixture(t)
		other := &app.Offerer{SIREN: "552100554", Name: "Autre exploitant"}
		must(t, f.s.CreateOfferer(ctx, other))
		ov := &app.Venue{OffererID: other.ID, SIRET: "55210055400013", Name: "Ailleurs", Address: "2 rue", PostalCode: "69001",
			City: "Lyon", DepartmentCode: "69", BookingEmail: "x@ailleurs.fr"}
		must(t, f.s.CreateVenue(ctx, ov))
		oo := &app.Offer{VenueID: ov.ID, Name: "Film secret", Version: app.VersionVF, Active: true}
		must(t, f.s.CreateOffer(ctx, oo))
		theirs := f.book(t, f.addBeneficiary(t, "secret@example.org"), f.addStock(t, oo.ID, f.now.Add(time.Hour), 10), 1, f.now.Add(-72*time.Hour))

		unknown := use("u-1", "ZZZZZZ", f.now.Add(-time.Minute))
		unknown.VenueID = f.venue.ID
		foreign := use("u-2", theirs.Token, f.now.Add(-time.Minute))
		foreign.VenueID = f.venue.ID
		refused := store.ScanEvent{Nonce: "u-3", Token: "YYYYYY", Kind: "use", Mode: "offline", ScannedAt: f.now, LocalVerdict: app.OutcomeNotFound, VenueID: f.venue.ID}
		rs := f.push(t, "A", unknown, foreign, refused)
		if rs[0].Outcome.Code != app.OutcomeNotFound || rs[1].Outcome.Code != app.OutcomeOtherOfferer || rs[2].Conflict != nil {
			t.Errorf("verdicts %s, %s; a refusal at the door is no conflict: %+v", rs[0].Outcome.Code, rs[1].Outcome.Code, rs[2].Conflict)
		}
		for i, r := range rs[:2] {
			c := r.Conflict
			if c == nil || c.Kind != store.ConflictUnknownCountermark || c.BookingID != 0 || c.OfferName != "" || c.Beneficiary != "" {
				t.Errorf("event %d: conflict %+v", i, c)
			}
		}
		if rs[0].Conflict != nil && rs[1].Conflict != nil && rs[0].Conflict.Detail != rs[1].Conflict.Detail {
			t.Errorf("another offerer's countermark must read like an unknown one: %q vs %q", rs[0].Conflict.Detail, rs[1].Conflict.Detail)
		}
		if again := f.push(t, "A", unknown); !again[0].Replayed || again[0].Conflict != nil {
			t.Errorf("replay: %+v", again[0])
		}
		cs, err := f.s.Conflicts(ctx, f.offerer.ID, f.venue.ID, false)
		must(t, err)
		if len(cs) != 2 || cs[0].Token == "" || cs[0].OfferName != "" {
			t.Fatalf("the venue's conflicts: %+v", cs)
		}
		if theirs, _ := f.s.Conflicts(ctx, other.ID, ov.ID, true); len(theirs) != 0 {
			t.Errorf("the other offerer sees %d conflicts", len(theirs))
		}
		if b, _ := f.s.GetBookingByToken(ctx, theirs.Token); b.Status != app.StatusConfirmed {
			t.Errorf("another offerer's booking changed: %s", b.Status)
		}
	})
}

func TestStore_UnknownCountermarkAnswerLost(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newEdgeFixture(t)
		online := store.ScanEvent{Nonce: "l-1", Token: "XXXXXX", Kind: "use", Mode: "online", ScannedAt: f.now, VenueID: f.venue.ID}
		if r := f.push(t, "A", online); r[0].Outcome.Code != app.OutcomeNotFound || r[0].Conflict != nil {
			t.Fatalf("online: %+v", r[0])
		}
		// The answer was lost; the counter admitted from its cache and pushes the same nonce.
		off := use("l-1", "XXXXXX", f.now)
		off.VenueID = f.venue.ID
		if r := f.push(t, "A", off); r[0].Conflict == nil || r[0].Conflict.Kind != store.ConflictUnknownCountermark {
			t.Errorf("replay with a contrary local verdict: %+v", r[0])
		}
	})
}

// TestStore_NoncesPerOfferer (issue 13, point 4): nonces are unique per offerer, not across
// offerers; a nonce replayed with another countermark is refused, not answered with the
// first booking's verdict; in one push, each event is judged alone.
func TestStore_NoncesPerOfferer(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newEdgeFixture(t)
		other := &app.Offerer{SIREN: "552100554", Name: "Autre exploitant"}
		must(t, f.s.CreateOfferer(ctx, other))
		_, otherKey, err := f.s.CreateAPIKey(ctx, other.ID, app.RoleCashier, "Caisse")
		must(t, err)

		b1, b2 := f.booking(t), f.booking(t)
		f.push(t, "A", use("shared-nonce", b1.Token, f.now))
		rs, err := f.s.PushScans(ctx, otherKey, "Z", []store.ScanEvent{use("shared-nonce", "ZZZZZZ", f.now)}, f.now)
		if err != nil || len(rs) != 1 || rs[0].Err != nil || rs[0].Replayed || rs[0].Outcome.Code != app.OutcomeNotFound {
			t.Fatalf("another offerer's reuse of a nonce: %v %+v", err, rs)
		}

		rs = f.push(t, "A", use("shared-nonce", b2.Token, f.now), use("n-b2", b2.Token, f.now))
		if rs[0].Err == nil || app.ErrorCode(rs[0].Err) != app.EINVALID || rs[0].Outcome.Code == app.OutcomeAdmitted {
			t.Errorf("a nonce replayed with another countermark must be refused: %+v", rs[0])
		}
		if rs[1].Err != nil || rs[1].Outcome.Code != app.OutcomeAdmitted {
			t.Errorf("the next event must still apply: %+v", rs[1])
		}
		if got, _ := f.s.GetBookingByToken(ctx, b2.Token); got.UsedNonce != "n-b2" {
			t.Errorf("b2 validated by %q", got.UsedNonce)
		}
	})
}

// TestStore_WindowAndTouchedBookings (issue 13, point 5): a pull from a window leaves out older
// showtimes and their bookings; renaming a film or moving a showtime gives its bookings new
// revisions, so they reach the counters; the digest covers the same window.
func TestStore_WindowAndTouchedBookings(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newEdgeFixture(t)
		past := f.addStock(t, f.offer.ID, f.now.AddDate(0, 0, -10), 10)
		if _, err := f.s.BulkBookings(ctx, past.ID, 2, f.now.AddDate(0, 0, -13)); err != nil {
			t.Fatal(err)
		}
		b := f.booking(t)
		from := f.now.AddDate(0, 0, -1)
		ch, err := f.s.ChangesFrom(ctx, f.offerer.ID, f.venue.ID, 0, 100, from)
		must(t, err)
		if len(ch.Bookings) != 1 || ch.Bookings[0].Item.Token != b.Token {
			t.Fatalf("window pull: %d bookings", len(ch.Bookings))
		}
		for _, s := range ch.Stocks {
			if s.Item.ID == past.ID {
				t.Errorf("a showtime before the window was pulled")
			}
		}
		d, err := f.s.Digest(ctx, f.offerer.ID, f.venue.ID, from)
		must(t, err)
		if len(d.Showtimes) != 1 || d.Showtimes[0].Bookings != 1 || d.Cursor < ch.Bookings[0].Rev {
			t.Errorf("digest %+v", d)
		}
		cursor := ch.Cursor
		name := "Le Voyage de Chihiro (4K)"
		_, err = f.s.UpdateOffer(ctx, f.offer.ID, store.OfferPatch{Name: &name})
		must(t, err)
		ch, err = f.s.ChangesFrom(ctx, f.offerer.ID, f.venue.ID, cursor, 100, from)
		must(t, err)
		if len(ch.Bookings) != 1 || ch.Bookings[0].Item.OfferName != name {
			t.Errorf("after renaming the film: %d bookings changed", len(ch.Bookings))
		}
		cursor = ch.Cursor
		later := f.tonight.StartsAt.Add(15 * time.Minute)
		_, err = f.s.UpdateStock(ctx, f.tonight.ID, store.StockPatch{StartsAt: &later}, f.now)
		must(t, err)
		ch, err = f.s.ChangesFrom(ctx, f.offerer.ID, f.venue.ID, cursor, 100, from)
		must(t, err)
		if len(ch.Bookings) != 1 || !ch.Bookings[0].Item.ShowStart.Equal(later) {
			t.Errorf("after moving the showtime: %d bookings changed", len(ch.Bookings))
		}
		cursor = ch.Cursor
		_, err = f.s.db.ExecContext(ctx, f.s.q(`UPDATE beneficiaries SET last_name = 'Durand' WHERE id = (SELECT beneficiary_id FROM bookings WHERE id = ?)`), b.ID)
		must(t, err)
		ch, err = f.s.ChangesFrom(ctx, f.offerer.ID, f.venue.ID, cursor, 100, from)
		must(t, err)
		if len(ch.Bookings) != 1 || ch.Bookings[0].Item.LastName != "Durand" {
			t.Errorf("after renaming the beneficiary: %d bookings changed", len(ch.Bookings))
		}
	})
}
