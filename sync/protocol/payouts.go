package protocol

import "guichet/app"

// BankAccount is a bank account of the offerer. IBAN is in full for a manager key, masked
// ("FR76 **** **** 1234") for a cashier key.
type BankAccount struct {
	ID       int64   `json:"id"`
	Label    string  `json:"label"`
	IBAN     string  `json:"iban"`
	BIC      string  `json:"bic"`
	Status   string  `json:"status"` // pending, accepted, refused
	VenueIDs []int64 `json:"venueIds"`
}

// BankAccountInput is the body of POST /pro/v1/bank-accounts: a new account (pending) and the
// venues it serves from now on.
type BankAccountInput struct {
	Label    string  `json:"label"`
	IBAN     string  `json:"iban"`
	BIC      string  `json:"bic"`
	VenueIDs []int64 `json:"venueIds"`
}

// VenueBankAccountInput is the body of PUT /pro/v1/venues/{venueId}/bank-account.
type VenueBankAccountInput struct {
	BankAccountID int64 `json:"bankAccountId"`
}

// Statement is app.Statement.
type Statement = app.Statement

// VenueRevenue is app.VenueRevenue.
type VenueRevenue = app.VenueRevenue

// AwaitingBooking is app.AwaitingBooking.
type AwaitingBooking = app.AwaitingBooking

// Payouts is app.Payouts.
type Payouts = app.Payouts
