package app

import (
	"strconv"
	"strings"
)

// ibanLengths is the length of an IBAN by country (ISO 13616 registry, SWIFT release 2024).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
	"LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
	"NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
	"RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
	"SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// NormalizeIBAN removes spaces and upper-cases an IBAN as typed ("fr76 3000 …").
func NormalizeIBAN(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// ibanMod97 computes the ISO 7064 MOD 97-10 remainder of an IBAN (upper-case alphanumerics):
// the first four characters moved to the end, letters replaced by 10–35.
func ibanMod97(iban string) int {
	r := 0
	for _, c := range iban[4:] + iban[:4] {
		if c >= 'A' {
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		} else {
			r = (r*10 + int(c-'0')) % 97
		}
	}
	return r
}

// ValidateIBAN checks an IBAN, spaces allowed: country code, length of that country, check
// digits, and the ISO 13616 mod-97 check. It returns the normalized IBAN.
func ValidateIBAN(s string) (string, error) {
	iban := NormalizeIBAN(s)
	if iban == "" {
		return "", FieldError("iban", "Saisissez un IBAN.")
	}
	if len(iban) < 5 || !isUpperAlnum(iban) {
		return "", FieldError("iban", "L'IBAN ne peut contenir que des lettres et des chiffres.")
	}
	want, ok := ibanLengths[iban[:2]]
	if !isUpper(iban[:2]) || !ok {
		return "", FieldError("iban", "L'IBAN doit commencer par un code pays connu (par exemple FR).")
	}
	if !allDigits(iban[2:4]) {
		return "", FieldError("iban", "La clé de l'IBAN (3e et 4e caractères) doit être composée de chiffres.")
	}
	if len(iban) != want {
		return "", FieldError("iban", "Un IBAN "+iban[:2]+" doit comporter "+strconv.Itoa(want)+" caractères (il en a "+strconv.Itoa(len(iban))+").")
	}
	if ibanMod97(iban) != 1 {
		return "", FieldError("iban", "L'IBAN n'est pas valide : vérifiez-le (clé de contrôle incorrecte).")
	}
	return iban, nil
}

// ValidateBIC checks the shape of a BIC (ISO 9362): 4 letters (bank), 2 letters (country),
// 2 letters or digits (location), and an optional 3-character branch. It returns it normalized.
func ValidateBIC(s string) (string, error) {
	bic := NormalizeIBAN(s)
	if bic == "" {
		return "", FieldError("bic", "Saisissez un BIC.")
	}
	if (len(bic) != 8 && len(bic) != 11) || !isUpper(bic[:6]) || !isUpperAlnum(bic) {
		return "", FieldError("bic", "Le BIC doit comporter 8 ou 11 caractères : 6 lettres puis des lettres ou chiffres (par exemple BNPAFRPPXXX).")
	}
	return bic, nil
}

// MaskIBAN shows an IBAN to whoever is not a manager: country and check digits, then the last
// four characters ("FR76 **** **** 1234").
func MaskIBAN(iban string) string {
	iban = NormalizeIBAN(iban)
	if len(iban) < 8 {
		return "****"
	}
	return iban[:4] + " **** **** " + iban[len(iban)-4:]
}

// FormatIBAN groups an IBAN by four characters for display to a manager.
func FormatIBAN(iban string) string {
	iban = NormalizeIBAN(iban)
	var b strings.Builder
	for i := 0; i < len(iban); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(iban[i])
	}
	return b.String()
}

// Bank account statuses.
const (
	BankPending  = "pending"
	BankAccepted = "accepted"
	BankRefused  = "refused"
)

// ValidBankStatus reports whether s is a bank account status.
func ValidBankStatus(s string) bool { return s == BankPending || s == BankAccepted || s == BankRefused }
