package camera

import (
	"bytes"
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
