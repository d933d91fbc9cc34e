package camera

import (
	"encoding/binary"
	"math"
)

// Image operations used by the retry strategy. All write into caller-owned
// buffers (grown when needed) so that a steady stream of frames does not
// allocate.

// grow returns buf resized to n bytes, reallocating only when too small.
func grow(buf []byte, n int) []byte {
	if cap(buf) < n {
		return make([]byte, n)
	}
	return buf[:n]
}

// halve averages 2x2 blocks of p into dst (odd last row/column dropped),
// rounding to nearest. Eight source columns are summed at a time in one
// 64-bit word (four 16-bit lanes), which keeps it a small part of a frame's
// cost.
func halve(dst []byte, p plane) ([]byte, plane) {
	const lanes = 0x00ff00ff00ff00ff
	w, h := p.w/2, p.h/2
	dst = grow(dst, w*h)
	for y := 0; y < h; y++ {
		r0 := p.pix[2*y*p.w : 2*y*p.w+2*w]
		r1 := p.pix[(2*y+1)*p.w : (2*y+1)*p.w+2*w]
		out := dst[y*w : (y+1)*w]
		x := 0
		for ; x+4 <= w; x += 4 {
			a := binary.LittleEndian.Uint64(r0[2*x:])
			b := binary.LittleEndian.Uint64(r1[2*x:])
			// Each 16-bit lane: the sum of a 2x2 block plus 2 (< 1024).
			s := a&lanes + a>>8&lanes + b&lanes + b>>8&lanes + 0x0002000200020002
			s = s >> 2 & lanes
			binary.LittleEndian.PutUint32(out[x:], uint32(s|s>>8)&0xffff|uint32((s|s>>8)>>32&0xffff)<<16)
		}
		for ; x < w; x++ {
			out[x] = byte((uint(r0[2*x]) + uint(r0[2*x+1]) + uint(r1[2*x]) + uint(r1[2*x+1]) + 2) >> 2)
		}
	}
	return dst, plane{dst, w, h}
}

// spread returns the 1st and 99th percentile grey levels of r in p,
// sampling every 4th pixel of every 4th row.
func spread(p plane, r rect) (lo, hi int) {
	var hist [256]int
	n := 0
	for y := r.y; y < r.y+r.h; y += 4 {
		for x := r.x; x < r.x+r.w; x += 4 {
			hist[p.pix[y*p.w+x]]++
			n++
		}
	}
	return percentileOf(&hist, n/100), percentileOf(&hist, n-n/100-1)
}

// stretchLUT maps [lo, hi] linearly onto [0, 255], clamping outside.
func stretchLUT(lo, hi int) *[256]byte {
	var lut [256]byte
	if hi <= lo {
		hi = lo + 1
	}
	for i := range lut {
		lut[i] = byte(min(max((i-lo)*255/(hi-lo), 0), 255))
	}
	return &lut
}

// applyLUT maps every pixel of p through lut into dst.
func applyLUT(dst []byte, p plane, lut *[256]byte) ([]byte, plane) {
	dst = grow(dst, p.w*p.h)
	for i, v := range p.pix[:p.w*p.h] {
		dst[i] = lut[v]
	}
	return dst, plane{dst, p.w, p.h}
}

// stretch copies r of p into dst with its grey levels stretched so that the
// 1st and 99th percentiles become 0 and 255 (255 and 0 with invert). It
// reports false when r is flat (nothing to stretch).
func stretch(dst []byte, p plane, r rect, invert bool) ([]byte, plane, bool) {
	lo, hi := spread(p, r)
	n := r.w * r.h
	dst = grow(dst, n)
	if hi-lo < 8 {
		return dst, plane{}, false
	}
	lut := stretchLUT(lo, hi)
	if invert {
		for i := range lut {
			lut[i] = 255 - lut[i]
		}
	}
	for y := 0; y < r.h; y++ {
		src := p.pix[(r.y+y)*p.w+r.x : (r.y+y)*p.w+r.x+r.w]
		out := dst[y*r.w : (y+1)*r.w]
		for x, v := range src {
			out[x] = lut[v]
		}
	}
	return dst, plane{dst, r.w, r.h}, true
}

// percentileOf returns the grey level below which rank pixels lie.
func percentileOf(hist *[256]int, rank int) int {
	acc := 0
	for v, c := range hist {
		acc += c
		if acc > rank {
			return v
		}
	}
	return 255
}

// rotate resamples r of p turned by deg degrees around r's centre and
// magnified by scale into a square of side max(r.w, r.h)*scale (bilinear,
// 16.16 fixed point). Pixels falling outside p are white, like a quiet zone.
func rotate(dst []byte, p plane, r rect, deg float64, scale float64) ([]byte, plane) {
	const one = 1 << 16
	side := int(float64(max(r.w, r.h)) * scale)
	dst = grow(dst, side*side)
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(r.x)+float64(r.w)/2, float64(r.y)+float64(r.h)/2
	half, inv := float64(side)/2, 1/scale
	stepX, stepY := int(cos*inv*one), int(sin*inv*one)
	dx0 := (0.5 - half) * inv
	for y := 0; y < side; y++ {
		dy := (float64(y) + 0.5 - half) * inv
		fx := int((cx + dx0*cos - dy*sin - 0.5) * one)
		fy := int((cy + dx0*sin + dy*cos - 0.5) * one)
		row := dst[y*side : (y+1)*side]
		for x := range row {
			xi, yi := fx>>16, fy>>16
			if xi < 0 || yi < 0 || xi >= p.w-1 || yi >= p.h-1 {
				row[x] = 255
			} else {
				ax, ay := fx&(one-1), fy&(one-1)
				i := yi*p.w + xi
				a, b := int(p.pix[i]), int(p.pix[i+1])
				c, d := int(p.pix[i+p.w]), int(p.pix[i+p.w+1])
				top := a*one + (b-a)*ax
				bot := c*one + (d-c)*ax
				row[x] = byte((top*one + (bot-top)*ay + 1<<31) >> 32)
			}
			fx += stepX
			fy += stepY
		}
	}
	return dst, plane{dst, side, side}
}
