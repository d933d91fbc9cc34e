package app

// luhnValid reports whether s, made only of ASCII digits, passes the Luhn check.
func luhnValid(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ValidateSIREN checks a SIREN: exactly 9 digits, Luhn-valid.
func ValidateSIREN(siren string) error {
	if len(siren) != 9 || !allDigits(siren) {
		return FieldError("siren", "Le SIREN doit comporter 9 chiffres.")
	}
	if !luhnValid(siren) {
		return FieldError("siren", "Le SIREN n'est pas valide.")
	}
	return nil
}

// ValidateSIRET checks a SIRET: exactly 14 digits, Luhn-valid, whose first nine digits form a
// valid SIREN.
func ValidateSIRET(siret string) error {
	if len(siret) != 14 || !allDigits(siret) {
		return FieldError("siret", "Le SIRET doit comporter 14 chiffres.")
	}
	if !luhnValid(siret) || !luhnValid(siret[:9]) {
		return FieldError("siret", "Le SIRET n'est pas valide.")
	}
	return nil
}

// SIRENOf returns the SIREN part of a SIRET.
func SIRENOf(siret string) string {
	if len(siret) < 9 {
		return ""
	}
	return siret[:9]
}
