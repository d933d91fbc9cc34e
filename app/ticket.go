package app

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// A signed ticket is a booking's QR payload with one more field, signed by the server with a
// key of the venue (Ed25519), so that a counter can admit offline a booking its copy does not
// know yet (docs/sync.md, "Signed tickets"):
//
//	PASSCULTURE:v3;GS:<base32>;TOKEN:ABC234
//
// The countermark stays last, after the last ':' where pass Culture's counter and box-office
// software look for it (like the EAN13 field of a book's payload, GS sits between the version
// and TOKEN). GS is base32 (RFC 4648, upper case, no padding) of:
//
//	format (1 byte) · key id · venue id · booking id · showtime id (uvarints)
//	start, Unix minutes (uvarint) · cancellation limit − start, seconds (varint)
//	quantity (1 byte) · name length (1 byte) · name (UTF-8, at most TicketNameMax bytes)
//	signature (64 bytes)
//
// The signature covers ticketDomain, the countermark and every byte before it.

// TicketFormat is the format byte of signed tickets made now.
const TicketFormat = 1

// TicketNameMax bounds the beneficiary's name a ticket carries, in bytes.
const TicketNameMax = 24

// ticketField introduces the signed field in a payload.
const ticketField = "GS:"

// ticketDomain separates these signatures from any other use of the key.
const ticketDomain = "guichet/ticket/v1\x00"

// ticketMaxEncoded bounds the base32 text a scan may carry (the largest valid ticket is about
// 170 characters).
const ticketMaxEncoded = 400

var ticketBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Ticket is what a signed QR code says of its booking: what a counter needs to decide alone.
type Ticket struct {
	KeyID     int64
	VenueID   int64
	BookingID int64
	StockID   int64
	Start     time.Time // the showtime's start, to the minute
	Limit     time.Time // the cancellation limit, to the second (rounded up)
	Quantity  int
	Name      string // the beneficiary's first and last names, cut at TicketNameMax bytes
}

// SignedTicket is a ticket read from a scan, not verified yet.
type SignedTicket struct {
	Ticket
	body []byte // the encoded fields (what is signed, after the domain and the countermark)
	sig  []byte
}

// TicketKey is a venue's public key for signed tickets and when it may be used: a counter
// admits a ticket signed with it only between NotBefore and NotAfter.
type TicketKey struct {
	ID        int64
	VenueID   int64
	Public    ed25519.PublicKey
	NotBefore time.Time
	NotAfter  time.Time
}

// ValidAt reports whether the key may be used at t.
func (k TicketKey) ValidAt(t time.Time) bool {
	return !t.Before(k.NotBefore) && t.Before(k.NotAfter)
}

// Why a signed ticket is not admitted by its signature.
var (
	ErrTicketUnknownKey = errors.New("ticket signed with an unknown key")
	ErrTicketOtherVenue = errors.New("ticket of another venue")
	ErrTicketKeyExpired = errors.New("ticket key not valid now")
	ErrTicketSignature  = errors.New("ticket signature does not match")
)

// TicketOf is the ticket of a booking, for the key keyID. The name is first and last names cut
// at TicketNameMax bytes (on a character boundary).
func TicketOf(b *Booking, keyID int64) Ticket {
	name := strings.Join(strings.Fields(b.FirstName+" "+b.LastName), " ")
	return Ticket{KeyID: keyID, VenueID: b.VenueID, BookingID: b.ID, StockID: b.StockID, Start: b.ShowStart,
		Limit: b.CancellationLimit, Quantity: b.Quantity, Name: cutUTF8(name, TicketNameMax)}
}

func cutUTF8(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimSpace(s[:n])
}

// SignedPayload is the QR payload of a booking's countermark with the ticket t signed by key.
// A ticket that cannot be encoded (no showtime, a quantity out of 1–255) gives the plain payload.
func SignedPayload(token string, t Ticket, key ed25519.PrivateKey) string {
	token = NormalizeToken(token)
	body, ok := t.encode()
	if !ok || len(key) != ed25519.PrivateKeySize {
		return "PASSCULTURE:v3;TOKEN:" + token
	}
	sig := ed25519.Sign(key, ticketMessage(token, body))
	return "PASSCULTURE:v3;" + ticketField + ticketBase32.EncodeToString(append(body, sig...)) + ";TOKEN:" + token
}

func ticketMessage(token string, body []byte) []byte {
	msg := make([]byte, 0, len(ticketDomain)+len(token)+len(body))
	msg = append(msg, ticketDomain...)
	msg = append(msg, token...)
	return append(msg, body...)
}

func (t Ticket) encode() ([]byte, bool) {
	name := cutUTF8(t.Name, TicketNameMax)
	if t.Start.IsZero() || t.Start.Unix() < 0 || t.Limit.IsZero() || t.Quantity < 1 || t.Quantity > 255 ||
		t.KeyID < 0 || t.VenueID < 0 || t.BookingID < 0 || t.StockID < 0 {
		return nil, false
	}
	start := t.Start.Unix() / 60
	limit := t.Limit.Unix()
	if t.Limit.Nanosecond() > 0 {
		limit++ // never earlier than the real limit
	}
	b := []byte{TicketFormat}
	for _, v := range []int64{t.KeyID, t.VenueID, t.BookingID, t.StockID, start} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	b = binary.AppendVarint(b, limit-start*60)
	b = append(b, byte(t.Quantity), byte(len(name)))
	return append(b, name...), true
}

// decodeTicket reads the GS field's bytes (fields and signature); ok is false for anything
// that is not exactly one well-formed ticket.
func decodeTicket(raw []byte) (*SignedTicket, bool) {
	if len(raw) < 1+ed25519.SignatureSize || raw[0] != TicketFormat {
		return nil, false
	}
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	r := bytes.NewReader(body[1:])
	var vals [5]int64
	for i := range vals {
		v, err := binary.ReadUvarint(r)
		if err != nil || v > 1<<53 {
			return nil, false
		}
		vals[i] = int64(v)
	}
	delta, err := binary.ReadVarint(r)
	if err != nil || delta > 1<<40 || delta < -(1<<40) {
		return nil, false
	}
	qty, err1 := r.ReadByte()
	n, err2 := r.ReadByte()
	if err1 != nil || err2 != nil || qty == 0 || int(n) > TicketNameMax || r.Len() != int(n) {
		return nil, false
	}
	name := string(body[len(body)-int(n):])
	if !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return nil, false
	}
	start := time.Unix(vals[4]*60, 0).UTC()
	t := Ticket{KeyID: vals[0], VenueID: vals[1], BookingID: vals[2], StockID: vals[3], Start: start,
		Limit: start.Add(time.Duration(delta) * time.Second), Quantity: int(qty), Name: name}
	// One encoding per ticket: a ticket whose bytes are not the ones it would be written with
	// (an overlong varint) is refused, so that the signed bytes and the fields read agree.
	if again, ok := t.encode(); !ok || !bytes.Equal(again, body) {
		return nil, false
	}
	return &SignedTicket{Ticket: t, body: body, sig: sig}, true
}

// parseTicketField finds the GS field among the fields of an upper-cased payload (between the
// version and TOKEN) and decodes it; nil when there is none or it is malformed.
func parseTicketField(fields []string) *SignedTicket {
	for _, f := range fields {
		enc, ok := strings.CutPrefix(f, ticketField)
		if !ok || len(enc) > ticketMaxEncoded {
			continue
		}
		raw, err := ticketBase32.DecodeString(enc)
		// One spelling per ticket: a last character whose unused low bits are set decodes to the
		// same bytes, and is refused like any altered field.
		if err != nil || ticketBase32.EncodeToString(raw) != enc {
			return nil
		}
		t, _ := decodeTicket(raw)
		return t
	}
	return nil
}

// Verify checks a ticket read with countermark token against the venue's keys at now: the key
// must be one of keys, of venueID like the ticket, valid at now, and the signature must match.
func (t *SignedTicket) Verify(token string, keys []TicketKey, venueID int64, now time.Time) error {
	if t.VenueID != venueID {
		return ErrTicketOtherVenue
	}
	for _, k := range keys {
		if k.ID != t.KeyID {
			continue
		}
		switch {
		case k.VenueID != venueID:
			return ErrTicketOtherVenue
		case !k.ValidAt(now):
			return ErrTicketKeyExpired
		case len(k.Public) != ed25519.PublicKeySize ||
			!ed25519.Verify(k.Public, ticketMessage(NormalizeToken(token), t.body), t.sig):
			return ErrTicketSignature
		}
		return nil
	}
	return ErrTicketUnknownKey
}

// Booking is what the counter knows of a verified ticket's booking: CONFIRMED, with its
// showtime, limit, quantity and name (the film and the rest come from the copy when it has them).
func (t *SignedTicket) Booking(token string) Booking {
	first, last, _ := strings.Cut(t.Name, " ")
	return Booking{ID: t.BookingID, Token: NormalizeToken(token), Status: StatusConfirmed, Quantity: t.Quantity,
		CancellationLimit: t.Limit, VenueID: t.VenueID, StockID: t.StockID, ShowStart: t.Start,
		FirstName: first, LastName: last, Duo: t.Quantity > 1}
}
