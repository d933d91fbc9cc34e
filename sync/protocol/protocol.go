// Package protocol holds the JSON shapes exchanged by the sync server and its clients (the
// counter app, box-office software speaking pass Culture's countermark API), and the mapping
// between domain error codes and HTTP statuses.
package protocol

import (
	"encoding/base32"
	"math/big"
	"net/http"
	"strings"
	"time"

	"guichet/app"
)

// Error is the body of every error answer of the pro API.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Reason is pass Culture's machine-readable reason of a refused booking or cancellation
	// (INSUFFICIENT_CREDIT, ALREADY_BOOKED…), when there is one.
	Reason string `json:"reason,omitempty"`
	// OfflineUntil, on the refusal of a revoked key, ends the grace during which its counter
	// may still admit offline.
	OfflineUntil string `json:"offlineUntil,omitempty"`
}

// statusByCode maps domain error codes to HTTP statuses.
var statusByCode = map[string]int{
	app.EINVALID:      http.StatusBadRequest,
	app.EUNAUTHORIZED: http.StatusUnauthorized,
	app.EFORBIDDEN:    http.StatusForbidden,
	app.ENOTFOUND:     http.StatusNotFound,
	app.ECONFLICT:     http.StatusConflict,
	app.EGONE:         http.StatusGone,
	app.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	app.EUNAVAILABLE:  http.StatusServiceUnavailable,
	app.ETOOMANY:      http.StatusTooManyRequests,
	app.EINTERNAL:     http.StatusInternalServerError,
}

// StatusOf returns the HTTP status for a domain error code.
func StatusOf(code string) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeOf returns the domain error code for an HTTP status (the client's side of StatusOf).
func CodeOf(status int) string {
	for c, s := range statusByCode {
		if s == status {
			return c
		}
	}
	if status >= 500 {
		return app.EUNAVAILABLE
	}
	return app.EINVALID
}

// Time renders a time as the API does: RFC 3339 in UTC.
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// TimePtr is Time for optional fields.
func TimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := Time(t)
	return &s
}

// Venue is app.ProVenue.
type Venue = app.ProVenue

// VenueOf converts a domain venue.
func VenueOf(v *app.Venue) Venue {
	return Venue{ID: v.ID, SIRET: v.SIRET, Name: v.Name, Address: v.Address, PostalCode: v.PostalCode, City: v.City,
		DepartmentCode: v.DepartmentCode, Latitude: v.Latitude, Longitude: v.Longitude, BookingEmail: v.BookingEmail,
		Timezone: v.Timezone, AllocineTheaterID: v.AllocineTheaterID}
}

// Offer is app.ProOffer.
type Offer = app.ProOffer

// OfferOf converts a domain offer.
func OfferOf(o *app.Offer) Offer {
	return Offer{ID: o.ID, VenueID: o.VenueID, Name: o.Name, Description: o.Description, ImageURL: o.ImageURL,
		DurationMinutes: o.DurationMinutes, Version: o.Version, Duo: o.Duo, Active: o.Active, AllocineID: o.AllocineID, UpdatedAt: Time(o.UpdatedAt)}
}

// OfferInput is app.OfferInput.
type OfferInput = app.OfferInput

// Stock is app.ProStock.
type Stock = app.ProStock

// StockOf converts a domain stock.
func StockOf(s *app.Stock) Stock {
	out := Stock{ID: s.ID, OfferID: s.OfferID, StartsAt: Time(s.StartsAt), PriceCents: s.PriceCents, Capacity: s.Capacity,
		Booked: s.Booked, BookingLimit: Time(s.BookingLimit), PriceLabel: s.PriceLabel, Version: s.Version, Deleted: s.Deleted}
	if s.Capacity != nil {
		r := s.Remaining()
		out.Remaining = &r
	}
	return out
}

// StockInput creates a showtime (startsAt and priceCents required) or edits one. A JSON null
// capacity means unlimited; an absent one keeps the current capacity.
type StockInput struct {
	StartsAt     *time.Time    `json:"startsAt"`
	PriceCents   *int64        `json:"priceCents"`
	Capacity     Optional[int] `json:"capacity"`
	BookingLimit *time.Time    `json:"bookingLimit"`
	PriceLabel   *string       `json:"priceLabel"`
	Version      *string       `json:"version"` // on creation: VF or VO when it differs from the film's
}

// Booking is a booking as the pro API and the counter app see it.
type Booking struct {
	ID                int64   `json:"id"`
	Token             string  `json:"token"`
	Status            string  `json:"status"`
	Quantity          int     `json:"quantity"`
	UnitPriceCents    int64   `json:"unitPriceCents"`
	BookedAt          string  `json:"bookedAt"`
	CancellationLimit *string `json:"cancellationLimit"`
	UsedAt            *string `json:"usedAt"`
	UsedBy            string  `json:"usedBy,omitempty"`
	UsedByKey         string  `json:"usedByKey,omitempty"`
	UsedByDevice      string  `json:"usedByDevice,omitempty"`
	CancelledAt       *string `json:"cancelledAt"`
	OfferID           int64   `json:"offerId"`
	OfferName         string  `json:"offerName"`
	Version           string  `json:"version"`
	StockID           int64   `json:"stockId"`
	ShowStart         string  `json:"showStart"`
	VenueID           int64   `json:"venueId"`
	VenueName         string  `json:"venueName"`
	FirstName         string  `json:"firstName"`
	LastName          string  `json:"lastName"`
	Email             string  `json:"email"`
	Phone             string  `json:"phone"`
}

// BookingOf converts a domain booking.
func BookingOf(b *app.Booking) Booking {
	return Booking{ID: b.ID, Token: b.Token, Status: string(b.Status), Quantity: b.Quantity, UnitPriceCents: b.UnitPriceCents,
		BookedAt: Time(b.BookedAt), CancellationLimit: TimePtr(b.CancellationLimit), UsedAt: TimePtr(b.UsedAt),
		UsedBy: string(b.UsedBy), UsedByKey: b.UsedByKey, UsedByDevice: b.UsedByDevice, CancelledAt: TimePtr(b.CancelledAt),
		OfferID: b.OfferID, OfferName: b.OfferName, Version: b.Version, StockID: b.StockID, ShowStart: Time(b.ShowStart),
		VenueID: b.VenueID, VenueName: b.VenueName, FirstName: b.FirstName, LastName: b.LastName, Email: b.Email, Phone: b.Phone}
}

// BookingPage is a page of bookings.
type BookingPage struct {
	Bookings []Booking `json:"bookings"`
	Page     int       `json:"page"`
	PerPage  int       `json:"perPage"`
	Total    int       `json:"total"`
	Pages    int       `json:"pages"`
}

// Humanize encodes an id as pass Culture's "human ids": the id's big-endian bytes in base32
// without padding, with O and I replaced by 8 and 9.
func Humanize(id int64) string {
	if id <= 0 {
		return ""
	}
	b := new(big.Int).SetInt64(id).Bytes()
	s := strings.TrimRight(base32.StdEncoding.EncodeToString(b), "=")
	return strings.NewReplacer("O", "8", "I", "9").Replace(s)
}

// Domain converts a wire booking back to the domain (the counter app's side).
func (b Booking) Domain() app.Booking {
	return app.Booking{ID: b.ID, Token: b.Token, Status: app.BookingStatus(b.Status), Quantity: b.Quantity,
		UnitPriceCents: b.UnitPriceCents, BookedAt: ParseTime(b.BookedAt), CancellationLimit: ParseTimePtr(b.CancellationLimit),
		UsedAt: ParseTimePtr(b.UsedAt), UsedBy: app.ValidationAuthor(b.UsedBy), UsedByKey: b.UsedByKey, UsedByDevice: b.UsedByDevice,
		CancelledAt: ParseTimePtr(b.CancelledAt), OfferID: b.OfferID, OfferName: b.OfferName, Version: b.Version,
		StockID: b.StockID, ShowStart: ParseTime(b.ShowStart), VenueID: b.VenueID, VenueName: b.VenueName,
		FirstName: b.FirstName, LastName: b.LastName, Email: b.Email, Phone: b.Phone}
}

// ParseTime reads a time written by Time; the zero time for "" or garbage.
func ParseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// ParseTimePtr is ParseTime for optional fields.
func ParseTimePtr(s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	return ParseTime(*s)
}
