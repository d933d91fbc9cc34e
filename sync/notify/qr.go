package notify

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"

	"guichet/internal/qrseg"
)

// QRPNG renders payload as a QR code PNG of size×size pixels (quiet zone of 4 modules included,
// whole pixels per module, centred). A signed ticket's base32 part is encoded in alphanumeric
// mode (internal/qrseg): a smaller symbol than one byte-mode segment. Error correction is M,
// and L for a signed ticket: 45 modules instead of 49, read from farther away on a phone screen
// in every situation the scan bench draws, reflections included (docs/bench.md).
func QRPNG(payload string, size int) ([]byte, error) {
	level := decoder.ErrorCorrectionLevel_M
	if strings.Contains(payload, ";GS:") {
		level = decoder.ErrorCorrectionLevel_L
	}
	code, err := qrseg.Encode(payload, level)
	if err != nil {
		return nil, err
	}
	full := code.Size + 8
	px := max(1, size/full)
	size = max(size, full*px)
	off := (size - full*px) / 2
	img := image.NewGray(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			c := color.Gray{Y: 255}
			if qx, qy := (x-off)/px-4, (y-off)/px-4; x >= off && y >= off && code.Dark(qx, qy) {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}
