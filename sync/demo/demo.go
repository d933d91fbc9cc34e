// Package demo seeds a realistic demonstration: a cinema with a week of showtimes, a second
// offerer, beneficiaries and bookings in every state, and the keys and countermarks to try them.
package demo

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"guichet/app"
	"guichet/sync/auth"
	"guichet/sync/store"
)

// Store is what seeding needs: the store plus the purge used to re-seed.
type Store interface {
	store.Store
	PurgeOfferer(ctx context.Context, siren string) error
	PurgeBeneficiaries(ctx context.Context, suffix string) error
	SkipNotifications(ctx context.Context, offererID int64, note string) error
}

// Result is what the demo prints: how to reach and try it.
type Result struct {
	Venue struct {
		ID        int64  `json:"id"`
		SIRET     string `json:"siret"`
		Name      string `json:"name"`
		OffererID int64  `json:"offererId"`
	} `json:"venue"`
	Keys struct {
		Manager      string `json:"manager"`
		Cashier      string `json:"cashier"`
		OtherOfferer string `json:"otherOfferer"`
	} `json:"keys"`
	Tokens struct {
		Confirmed       []string `json:"confirmed"`
		Used            []string `json:"used"`
		Cancelled       []string `json:"cancelled"`
		NotYetConfirmed []string `json:"notYetConfirmed"`
		AnotherDay      []string `json:"anotherDay"` // usable, for tomorrow: the counter asks before validating
		OtherOfferer    []string `json:"otherOfferer"`
	} `json:"tokens"`
	// Beneficiaries can sign in to the native API with these credentials.
	Beneficiaries []Credentials `json:"beneficiaries"`
}

// Credentials are a demo beneficiary's e-mail and password.
type Credentials struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Password is every demo beneficiary's password. It is published, so it is hashed at bcrypt's
// minimum cost to keep the seed fast.
const Password = "seance-demo-2026"

// The demo's identities. The SIRENs and SIRETs are Luhn-valid but fictitious.
const (
	mainSIREN   = "443061841"
	otherSIREN  = "552032534"
	emailDomain = "@demo.guichet.test"
	perList     = 6
)

var films = []struct {
	name, desc, version string
	minutes             int
}{
	{"Le Voyage de Chihiro", "Chihiro, dix ans, découvre un monde peuplé d'esprits.", app.VersionVO, 125},
	{"Les Misérables", "Un policier rejoint la brigade anti-criminalité de Montfermeil.", app.VersionVF, 104},
	{"Intouchables", "Un aristocrate tétraplégique engage un jeune de banlieue comme aide à domicile.", app.VersionVF, 112},
	{"Portrait de la jeune fille en feu", "Bretagne, 1770 : une peintre doit réaliser un portrait de mariage.", app.VersionVF, 120},
	{"Parasite", "Une famille modeste s'immisce dans le quotidien d'une famille aisée.", app.VersionVO, 132},
}

var people = []struct{ first, last string }{
	{"Léa", "Martin"}, {"Hugo", "Bernard"}, {"Chloé", "Dubois"}, {"Nathan", "Thomas"}, {"Manon", "Robert"},
	{"Lucas", "Richard"}, {"Camille", "Petit"}, {"Enzo", "Durand"}, {"Inès", "Leroy"}, {"Théo", "Moreau"},
	{"Jade", "Simon"}, {"Louis", "Laurent"}, {"Sarah", "Lefebvre"}, {"Adam", "Michel"}, {"Zoé", "Garcia"},
	{"Noah", "David"}, {"Lina", "Bertrand"}, {"Yanis", "Roux"}, {"Emma", "Vincent"}, {"Rayan", "Fournier"},
	{"Louise", "Morel"}, {"Gabriel", "Girard"}, {"Alice", "André"}, {"Mathis", "Lefèvre"}, {"Romane", "Mercier"},
	{"Tom", "Dupont"}, {"Anna", "Lambert"}, {"Sacha", "Bonnet"}, {"Eva", "François"}, {"Malo", "Martinez"},
}

// Seed (re)creates the demo as of now, in the venue's time zone paris. Running it again replaces
// the previous demo: same shape, fresh keys and countermarks, times relative to now.
func Seed(ctx context.Context, st Store, now time.Time, paris *time.Location) (*Result, error) {
	for _, siren := range []string{mainSIREN, otherSIREN} {
		if err := st.PurgeOfferer(ctx, siren); err != nil {
			return nil, err
		}
	}
	if err := st.PurgeBeneficiaries(ctx, emailDomain); err != nil {
		return nil, err
	}
	res := &Result{}
	main, venue, err := cinema(ctx, st, mainSIREN, "Cinémas Indépendants de Montreuil", app.Venue{
		SIRET: "44306184100047", Name: "Cinéma Le Méliès", Address: "12 place Jean Jaurès", PostalCode: "93100",
		City: "Montreuil", DepartmentCode: "93", Latitude: 48.8620, Longitude: 2.4410, BookingEmail: "reservations" + emailDomain,
	})
	if err != nil {
		return nil, err
	}
	res.Venue.ID, res.Venue.SIRET, res.Venue.Name, res.Venue.OffererID = venue.ID, venue.SIRET, venue.Name, main.ID
	if err := allocineSettings(ctx, st, venue.ID, now); err != nil {
		return nil, err
	}
	if res.Keys.Manager, _, err = st.CreateAPIKey(ctx, main.ID, app.RoleManager, "Direction (démo)"); err != nil {
		return nil, err
	}
	if res.Keys.Cashier, _, err = st.CreateAPIKey(ctx, main.ID, app.RoleCashier, "Caisse 1 (démo)"); err != nil {
		return nil, err
	}
	other, otherVenue, err := cinema(ctx, st, otherSIREN, "Écrans de Lyon", app.Venue{
		SIRET: "55203253400646", Name: "Cinéma Lumière Bellecour", Address: "12 rue de la Barre", PostalCode: "69002",
		City: "Lyon", DepartmentCode: "69", Latitude: 45.7579, Longitude: 4.8336, BookingEmail: "resa-lyon" + emailDomain,
	})
	if err != nil {
		return nil, err
	}
	if res.Keys.OtherOfferer, _, err = st.CreateAPIKey(ctx, other.ID, app.RoleManager, "Lyon (démo)"); err != nil {
		return nil, err
	}

	// A week of programme: three showings a day of each film, from today.
	offers, err := programme(ctx, st, venue.ID, now, paris)
	if err != nil {
		return nil, err
	}
	otherOffers, err := programme(ctx, st, otherVenue.ID, now, paris)
	if err != nil {
		return nil, err
	}

	hash, err := auth.HashPassword(Password, bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	bens := make([]*app.Beneficiary, len(people))
	for i, p := range people {
		b := &app.Beneficiary{Email: fmt.Sprintf("%s.%s%s", ascii(p.first), ascii(p.last), emailDomain), FirstName: p.first,
			LastName: p.last, Phone: fmt.Sprintf("+3361234%04d", i), CreatedAt: now.AddDate(0, -2, 0),
			DateOfBirth: time.Date(now.Year()-18, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)}
		if err := st.CreateBeneficiary(ctx, b); err != nil {
			return nil, err
		}
		bens[i] = b
		if err := st.SetBeneficiaryPassword(ctx, b.ID, hash); err != nil {
			return nil, err
		}
		res.Beneficiaries = append(res.Beneficiaries, Credentials{Email: b.Email, Password: Password})
	}

	// Showtimes made for the demo's bookings, relative to now.
	soon := now.Truncate(15 * time.Minute).Add(2 * time.Hour)
	tonight, err := extraStock(ctx, st, offers[0], soon)
	if err != nil {
		return nil, err
	}
	earlier, err := extraStock(ctx, st, offers[1], now.Truncate(15*time.Minute).Add(-3*time.Hour))
	if err != nil {
		return nil, err
	}
	later, err := extraStock(ctx, st, offers[2], now.Add(5*24*time.Hour).Truncate(15*time.Minute))
	if err != nil {
		return nil, err
	}
	otherSoon, err := extraStock(ctx, st, otherOffers[0], soon)
	if err != nil {
		return nil, err
	}
	cancelStock, err := extraStock(ctx, st, offers[3], soon.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}

	longAgo := now.Add(-10 * 24 * time.Hour)
	book := func(ben *app.Beneficiary, stock *app.Stock, qty int, at time.Time) (*app.Booking, error) {
		return st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: ben.ID, StockID: stock.ID, Quantity: qty}, at)
	}
	counter := store.Validator{KeyLabel: "Caisse 1 (démo)", Device: "demo-caisse-1"}
	for i := 0; i < perList; i++ {
		qty := 1 + i%2 // every other booking is a duo
		b, err := book(bens[i], tonight, qty, longAgo)
		if err != nil {
			return nil, fmt.Errorf("demo confirmed booking: %w", err)
		}
		res.Tokens.Confirmed = append(res.Tokens.Confirmed, b.Token)

		if b, err = book(bens[perList+i], earlier, qty, longAgo); err != nil {
			return nil, fmt.Errorf("demo used booking: %w", err)
		}
		if _, err := st.UseBooking(ctx, main.ID, b.Token, counter, now.Add(-3*time.Hour+time.Duration(i)*time.Minute)); err != nil {
			return nil, err
		}
		res.Tokens.Used = append(res.Tokens.Used, b.Token)

		if b, err = book(bens[2*perList+i], cancelStock, 1, longAgo); err != nil {
			return nil, fmt.Errorf("demo cancelled booking: %w", err)
		}
		if _, err := st.CancelBookingByOfferer(ctx, main.ID, b.Token, counter, now.Add(-time.Hour)); err != nil {
			return nil, err
		}
		res.Tokens.Cancelled = append(res.Tokens.Cancelled, b.Token)

		if b, err = book(bens[3*perList+i], later, qty, now.Add(-time.Hour)); err != nil {
			return nil, fmt.Errorf("demo recent booking: %w", err)
		}
		res.Tokens.NotYetConfirmed = append(res.Tokens.NotYetConfirmed, b.Token)

		if b, err = book(bens[4*perList+i], otherSoon, 1, longAgo); err != nil {
			return nil, fmt.Errorf("demo other offerer booking: %w", err)
		}
		res.Tokens.OtherOfferer = append(res.Tokens.OtherOfferer, b.Token)
	}
	tomorrow, err := extraStock(ctx, st, offers[1], soon.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	b, err := book(bens[0], tomorrow, 1, longAgo)
	if err != nil {
		return nil, fmt.Errorf("demo booking for tomorrow: %w", err)
	}
	res.Tokens.AnotherDay = append(res.Tokens.AnotherDay, b.Token)
	if err := seedBankAccount(ctx, st, main.ID, venue.ID, now); err != nil {
		return nil, err
	}
	// The seeded history is made up: its e-mails are not sent, only new bookings' are.
	for _, o := range []*app.Offerer{main, other} {
		if err := st.SkipNotifications(ctx, o.ID, "demo seed: not sent"); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func cinema(ctx context.Context, st Store, siren, name string, v app.Venue) (*app.Offerer, *app.Venue, error) {
	o := &app.Offerer{SIREN: siren, Name: name}
	if err := st.CreateOfferer(ctx, o); err != nil {
		return nil, nil, fmt.Errorf("demo offerer: %w", err)
	}
	v.OffererID = o.ID
	if err := st.CreateVenue(ctx, &v); err != nil {
		return nil, nil, fmt.Errorf("demo venue: %w", err)
	}
	return o, &v, nil
}

func programme(ctx context.Context, st Store, venueID int64, now time.Time, paris *time.Location) ([]*app.Offer, error) {
	var out []*app.Offer
	day := now.In(paris)
	for i, f := range films {
		o := &app.Offer{VenueID: venueID, Name: f.name, Description: f.desc, Version: f.version, DurationMinutes: f.minutes,
			Duo: i != 4, Active: true}
		if err := st.CreateOffer(ctx, o); err != nil {
			return nil, fmt.Errorf("demo offer: %w", err)
		}
		out = append(out, o)
		for d := 0; d < 7; d++ {
			for _, hm := range [][2]int{{14, 0}, {18, 0}, {20, 45}} {
				start := time.Date(day.Year(), day.Month(), day.Day()+d, hm[0], hm[1]+i*10, 0, 0, paris)
				capacity := 120
				s := &app.Stock{OfferID: o.ID, StartsAt: start, PriceCents: int64(500 + 50*i), Capacity: &capacity, PriceLabel: "Tarif unique"}
				if err := st.CreateStock(ctx, s); err != nil {
					return nil, fmt.Errorf("demo stock: %w", err)
				}
			}
		}
	}
	return out, nil
}

func extraStock(ctx context.Context, st Store, o *app.Offer, start time.Time) (*app.Stock, error) {
	capacity := 100
	s := &app.Stock{OfferID: o.ID, StartsAt: start, PriceCents: 500, Capacity: &capacity, PriceLabel: "Tarif unique"}
	if err := st.CreateStock(ctx, s); err != nil {
		return nil, fmt.Errorf("demo stock: %w", err)
	}
	return s, nil
}

// ascii lowers a name and drops its accents for an e-mail address.
func ascii(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case 'é', 'è', 'ê', 'ë', 'É':
			r = 'e'
		case 'à', 'â':
			r = 'a'
		case 'ï', 'î':
			r = 'i'
		case 'ô':
			r = 'o'
		case 'ç':
			r = 'c'
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}
