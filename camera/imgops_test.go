package camera

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestImgops(t *testing.T) {
	// A 4x4 ramp.
	p := plane{[]byte{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150}, 4, 4}
	_, h := halve(nil, p)
	if !bytes.Equal(h.pix, []byte{25, 45, 105, 125}) || h.w != 2 || h.h != 2 {
		t.Errorf("halve = %v", h)
	}
	_, r := rotate(nil, p, rect{0, 0, 4, 4}, 0, 1)
	if !bytes.Equal(r.pix[:3], p.pix[:3]) || r.pix[5] != p.pix[5] {
		t.Errorf("rotate by 0 changed the pixels: %v", r.pix)
	}
	_, r = rotate(nil, p, rect{0, 0, 4, 4}, 90, 1)
	// Turned a quarter: moving right along an output row walks down a
	// source column.
	if r.pix[1*4+1] != p.pix[1*4+2] || r.pix[1*4+2] != p.pix[2*4+2] {
		t.Errorf("rotate by 90 = %v", r.pix)
	}
	if lo, hi := spread(plane{bytes.Repeat([]byte{7}, 64), 8, 8}, rect{0, 0, 8, 8}); lo != 7 || hi != 7 {
		t.Errorf("spread of flat = %d..%d", lo, hi)
	}
	if _, _, ok := stretch(nil, plane{bytes.Repeat([]byte{7}, 64), 8, 8}, rect{0, 0, 8, 8}, false); ok {
		t.Error("stretched a flat region")
	}
	lut := stretchLUT(100, 150)
	if lut[100] != 0 || lut[150] != 255 || lut[50] != 0 || lut[200] != 255 || lut[125] != 127 {
		t.Errorf("stretchLUT: %d %d %d %d %d", lut[100], lut[150], lut[50], lut[200], lut[125])
	}
}

// halve's word-at-a-time loop must give what the plain 2x2 average gives,
// for every width (the tail of a row is done pixel by pixel).
func TestHalve_matchesPlainAverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, size := range [][2]int{{640, 480}, {37, 11}, {9, 4}, {2, 2}, {17, 3}} {
		w, h := size[0], size[1]
		p := plane{make([]byte, w*h), w, h}
		for i := range p.pix {
			p.pix[i] = byte(rng.IntN(256))
		}
		p.pix[0], p.pix[1], p.pix[w], p.pix[w+1] = 255, 255, 255, 255
		_, got := halve(nil, p)
		for y := 0; y < h/2; y++ {
			for x := 0; x < w/2; x++ {
				i := 2*y*w + 2*x
				want := byte((int(p.pix[i]) + int(p.pix[i+1]) + int(p.pix[i+w]) + int(p.pix[i+w+1]) + 2) >> 2)
				if g := got.pix[y*(w/2)+x]; g != want {
					t.Fatalf("%dx%d: (%d,%d) = %d, want %d", w, h, x, y, g, want)
				}
			}
		}
	}
}
