package camera

import (
	"math"
	"slices"
)

// The retry strategy, cheapest first. What the bench frames (scangen) showed
// about plain gozxing, and the pass that answers it:
//
//   - Most misses on degraded frames are not detection misses: gozxing finds
//     the three finder patterns but the grid it samples is off (rotation near
//     45° plus perspective, blur) or the modules binarize wrongly. Resampling
//     the code's region rotated by 45° (and ±22.5°) gives the sampler and the
//     8x8-block hybrid binarizer a different pixel grid, and recovers most of
//     them ("roi-rot*" passes).
//   - Low contrast (a dark-to-light span under ~60 grey levels): the hybrid
//     binarizer treats 8x8 blocks whose span is under 24 levels as flat and
//     guesses; stretching the region's histogram first fixes it
//     ("roi-stretch").
//   - Small modules (under ~3.5 px) with blur: the region is upsampled 2x
//     before the rotated attempts so that the binarizer's block is small
//     compared to a module and the sampler lands inside modules.
//   - 720p frames start at half resolution: 4x fewer pixels, box averaging
//     removes sensor noise, and big modules fit the binarizer's window better.
//
// Harder passes run only when gozxing reported at least one finder-pattern
// candidate, so a frame without a code costs one or two cheap attempts.

// maxROISide bounds the side of a resampled region (cost control).
const maxROISide = 640

// run tries the passes in order and returns the first decoded text.
func (d *Decoder) run(gray []byte, w, h int) (string, string, bool) {
	d.cands = d.cands[:0]
	full := plane{gray, w, h}

	// Pass 1: the whole frame, at half resolution for 720p and above.
	f := 1
	if h >= 600 {
		f = 2
	}
	first := full
	if f > 1 {
		d.scratch.small, first = halve(d.scratch.small, full)
	}
	if text, ok := d.try(first, rect{0, 0, first.w, first.h}, hybrid, false); ok {
		return text, "fast", true
	}
	scaleCands(d.cands, float64(f))
	// Pass 2: the aim box (centre quarter of the frame) at twice the
	// resolution of pass 1, for codes held far from the camera.
	aim := rect{w / 4, h / 4, w / 2, h / 2}
	if f > 1 {
		if text, ok := d.try(full, aim, hybrid, false); ok {
			return text, "aim", true
		}
	} else {
		var up plane
		d.scratch.up, up = double(d.scratch.up, full, aim)
		n := len(d.cands)
		text, ok := d.try(up, rect{0, 0, up.w, up.h}, hybrid, false)
		for i := n; i < len(d.cands); i++ {
			c := &d.cands[i]
			c.x, c.y, c.module = c.x/2+float64(aim.x), c.y/2+float64(aim.y), c.module/2
		}
		if ok {
			return text, "aim", true
		}
	}
	group := worthCandidates(d.cands)
	if len(group) == 0 || (len(group) == 1 && group[0].module < 2.5) {
		// Nothing that looks like a code's finder patterns: try an inverted
		// code (light modules on a dark phone screen) at low resolution,
		// where such codes are big, then give up.
		var inv plane
		d.scratch.inv, inv = halve(d.scratch.inv, first)
		if text, ok := d.try(inv, rect{0, 0, inv.w, inv.h}, hybrid, true); ok {
			return text, "inverted", true
		}
		return "", "", false
	}
	d.stats.Retries++
	return d.hard(full, group)
}

// minModule is the smallest module size (full-frame pixels) a readable code
// has; smaller finder-pattern candidates are sensor noise or texture.
const minModule = 2.0

// worthCandidates keeps the largest group of candidates whose module sizes
// agree (within a factor 1.45), after dropping those too small to be real.
// A code seen by gozxing gives at least two such patterns; noise and
// clutter give scattered tiny ones.
func worthCandidates(cs []candidate) []candidate {
	var best []candidate
	for _, c := range cs {
		if c.module < minModule {
			continue
		}
		var g []candidate
		for _, o := range cs {
			if o.module >= minModule && o.module > c.module/1.45 && o.module < c.module*1.45 {
				g = append(g, o)
			}
		}
		if len(g) > len(best) {
			best = g
		}
	}
	return best
}

// hard runs the expensive passes on the region around the candidates.
func (d *Decoder) hard(full plane, group []candidate) (string, string, bool) {
	roi, module := candidateROI(group, full.w, full.h)
	sc := &d.scratch
	var ok bool
	var st plane
	sc.work, st, ok = stretch(sc.work, full, roi)
	if !ok {
		return "", "", false
	}
	stRect := rect{0, 0, st.w, st.h}
	if text, ok := d.try(st, stRect, hybrid, false); ok {
		return text, "roi-stretch", true
	}
	scale := 1.0
	if module > 0 && module < 3.5 {
		scale = 2
	}
	side := float64(max(roi.w, roi.h)) * scale
	if side > maxROISide {
		scale *= maxROISide / side
	}
	for _, deg := range []float64{45, 22.5, -22.5} {
		var rp plane
		sc.rot, rp = rotate(sc.rot, st, stRect, deg, scale)
		if text, ok := d.try(rp, rect{0, 0, rp.w, rp.h}, hybrid, false); ok {
			return text, "roi-rot", true
		}
	}
	if text, ok := d.try(st, stRect, global, false); ok {
		return text, "roi-global", true
	}
	return "", "", false
}

// scaleCands maps candidates found on a plane downscaled by f back to the
// full frame.
func scaleCands(cs []candidate, f float64) {
	if f == 1 {
		return
	}
	for i := range cs {
		cs[i].x *= f
		cs[i].y *= f
		cs[i].module *= f
	}
}

// candidateROI returns the region that holds the code whose finder patterns
// were seen, and their median module size. The margin covers the rest of a
// code up to version 10 around its finder patterns, plus the quiet zone.
func candidateROI(cs []candidate, w, h int) (rect, float64) {
	mods := make([]float64, len(cs))
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, c := range cs {
		mods[i] = c.module
		x0, y0 = min(x0, c.x), min(y0, c.y)
		x1, y1 = max(x1, c.x), max(y1, c.y)
	}
	slices.Sort(mods)
	m := mods[len(mods)/2]
	// With fewer than three patterns the code may extend far on one side.
	margin := 12 * m
	if len(cs) < 3 {
		margin = 40 * m
	}
	r := rect{
		x: clampInt(int(x0-margin), 0, w),
		y: clampInt(int(y0-margin), 0, h),
	}
	r.w = clampInt(int(x1+margin), 0, w) - r.x
	r.h = clampInt(int(y1+margin), 0, h) - r.y
	if r.w < 32 || r.h < 32 {
		return rect{0, 0, w, h}, m
	}
	return r, m
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

// scratch holds the decoder's reusable work buffers.
type scratch struct {
	small, up, inv, work, rot []byte
}
