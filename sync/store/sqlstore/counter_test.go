package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

func TestStore_UseKeepCancel(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		// Booked 10 days before a show tonight: past its cancellation limit, usable now.
		tonight := f.addStock(t, f.offer.ID, f.now.Add(2*time.Hour), 100)
		b := f.book(t, f.ben, tonight, 2, f.now.Add(-10*24*time.Hour))
		caisse := store.Validator{KeyID: 7, KeyLabel: "Caisse 1", Device: "dev-abc"}

		out, err := f.s.UseBooking(ctx, f.offerer.ID, strings.ToLower(b.Token), caisse, f.now)
		must(t, err)
		if out.Code != app.OutcomeAdmitted || out.Booking.Quantity != 2 || out.Booking.OfferName != "Le Voyage de Chihiro" {
			t.Fatalf("use = %+v", out)
		}
		got, _ := f.s.GetBookingByToken(ctx, b.Token)
		if got.Status != app.StatusUsed || !got.UsedAt.Equal(f.now) || got.UsedBy != app.ByOfferer ||
			got.UsedByKey != "Caisse 1" || got.UsedByDevice != "dev-abc" {
			t.Errorf("after use: %+v", got)
		}

		out, err = f.s.UseBooking(ctx, f.offerer.ID, b.Token, store.Validator{KeyLabel: "Caisse 2"}, f.now.Add(time.Minute))
		must(t, err)
		if out.Code != app.OutcomeAlreadyUsed || out.Booking.UsedByKey != "Caisse 1" || !out.Booking.UsedAt.Equal(f.now) {
			t.Errorf("second use must say when and where it was first validated: %+v", out)
		}

		out, err = f.s.KeepBooking(ctx, f.offerer.ID, b.Token, caisse, f.now.Add(2*time.Minute))
		must(t, err)
		if out.Code != app.OutcomeKept {
			t.Errorf("keep = %+v", out)
		}
		if out, _ = f.s.KeepBooking(ctx, f.offerer.ID, b.Token, caisse, f.now); out.Code != app.OutcomeNotUsed {
			t.Errorf("keep of a confirmed booking = %s", out.Code)
		}

		out, err = f.s.CancelBookingByOfferer(ctx, f.offerer.ID, b.Token, caisse, f.now)
		must(t, err)
		if out.Code != app.OutcomeCancelledOK {
			t.Fatalf("cancel = %+v", out)
		}
		ben, _ := f.s.GetBeneficiary(ctx, f.ben.ID)
		st, _ := f.s.GetStock(ctx, tonight.ID)
		if ben.SpentCents != 0 || st.Booked != 0 {
			t.Errorf("after cancel: spent %d, booked %d; the credit and places must return", ben.SpentCents, st.Booked)
		}
		if out, _ = f.s.CancelBookingByOfferer(ctx, f.offerer.ID, b.Token, caisse, f.now); out.Code != app.OutcomeAlreadyCanceled {
			t.Errorf("second cancel = %s", out.Code)
		}
		if out, _ = f.s.UseBooking(ctx, f.offerer.ID, b.Token, caisse, f.now); out.Code != app.OutcomeCancelled {
			t.Errorf("use of a cancelled booking = %s", out.Code)
		}

		var events []string
		rows, err := f.s.rdb.Query(f.s.q("SELECT kind || ':' || device FROM booking_events WHERE booking_id = ? ORDER BY id"), b.ID)
		must(t, err)
		for rows.Next() {
			var e string
			must(t, rows.Scan(&e))
			events = append(events, e)
		}
		rows.Close()
		if want := "BOOK: USE:dev-abc KEEP:dev-abc CANCEL_OFFERER:dev-abc"; strings.Join(events, " ") != want {
			t.Errorf("history = %q, want %q", strings.Join(events, " "), want)
		}
	})
}

func TestStore_UseBooking_Refusals(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		other := &app.Offerer{SIREN: "552032534", Name: "Autre"}
		must(t, f.s.CreateOfferer(ctx, other))

		early := f.book(t, f.ben, f.stock, 1, f.now) // show in 5 days, booked now: cancellable 48 h
		for _, tc := range []struct {
			name      string
			offerer   int64
			token     string
			want      app.OutcomeCode
			seesFacts bool
		}{
			{"unknown token", f.offerer.ID, "ZZZZZZ", app.OutcomeNotFound, false},
			{"malformed token", f.offerer.ID, "AB", app.OutcomeNotFound, false},
			{"another offerer's booking", other.ID, early.Token, app.OutcomeOtherOfferer, false},
			{"inside the cancellation limit", f.offerer.ID, early.Token, app.OutcomeNotYetUsable, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				out, err := f.s.UseBooking(ctx, tc.offerer, tc.token, store.Validator{}, f.now)
				must(t, err)
				if out.Code != tc.want || (out.Booking != nil) != tc.seesFacts {
					t.Errorf("use = %s (booking shown: %v), want %s (%v)", out.Code, out.Booking != nil, tc.want, tc.seesFacts)
				}
			})
		}
		if got, _ := f.s.GetBookingByToken(ctx, early.Token); got.Status != app.StatusConfirmed {
			t.Errorf("a refused validation changed the booking: %s", got.Status)
		}
		must(t, f.s.SetOffererClosed(ctx, f.offerer.ID, true))
		out, err := f.s.UseBooking(ctx, f.offerer.ID, early.Token, store.Validator{}, f.now.Add(72*time.Hour))
		must(t, err)
		if out.Code != app.OutcomeOffererClosed {
			t.Errorf("closed offerer: %s", out.Code)
		}
	})
}

func TestStore_AutoUse(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		now := f.now
		booked := now.Add(-10 * 24 * time.Hour)
		old := f.addStock(t, f.offer.ID, now.Add(-49*time.Hour), 10)
		recent := f.addStock(t, f.offer.ID, now.Add(-47*time.Hour), 10)
		b49 := f.book(t, f.ben, old, 1, booked)
		b47 := f.book(t, f.addBeneficiary(t, "other@example.org"), recent, 1, booked)

		n, err := f.s.AutoUse(ctx, now)
		must(t, err)
		if n != 1 {
			t.Errorf("auto-used %d bookings, want 1", n)
		}
		if got, _ := f.s.GetBookingByToken(ctx, b49.Token); got.Status != app.StatusUsed || got.UsedBy != app.ByAuto || !got.UsedAt.Equal(now) {
			t.Errorf("49 h: %s by %q at %s", got.Status, got.UsedBy, got.UsedAt)
		}
		if got, _ := f.s.GetBookingByToken(ctx, b47.Token); got.Status != app.StatusConfirmed {
			t.Errorf("47 h: %s, want CONFIRMED", got.Status)
		}
		if n, err := f.s.AutoUse(ctx, now); err != nil || n != 0 {
			t.Errorf("second run changed %d bookings (%v): it must be idempotent", n, err)
		}
	})
}

func TestStore_UpdateStock(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		tonight := f.addStock(t, f.offer.ID, f.now.Add(2*time.Hour), 3)
		b := f.book(t, f.ben, tonight, 2, f.now.Add(-10*24*time.Hour))
		if out, _ := f.s.UseBooking(ctx, f.offerer.ID, b.Token, store.Validator{}, f.now); out.Code != app.OutcomeAdmitted {
			t.Fatalf("use: %s", out.Code)
		}

		t.Run("capacity below the booked places", func(t *testing.T) {
			_, err := f.s.UpdateStock(ctx, tonight.ID, store.StockPatch{Capacity: ptr(1)}, f.now)
			if app.ErrorCode(err) != app.EINVALID {
				t.Errorf("UpdateStock = %v", err)
			}
		})
		t.Run("negative price", func(t *testing.T) {
			_, err := f.s.UpdateStock(ctx, tonight.ID, store.StockPatch{PriceCents: ptr(int64(-1))}, f.now)
			if app.ErrorCode(err) != app.EINVALID {
				t.Errorf("UpdateStock = %v", err)
			}
		})
		t.Run("moved more than two days away", func(t *testing.T) {
			newStart := f.now.Add(5 * 24 * time.Hour)
			st, err := f.s.UpdateStock(ctx, tonight.ID, store.StockPatch{StartsAt: &newStart}, f.now)
			must(t, err)
			if !st.BookingLimit.Equal(newStart) {
				t.Errorf("the default booking limit should follow the start: %s", st.BookingLimit)
			}
			got, _ := f.s.GetBookingByToken(ctx, b.Token)
			if got.Status != app.StatusConfirmed || !got.UsedAt.IsZero() {
				t.Errorf("a used booking of a showtime moved 5 days away must be confirmed again: %s", got.Status)
			}
			if want := f.now.Add(48 * time.Hour); !got.CancellationLimit.Equal(want) {
				t.Errorf("limit %s, want now+48h %s", got.CancellationLimit, want)
			}
		})
		t.Run("unlimited capacity", func(t *testing.T) {
			st, err := f.s.UpdateStock(ctx, tonight.ID, store.StockPatch{ClearCapacity: true}, f.now)
			must(t, err)
			if st.Capacity != nil || st.Remaining() != -1 {
				t.Errorf("capacity %v", st.Capacity)
			}
		})
	})
}

func TestStore_DeleteStock(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		b := f.book(t, f.ben, f.stock, 1, f.now)
		n, err := f.s.DeleteStock(ctx, f.stock.ID, f.now)
		must(t, err)
		if n != 1 {
			t.Errorf("cancelled %d bookings, want 1", n)
		}
		got, _ := f.s.GetBookingByToken(ctx, b.Token)
		ben, _ := f.s.GetBeneficiary(ctx, f.ben.ID)
		if got.Status != app.StatusCancelled || got.CancellationReason != app.CancelledByOfferer || ben.SpentCents != 0 {
			t.Errorf("after delete: %s %s, spent %d", got.Status, got.CancellationReason, ben.SpentCents)
		}
		if _, err := f.s.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 1}, f.now); err == nil {
			t.Error("a deleted showtime was bookable")
		}
		old := f.addStock(t, f.offer.ID, f.now.Add(-72*time.Hour), 10)
		if _, err := f.s.DeleteStock(ctx, old.ID, f.now); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("deleting a showtime over 2 days ago: %v", err)
		}
	})
}

func TestStore_ListBookings(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		paris, _ := time.LoadLocation("Europe/Paris")
		// 23:30 Paris on 3 December is 22:30 UTC: it belongs to the 3rd, not the 4th.
		late := f.addStock(t, f.offer.ID, time.Date(2026, 12, 3, 23, 30, 0, 0, paris), 100)
		for i := 0; i < 7; i++ {
			ben := f.addBeneficiary(t, "l"+string(rune('a'+i))+"@example.org")
			st := f.stock
			if i%2 == 0 {
				st = late
			}
			f.book(t, ben, st, 1, f.now)
		}
		base := store.BookingFilter{OffererID: f.offerer.ID, VenueID: f.venue.ID}
		for _, tc := range []struct {
			name      string
			edit      func(*store.BookingFilter)
			wantTotal int
			wantItems int
		}{
			{"all", func(*store.BookingFilter) {}, 7, 7},
			{"one showtime", func(fl *store.BookingFilter) { fl.StockID = late.ID }, 4, 4},
			{"a day in Paris", func(fl *store.BookingFilter) { fl.Day = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC) }, 4, 4},
			{"status", func(fl *store.BookingFilter) { fl.Status = app.StatusUsed }, 0, 0},
			{"page 2 of 3", func(fl *store.BookingFilter) { fl.Per, fl.Page = 3, 2 }, 7, 3},
			{"page 3 of 3", func(fl *store.BookingFilter) { fl.Per, fl.Page = 3, 3 }, 7, 1},
			{"another offerer sees nothing", func(fl *store.BookingFilter) { fl.OffererID = 999 }, 0, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				fl := base
				tc.edit(&fl)
				p, err := f.s.ListBookings(ctx, fl)
				must(t, err)
				if p.Total != tc.wantTotal || len(p.Items) != tc.wantItems {
					t.Errorf("total %d, items %d; want %d, %d", p.Total, len(p.Items), tc.wantTotal, tc.wantItems)
				}
			})
		}
	})
}
