package camera

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"testing"
)

func TestYUYVToGray(t *testing.T) {
	tests := []struct {
		name    string
		src     []byte
		w, h    int
		want    []byte
		wantErr bool
	}{
		{"ok 2x2", []byte{10, 128, 20, 128, 30, 1, 40, 2}, 2, 2, []byte{10, 20, 30, 40}, false},
		{"short frame", []byte{10, 128, 20}, 2, 2, nil, true},
		{"long frame", make([]byte, 10), 2, 2, nil, true},
		{"zero size", nil, 0, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := YUYVToGray(nil, tt.src, tt.w, tt.h)
			if tt.wantErr {
				if !errors.Is(err, ErrBadFrame) {
					t.Fatalf("err = %v, want ErrBadFrame", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// testJPEG encodes a recognisable 64x48 grey ramp.
func testJPEG(t testing.TB) ([]byte, *image.Gray) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte((i % 64) * 4)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), img
}

// stripDHT removes every DHT segment, as webcams that send "AVI1" MJPEG do.
func stripDHT(t testing.TB, src []byte) []byte {
	t.Helper()
	out := append([]byte{}, src[:2]...)
	i := 2
	for i < len(src) {
		m := src[i+1]
		if m == 0xDA {
			return append(out, src[i:]...)
		}
		n := int(src[i+2])<<8 | int(src[i+3])
		if m != 0xC4 {
			out = append(out, src[i:i+2+n]...)
		}
		i += 2 + n
	}
	t.Fatal("no SOS")
	return nil
}

func TestMJPEGToGray(t *testing.T) {
	full, want := testJPEG(t)
	bare := stripDHT(t, full)
	if bytes.Contains(bare, []byte{0xFF, 0xC4}) {
		t.Fatal("stripDHT left a DHT")
	}
	if _, err := jpeg.Decode(bytes.NewReader(bare)); err == nil {
		t.Fatal("image/jpeg decoded a frame without Huffman tables; test premise broken")
	}
	tests := []struct {
		name    string
		src     []byte
		w, h    int
		wantErr bool
	}{
		{"with tables", full, 64, 48, false},
		{"without tables", bare, 64, 48, false},
		{"any size", full, 0, 0, false},
		{"truncated", full[:len(full)/2], 64, 48, true},
		{"truncated header", full[:20], 64, 48, true},
		{"not a jpeg", []byte("hello"), 64, 48, true},
		{"wrong size", full, 640, 480, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, w, h, err := MJPEGToGray(nil, tt.src, tt.w, tt.h)
			if tt.wantErr {
				if !errors.Is(err, ErrBadFrame) {
					t.Fatalf("err = %v, want ErrBadFrame", err)
				}
				return
			}
			if err != nil || w != 64 || h != 48 {
				t.Fatalf("got %dx%d, %v", w, h, err)
			}
			for i, v := range got {
				if d := int(v) - int(want.Pix[i]); d > 8 || d < -8 {
					t.Fatalf("pixel %d = %d, want about %d", i, v, want.Pix[i])
				}
			}
		})
	}
}

func TestWithHuffmanTables(t *testing.T) {
	full, _ := testJPEG(t)
	if got := WithHuffmanTables(full); !bytes.Equal(got, full) {
		t.Error("a frame with tables was modified")
	}
	bare := stripDHT(t, full)
	got := WithHuffmanTables(bare)
	if len(got) != len(bare)+len(standardDHT) {
		t.Errorf("len = %d, want %d", len(got), len(bare)+len(standardDHT))
	}
	// Go's encoder uses the Annex K tables too: restoring them must give back
	// exactly the pixels of the original file.
	a, err1 := jpeg.Decode(bytes.NewReader(full))
	b, err2 := jpeg.Decode(bytes.NewReader(got))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !bytes.Equal(a.(*image.Gray).Pix, b.(*image.Gray).Pix) {
		t.Error("pixels differ after inserting the standard tables")
	}
	// A colour frame exercises the chrominance tables as well.
	rgba := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	c1, err1 := jpeg.Decode(bytes.NewReader(buf.Bytes()))
	c2, err2 := jpeg.Decode(bytes.NewReader(WithHuffmanTables(stripDHT(t, buf.Bytes()))))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	y1, y2 := c1.(*image.YCbCr), c2.(*image.YCbCr)
	if !bytes.Equal(y1.Y, y2.Y) || !bytes.Equal(y1.Cb, y2.Cb) || !bytes.Equal(y1.Cr, y2.Cr) {
		t.Error("colour planes differ after inserting the standard tables")
	}
	for _, junk := range [][]byte{nil, {0xFF}, {0xFF, 0xD8, 0x00, 0x00}, {0xFF, 0xD8, 0xFF, 0xE0, 0x00}} {
		if got := WithHuffmanTables(junk); !bytes.Equal(got, junk) {
			t.Errorf("junk %v modified", junk)
		}
	}
}

func BenchmarkYUYVToGray720p(b *testing.B) {
	src := make([]byte, 1280*720*2)
	dst := make([]byte, 1280*720)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		dst, _ = YUYVToGray(dst, src, 1280, 720)
	}
}

func BenchmarkMJPEGToGray720p(b *testing.B) {
	img := image.NewYCbCr(image.Rect(0, 0, 1280, 720), image.YCbCrSubsampleRatio422)
	for i := range img.Y {
		img.Y[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		b.Fatal(err)
	}
	bare := stripDHT(b, buf.Bytes())
	var dst []byte
	b.SetBytes(int64(len(bare)))
	for b.Loop() {
		var err error
		if dst, _, _, err = MJPEGToGray(dst, bare, 1280, 720); err != nil {
			b.Fatal(err)
		}
	}
}
