package app

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		seen := map[string]bool{}
		counts := map[rune]int{}
		for i := 0; i < 3000; i++ {
			tok, err := NewToken(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if len(tok) != TokenLength {
				t.Fatalf("token %q: length %d", tok, len(tok))
			}
			for _, r := range tok {
				if !strings.ContainsRune(TokenAlphabet, r) {
					t.Fatalf("token %q has %q outside the alphabet", tok, r)
				}
				counts[r]++
			}
			seen[tok] = true
		}
		if len(seen) < 2990 {
			t.Errorf("only %d distinct tokens in 3000 draws", len(seen))
		}
		// 18 000 symbols over 30: every symbol should appear, roughly 600 times each.
		for _, r := range TokenAlphabet {
			if c := counts[r]; c < 400 || c > 800 {
				t.Errorf("symbol %q drawn %d times, expected about 600", r, c)
			}
		}
	})
	t.Run("RejectsBiasedBytes", func(t *testing.T) {
		// Bytes 240–255 would favour the first 16 symbols: they must be skipped.
		src := append(bytes.Repeat([]byte{250}, 16), []byte{0, 1, 29, 30, 239, 59, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}...)
		tok, err := NewToken(bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		if want := "AB7A77"; tok != want {
			t.Errorf("token = %q, want %q", tok, want)
		}
	})
	t.Run("ReaderError", func(t *testing.T) {
		if _, err := NewToken(bytes.NewReader([]byte{1, 2})); err == nil {
			t.Error("want an error from a short reader")
		} else if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("error does not wrap the reader's: %v", err)
		}
	})
}

func TestCheckTokenInput(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", MsgTokenEmpty},
		{"   ", MsgTokenEmpty},
		{"ABCDE", MsgTokenLength},
		{"ABCDEFG", MsgTokenLength},
		{"ABC-EF", MsgTokenCharacters},
		{"ABCDÉF", MsgTokenCharacters},
		{"abcdef", ""},
		{" ABC234 ", ""},
		{"ABC189", ""}, // shaped like a token (0–9 accepted); the lookup will say it is unknown
	} {
		if got := CheckTokenInput(tc.in); got != tc.want {
			t.Errorf("CheckTokenInput(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseScan(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		wantFormat ScanFormat
		wantToken  string
		wantMsg    string
	}{
		{"v3", "PASSCULTURE:v3;TOKEN:ABC234", ScanQRv3, "ABC234", ""},
		{"v3 lowercase", "passculture:v3;token:abc234", ScanQRv3, "ABC234", ""},
		{"v3 scanner newline", "PASSCULTURE:v3;TOKEN:XYZ567\r\n", ScanQRv3, "XYZ567", ""},
		{"v2", "PASSCULTURE:v2;TOKEN:HJKMNP", ScanQRv2, "HJKMNP", ""},
		{"v2 book", "PASSCULTURE:v2;EAN13:9782070612758;TOKEN:QRSTUV", ScanQRv2Book, "QRSTUV", ""},
		{"raw", "ABC234", ScanRawToken, "ABC234", ""},
		{"raw lowercase", "abc234", ScanRawToken, "ABC234", ""},
		{"raw with spaces", "  abc234 ", ScanRawToken, "ABC234", ""},
		{"empty", "", ScanMalformed, "", MsgTokenEmpty},
		{"too short", "ABC23", ScanMalformed, "", MsgTokenLength},
		{"bad characters", "AB-234", ScanMalformed, "", MsgTokenCharacters},
		{"url", "https://passculture.app/offre/1234", ScanForeign, "", MsgNotCountermark},
		{"ean13 barcode", "3760001234567", ScanForeign, "", MsgNotCountermark},
		{"v3 token too long", "PASSCULTURE:v3;TOKEN:ABC2345", ScanForeign, "", MsgNotCountermark},
		{"v3 without token label", "PASSCULTURE:v3;ID:ABC234", ScanForeign, "", MsgNotCountermark},
		{"unknown version", "PASSCULTURE:v9;TOKEN:ABC234", ScanForeign, "", MsgNotCountermark},
		{"other ticket", "TICKET:ABC234", ScanForeign, "", MsgNotCountermark},
		{"binary garbage", "\x00\x01\x02\xff", ScanMalformed, "", MsgTokenLength},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseScan(tc.in)
			if got.Format != tc.wantFormat || got.Token != tc.wantToken || got.Message != tc.wantMsg {
				t.Errorf("ParseScan(%q) = %+v, want format %q token %q message %q", tc.in, got, tc.wantFormat, tc.wantToken, tc.wantMsg)
			}
			if got.OK() != (tc.wantToken != "") {
				t.Errorf("OK() = %v", got.OK())
			}
		})
	}
}

func FuzzParseScan(f *testing.F) {
	for _, s := range []string{"PASSCULTURE:v3;TOKEN:ABC234", "PASSCULTURE:v2;EAN13:9782070612758;TOKEN:QRSTUV", "abc234", "", "https://x.y/z", "::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := ParseScan(in)
		if s.OK() {
			if CheckTokenInput(s.Token) != "" || s.Token != strings.ToUpper(s.Token) {
				t.Fatalf("ParseScan(%q) yielded a malformed token %q", in, s.Token)
			}
			if s.Message != "" {
				t.Fatalf("a token with a message: %+v", s)
			}
		} else if s.Message == "" {
			t.Fatalf("ParseScan(%q) refused without a message", in)
		}
	})
}

func TestValidateSIRENAndSIRET(t *testing.T) {
	for _, tc := range []struct {
		siren string
		ok    bool
	}{{"443061841", true}, {"552032534", true}, {"123456789", false}, {"44306184", false}, {"44306184A", false}, {"", false}} {
		if err := ValidateSIREN(tc.siren); (err == nil) != tc.ok {
			t.Errorf("ValidateSIREN(%q) = %v, want ok=%v", tc.siren, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		siret string
		ok    bool
	}{
		{"44306184100047", true},
		{"55203253400646", true},
		{"44306184100048", false}, // Luhn fails
		{"4430618410004", false},  // 13 digits
		{"4430618410004X", false},
		{"12345678900006", false}, // SIRET sums right but its SIREN does not
	} {
		err := ValidateSIRET(tc.siret)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateSIRET(%q) = %v, want ok=%v", tc.siret, err, tc.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ValidateSIRET(%q) code = %q", tc.siret, ErrorCode(err))
		}
	}
	if got := SIRENOf("44306184100047"); got != "443061841" {
		t.Errorf("SIRENOf = %q", got)
	}
}

func TestFormatEuros(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		want  string
	}{
		{0, "0,00\u00a0€"},
		{5, "0,05\u00a0€"},
		{1250, "12,50\u00a0€"},
		{123456, "1\u00a0234,56\u00a0€"},
		{100000000, "1\u00a0000\u00a0000,00\u00a0€"},
		{-300, "-3,00\u00a0€"},
	} {
		if got := FormatEuros(tc.cents); got != tc.want {
			t.Errorf("FormatEuros(%d) = %q, want %q", tc.cents, got, tc.want)
		}
	}
}

func TestLocation(t *testing.T) {
	for name, want := range map[string]string{"": "Europe/Paris", "Mars/Olympus": "Europe/Paris", "Indian/Reunion": "Indian/Reunion"} {
		if got := Location(name).String(); got != want {
			t.Errorf("Location(%q) = %s, want %s", name, got, want)
		}
	}
	if got := DepartmentTimezone("974"); got != "Indian/Reunion" {
		t.Errorf("DepartmentTimezone(974) = %s", got)
	}
}
