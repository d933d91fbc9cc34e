package app

import (
	"fmt"
	"io"
	"strings"
)

// TokenAlphabet is the 30 symbols a countermark is drawn from: A–Z and 2–7 without the
// look-alikes I and O.
const TokenAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ234567"

// TokenLength is the length of a countermark.
const TokenLength = 6

// Messages the counter shows for malformed input, as pass Culture words them.
const (
	MsgTokenEmpty      = "Saisissez une contremarque"
	MsgTokenLength     = "La contremarque doit contenir 6 caractères"
	MsgTokenCharacters = "Caractères valides : de A à Z et de 0 à 9"
	MsgNotCountermark  = "Ce code n'est pas une contremarque pass Culture"
)

// NewToken draws a countermark from r, which must be a CSPRNG (crypto/rand.Reader). Bytes are
// drawn by rejection so that every symbol is equally likely.
func NewToken(r io.Reader) (string, error) {
	const limit = 256 - 256%len(TokenAlphabet) // 240: the largest multiple of 30 below 256
	out := make([]byte, 0, TokenLength)
	buf := make([]byte, 16)
	for len(out) < TokenLength {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("draw token: %w", err)
		}
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, TokenAlphabet[int(b)%len(TokenAlphabet)])
			if len(out) == TokenLength {
				break
			}
		}
	}
	return string(out), nil
}

// NormalizeToken upper-cases a token and trims the spaces around it: lookups are
// case-insensitive.
func NormalizeToken(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// IsTokenShaped reports whether s (already normalised) could be a countermark as the counter
// accepts it: exactly 6 characters from A–Z and 0–9.
func IsTokenShaped(s string) bool {
	return CheckTokenInput(s) == ""
}

// CheckTokenInput checks what the cashier typed and returns pass Culture's message for
// malformed input, or "" when it has the shape of a countermark (it may still be unknown).
func CheckTokenInput(s string) string {
	s = NormalizeToken(s)
	switch {
	case s == "":
		return MsgTokenEmpty
	case len([]rune(s)) != TokenLength:
		return MsgTokenLength
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return MsgTokenCharacters
		}
	}
	return ""
}

// ScanFormat says where a countermark came from.
type ScanFormat string

// The formats a scan can have.
const (
	ScanQRv3      ScanFormat = "v3"      // PASSCULTURE:v3;TOKEN:XXXXXX
	ScanQRv2      ScanFormat = "v2"      // PASSCULTURE:v2;TOKEN:XXXXXX (older apps)
	ScanQRv2Book  ScanFormat = "v2-book" // PASSCULTURE:v2;EAN13:…;TOKEN:XXXXXX
	ScanRawToken  ScanFormat = "raw"     // the 6 characters typed or scanned
	ScanMalformed ScanFormat = "invalid" // looks like a typed token but is not one
	ScanForeign   ScanFormat = "foreign" // something else: a URL, another ticket's barcode
)

// Scan is what the counter read: a typed code, a keyboard-wedge scanner burst or a decoded QR.
type Scan struct {
	Format ScanFormat
	// Token is the upper-cased countermark when Format is a QR or raw format.
	Token string
	// Message explains a refusal when Format is ScanMalformed or ScanForeign.
	Message string
	// Layout is the keyboard mismatch the payload was recovered from (LayoutSame: none).
	Layout ScanLayout
	// Ticket is the signed ticket a v3 payload carries (its GS field), not verified yet; nil
	// when there is none or it is malformed (the countermark is read all the same).
	Ticket *SignedTicket
}

// OK reports whether the scan yielded a countermark to look up.
func (s Scan) OK() bool { return s.Token != "" }

const qrPrefix = "PASSCULTURE:"

// ParseScan reads a scanned or typed input. Like pass Culture's own counter it upper-cases the
// input and, for a pass Culture QR payload, keeps what follows the last ':'. A raw 6-character
// token is accepted too. Anything else is ScanForeign with MsgNotCountermark, and input that
// looks typed (no ':' and short) gets the counter's input messages.
//
// A payload typed by a scanner set to QWERTY on an AZERTY system (or the reverse) is read back
// as the scanner meant it (RecoverScan) and says so in Layout.
func ParseScan(raw string) Scan {
	if fixed, layout := RecoverScan(raw); layout != LayoutSame {
		if scan := parseScan(fixed); scan.OK() {
			scan.Layout = layout
			return scan
		}
	}
	return parseScan(raw)
}

func parseScan(raw string) Scan {
	s := strings.ToUpper(strings.TrimSpace(strings.Trim(raw, "\x00\r\n\t ")))
	if strings.HasPrefix(s, qrPrefix) {
		format := ScanQRv3
		switch {
		case strings.HasPrefix(s, qrPrefix+"V2;EAN13:"):
			format = ScanQRv2Book
		case strings.HasPrefix(s, qrPrefix+"V2;"):
			format = ScanQRv2
		case strings.HasPrefix(s, qrPrefix+"V3;"):
			format = ScanQRv3
		default:
			return Scan{Format: ScanForeign, Message: MsgNotCountermark}
		}
		i := strings.LastIndexByte(s, ':')
		head, tok := s[:i], s[i+1:]
		if !strings.HasSuffix(head, "TOKEN") || CheckTokenInput(tok) != "" {
			return Scan{Format: ScanForeign, Message: MsgNotCountermark}
		}
		scan := Scan{Format: format, Token: tok}
		if format == ScanQRv3 {
			scan.Ticket = parseTicketField(strings.Split(head, ";")[1:])
		}
		return scan
	}
	// Not a pass Culture payload. Short input without separators is taken as typed.
	if !strings.ContainsAny(s, ":/;.=?&") && len([]rune(s)) <= 12 {
		if msg := CheckTokenInput(s); msg != "" {
			return Scan{Format: ScanMalformed, Message: msg}
		}
		return Scan{Format: ScanRawToken, Token: s}
	}
	return Scan{Format: ScanForeign, Message: MsgNotCountermark}
}
