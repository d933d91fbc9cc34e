package qrseg

import (
	"crypto/ed25519"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"

	"guichet/app"
)

func render(c *Code, px int) image.Image {
	n := (c.Size + 8) * px
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := uint8(255)
			if c.Dark(x/px-4, y/px-4) {
				v = 0
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	return img
}

func signed(name string) string {
	start := time.Date(2026, 12, 1, 19, 30, 0, 0, time.UTC)
	b := &app.Booking{ID: 1234567, Token: "ABC234", Quantity: 2, VenueID: 1234, StockID: 1234567, ShowStart: start,
		CancellationLimit: start.Add(-48 * time.Hour), FirstName: name}
	return app.SignedPayload("ABC234", app.TicketOf(b, 12), ed25519.NewKeyFromSeed(make([]byte, 32)))
}

// TestEncode: every text reads back exactly with gozxing's reader, at every level; a signed
// ticket takes a smaller symbol than gozxing's one-mode encoder gives it.
func TestEncode(t *testing.T) {
	texts := []string{"PASSCULTURE:v3;TOKEN:ABC234", "ABC234", "a", signed("Léa Martin"), signed("Marie-Charlotte Dupont-Aignan"),
		"PASSCULTURE:v2;EAN13:9782070612758;TOKEN:QRSTUV", strings.Repeat("HELLO WORLD 123 ", 20) + "end;x",
		"lower case only, with; punctuation & more"}
	for _, ec := range []decoder.ErrorCorrectionLevel{decoder.ErrorCorrectionLevel_L, decoder.ErrorCorrectionLevel_M,
		decoder.ErrorCorrectionLevel_Q, decoder.ErrorCorrectionLevel_H} {
		for _, text := range texts {
			c, err := Encode(text, ec)
			if err != nil {
				t.Fatalf("%s %q: %v", ec, text, err)
			}
			bmp, _ := gozxing.NewBinaryBitmapFromImage(render(c, 3))
			res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
			if err != nil || res.GetText() != text {
				t.Fatalf("%s %q (version %d): read %v %v", ec, text, c.Version, res, err)
			}
			one, err := encoder.Encoder_encode(text, ec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Version > one.GetVersion().GetVersionNumber() {
				t.Errorf("%s %q: version %d, one mode gives %d", ec, text, c.Version, one.GetVersion().GetVersionNumber())
			}
		}
	}
	if c, _ := Encode(signed("Marie-Charlotte Dupont-Aignan"), decoder.ErrorCorrectionLevel_M); c.Version > 8 {
		t.Errorf("a signed ticket at M: version %d, want ≤ 8", c.Version)
	}
	if c, _ := Encode(signed("Marie-Charlotte Dupont-Aignan"), decoder.ErrorCorrectionLevel_L); c.Version > 7 {
		t.Errorf("a signed ticket at L: version %d, want ≤ 7", c.Version)
	}
	if _, err := Encode("", decoder.ErrorCorrectionLevel_M); err == nil {
		t.Error("empty text encoded")
	}
	if _, err := Encode(strings.Repeat("x", 3000), decoder.ErrorCorrectionLevel_H); err == nil {
		t.Error("3000 bytes encoded at H")
	}
}
