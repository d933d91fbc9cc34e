package ui

import (
	"image/png"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"guichet/app"
	"guichet/counter"
)

// TestCounterScreen_SignedScreenshot renders an offline admission by signature (issue 16) with the
// software painter, under the offline banner, when GUICHET_SIGNED_PNG names a file
// (docs/screenshots/counter-signed.png).
func TestCounterScreen_SignedScreenshot(t *testing.T) {
	out := os.Getenv("GUICHET_SIGNED_PNG")
	if out == "" {
		t.Skip("set GUICHET_SIGNED_PNG to write the screenshot")
	}
	u, fc, _ := newTestUI(t)
	u.win.Resize(fyne.NewSize(1280, 800))
	b := booking("K7WQ3M", 2, app.StatusUsed)
	b.FirstName, b.LastName = "Zoé", "Nouvelle"
	since := show.Add(-25 * time.Minute)
	fc.status = counter.Status{OfflineSince: since, Pending: 4, LastSync: since.Add(-time.Minute)}
	u.showStatus(fc.status)
	fc.verdicts["K7WQ3M"] = counter.Verdict{Token: "K7WQ3M", Offline: true, Signed: true,
		Outcome: app.Outcome{Code: app.OutcomeAdmitted, Message: app.MsgAdmitted, Booking: b}}
	u.screen.onSubmit("K7WQ3M")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, u.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
