package camera

import (
	"errors"
	"testing"
)

// Device buffers are untrusted input: no byte sequence may panic the
// converters, and every failure must be a skippable ErrBadFrame.
func FuzzConvertFrame(f *testing.F) {
	full, _ := testJPEG(f)
	f.Add(full, true)
	f.Add(stripDHT(f, full), true)
	f.Add(full[:len(full)/3], true)
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02}, true)
	f.Add(make([]byte, 64*48*2), false)
	f.Fuzz(func(t *testing.T, data []byte, mjpeg bool) {
		pix := FormatYUYV
		if mjpeg {
			pix = FormatMJPEG
		}
		gray, err := ConvertFrame(pix, data, 64, 48)
		if err != nil {
			if !errors.Is(err, ErrBadFrame) {
				t.Fatalf("error %v is not ErrBadFrame", err)
			}
			return
		}
		if len(gray) != 64*48 {
			t.Fatalf("plane of %d bytes", len(gray))
		}
	})
}
