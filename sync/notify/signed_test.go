package notify_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"guichet/app"
	"guichet/sync/notify"
	"guichet/sync/tickets"
)

// TestWorker_SignedQR: the beneficiary's e-mail carries the signed payload, in its text and in
// its QR image, which reads back and verifies with the venue's public key; the venue's e-mail
// is unchanged.
func TestWorker_SignedQR(t *testing.T) {
	w := newWorld(t)
	box := startMailbox(t, "127.0.0.1:0")
	clock := func() time.Time { return w.now }
	worker := &notify.Worker{Store: w.st, Transport: smtpTo(t, box.addr), Now: clock, Sign: tickets.New(w.st, clock).Payload}
	b := w.book(t)
	if sent, err := worker.Drain(context.Background()); err != nil || sent != 2 {
		t.Fatalf("drain: %d sent, %v", sent, err)
	}
	for _, m := range box.received() {
		if m.to[0] != "lea@example.org" {
			continue
		}
		_, body := parts(t, m.data)
		img, err := png.Decode(bytes.NewReader(body["image/png"]))
		if err != nil {
			t.Fatal(err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("the QR image does not read: %v", err)
		}
		payload := res.GetText()
		if !strings.HasPrefix(payload, "PASSCULTURE:v3;GS:") || !strings.Contains(string(body["text/plain"]), payload) {
			t.Fatalf("payload %q, text:\n%s", payload, body["text/plain"])
		}
		keys, err := w.st.TicketKeys(context.Background(), b.VenueID, w.now)
		if err != nil || len(keys) != 1 {
			t.Fatalf("keys %v %v", keys, err)
		}
		scan := app.ParseScan(payload)
		if scan.Token != b.Token || scan.Ticket == nil {
			t.Fatalf("scan %+v", scan)
		}
		if err := scan.Ticket.Verify(scan.Token, []app.TicketKey{keys[0].TicketKey}, b.VenueID, b.ShowStart); err != nil {
			t.Errorf("verify: %v", err)
		}
		if got := scan.Ticket.Booking(scan.Token); got.ID != b.ID || got.Quantity != 2 || !got.ShowStart.Equal(b.ShowStart) ||
			got.FirstName != "Léa" || got.LastName != "Martin" {
			t.Errorf("ticket says %+v", got)
		}
		return
	}
	t.Fatal("no e-mail to the beneficiary")
}
