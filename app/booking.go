package app

import (
	"strings"
	"time"
)

// BookingStatus is the life cycle state of a booking.
type BookingStatus string

// The statuses. CONFIRMED → USED → REIMBURSED; CONFIRMED or USED → CANCELLED; USED → CONFIRMED
// is "keep" (the counter invalidates a validation).
const (
	StatusConfirmed  BookingStatus = "CONFIRMED"
	StatusUsed       BookingStatus = "USED"
	StatusCancelled  BookingStatus = "CANCELLED"
	StatusReimbursed BookingStatus = "REIMBURSED"
)

// Valid reports whether s is a known status.
func (s BookingStatus) Valid() bool {
	switch s {
	case StatusConfirmed, StatusUsed, StatusCancelled, StatusReimbursed:
		return true
	}
	return false
}

// ValidationAuthor records who marked a booking as used.
type ValidationAuthor string

// The authors of a validation.
const (
	ByOfferer ValidationAuthor = "OFFERER" // the counter (an API key or device of the venue)
	ByAuto    ValidationAuthor = "AUTO"    // the automatic validation 48 h after the show
)

// CancellationReason records why a booking was cancelled.
type CancellationReason string

// The reasons for a cancellation.
const (
	CancelledByBeneficiary CancellationReason = "BENEFICIARY"
	CancelledByOfferer     CancellationReason = "OFFERER"
	CancelledByExpiry      CancellationReason = "EXPIRED"
)

// Booking is one booking with the facts the counter shows about it.
type Booking struct {
	ID                int64
	Token             string
	Status            BookingStatus
	Quantity          int
	UnitPriceCents    int64
	BookedAt          time.Time
	CancellationLimit time.Time // zero when the offer is not an event

	UsedAt       time.Time // first validation still in force; zero unless USED or REIMBURSED
	UsedBy       ValidationAuthor
	UsedByKey    string // label of the API key that validated it
	UsedByDevice string // counter device that validated it, when known
	UsedNonce    string // nonce of the counter scan that validated it ("" for other validations)

	CancelledAt        time.Time
	CancellationReason CancellationReason
	ReimbursedAt       time.Time

	OffererID     int64
	OffererClosed bool
	VenueID       int64
	VenueName     string
	VenueAddress  string // street
	VenuePostal   string
	VenueCity     string
	VenueDept     string
	VenueTimezone string
	OfferID       int64
	OfferName     string
	OfferMinutes  int    // duration, 0 when unknown
	OfferImageURL string // "" when none
	Version       string // VF, VO…
	Duo           bool
	StockID       int64
	ShowStart     time.Time // zero when the offer is not an event
	PriceLabel    string

	BeneficiaryID int64
	FirstName     string
	LastName      string
	Email         string
	Phone         string
	DateOfBirth   time.Time
}

// FullAddress is the venue's address on one line: "street, postal code city".
func (b *Booking) FullAddress() string {
	return JoinAddress(b.VenueAddress, b.VenuePostal, b.VenueCity)
}

// JoinAddress writes an address on one line, "street, postal code city", leaving out what is empty.
func JoinAddress(street, postal, city string) string {
	town := strings.TrimSpace(strings.TrimSpace(postal) + " " + strings.TrimSpace(city))
	switch street = strings.TrimSpace(street); {
	case town == "":
		return street
	case street == "":
		return town
	}
	return street + ", " + town
}

// IsEvent reports whether the booking is for a dated event (a film showtime).
func (b *Booking) IsEvent() bool { return !b.ShowStart.IsZero() }

// TotalCents is the amount of the booking: unit price × quantity.
func (b *Booking) TotalCents() int64 { return b.UnitPriceCents * int64(b.Quantity) }

// Event-related delays of pass Culture.
const (
	CancellationDelay = 48 * time.Hour // after booking, and before the start
	AutoUseDelay      = 48 * time.Hour // after the start
)

// CancellationLimit returns the moment until which a booking for an event starting at start
// and made at bookedAt can be cancelled by the beneficiary:
//
//	max(min(start − 48h, bookedAt + 48h), bookedAt)
//
// booked more than 96 h before: 48 h after booking; 48–96 h before: until start − 48 h; less than
// 48 h before: not cancellable (the limit is the booking time).
func CancellationLimit(start, bookedAt time.Time) time.Time {
	limit := start.Add(-CancellationDelay)
	if after := bookedAt.Add(CancellationDelay); after.Before(limit) {
		limit = after
	}
	if limit.Before(bookedAt) {
		limit = bookedAt
	}
	return limit
}

// MovedCancellationLimit returns the new cancellation limit of a booking whose showtime the
// venue moved to newStart at now: min(newStart, now + 48h).
func MovedCancellationLimit(newStart, now time.Time) time.Time {
	if after := now.Add(CancellationDelay); after.Before(newStart) {
		return after
	}
	return newStart
}

// MoveUnusesBookings reports whether moving a showtime to newStart at now sends its USED
// bookings back to CONFIRMED: when the new start is more than two days away.
func MoveUnusesBookings(newStart, now time.Time) bool {
	return newStart.Sub(now) > 2*24*time.Hour
}

// IsConfirmedAt reports whether the booking's cancellation limit has passed at now (pass
// Culture calls such a booking "confirmed": it can be validated and no longer cancelled by the
// beneficiary). Bookings that are not for an event are always confirmed.
func (b *Booking) IsConfirmedAt(now time.Time) bool {
	return b.CancellationLimit.IsZero() || !now.Before(b.CancellationLimit)
}

// AutoUseCutoff returns the start time before which CONFIRMED event bookings are
// automatically validated at now: the show started more than 48 h ago.
func AutoUseCutoff(now time.Time) time.Time { return now.Add(-AutoUseDelay) }

// ShouldAutoUse reports whether the automatic validation run at now turns the booking into
// USED (author AUTO): a CONFIRMED booking of a showtime that started more than 48 h ago.
func ShouldAutoUse(b *Booking, now time.Time) bool {
	return b.Status == StatusConfirmed && b.IsEvent() && b.ShowStart.Before(AutoUseCutoff(now))
}
