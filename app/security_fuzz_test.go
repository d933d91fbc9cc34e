package app

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzValidateIBAN: an IBAN accepted is normalised (upper case, no spaces, country letters,
// mod-97 = 1) and accepted again as is; anything else is an EINVALID error.
func FuzzValidateIBAN(f *testing.F) {
	for _, s := range []string{"FR7630006000011234567890189", "fr76 3000 6000 0112 3456 7890 189", "DE89370400440532013000",
		"GB82WEST12345698765432", "FR76", "", "FR00\x00", strings.Repeat("9", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iban, err := ValidateIBAN(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if iban != strings.ToUpper(iban) || strings.ContainsAny(iban, " \t") || len(iban) > 34 {
			t.Fatalf("%q accepted as %q", s, iban)
		}
		if again, err := ValidateIBAN(iban); err != nil || again != iban {
			t.Fatalf("%q: normalised %q not stable: %q %v", s, iban, again, err)
		}
		if _, err := ValidateBIC(s); err != nil && ErrorCode(err) != EINVALID {
			t.Fatalf("BIC %q: %v", s, err)
		}
	})
}

// FuzzCheckText: what CheckText accepts is valid UTF-8, within the limit, without control
// characters.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"Caisse 1", "a\x00b", "é\u2028", "l1\nl2", "\xff"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		if CheckText("f", s, 50, multiline) != nil {
			return
		}
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 50 {
			t.Fatalf("%q accepted", s)
		}
		for _, r := range s {
			if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
				t.Fatalf("%q accepted with U+%04X", s, r)
			}
		}
	})
}

// FuzzParseStatementReference: a reference parsed is written back the same (case and the spaces
// around it aside: a reference pasted with them is accepted).
func FuzzParseStatementReference(f *testing.F) {
	for _, s := range []string{"F260000001", "f260000001", "F26", "", "F99999999999", "F26000000\x00", " f000100000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, n, err := ParseStatementReference(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(StatementReference(y, n), strings.TrimSpace(s)) {
			t.Fatalf("%q parsed as %d/%d, written %q", s, y, n, StatementReference(y, n))
		}
	})
}
