package notify_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"guichet/app"
	"guichet/sync/notify"
)

// TestQRPNG renders a payload and reads it back as the counter's camera would.
func TestQRPNG(t *testing.T) {
	payload := "PASSCULTURE:v3;TOKEN:ABC234"
	data, err := notify.QRPNG(payload, 240)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != payload {
		t.Errorf("decoded %q", res.GetText())
	}
	if scan := app.ParseScan(res.GetText()); scan.Token != "ABC234" || scan.Format != app.ScanQRv3 {
		t.Errorf("the counter reads %+v", scan)
	}
	if _, err := notify.QRPNG("", 240); err == nil {
		t.Error("empty payload rendered")
	}
}
