package sqlstore

import (
	"context"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

func TestStore_Changes(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		for i := 0; i < 5; i++ {
			f.book(t, f.addBeneficiary(t, "c"+string(rune('a'+i))+"@example.org"), f.stock, 1, f.now)
		}
		// Page through everything 3 items at a time: every item once, revisions increasing.
		seen := map[string]int64{}
		var cursor int64
		pages := 0
		for {
			ch, err := f.s.Changes(ctx, f.offerer.ID, f.venue.ID, cursor, 3)
			must(t, err)
			pages++
			n := len(ch.Offers) + len(ch.Stocks) + len(ch.Bookings)
			if n > 3 {
				t.Fatalf("page of %d items, limit 3", n)
			}
			for _, o := range ch.Offers {
				seen["o"+o.Item.Name] = o.Rev
			}
			for _, s := range ch.Stocks {
				seen["s"+s.Item.StartsAt.String()] = s.Rev
			}
			for _, b := range ch.Bookings {
				seen["b"+b.Item.Token] = b.Rev
				if b.Rev <= cursor || b.Rev > ch.Cursor {
					t.Errorf("booking rev %d outside (%d, %d]", b.Rev, cursor, ch.Cursor)
				}
			}
			cursor = ch.Cursor
			if !ch.More {
				break
			}
			if pages > 20 {
				t.Fatal("paging does not end")
			}
		}
		if len(seen) != 7 { // 1 offer, 1 stock, 5 bookings
			t.Errorf("saw %d items, want 7: %v", len(seen), seen)
		}
		// Nothing new: an empty page at the same cursor.
		ch, err := f.s.Changes(ctx, f.offerer.ID, f.venue.ID, cursor, 100)
		must(t, err)
		if len(ch.Bookings)+len(ch.Stocks)+len(ch.Offers) != 0 || ch.Cursor != cursor || ch.More {
			t.Errorf("no change expected, got %+v", ch)
		}
		// A validation shows up after the cursor, with the booking's new state.
		b := f.book(t, f.addBeneficiary(t, "late@example.org"), f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 10), 1, f.now.Add(-72*time.Hour))
		_, err = f.s.UseBooking(ctx, f.offerer.ID, b.Token, store.Validator{Device: "d1"}, f.now)
		must(t, err)
		ch, err = f.s.Changes(ctx, f.offerer.ID, f.venue.ID, cursor, 100)
		must(t, err)
		if len(ch.Bookings) != 1 || ch.Bookings[0].Item.Status != app.StatusUsed || len(ch.Stocks) != 1 {
			t.Errorf("after a new booking and its use: %d bookings, %d stocks", len(ch.Bookings), len(ch.Stocks))
		}
		if _, err := f.s.Changes(ctx, 999, f.venue.ID, 0, 10); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("another offerer's venue: %v", err)
		}
	})
}

func TestStore_PushScans(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		clear, key, err := f.s.CreateAPIKey(ctx, f.offerer.ID, app.RoleCashier, "Caisse")
		must(t, err)
		_ = clear
		tonight := f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 100)
		newBooking := func(email string) *app.Booking {
			return f.book(t, f.addBeneficiary(t, email), tonight, 1, f.now.Add(-72*time.Hour))
		}
		push := func(device string, ev store.ScanEvent) store.ScanResult {
			t.Helper()
			r, err := f.s.PushScans(ctx, key, device, []store.ScanEvent{ev}, f.now)
			must(t, err)
			return r[0]
		}
		offline := func(nonce, token string, at time.Time) store.ScanEvent {
			return store.ScanEvent{Nonce: nonce, Token: token, Kind: "use", Mode: "offline", ScannedAt: at, LocalVerdict: app.OutcomeAdmitted}
		}

		t.Run("online use, then a replay days later", func(t *testing.T) {
			b := newBooking("on@example.org")
			r := push("dev-1", store.ScanEvent{Nonce: "n-online", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now})
			if r.Outcome.Code != app.OutcomeAdmitted || r.Replayed {
				t.Fatalf("first push: %+v", r)
			}
			r2, err := f.s.PushScans(ctx, key, "dev-1", []store.ScanEvent{{Nonce: "n-online", Token: b.Token, Kind: "use", Mode: "online"}}, f.now.Add(72*time.Hour))
			must(t, err)
			if r2[0].Outcome.Code != app.OutcomeAdmitted || !r2[0].Replayed {
				t.Errorf("replay must give the same verdict: %+v", r2[0])
			}
		})
		t.Run("online use for another day, asked first: not consumed until asked again without askOtherDay", func(t *testing.T) {
			b := f.book(t, f.addBeneficiary(t, "demain@example.org"), f.addStock(t, f.offer.ID, f.now.Add(30*time.Hour), 100), 1,
				f.now.Add(-96*time.Hour))
			ask := store.ScanEvent{Nonce: "n-ask", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now, AskOtherDay: true}
			r := push("dev-1", ask)
			got, _ := f.s.GetBookingByToken(ctx, b.Token)
			if r.Outcome.Code != app.OutcomeConfirm || r.Outcome.Booking == nil || len(r.Outcome.Warnings) != 1 || got.Status != app.StatusConfirmed {
				t.Fatalf("asked: %+v, booking %s", r.Outcome, got.Status)
			}
			if again := push("dev-1", ask); again.Outcome.Code != app.OutcomeConfirm || !again.Replayed {
				t.Errorf("the question replayed: %+v", again)
			}
			// Today's showtime is not asked about, even when the counter asks.
			today := newBooking("ask-today@example.org")
			if r := push("dev-1", store.ScanEvent{Nonce: "n-ask-today", Token: today.Token, Kind: "use", Mode: "online", ScannedAt: f.now,
				AskOtherDay: true}); r.Outcome.Code != app.OutcomeAdmitted {
				t.Errorf("today, asked: %s", r.Outcome.Code)
			}
			r = push("dev-1", store.ScanEvent{Nonce: "n-confirmed", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now})
			got, _ = f.s.GetBookingByToken(ctx, b.Token)
			if r.Outcome.Code != app.OutcomeAdmitted || len(r.Outcome.Warnings) != 1 || got.Status != app.StatusUsed {
				t.Errorf("confirmed: %+v, booking %s", r.Outcome, got.Status)
			}
		})
		t.Run("offline admission applied with the device's time", func(t *testing.T) {
			b := newBooking("off@example.org")
			at := f.now.Add(-10 * time.Minute)
			r := push("dev-2", offline("n-off", b.Token, at))
			got, _ := f.s.GetBookingByToken(ctx, b.Token)
			if r.Outcome.Code != app.OutcomeAdmitted || r.Conflict != nil || !got.UsedAt.Equal(at) || got.UsedByDevice != "dev-2" {
				t.Errorf("result %+v, booking used at %s by %q", r.Outcome.Code, got.UsedAt, got.UsedByDevice)
			}
		})
		t.Run("admitted offline on two devices: one conflict, counted once", func(t *testing.T) {
			b := newBooking("twice@example.org")
			r1 := push("dev-A", offline("n-A", b.Token, f.now.Add(-5*time.Minute)))
			r2 := push("dev-B", offline("n-B", b.Token, f.now.Add(-4*time.Minute)))
			if r1.Conflict != nil || r2.Conflict == nil || r2.Conflict.Kind != store.ConflictDoubleAdmission || r2.Conflict.OtherDevice != "Caisse (dev-A)" {
				t.Fatalf("r1 %+v, r2 conflict %+v", r1.Conflict, r2.Conflict)
			}
			r2again := push("dev-B", offline("n-B", b.Token, f.now.Add(-4*time.Minute)))
			if !r2again.Replayed || r2again.Conflict != nil {
				t.Errorf("a replay must not record the conflict twice: %+v", r2again)
			}
			cs, err := f.s.Conflicts(ctx, f.offerer.ID, f.venue.ID, false)
			must(t, err)
			if len(cs) != 1 || cs[0].Device != "Caisse (dev-B)" || cs[0].Token != b.Token {
				t.Fatalf("conflicts %+v", cs)
			}
			must(t, f.s.AckConflict(ctx, f.offerer.ID, cs[0].ID, "Caisse", f.now))
			if cs, _ := f.s.Conflicts(ctx, f.offerer.ID, f.venue.ID, false); len(cs) != 0 {
				t.Errorf("acknowledged conflict still listed")
			}
			var events int
			must(t, f.s.rdb.QueryRow(f.s.q("SELECT COUNT(*) FROM booking_events WHERE booking_id = ? AND kind = 'USE'"), b.ID).Scan(&events))
			if events != 1 {
				t.Errorf("the booking was validated %d times, want once", events)
			}
		})
		t.Run("cancelled before the offline scan", func(t *testing.T) {
			b := newBooking("cancel@example.org")
			_, err := f.s.CancelBookingByOfferer(ctx, f.offerer.ID, b.Token, store.Validator{}, f.now.Add(-time.Hour))
			must(t, err)
			r := push("dev-C", offline("n-C", b.Token, f.now.Add(-time.Minute)))
			if r.Conflict == nil || r.Conflict.Kind != store.ConflictCancelledBeforeScan {
				t.Errorf("conflict %+v", r.Conflict)
			}
		})
		t.Run("refused offline: recorded, nothing applied", func(t *testing.T) {
			b := newBooking("refused@example.org")
			r := push("dev-D", store.ScanEvent{Nonce: "n-D", Token: b.Token, Kind: "use", Mode: "offline", ScannedAt: f.now, LocalVerdict: app.OutcomeNotFound})
			got, _ := f.s.GetBookingByToken(ctx, b.Token)
			if got.Status != app.StatusConfirmed || r.Conflict != nil {
				t.Errorf("status %s, conflict %+v", got.Status, r.Conflict)
			}
		})
		t.Run("online answer lost, device admitted from its cache", func(t *testing.T) {
			b := newBooking("lost@example.org")
			push("dev-E", store.ScanEvent{Nonce: "n-E0", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now}) // another counter
			r := push("dev-F", store.ScanEvent{Nonce: "n-F", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now})
			if r.Outcome.Code != app.OutcomeAlreadyUsed {
				t.Fatalf("second online use: %s", r.Outcome.Code)
			}
			// dev-F never got that answer, admitted offline, and pushes the same nonce.
			r = push("dev-F", offline("n-F", b.Token, f.now))
			if !r.Replayed || r.Conflict == nil || r.Conflict.Kind != store.ConflictDoubleAdmission {
				t.Errorf("replay with a contrary local verdict must record a conflict: %+v", r)
			}
		})
		t.Run("keep", func(t *testing.T) {
			b := newBooking("keep@example.org")
			push("dev-G", offline("n-G1", b.Token, f.now))
			r := push("dev-G", store.ScanEvent{Nonce: "n-G2", Token: b.Token, Kind: "keep", Mode: "offline", ScannedAt: f.now})
			if got, _ := f.s.GetBookingByToken(ctx, b.Token); r.Outcome.Code != app.OutcomeKept || got.Status != app.StatusConfirmed {
				t.Errorf("keep: %s, status %s", r.Outcome.Code, got.Status)
			}
		})
	})
}
