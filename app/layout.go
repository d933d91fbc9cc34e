package app

import "strings"

// ScanLayout says how a USB scanner's keystrokes relate to the system's keyboard layout. A
// scanner acts as a keyboard: it sends key positions for the layout it is set to, and the
// system reads them with its own. A QWERTY scanner on a French AZERTY PC turns
// "PASSCULTURE:v3;TOKEN:ABC234" into `PQSSCULTUREMv"mTOKENMQBCé"'`.
type ScanLayout int

// Scanner layouts.
const (
	LayoutSame           ScanLayout = iota // the scanner types as the system reads: nothing to fix
	LayoutQwertyOnAzerty                   // a QWERTY scanner on an AZERTY system
	LayoutAzertyOnQwerty                   // an AZERTY scanner on a QWERTY system
)

// Key positions that differ between QWERTY (US) and AZERTY (French): each pair is what one
// physical key types on a QWERTY layout and on an AZERTY one, unshifted and shifted.
var keyPairs = [][2]string{
	{"a", "q"}, {"q", "a"}, {"w", "z"}, {"z", "w"}, {"A", "Q"}, {"Q", "A"}, {"W", "Z"}, {"Z", "W"},
	{";", "m"}, {":", "M"}, {"m", ","}, {"M", "?"}, {",", ";"}, {".", ":"},
	// The digit row: unshifted on QWERTY, shifted on AZERTY.
	{"1", "&"}, {"2", "é"}, {"3", `"`}, {"4", "'"}, {"5", "("}, {"6", "-"}, {"7", "è"}, {"8", "_"}, {"9", "ç"}, {"0", "à"},
	{"!", "1"}, {"@", "2"}, {"#", "3"}, {"$", "4"}, {"%", "5"}, {"^", "6"}, {"&", "7"}, {"*", "8"}, {"(", "9"}, {")", "0"},
}

// A QWERTY scanner on AZERTY types the AZERTY characters of the keys it means: read them back
// as QWERTY. An AZERTY scanner on QWERTY does the reverse.
var (
	fromQwertyOnAzerty = replacer(1, 0)
	fromAzertyOnQwerty = replacer(0, 1)
)

// replacer maps each pair's side from to its side to (both sides are all distinct).
func replacer(from, to int) *strings.Replacer {
	args := make([]string, 0, 2*len(keyPairs))
	for _, p := range keyPairs {
		args = append(args, p[from], p[to])
	}
	return strings.NewReplacer(args...)
}

// RecoverScan reads a payload typed by a scanner set to another keyboard layout than the
// system's. It returns the input as the scanner meant it and the mismatch found, or the input
// unchanged with LayoutSame when it already reads as a pass Culture payload, or when no layout
// makes it one (a bare 6-character token cannot tell layouts apart: it is never changed).
func RecoverScan(raw string) (string, ScanLayout) {
	if looksLikePayload(raw) {
		return raw, LayoutSame
	}
	for _, c := range []struct {
		r      *strings.Replacer
		layout ScanLayout
	}{{fromQwertyOnAzerty, LayoutQwertyOnAzerty}, {fromAzertyOnQwerty, LayoutAzertyOnQwerty}} {
		if fixed := c.r.Replace(raw); looksLikePayload(fixed) {
			return fixed, c.layout
		}
	}
	return raw, LayoutSame
}

func looksLikePayload(s string) bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), qrPrefix+"V")
}
