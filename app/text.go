package app

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits of text fields, in characters, pass Culture's where it has one (sources in
// docs/security.md: its public API's offer schema and its database columns).
const (
	MaxURLLength          = 2048
	MaxPriceLabelLength   = 50   // pass Culture's price category label
	MaxBankLabelLength    = 100  // pass Culture's bank account label
	MaxOfferNameLength    = 90   // pass Culture's offer title (public API and pro portal)
	MaxNameLength         = 140  // a venue's or an offerer's name (pass Culture's columns)
	MaxPersonNameLength   = 128  // first and last names (pass Culture's user columns)
	MaxAddressLength      = 200  // a venue's address (pass Culture's column)
	MaxCityLength         = 50   // pass Culture's column
	MaxEmailLength        = 120  // a venue's booking e-mail (pass Culture's column)
	MaxDescriptionLength  = 1000 // pass Culture's offer description (public API)
	MaxDeviceLength       = 100  // a counter device's name
	MaxKeyLabelLength     = 100  // an API key's label
	MaxDefaultTextLength  = 10_000
	MaxPasswordLength     = 72 // bcrypt reads no further
	MaxExternalIDLength   = 64 // Allociné ids, theater ids
	MaxPostalCodeLength   = 6  // pass Culture's column
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

// Shorten cuts s to at most max characters, at the last space before the limit when there is
// one in its second half, and ends it with "…" when it cut anything. A text already short
// enough is returned as is.
func Shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	if max < 1 {
		return ""
	}
	cut := string([]rune(s)[:max-1])
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i >= len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, unicode.IsSpace) + "…"
}
