package images

import (
	"os"
	"testing"
)

// FuzzThumbnail feeds arbitrary bytes to the image check: refused with an error or turned into
// a thumbnail within the bounds, never a panic, never an oversized decode.
func FuzzThumbnail(f *testing.F) {
	f.Add(encodePNG(f, picture(40, 60)))
	f.Add(encodeJPEG(f, picture(64, 32)))
	f.Add(pngClaiming(f, 100_000, 100_000))
	f.Add(jpegClaiming(f, 60000, 60000))
	for _, name := range []string{"testdata/blue-purple-pink.lossy.webp", "testdata/gopher-doc.8bpp.lossless.webp"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		th, err := Thumbnail(data)
		if err != nil {
			return
		}
		if th.Width < 1 || th.Height < 1 || th.Width > ThumbWidth || th.Height > ThumbHeight ||
			int64(th.SourceWidth)*int64(th.SourceHeight) > MaxPixels {
			t.Fatalf("thumbnail %+v", th)
		}
	})
}
