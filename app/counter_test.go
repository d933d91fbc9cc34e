package app

import (
	"strings"
	"testing"
	"time"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCancellationLimit(t *testing.T) {
	start := at("2026-12-10 20:00")
	for _, tc := range []struct {
		name     string
		bookedAt time.Time
		want     time.Time
	}{
		{"booked more than 96h before: 48h after booking", start.Add(-120 * time.Hour), start.Add(-72 * time.Hour)},
		{"booked exactly 96h before: both bounds meet", start.Add(-96 * time.Hour), start.Add(-48 * time.Hour)},
		{"booked 72h before: until start-48h", start.Add(-72 * time.Hour), start.Add(-48 * time.Hour)},
		{"booked exactly 48h before: limit is the booking time", start.Add(-48 * time.Hour), start.Add(-48 * time.Hour)},
		{"booked 47h before (last minute): not cancellable", start.Add(-47 * time.Hour), start.Add(-47 * time.Hour)},
		{"booked 1h before: not cancellable", start.Add(-time.Hour), start.Add(-time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CancellationLimit(start, tc.bookedAt); !got.Equal(tc.want) {
				t.Errorf("CancellationLimit = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMovedCancellationLimit(t *testing.T) {
	now := at("2026-12-01 10:00")
	if got, want := MovedCancellationLimit(now.Add(10*24*time.Hour), now), now.Add(48*time.Hour); !got.Equal(want) {
		t.Errorf("far move: %s, want %s", got, want)
	}
	if got, want := MovedCancellationLimit(now.Add(24*time.Hour), now), now.Add(24*time.Hour); !got.Equal(want) {
		t.Errorf("near move: %s, want %s", got, want)
	}
	if !MoveUnusesBookings(now.Add(49*time.Hour), now) || MoveUnusesBookings(now.Add(48*time.Hour), now) {
		t.Error("used bookings go back to confirmed only when the new start is more than 2 days away")
	}
}

// usable returns a booking that passes every check at now.
func usable(now time.Time) *Booking {
	start := now.Add(2 * time.Hour)
	booked := now.Add(-10 * 24 * time.Hour)
	return &Booking{
		ID: 1, Token: "ABC234", Status: StatusConfirmed, Quantity: 2, UnitPriceCents: 750,
		BookedAt: booked, CancellationLimit: CancellationLimit(start, booked), ShowStart: start,
		OfferName: "Le Voyage de Chihiro", Version: "VO", Duo: true,
	}
}

func TestCheckUse(t *testing.T) {
	now := at("2026-12-10 18:00")
	for _, tc := range []struct {
		name    string
		edit    func(b *Booking)
		want    OutcomeCode
		wantMsg string
	}{
		{"OK", func(b *Booking) {}, OutcomeAdmitted, MsgAdmitted},
		{"reimbursed first, even if closed", func(b *Booking) { b.Status = StatusReimbursed; b.OffererClosed = true }, OutcomeReimbursed, MsgReimbursed},
		{"already used", func(b *Booking) { b.Status = StatusUsed; b.OffererClosed = true }, OutcomeAlreadyUsed, MsgAlreadyUsed},
		{"cancelled", func(b *Booking) { b.Status = StatusCancelled; b.OffererClosed = true }, OutcomeCancelled, MsgCancelled},
		{"offerer closed before the time gate", func(b *Booking) {
			b.OffererClosed = true
			b.CancellationLimit = now.Add(time.Hour)
		}, OutcomeOffererClosed, MsgOffererClosed},
		{"inside the cancellation limit", func(b *Booking) {
			b.BookedAt = now.Add(-time.Hour)
			b.ShowStart = now.Add(5 * 24 * time.Hour)
			b.CancellationLimit = CancellationLimit(b.ShowStart, b.BookedAt) // 2026-12-12 17:00 Paris
		}, OutcomeNotYetUsable, "Vous pourrez valider cette contremarque à partir du 12/12/2026 à 17:00, une fois le délai d’annulation passé."},
		{"exactly at the limit", func(b *Booking) { b.CancellationLimit = now }, OutcomeAdmitted, MsgAdmitted},
		{"last-minute booking is usable at once", func(b *Booking) {
			b.BookedAt = now
			b.CancellationLimit = CancellationLimit(b.ShowStart, now)
		}, OutcomeAdmitted, MsgAdmitted},
		{"not an event: no time gate", func(b *Booking) { b.ShowStart = time.Time{}; b.CancellationLimit = time.Time{} }, OutcomeAdmitted, MsgAdmitted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := usable(now)
			tc.edit(b)
			o := CheckUse(b, now, paris)
			if o.Code != tc.want || o.Message != tc.wantMsg {
				t.Errorf("CheckUse = %s %q, want %s %q", o.Code, o.Message, tc.want, tc.wantMsg)
			}
			if o.Booking != b {
				t.Error("the outcome must carry the booking facts")
			}
			if o.OK() != (tc.want == OutcomeAdmitted) {
				t.Errorf("OK() = %v", o.OK())
			}
		})
	}
}

func TestCheckUse_OverseasTimezone(t *testing.T) {
	reunion := mustLoad("Indian/Reunion")
	now := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	b := usable(now)
	b.CancellationLimit = time.Date(2026, 12, 11, 12, 0, 0, 0, time.UTC)
	o := CheckUse(b, now, reunion)
	if !strings.Contains(o.Message, "11/12/2026 à 16:00") {
		t.Errorf("message %q should show the limit in the venue's zone (UTC+4)", o.Message)
	}
}

func TestShowtimeWarning(t *testing.T) {
	now := at("2026-12-10 18:00")
	b := usable(now)
	for _, tc := range []struct {
		start string
		want  string
	}{
		{"2026-12-10 23:30", ""},
		{"2026-12-10 00:05", ""},
		{"2026-12-11 20:00", "Attention : séance à venir, le 11/12/2026 à 20:00 — pas aujourd'hui"},
		{"2026-12-09 20:00", "Attention : séance passée, le 09/12/2026 à 20:00 — pas aujourd'hui"},
	} {
		b.ShowStart = at(tc.start)
		if got := ShowtimeWarning(b, now, paris); got != tc.want {
			t.Errorf("start %s: warning %q, want %q", tc.start, got, tc.want)
		}
	}
	// The warning rides along an admission: it does not refuse.
	b.ShowStart = at("2026-12-11 20:00")
	if o := CheckUse(b, now, paris); o.Code != OutcomeAdmitted || len(o.Warnings) != 1 {
		t.Errorf("CheckUse = %s with warnings %q", o.Code, o.Warnings)
	}
}

func TestCheckKeep(t *testing.T) {
	for _, tc := range []struct {
		status BookingStatus
		want   OutcomeCode
		msg    string
	}{
		{StatusUsed, OutcomeKept, MsgKept},
		{StatusConfirmed, OutcomeNotUsed, MsgNotUsed},
		{StatusCancelled, OutcomeCancelled, MsgCancelled},
		{StatusReimbursed, OutcomePaymentPending, MsgPaymentPending},
	} {
		o := CheckKeep(&Booking{Status: tc.status})
		if o.Code != tc.want || o.Message != tc.msg {
			t.Errorf("CheckKeep(%s) = %s %q, want %s %q", tc.status, o.Code, o.Message, tc.want, tc.msg)
		}
	}
}

func TestCheckCancelByOfferer(t *testing.T) {
	for _, tc := range []struct {
		status BookingStatus
		want   OutcomeCode
		msg    string
	}{
		{StatusConfirmed, OutcomeCancelledOK, MsgCancelledOK},
		{StatusCancelled, OutcomeAlreadyCanceled, MsgAlreadyCancelled},
		{StatusUsed, OutcomeCannotCancel, MsgCannotCancelUsed},
		{StatusReimbursed, OutcomePaymentPending, MsgPaymentPending},
	} {
		o := CheckCancelByOfferer(&Booking{Status: tc.status})
		if o.Code != tc.want || o.Message != tc.msg {
			t.Errorf("CheckCancelByOfferer(%s) = %s %q", tc.status, o.Code, o.Message)
		}
	}
}

func TestCheckCancelByBeneficiary(t *testing.T) {
	start := at("2026-12-20 20:00")
	booked := start.Add(-120 * time.Hour) // limit: 48 h after booking
	b := &Booking{Status: StatusConfirmed, BookedAt: booked, ShowStart: start, CancellationLimit: CancellationLimit(start, booked)}
	if o := CheckCancelByBeneficiary(b, booked.Add(47*time.Hour)); o.Code != OutcomeCancelledOK {
		t.Errorf("inside the limit: %s", o.Code)
	}
	if o := CheckCancelByBeneficiary(b, booked.Add(48*time.Hour)); o.Code != OutcomeTooLate || o.Message != MsgTooLateToCancel {
		t.Errorf("at the limit: %s %q", o.Code, o.Message)
	}
	last := &Booking{Status: StatusConfirmed, BookedAt: start.Add(-time.Hour), ShowStart: start, CancellationLimit: CancellationLimit(start, start.Add(-time.Hour))}
	if o := CheckCancelByBeneficiary(last, start.Add(-time.Hour)); o.Code != OutcomeTooLate {
		t.Errorf("last-minute booking: %s", o.Code)
	}
	b.Status = StatusUsed
	if o := CheckCancelByBeneficiary(b, booked); o.Code != OutcomeCannotCancel {
		t.Errorf("used: %s", o.Code)
	}
}

func TestShouldAutoUse(t *testing.T) {
	now := at("2026-12-10 00:00")
	for _, tc := range []struct {
		name   string
		status BookingStatus
		ago    time.Duration
		want   bool
	}{
		{"49h after the start", StatusConfirmed, 49 * time.Hour, true},
		{"47h after the start", StatusConfirmed, 47 * time.Hour, false},
		{"exactly 48h after the start", StatusConfirmed, 48 * time.Hour, false},
		{"already used", StatusUsed, 72 * time.Hour, false},
		{"cancelled", StatusCancelled, 72 * time.Hour, false},
	} {
		b := &Booking{Status: tc.status, ShowStart: now.Add(-tc.ago)}
		if got := ShouldAutoUse(b, now); got != tc.want {
			t.Errorf("%s: ShouldAutoUse = %v", tc.name, got)
		}
	}
	if ShouldAutoUse(&Booking{Status: StatusConfirmed}, now) {
		t.Error("a booking that is not for an event is never auto-used")
	}
}
