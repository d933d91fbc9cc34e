package images

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"guichet/app"
)

// picture returns a w × h gradient.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngClaiming rewrites a PNG's header to claim w × h pixels (with a valid CRC): a few hundred
// bytes that would decode into gigabytes.
func pngClaiming(t testing.TB, w, h uint32) []byte {
	b := encodePNG(t, picture(2, 2))
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// jpegClaiming rewrites a JPEG's frame header (SOF0) to claim w × h pixels.
func jpegClaiming(t testing.TB, w, h uint16) []byte {
	b := encodeJPEG(t, picture(8, 8))
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// webpClaiming rewrites a lossy WebP's frame header to claim w × h pixels (14 bits each).
func webpClaiming(t testing.TB, w, h uint16) []byte {
	b := readFile(t, "testdata/blue-purple-pink.lossy.webp")
	i := bytes.Index(b, []byte{0x9d, 0x01, 0x2a})
	binary.LittleEndian.PutUint16(b[i+3:], w&0x3fff)
	binary.LittleEndian.PutUint16(b[i+5:], h&0x3fff)
	return b
}

func readFile(t testing.TB, name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestThumbnail_OK(t *testing.T) {
	for _, tc := range []struct {
		name         string
		data         []byte
		format       string
		srcW, srcH   int
		thumbW, thmH int
	}{
		{"large PNG poster", encodePNG(t, picture(800, 1200)), "png", 800, 1200, 400, 600},
		{"wide JPEG", encodeJPEG(t, picture(1600, 400)), "jpeg", 1600, 400, 400, 100},
		{"small PNG kept", encodePNG(t, picture(120, 90)), "png", 120, 90, 120, 90},
		{"lossy WebP", readFile(t, "testdata/blue-purple-pink.lossy.webp"), "webp", 150, 100, 150, 100},
		{"lossless WebP", readFile(t, "testdata/gopher-doc.8bpp.lossless.webp"), "webp", 0, 0, 0, 0},
		{"1 px tall strip", encodePNG(t, picture(4000, 1)), "png", 4000, 1, 400, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			th, err := Thumbnail(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if th.SourceFormat != tc.format || th.ContentType != "image/jpeg" {
				t.Errorf("format %s → %s", th.SourceFormat, th.ContentType)
			}
			if tc.srcW != 0 && (th.SourceWidth != tc.srcW || th.SourceHeight != tc.srcH || th.Width != tc.thumbW || th.Height != tc.thmH) {
				t.Errorf("%d×%d → %d×%d, want %d×%d → %d×%d", th.SourceWidth, th.SourceHeight, th.Width, th.Height,
					tc.srcW, tc.srcH, tc.thumbW, tc.thmH)
			}
			if th.Width > ThumbWidth || th.Height > ThumbHeight {
				t.Errorf("thumbnail %d×%d over the bound", th.Width, th.Height)
			}
			back, err := jpeg.Decode(bytes.NewReader(th.Data))
			if err != nil || back.Bounds().Dx() != th.Width || back.Bounds().Dy() != th.Height {
				t.Errorf("thumbnail does not decode as a %d×%d JPEG: %v", th.Width, th.Height, err)
			}
		})
	}
}

func TestThumbnail_Refused(t *testing.T) {
	full := encodePNG(t, picture(64, 64))
	for name, data := range map[string][]byte{
		"empty":                      nil,
		"text":                       []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"),
		"GIF":                        []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"PNG signature then garbage": append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...),
		"truncated PNG":              full[:len(full)/2],
		"JPEG header only":           encodeJPEG(t, picture(64, 64))[:200],
		"PNG bomb 100k × 100k":       pngClaiming(t, 100_000, 100_000),
		"PNG 5000 × 4000 (20 Mpx)":   pngClaiming(t, 5000, 4000),
		"PNG 20000 × 1 (side)":       pngClaiming(t, 20_000, 1),
		"PNG 0 × 10":                 pngClaiming(t, 0, 10),
		"JPEG bomb 65535²":           jpegClaiming(t, 65535, 65535),
		"WebP bomb 16383²":           webpClaiming(t, 16383, 16383),
		"PNG lying on its size":      pngClaiming(t, 3000, 3000), // header passes, pixels missing
		"WebP truncated":             readFile(t, "testdata/blue-purple-pink.lossy.webp")[:600],
	} {
		t.Run(name, func(t *testing.T) {
			th, err := Thumbnail(data)
			var e *app.Error
			if th != nil || err == nil {
				t.Fatal("accepted")
			}
			if app.ErrorCode(err) != app.EINVALID || !asField(err, &e) || e.Field != Field || e.Message == "" {
				t.Errorf("error %v, want EINVALID on field image", err)
			}
		})
	}
}

func asField(err error, e **app.Error) bool {
	x, ok := err.(*app.Error)
	*e = x
	return ok
}

// BenchmarkThumbnail_Bomb times the refusal of a decompression bomb: the header alone is read.
func BenchmarkThumbnail_Bomb(b *testing.B) {
	data := pngClaiming(b, 100_000, 100_000)
	for b.Loop() {
		if _, err := Thumbnail(data); err == nil {
			b.Fatal("accepted")
		}
	}
}
