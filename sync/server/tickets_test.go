package server_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/protocol"
)

// testSignedTicket: a booking's QR payload (native API) is signed with a key of its venue that
// a counter's pull hands out (public half only); the ticket verifies with it, and says what the
// counter needs to decide alone.
func testSignedTicket(t *testing.T, e *nativeEnv) {
	_, token := e.beneficiary(e.fresh())
	st := e.stock(0, e.now.Add(3*time.Hour), 10) // last minute: not cancellable, admissible at once
	status, body := e.book(token, st.ID, 1)
	var res protocol.NativeBookingResult
	if err := json.Unmarshal(body, &res); status != 201 || err != nil {
		t.Fatalf("book: %d %s", status, body)
	}
	status, body = e.do("GET", "/sync/v1/venues/"+strconv.FormatInt(e.demo.Venue.ID, 10)+"/changes?since=0&limit=1",
		e.demo.Keys.Cashier, nil)
	var ch protocol.Changes
	if err := json.Unmarshal(body, &ch); status != 200 || err != nil || len(ch.TicketKeys) == 0 {
		t.Fatalf("pull: %d %v, %d keys", status, err, len(ch.TicketKeys))
	}
	if strings.Contains(strings.ToLower(string(body)), "private") {
		t.Errorf("the pull hands out a private key")
	}
	keys := make([]app.TicketKey, len(ch.TicketKeys))
	for i, k := range ch.TicketKeys {
		keys[i] = k.Domain()
		if len(k.PublicKey) != 32 || k.VenueID != e.demo.Venue.ID || !keys[i].ValidAt(e.now) {
			t.Errorf("key %+v", k)
		}
	}
	scan := app.ParseScan(res.QRCodeData)
	if scan.Token != res.Token || scan.Ticket == nil {
		t.Fatalf("scan of %q: %+v", res.QRCodeData, scan)
	}
	if err := scan.Ticket.Verify(scan.Token, keys, e.demo.Venue.ID, e.now); err != nil {
		t.Fatalf("verify: %v", err)
	}
	b := scan.Ticket.Booking(scan.Token)
	if b.ID != res.ID || b.StockID != st.ID || !b.ShowStart.Equal(st.StartsAt.Truncate(time.Minute)) || b.Quantity != 1 ||
		app.CheckUse(&b, e.now.Add(time.Second), e.paris).Code != app.OutcomeAdmitted { // the limit, rounded up to the second
		t.Errorf("ticket booking %+v", b)
	}
	// Another venue's counter: not this venue's ticket.
	if err := scan.Ticket.Verify(scan.Token, keys, e.demo.Venue.ID+1, e.now); err == nil {
		t.Error("verified for another venue")
	}
	// The same key signs the next booking; the list of bookings carries signed payloads too.
	status, body = e.do("GET", "/native/v1/bookings", token, nil)
	var mine protocol.NativeBookings
	if err := json.Unmarshal(body, &mine); status != 200 || err != nil || len(mine.Bookings) != 1 ||
		mine.Bookings[0].QRCodeData != res.QRCodeData {
		t.Errorf("bookings: %d %s", status, body)
	}
}
