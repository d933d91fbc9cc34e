package sqlstore

import (
	"bytes"
	"context"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

func TestStore_BeneficiaryCredentials(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		_, hash, err := f.s.BeneficiaryCredentials(ctx, "LEA@example.org ")
		must(t, err)
		if hash != "" {
			t.Errorf("a new beneficiary has hash %q, want none", hash)
		}
		must(t, f.s.SetBeneficiaryPassword(ctx, f.ben.ID, "$2a$hash"))
		b, hash, err := f.s.BeneficiaryCredentials(ctx, "lea@example.org")
		if err != nil || b.ID != f.ben.ID || hash != "$2a$hash" {
			t.Errorf("got %v %q %v", b, hash, err)
		}
		if _, _, err := f.s.BeneficiaryCredentials(ctx, "nobody@example.org"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("unknown e-mail: %v", err)
		}
		if err := f.s.SetBeneficiaryPassword(ctx, 999, "x"); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("unknown beneficiary: %v", err)
		}
	})
}

func TestStore_Secret(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		a, err := f.s.Secret(ctx, "k", 32)
		must(t, err)
		b, err := f.s.Secret(ctx, "k", 32)
		must(t, err)
		if len(a) != 32 || !bytes.Equal(a, b) {
			t.Errorf("secret changed between calls: %x %x", a, b)
		}
		c, err := f.s.Secret(ctx, "other", 32)
		must(t, err)
		if bytes.Equal(a, c) {
			t.Error("two secrets are equal")
		}
	})
}

func TestStore_CancelBookingByBeneficiary(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		other := f.addBeneficiary(t, "hugo@example.org")
		b := f.book(t, f.ben, f.stock, 2, f.now) // the show is in 5 days: cancellable for 48 h
		t.Run("another beneficiary's booking is not found", func(t *testing.T) {
			if _, err := f.s.CancelBookingByBeneficiary(ctx, other.ID, b.ID, f.now); app.ErrorCode(err) != app.ENOTFOUND {
				t.Errorf("got %v", err)
			}
		})
		t.Run("too late", func(t *testing.T) {
			_, err := f.s.CancelBookingByBeneficiary(ctx, f.ben.ID, b.ID, f.now.Add(49*time.Hour))
			if app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) != app.MsgTooLateToCancel {
				t.Errorf("got %v", err)
			}
		})
		t.Run("in time: places and credit return, both parties notified", func(t *testing.T) {
			got, err := f.s.CancelBookingByBeneficiary(ctx, f.ben.ID, b.ID, f.now.Add(time.Hour))
			must(t, err)
			if got.Status != app.StatusCancelled || got.CancellationReason != app.CancelledByBeneficiary {
				t.Errorf("booking %+v", got)
			}
			st, _ := f.s.GetStock(ctx, f.stock.ID)
			ben, _ := f.s.GetBeneficiary(ctx, f.ben.ID)
			if st.Booked != 0 || ben.SpentCents != 0 {
				t.Errorf("booked %d, spent %d after cancel", st.Booked, ben.SpentCents)
			}
			ns, err := f.s.ListNotifications(ctx, b.ID)
			must(t, err)
			want := []struct{ event, audience, to string }{
				{store.EventBooked, store.AudienceVenue, "resa@grand-ecran.fr"},
				{store.EventBooked, store.AudienceBeneficiary, "lea@example.org"},
				{store.EventCancelled, store.AudienceVenue, "resa@grand-ecran.fr"},
				{store.EventCancelled, store.AudienceBeneficiary, "lea@example.org"},
			}
			if len(ns) != len(want) {
				t.Fatalf("%d notifications, want %d", len(ns), len(want))
			}
			for i, w := range want {
				if n := ns[i]; n.Event != w.event || n.Audience != w.audience || n.Recipient != w.to || n.Status != store.OutboxPending {
					t.Errorf("notification %d = %+v, want %+v", i, n, w)
				}
			}
			if ns[2].Reason != app.CancelledByBeneficiary {
				t.Errorf("reason %q", ns[2].Reason)
			}
		})
		t.Run("already cancelled", func(t *testing.T) {
			_, err := f.s.CancelBookingByBeneficiary(ctx, f.ben.ID, b.ID, f.now.Add(2*time.Hour))
			if app.ErrorMessage(err) != app.MsgAlreadyCancelled {
				t.Errorf("got %v", err)
			}
		})
		t.Run("my bookings", func(t *testing.T) {
			bs, err := f.s.ListBeneficiaryBookings(ctx, f.ben.ID)
			if err != nil || len(bs) != 1 || bs[0].ID != b.ID {
				t.Errorf("got %v %v", bs, err)
			}
			if bs, _ := f.s.ListBeneficiaryBookings(ctx, other.ID); len(bs) != 0 {
				t.Errorf("other's bookings: %v", bs)
			}
		})
	})
}

func TestStore_Outbox(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		t.Run("a refused booking writes nothing", func(t *testing.T) {
			if _, err := f.s.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: f.ben.ID, StockID: f.stock.ID, Quantity: 3}, f.now); err == nil {
				t.Fatal("quantity 3 accepted")
			}
			broke := f.addBeneficiary(t, "broke@example.org")
			_, err := f.s.db.Exec(f.s.q("UPDATE beneficiaries SET spent_cents = deposit_cents WHERE id = ?"), broke.ID)
			must(t, err)
			if _, err := f.s.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: broke.ID, StockID: f.stock.ID, Quantity: 1}, f.now); err == nil {
				t.Fatal("booking without credit accepted")
			}
			var n int
			must(t, f.s.db.QueryRow(f.s.q("SELECT COUNT(*) FROM outbox")).Scan(&n))
			if n != 0 {
				t.Errorf("%d outbox rows after refused bookings", n)
			}
		})
		b := f.book(t, f.ben, f.stock, 1, f.now)
		t.Run("claim, lease, retry, sent", func(t *testing.T) {
			rows, err := f.s.ClaimNotifications(ctx, f.now, time.Minute, 10)
			must(t, err)
			if len(rows) != 2 || rows[0].Attempts != 1 || rows[0].Status != store.OutboxSending || rows[0].BookingID != b.ID {
				t.Fatalf("claimed %+v", rows)
			}
			if again, _ := f.s.ClaimNotifications(ctx, f.now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
				t.Errorf("claimed rows reclaimed inside their lease: %+v", again)
			}
			// The sender "crashed": after the lease, the rows are claimed again.
			again, err := f.s.ClaimNotifications(ctx, f.now.Add(2*time.Minute), time.Minute, 10)
			must(t, err)
			if len(again) != 2 || again[0].Attempts != 2 {
				t.Fatalf("after the lease: %+v", again)
			}
			must(t, f.s.NotificationFailed(ctx, again[0].ID, "smtp down", f.now.Add(time.Hour)))
			must(t, f.s.NotificationSent(ctx, again[1].ID, f.now.Add(2*time.Minute)))
			if due, _ := f.s.ClaimNotifications(ctx, f.now.Add(59*time.Minute), time.Minute, 10); len(due) != 0 {
				t.Errorf("claimed before retry time or after sent: %+v", due)
			}
			due, err := f.s.ClaimNotifications(ctx, f.now.Add(61*time.Minute), time.Minute, 10)
			must(t, err)
			if len(due) != 1 || due[0].ID != again[0].ID || due[0].LastError != "smtp down" || due[0].Attempts != 3 {
				t.Fatalf("retry: %+v", due)
			}
			must(t, f.s.NotificationFailed(ctx, due[0].ID, "malformed address", time.Time{}))
			if never, _ := f.s.ClaimNotifications(ctx, f.now.Add(1000*time.Hour), time.Minute, 10); len(never) != 0 {
				t.Errorf("failed row claimed again: %+v", never)
			}
			ns, _ := f.s.ListNotifications(ctx, b.ID)
			if ns[0].Status != store.OutboxFailed || ns[1].Status != store.OutboxSent || ns[1].SentAt.IsZero() {
				t.Errorf("final rows %+v", ns)
			}
		})
		t.Run("deleting a showtime notifies its cancellations", func(t *testing.T) {
			_, err := f.s.DeleteStock(ctx, f.stock.ID, f.now)
			must(t, err)
			ns, _ := f.s.ListNotifications(ctx, b.ID)
			if len(ns) != 4 || ns[2].Event != store.EventCancelled || ns[2].Reason != app.CancelledByOfferer {
				t.Errorf("rows %+v", ns)
			}
		})
	})
}

func TestStore_JobRuns(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		if last, err := f.s.LastJobRun(ctx, "auto-use"); err != nil || !last.IsZero() {
			t.Errorf("never run: %v %v", last, err)
		}
		must(t, f.s.RecordJobRun(ctx, "auto-use", f.now, "validated 0"))
		must(t, f.s.RecordJobRun(ctx, "auto-use", f.now.Add(time.Hour), "validated 2"))
		if last, err := f.s.LastJobRun(ctx, "auto-use"); err != nil || !last.Equal(f.now.Add(time.Hour)) {
			t.Errorf("last run %v %v", last, err)
		}
	})
}
