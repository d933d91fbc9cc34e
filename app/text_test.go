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
