package app

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Offerer is a legal entity (structure) identified by its SIREN. It owns venues.
type Offerer struct {
	ID        int64
	SIREN     string
	Name      string
	Closed    bool
	CreatedAt time.Time
}

// Validate checks an offerer before it is created.
func (o *Offerer) Validate() error {
	if err := ValidateSIREN(o.SIREN); err != nil {
		return err
	}
	if strings.TrimSpace(o.Name) == "" {
		return FieldError("name", "Le nom de la structure est obligatoire.")
	}
	return CheckText("name", o.Name, MaxNameLength, false)
}

// Venue is a cinema (lieu) with its SIRET.
type Venue struct {
	ID                int64
	OffererID         int64
	SIRET             string
	Name              string
	Address           string
	PostalCode        string
	City              string
	DepartmentCode    string
	Latitude          float64
	Longitude         float64
	BookingEmail      string
	Timezone          string
	AllocineTheaterID string
	CreatedAt         time.Time
}

// Validate checks a venue against its offerer's SIREN.
func (v *Venue) Validate(offererSIREN string) error {
	if err := ValidateSIRET(v.SIRET); err != nil {
		return err
	}
	if SIRENOf(v.SIRET) != offererSIREN {
		return FieldError("siret", "Le SIRET doit commencer par le SIREN de la structure.")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"name", v.Name, MaxNameLength}, {"address", v.Address, MaxAddressLength}, {"postalCode", v.PostalCode, MaxPostalCodeLength},
		{"city", v.City, MaxCityLength}, {"bookingEmail", v.BookingEmail, MaxEmailLength},
		{"allocineTheaterId", v.AllocineTheaterID, MaxExternalIDLength},
	} {
		if err := CheckText(f.name, f.value, f.max, false); err != nil {
			return err
		}
	}
	switch {
	case strings.TrimSpace(v.Name) == "":
		return FieldError("name", "Le nom du lieu est obligatoire.")
	case strings.TrimSpace(v.Address) == "":
		return FieldError("address", "L'adresse du lieu est obligatoire.")
	case !validDepartment(v.DepartmentCode):
		return FieldError("departmentCode", "Le code de département n'est pas valide.")
	case v.Latitude < -90 || v.Latitude > 90:
		return FieldError("latitude", "La latitude doit être comprise entre -90 et 90.")
	case v.Longitude < -180 || v.Longitude > 180:
		return FieldError("longitude", "La longitude doit être comprise entre -180 et 180.")
	case !ValidEmail(v.BookingEmail):
		return FieldError("bookingEmail", "L'adresse e-mail de réservation n'est pas valide.")
	}
	return nil
}

func validDepartment(code string) bool {
	switch len(code) {
	case 2:
		return code == "2A" || code == "2B" || allDigits(code) && code != "00" && code != "20"
	case 3:
		return allDigits(code) && (code[:2] == "97" || code[:2] == "98")
	}
	return false
}

// ValidEmail is a deliberately simple shape check: one '@', something on both sides, a dot in
// the domain, no spaces.
func ValidEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || strings.ContainsAny(s, " \t\r\n<>,;") {
		return false
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1
}

// Role is what an API key may do.
type Role string

// The roles. Managers manage the programme and read everything; cashiers read bookings and
// validate countermarks.
const (
	RoleManager Role = "manager"
	RoleCashier Role = "cashier"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleManager || r == RoleCashier }

// APIKey is a credential scoped to one offerer. Only its hash is stored; the clear key is shown
// once, when it is created.
type APIKey struct {
	ID        int64
	OffererID int64
	Prefix    string // the first characters of the key, to recognise it in lists
	Role      Role
	Label     string
	CreatedAt time.Time
	RevokedAt time.Time
	// OfflineUntil ends the grace of a revoked key: its counter admits offline until then.
	OfflineUntil time.Time
}

// Offer is a film (or another event) at a venue.
type Offer struct {
	ID              int64
	VenueID         int64
	Name            string
	Description     string
	ImageURL        string
	DurationMinutes int // 0 when unknown
	Version         string
	Duo             bool
	Active          bool
	AllocineID      string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Versions of a film showing.
const (
	VersionVF = "VF"
	VersionVO = "VO"
)

// MsgOfferNameTooLong is pass Culture's refusal of an offer title over 90 characters.
const MsgOfferNameTooLong = "Le titre de l’offre doit faire au maximum 90 caractères."

// Validate checks an offer before it is stored: pass Culture's limits (title 90 characters,
// description 1 000), no control characters.
func (o *Offer) Validate() error {
	if utf8.RuneCountInString(o.Name) > MaxOfferNameLength {
		return FieldError("name", MsgOfferNameTooLong)
	}
	if err := CheckText("name", o.Name, MaxOfferNameLength, false); err != nil {
		return err
	}
	if err := CheckText("description", o.Description, MaxDescriptionLength, true); err != nil {
		return err
	}
	if err := CheckText("imageUrl", o.ImageURL, MaxURLLength, false); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(o.Name) == "":
		return FieldError("name", "Le titre de l'offre est obligatoire.")
	case o.DurationMinutes < 0 || o.DurationMinutes > 24*60:
		return FieldError("durationMinutes", "La durée doit être comprise entre 0 et 1 440 minutes.")
	case o.Version != VersionVF && o.Version != VersionVO:
		return FieldError("version", "La version doit être VF ou VO.")
	case o.ImageURL != "" && !strings.HasPrefix(o.ImageURL, "https://") && !strings.HasPrefix(o.ImageURL, "http://") &&
		!strings.HasPrefix(o.ImageURL, "/pro/v1/offers/"): // an uploaded image, served by offer id
		return FieldError("imageUrl", "L'adresse de l'image doit commencer par http:// ou https://.")
	case len(o.ImageURL) > MaxURLLength:
		return FieldError("imageUrl", "L'adresse de l'image ne doit pas dépasser 2 048 caractères.")
	}
	return nil
}

// Stock is one showtime of an offer.
type Stock struct {
	ID           int64
	OfferID      int64
	StartsAt     time.Time
	PriceCents   int64
	Capacity     *int // nil: unlimited
	Booked       int  // places held by non-cancelled bookings
	BookingLimit time.Time
	PriceLabel   string
	Version      string // VF or VO; "" means the offer's version
	Deleted      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Remaining returns the places left, or -1 when the capacity is unlimited.
func (s *Stock) Remaining() int {
	if s.Capacity == nil {
		return -1
	}
	return *s.Capacity - s.Booked
}

// MaxPriceCents is pass Culture's cap on an offer's price (300 €, the whole credit).
const MaxPriceCents = 300_00

// Validate checks a stock before it is stored.
func (s *Stock) Validate() error {
	if err := CheckText("priceLabel", s.PriceLabel, MaxPriceLabelLength, false); err != nil {
		return err
	}
	switch {
	case s.StartsAt.IsZero():
		return FieldError("startsAt", "La date de la séance est obligatoire.")
	case s.PriceCents < 0:
		return FieldError("priceCents", "Le prix doit être positif ou nul.")
	case s.PriceCents > MaxPriceCents:
		return FieldError("priceCents", "Le prix ne doit pas dépasser 300 €.")
	case s.Capacity != nil && *s.Capacity < 0:
		return FieldError("capacity", "La jauge doit être positive.")
	case s.Capacity != nil && *s.Capacity < s.Booked:
		return FieldError("capacity", "La jauge ne peut pas être inférieure au nombre de places déjà réservées.")
	case s.Version != "" && s.Version != VersionVF && s.Version != VersionVO:
		return FieldError("version", "La version doit être VF ou VO.")
	case !s.BookingLimit.IsZero() && s.BookingLimit.After(s.StartsAt):
		return FieldError("bookingLimit", "La date limite de réservation doit précéder le début de la séance.")
	}
	return nil
}

// Bookable reports whether quantity places of the stock can be booked at now.
func (s *Stock) Bookable(quantity int, now time.Time) bool {
	if s.Deleted || !now.Before(s.BookingLimit) {
		return false
	}
	return s.Capacity == nil || s.Remaining() >= quantity
}

// Beneficiary is a young person with a pass Culture credit.
type Beneficiary struct {
	ID             int64
	Email          string
	FirstName      string
	LastName       string
	Phone          string
	DateOfBirth    time.Time
	DepositCents   int64
	SpentCents     int64
	DepositExpires time.Time
	CreatedAt      time.Time
}

// Credit is the pass Culture credit granted at 18: an amount valid some years. It is
// configuration (pass Culture changes it by decree; docs/domain.md says which amounts apply),
// with DefaultCredit as Guichet's default.
type Credit struct {
	Cents int64
	Years int
}

// DefaultCredit is Guichet's default credit: 300 € valid two years (the amount of the
// domain rules; pass Culture's current one is lower, see docs/domain.md).
func DefaultCredit() Credit { return Credit{Cents: 300_00, Years: 2} }

// Validate checks a configured credit.
func (c Credit) Validate() error {
	if c.Cents <= 0 || c.Years <= 0 {
		return FieldError("credit", "Le crédit doit être un montant positif valable au moins un an.")
	}
	return nil
}

// Expiry returns when a credit activated at activation expires: at the end of the day, Years
// later, in the given time zone.
func (c Credit) Expiry(activation time.Time, loc *time.Location) time.Time {
	a := activation.In(loc)
	return time.Date(a.Year()+c.Years, a.Month(), a.Day()+1, 0, 0, 0, 0, loc)
}

// RemainingCents is what the beneficiary can still spend at now.
func (b *Beneficiary) RemainingCents(now time.Time) int64 {
	if !now.Before(b.DepositExpires) {
		return 0
	}
	return b.DepositCents - b.SpentCents
}
