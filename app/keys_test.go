package app

import "testing"

// A validation is named by the key that made it; the device name a counter sends is only a
// detail, since any holder of the key may set it.
func TestValidatorName(t *testing.T) {
	for _, c := range []struct{ label, device, want string }{
		{"Caisse 1", "poste-2", "Caisse 1 (poste-2)"},
		{"Caisse 1", "", "Caisse 1"},
		{"Caisse 1", "Caisse 1", "Caisse 1"},
		{"", "poste-2", "poste-2"}, // a validation made before keys had labels
		{"", "", ""},
	} {
		if got := ValidatorName(c.label, c.device); got != c.want {
			t.Errorf("ValidatorName(%q, %q) = %q, want %q", c.label, c.device, got, c.want)
		}
	}
}
