package protocol

import (
	"time"

	"guichet/app"
)

// PassCultureV2Booking is the body of GET /v2/bookings/token/{token}, as pass Culture's
// countermark API returns it (price in euros).
type PassCultureV2Booking struct {
	BookingID           string         `json:"bookingId"`
	DateOfBirth         string         `json:"dateOfBirth"`
	Datetime            string         `json:"datetime"`
	EAN13               *string        `json:"ean13"`
	Email               string         `json:"email"`
	Formula             string         `json:"formula"`
	IsUsed              bool           `json:"isUsed"`
	OfferID             int64          `json:"offerId"`
	PublicOfferID       string         `json:"publicOfferId"`
	OfferName           string         `json:"offerName"`
	OfferType           string         `json:"offerType"`
	PhoneNumber         string         `json:"phoneNumber"`
	Price               float64        `json:"price"`
	PriceCategoryLabel  *string        `json:"priceCategoryLabel"`
	Quantity            int            `json:"quantity"`
	Theater             map[string]any `json:"theater"`
	UserName            string         `json:"userName"`
	FirstName           string         `json:"firstName"`
	LastName            string         `json:"lastName"`
	VenueAddress        string         `json:"venueAddress"`
	VenueDepartmentCode string         `json:"venueDepartmentCode"`
	VenueName           string         `json:"venueName"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func dateOnly(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// V2BookingOf builds the v2 countermark body of a booking.
func V2BookingOf(b *app.Booking) PassCultureV2Booking {
	offerType, formula := "BIEN", ""
	if b.IsEvent() {
		offerType, formula = "EVENEMENT", "PLACE"
	}
	return PassCultureV2Booking{
		BookingID: Humanize(b.ID), DateOfBirth: dateOnly(b.DateOfBirth), Datetime: Time(b.ShowStart), Email: b.Email,
		Formula: formula, IsUsed: b.Status == app.StatusUsed || b.Status == app.StatusReimbursed, OfferID: b.OfferID,
		PublicOfferID: Humanize(b.OfferID), OfferName: b.OfferName, OfferType: offerType, PhoneNumber: b.Phone,
		Price: float64(b.UnitPriceCents) / 100, PriceCategoryLabel: optString(b.PriceLabel), Quantity: b.Quantity,
		Theater: map[string]any{}, UserName: b.FirstName + " " + b.LastName, FirstName: b.FirstName, LastName: b.LastName,
		VenueAddress: b.FullAddress(), VenueDepartmentCode: b.VenueDept, VenueName: b.VenueName,
	}
}

// PassCultureV1Booking is the body of GET /public/bookings/v1/token/{token}, the current
// generation of pass Culture's API (prices in cents).
type PassCultureV1Booking struct {
	ID                  int64   `json:"id"`
	CreationDate        string  `json:"creationDate"`
	ConfirmationDate    *string `json:"confirmationDate"`
	Status              string  `json:"status"`
	Price               int64   `json:"price"`
	PriceCategoryLabel  *string `json:"priceCategoryLabel"`
	Quantity            int     `json:"quantity"`
	StockID             int64   `json:"stockId"`
	OfferID             int64   `json:"offerId"`
	OfferName           string  `json:"offerName"`
	OfferEAN            *string `json:"offerEan"`
	OfferAddress        string  `json:"offerAddress"`
	OfferDepartmentCode string  `json:"offerDepartmentCode"`
	VenueID             int64   `json:"venueId"`
	VenueName           string  `json:"venueName"`
	BeginningDatetime   string  `json:"beginningDatetime"`
	UserEmail           string  `json:"userEmail"`
	UserBirthDate       string  `json:"userBirthDate"`
	UserFirstName       string  `json:"userFirstName"`
	UserLastName        string  `json:"userLastName"`
	UserPhoneNumber     string  `json:"userPhoneNumber"`
}

// V1BookingOf builds the public v1 body of a booking.
func V1BookingOf(b *app.Booking) PassCultureV1Booking {
	return PassCultureV1Booking{
		ID: b.ID, CreationDate: Time(b.BookedAt), ConfirmationDate: TimePtr(b.CancellationLimit), Status: string(b.Status),
		Price: b.UnitPriceCents, PriceCategoryLabel: optString(b.PriceLabel), Quantity: b.Quantity, StockID: b.StockID,
		OfferID: b.OfferID, OfferName: b.OfferName, OfferAddress: b.FullAddress(), OfferDepartmentCode: b.VenueDept,
		VenueID: b.VenueID, VenueName: b.VenueName, BeginningDatetime: Time(b.ShowStart), UserEmail: b.Email,
		UserBirthDate: dateOnly(b.DateOfBirth), UserFirstName: b.FirstName, UserLastName: b.LastName, UserPhoneNumber: b.Phone,
	}
}
