package protocol

import (
	"guichet/app"
)

// SigninInput is the body of POST /native/v1/signin.
type SigninInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Signin is a successful sign-in: a bearer token for the native API.
type Signin struct {
	AccessToken string `json:"accessToken"`
	TokenType   string `json:"tokenType"`
	ExpiresIn   int    `json:"expiresIn"` // seconds
}

// NativeVenue is a venue as the beneficiaries' app shows it.
type NativeVenue struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Address    string `json:"address"`
	PostalCode string `json:"postalCode"`
	City       string `json:"city"`
}

// NativeOffer is a film as the beneficiaries' app shows it.
type NativeOffer struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Version         string `json:"version"`
	DurationMinutes int    `json:"durationMinutes"`
	ImageURL        string `json:"imageUrl"`
	Duo             bool   `json:"duo"`
}

// NativeShowtime is one bookable showtime found around the beneficiary.
type NativeShowtime struct {
	DistanceKm      float64     `json:"distanceKm"`
	Venue           NativeVenue `json:"venue"`
	Offer           NativeOffer `json:"offer"`
	StockID         int64       `json:"stockId"`
	StartsAt        string      `json:"startsAt"`
	PriceCents      int64       `json:"priceCents"`
	RemainingPlaces *int        `json:"remainingPlaces"` // null: unlimited
}

// NativeBookingInput is the body of POST /native/v1/bookings.
type NativeBookingInput struct {
	StockID  int64 `json:"stockId"`
	Quantity int   `json:"quantity"`
}

// NativeBooking is a booking as its beneficiary sees it.
type NativeBooking struct {
	ID                    int64       `json:"id"`
	Token                 string      `json:"token"`
	QRCodeData            string      `json:"qrCodeData"`
	Status                string      `json:"status"`
	Quantity              int         `json:"quantity"`
	UnitPriceCents        int64       `json:"unitPriceCents"`
	TotalCents            int64       `json:"totalCents"`
	BookedAt              string      `json:"bookedAt"`
	CancellationLimitDate *string     `json:"cancellationLimitDate"`
	CancelledAt           *string     `json:"cancelledAt,omitempty"`
	UsedAt                *string     `json:"usedAt,omitempty"`
	StockID               int64       `json:"stockId"`
	StartsAt              string      `json:"startsAt"`
	Offer                 NativeOffer `json:"offer"`
	Venue                 NativeVenue `json:"venue"`
}

// QRPayload is the content of a booking's QR code, as pass Culture's current app encodes it.
func QRPayload(token string) string { return "PASSCULTURE:v3;TOKEN:" + token }

// NativeBookingOf converts a domain booking.
func NativeBookingOf(b *app.Booking) NativeBooking {
	return NativeBooking{ID: b.ID, Token: b.Token, QRCodeData: QRPayload(b.Token), Status: string(b.Status),
		Quantity: b.Quantity, UnitPriceCents: b.UnitPriceCents, TotalCents: b.TotalCents(), BookedAt: Time(b.BookedAt),
		CancellationLimitDate: TimePtr(b.CancellationLimit), CancelledAt: TimePtr(b.CancelledAt), UsedAt: TimePtr(b.UsedAt),
		StockID: b.StockID, StartsAt: Time(b.ShowStart),
		Offer: NativeOffer{ID: b.OfferID, Name: b.OfferName, Version: b.Version, DurationMinutes: b.OfferMinutes,
			ImageURL: b.OfferImageURL, Duo: b.Duo},
		Venue: NativeVenue{ID: b.VenueID, Name: b.VenueName, Address: b.VenueAddress, PostalCode: b.VenuePostal, City: b.VenueCity}}
}

// NativeBookingResult answers a booking or a cancellation: the booking and the credit left.
type NativeBookingResult struct {
	NativeBooking
	RemainingCreditCents int64  `json:"remainingCreditCents"`
	CreditExpiresAt      string `json:"creditExpiresAt"`
}

// NativeBookings answers GET /native/v1/bookings.
type NativeBookings struct {
	Bookings             []NativeBooking `json:"bookings"`
	RemainingCreditCents int64           `json:"remainingCreditCents"`
	CreditExpiresAt      string          `json:"creditExpiresAt"`
}

// NativeShowtimes answers GET /native/v1/offers.
type NativeShowtimes struct {
	Showtimes []NativeShowtime `json:"showtimes"`
	Total     int              `json:"total"`
	Page      int              `json:"page"`
	PerPage   int              `json:"perPage"`
	RadiusKm  float64          `json:"radiusKm"`
}
