package app

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Length limits of text fields, in characters, pass Culture's where it has one.
const (
	MaxURLLength          = 2048
	MaxPriceLabelLength   = 50  // pass Culture's price category label
	MaxBankLabelLength    = 100 // pass Culture's bank account label
	MaxNameLength         = 140 // an offer's title, a venue's name
	MaxPersonNameLength   = 128 // first and last names
	MaxAddressLength      = 200
	MaxCityLength         = 50
	MaxEmailLength        = 120
	MaxDescriptionLength  = 10_000
	MaxDeviceLength       = 100 // a counter device's name
	MaxKeyLabelLength     = 100 // an API key's label
	MaxDefaultTextLength  = 10_000
	MaxPasswordLength     = 72 // bcrypt reads no further
	MaxExternalIDLength   = 64 // Allociné ids, theater ids
	MaxPostalCodeLength   = 10
	MaxDepartmentLength   = 3
	MaxPhoneLength        = 20
	MaxStatementRefLength = 20
)

// CheckText refuses a text field that is not valid UTF-8, holds a control character (NUL
// included; tab and line breaks only when multiline) or has more than max characters. The
// error is EINVALID on field, in French.
func CheckText(field, value string, max int, multiline bool) error {
	if !utf8.ValidString(value) {
		return FieldError(field, fmt.Sprintf("Le champ %s contient des caractères invalides.", field))
	}
	for _, r := range value {
		if (r == '\n' || r == '\r' || r == '\t') && multiline {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return FieldError(field, fmt.Sprintf("Le champ %s contient un caractère de contrôle (U+%04X).", field, r))
		}
	}
	if n := utf8.RuneCountInString(value); n > max {
		return FieldError(field, fmt.Sprintf("Le champ %s ne doit pas dépasser %d caractères (%d).", field, max, n))
	}
	return nil
}
