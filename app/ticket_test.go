package app

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"
)

// testKey derives a fixed key pair from a seed byte (tests only).
func testKey(seed byte, id, venue int64, from, to time.Time) (TicketKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed([]byte(strings.Repeat(string(rune('a'+seed%26)), ed25519.SeedSize)))
	return TicketKey{ID: id, VenueID: venue, Public: priv.Public().(ed25519.PublicKey), NotBefore: from, NotAfter: to}, priv
}

func testBooking() *Booking {
	start := time.Date(2026, 12, 1, 19, 30, 0, 0, time.UTC)
	booked := start.Add(-3 * time.Hour).Add(1234 * time.Millisecond)
	return &Booking{ID: 123456, Token: "ABC234", Status: StatusConfirmed, Quantity: 2, BookedAt: booked,
		CancellationLimit: CancellationLimit(start, booked), VenueID: 12, StockID: 98765, ShowStart: start,
		FirstName: "Léa", LastName: "Dupont-Aignan de la Villemarqué"}
}

// TestSignedPayload_readsBack: a signed payload keeps the countermark last (what pass Culture's
// counter reads), and the counter reads back every field the server signed.
func TestSignedPayload_readsBack(t *testing.T) {
	now := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	key, priv := testKey(1, 7, 12, now.AddDate(0, -1, 0), now.AddDate(1, 0, 0))
	b := testBooking()
	payload := SignedPayload("abc234", TicketOf(b, key.ID), priv)
	if !strings.HasPrefix(payload, "PASSCULTURE:v3;GS:") || !strings.HasSuffix(payload, ";TOKEN:ABC234") {
		t.Fatalf("payload %q", payload)
	}
	if i := strings.LastIndexByte(payload, ':'); payload[i+1:] != "ABC234" {
		t.Fatalf("after the last ':': %q", payload[i+1:])
	}
	if len(payload) > 210 {
		t.Errorf("payload of %d characters", len(payload))
	}
	scan := ParseScan(payload)
	if scan.Format != ScanQRv3 || scan.Token != "ABC234" || scan.Ticket == nil {
		t.Fatalf("scan %+v", scan)
	}
	if err := scan.Ticket.Verify(scan.Token, []TicketKey{key}, 12, now); err != nil {
		t.Fatalf("verify: %v", err)
	}
	got := scan.Ticket.Booking(scan.Token)
	if got.ID != b.ID || got.StockID != b.StockID || !got.ShowStart.Equal(b.ShowStart) || got.Quantity != 2 ||
		got.Status != StatusConfirmed || got.VenueID != 12 || got.FirstName != "Léa" || !strings.HasPrefix(got.LastName, "Dupont") {
		t.Errorf("booking %+v", got)
	}
	// The limit is rounded up to the second, never earlier than the real one.
	if got.CancellationLimit.Before(b.CancellationLimit) || got.CancellationLimit.Sub(b.CancellationLimit) >= time.Second {
		t.Errorf("limit %v, booked %v", got.CancellationLimit, b.CancellationLimit)
	}
	if len(scan.Ticket.Name) > TicketNameMax {
		t.Errorf("name %q longer than %d bytes", scan.Ticket.Name, TicketNameMax)
	}
	// What the counter decides with it: the same rules as a booking of the copy.
	if out := CheckUse(&got, now, time.UTC); out.Code != OutcomeAdmitted {
		t.Errorf("CheckUse = %+v", out)
	}
}

// TestSignedTicket_Verify: only a ticket signed with a key of this venue, valid now, with the
// very bytes and countermark it was signed with, is admitted by its signature.
func TestSignedTicket_Verify(t *testing.T) {
	now := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	old, oldPriv := testKey(1, 7, 12, now.AddDate(-1, 0, 0), now.Add(24*time.Hour))    // ends tomorrow
	cur, curPriv := testKey(2, 8, 12, now.Add(-24*time.Hour), now.AddDate(1, 0, 0))    // rotated in yesterday
	other, otherPriv := testKey(3, 9, 13, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0)) // another venue's
	expired, expPriv := testKey(4, 10, 12, now.AddDate(-1, 0, 0), now.Add(-time.Minute))
	future, futPriv := testKey(5, 11, 12, now.Add(time.Hour), now.AddDate(1, 0, 0))
	keys := []TicketKey{old, cur, other, expired, future}
	b := testBooking()
	sign := func(k TicketKey, priv ed25519.PrivateKey) string {
		return SignedPayload(b.Token, TicketOf(b, k.ID), priv)
	}
	tamper := func(p string, i int) string { // change one base32 character of the GS field
		j := strings.Index(p, "GS:") + 3 + i
		c := byte('A')
		if p[j] == 'A' {
			c = 'B'
		}
		return p[:j] + string(c) + p[j+1:]
	}
	for _, tc := range []struct {
		name    string
		payload string
		venue   int64
		at      time.Time
		keys    []TicketKey
		want    error // nil: admitted; errNoTicket: no ticket read at all
	}{
		{"valid, current key", sign(cur, curPriv), 12, now, keys, nil},
		{"rotated: the old key is still valid during the overlap", sign(old, oldPriv), 12, now, keys, nil},
		{"rotated: the old key after its end", sign(old, oldPriv), 12, now.Add(25 * time.Hour), keys, ErrTicketKeyExpired},
		{"expired key", sign(expired, expPriv), 12, now, keys, ErrTicketKeyExpired},
		{"key not valid yet", sign(future, futPriv), 12, now, keys, ErrTicketKeyExpired},
		{"other venue's ticket", sign(other, otherPriv), 12, now, keys, ErrTicketOtherVenue},
		{"other venue's key claiming this venue", SignedPayload(b.Token, Ticket{KeyID: 9, VenueID: 12,
			BookingID: 1, StockID: 2, Start: b.ShowStart, Limit: b.CancellationLimit, Quantity: 1}, otherPriv),
			12, now, keys, ErrTicketOtherVenue},
		{"unknown key id", sign(TicketKey{ID: 99}, curPriv), 12, now, keys, ErrTicketUnknownKey},
		{"no keys known", sign(cur, curPriv), 12, now, nil, ErrTicketUnknownKey},
		{"signed with another key than it names", sign(cur, oldPriv), 12, now, keys, ErrTicketSignature},
		{"another countermark", strings.Replace(sign(cur, curPriv), "TOKEN:ABC234", "TOKEN:ABC235", 1), 12, now, keys, ErrTicketSignature},
		{"tampered signature", tamper(sign(cur, curPriv), 150), 12, now, keys, ErrTicketSignature},
		{"tampered booking id", resign(sign(cur, curPriv), func(t *Ticket) { t.BookingID++ }), 12, now, keys, ErrTicketSignature},
		{"tampered name", resign(sign(cur, curPriv), func(t *Ticket) { t.Name = "Lea Dupont" }), 12, now, keys, ErrTicketSignature},
		{"tampered quantity", resign(sign(cur, curPriv), func(t *Ticket) { t.Quantity = 1 }), 12, now, keys, ErrTicketSignature},
		{"tampered start", resign(sign(cur, curPriv), func(t *Ticket) { t.Start = t.Start.Add(24 * time.Hour) }), 12, now, keys, ErrTicketSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scan := ParseScan(tc.payload)
			if scan.Token == "" || scan.Ticket == nil {
				t.Fatalf("scan %+v of %q", scan, tc.payload)
			}
			err := scan.Ticket.Verify(scan.Token, tc.keys, tc.venue, tc.at)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

// resign changes a field of a signed payload and writes it back with the original signature.
func resign(payload string, change func(t *Ticket)) string {
	st := ParseScan(payload).Ticket
	t := st.Ticket
	change(&t)
	body, _ := t.encode()
	return "PASSCULTURE:v3;GS:" + ticketBase32.EncodeToString(append(body, st.sig...)) + ";TOKEN:ABC234"
}

// TestParseScan_ticketField: a GS field that cannot be read leaves the countermark readable
// exactly as before (no ticket), and plain payloads carry none.
func TestParseScan_ticketField(t *testing.T) {
	_, priv := testKey(1, 7, 12, time.Time{}, time.Time{})
	good := SignedPayload("ABC234", TicketOf(testBooking(), 7), priv)
	gs := good[strings.Index(good, "GS:")+3 : strings.LastIndexByte(good, ';')]
	for _, tc := range []struct {
		name, in string
		ticket   bool
	}{
		{"signed", good, true},
		{"signed, lower case", strings.ToLower(good), true},
		{"plain v3", "PASSCULTURE:v3;TOKEN:ABC234", false},
		{"v2 ignores GS", "PASSCULTURE:v2;GS:" + gs + ";TOKEN:ABC234", false},
		{"not base32", "PASSCULTURE:v3;GS:ABC!;TOKEN:ABC234", false},
		{"empty", "PASSCULTURE:v3;GS:;TOKEN:ABC234", false},
		{"truncated", "PASSCULTURE:v3;GS:" + gs[:len(gs)-8] + ";TOKEN:ABC234", false},
		{"longer", "PASSCULTURE:v3;GS:" + gs + "AAAAAAAA;TOKEN:ABC234", false},
		{"huge", "PASSCULTURE:v3;GS:" + strings.Repeat("A", 5000) + ";TOKEN:ABC234", false},
		{"other format byte", "PASSCULTURE:v3;GS:" + "AI" + gs[2:] + ";TOKEN:ABC234", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ParseScan(tc.in)
			if s.Token != "ABC234" || s.Format != ScanQRv3 && !strings.Contains(tc.in, "v2") || (s.Ticket != nil) != tc.ticket {
				t.Errorf("ParseScan = %+v, want token ABC234, ticket %v", s, tc.ticket)
			}
		})
	}
	// A scanner on the wrong keyboard layout types the signed payload mangled: read back whole.
	typed := replacer(0, 1).Replace(good) // what a QWERTY scanner types on an AZERTY system
	if s := ParseScan(typed); s.Token != "ABC234" || s.Ticket == nil || s.Layout != LayoutQwertyOnAzerty {
		t.Errorf("QWERTY scanner on AZERTY: %+v", s)
	}
}

// FuzzSignedTicket: whatever a GS field holds, reading it never panics, the countermark is read
// as without it, and a ticket read verifies only against the key that signed it with the very
// same bytes.
func FuzzSignedTicket(f *testing.F) {
	now := time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC)
	key, priv := testKey(1, 7, 12, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0))
	good := SignedPayload("ABC234", TicketOf(testBooking(), 7), priv)
	gs := good[strings.Index(good, "GS:")+3 : strings.LastIndexByte(good, ';')]
	for _, s := range []string{gs, gs[:40], "", "AAAA", "AE", strings.Repeat("7", 170), "!!", "GS:GS:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, field string) {
		s := ParseScan("PASSCULTURE:v3;GS:" + field + ";TOKEN:ABC234")
		if strings.ContainsAny(field, ":") {
			return // another last ':' : the countermark is elsewhere
		}
		if s.Ticket == nil {
			if strings.ContainsAny(field, ";") {
				return
			}
			if !s.OK() && !strings.ContainsAny(field, "\x00\r\n\t ") {
				t.Fatalf("%q: no countermark: %+v", field, s)
			}
			return
		}
		err := s.Ticket.Verify(s.Token, []TicketKey{key}, 12, now)
		if err == nil && strings.ToUpper(field) != gs {
			t.Fatalf("%q verified, signed field was %q", field, gs)
		}
		_ = s.Ticket.Booking(s.Token)
	})
}
