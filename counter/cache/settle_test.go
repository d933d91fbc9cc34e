package cache

import (
	"context"
	"testing"
	"time"

	"guichet/app"
)

// TestCache_SettledRowReread (issue 13, point 5): a pulled change to a booking with an event
// still pending is skipped (the counter's admission must not be undone); once the server
// answers the event, the booking as the server then has it (with its revision) replaces the
// cached row, so the skipped change is not lost.
func TestCache_SettledRowReread(t *testing.T) {
	ctx := context.Background()
	c := openTest(t, tempDir(t))
	now := time.Now()
	page := sample(now)
	page.Cursor = 5
	if err := c.Apply(ctx, page); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Decide(ctx, "n1", "AAAAAA", "caisse-1", now, paris); err != nil {
		t.Fatal(err)
	}
	renamed := page.Bookings[0]
	renamed.LastName, renamed.Rev = "Durand", 9
	if err := c.Apply(ctx, Changes{Bookings: []Booking{renamed}, Cursor: 9}); err != nil {
		t.Fatal(err)
	}
	server := renamed // the server's answer to the push: used, renamed, at revision 9
	server.Status, server.UsedAt, server.UsedByDevice = app.StatusUsed, now, "caisse-1"
	if err := c.ResolveAll(ctx, []Resolution{{Nonce: "n1", Verdict: app.OutcomeAdmitted, Booking: &server}}, now); err != nil {
		t.Fatal(err)
	}
	b, err := c.Lookup(ctx, "AAAAAA")
	if err != nil {
		t.Fatal(err)
	}
	if b.LastName != "Durand" || b.Status != app.StatusUsed || b.Rev != 9 {
		t.Errorf("settled row: %s %s rev %d, want Durand USED rev 9", b.LastName, b.Status, b.Rev)
	}
}
