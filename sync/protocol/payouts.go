package protocol

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

// Statement is one transfer with its statement.
type Statement struct {
	Reference     string `json:"reference"`
	Date          string `json:"date"` // the payment day, YYYY-MM-DD
	TransferLabel string `json:"transferLabel"`
	AccountLabel  string `json:"accountLabel"`
	IBANMasked    string `json:"ibanMasked"`
	BookingCents  int64  `json:"bookingCents"`
	AmountCents   int64  `json:"amountCents"`
}

// VenueRevenue is a venue's revenue this year and its current reimbursement rate.
type VenueRevenue struct {
	VenueID       int64  `json:"venueId"`
	Name          string `json:"name"`
	SIRET         string `json:"siret"`
	RevenueCents  int64  `json:"revenueCents"`
	RateBP        int64  `json:"rateBp"` // 9500 = 95 %
	AccountStatus string `json:"accountStatus"`
	AccountMasked string `json:"accountMasked"`
}

// AwaitingBooking is a booking waiting for the 48 h automatic validation.
type AwaitingBooking struct {
	ID          int64  `json:"id"`
	Token       string `json:"token"`
	OfferName   string `json:"offerName"`
	VenueName   string `json:"venueName"`
	ShowStart   string `json:"showStart"` // RFC 3339
	AutoUseAt   string `json:"autoUseAt"` // RFC 3339: the start + 48 h
	AmountCents int64  `json:"amountCents"`
}

// Payouts is GET /pro/v1/payouts: the next payment and the year so far.
type Payouts struct {
	NextPayment    string            `json:"nextPayment"` // YYYY-MM-DD
	ValidatedCents int64             `json:"validatedCents"`
	Thresholds     []int64           `json:"thresholds"` // cents: 20 000 €, 40 000 €, 150 000 €
	Venues         []VenueRevenue    `json:"venues"`
	Awaiting       []AwaitingBooking `json:"awaiting"`
}
