package store

import (
	"time"

	"guichet/app"
)

// BankAccount is a bank account of an offerer, serving zero or more of its venues.
type BankAccount struct {
	ID        int64
	OffererID int64
	Label     string
	IBAN      string // normalized, in full: mask it for anyone but a manager
	BIC       string
	Status    string // app.BankPending, app.BankAccepted or app.BankRefused
	VenueIDs  []int64
	CreatedAt time.Time
}

// Statement is one transfer of a payment cut to one bank account, with its statement
// ("justificatif de remboursement").
type Statement struct {
	Reference     string // F260000001
	BatchLabel    string // VIR3
	CutDay        time.Time
	OffererID     int64
	BankAccountID int64
	AccountLabel  string
	IBAN          string
	BIC           string
	BookingCents  int64 // total of the validated bookings paid
	AmountCents   int64 // reimbursed: the transfer's amount
	CreatedAt     time.Time
}

// StatementLine is one booking paid by a statement.
type StatementLine struct {
	BookingID       int64
	VenueID         int64
	VenueSIRET      string
	VenueName       string
	VenueAddress    string // street
	VenuePostal     string
	VenueCity       string
	VenueTimezone   string // Europe/Paris, or the overseas venue's zone
	OfferName       string
	Token           string
	PriceLabel      string
	UsedAt          time.Time
	AmountCents     int64
	Rate            app.Rate
	ReimbursedCents int64
}

// SkippedVenue is a venue with bookings to pay that a cut could not pay.
type SkippedVenue struct {
	VenueID     int64
	VenueName   string
	AmountCents int64 // reimbursable amount left unpaid
	Reason      string
}

// CutReport says what a payment cut did.
type CutReport struct {
	Day         time.Time // the payment day, midnight Europe/Paris
	BatchLabel  string
	AlreadyDone bool // the cut of that day had already run: nothing changed
	Statements  []Statement
	Skipped     []SkippedVenue
}

// VenueRevenue is a venue's revenue of the year (its priced bookings) and its current rate.
type VenueRevenue struct {
	VenueID       int64
	VenueName     string
	SIRET         string
	RevenueCents  int64
	Rate          app.Rate
	AccountStatus string // "" when the venue has no bank account
	AccountMasked string
}

// PayoutSummary is what a manager sees of the payouts to come.
type PayoutSummary struct {
	NextPayment    time.Time // the next payment day, midnight Europe/Paris
	ValidatedCents int64     // reimbursable amount that the next cut will pay so far
	Venues         []VenueRevenue
	// Awaiting are CONFIRMED bookings whose showtime has started: the 48 h automatic validation
	// will make them USED (and reimbursable) unless the counter validates them first.
	Awaiting []app.Booking
}
