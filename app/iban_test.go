package app

import "testing"

func TestValidateIBAN(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", ""},
		{"fr7630006000011234567890189", "FR7630006000011234567890189", ""},
		{"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", ""},
		{"GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819", ""},
		{"BE68 5390 0754 7034", "BE68539007547034", ""},
		{"MC58 1122 2000 0101 2345 6789 030", "MC5811222000010123456789030", ""},
		{"", "", "Saisissez un IBAN."},
		{"FR76 3000 6000 0112 3456 7890 188", "", "L'IBAN n'est pas valide : vérifiez-le (clé de contrôle incorrecte)."},
		{"FR76 3000 6000 0112 3456 7890 18", "", "Un IBAN FR doit comporter 27 caractères (il en a 26)."},
		{"ZZ76 3000 6000 0112 3456 7890 189", "", "L'IBAN doit commencer par un code pays connu (par exemple FR)."},
		{"FR7A 3000 6000 0112 3456 7890 189", "", "La clé de l'IBAN (3e et 4e caractères) doit être composée de chiffres."},
		{"FR76-3000-6000", "", "L'IBAN ne peut contenir que des lettres et des chiffres."},
	} {
		got, err := ValidateIBAN(tc.in)
		if ErrorMessage(err) != tc.err || got != tc.want {
			t.Errorf("%q: %q, %v", tc.in, got, err)
		}
	}
}

func TestValidateBIC(t *testing.T) {
	for in, ok := range map[string]bool{
		"BNPAFRPPXXX": true, "bnpafrpp": true, "AGRIFRPP882": true, "CEPAFRPP751": true,
		"": false, "BNPAFRP": false, "BNP1FRPPXXX": false, "BNPAFRPPXX": false, "BNPAFRPP-XX": false,
	} {
		_, err := ValidateBIC(in)
		if (err == nil) != ok {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestMaskIBAN(t *testing.T) {
	if got := MaskIBAN("FR76 3000 6000 0112 3456 7890 189"); got != "FR76 **** **** 0189" {
		t.Errorf("got %q", got)
	}
	if got := FormatIBAN("FR7630006000011234567890189"); got != "FR76 3000 6000 0112 3456 7890 189" {
		t.Errorf("got %q", got)
	}
}
