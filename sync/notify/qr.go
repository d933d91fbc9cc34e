package notify

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"

	"guichet/internal/qrseg"
)

// QRPNG renders payload as a QR code PNG of size×size pixels (error correction M, quiet zone
// of 4 modules included, whole pixels per module, centred). A signed ticket's base32 part is
// encoded in alphanumeric mode (internal/qrseg): a smaller symbol than one byte-mode segment.
func QRPNG(payload string, size int) ([]byte, error) {
	code, err := qrseg.Encode(payload, decoder.ErrorCorrectionLevel_M)
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
