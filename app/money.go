package app

import (
	"strconv"
	"strings"
	"time"
)

// nbsp separates thousands and the currency sign in French formatting.
const nbsp = "\u00a0"

// FormatEuros renders integer cents as French users read money: "1 234,56 €" (no-break
// spaces), "-3,00 €" for negatives.
func FormatEuros(cents int64) string {
	return FormatDecimal(cents) + nbsp + "€"
}

// FormatDecimal renders integer cents with a decimal comma and French thousands grouping,
// without the currency sign: "1 234,56".
func FormatDecimal(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteRune(r)
	}
	frac := cents % 100
	b.WriteByte(',')
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	return b.String()
}

// DefaultTimezone is the time zone of metropolitan France.
const DefaultTimezone = "Europe/Paris"

// DepartmentTimezone returns the IANA time zone of a French department code: Europe/Paris for
// metropolitan France and Corsica, the local zone for overseas departments and territories.
func DepartmentTimezone(dept string) string {
	switch dept {
	case "971", "977", "978":
		return "America/Guadeloupe"
	case "972":
		return "America/Martinique"
	case "973":
		return "America/Cayenne"
	case "974":
		return "Indian/Reunion"
	case "975":
		return "America/Miquelon"
	case "976":
		return "Indian/Mayotte"
	case "986":
		return "Pacific/Wallis"
	case "987":
		return "Pacific/Tahiti"
	case "988":
		return "Pacific/Noumea"
	}
	return DefaultTimezone
}

// FormatDecimalPlain renders integer cents with a decimal comma and no grouping ("19990,50"),
// as exports write amounts so that spreadsheets read them as numbers.
func FormatDecimalPlain(cents int64) string {
	return strings.ReplaceAll(FormatDecimal(cents), nbsp, "")
}

// Location returns the time zone called name, Europe/Paris when name is empty or unknown, and
// UTC only if even that is missing (binaries embed time/tzdata, so it is not). Callers that look
// zones up often keep the result.
func Location(name string) *time.Location {
	if name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	if loc, err := time.LoadLocation(DefaultTimezone); err == nil {
		return loc
	}
	return time.UTC
}
