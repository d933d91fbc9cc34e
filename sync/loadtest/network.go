// Package loadtest simulates the national network against a sync server: Seed makes a network
// of N cinemas (one offerer, venue, film, showtime tonight and its booked countermarks, and a
// cashier key each), Run drives counters as the app behaves (pulls every few seconds, online
// validations, pushes of offline batches) against any server over HTTP, and Verify checks in
// the database afterwards that no validation the server acknowledged was lost and none counted
// twice. `guichet-server demo --venues N` and `guichet-server load` are its commands.
package loadtest

import (
	"context"
	"fmt"
	"time"

	"guichet/app"
)

// Store is what seeding a network needs.
type Store interface {
	CreateOfferer(ctx context.Context, o *app.Offerer) error
	CreateVenue(ctx context.Context, v *app.Venue) error
	CreateOffer(ctx context.Context, o *app.Offer) error
	CreateStock(ctx context.Context, st *app.Stock) error
	CreateAPIKey(ctx context.Context, offererID int64, role app.Role, label string) (string, *app.APIKey, error)
	BulkBookings(ctx context.Context, stockID int64, n int, bookedAt time.Time) ([]string, error)
	CreateBeneficiary(ctx context.Context, b *app.Beneficiary) error
	SetBeneficiaryPassword(ctx context.Context, id int64, hash string) error
}

// Network is what Seed made, written to the --key-file of `guichet-server load`.
type Network struct {
	Venues        []Venue       `json:"venues"`
	Beneficiaries []Beneficiary `json:"beneficiaries,omitempty"`
}

// Beneficiary is a young person of the network who books and cancels in the app.
type Beneficiary struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Venue is one cinema of the network: its cashier key and tonight's countermarks.
type Venue struct {
	ID     int64    `json:"id"`
	Key    string   `json:"key"`
	Tokens []string `json:"tokens"`
	// BookStockID is a showtime in five days that beneficiaries book and cancel.
	BookStockID int64 `json:"bookStockId"`
}

// Seed creates n cinemas, each with perVenue countermarks booked for a showtime starting an hour
// after now (so they can be validated now). SIRENs start at base (several networks can coexist).
func Seed(ctx context.Context, st Store, n, perVenue int, base int, now time.Time) (*Network, error) {
	net := &Network{}
	for i := 0; i < n; i++ {
		siren := luhn(fmt.Sprintf("%08d", base+i))
		o := &app.Offerer{SIREN: siren, Name: fmt.Sprintf("Cinéma de charge %d", i+1)}
		if err := st.CreateOfferer(ctx, o); err != nil {
			return net, fmt.Errorf("offerer %d: %w", i, err)
		}
		lat, lon := 42.5+float64(i%60)*0.15, -4.5+float64(i/60%60)*0.15
		v := &app.Venue{OffererID: o.ID, SIRET: luhn(siren + "0001"), Name: fmt.Sprintf("Écran %d", i+1),
			Address: "1 place du Cinéma", PostalCode: "75001", City: "Paris", DepartmentCode: "75",
			Latitude: lat, Longitude: lon, BookingEmail: fmt.Sprintf("resa%d@charge.guichet.test", i+1)}
		if err := st.CreateVenue(ctx, v); err != nil {
			return net, fmt.Errorf("venue %d: %w", i, err)
		}
		offer := &app.Offer{VenueID: v.ID, Name: "Film du soir", Version: app.VersionVF, Duo: false, Active: true, DurationMinutes: 110}
		if err := st.CreateOffer(ctx, offer); err != nil {
			return net, fmt.Errorf("offer %d: %w", i, err)
		}
		capacity := perVenue + 50
		stock := &app.Stock{OfferID: offer.ID, StartsAt: now.Add(time.Hour), PriceCents: 750, Capacity: &capacity}
		if err := st.CreateStock(ctx, stock); err != nil {
			return net, fmt.Errorf("stock %d: %w", i, err)
		}
		clear, _, err := st.CreateAPIKey(ctx, o.ID, app.RoleCashier, "Caisse de charge")
		if err != nil {
			return net, fmt.Errorf("key %d: %w", i, err)
		}
		tokens, err := st.BulkBookings(ctx, stock.ID, perVenue, now.Add(-72*time.Hour))
		if err != nil {
			return net, fmt.Errorf("bookings %d: %w", i, err)
		}
		later := 100
		bookable := &app.Stock{OfferID: offer.ID, StartsAt: now.Add(5 * 24 * time.Hour), PriceCents: 750, Capacity: &later}
		if err := st.CreateStock(ctx, bookable); err != nil {
			return net, fmt.Errorf("stock %d: %w", i, err)
		}
		net.Venues = append(net.Venues, Venue{ID: v.ID, Key: clear, Tokens: tokens, BookStockID: bookable.ID})
	}
	return net, nil
}

// SeedBeneficiaries creates n beneficiaries who can sign in with password (hash is its bcrypt
// hash, computed once for all), e-mails numbered from base.
func SeedBeneficiaries(ctx context.Context, st Store, net *Network, n, base int, password, hash string, now time.Time) error {
	for i := 0; i < n; i++ {
		b := &app.Beneficiary{Email: fmt.Sprintf("jeune%d@charge.guichet.test", base+i), FirstName: "Camille", LastName: "Charge",
			DateOfBirth: time.Date(2008, 5, 1, 0, 0, 0, 0, time.UTC), CreatedAt: now.Add(-24 * time.Hour)}
		if err := st.CreateBeneficiary(ctx, b); err != nil {
			return fmt.Errorf("beneficiary %d: %w", i, err)
		}
		if err := st.SetBeneficiaryPassword(ctx, b.ID, hash); err != nil {
			return fmt.Errorf("beneficiary %d: %w", i, err)
		}
		net.Beneficiaries = append(net.Beneficiaries, Beneficiary{Email: b.Email, Password: password})
	}
	return nil
}

// luhn appends the Luhn check digit to digits.
func luhn(digits string) string {
	for d := '0'; d <= '9'; d++ {
		s := digits + string(d)
		sum, double := 0, false
		for i := len(s) - 1; i >= 0; i-- {
			v := int(s[i] - '0')
			if double {
				v *= 2
				if v > 9 {
					v -= 9
				}
			}
			sum += v
			double = !double
		}
		if sum%10 == 0 {
			return s
		}
	}
	return digits + "0"
}
