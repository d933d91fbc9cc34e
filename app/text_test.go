package app

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	ok := []struct {
		v         string
		max       int
		multiline bool
	}{
		{"", 5, false}, {"Caisse 1", 8, false}, {"Été à l'Œil", 11, false}, {"ligne 1\nligne 2\tfin\r\n", 30, true},
		{strings.Repeat("é", 50), MaxPriceLabelLength, false},
	}
	for _, c := range ok {
		if err := CheckText("f", c.v, c.max, c.multiline); err != nil {
			t.Errorf("%q refused: %v", c.v, err)
		}
	}
	bad := []struct {
		v         string
		max       int
		multiline bool
	}{
		{"a\x00b", 10, true}, {"a\nb", 10, false}, {"\x1b[31m", 10, true}, {"a\u0085b", 10, true}, {"a\u2028b", 10, true},
		{"\xff", 10, false}, {strings.Repeat("é", 51), MaxPriceLabelLength, false}, {"\x7f", 10, true},
	}
	for _, c := range bad {
		err := CheckText("priceLabel", c.v, c.max, c.multiline)
		var e *Error
		if err == nil || ErrorCode(err) != EINVALID || !asError(err, &e) || e.Field != "priceLabel" {
			t.Errorf("%q: %v, want EINVALID on priceLabel", c.v, err)
		}
	}
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

// pass Culture's limits: an offer's title holds 90 characters, its description 1 000; a venue's
// name 140, address 200, postal code 6, city 50, booking e-mail 120.
func TestPassCultureLimits(t *testing.T) {
	offer := func(name, desc string) error {
		return (&Offer{Name: name, Description: desc, Version: VersionVF}).Validate()
	}
	if err := offer(strings.Repeat("é", 90), strings.Repeat("é", 1000)); err != nil {
		t.Errorf("at the limits: %v", err)
	}
	var e *Error
	if err := offer(strings.Repeat("é", 91), ""); !asError(err, &e) || e.Field != "name" || e.Message != MsgOfferNameTooLong {
		t.Errorf("title of 91: %v", err)
	}
	if err := offer("La Haine", strings.Repeat("é", 1001)); !asError(err, &e) || e.Field != "description" {
		t.Errorf("description of 1 001: %v", err)
	}
	venue := func(mod func(v *Venue)) error {
		v := Venue{SIRET: "44306184100047", Name: "Le Méliès", Address: "1 rue", PostalCode: "93100", City: "Montreuil",
			DepartmentCode: "93", BookingEmail: "resa@example.fr"}
		mod(&v)
		return v.Validate("443061841")
	}
	if err := venue(func(*Venue) {}); err != nil {
		t.Fatalf("a good venue: %v", err)
	}
	for field, mod := range map[string]func(v *Venue){
		"name":       func(v *Venue) { v.Name = strings.Repeat("é", 141) },
		"address":    func(v *Venue) { v.Address = strings.Repeat("é", 201) },
		"postalCode": func(v *Venue) { v.PostalCode = "9310000" },
		"city":       func(v *Venue) { v.City = strings.Repeat("é", 51) },
		"address ":   func(v *Venue) { v.Address = "1 rue\x00" },
	} {
		if err := venue(mod); !asError(err, &e) || e.Field != strings.TrimSpace(field) {
			t.Errorf("%s: %v", field, err)
		}
	}
}

func TestShorten(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"Court", 10, "Court"},
		{"Le Seigneur des anneaux", 15, "Le Seigneur…"},
		{"Anticonstitutionnellement", 10, "Anticonst…"}, // no space in the second half: cut in the word
		{"Été à la plage", 14, "Été à la plage"},
		{"Été à la plage", 8, "Été à…"},
	} {
		got := Shorten(c.in, c.max)
		if got != c.want || len([]rune(got)) > c.max {
			t.Errorf("Shorten(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
