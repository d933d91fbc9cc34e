package camera

import (
	"errors"
	"testing"

	"guichet/camera/internal/scene"
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

// Any grey plane, however odd, decodes to a result or to nothing, never a
// panic (gozxing is a port of Java code that indexes freely).
func FuzzDecoder_Decode(f *testing.F) {
	f.Add(make([]byte, 64*48), 64)
	f.Add(render(f, "ABC234", scene.Params{Width: 64, Height: 64, Module: 2}), 64)
	f.Fuzz(func(t *testing.T, gray []byte, w int) {
		if w <= 0 || w > 4096 || len(gray) < w {
			return
		}
		d := NewDecoder()
		if r, ok := d.Decode(gray, w, len(gray)/w); ok && r.Text == "" {
			t.Fatal("empty text reported as a result")
		}
	})
}
