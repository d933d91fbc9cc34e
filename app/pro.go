package app

import "time"

// The pro API's views of a venue, its films, showtimes and payouts: the server sends them
// (sync/protocol aliases these types) and the manager's screens show them.

// ProVenue is a venue as the pro API shows it.
type ProVenue struct {
	ID                int64   `json:"id"`
	SIRET             string  `json:"siret"`
	Name              string  `json:"name"`
	Address           string  `json:"address"`
	PostalCode        string  `json:"postalCode"`
	City              string  `json:"city"`
	DepartmentCode    string  `json:"departmentCode"`
	Latitude          float64 `json:"latitude"`
	Longitude         float64 `json:"longitude"`
	BookingEmail      string  `json:"bookingEmail"`
	Timezone          string  `json:"timezone"`
	AllocineTheaterID string  `json:"allocineTheaterId,omitempty"`
}

// ProOffer is an offer (a film) as the pro API shows it.
type ProOffer struct {
	ID              int64  `json:"id"`
	VenueID         int64  `json:"venueId"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	ImageURL        string `json:"imageUrl"`
	DurationMinutes int    `json:"durationMinutes"`
	Version         string `json:"version"`
	Duo             bool   `json:"duo"`
	Active          bool   `json:"active"`
	AllocineID      string `json:"allocineId,omitempty"` // imported from Allociné
	UpdatedAt       string `json:"updatedAt"`
}

// OfferInput creates an offer (every field) or edits one (only the fields present).
type OfferInput struct {
	Name            *string `json:"name"`
	Description     *string `json:"description"`
	ImageURL        *string `json:"imageUrl"`
	DurationMinutes *int    `json:"durationMinutes"`
	Version         *string `json:"version"`
	Duo             *bool   `json:"duo"`
	Active          *bool   `json:"active"`
}

// ProStock is a showtime as the pro API shows it.
type ProStock struct {
	ID           int64  `json:"id"`
	OfferID      int64  `json:"offerId"`
	StartsAt     string `json:"startsAt"`
	PriceCents   int64  `json:"priceCents"`
	Capacity     *int   `json:"capacity"` // null: unlimited
	Booked       int    `json:"booked"`
	Remaining    *int   `json:"remaining"` // null: unlimited
	BookingLimit string `json:"bookingLimit"`
	PriceLabel   string `json:"priceLabel"`
	Version      string `json:"version,omitempty"` // VF or VO; absent: the offer's
	Deleted      bool   `json:"deleted"`
}

// Caller describes the caller of GET /sync/v1/me: its key and what it can see.
type Caller struct {
	OffererID   int64      `json:"offererId"`
	OffererName string     `json:"offererName"`
	Role        string     `json:"role"`
	KeyLabel    string     `json:"keyLabel"`
	Venues      []ProVenue `json:"venues"`
	ServerTime  string     `json:"serverTime"`
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

// NewStock is a showtime to create through the pro API; a nil capacity is unlimited.
type NewStock struct {
	StartsAt   time.Time `json:"startsAt"`
	PriceCents int64     `json:"priceCents"`
	Capacity   *int      `json:"capacity"`
}
